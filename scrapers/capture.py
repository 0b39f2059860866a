"""Capture hits into per-run WARC files with one log row per URL; a killed run resumes on rerun
without refetching captures (torn WARC tails cut, unlogged captures logged from the WARC)."""

from __future__ import annotations

import csv
import fcntl
import importlib
import io
import itertools
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from tqdm import tqdm
from warcio.archiveiterator import ArchiveIterator

from scrapers import __version__
from scrapers.http_client import (
    ATTEMPTS_HEADER,
    FETCH_STATUSES,
    OUTCOME_HEADER,
    REQUESTED_URL_HEADER,
    ClientSettings,
    FetchResult,
    PoliteClient,
    SourceBlocked,
)
from scrapers.warc_archive import IN_PROGRESS_SUFFIX, WarcArchive, finish_interrupted

log = logging.getLogger(__name__)

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
LOG_FIELDS = [*CAPTURE_LOG_COLUMNS, "note"]  # note: snapshot timestamp, error, or recovery
CAPTURE_STATUSES = (*FETCH_STATUSES, "archived_copy")
CAPTURED = frozenset({"ok", "too_large", "archived_copy"})  # never fetched again by a rerun
LOG_NAME = "capture_log.csv"
SUMMARY_NAME = "capture_summary.json"
LOCK_NAME = "capture.lock"
WARC_PREFIX = "capture-"
DEFAULT_USER_AGENT = f"zhuanban/{__version__} (research crawler; +https://example.invalid/zhuanban)"
DEFAULT_CONFIG = Path("config/config.yaml")
DEMO_DESCRIPTION = "SIMULATED demo corpus served from 127.0.0.1 (zhuanban)"
DEAD_LINK_STATUSES = frozenset({404, 410})
_SNAPSHOT = re.compile(r"/web/(\d{14})")
_NOTE_CHARS = 300

ArchivedCopyFinder = Callable[[PoliteClient, str, date | None], FetchResult | None]


@dataclass(frozen=True)
class Hit:
    """A URL to capture, with what discovery knew about it."""

    url: str
    source: str = ""
    date: date | None = None


def wayback_finder() -> ArchivedCopyFinder | None:
    """`fetch_archived_copy` of the Wayback source adapter, or None when that module is absent."""
    try:
        module = importlib.import_module("scrapers.sources.wayback")
    except ModuleNotFoundError as error:
        if error.name in {"scrapers.sources", "scrapers.sources.wayback"}:
            return None
        raise
    return module.fetch_archived_copy


@dataclass
class CaptureSettings:
    """How capture fetches: the client's politeness, parallel hosts, archived-copy fallback."""

    client: ClientSettings = field(default_factory=lambda: ClientSettings(DEFAULT_USER_AGENT))
    workers: int = 4  # hosts fetched in parallel; each host stays serial
    description: str = ""  # written into each WARC's warcinfo record
    find_archived_copy: ArchivedCopyFinder | None = field(default_factory=wayback_finder)
    progress: bool | None = None  # progress bars: None shows them on a terminal only
    urls_per_warc: int = 1000  # a run starts a new WARC file after this many URLs (a shard)


def demo_settings(proxy: str, user_agent: str = DEFAULT_USER_AGENT) -> CaptureSettings:
    """Capture through the loopback demo server: no wait between requests, no robots.txt (the
    simulated hosts have none), no archived copies, one worker so the WARC order is stable."""
    client = ClientSettings(user_agent=user_agent, min_interval=0.0, obey_robots=False,
                            proxy=proxy)
    return CaptureSettings(client=client, workers=1, description=DEMO_DESCRIPTION,
                           find_archived_copy=None)


_CONFIG_KEYS: dict[str, str] = {
    "user_agent": "user_agent",
    "min_interval_seconds": "min_interval",
    "connect_timeout_seconds": "connect_timeout",
    "timeout_seconds": "read_timeout",
    "deadline_seconds": "total_deadline",
    "max_attempts": "max_attempts",
    "backoff_base_seconds": "backoff_base",
    "backoff_cap_seconds": "backoff_cap",
    "max_bytes": "max_bytes",
    "max_redirects": "max_redirects",
    "obey_robots": "obey_robots",
}


def settings_from_config(block: Mapping[str, object]) -> CaptureSettings:
    """CaptureSettings from the config's `capture` block; an unknown key is an error."""
    client_options: dict[str, object] = {"user_agent": DEFAULT_USER_AGENT}
    settings = CaptureSettings()
    for key, value in block.items():
        if key in _CONFIG_KEYS:
            client_options[_CONFIG_KEYS[key]] = value
        elif key == "workers":
            settings.workers = int(str(value))
        elif key == "urls_per_warc":
            settings.urls_per_warc = int(str(value))
        elif key == "archived_copies":
            settings.find_archived_copy = wayback_finder() if value else None
        else:
            known = ", ".join(sorted([*_CONFIG_KEYS, "workers", "archived_copies",
                                      "urls_per_warc"]))
            raise ValueError(f"capture config: unknown key {key!r}; known keys: {known}")
    settings.client = ClientSettings(**client_options)
    return settings


