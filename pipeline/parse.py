"""The parse stage: WARC response records → one article row each (title, date, text, charset)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipeline.charset import decode_html
from pipeline.page_layouts import extract_content, parse_html
from pipeline.pubdate import publication_date
from scrapers.demo_site import SIMULATED_HEADER
from scrapers.http_client import OUTCOME_HEADER, REQUESTED_URL_HEADER

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("published", pa.string()),
        ("date_method", pa.string()),
        ("text", pa.string()),
        ("charset", pa.string()),
        ("layout", pa.string()),
        ("simulated", pa.bool_()),
        ("warc_file", pa.string()),
        ("warc_offset", pa.int64()),
    ]
)
DROP_LOG_COLUMNS = ["warc_file", "warc_offset", "url", "reason"]
HTML_TYPES = ("text/html", "application/xhtml+xml")
SUPERSEDED_OUTCOMES = {"retried", "redirected"}
"""Exchanges the client archived on the way to a URL's final response; they are not pages."""


@dataclass
class ParseSummary:
    """What the parse stage kept and what it dropped, with reasons."""

    articles: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    superseded: int = 0


def article_id(url: str) -> str:
    """A stable article identifier: the first 16 hex digits of SHA-1 of the final URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def source_of(url: str) -> str:
    """The outlet host of a URL, without the `.invalid` suffix that marks simulated pages."""
    host = urlsplit(url).hostname or ""
    return host.removesuffix(".invalid")


def parse_page(
    url: str, body: bytes, content_type: str | None, final_url: str | None = None
) -> dict[str, object] | str:
    """Parse one captured page into an article row, or return the reason it yields none."""
    final_url = final_url or url
    page_html, charset = decode_html(body, content_type)
    tree = parse_html(page_html)
    if tree is None:
        return "unparseable_html"
    content = extract_content(tree, page_html)
    if not content.text.strip():
        return "no_main_text"
    published, method = publication_date(tree, content.header_text, url, page_html)
    return {
        "article_id": article_id(final_url),
        "url": url,
        "final_url": final_url,
        "source": source_of(url),
        "title": content.title,
        "published": published.isoformat() if published else None,
        "date_method": method,
        "text": content.text,
        "charset": charset,
        "layout": content.layout,
    }


@dataclass(frozen=True)
class CapturedResponse:
    """One WARC response record, read into memory."""

    warc_file: str
    warc_offset: int
    url: str
    final_url: str
    outcome: str
    http_status: int
    content_type: str
    simulated: bool
    body: bytes


def iter_responses(warc_paths: Iterable[Path]) -> Iterator[CapturedResponse]:
    """Stream the HTTP response records of WARC files; fail naming the file if one is broken."""
    for path in warc_paths:
        path = Path(path)
        try:
            with path.open("rb") as stream:
                records = ArchiveIterator(stream)
                for record in records:
                    if record.format != "warc":
                        raise ArchiveLoadFailed(f"a {record.format!r} record, not a WARC record")
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    body = record.content_stream().read()
                    target = record.rec_headers.get_header("WARC-Target-URI")
                    yield CapturedResponse(
                        path.name,
                        records.get_record_offset(),
                        record.rec_headers.get_header(REQUESTED_URL_HEADER) or target,
                        target,
                        record.rec_headers.get_header(OUTCOME_HEADER) or "",
                        int(record.http_headers.get_statuscode() or 0),
                        record.http_headers.get_header("Content-Type") or "",
                        record.http_headers.get_header(SIMULATED_HEADER) is not None,
                        body,
                    )
        except ArchiveLoadFailed as error:
            raise ValueError(f"{path}: not a readable WARC file ({error})") from error


def parse_warcs(
    warc_paths: list[Path], out_parquet: Path, drop_log: Path, batch_size: int = 2000
) -> ParseSummary:
    """Parse every response in the WARC files into `out_parquet`; log dropped records."""
    if not warc_paths:
        raise ValueError("parse: no WARC files given")
    summary = ParseSummary()
    out_parquet.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    batch: list[dict[str, object]] = []
    with (
        pq.ParquetWriter(out_parquet, ARTICLE_SCHEMA) as writer,
        drop_log.open("w", encoding="utf-8", newline="") as log_handle,
    ):
        log = csv.DictWriter(log_handle, fieldnames=DROP_LOG_COLUMNS)
        log.writeheader()

        def drop(response: CapturedResponse, reason: str) -> None:
            log.writerow(
                {"warc_file": response.warc_file, "warc_offset": response.warc_offset,
                 "url": response.url, "reason": reason}
            )
            summary.dropped[reason] = summary.dropped.get(reason, 0) + 1

        for response in tqdm(iter_responses(warc_paths), desc="parse", unit="page", disable=None):
            if response.outcome in SUPERSEDED_OUTCOMES:
                summary.superseded += 1
                continue
            if response.http_status != 200:
                drop(response, f"http_status_{response.http_status}")
                continue
            if response.content_type and not response.content_type.lower().startswith(HTML_TYPES):
                drop(response, "not_html")
                continue
            if response.url in seen:
                drop(response, "duplicate_capture")
                continue
            seen.add(response.url)
            row = parse_page(
                response.url, response.body, response.content_type, response.final_url
            )
            if isinstance(row, str):
                drop(response, row)
                continue
            row.update(warc_file=response.warc_file, warc_offset=response.warc_offset,
                       simulated=response.simulated)
            batch.append(row)
            summary.articles += 1
            if len(batch) >= batch_size:
                writer.write_table(pa.Table.from_pylist(batch, schema=ARTICLE_SCHEMA))
                batch.clear()
        if batch or summary.articles == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=ARTICLE_SCHEMA))
    return summary


def has_simulated_articles(articles_path: Path) -> bool:
    """Whether any article came from the simulated demo corpus (served with its marker header)."""
    column = pq.read_table(articles_path, columns=["simulated"]).column("simulated")
    return bool(pc.any(column).as_py())
