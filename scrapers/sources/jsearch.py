"""Provincial and city government portals on the shared "jsearch" search platform.

Built 2026-11-25 against the shape recorded in public scrapers of 2019-2025 (not checked live):
`POST https://<host>/jsearchfront/interfaces/cateSearch.do`, form-encoded `websiteid` (15
digits, e.g. 330000000000000 for Zhejiang at search.zj.gov.cn), `q`, `p` (page), `pg` (page
size), `cateid`, `tpl`, `pos`, `begin`/`end` (YYYYMMDD), `sortType`. The answer is
`{"total": N, "result": ["<div …>…</div>", …]}`: every item an HTML fragment whose layout
depends on the portal's template (selectors in data/sources/selectors.yaml). Links may be
relative `visit/link.do?url=<quoted URL>` redirects; the article URL is taken out of them.
One config entry per portal (`adapter: jsearch`, `host`, `websiteid`, `template`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers.sources.base import (
    Hit,
    ResponseShapeError,
    field,
    int_option,
    iso_date,
    json_body,
    post_ok,
    required_option,
    retrieved_at,
    selectors,
    strip_tags,
)

if TYPE_CHECKING:
    from bs4 import Tag

    from scrapers.http_client import PoliteClient

NAME = "jsearch"
USES_QUERY = True
FILTER_WINDOW = True
SEARCH_PATH = "/jsearchfront/interfaces/cateSearch.do"
REDIRECT_PATH = "visit/link.do"
SORT_BY_TIME = "2"


def search(
    client: PoliteClient, query: str, start: date, end: date, options: dict[str, Any]
) -> Iterator[Hit]:
    """Page through one portal's search for `query` within [start, end] until the last page.

    Options: `host` and `websiteid` (required), `scheme` (https), `base_url` (overrides
    scheme + host), `template` (`jcse` or `zj`, default `jcse`), `cateid`, `tpl`, `pos`
    (default "title,content"), `sort_type` (default "2", by time), `page_size` (20),
    `max_pages` (100).
    """
    base = _base_url(options)
    url = base + SEARCH_PATH
    template = _template(options)
    websiteid = str(required_option(options, "websiteid", NAME))
    page_size = int_option(options, "page_size", 20, NAME)
    max_pages = int_option(options, "max_pages", 100, NAME)
    form = {
        "websiteid": websiteid,
        "q": query,
        "pg": str(page_size),
        "pos": str(options.get("pos", "title,content")),
        "begin": start.strftime("%Y%m%d"),
        "end": end.strftime("%Y%m%d"),
        "sortType": str(options.get("sort_type", SORT_BY_TIME)),
        "checkError": "1",
    }
    for key in ("cateid", "tpl"):
        if options.get(key) is not None:
            form[key] = str(options[key])
    headers = {
        "X-Requested-With": "XMLHttpRequest",
        "Accept": "application/json, text/javascript, */*; q=0.01",
        "Origin": base,
        "Referer": f"{base}/jsearchfront/search.do?"
        + urlencode({"websiteid": websiteid, "q": query}),
    }
    for page in range(1, max_pages + 1):
        result = post_ok(client, url, source=NAME, options=options,
                         form={**form, "p": str(page)}, headers=headers)
        answer = json_body(result, NAME)
        total = field(answer, "total", NAME, url)
        fragments = field(answer, "result", NAME, url) or []
        for fragment in fragments:
            yield _hit(fragment, template, base, query, page, retrieved_at(result), url)
        if not fragments or page >= math.ceil(int(total or 0) / page_size):
            return


def _base_url(options: dict[str, Any]) -> str:
    if options.get("base_url"):
        return str(options["base_url"]).rstrip("/")
    host = required_option(options, "host", NAME)
    return f"{options.get('scheme', 'https')}://{host}"


def _template(options: dict[str, Any]) -> dict[str, str]:
    templates = selectors()["jsearch"]
    name = options.get("template", "jcse")
    if name not in templates:
        raise ValueError(
            f"{NAME}: template {name!r} is unknown; choose one of {sorted(templates)} "
            "or add it to data/sources/selectors.yaml"
        )
    return templates[name]


def _hit(
    fragment: str,
    template: dict[str, str],
    base: str,
    query: str,
    page: int,
    fetched: str,
    url: str,
) -> Hit:
    soup = BeautifulSoup(fragment, "lxml")
    title = soup.select_one(template["title"])
    if title is None:
        raise ResponseShapeError(NAME, f"result[] {template['title']}", url)
    shown = soup.select_one(template["url"])
    link = _article_url(shown, base) or _article_url(title, base)
    if not link:
        raise ResponseShapeError(NAME, f"result[] {template['url']} (article link)", url)
    when = soup.select_one(template["date"])
    snippet = soup.select_one(template["snippet"])
    return Hit(
        url=link,
        title=strip_tags(title.decode_contents()),
        date=iso_date(when.get_text()) if when else None,
        snippet=strip_tags(snippet.get_text()) if snippet else "",
        source=NAME,
        query=query,
        page=page,
        retrieved_at=fetched,
    )


def _article_url(anchor: Tag | None, base: str) -> str | None:
    """The article's own URL: unwrapped from the portal's redirect link, linked, or shown."""
    if anchor is None:
        return None
    href = str(anchor.get("href") or "").strip()
    if href and not href.startswith(("javascript:", "#")):
        absolute = urljoin(base + "/jsearchfront/", href)
        parts = urlsplit(absolute)
        if not parts.path.endswith(REDIRECT_PATH):
            return absolute
        wrapped = parse_qs(parts.query).get("url")
        if wrapped:
            return wrapped[0]
    text = anchor.get_text().strip()
    return text if text.startswith(("http://", "https://")) else None
