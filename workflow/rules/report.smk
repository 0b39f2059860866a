# analyse → (demo: recovery against the generator's truth) → the replication report.


rule analyse:
    input:
        cases=CASES,
        articles=shard_files("articles.parquet"),
        published=f"{REPO_DIR}/data/reference/published.yaml",
    output:
        tables=expand(f"{TABLES}/{{dist}}.csv", dist=DISTRIBUTIONS),
        summary=f"{TABLES}/summary.json",
        figures=[
            report(
                f"{FIGURES}/{dist}.png",
                caption=f"../report/{dist}.rst",
                category="Distributions",
                labels={"distribution": dist},
            )
            for dist in DISTRIBUTIONS
        ],
        svgs=expand(f"{FIGURES}/{{dist}}.svg", dist=DISTRIBUTIONS),
    log:
        f"{PROCESSED}/logs/analyse.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        tables=lambda wildcards, output: Path(output.summary).parent,
        figures=lambda wildcards, output: Path(output.figures[0]).parent,
        simulated="--simulated" if SIMULATED else "",
        start=config["window"]["start"],
        end=config["window"]["end"],
    shell:
        "zhuanban analyse {input.cases} --articles {input.articles} --tables {params.tables}"
        " --figures {params.figures}"
        " --start {params.start} --end {params.end} {params.simulated} > {log} 2>&1"


rule recovery:
    input:
        cases=CASES,
        case_sources=CASE_SOURCES,
        truth_cases=rules.demo_corpus.output.truth_cases,
        truth_pages=rules.demo_corpus.output.truth_pages,
    output:
        summary=f"{RECOVERY}/recovery.json",
    log:
        f"{PROCESSED}/logs/recovery.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: Path(output.summary).parent,
    shell:
        "zhuanban recovery {input.cases} {input.case_sources} --truth-cases {input.truth_cases}"
        " --truth-pages {input.truth_pages} -o {params.out_dir} > {log} 2>&1"


rule evaluate:
    input:
        gold=gold_inputs(),
        codebook=f"{REPO_DIR}/data/codebook.yaml",
    output:
        summary=f"{EVALUATION}/evaluation.json",
    log:
        f"{PROCESSED}/logs/evaluate.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        gold=GOLD,
        out_dir=lambda wildcards, output: Path(output.summary).parent,
    shell:
        "zhuanban evaluate {params.gold} -o {params.out_dir} > {log} 2>&1"


rule agreement:
    input:
        sheets=coding_sheets(),
    output:
        summary=f"{AGREEMENT}/agreement.json",
    log:
        f"{PROCESSED}/logs/agreement.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: Path(output.summary).parent,
    shell:
        "zhuanban agreement {input.sheets} -o {params.out_dir} > {log} 2>&1"


rule report:
    input:
        summary=f"{TABLES}/summary.json",
        figures=expand(f"{FIGURES}/{{dist}}.png", dist=DISTRIBUTIONS),
        cases=CASES,
        recovery=recovery_input,
        evaluation=evaluation_input,
        agreement=agreement_input,
        case_sources=CASE_SOURCES,
        beyond=beyond_inputs,
        articles=shard_files("articles.parquet"),
        mentions=shard_files("mentions.parquet"),
        dropped=shard_files("parse_dropped.csv"),
    output:
        html=report(
            REPORT_HTML,
            caption="../report/replication.rst",
            category="Replication report",
            labels={"file": "replication.html"},
        ),
        md=REPORT_MD,
    log:
        f"{REPORTS}/logs/report.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        tables=lambda wildcards, input: Path(input.summary).parent,
        figures=lambda wildcards, input: Path(input.figures[0]).parent,
        simulated="--simulated" if SIMULATED else "",
        recovery=lambda wildcards, input: (
            f"--recovery {Path(input.recovery[0]).parent}" if input.recovery else ""
        ),
        evaluation=lambda wildcards, input: (
            f"--evaluation {Path(input.evaluation[0]).parent}"
            if input.evaluation
            else ""
        ),
        agreement=lambda wildcards, input: (
            f"--agreement {Path(input.agreement[0]).parent}" if input.agreement else ""
        ),
        beyond=lambda wildcards, input: (
            f"--beyond {Path(input.beyond[0]).parent}" if input.beyond else ""
        ),
    shell:
        "zhuanban report --tables {params.tables} --figures {params.figures}"
        " --cases {input.cases} --articles {input.articles} --mentions {input.mentions}"
        " --dropped {input.dropped} {params.recovery} {params.evaluation}"
        " {params.agreement} {params.beyond} --case-sources {input.case_sources}"
        " {params.simulated}"
        " --html {output.html} --md {output.md} > {log} 2>&1"
