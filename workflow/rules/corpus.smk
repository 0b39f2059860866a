# Where pages come from: the simulated demo corpus, served from 127.0.0.1 and captured to WARC.


rule demo_corpus:
    output:
        manifest=f"{DEMO_SITE}/manifest.jsonl",
        truth_cases=f"{DEMO_SITE}/truth/cases.csv",
        truth_pages=f"{DEMO_SITE}/truth/pages.csv",
    params:
        seed=config["demo"]["seed"],
        n_cases=config["demo"]["n_cases"],
        start=config["window"]["start"],
        end=config["window"]["end"],
    log:
        f"{RAW}/demo/logs/demo_corpus.log",
    shell:
        "{ZB} demo-corpus {DEMO_SITE} --seed {params.seed} --n-cases {params.n_cases}"
        " --start {params.start} --end {params.end} > {log} 2>&1"


rule capture_demo:
    input:
        manifest=rules.demo_corpus.output.manifest,
    output:
        warc=f"{RAW}/demo/capture/capture.warc.gz",
        log=f"{RAW}/demo/capture/capture_log.csv",
    params:
        user_agent=config.get("capture", {}).get("user_agent", "zhuanban/0.1"),
    log:
        f"{RAW}/demo/logs/capture.log",
    shell:
        "{ZB} capture {input.manifest} -o {RAW}/demo/capture --demo-site {DEMO_SITE}"
        " --user-agent '{params.user_agent}' > {log} 2>&1"
