"""Common Crawl's URL index: list crawled URLs under a prefix, fetch a record by byte range.

Built 2026-11-25 against Common Crawl's index announcement and the pywb CDX server API it runs
on (index.commoncrawl.org): `GET https://index.commoncrawl.org/collinfo.json` lists crawls
(`id` CC-MAIN-YYYY-WW, `cdx-api`); `GET <cdx-api>?url=<prefix>&matchType=prefix&output=json
&showNumPages=true` gives `{"pages": N, …}`, then `&page=0..N-1` gives one JSON object a line
(`url`, `timestamp`, `status`, `mime`, `filename`, `offset`, `length`); no captures is a 404.
A record is the byte range offset..offset+length-1 of `https://data.commoncrawl.org/<filename>`,
one gzipped WARC record. Hits carry the capture date in `date` and the record's location in
`snippet` ("<crawl> <filename> <offset>+<length>").
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from scrapers.sources.base import (
    Hit,
    ResponseShapeError,
    field,
    get_ok,
    int_option,
    iso_date,
    json_body,
    required_option,
    retrieved_at,
)

if TYPE_CHECKING:
    from scrapers.http_client import FetchResult, PoliteClient

NAME = "commoncrawl"
USES_QUERY = False
FILTER_WINDOW = False
INDEX_URL = "https://index.commoncrawl.org"
DATA_URL = "https://data.commoncrawl.org"
DEFAULT_FILTERS = ("status:200", "mime:text/html")
NOT_FOUND = 404
_CRAWL_YEAR = re.compile(r"^CC-MAIN-(\d{4})-")
_RECORD_FIELDS = ("url", "timestamp", "filename", "offset", "length")


@dataclass(frozen=True)
class IndexRecord:
    """Where one capture lives in Common Crawl's WARC files."""

    url: str
    timestamp: str
    status: str
    mime: str
    filename: str
    offset: int
    length: int
    crawl: str


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """List the URLs captured under every configured prefix in the chosen crawls.

    `query` is not used: the index holds URLs, not text. Options: `prefixes` (required),
    `crawls` (crawl ids; default every crawl whose year lies in the window), `index_url`,
    `match_type` (default prefix), `filters` (default status 200 and text/html),
    `max_pages` (index pages per crawl and prefix, default 20).
    """
    prefixes = required_option(options, "prefixes", NAME)
    for crawl, api in list_crawls(client, start, end, options):
        for prefix in prefixes:
            for page, record, fetched in iter_records(client, api, crawl, str(prefix), options):
                yield Hit(
                    url=record.url,
                    title="",
                    date=iso_date(record.timestamp),
                    snippet=f"{crawl} {record.filename} {record.offset}+{record.length}",
                    source=NAME,
                    query=str(prefix),
                    page=page,
                    retrieved_at=fetched,
                )


def list_crawls(
    client: PoliteClient, start: date, end: date, options: dict[str, Any]
) -> list[tuple[str, str]]:
    """(crawl id, index API URL) pairs: the configured crawls, or those of the window's years."""
    index = str(options.get("index_url", INDEX_URL)).rstrip("/")
    if options.get("crawls"):
        return [(str(crawl), f"{index}/{crawl}-index") for crawl in options["crawls"]]
    url = f"{index}/collinfo.json"
    crawls = json_body(get_ok(client, url, source=NAME, options=options), NAME)
    if not isinstance(crawls, list):
        raise ResponseShapeError(NAME, "JSON list of crawls", url)
    chosen = []
    for crawl in crawls:
        crawl_id = field(crawl, "id", NAME, url)
        year = _CRAWL_YEAR.match(str(crawl_id))
        if year and start.year <= int(year.group(1)) <= end.year:
            chosen.append((str(crawl_id), str(field(crawl, "cdx-api", NAME, url))))
    return sorted(chosen)


def iter_records(
    client: PoliteClient, api: str, crawl: str, prefix: str, options: dict[str, Any]
) -> Iterator[tuple[int, IndexRecord, str]]:
    """(1-based page, record, fetch time) for every capture under `prefix` in one crawl."""
    max_pages = int_option(options, "max_pages", 20, NAME)
    query = [("url", prefix), ("matchType", str(options.get("match_type", "prefix"))),
             ("output", "json")]
    count_url = f"{api}?{urlencode([*query, ('showNumPages', 'true')])}"
    counted = get_ok(client, count_url, source=NAME, options=options,
                     allow_statuses=(NOT_FOUND,))
    if counted.http_status == NOT_FOUND:
        return
    pages = int(field(json_body(counted, NAME), "pages", NAME, count_url))
    filters = [("filter", str(rule)) for rule in options.get("filters", DEFAULT_FILTERS)]
    for page in range(min(pages, max_pages)):
        url = f"{api}?{urlencode([*query, *filters, ('page', str(page))])}"
        result = get_ok(client, url, source=NAME, options=options, allow_statuses=(NOT_FOUND,))
        if result.http_status == NOT_FOUND:
            continue
        for record in parse_index_lines(result.text, crawl, url):
            yield page + 1, record, retrieved_at(result)


def parse_index_lines(text: str, crawl: str, url: str) -> list[IndexRecord]:
    """The records of an index answer (one JSON object a line)."""
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise ResponseShapeError(NAME, "one JSON object a line", url) from None
        for key in _RECORD_FIELDS:
            field(entry, key, NAME, url)
        records.append(IndexRecord(
            url=str(entry["url"]), timestamp=str(entry["timestamp"]),
            status=str(entry.get("status", "")), mime=str(entry.get("mime", "")),
            filename=str(entry["filename"]), offset=int(entry["offset"]),
            length=int(entry["length"]), crawl=crawl,
        ))
    return records


def locate(
    client: PoliteClient, url: str, crawl: str, options: dict[str, Any] | None = None
) -> IndexRecord | None:
    """The latest status-200 capture of exactly `url` in one crawl, or None."""
    options = options or {}
    index = str(options.get("index_url", INDEX_URL)).rstrip("/")
    lookup = f"{index}/{crawl}-index?" + urlencode(
        [("url", url), ("output", "json"), ("filter", "status:200")])
    result = get_ok(client, lookup, source=NAME, options=options, allow_statuses=(NOT_FOUND,))
    if result.http_status == NOT_FOUND:
        return None
    records = parse_index_lines(result.text, crawl, lookup)
    return max(records, key=lambda record: record.timestamp) if records else None


def fetch_record(
    client: PoliteClient, record: IndexRecord, options: dict[str, Any] | None = None
) -> FetchResult:
    """Fetch one capture's gzipped WARC record by an HTTP byte-range request."""
    options = options or {}
    base = str(options.get("data_url", DATA_URL)).rstrip("/")
    last = record.offset + record.length - 1
    return get_ok(client, f"{base}/{record.filename}", source=NAME, options=options,
                  headers={"Range": f"bytes={record.offset}-{last}"})


def record_payload(body: bytes) -> bytes:
    """The archived HTTP response body inside a fetched WARC record."""
    try:
        for warc_record in ArchiveIterator(io.BytesIO(body)):
            if warc_record.rec_type == "response":
                return warc_record.content_stream().read()
    except ArchiveLoadFailed as error:
        raise ValueError(f"{NAME}: the fetched bytes are not a WARC record ({error})") from None
    raise ValueError(f"{NAME}: the fetched WARC record holds no response")
