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
ARTICLES = f"{INTERIM}/articles.parquet"
MENTIONS = f"{INTERIM}/mentions.parquet"
CASES = f"{PROCESSED}/cases.csv"
CASE_SOURCES = f"{PROCESSED}/case_sources.csv"
TABLES = f"{PROCESSED}/tables"
RECOVERY = f"{PROCESSED}/recovery"
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


def warc_inputs(wildcards):
    """What parse reads: the capture summary of demo/live capture, or the configured WARCs."""
    if CORPUS == "warc":
        folder = Path(config["warc"]["dir"])
        found = sorted([*folder.rglob("*.warc.gz"), *folder.rglob("*.warc")])
        if not found:
            raise WorkflowError(f"warc.dir {folder}: no .warc or .warc.gz files there")
        return found
    return [f"{RAW}/{CORPUS}/capture/capture_summary.json"]


def warc_sources(wildcards, input):
    """parse's arguments: the capture folder, or the WARC files themselves."""
    if CORPUS == "warc":
        return " ".join(str(path) for path in input)
    return str(Path(input[0]).parent)


def report_inputs(wildcards):
    """The report reads the recovery only for the simulated corpus, where truth exists."""
    inputs = {
        "summary": f"{TABLES}/summary.json",
        "figures": expand(f"{FIGURES}/{{dist}}.png", dist=DISTRIBUTIONS),
        "cases": CASES,
        "articles": ARTICLES,
        "mentions": MENTIONS,
        "dropped": f"{INTERIM}/parse_dropped.csv",
    }
    if SIMULATED:
        inputs["recovery"] = f"{RECOVERY}/recovery.json"
    return inputs