def settings_from_file(path: Path | None, *, user_agent: str | None = None) -> CaptureSettings:
    """Settings from a config file's `capture` block (default `config/config.yaml` when it
    exists, else the built-in defaults); `user_agent` overrides the file."""
    if path is None and DEFAULT_CONFIG.is_file():
        path = DEFAULT_CONFIG
    block: dict[str, object] = {}
    if path is not None:
        try:
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: not readable as YAML ({error})") from error
        block = dict(document.get("capture") or {})
    if user_agent:
        block["user_agent"] = user_agent
    try:
        return settings_from_config(block)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path or 'capture defaults'}: {error}") from error


def read_hit_files(paths: list[Path]) -> list[Hit]:
    """Hits of several files, or of every `*.jsonl` in the folders given, in order."""
    hits: list[Hit] = []
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        if not files:
            raise ValueError(f"{path}: no *.jsonl hits files in this folder")
        for file in files:
            hits.extend(_hits_in(file))
    if not hits:
        raise ValueError(f"{', '.join(str(path) for path in paths)}: no URLs to capture")
    return _unique(hits)


def read_hits(path: Path) -> list[Hit]:
    """Read a hits file: one JSON object per line with `url`, optionally `source` and `date`."""
    hits = _hits_in(path)
    if not hits:
        raise ValueError(f"{path}: no URLs to capture")
    return hits


def _hits_in(path: Path) -> list[Hit]:
    hits: list[Hit] = []
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}, line {number}"
            try:
                entry = json.loads(line)
                url = entry["url"]
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                message = f"{where}: expected a JSON object with a 'url' ({error})"
                raise ValueError(message) from error
            if url in seen:
                continue
            seen.add(url)
            source = str(entry.get("source") or "")
            hits.append(Hit(url, source, _hit_date(entry.get("date"), where)))
    return hits


