"""Fetch a list of URLs, archive every response to WARC and log one status row per URL.

This is the capture stage shared by the demo corpus (through the loopback proxy) and, later,
live collection. Rerunning it resumes: URLs already logged as captured are not fetched again.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from tqdm import tqdm

from scrapers import __version__
from scrapers.warc_archive import WarcArchive

CAPTURE_LOG_COLUMNS = [
    "url",
    "status",
    "http_status",
    "attempts",
    "bytes",
    "warc_file",
    "warc_offset",
    "fetched_at",
]
DEFAULT_USER_AGENT = f"zhuanban/{__version__} (research crawler; +https://example.invalid/zhuanban)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class CaptureSettings:
    """How capture talks to servers."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: tuple[float, float] = (10.0, 30.0)
    max_attempts: int = 3
    max_bytes: int = 10 * 1024 * 1024
    proxy: str | None = None
    warc_name: str = "capture.warc.gz"
    description: str = ""


@dataclass
class CaptureSummary:
    """Counts of what one capture run did."""

    requested: int = 0
    skipped_already_captured: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def read_hits(path: Path) -> list[str]:
    """Read the URLs of a hits file (one JSON object per line with at least `url`), in order."""
    urls: list[str] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                url = json.loads(line)["url"]
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise ValueError(
                    f"{path}, line {number}: expected a JSON object with a 'url' ({error})"
                ) from error
            if url not in seen:
                seen.add(url)
                urls.append(url)
    if not urls:
        raise ValueError(f"{path}: no URLs to capture")
    return urls


def already_captured(log_path: Path) -> set[str]:
    """URLs the capture log already records as captured (status ok)."""
    if not log_path.exists():
        return set()
    with log_path.open(encoding="utf-8", newline="") as handle:
        return {row["url"] for row in csv.DictReader(handle) if row["status"] == "ok"}


def _read_capped(response: requests.Response, max_bytes: int) -> tuple[bytes, bool]:
    """Read at most max_bytes of the raw body; say whether it was cut."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.raw.stream(64 * 1024, decode_content=False):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"".join(chunks)[:max_bytes], True
    return b"".join(chunks), False


def _fetch_one(
    session: requests.Session, url: str, archive: WarcArchive, settings: CaptureSettings
) -> dict[str, object]:
    """Fetch one URL with retries; archive the final response; return its capture-log row."""
    row: dict[str, object] = dict.fromkeys(CAPTURE_LOG_COLUMNS, "")
    row["url"] = url
    for attempt in range(1, settings.max_attempts + 1):
        row["attempts"] = attempt
        try:
            response = session.get(url, timeout=settings.timeout, stream=True)
            body, cut = _read_capped(response, settings.max_bytes)
        except requests.TooManyRedirects:
            row["status"] = "redirect_loop"
            return row
        except requests.Timeout:
            row["status"] = "timeout"
            continue
        except requests.ConnectionError:
            row["status"] = "connection_error"
            continue
        row["http_status"] = response.status_code
        if response.status_code in RETRY_STATUSES and attempt < settings.max_attempts:
            continue
        exchange = archive.write_exchange(
            response.url,
            request_headers=list(response.request.headers.items()),
            status=response.status_code,
            reason=response.reason or "",
            response_headers=list(response.raw.headers.items()),
            body=body,
        )
        row.update(
            status="too_large" if cut else ("ok" if response.ok else "http_error"),
            bytes=len(body),
            warc_file=exchange.warc_file,
            warc_offset=exchange.warc_offset,
            fetched_at=exchange.fetched_at,
        )
        return row
    return row


def capture(urls: Iterable[str], out_dir: Path, settings: CaptureSettings) -> CaptureSummary:
    """Capture every URL into `out_dir/<warc_name>` and `out_dir/capture_log.csv`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "capture_log.csv"
    done = already_captured(log_path)
    todo = [url for url in urls if url not in done]
    summary = CaptureSummary(requested=len(todo) + len(done), skipped_already_captured=len(done))
    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent
    if settings.proxy:
        session.proxies = {"http": settings.proxy, "https": settings.proxy}
        session.trust_env = False
    write_header = not log_path.exists() or log_path.stat().st_size == 0
    with (
        WarcArchive(out_dir / settings.warc_name, description=settings.description) as archive,
        log_path.open("a", encoding="utf-8", newline="") as log_handle,
    ):
        log = csv.DictWriter(log_handle, fieldnames=CAPTURE_LOG_COLUMNS)
        if write_header:
            log.writeheader()
        for url in tqdm(todo, desc="capture", unit="page", disable=None):
            row = _fetch_one(session, url, archive, settings)
            log.writerow(row)
            log_handle.flush()
            status = str(row["status"])
            summary.by_status[status] = summary.by_status.get(status, 0) + 1
    return summary
