# parse → extract per shard (one WARC file each) → near-duplicates and resolve over all shards.


rule parse:
    input:
        warc=lambda wildcards: shard_warcs()[wildcards.shard],
    output:
        articles=f"{SHARDS}/{{shard}}/articles.parquet",
        dropped=f"{SHARDS}/{{shard}}/parse_dropped.csv",
    log:
        f"{SHARDS}/{{shard}}/parse.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        "zhuanban parse {input.warc} -o {output.articles} --dropped {output.dropped}"
        " > {log} 2>&1"


rule extract:
    input:
        articles=rules.parse.output.articles,
        codebook=f"{REPO_DIR}/data/codebook.yaml",
    output:
        mentions=f"{SHARDS}/{{shard}}/mentions.parquet",
    log:
        f"{SHARDS}/{{shard}}/extract.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        "zhuanban extract {input.articles} -o {output.mentions} > {log} 2>&1"


rule near_duplicates:
    input:
        articles=shard_files("articles.parquet"),
    output:
        clusters=f"{INTERIM}/near_duplicates.csv",
    log:
        f"{INTERIM}/logs/near_duplicates.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "zhuanban near-duplicates {input.articles} -o {output.clusters} > {log} 2>&1"


rule resolve:
    input:
        mentions=shard_files("mentions.parquet"),
        articles=shard_files("articles.parquet"),
        clusters=rules.near_duplicates.output.clusters,
        manual=manual_inputs,
    output:
        cases=CASES,
        case_sources=CASE_SOURCES,
    log:
        f"{PROCESSED}/logs/resolve.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        manual=MANUAL,
    shell:
        "zhuanban resolve --mentions {input.mentions} --articles {input.articles}"
        " --cases {output.cases}"
        " --case-sources {output.case_sources} --clusters {input.clusters}"
        " --manual-dir {params.manual} > {log} 2>&1"
