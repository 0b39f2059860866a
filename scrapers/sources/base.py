"""What every source adapter shares: the Hit record, the adapter protocol, errors and helpers.

An adapter knows what a site is (where to search, how to page, what to pick out); fetching
politely (robots.txt, rate limits, retries, archiving) is the shared client's job.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from pipeline import DATA_DIR

if TYPE_CHECKING:
    from scrapers.http_client import FetchResult, PoliteClient

SELECTORS_FILE = DATA_DIR / "sources" / "selectors.yaml"
CHINA_TIME = timezone(timedelta(hours=8))
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")


@dataclass(frozen=True)
class Hit:
    """One search result: a URL that may report a task force, with what the source said of it.

    `date` is an ISO date (YYYY-MM-DD) or None; for web-archive listings it is the capture date.
    `page` is the 1-based result page (or index request) the hit came from.
    """

    url: str
    title: str
    date: str | None
    snippet: str
    source: str
    query: str
    page: int
    retrieved_at: str

    def to_json(self) -> str:
        """One JSON line (UTF-8 text kept readable)."""
        return json.dumps(asdict(self), ensure_ascii=False)


class SourceAdapter(Protocol):
    """A source module: searches one site (or archive, or list) and yields hits.

    `USES_QUERY` is False for sources that list URLs (archives, a URL list) rather than search
    for words; discover then runs them once instead of once per query. `FILTER_WINDOW` is False
    when a hit's date is not a publication date to hold against the window.
    """

    NAME: str
    USES_QUERY: bool
    FILTER_WINDOW: bool

    def search(
        self,
        client: PoliteClient,
        query: str,
        start: date,
        end: date,
        options: dict[str, Any],
    ) -> Iterator[Hit]: ...


class SourceFailed(RuntimeError):
    """A source could not be searched (HTTP error, timeout, refused); other sources go on."""

    def __init__(self, source: str, url: str, reason: str) -> None:
        super().__init__(f"{source}: {url}: {reason}")
        self.source = source
        self.url = url
        self.reason = reason


class RobotsRefusal(SourceFailed):
    """The source's robots.txt forbids what the adapter would fetch, and no override is set."""


class ResponseShapeError(SourceFailed):
    """A response lacks a field the adapter relies on: the site changed, the adapter must too."""

    def __init__(self, source: str, field: str, url: str) -> None:
        super().__init__(
            source,
            url,
            f"the response no longer has the expected field {field!r}; the site has changed "
            f"its response shape: update scrapers/sources/{source}.py and its test fixtures",
        )
        self.field = field


def get_ok(
    client: PoliteClient,
    url: str,
    *,
    source: str,
    options: Mapping[str, Any],
    headers: dict[str, str] | None = None,
    allow_statuses: tuple[int, ...] = (),
) -> FetchResult:
    """GET through the shared client; raise SourceFailed unless the response is usable."""
    result = client.get(
        url, headers=headers, source=source, ignore_robots=bool(options.get("ignore_robots"))
    )
    return _checked(result, source, allow_statuses)


