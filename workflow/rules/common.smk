# Configuration check and the file layout every rule shares.

import os
import sys

from snakemake.utils import validate

validate(config, "../schemas/config.schema.yaml")

# Rules call the `zhuanban` command of the environment running Snakemake.
os.environ["PATH"] = (
    f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
)
RAW = config["paths"]["raw"]
INTERIM = config["paths"]["interim"]
PROCESSED = config["paths"]["processed"]
FIGURES = config["paths"]["figures"]
REPORTS = config["paths"]["reports"]
CORPUS = config["corpus"]
SIMULATED = CORPUS == "demo"
DISTRIBUTIONS = ["year", "level", "domain", "leader_rank"]
REPO_DIR = Path(workflow.basedir)

DEMO_SITE = f"{RAW}/demo/site"
CAPTURE_DIR = f"{RAW}/{CORPUS}/capture"
SHARDS = f"{INTERIM}/shards"
CASES = f"{PROCESSED}/cases.csv"
CASE_SOURCES = f"{PROCESSED}/case_sources.csv"
TABLES = f"{PROCESSED}/tables"
RECOVERY = f"{PROCESSED}/recovery"
MANUAL = config["paths"].get("manual", "data/manual")
GOLD = Path(workflow.basedir) / config.get("gold", "data/gold")
EVALUATION = f"{PROCESSED}/evaluation"
AGREEMENT = f"{PROCESSED}/agreement"
BEYOND = f"{PROCESSED}/beyond"
REPORT_HTML = f"{REPORTS}/replication.html"
REPORT_MD = f"{REPORTS}/replication.md"

if CORPUS == "live" and "live" not in config:
    raise WorkflowError(
        "corpus: live needs a `live` block (sources, queries, contact); "
        "copy it from config/live.example.yaml into your config file"
    )
if CORPUS == "warc" and not config.get("warc", {}).get("dir"):
    raise WorkflowError(
        "corpus: warc needs warc.dir, the folder holding the *.warc.gz files"
    )

LIVE_DIR = f"{RAW}/live"
LIVE_CONFIG = f"{LIVE_DIR}/workflow_config.yaml"


def write_live_config():
    """The effective configuration (file and --config overrides) for discover and capture."""
    import yaml

    text = yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=True)
    path = Path(LIVE_CONFIG)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if CORPUS == "live":
    write_live_config()


wildcard_constraints:
    shard=r"[^/]+",


def shard_warcs():
    """Shard name → WARC file: each WARC file of the capture (or of warc.dir) is one shard."""
    if CORPUS == "warc":
        folder = Path(config["warc"]["dir"])
        files = sorted([*folder.rglob("*.warc.gz"), *folder.rglob("*.warc")])
        if not files:
            raise WorkflowError(f"warc.dir {folder}: no .warc or .warc.gz files there")
    else:
        (
            checkpoints.capture_demo.get()
            if CORPUS == "demo"
            else checkpoints.capture_live.get()
        )
        files = sorted(Path(CAPTURE_DIR).glob("*.warc.gz"))
    shards = {}
    for path in files:
        name = path.name.removesuffix(".gz").removesuffix(".warc")
        if name in shards:
            raise WorkflowError(
                f"two WARC files share the name {name}: {shards[name]}, {path}"
            )
        shards[name] = str(path)
    return shards


def shard_files(name):
    """An input function: `name` (articles.parquet, mentions.parquet …) of every shard."""
    return lambda wildcards: [f"{SHARDS}/{shard}/{name}" for shard in shard_warcs()]


def recovery_input(wildcards):
    """The report reads the recovery only for the simulated corpus, where truth exists."""
    return [f"{RECOVERY}/recovery.json"] if SIMULATED else []


def manual_inputs(wildcards):
    """The human coding files that exist; editing them reruns resolve and what follows."""
    return sorted(str(path) for path in Path(MANUAL).glob("*.csv"))


def coding_sheets():
    """Coding sheets returned by human coders, kept in <manual>/sheets/ for agreement."""
    folder = Path(MANUAL) / "sheets"
    return sorted(
        str(p)
        for p in [*folder.glob("*.csv"), *folder.glob("*.xlsx")]
        if not p.name.endswith(".codes.csv")
    )


def gold_inputs():
    """Every file of the gold set (its batches and split)."""
    return sorted(
        str(path) for path in GOLD.rglob("*") if path.suffix in {".jsonl", ".csv"}
    )


def evaluation_input(wildcards):
    """The coder's evaluation, when a gold set exists."""
    return [f"{EVALUATION}/evaluation.json"] if gold_inputs() else []


def agreement_input(wildcards):
    """Coder agreement, when coding sheets have come back."""
    return [f"{AGREEMENT}/agreement.json"] if coding_sheets() else []


def coverage_evidence(wildcards):
    """Which sources found each case: discover's hits (live), the generator's truth (demo)."""
    if CORPUS == "live":
        return [f"{LIVE_DIR}/hits/discover_summary.json"]
    if CORPUS == "demo":
        return [f"{DEMO_SITE}/truth/cases.csv"]
    return []


def coverage_option(wildcards, input):
    """coverage's option naming that evidence."""
    if CORPUS == "live":
        return f"--hits {Path(input.evidence[0]).parent}"
    if CORPUS == "demo":
        return f"--truth-dir {Path(input.evidence[0]).parent}"
    return ""


def link_rot_capture(wildcards):
    """The capture log link rot reads (none when only WARC files were given)."""
    if CORPUS == "demo":
        return [checkpoints.capture_demo.get().output.capture]
    if CORPUS == "live":
        return [f"{CAPTURE_DIR}/capture_summary.json"]
    return []


def capture_folder(capture):
    """The capture folder behind link_rot's input."""
    path = Path(capture[0])
    return path if path.is_dir() or CORPUS == "demo" else path.parent


def beyond_inputs(wildcards):
    """The analyses beyond the paper that this corpus supports."""
    names = ["coverage", "sensitivity"]
    names += ["adjust"] if gold_inputs() else []
    names += ["link_rot"] if CORPUS != "warc" else []
    return [f"{BEYOND}/{name}" for name in names]


def simulated_flag(wildcards, input):
    """`--simulated` when analyse found pages of the simulated corpus (also in warc mode)."""
    import json

    summary = json.loads(Path(input.analysis).read_text(encoding="utf-8"))
    return "--simulated" if summary["simulated"] else ""
