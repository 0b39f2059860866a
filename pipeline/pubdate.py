"""Find a Chinese web page's publication date: meta tags, labelled date lines, the URL, htmldate."""

from __future__ import annotations

import re
from datetime import date

from lxml import html as lxml_html

_META_NAMES = (
    "firstpublishedtime", "pubdate", "publishdate", "publish_date", "article:published_time",
    "og:release_date", "og:published_time", "publishtime", "releasedate",
)
_NUM_DATE = r"(20\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_DATE_LABELS = "发布时间|发布日期|发表时间|发表日期|发文日期|日期|时间"
_LABELLED = re.compile(rf"(?:{_DATE_LABELS})\s*[:：]?\s*" + _NUM_DATE)
_NEWS_STAMP = re.compile(r"(20\d{2})年(\d{1,2})月(\d{1,2})日\s*\d{1,2}:\d{2}")
_URL_PATTERNS = (
    re.compile(r"/(20\d{2})[-_/]?(\d{2})[-_/]?(\d{2})/"),
    re.compile(r"/art/(20\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/(20\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"[/_]t(20\d{2})(\d{2})(\d{2})_"),
)
_ISO_PREFIX = re.compile(_NUM_DATE)


def _valid(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def date_from_meta(tree: lxml_html.HtmlElement) -> date | None:
    """Publication date from <meta name|property=...> tags that publishing systems set."""
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in _META_NAMES:
            match = _ISO_PREFIX.search(meta.get("content") or "")
            if match and (found := _valid(*match.groups())):
                return found
    return None


def date_from_text(text: str) -> date | None:
    """First labelled date line (发布时间：…, 发布日期：…) or news timestamp in page text."""
    for pattern in (_LABELLED, _NEWS_STAMP):
        for match in pattern.finditer(text):
            if found := _valid(*match.groups()):
                return found
    return None


def date_from_url(url: str) -> date | None:
    """A date written into the URL path (/2020/0305/, /art/2020/3/5/, t20200305_)."""
    for pattern in _URL_PATTERNS:
        match = pattern.search(url)
        if match and (found := _valid(*match.groups())):
            return found
    return None


def date_from_htmldate(page_html: str) -> date | None:
    """htmldate's guess, quick mode only (its extensive search prefers copyright years)."""
    from htmldate import find_date

    found = find_date(page_html, extensive_search=False, original_date=True)
    return date.fromisoformat(found) if found else None


def publication_date(
    tree: lxml_html.HtmlElement, header_text: str, url: str, page_html: str
) -> tuple[date | None, str]:
    """The page's publication date and the method that found it ('' when none did)."""
    for method, finder in (
        ("meta", lambda: date_from_meta(tree)),
        ("text", lambda: date_from_text(header_text)),
        ("url", lambda: date_from_url(url)),
        ("htmldate", lambda: date_from_htmldate(page_html)),
    ):
        found = finder()
        if found is not None:
            return found, method
    return None, ""
