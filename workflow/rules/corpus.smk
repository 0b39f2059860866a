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


rule capture_demo:
    input:
        manifest=rules.demo_corpus.output.manifest,
    output:
        warc=f"{RAW}/demo/capture/capture.warc.gz",
        log=f"{RAW}/demo/capture/capture_log.csv",
    log:
        f"{RAW}/demo/logs/capture.log",
    conda:
        "../envs/zhuanban.yaml"
    params:
        site=lambda wildcards, input: Path(input.manifest).parent,
        out_dir=lambda wildcards, output: Path(output.warc).parent,
        user_agent=config.get("capture", {}).get("user_agent", "zhuanban/0.1"),
    shell:
        "zhuanban capture {input.manifest} -o {params.out_dir} --demo-site {params.site}"
        " --user-agent '{params.user_agent}' > {log} 2>&1"
