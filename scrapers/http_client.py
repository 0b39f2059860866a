"""The one polite HTTP client every source shares: robots.txt, per-host pacing, retries, limits,
block-page detection, Chinese charsets, and every exchange written to WARC as it arrives."""

from __future__ import annotations

import http.client
import logging
import random
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from pipeline.charset import decode_html
from scrapers.blocks import detect_block
from scrapers.rate_limit import HostRateLimiter
from scrapers.robots import RobotsCache, RobotsRules, origin_of, product_token, rules_from_response
from scrapers.warc_archive import ArchivedExchange, WarcArchive

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml",
              "application/xhtml+xml", "+json", "+xml")
FETCH_STATUSES = ("ok", "http_error", "robots_disallowed", "too_large", "timeout",
                  "connection_error", "redirect_loop", "blocked")
READ_CHUNK = 64 * 1024
_CONTACT = re.compile(r"@|https?://", re.I)
# WARC fields on each response record, so an interrupted run can be reconciled from the WARC.
REQUESTED_URL_HEADER = "Zhuanban-Requested-URL"
OUTCOME_HEADER = "Zhuanban-Outcome"
ATTEMPTS_HEADER = "Zhuanban-Attempts"


@dataclass
class ClientSettings:
    """Politeness and limits; the defaults are the project's politeness policy."""

    user_agent: str  # must contain a contact address (e-mail or URL); from config
    min_interval: float = 1.0  # seconds between request starts to one host (robots, retries too)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence between two reads
    total_deadline: float = 60.0  # the whole response must arrive within this
    max_attempts: int = 4
    backoff_base: float = 1.0  # exponential backoff with jitter; Retry-After honoured
    backoff_cap: float = 60.0  # a Retry-After longer than this ends the retries
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    obey_robots: bool = True
    proxy: str | None = None

    def __post_init__(self) -> None:
        if not _CONTACT.search(self.user_agent or ""):
            raise ValueError(
                f"user_agent {self.user_agent!r} has no contact address: add an e-mail address "
                "or a URL so site operators can reach you (capture.user_agent in the config)"
            )
        positive = {"connect_timeout": self.connect_timeout, "read_timeout": self.read_timeout,
                    "total_deadline": self.total_deadline, "max_attempts": self.max_attempts,
                    "max_bytes": self.max_bytes}
        not_negative = {"min_interval": self.min_interval, "backoff_base": self.backoff_base,
                        "backoff_cap": self.backoff_cap, "max_redirects": self.max_redirects}
        for name, value in positive.items():
            if value <= 0:
                raise ValueError(f"client setting {name} must be > 0, got {value}")
        for name, value in not_negative.items():
            if value < 0:
                raise ValueError(f"client setting {name} must be >= 0, got {value}")


@dataclass
class FetchResult:
    """What one get/post ended with. `headers` has lower-case names; `body` is the payload with
    any Content-Encoding undone (the WARC keeps the bytes as sent); `warc_offset` points at the
    final response record."""

    url: str
    final_url: str
    status: str  # one of FETCH_STATUSES
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    text: str = ""
    charset: str = ""
    attempts: int = 0
    warc_file: str = ""
    warc_offset: int | None = None
    fetched_at: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether the response arrived whole with a 2xx status."""
        return self.status == "ok"


class SourceBlocked(RuntimeError):
    """A captcha or WAF page answered: stop this source and report it (it is archived)."""

    def __init__(self, source: str, url: str, reason: str, result: FetchResult) -> None:
        self.source = source
        self.url = url
        self.reason = reason
        self.result = result
        super().__init__(
            f"{source or urlsplit(url).netloc}: blocked at {url}: {reason}. Stop this source "
            "for now; retry later at a lower rate, or reach its pages another way"
        )


@dataclass
class _Response:
    """One HTTP exchange as it came off the wire."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    raw_headers: list[tuple[str, str]]
    wire_body: bytes  # as sent, archived as is
    payload: bytes  # Content-Encoding undone
    truncated: str  # WARC-Truncated reason, '' when whole

    def header(self, name: str) -> str:
        values = [value for key, value in self.raw_headers if key.lower() == name]
        return ", ".join(values)


