"""People's Daily online (人民网) site search: JSON POST with an epoch-millisecond date window.

Built 2026-11-25 against the shape recorded in public scrapers of 2023-2025 (not checked live):
`POST http://search.people.cn/search-platform/front/search` with a JSON body `{key, page, limit,
hasTitle, hasContent, isFuzzy, type, sortType, startTime, endTime}`; the answer is
`{"code": "0", "data": {"records": [...], "total", "pages", "current"}}`, records carrying
`title` (with <em>), `url`, `content` (snippet) and `displayTime`/`inputTime` (epoch ms).
Plain http on purpose: https answers 301 and then 405 to a POST. The index holds about 2021
onward; earlier years return nothing, so the 2018-2020 cases need other sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from scrapers.sources.base import (
    Hit,
    JsonHitShape,
    SourceFailed,
    china_day_bounds_ms,
    field,
    int_option,
    json_body,
    json_hit,
    post_ok,
    retrieved_at,
)

if TYPE_CHECKING:
    from scrapers.http_client import PoliteClient

NAME = "people"
USES_QUERY = True
FILTER_WINDOW = True
BASE_URL = "http://search.people.cn"
SEARCH_PATH = "/search-platform/front/search"
SORT_BY_TIME = 2


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """Page through the site search for `query` within [start, end] until the last page.

    Options: `base_url`, `page_size` (default 10), `max_pages` (default 100), `fuzzy`
    (default false: keep the query whole), `sort_type` (default 2, newest first).
    """
    base = str(options.get("base_url", BASE_URL)).rstrip("/")
    url = base + SEARCH_PATH
    page_size = int_option(options, "page_size", 10, NAME)
    max_pages = int_option(options, "max_pages", 100, NAME)
    start_ms, end_ms = china_day_bounds_ms(start, end)
    headers = {
        "Content-Type": "application/json;charset=UTF-8",
        "Accept": "application/json, text/plain, */*",
        "Origin": base,
        "Referer": f"{base}/s/",
    }
    for page in range(1, max_pages + 1):
        body = {
            "key": query,
            "page": page,
            "limit": page_size,
            "hasTitle": True,
            "hasContent": True,
            "isFuzzy": bool(options.get("fuzzy", False)),
            "type": 0,
            "sortType": options.get("sort_type", SORT_BY_TIME),
            "startTime": start_ms,
            "endTime": end_ms,
        }
        result = post_ok(client, url, source=NAME, options=options, json_body=body,
                         headers=headers)
        answer = json_body(result, NAME)
        code = field(answer, "code", NAME, url)
        if str(code) != "0":
            raise SourceFailed(NAME, url, f"search answered code {code!r}: {answer.get('msg')}")
        records = field(answer, "data.records", NAME, url) or []
        pages = field(answer, "data.pages", NAME, url)
        for record in records:
            yield _hit(record, query, page, retrieved_at(result), url)
        if not records or page >= int(pages):
            return


_SHAPE = JsonHitShape("data.records", ("displayTime", "inputTime"), "content")


def _hit(item: dict[str, Any], query: str, page: int, fetched: str, url: str) -> Hit:
    return json_hit(item, _SHAPE, source=NAME, query=query, page=page, fetched=fetched, url=url)
