"""Pull the main text and title out of an article page, by known site layout or trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import etree
from lxml import html as lxml_html

from pipeline import DATA_DIR

LAYOUTS_FILE = DATA_DIR / "site_layouts.yaml"
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section"}
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SUFFIX = re.compile(r"\s*[_|\-—–]+\s*[^_|\-—–]{2,30}$")


@dataclass(frozen=True)
class Layout:
    """XPath rules for one page family."""

    name: str
    body: tuple[str, ...]
    title: tuple[str, ...]


@dataclass(frozen=True)
class PageContent:
    """What we read out of one page."""

    title: str
    text: str
    layout: str
    header_text: str


@lru_cache(maxsize=4)
def load_layouts(path: Path = LAYOUTS_FILE) -> tuple[tuple[Layout, ...], tuple[str, ...]]:
    """Load the layout rules and the XPaths of boxes to drop everywhere."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    try:
        layouts = tuple(
            Layout(item["name"], tuple(item["body"]), tuple(item.get("title", ())))
            for item in spec["layouts"]
        )
        return layouts, tuple(spec.get("drop_everywhere", ()))
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path}: malformed layout rules ({error!r})") from error


def block_text(element: lxml_html.HtmlElement) -> str:
    """Text of an element with block boundaries kept as line breaks, blank lines removed."""
    parts: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            if node.tail:
                parts.append(node.tail)
            continue
        if node.tag in _BLOCK_TAGS:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _first_text(tree: lxml_html.HtmlElement, xpaths: tuple[str, ...]) -> str:
    for xpath in xpaths:
        for found in tree.xpath(xpath):
            value = found if isinstance(found, str) else found.text_content()
            value = _SPACES.sub(" ", str(value)).strip()
            if value:
                return value
    return ""


def _drop(element: lxml_html.HtmlElement, xpaths: tuple[str, ...]) -> None:
    for xpath in xpaths:
        for node in element.xpath(xpath):
            if node is not element and node.getparent() is not None:
                node.drop_tree()


def page_title(tree: lxml_html.HtmlElement) -> str:
    """Title from common meta tags, else <title> without its site-name suffix."""
    found = _first_text(
        tree,
        ('//meta[@name="ArticleTitle"]/@content', '//meta[@property="og:title"]/@content'),
    )
    if found:
        return found
    raw = _first_text(tree, ("//title",))
    return _TITLE_SUFFIX.sub("", raw) or raw


def extract_content(tree: lxml_html.HtmlElement, page_html: str) -> PageContent:
    """Main text, title and the page text outside the body (where date lines live)."""
    layouts, drop_everywhere = load_layouts()
    for layout in layouts:
        for xpath in layout.body:
            nodes = tree.xpath(xpath)
            if not nodes:
                continue
            body = nodes[0]
            title = _first_text(tree, layout.title) or page_title(tree)
            _drop(body, drop_everywhere)
            text = block_text(body)
            body.drop_tree()
            _drop(tree, drop_everywhere)
            return PageContent(title, text, layout.name, block_text(tree))
    return _fallback(tree, page_html, drop_everywhere)


def _fallback(
    tree: lxml_html.HtmlElement, page_html: str, drop_everywhere: tuple[str, ...]
) -> PageContent:
    """trafilatura for pages of unknown layout."""
    import trafilatura

    text = trafilatura.extract(
        page_html, favor_precision=True, include_comments=False, include_tables=True
    ) or ""
    title = page_title(tree)
    _drop(tree, drop_everywhere)
    return PageContent(title, text.strip(), "unknown", block_text(tree))


def parse_html(page_html: str) -> lxml_html.HtmlElement | None:
    """Parse an HTML string; None for an empty or unparseable document."""
    try:
        return lxml_html.fromstring(_XML_DECLARATION.sub("", page_html, count=1))
    except (etree.ParserError, ValueError):
        return None
