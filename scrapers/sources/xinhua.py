"""Xinhua (新华网) site search: a JSON GET, newest first, with no server-side date filter.

Built 2026-11-25 against the shape recorded in public scrapers of 2019-2025 (not checked live):
`GET https://so.news.cn/getNews?keyword=…&curPage=N&sortField=0|1&searchFields=0|1&lang=cn`
answers `{"code": 200, "content": {"results": [{title, url, pubtime "YYYY-MM-DD HH:MM:SS",
sitename}], "pageCount": P}}`; titles carry markup, `results` is null past the end, and
there is no excerpt: a hit's snippet is the `sitename` (which Xinhua channel ran it).
Public notes of 2026 report 403/405 WAF answers to non-browser clients: the source then fails
with that status (the crawler does not disguise itself). As public scrapers use them,
`sortField=0` sorts by time (newest first), so paging stops once a whole page is older than the
window, and `searchFields=1` limits matching to titles; re-check both before relying on them.
The same story appears under several URLs; later stages merge them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapers.sources.base import (
    Hit,
    JsonHitShape,
    SourceFailed,
    field,
    get_ok,
    int_option,
    json_body,
    json_hit,
    retrieved_at,
)

if TYPE_CHECKING:
    from scrapers.http_client import PoliteClient

NAME = "xinhua"
USES_QUERY = True
FILTER_WINDOW = True
BASE_URL = "https://so.news.cn"
SEARCH_PATH = "/getNews"
SORT_BY_TIME = 0


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """Page through the search for `query` until the last page or past the window's start.

    Options: `base_url`, `sort_field` (default 0, by time), `search_fields` (default 0, full
    text), `max_pages` (default 100).
    """
    base = str(options.get("base_url", BASE_URL)).rstrip("/")
    max_pages = int_option(options, "max_pages", 100, NAME)
    sort_field = options.get("sort_field", SORT_BY_TIME)
    for page in range(1, max_pages + 1):
        params = {
            "keyword": query,
            "curPage": page,
            "sortField": sort_field,
            "searchFields": options.get("search_fields", 0),
            "lang": "cn",
        }
        url = f"{base}{SEARCH_PATH}?{urlencode(params)}"
        result = get_ok(client, url, source=NAME, options=options,
                        headers={"Accept": "application/json, text/plain, */*"})
        answer = json_body(result, NAME)
        code = field(answer, "code", NAME, url)
        if int(code) != 200:
            raise SourceFailed(NAME, url, f"search answered code {code!r}")
        items = field(answer, "content.results", NAME, url) or []
        page_count = field(answer, "content.pageCount", NAME, url)
        hits = [_hit(item, query, page, retrieved_at(result), url) for item in items]
        yield from hits
        older = [hit for hit in hits if hit.date and hit.date < start.isoformat()]
        past_window = sort_field == SORT_BY_TIME and hits and len(older) == len(hits)
        if not items or page >= int(page_count or 0) or past_window:
            return


_SHAPE = JsonHitShape(
    "content.results", ("pubtime",), "sitename", required=("url", "title", "pubtime")
)


def _hit(item: dict[str, Any], query: str, page: int, fetched: str, url: str) -> Hit:
    return json_hit(item, _SHAPE, source=NAME, query=query, page=page, fetched=fetched, url=url)
