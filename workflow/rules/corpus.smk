# Where pages come from: the simulated demo corpus, served from 127.0.0.1 and captured to WARC.


rule demo_corpus:
    output:
        manifest=f"{DEMO_SITE}/manifest.jsonl",
        truth_cases=f"{DEMO_SITE}/truth/cases.csv",
        truth_pages=f"{DEMO_SITE}/truth/pages.csv",
    log:
        f"{RAW}/demo/logs/demo_corpus.log",
    conda:
        "../envs/zhuanban.yaml"
    params:
        site=lambda wildcards, output: Path(output.manifest).parent,
        seed=config["demo"]["seed"],
        n_cases=config["demo"]["n_cases"],
        start=config["window"]["start"],
        end=config["window"]["end"],
    shell:
        "zhuanban demo-corpus {params.site} --seed {params.seed} --n-cases {params.n_cases}"
        " --start {params.start} --end {params.end} > {log} 2>&1"


# A directory output: a rerun (another seed or size) starts from an empty folder, so no WARC of
# an earlier demo corpus is parsed with the new one.
checkpoint capture_demo:
    input:
        manifest=rules.demo_corpus.output.manifest,
    output:
        capture=directory(f"{RAW}/demo/capture"),
    log:
        f"{RAW}/demo/logs/capture.log",
    conda:
        "../envs/zhuanban.yaml"
    params:
        site=lambda wildcards, input: Path(input.manifest).parent,
        user_agent=config["capture"]["user_agent"],
        urls_per_warc=config["capture"].get("urls_per_warc", 1000),
    shell:
        "zhuanban capture {input.manifest} -o {output.capture} --demo-site {params.site}"
        " --user-agent '{params.user_agent}' --urls-per-warc {params.urls_per_warc}"
        " > {log} 2>&1"


rule discover:
    input:
        config=LIVE_CONFIG,
    output:
        summary=f"{LIVE_DIR}/hits/discover_summary.json",
    log:
        f"{LIVE_DIR}/logs/discover.log",
    conda:
        "../envs/zhuanban.yaml"
    params:
        hits_dir=lambda wildcards, output: Path(output.summary).parent,
    shell:
        "zhuanban discover --config {input.config} -o {params.hits_dir} > {log} 2>&1"


# The capture log is not a declared output: Snakemake deletes the outputs of a failed job, and
# the log is what lets a rerun resume without refetching.
checkpoint capture_live:
    input:
        hits=rules.discover.output.summary,
        config=LIVE_CONFIG,
    output:
        summary=f"{LIVE_DIR}/capture/capture_summary.json",
    log:
        f"{LIVE_DIR}/logs/capture.log",
    conda:
        "../envs/zhuanban.yaml"
    params:
        hits_dir=lambda wildcards, input: Path(input.hits).parent,
        out_dir=lambda wildcards, output: Path(output.summary).parent,
    shell:
        "zhuanban capture {params.hits_dir} -o {params.out_dir} --config {input.config}"
        " > {log} 2>&1"