class _DeadlinePassed(Exception):
    """The whole-response deadline passed while the body was still arriving."""


@dataclass
class _Failure:
    """A request that produced no whole response."""

    status: str  # timeout | connection_error
    error: str


def _is_text(content_type: str) -> bool:
    lowered = content_type.lower()
    return not lowered or any(kind in lowered for kind in TEXT_TYPES)


def _undo_content_encoding(body: bytes, encoding: str) -> bytes:
    """gzip/deflate bodies decompressed as far as they go (a cut body gives what it has)."""
    encoding = encoding.lower().strip()
    if encoding not in {"gzip", "x-gzip", "deflate"} or not body:
        return body
    for wbits in (47, -15):  # 47: gzip or zlib header, detected; -15: raw deflate
        try:
            return zlib.decompressobj(wbits=wbits).decompress(body)
        except zlib.error:
            continue
    return body


def retry_after_seconds(value: str) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _cause(error: BaseException) -> BaseException:
    """The innermost reason behind a requests/urllib3 error (often the OS-level one)."""
    current = error
    for _ in range(8):
        reason = getattr(current, "reason", None)
        inner = (reason if isinstance(reason, BaseException) else None) or current.__cause__ or \
            next((arg for arg in current.args if isinstance(arg, BaseException)), None)
        if inner is None:
            break
        current = inner
    return current


