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
ARTICLES = f"{INTERIM}/articles.parquet"
MENTIONS = f"{INTERIM}/mentions.parquet"
CASES = f"{PROCESSED}/cases.csv"
CASE_SOURCES = f"{PROCESSED}/case_sources.csv"
TABLES = f"{PROCESSED}/tables"
RECOVERY = f"{PROCESSED}/recovery"
REPORT_HTML = f"{REPORTS}/replication.html"
REPORT_MD = f"{REPORTS}/replication.md"

if CORPUS == "live":
    raise WorkflowError(
        "corpus: live is not available yet (live collection is being built); "
        "use corpus: demo, or corpus: warc with warc.dir set to a folder of WARC files"
    )
if CORPUS == "warc" and not config.get("warc", {}).get("dir"):
    raise WorkflowError(
        "corpus: warc needs warc.dir, the folder holding the *.warc.gz files"
    )


def warc_inputs(wildcards):
    """The WARC files parse reads: the demo capture, or the configured folder."""
    if CORPUS == "warc":
        folder = Path(config["warc"]["dir"])
        found = sorted([*folder.rglob("*.warc.gz"), *folder.rglob("*.warc")])
        if not found:
            raise WorkflowError(f"warc.dir {folder}: no .warc or .warc.gz files there")
        return found
    return [f"{CAPTURE_DIR}/capture.warc.gz"]


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
