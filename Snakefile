# zhuanban: from web pages to a replication report of Liu & Liu (2022).
# Stages are thin rules over the `pipeline` and `scrapers` libraries (see workflow/rules/).

from pathlib import Path


configfile: str(Path(workflow.basedir) / "config" / "config.yaml")


envvars:
    "PATH",


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/stages.smk"
include: "workflow/rules/beyond.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        html=REPORT_HTML,
        md=REPORT_MD,
