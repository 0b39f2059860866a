"""URLs an analyst found by hand: a TXT file (one URL a line) or a CSV with a `url` column.

A CSV may also give `title`, `date` (any form base.iso_date reads) and `snippet`. In a TXT
file, blank lines and lines starting with `#` are skipped. Nothing is fetched here and the
date window is not applied: a listed URL is there because someone chose it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapers.sources.base import Hit, iso_date, now_iso, required_option

if TYPE_CHECKING:
    from scrapers.http_client import PoliteClient

NAME = "url_list"
USES_QUERY = False
FILTER_WINDOW = False
URL_COLUMN = "url"


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """One hit per listed URL, in file order. Option: `path` (required), .csv or text."""
    path = Path(required_option(options, "path", NAME))
    if not path.is_file():
        raise FileNotFoundError(f"{NAME}: {path}: no such file (option 'path')")
    read = _read_csv if path.suffix.lower() == ".csv" else _read_text
    listed_at = now_iso()
    for line, row in read(path):
        url = (row.get(URL_COLUMN) or "").strip()
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{path}, line {line}: {url!r} is not an http(s) URL")
        yield Hit(
            url=url,
            title=(row.get("title") or "").strip(),
            date=iso_date(row.get("date")),
            snippet=(row.get("snippet") or "").strip(),
            source=NAME,
            query=path.name,
            page=1,
            retrieved_at=listed_at,
        )


def _read_text(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if text and not text.startswith("#"):
                yield number, {URL_COLUMN: text}


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        if URL_COLUMN not in (rows.fieldnames or []):
            raise ValueError(
                f"{path}: no {URL_COLUMN!r} column (found {rows.fieldnames}); the first row "
                "must name the columns: url, and optionally title, date, snippet"
            )
        for row in rows:
            if any(isinstance(value, str) and value.strip() for value in row.values()):
                yield rows.line_num, row
