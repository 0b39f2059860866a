"""Charsets of the simulated pages: which bytes a server sends, what the page and the HTTP
header declare (sometimes wrongly), and traditional-character conversion."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

GBK_FAMILY = ("gbk", "gb18030")


@dataclass(frozen=True)
class Charset:
    """True codec of a page's bytes and the declarations that go with them."""

    encoding: str
    meta: str | None
    content_type: str

    @property
    def is_gbk(self) -> bool:
        """Whether the bytes are GBK or GB18030."""
        return self.encoding in GBK_FAMILY


def charset_options(spec: dict, family: str) -> tuple[list[Charset], list[float]]:
    """The charset variants of `family` (gbk or utf8) in corpus.yaml, with their weights."""
    entries = spec["charsets"][family]
    return ([Charset(e["encoding"], e["meta"], e["content_type"]) for e in entries],
            [float(e["weight"]) for e in entries])


def draw_charset(spec: dict, gbk: bool, rng: random.Random) -> Charset:
    """A charset variant for a GBK page or a UTF-8 page."""
    options, weights = charset_options(spec, "gbk" if gbk else "utf8")
    return rng.choices(options, weights)[0]


def encode_page(html: str, charset: Charset) -> bytes:
    """The bytes a server sends; characters a legacy codec lacks become numeric references."""
    return html.encode(charset.encoding, errors="xmlcharrefreplace")


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → traditional characters (OpenCC s2t)."""
    return _converter().convert(text)
