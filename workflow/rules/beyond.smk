# Beyond the paper: error-adjusted shares, search coverage, link rot, sensitivity to coding
# choices and the series past the paper's window (each an input of the report).


rule adjust:
    input:
        analysis=f"{TABLES}/summary.json",
        cases=CASES,
        gold=gold_inputs(),
        codebook=f"{REPO_DIR}/data/codebook.yaml",
    output:
        folder=report(
            directory(f"{BEYOND}/adjust"),
            patterns=["{chart}.png"],
            caption="../report/adjust.rst",
            category="Beyond the paper",
            subcategory="Error-adjusted shares",
        ),
    log:
        f"{PROCESSED}/logs/adjust.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        gold=GOLD,
        out_dir=lambda wildcards, output: output.folder,
        simulated=simulated_flag,
        start=config["window"]["start"],
        end=config["window"]["end"],
    shell:
        "zhuanban adjust --cases {input.cases} --gold {params.gold} -o {params.out_dir}"
        " --start {params.start} --end {params.end} {params.simulated} > {log} 2>&1"


rule coverage:
    input:
        analysis=f"{TABLES}/summary.json",
        cases=CASES,
        case_sources=CASE_SOURCES,
        evidence=coverage_evidence,
    output:
        folder=report(
            directory(f"{BEYOND}/coverage"),
            patterns=["{chart}.png"],
            caption="../report/coverage.rst",
            category="Beyond the paper",
            subcategory="Coverage of the search",
        ),
    log:
        f"{PROCESSED}/logs/coverage.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: output.folder,
        evidence=coverage_option,
        simulated=simulated_flag,
    shell:
        "zhuanban coverage --cases {input.cases} --case-sources {input.case_sources}"
        " {params.evidence} -o {params.out_dir} {params.simulated} > {log} 2>&1"


rule link_rot:
    input:
        analysis=f"{TABLES}/summary.json",
        capture=link_rot_capture,
    output:
        folder=report(
            directory(f"{BEYOND}/link_rot"),
            patterns=["{chart}.png"],
            caption="../report/link_rot.rst",
            category="Beyond the paper",
            subcategory="Link rot",
        ),
    log:
        f"{PROCESSED}/logs/link_rot.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: output.folder,
        capture_dir=lambda wildcards, input: capture_folder(input.capture),
        hits=f"--hits {LIVE_DIR}/hits" if CORPUS == "live" else "",
        simulated=simulated_flag,
    shell:
        "zhuanban link-rot {params.capture_dir} {params.hits} -o {params.out_dir}"
        " {params.simulated} > {log} 2>&1"


rule sensitivity:
    input:
        analysis=f"{TABLES}/summary.json",
        cases=CASES,
        published=f"{REPO_DIR}/data/reference/published.yaml",
    output:
        folder=report(
            directory(f"{BEYOND}/sensitivity"),
            patterns=["{chart}.png"],
            caption="../report/sensitivity.rst",
            category="Beyond the paper",
            subcategory="Sensitivity",
        ),
    log:
        f"{PROCESSED}/logs/sensitivity.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: output.folder,
        simulated=simulated_flag,
        start=config["window"]["start"],
        end=config["window"]["end"],
    shell:
        "zhuanban sensitivity --cases {input.cases} --published {input.published}"
        " -o {params.out_dir} --start {params.start} --end {params.end} {params.simulated}"
        " > {log} 2>&1"
