"""Fill an input record's missing text, title or publication date from its `html` field.

The extract contract lets a record carry the page's HTML beside (or instead of) its text. The
text given wins; the HTML is read, with the parse stage's layouts and date finders, only for the
fields the record leaves empty."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.page_layouts import extract_content, parse_html
from pipeline.pubdate import publication_date


def _blank(value: Any) -> bool:
    return value is None or isinstance(value, float) or not str(value).strip()


def with_html_fields(article: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record itself when it needs nothing from its HTML, else a copy with text, title
    and published filled in from the HTML where they were empty."""
    page_html = article.get("html")
    wanted = [key for key in ("text", "title", "published") if _blank(article.get(key))]
    if _blank(page_html) or not wanted:
        return article
    tree = parse_html(str(page_html))
    if tree is None:
        return article
    content = extract_content(tree, str(page_html))
    filled = dict(article)
    if "text" in wanted:
        filled["text"] = content.text
    if "title" in wanted:
        filled["title"] = content.title
    if "published" in wanted:
        published, _method = publication_date(tree, content.header_text,
                                              str(article.get("url") or ""), str(page_html))
        filled["published"] = published.isoformat() if published else None
    return filled
