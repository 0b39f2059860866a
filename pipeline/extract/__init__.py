"""The extract stage: the automatic coder that turns articles into coded 专班 mentions.

`extract_jsonl` is the command-line contract (`zhuanban extract ARTICLES.jsonl -o CASES.csv`);
`extract_table` is the Snakemake stage (articles.parquet → mentions.parquet)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pipeline.extract.article import (
    CONTRACT_COLUMNS,
    MENTION_COLUMNS,
    Mention,
    extract_article,
)

__all__ = ["CONTRACT_COLUMNS", "MENTION_COLUMNS", "Mention", "extract_article", "extract_jsonl",
           "extract_table", "read_articles"]


def read_articles(path: Path) -> Iterator[dict]:
    """Articles from a JSONL file, one JSON object per line (blank lines skipped)."""
    with Path(path).open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}, line {number}: not valid JSON ({err.msg}); "
                                 "each line must be one JSON object") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}, line {number}: expected a JSON object with id, url, "
                                 "title, published and text")
            yield record


def extract_jsonl(in_path: Path, out_csv: Path) -> int:
    """Code every article of a JSONL file and write the contract CSV; returns rows written."""
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with out_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CONTRACT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for article in read_articles(in_path):
            for mention in extract_article(article):
                row = mention.as_row()
                row["year"] = "" if row["year"] is None else row["year"]
                writer.writerow(row)
                rows += 1
    return rows


def extract_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Mentions (MENTION_COLUMNS) of every article in an articles table (article_id, title,
    published, text, source, url …)."""
    records = articles.to_dict(orient="records")
    rows = [mention.as_row() for article in records for mention in extract_article(article)]
    table = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    table["is_founding"] = table["is_founding"].astype(bool)
    table["named"] = table["named"].astype(bool)
    return table
