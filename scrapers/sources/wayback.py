"""The Internet Archive's Wayback Machine: list archived URLs under a prefix, fetch dead links.

Built 2026-11-25 against the CDX server's own documentation (internetarchive/wayback,
wayback-cdx-server/README.md): `GET http://web.archive.org/cdx/search/cdx?url=<prefix>
&matchType=prefix&from=YYYYMMDD&to=YYYYMMDD&output=json&fl=…&filter=statuscode:200
&collapse=urlkey&limit=N&showResumeKey=true`. JSON output is a list of rows whose first row
names the fields; when more results remain, an empty row and a one-element row holding the
resume key follow. A snapshot's original bytes, without the archive's toolbar, are at
`http://web.archive.org/web/<timestamp>id_/<original URL>`.

Listing hits carry the capture date in `date` (not the publication date) and the prefix in
`query`. `fetch_archived_copy` is what capture uses for dead links.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapers.sources.base import (
    Hit,
    ResponseShapeError,
    SourceFailed,
    get_ok,
    int_option,
    iso_date,
    json_body,
    required_option,
    retrieved_at,
)

if TYPE_CHECKING:
    from scrapers.http_client import FetchResult, PoliteClient

NAME = "wayback"
USES_QUERY = False
FILTER_WINDOW = False
BASE_URL = "http://web.archive.org"
CDX_PATH = "/cdx/search/cdx"
DEFAULT_FILTERS = ("statuscode:200", "mimetype:text/html")
ARCHIVED_COPY = "archived_copy"
SNAPSHOT_NOTE = "wayback snapshot "
SNAPSHOT_TRIES = 3


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """List the archived URLs under every configured prefix, captured within the window.

    `query` is not used: archives hold URLs, not searchable text. Options: `prefixes`
    (required), `base_url`, `match_type` (default prefix), `filters` (CDX filters, default
    status 200 and text/html), `capture_from`/`capture_to` (ISO dates; default the window),
    `page_size` (rows per request, default 1000), `max_pages` (requests per prefix, 100).
    """
    capture_start = _option_date(options, "capture_from", start)
    capture_end = _option_date(options, "capture_to", end)
    for prefix in required_option(options, "prefixes", NAME):
        yield from list_prefix(client, str(prefix), capture_start, capture_end, options)


def list_prefix(
    client: PoliteClient, prefix: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """Hits for the URLs archived under one prefix, following resume keys to the end."""
    base = str(options.get("base_url", BASE_URL)).rstrip("/")
    page_size = int_option(options, "page_size", 1000, NAME)
    max_pages = int_option(options, "max_pages", 100, NAME)
    params = [
        ("url", prefix),
        ("matchType", str(options.get("match_type", "prefix"))),
        ("from", start.strftime("%Y%m%d")),
        ("to", end.strftime("%Y%m%d")),
        ("output", "json"),
        ("fl", "timestamp,original,statuscode,mimetype"),
        ("collapse", "urlkey"),
        ("limit", str(page_size)),
        ("showResumeKey", "true"),
        *[("filter", str(rule)) for rule in options.get("filters", DEFAULT_FILTERS)],
    ]
    resume_key: str | None = None
    for page in range(1, max_pages + 1):
        resume = [("resumeKey", resume_key)] if resume_key else []
        url = f"{base}{CDX_PATH}?{urlencode(params + resume)}"
        result = get_ok(client, url, source=NAME, options=options)
        rows, resume_key = parse_cdx_json(result, url)
        for row in rows:
            captured = iso_date(row["timestamp"])
            if captured and start.isoformat() <= captured <= end.isoformat():
                yield Hit(
                    url=row["original"],
                    title="",
                    date=captured,
                    snippet=f"{SNAPSHOT_NOTE}{row['timestamp']}",
                    source=NAME,
                    query=prefix,
                    page=page,
                    retrieved_at=retrieved_at(result),
                )
        if not resume_key:
            return


def parse_cdx_json(result: FetchResult, url: str) -> tuple[list[dict[str, str]], str | None]:
    """Rows of a CDX JSON answer as dicts keyed by its header row, and the resume key if any."""
    if not result.text.strip():
        return [], None
    table = json_body(result, NAME)
    if not isinstance(table, list):
        raise ResponseShapeError(NAME, "JSON list of rows", url)
    if not table:
        return [], None
    header = table[0]
    for name in ("timestamp", "original"):
        if not isinstance(header, list) or name not in header:
            raise ResponseShapeError(NAME, name, url)
    rows: list[dict[str, str]] = []
    resume_key = None
    for position, row in enumerate(table[1:], start=1):
        if row == []:
            tail = table[position + 1] if position + 1 < len(table) else []
            resume_key = str(tail[0]) if tail else None
            break
        if not isinstance(row, list) or len(row) != len(header):
            raise ResponseShapeError(NAME, f"row of {len(header)} fields ({header})", url)
        rows.append(dict(zip(header, row, strict=True)))
    return rows, resume_key


def fetch_archived_copy(
    client: PoliteClient,
    url: str,
    around: date | None,
    options: dict[str, Any] | None = None,
) -> FetchResult | None:
    """Fetch the 200 snapshot of `url` nearest to `around` (the earliest when None).

    The result has `status="archived_copy"`, `url` the original URL, `final_url` the
    snapshot's `id_` URL and `error` = "wayback snapshot <14-digit timestamp>" (see
    `snapshot_timestamp`). None when the archive holds no 200 snapshot of the URL. Raises
    SourceFailed when the archive cannot be asked, or when the nearest snapshots all fail.
    """
    options = options or {}
    base = str(options.get("base_url", BASE_URL)).rstrip("/")
    params = [
        ("url", url),
        ("output", "json"),
        ("fl", "timestamp,original,statuscode"),
        ("filter", "statuscode:200"),
        ("collapse", "digest"),
        ("limit", "1000"),
    ]
    listing = f"{base}{CDX_PATH}?{urlencode(params)}"
    rows, _ = parse_cdx_json(get_ok(client, listing, source=NAME, options=options), listing)
    if not rows:
        return None
    failures: list[str] = []
    for row in _nearest(rows, around)[:SNAPSHOT_TRIES]:
        snapshot = f"{base}/web/{row['timestamp']}id_/{row['original']}"
        result = client.get(snapshot, source=NAME,
                            ignore_robots=bool(options.get("ignore_robots")))
        if result.status == "ok":
            return dataclasses.replace(
                result, url=url, final_url=result.final_url or snapshot,
                status=ARCHIVED_COPY, error=f"{SNAPSHOT_NOTE}{row['timestamp']}",
            )
        failures.append(f"{row['timestamp']}: {result.status} {result.http_status or ''}")
    raise SourceFailed(NAME, url, "no snapshot could be fetched (" + "; ".join(failures) + ")")


def snapshot_timestamp(result: FetchResult) -> str | None:
    """The 14-digit snapshot timestamp of an archived copy, None for other results."""
    if result.status != ARCHIVED_COPY or not result.error.startswith(SNAPSHOT_NOTE):
        return None
    return result.error[len(SNAPSHOT_NOTE):]


def _nearest(rows: list[dict[str, str]], around: date | None) -> list[dict[str, str]]:
    dated = [row for row in rows if len(row["timestamp"]) == 14 and row["timestamp"].isdigit()]
    if around is None:
        return sorted(dated, key=lambda row: row["timestamp"])
    target = datetime.combine(around, datetime.min.time())
    return sorted(dated, key=lambda row: abs(
        datetime.strptime(row["timestamp"], "%Y%m%d%H%M%S") - target))


def _option_date(options: dict[str, Any], key: str, default: date) -> date:
    value = options.get(key)
    if value in (None, ""):
        return default
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{NAME}: option {key!r} must be an ISO date, got {value!r}") from None
