"""The central government portal (中国政府网): its search is robots-disallowed, so it is not used.

`sousuo.www.gov.cn` serves a robots.txt of `Disallow: /` (recorded 2019-2026), and in 2026 the
site-wide search moved to a signed POST API meant for the site's own pages. A polite crawler
therefore does not search www.gov.cn. What the pipeline does instead:
  * list www.gov.cn article URLs from web archives: the `wayback` and `commoncrawl` sources with
    prefixes such as www.gov.cn/zhengce/content/, www.gov.cn/xinwen/, www.gov.cn/zhengce/zhengceku/
    (article pages on www.gov.cn fall under that host's own robots rules, which the client
    checks like any other);
  * search the provincial and city portals (`jsearch` entries) and the news sites, whose reports
    quote central documents;
  * add URLs found by hand with the `url_list` source.
Only with an explicit `ignore_robots: true` on this source (logged by discover and the client;
for use with the site's consent) does `search` query the policy-library JSON, built
2026-11-25 against public scrapers of 2019-2025: `GET https://sousuo.www.gov.cn/search-gov/data
?t=zhengcelibrary&q=…&p=N&n=…&sort=pubtime&sortType=1&searchfield=title:content
&timetype=timezd&mintime=YYYY-MM-DD&maxtime=YYYY-MM-DD` → `{"code": 200, "searchVO":
{"catMap": {<category>: {"listVO": [{title, url, pubtimeStr "YYYY.MM.DD", summary}],
"totalCount": N}}}}`, or `{"code": 1001, "searchVO": null}` for no result.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from scrapers.sources.base import (
    Hit,
    JsonHitShape,
    RobotsRefusal,
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

NAME = "gov_cn"
USES_QUERY = True
FILTER_WINDOW = True
BASE_URL = "https://sousuo.www.gov.cn"
SEARCH_PATH = "/search-gov/data"
NO_RESULT = 1001
REFUSAL = (
    "sousuo.www.gov.cn serves robots.txt 'Disallow: /', so this source does not search it. "
    "Use instead: the wayback and commoncrawl sources with www.gov.cn prefixes "
    "(www.gov.cn/zhengce/content/, www.gov.cn/xinwen/), the provincial jsearch portals, the "
    "news sources and url_list (see docs/sources.md). Only with the site's consent set "
    "'ignore_robots: true' on this source."
)


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """Refuse (RobotsRefusal) unless `ignore_robots` is set; then page the policy library.

    Options: `ignore_robots`, `base_url`, `library` (the `t` parameter, default
    zhengcelibrary), `page_size` (default 20), `max_pages` (default 50).
    """
    base = str(options.get("base_url", BASE_URL)).rstrip("/")
    if not options.get("ignore_robots"):
        raise RobotsRefusal(NAME, base + SEARCH_PATH, REFUSAL)
    page_size = int_option(options, "page_size", 20, NAME)
    max_pages = int_option(options, "max_pages", 50, NAME)
    for page in range(1, max_pages + 1):
        params = {
            "t": options.get("library", "zhengcelibrary"), "q": query, "p": page,
            "n": page_size, "sort": "pubtime", "sortType": 1, "searchfield": "title:content",
            "timetype": "timezd", "mintime": start.isoformat(), "maxtime": end.isoformat(),
        }
        url = f"{base}{SEARCH_PATH}?{urlencode(params)}"
        result = get_ok(client, url, source=NAME, options=options)
        answer = json_body(result, NAME)
        code = int(field(answer, "code", NAME, url))
        if code == NO_RESULT:
            return
        if code != 200:
            raise SourceFailed(NAME, url, f"search answered code {code}")
        categories = field(answer, "searchVO.catMap", NAME, url)
        largest = 0
        for category in categories.values():
            largest = max(largest, int(field(category, "totalCount", NAME, url)))
            for item in field(category, "listVO", NAME, url) or []:
                yield _hit(item, query, page, retrieved_at(result), url)
        if page >= math.ceil(largest / page_size):
            return


_SHAPE = JsonHitShape("listVO", ("pubtimeStr", "pubtime"), "summary")


def _hit(item: dict[str, Any], query: str, page: int, fetched: str, url: str) -> Hit:
    return json_hit(item, _SHAPE, source=NAME, query=query, page=page, fetched=fetched, url=url)