def post_ok(
    client: PoliteClient,
    url: str,
    *,
    source: str,
    options: Mapping[str, Any],
    json_body: Any = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """POST through the shared client; raise SourceFailed unless the response is usable."""
    result = client.post(
        url,
        json=json_body,
        data=form,
        headers=headers,
        source=source,
        ignore_robots=bool(options.get("ignore_robots")),
    )
    return _checked(result, source, ())


def _checked(result: FetchResult, source: str, allow_statuses: tuple[int, ...]) -> FetchResult:
    if result.status == "ok" or result.http_status in allow_statuses:
        return result
    if result.status == "robots_disallowed":
        raise RobotsRefusal(
            source,
            result.url,
            f"{result.error or 'robots.txt disallows this URL'}; the crawler obeys it (an "
            "override is a per-source 'ignore_robots: true' in the live config, to be used only "
            "with the site's consent)",
        )
    http = f" (HTTP {result.http_status})" if result.http_status else ""
    detail = f": {result.error}" if result.error else ""
    raise SourceFailed(source, result.final_url or result.url, f"{result.status}{http}{detail}")


def json_body(result: FetchResult, source: str) -> Any:
    """The response decoded as JSON; a body that is not JSON is a shape error."""
    try:
        return json.loads(result.text)
    except json.JSONDecodeError:
        raise ResponseShapeError(source, "JSON body", result.url) from None


def field(record: Any, path: str, source: str, url: str) -> Any:
    """Follow a dotted path into nested JSON; raise ResponseShapeError naming the missing part."""
    value = record
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            raise ResponseShapeError(source, path, url)
        value = value[key]
    return value


@dataclass(frozen=True)
class JsonHitShape:
    """Where a JSON search API keeps a result's fields (a source's response shape, as data)."""

    items_path: str
    date_keys: tuple[str, ...]
    snippet_key: str
    required: tuple[str, ...] = ("url", "title")


def json_hit(
    item: Mapping[str, Any], shape: JsonHitShape, *, source: str, query: str, page: int,
    fetched: str, url: str,
) -> Hit:
    """One Hit from one JSON result item; a missing required field raises ResponseShapeError."""
    for key in shape.required:
        if key not in item:
            raise ResponseShapeError(source, f"{shape.items_path}[].{key}", url)
    found_date = next((item[key] for key in shape.date_keys if item.get(key)), None)
    return Hit(
        url=str(item["url"]).strip(),
        title=strip_tags(item["title"]),
        date=iso_date(found_date),
        snippet=strip_tags(item.get(shape.snippet_key)),
        source=source,
        query=query,
        page=page,
        retrieved_at=fetched,
    )


def strip_tags(text: str | None) -> str:
    """Text without markup (search engines wrap matches in <em>), entities decoded, one-spaced."""
    if not text:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def iso_date(value: object) -> str | None:
    """Normalise the date forms sources use to YYYY-MM-DD (China time for epoch values).

    Accepts epoch seconds or milliseconds, 8-digit YYYYMMDD, 14-digit archive timestamps, and
    text holding YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD or YYYY年M月D日. Anything else gives None.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = str(value).strip()
    if text.isdigit():
        if len(text) in (8, 14):
            return _checked_date(text[:4], text[4:6], text[6:8])
        if len(text) in (10, 13):
            return _from_epoch(float(text))
        return None
    match = _DATE.search(text)
    return _checked_date(*match.groups()) if match else None


def _from_epoch(number: float) -> str:
    seconds = number / 1000 if number > 1e11 else number
    return datetime.fromtimestamp(seconds, CHINA_TIME).date().isoformat()


def _checked_date(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def in_window(hit_date: str | None, start: date, end: date) -> bool:
    """True when the date lies in [start, end]; an unknown date is kept (checked at parse)."""
    return hit_date is None or start.isoformat() <= hit_date <= end.isoformat()


def china_day_bounds_ms(start: date, end: date) -> tuple[int, int]:
    """Epoch milliseconds of the first and last instant of the window, in China time."""
    first = datetime.combine(start, datetime.min.time(), CHINA_TIME)
    last = datetime.combine(end, datetime.max.time(), CHINA_TIME)
    return int(first.timestamp() * 1000), int(last.timestamp() * 1000)


def now_iso() -> str:
    """The current UTC time, as the client stamps fetches."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def retrieved_at(result: FetchResult) -> str:
    """When the response a hit came from was fetched (ties the hit to its WARC record)."""
    return result.fetched_at or now_iso()


def int_option(options: Mapping[str, Any], key: str, default: int, source: str) -> int:
    """A positive integer option, with a message naming the key when it is not one."""
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{source}: option {key!r} must be a positive integer, got {value!r}")
    return value


def required_option(options: Mapping[str, Any], key: str, source: str) -> Any:
    """An option the adapter cannot work without."""
    value = options.get(key)
    if value in (None, "", []):
        raise ValueError(f"{source}: option {key!r} is required; see config/live.example.yaml")
    return value


@lru_cache(maxsize=1)
def selectors() -> dict[str, Any]:
    """CSS selectors for HTML result pages, kept as data (data/sources/selectors.yaml)."""
    with SELECTORS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
