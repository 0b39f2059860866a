# Beyond the paper: error-adjusted shares, search coverage, link rot, sensitivity to coding
# choices and the series past the paper's window (each an input of the report).


rule adjust:
    input:
        analysis=f"{TABLES}/summary.json",
        cases=CASES,
        gold=gold_inputs(),
        codebook=f"{REPO_DIR}/data/codebook.yaml",
    output:
        summary=f"{BEYOND}/adjust/summary.json",
    log:
        f"{PROCESSED}/logs/adjust.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        gold=GOLD,
        out_dir=lambda wildcards, output: Path(output.summary).parent,
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
        summary=f"{BEYOND}/coverage/summary.json",
    log:
        f"{PROCESSED}/logs/coverage.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: Path(output.summary).parent,
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
        summary=f"{BEYOND}/link_rot/summary.json",
    log:
        f"{PROCESSED}/logs/link_rot.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: Path(output.summary).parent,
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
        summary=f"{BEYOND}/sensitivity/summary.json",
    log:
        f"{PROCESSED}/logs/sensitivity.log",
    conda:
        "../envs/zhuanban.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=lambda wildcards, output: Path(output.summary).parent,
        simulated=simulated_flag,
        start=config["window"]["start"],
        end=config["window"]["end"],
    shell:
        "zhuanban sensitivity --cases {input.cases} --published {input.published}"
        " -o {params.out_dir} --start {params.start} --end {params.end} {params.simulated}"
        " > {log} 2>&1"
