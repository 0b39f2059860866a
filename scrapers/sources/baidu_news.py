"""Baidu News (百度资讯) result pages: HTML, ten results a page, newest first with rtt=4.

Built 2026-11-25 against markup recorded in public scrapers of 2020-2023 (not checked live):
`GET https://www.baidu.com/s?tn=news&wd=<q>&pn=<(page-1)*10>&rtt=4&medium=0&cl=2`; results in
`div.result-op`, title and link in `h3 a`, outlet and time in grey spans (selectors in
data/sources/selectors.yaml; Baidu renames classes often). Times are absolute (2019年3月5日)
or relative (3小时前, 昨天 10:20), read against the fetch time. Captchas (百度安全验证,
wappass.baidu.com) are common: the shared client detects them and raises SourceBlocked, which
this adapter lets through so that discover reports the source as blocked. A page that has
neither results nor Baidu's "no results" text is not taken as empty: it stops the source.
There is no server-side date filter here; `extra_params` passes more query parameters as-is.
Robots: public copies of www.baidu.com/robots.txt (2019-2024) end with `User-agent: *` /
`Disallow: /`, so with the client's default politeness this source ends as robots_disallowed;
it is disabled in the example config and meant for use where Baidu's consent is on record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from scrapers.sources.base import (
    CHINA_TIME,
    Hit,
    ResponseShapeError,
    get_ok,
    int_option,
    iso_date,
    retrieved_at,
    selectors,
    strip_tags,
)

if TYPE_CHECKING:
    from bs4 import Tag

    from scrapers.http_client import PoliteClient

NAME = "baidu_news"
USES_QUERY = True
FILTER_WINDOW = True
BASE_URL = "https://www.baidu.com"
PAGE_SIZE = 10
SORT_BY_TIME = 4
_RELATIVE = re.compile(r"(\d+)\s*(分钟|小时|天)前")
_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日")


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """Page through Baidu News for `query` until no next page or past the window's start.

    Options: `base_url`, `rtt` (default 4, by time), `max_pages` (default 50),
    `extra_params` (a mapping added to the query string).
    """
    base = str(options.get("base_url", BASE_URL)).rstrip("/")
    max_pages = int_option(options, "max_pages", 50, NAME)
    rtt = options.get("rtt", SORT_BY_TIME)
    rules = selectors()["baidu_news"]
    for page in range(1, max_pages + 1):
        params = {"tn": "news", "wd": query, "pn": (page - 1) * PAGE_SIZE, "rtt": rtt,
                  "medium": 0, "cl": 2, **options.get("extra_params", {})}
        url = f"{base}/s?{urlencode(params)}"
        result = get_ok(client, url, source=NAME, options=options)
        soup = BeautifulSoup(result.text, "lxml")
        items = soup.select(rules["item"])
        if not items:
            if any(text in result.text for text in rules["no_results"]):
                return
            raise ResponseShapeError(NAME, rules["item"], url)
        fetched = retrieved_at(result)
        found = [_hit(item, rules, query, page, fetched) for item in items]
        hits = [hit for hit in found if hit is not None]
        if not hits:
            raise ResponseShapeError(NAME, f"{rules['item']} {rules['title']}[href]", url)
        yield from hits
        older = [hit for hit in hits if hit.date and hit.date < start.isoformat()]
        if rtt == SORT_BY_TIME and hits and len(older) == len(hits):
            return
        links = soup.select(rules["next_page"])
        if not any(rules["next_text"] in link.get_text() for link in links):
            return


def _hit(item: Tag, rules: dict[str, Any], query: str, page: int, fetched: str) -> Hit | None:
    """The hit of one result block; blocks without a link (related searches) give None."""
    anchor = item.select_one(rules["title"])
    link = str(anchor.get("href") or "").strip() if anchor else ""
    if anchor is None or not link.startswith(("http://", "https://")):
        return None
    when = item.select_one(rules["date"])
    outlet = item.select_one(rules["source"])
    summary = item.select_one(rules["snippet"])
    snippet = strip_tags(summary.get_text()) if summary else ""
    if outlet and not snippet:
        snippet = strip_tags(outlet.get_text())
    return Hit(
        url=link,
        title=strip_tags(anchor.decode_contents()),
        date=result_date(when.get_text(), fetched) if when else None,
        snippet=snippet,
        source=NAME,
        query=query,
        page=page,
        retrieved_at=fetched,
    )


def result_date(text: str, fetched_at: str) -> str | None:
    """Baidu's absolute or relative result time as an ISO date, read against the fetch time."""
    text = text.strip()
    absolute = iso_date(text)
    if absolute:
        return absolute
    now = datetime.fromisoformat(fetched_at.replace("Z", "+00:00")).astimezone(CHINA_TIME)
    relative = _RELATIVE.search(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        delta = {"分钟": timedelta(minutes=amount), "小时": timedelta(hours=amount),
                 "天": timedelta(days=amount)}[unit]
        return (now - delta).date().isoformat()
    for word, days in (("前天", 2), ("昨天", 1), ("今天", 0)):
        if text.startswith(word):
            return (now - timedelta(days=days)).date().isoformat()
    month_day = _MONTH_DAY.match(text)
    if month_day:
        return iso_date(f"{now.year}-{month_day.group(1)}-{month_day.group(2)}")
    return None