def _hit_date(value: object, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise ValueError(f"{where}: 'date' {value!r} is not an ISO date (YYYY-MM-DD)") from error


class CaptureLog:
    """The append-only capture log. Opening it drops a torn last line left by a killed run."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._prepare()
        self._handle = self.path.open("a", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._handle, fieldnames=LOG_FIELDS)
        self._lock = threading.Lock()

    def _prepare(self) -> None:
        data = self.path.read_bytes() if self.path.exists() else b""
        if data and not data.endswith(b"\n"):
            data = data[: data.rfind(b"\n") + 1]
            log.warning("%s: dropped a torn last line left by an interrupted run", self.path)
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if rows and rows[0] not in (LOG_FIELDS, CAPTURE_LOG_COLUMNS):
            raise ValueError(f"{self.path}: header {rows[0]} is not a capture log's "
                             f"{LOG_FIELDS}; move the file away to start a new log")
        if rows and rows[0] == LOG_FIELDS:
            if len(data) != self.path.stat().st_size:
                with self.path.open("r+b") as stream:
                    stream.truncate(len(data))
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(LOG_FIELDS)
        writer.writerows(row + [""] * (len(LOG_FIELDS) - len(row)) for row in rows[1:])
        staged = self.path.with_name(self.path.name + ".new")
        staged.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        os.replace(staged, self.path)

    def rows(self) -> list[dict[str, str]]:
        """Every row written so far."""
        with self._lock, self.path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def captured_urls(self) -> set[str]:
        """URLs some run has captured (ok, too_large or archived_copy)."""
        return {row["url"] for row in self.rows() if row["status"] in CAPTURED}

    def append(self, row: Mapping[str, object]) -> None:
        """Write one row and make it durable."""
        with self._lock:
            self._writer.writerow({key: row.get(key, "") for key in LOG_FIELDS})
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


@dataclass
class CaptureSummary:
    """What one capture run did (counts for this run unless said otherwise)."""

    hits: int = 0  # distinct URLs asked for
    already_captured: int = 0  # captured by earlier runs, not fetched again
    recovered: int = 0  # of those: logged now from the WARC of an interrupted run
    captured: int = 0  # ok, too_large or archived_copy in this run
    archived_copies: int = 0  # of those: dead links replaced by a Wayback snapshot
    failed: dict[str, int] = field(default_factory=dict)  # by status
    by_status: dict[str, int] = field(default_factory=dict)
    blocked_hosts: dict[str, str] = field(default_factory=dict)  # host → reason
    warc_files: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The end-of-run summary, for people."""
        failed = ", ".join(f"{status} {count}" for status, count in sorted(self.failed.items()))
        lines = [
            f"capture: {self.hits} hits; {self.already_captured} captured before "
            f"({self.recovered} recovered from an interrupted run); {self.captured} captured now"
            f" ({self.archived_copies} from archived copies)",
            f"failed: {failed or 'none'} (failed URLs are tried again on the next run)",
        ]
        lines += [f"blocked: {host}: {reason}" for host, reason in self.blocked_hosts.items()]
        if self.warc_files:
            lines.append(f"written: {', '.join(self.warc_files)}")
        return lines


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """Refuse a second capture into the same folder at the same time."""
    with (out_dir / LOCK_NAME).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ValueError(f"{out_dir}: another capture is writing here; wait for it to end"
                             ) from error
        yield


def _captures_in(warc: Path) -> Iterator[dict[str, object]]:
    """Log rows for the final responses in a WARC the client wrote (its Zhuanban-* fields)."""
    with warc.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            headers = record.rec_headers
            outcome = headers.get_header(OUTCOME_HEADER)
            if record.rec_type != "response" or outcome not in CAPTURED:
                continue
            yield {
                "url": headers.get_header(REQUESTED_URL_HEADER),
                "status": outcome,
                "http_status": record.http_headers.get_statuscode(),
                "attempts": headers.get_header(ATTEMPTS_HEADER),
                "bytes": len(record.content_stream().read()),
                "warc_file": warc.name,
                "warc_offset": records.get_record_offset(),
                "fetched_at": headers.get_header("WARC-Date"),
                "note": "recovered from the WARC of an interrupted run",
            }


def _recover(out_dir: Path, capture_log: CaptureLog, wanted: set[str]) -> int:
    """Repair WARCs a killed run left open and log the captures they hold that the log lacks."""
    logged = capture_log.captured_urls()
    recovered = 0
    for open_path in sorted(out_dir.glob(f"{WARC_PREFIX}*.warc.gz{IN_PROGRESS_SUFFIX}")):
        repaired = finish_interrupted(open_path)
        log.warning("%s: finished the WARC of an interrupted run (cut %d torn bytes)",
                    repaired.path.name, repaired.dropped_bytes)
        if not repaired.path.exists():
            continue
        for row in _captures_in(repaired.path):
            if row["url"] in wanted and row["url"] not in logged:
                capture_log.append(row)
                logged.add(str(row["url"]))
                recovered += 1
    return recovered


def _unique(hits: Iterable[Hit | str]) -> list[Hit]:
    found: dict[str, Hit] = {}
    for hit in hits:
        item = Hit(hit) if isinstance(hit, str) else hit
        found.setdefault(item.url, item)
    return list(found.values())


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _row(result: FetchResult, *, status: str = "", note: str = "") -> dict[str, object]:
    return {
        "url": result.url,
        "status": status or result.status,
        "http_status": result.http_status if result.http_status is not None else "",
        "attempts": result.attempts,
        "bytes": len(result.body) if result.warc_file or result.body else "",
        "warc_file": result.warc_file,
        "warc_offset": result.warc_offset if result.warc_offset is not None else "",
        "fetched_at": result.fetched_at,
        "note": " ".join((note or result.error).split())[:_NOTE_CHARS],
    }


class _Run:
    """One capture run's shared state: client, log, summary, blocked hosts, progress bars."""

    def __init__(self, client: PoliteClient, capture_log: CaptureLog,
                 settings: CaptureSettings, summary: CaptureSummary) -> None:
        self.client = client
        self.log = capture_log
        self.settings = settings
        self.summary = summary
        self.find_archived_copy = settings.find_archived_copy
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._bars: dict[str, tqdm] = {}

    def capture_all(self, todo: list[Hit]) -> None:
        """Fetch every hit: one task per host (or one task for all when workers is 1)."""
        sources: dict[str, int] = {}
        for hit in todo:
            sources[hit.source] = sources.get(hit.source, 0) + 1
        for position, (source, total) in enumerate(sources.items()):
            disable = None if self.settings.progress is None else not self.settings.progress
            self._bars[source] = tqdm(total=total, desc=f"capture {source or 'hits'}",
                                      unit="page", position=position, disable=disable)
        tasks: dict[str, list[Hit]] = {}
        for hit in todo:
            tasks.setdefault(_host(hit.url) if self.settings.workers > 1 else "", []).append(hit)
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.settings.workers)) as pool:
                futures = [pool.submit(self._capture_hits, hits) for hits in tasks.values()]
                try:
                    for future in futures:
                        future.result()
                except BaseException:
                    self._stop.set()  # Ctrl-C or a failure: workers end after their current URL
                    raise
        finally:
            for bar in self._bars.values():
                bar.close()

    def _capture_hits(self, hits: list[Hit]) -> None:
        for hit in hits:
            if self._stop.is_set():
                return
            row = self._capture_one(hit)
            self.log.append(row)
            self._count(hit, row)

    def _capture_one(self, hit: Hit) -> dict[str, object]:
        host = _host(hit.url)
        with self._lock:
            reason = self.summary.blocked_hosts.get(host)
        if reason is not None:
            skipped = FetchResult(hit.url, hit.url, "blocked", fetched_at=_now())
            return _row(skipped, note=f"not fetched: {host} showed a block page earlier in this "
                                      f"run ({reason})")
        try:
            result = self.client.get(hit.url, source=hit.source)
        except SourceBlocked as blocked:
            with self._lock:
                self.summary.blocked_hosts.setdefault(host, blocked.reason)
            return _row(blocked.result, note=blocked.reason)
        dead = (result.status == "http_error" and result.http_status in DEAD_LINK_STATUSES
                or result.status == "connection_error")
        if not dead or self.find_archived_copy is None:
            return _row(result)
        copy, missing = self._archived_copy(hit)
        if copy is None:
            return _row(result, note=f"{missing}; {result.error or result.http_status}")
        match = _SNAPSHOT.search(copy.final_url) or _SNAPSHOT.search(copy.url)
        row = _row(copy, status="archived_copy",
                   note=f"snapshot {match.group(1)}" if match else copy.error)
        row.update(url=hit.url, attempts=result.attempts + copy.attempts)
        return row

    def _archived_copy(self, hit: Hit) -> tuple[FetchResult | None, str]:
        """A Wayback copy of a dead link, or None and why there is none."""
        finder = self.find_archived_copy
        if finder is None:
            return None, "archived copies switched off earlier in this run"
        try:
            copy = finder(self.client, hit.url, hit.date)
        except SourceBlocked as blocked:
            log.warning("archived copies switched off for this run: %s", blocked)
            self.find_archived_copy = None
            return None, f"no archived copy: {blocked.reason}"
        except RuntimeError as error:  # the archive could not be asked; the live row stands
            log.warning("no archived copy of %s: %s", hit.url, error)
            return None, f"no archived copy: {error}"
        if copy is None or copy.status not in {"ok", "archived_copy"}:
            return None, "no archived copy"
        return copy, ""

    def _count(self, hit: Hit, row: Mapping[str, object]) -> None:
        status = str(row["status"])
        with self._lock:
            summary = self.summary
            summary.by_status[status] = summary.by_status.get(status, 0) + 1
            if status in CAPTURED:
                summary.captured += 1
                summary.archived_copies += status == "archived_copy"
            else:
                summary.failed[status] = summary.failed.get(status, 0) + 1
            bar = self._bars[hit.source]
            bar.set_postfix(failed=sum(summary.failed.values()), refresh=False)
            bar.update()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_warc_names() -> Iterator[str]:
    """WARC file names of one run: `capture-<UTC time>-<run id>-<part>.warc.gz`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run = uuid.uuid4().hex[:6]
    for part in itertools.count(1):
        yield f"{WARC_PREFIX}{stamp}-{run}-{part:04d}.warc.gz"


def capture(hits: Iterable[Hit | str], out_dir: Path, settings: CaptureSettings) -> CaptureSummary:
    """Capture every hit not captured before into `out_dir`: a new `capture-<run>.warc.gz`,
    rows appended to `capture_log.csv`, and the run's summary in `capture_summary.json`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = _unique(hits)
    summary = CaptureSummary(hits=len(wanted))
    with _exclusive(out_dir):
        capture_log = CaptureLog(out_dir / LOG_NAME)
        try:
            summary.recovered = _recover(out_dir, capture_log, {hit.url for hit in wanted})
            done = capture_log.captured_urls()
            todo = [hit for hit in wanted if hit.url not in done]
            summary.already_captured = len(wanted) - len(todo)
            if todo:
                names = _run_warc_names()
                size = max(1, settings.urls_per_warc)
                with PoliteClient(settings.client) as client:
                    for start in range(0, len(todo), size):
                        name = next(names)
                        summary.warc_files.append(name)
                        with WarcArchive(out_dir / name, description=settings.description,
                                         staging=True) as archive:
                            client.archive = archive
                            _Run(client, capture_log, settings, summary).capture_all(
                                todo[start : start + size]
                            )
                        client.archive = None
        finally:
            capture_log.close()
    (out_dir / SUMMARY_NAME).write_text(
        json.dumps(asdict(summary), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary
