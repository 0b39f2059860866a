"""Write the notebooks in notebooks/ from the cell sources below (run after editing them)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

SETUP = '''import json
import os
from pathlib import Path

import pandas as pd

# The folder a workflow ran in (`make demo` runs in the repository itself).
RUN = Path(os.environ.get("ZHUANBAN_RUN", Path.cwd().parent))
PROCESSED = RUN / "data" / "processed"
summary = json.loads((PROCESSED / "tables" / "summary.json").read_text(encoding="utf-8"))
if summary["simulated"]:
    print("模拟数据（SIMULATED）: these outputs come from the generated demo corpus.")'''

EXPLORE = [
    new_markdown_cell(
        "# Exploring the cases\n\nThe cases one workflow run found, where they come from, and "
        "how to walk from a case back to the archived web page behind it. Set `ZHUANBAN_RUN` to "
        "the folder a run wrote into (default: the repository, where `make demo` writes)."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        'cases = pd.read_csv(PROCESSED / "cases.csv")\n'
        'sources = pd.read_csv(PROCESSED / "case_sources.csv")\n'
        'print(len(cases), "cases from", sources["article_id"].nunique(), "articles")\n'
        'cases[["name", "unit", "level", "domain", "leader_rank", "founded", "n_reports"]].head()'
    ),
    new_markdown_cell("## Founding year by domain"),
    new_code_cell('pd.crosstab(cases["year"], cases["domain"], margins=True)'),
    new_markdown_cell("## Level by leader rank"),
    new_code_cell('pd.crosstab(cases["level"], cases["leader_rank"], margins=True)'),
    new_markdown_cell(
        "## Reports per case\n\n`n_articles` counts every page; `n_reports` counts "
        "near-duplicate clusters, so a notice and its reposts count once."
    ),
    new_code_cell('cases[["n_articles", "n_reports"]].describe()'),
    new_markdown_cell(
        "## From a case to its archived page\n\nEvery source row names the WARC file and the "
        "offset of the response record; reading it back gives the bytes that were captured."
    ),
    new_code_cell(
        "from warcio.archiveiterator import ArchiveIterator\n\n"
        "case = cases.sort_values(\"n_reports\", ascending=False).iloc[0]\n"
        "row = sources[sources[\"case_id\"] == case[\"case_id\"]].iloc[0]\n"
        "warc = next(RUN.glob(f\"data/raw/*/capture/{row['warc_file']}\"))\n"
        "with warc.open(\"rb\") as stream:\n"
        "    stream.seek(int(row[\"warc_offset\"]))\n"
        "    record = next(iter(ArchiveIterator(stream)))\n"
        "    body = record.content_stream().read()\n"
        "print(case[\"name\"], \"|\", case[\"evidence\"][:120])\n"
        "print(record.rec_headers.get_header(\"WARC-Target-URI\"), len(body), \"bytes\")\n"
        "assert record.rec_headers.get_header(\"WARC-Target-URI\") == row[\"url\"]"
    ),
]

CODER = [
    new_markdown_cell(
        "# Checking the coder\n\nHow the automatic coder reads single sentences, how accurate "
        "it is on the hand-coded gold set, and (for the demo corpus) how well the whole "
        "pipeline recovered the generator's truth."
    ),
    new_code_cell(SETUP),
    new_code_cell(
        "from pipeline.extract import extract_article\n\n"
        "article = {\n"
        '    "id": "example", "url": "http://example.invalid/1", "title": "", '
        '"published": "2021-03-02",\n'
        '    "text": "近日，某某市成立招商引资工作专班，由常务副市长任组长，'
        '负责统筹全市招商引资工作。",\n'
        "}\n"
        "coded = pd.DataFrame([m.as_row() for m in extract_article(article)])\n"
        'coded[["name", "level", "domain", "topic", "leader_rank", "founded"]]'
    ),
    new_markdown_cell(
        "## Accuracy on the gold set\n\nDev and held-out parts are scored separately; the "
        "held-out fifth is never used to tune the coder."
    ),
    new_code_cell(
        'evaluation_file = PROCESSED / "evaluation" / "evaluation.json"\n'
        "if evaluation_file.exists():\n"
        '    evaluation = json.loads(evaluation_file.read_text(encoding="utf-8"))\n'
        "    print(json.dumps(evaluation, ensure_ascii=False)[:1500])\n"
        "else:\n"
        '    print("no gold evaluation in this run")'
    ),
    new_markdown_cell("## Recovery of the simulated truth (demo runs only)"),
    new_code_cell(
        'recovery_file = PROCESSED / "recovery" / "recovery.json"\n'
        "if recovery_file.exists():\n"
        '    recovery = json.loads(recovery_file.read_text(encoding="utf-8"))\n'
        '    print({k: recovery[k] for k in ("precision", "recall", "f1")})\n'
        '    display(pd.DataFrame(recovery["fields"]).T[["n", "correct", "accuracy"]])\n'
        "else:\n"
        '    print("not a demo run: no truth to compare with")'
    ),
]


def main() -> None:
    """Write both notebooks."""
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in (("explore_cases.ipynb", EXPLORE), ("check_coder.ipynb", CODER)):
        notebook = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        })
        nbformat.write(notebook, NOTEBOOKS / name)


if __name__ == "__main__":
    main()
