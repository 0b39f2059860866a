# parse → extract → resolve: from archived responses to coded, de-duplicated cases.


rule parse:
    input:
        warc_inputs,
    output:
        articles=ARTICLES,
        dropped=f"{INTERIM}/parse_dropped.csv",
    log:
        f"{INTERIM}/logs/parse.log",
    conda:
        "../envs/zhuanban.yaml"
    params:
        sources=warc_sources,
    shell:
        "zhuanban parse {params.sources} -o {output.articles} --dropped {output.dropped}"
        " > {log} 2>&1"


rule extract:
    input:
        articles=ARTICLES,
        codebook=f"{REPO_DIR}/data/codebook.yaml",
    output:
        mentions=MENTIONS,
    log:
        f"{INTERIM}/logs/extract.log",
    conda:
        "../envs/zhuanban.yaml"
    shell:
        "zhuanban extract {input.articles} -o {output.mentions} > {log} 2>&1"


rule near_duplicates:
    input:
        articles=ARTICLES,
    output:
        clusters=f"{INTERIM}/near_duplicates.csv",
    log:
        f"{INTERIM}/logs/near_duplicates.log",
    conda:
        "../envs/zhuanban.yaml"
    shell:
        "zhuanban near-duplicates {input.articles} -o {output.clusters} > {log} 2>&1"


rule resolve:
    input:
        mentions=MENTIONS,
        articles=ARTICLES,
        clusters=rules.near_duplicates.output.clusters,
    output:
        cases=CASES,
        case_sources=CASE_SOURCES,
    log:
        f"{PROCESSED}/logs/resolve.log",
    conda:
        "../envs/zhuanban.yaml"
    shell:
        "zhuanban resolve {input.mentions} {input.articles} --cases {output.cases}"
        " --case-sources {output.case_sources} --clusters {input.clusters} > {log} 2>&1"
