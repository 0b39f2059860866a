"""Text normalisation before coding: traditional → simplified script, full-width → half-width
letters and digits, and whitespace collapsed so that names and titles read as one token."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opencc import OpenCC

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201f\u2026\u00b7"
# full-width digits and Latin letters, the ideographic space, and full-width %, ., /, - become
# ASCII; Chinese punctuation (，。：；（）！？、) keeps its full-width form.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
_WIDTH.update({0x3000: 0x20, 0xFF05: 0x25, 0xFF0E: 0x2E, 0xFF0F: 0x2F, 0xFF0D: 0x2D,
               0x00A0: 0x20, 0x200B: None, 0xFEFF: None, 0x200C: None, 0x200D: None})
_HSPACE = re.compile(r"[ \t\r\f\v]+")
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}0-9]) (?=[{_CJK}{_CJK_PUNCT}])"
                           rf"|(?<=[{_CJK}{_CJK_PUNCT}]) (?=[0-9])")
_BLANK_LINES = re.compile(r" *\n[\s]*")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# a text is treated as traditional script when at least this many distinct characters change
# under OpenCC t2s, or when they are at least 1/_TRAD_SHARE of its distinct CJK characters
_TRAD_MIN_CHARS = 3
_TRAD_SHARE = 20


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def _is_traditional_char(char: str) -> bool:
    return _converter().convert(char) != char


def is_traditional(text: str) -> bool:
    """True when `text` is written in traditional script (judged from its distinct characters)."""
    distinct = set(_CJK_CHAR.findall(text))
    changed = sum(1 for char in distinct if _is_traditional_char(char))
    return changed >= _TRAD_MIN_CHARS or (changed > 0 and changed * _TRAD_SHARE >= len(distinct))


def to_simplified(text: str) -> str:
    """Convert traditional script to simplified (OpenCC t2s) when the text is traditional."""
    return _converter().convert(text) if is_traditional(text) else text


def normalize_text(text: str | None) -> str:
    """Simplified script, half-width letters and digits, no spaces inside Chinese runs,
    single spaces elsewhere and one newline between lines."""
    if not text:
        return ""
    text = to_simplified(text.translate(_WIDTH))
    text = _HSPACE.sub(" ", text)
    text = _SPACE_IN_CJK.sub("", text)
    return _BLANK_LINES.sub("\n", text).strip()