def _as_bytes(body: bytes | str | None) -> bytes:
    if body is None:
        return b""
    return body.encode("utf-8") if isinstance(body, str) else body


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PoliteClient:
    """Fetch politely and archive everything; safe to share between threads."""

    def __init__(self, settings: ClientSettings, archive: WarcArchive | None = None) -> None:
        self.settings = settings
        self.archive = archive
        self._limiter = HostRateLimiter(settings.min_interval)
        self._robots = RobotsCache(self._fetch_robots)
        self._product = product_token(settings.user_agent)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._random = random.Random()
        if not settings.obey_robots:
            log.warning("robots.txt is not consulted for any host (obey_robots is off)")

    def get(
        self, url: str, *, params: dict | None = None, headers: dict | None = None,
        source: str = "", ignore_robots: bool = False,
    ) -> FetchResult:
        """GET a URL politely; raises SourceBlocked on a captcha/WAF page."""
        request = requests.Request("GET", url, params=params, headers=headers)
        return self._fetch(url, request, source=source, ignore_robots=ignore_robots)

    def post(
        self, url: str, *, json: object | None = None, data: dict | None = None,
        headers: dict | None = None, source: str = "", ignore_robots: bool = False,
    ) -> FetchResult:
        """POST a JSON or form body politely; raises SourceBlocked on a captcha/WAF page."""
        request = requests.Request("POST", url, json=json, data=data, headers=headers)
        return self._fetch(url, request, source=source, ignore_robots=ignore_robots)

    def close(self) -> None:
        """Close the connections of every thread's session."""
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            session.headers["Accept-Encoding"] = "gzip, deflate"
            if self.settings.proxy:
                session.proxies = {"http": self.settings.proxy, "https": self.settings.proxy}
                session.trust_env = False
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def _fetch(
        self, url: str, request: requests.Request, *, source: str, ignore_robots: bool,
        purpose: str = "",
    ) -> FetchResult:
        """Follow redirects, retry, check robots per hop; archive each response as it arrives."""
        settings = self.settings
        check_robots = settings.obey_robots and not ignore_robots and purpose != "robots"
        if ignore_robots and settings.obey_robots:
            log.warning("%s: robots.txt NOT consulted for %s (ignore_robots is set for this "
                        "source in the config)", source or "client", url)
        attempts = tries = hops = 0
        while True:
            try:
                prepared = self._session().prepare_request(request)
            except requests.RequestException as error:
                return self._failed(url, url, "connection_error", attempts,
                                    f"not a fetchable URL: {error}")
            prepared.headers["User-Agent"] = settings.user_agent  # callers cannot disguise us
            target = prepared.url or url
            if check_robots:
                rules = self._robots.rules_for(target)
                if not rules.allows(target):
                    return self._failed(url, target, "robots_disallowed", attempts,
                                        f"robots.txt of {origin_of(target)} disallows this URL "
                                        f"({rules.origin_note})")
            attempts += 1
            tries += 1
            host = urlsplit(target).netloc.lower()
            outcome = self._exchange(prepared)
            if isinstance(outcome, _Failure):
                if tries < settings.max_attempts:
                    self._limiter.defer(host, self._backoff(tries))
                    continue
                return self._failed(url, target, outcome.status, attempts,
                                    f"{outcome.error} (after {attempts} attempts)")
            response = outcome
            location = response.header("location")
            text, charset = self._decode(response)
            block = detect_block(target, response.status, text, location)
            if block is not None:
                result = self._finish(url, response, "blocked", attempts, text, charset,
                                      error=f"{block.name}: {block.reason}")
                log.warning("%s: blocked at %s (%s)", source or host, target, block.reason)
                raise SourceBlocked(source, target, block.reason, result)
            if response.status in REDIRECT_STATUSES and location:
                hops += 1
                if hops > settings.max_redirects:
                    return self._finish(url, response, "redirect_loop", attempts, text, charset,
                                        error=f"more than {settings.max_redirects} redirects")
                self._archive(url, response, "redirected", attempts)
                request = self._redirected(request, response.status, urljoin(target, location))
                tries = 0
                continue
            if response.status in RETRY_STATUSES and tries < settings.max_attempts:
                asked = retry_after_seconds(response.header("retry-after"))
                if asked is not None and asked > settings.backoff_cap:
                    return self._finish(url, response, "http_error", attempts, text, charset,
                                        error=f"Retry-After asks for {asked:.0f} s, more than "
                                              f"backoff_cap ({settings.backoff_cap:.0f} s)")
                self._archive(url, response, "retried", attempts)
                self._limiter.defer(host, max(self._backoff(tries), asked or 0.0))
                continue
            if 200 <= response.status < 300:
                status = "too_large" if response.truncated else "ok"
            else:
                status = "http_error"
            error = f"cut at {settings.max_bytes} bytes" if response.truncated else ""
            return self._finish(url, response, status, attempts, text, charset, error=error,
                                label="robots" if purpose == "robots" else "")

    def _redirected(self, request: requests.Request, code: int, target: str) -> requests.Request:
        """The request to send to a redirect target (303, and 301/302 after POST, become GET)."""
        if code in {307, 308} or request.method == "GET":
            return requests.Request(request.method, target, headers=request.headers,
                                    json=request.json, data=request.data)
        headers = {key: value for key, value in (request.headers or {}).items()
                   if key.lower() != "content-type"}
        return requests.Request("GET", target, headers=headers)

    def _backoff(self, tries: int) -> float:
        """Exponential backoff with equal jitter, capped."""
        wait = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (tries - 1))
        return wait / 2 + self._random.uniform(0, wait / 2)

    def _exchange(self, prepared: requests.PreparedRequest) -> _Response | _Failure:
        """Send one request in the host's turn and read its body within the limits."""
        settings = self.settings
        url = prepared.url or ""
        host = urlsplit(url).netloc.lower()
        with self._limiter.slot(host):
            started = time.monotonic()
            try:
                response = self._session().send(
                    prepared, stream=True, allow_redirects=False,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                )
            except requests.Timeout as error:
                return _Failure("timeout", f"no answer in time from {host}: {_cause(error)}")
            except requests.RequestException as error:
                return _Failure("connection_error",
                                f"connection to {host} failed: {_cause(error)}")
            try:
                body, truncated = self._read_body(response, started + settings.total_deadline)
            except _DeadlinePassed:
                response.close()
                return _Failure("timeout", f"the whole response took longer than "
                                           f"{settings.total_deadline:g} s (total deadline)")
            except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as error:
                response.close()
                return _Failure("timeout", f"{host} sent nothing for {settings.read_timeout:g} s "
                                           f"mid-body (read timeout): {_cause(error)}")
            except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as error:
                response.close()
                return _Failure("connection_error",
                                f"{host} broke off the body: {_cause(error)}")
            if truncated:
                response.close()
            else:
                response.raw.release_conn()
        request_headers = [("Host", host), *prepared.headers.items()]
        raw_headers = [
            ("X-Archive-Orig-Transfer-Encoding", value)
            if key.lower() == "transfer-encoding" else (key, value)
            for key, value in response.raw.headers.items()
        ]
        return _Response(
            method=prepared.method or "GET", url=url, request_headers=request_headers,
            request_body=_as_bytes(prepared.body), status=response.status_code,
            reason=response.reason or "", raw_headers=raw_headers, wire_body=body,
            payload=_undo_content_encoding(body, response.headers.get("Content-Encoding", "")),
            truncated=truncated,
        )

    def _read_body(self, response: requests.Response, deadline: float) -> tuple[bytes, str]:
        """Read the body as sent, one network read at a time, until done, cut or late."""
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise _DeadlinePassed
            chunk = response.raw.read1(READ_CHUNK, decode_content=False)
            if not chunk:
                return b"".join(chunks), ""
            chunks.append(chunk)
            size += len(chunk)
            if size > self.settings.max_bytes:
                return b"".join(chunks)[: self.settings.max_bytes], "length"

    def _decode(self, response: _Response) -> tuple[str, str]:
        content_type = response.header("content-type")
        if not _is_text(content_type):
            return "", ""
        return decode_html(response.payload, content_type)

    def _archive(
        self, requested: str, response: _Response, outcome: str, attempts: int
    ) -> ArchivedExchange | None:
        if self.archive is None:
            return None
        return self.archive.write_exchange(
            response.url,
            request_headers=response.request_headers,
            status=response.status,
            reason=response.reason,
            response_headers=response.raw_headers,
            body=response.wire_body,
            method=response.method,
            request_body=response.request_body,
            truncated=response.truncated,
            extra_warc_headers={REQUESTED_URL_HEADER: requested, OUTCOME_HEADER: outcome,
                                ATTEMPTS_HEADER: str(attempts)},
        )

    def _finish(
        self, requested: str, response: _Response, status: str, attempts: int, text: str,
        charset: str, *, error: str = "", label: str = "",
    ) -> FetchResult:
        """Archive the final response (its outcome `label`, default the status); describe it."""
        archived = self._archive(requested, response, label or status, attempts)
        headers: dict[str, str] = {}
        for key, value in response.raw_headers:
            name = key.lower()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return FetchResult(
            url=requested, final_url=response.url,
            status=status, http_status=response.status,
            headers=headers,
            body=response.payload,
            text=text, charset=charset, attempts=attempts,
            warc_file=archived.warc_file if archived else "",
            warc_offset=archived.warc_offset if archived else None,
            fetched_at=archived.fetched_at if archived else _now(), error=error,
        )

    def _failed(self, requested: str, target: str, status: str, attempts: int,
                error: str) -> FetchResult:
        return FetchResult(url=requested, final_url=target, status=status, attempts=attempts,
                           fetched_at=_now(), error=error)

    def _fetch_robots(self, robots_url: str) -> RobotsRules:
        """Fetch and read one robots.txt (itself rate-limited and archived)."""
        result = self._fetch(robots_url, requests.Request("GET", robots_url), source="robots.txt",
                             ignore_robots=False, purpose="robots")
        rules = rules_from_response(result.http_status, result.body, self._product)
        if rules.crawl_delay:
            self._limiter.set_interval(urlsplit(robots_url).netloc.lower(), rules.crawl_delay)
        log.info("%s: %s", robots_url, rules.origin_note)
        return rules

