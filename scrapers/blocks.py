"""Recognise captcha and WAF block pages from the patterns in `data/block_pages.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline import DATA_DIR

BLOCK_PAGES_FILE = DATA_DIR / "block_pages.yaml"
SCAN_CHARS = 64 * 1024
_CONDITIONS = ("url", "status", "title", "body")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


@dataclass(frozen=True)
class BlockRule:
    """One kind of block page; every condition given must hold, each by any of its values."""

    name: str
    reason: str
    url: tuple[str, ...] = ()
    status: tuple[int, ...] = ()
    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()

    def matches(self, urls: tuple[str, ...], status: int, title: str, body: str) -> bool:
        """Whether this response is this kind of block page."""
        checks = [
            not self.url or any(part in url for part in self.url for url in urls),
            not self.status or status in self.status,
            not self.title or any(part in title for part in self.title),
            not self.body or any(part in body for part in self.body),
        ]
        return all(checks)


@lru_cache(maxsize=4)
def load_block_rules(path: Path = BLOCK_PAGES_FILE) -> tuple[BlockRule, ...]:
    """Read the block-page rules; fail naming the file and rule when one is malformed."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    rules: list[BlockRule] = []
    for number, entry in enumerate(document.get("rules", []), start=1):
        where = f"{path}, rule {number} ({entry.get('name', 'unnamed')})"
        unknown = set(entry) - {"name", "reason", *_CONDITIONS}
        if unknown or not entry.get("name") or not entry.get("reason"):
            raise ValueError(f"{where}: needs name and reason; unknown keys {sorted(unknown)}")
        if not any(entry.get(key) for key in _CONDITIONS):
            raise ValueError(f"{where}: give at least one of {', '.join(_CONDITIONS)}")
        rules.append(
            BlockRule(
                name=entry["name"],
                reason=entry["reason"],
                url=tuple(entry.get("url", ())),
                status=tuple(int(code) for code in entry.get("status", ())),
                title=tuple(entry.get("title", ())),
                body=tuple(entry.get("body", ())),
            )
        )
    if not rules:
        raise ValueError(f"{path}: no block-page rules found under 'rules'")
    return tuple(rules)


def page_title(text: str) -> str:
    """The text of the page's <title>, or '' when it has none."""
    match = _TITLE.search(text[:SCAN_CHARS])
    return match.group(1).strip() if match else ""


def detect_block(
    url: str, status: int, text: str, location: str = "",
    rules: tuple[BlockRule, ...] | None = None,
) -> BlockRule | None:
    """The first rule this response matches (captcha, WAF, rate-limit page), or None."""
    urls = (url, location) if location else (url,)
    head = text[:SCAN_CHARS]
    title = page_title(head)
    for rule in rules if rules is not None else load_block_rules():
        if rule.matches(urls, status, title, head):
            return rule
    return None
