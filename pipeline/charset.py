"""Decode the bytes of a Chinese web page: header charset vs <meta> vs content sniffing."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
          "cp936": "gb18030", "euc-cn": "gb18030", "utf8": "utf-8"}
_UNTRUSTED = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def canonical_charset(name: str | None) -> str | None:
    """Lower-case a charset name and widen the GB family to GB18030 (a superset of GBK)."""
    if not name:
        return None
    lowered = name.strip().lower()
    return _WIDEN.get(lowered, lowered)


def header_charset(content_type: str | None) -> str | None:
    """The charset named in a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return canonical_charset(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared in the page's first <meta> tags, if any."""
    match = _META_CHARSET.search(body[:4096])
    return canonical_charset(match.group(1).decode("ascii")) if match else None


def _strict(body: bytes, charset: str) -> str | None:
    try:
        return body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, charset used). Declarations are tried first but only kept if they decode.

    Latin-1-style declarations are ignored (they decode anything and are a common mislabel of
    GBK pages); a declaration that fails strictly falls through to UTF-8, then GB18030, then
    charset-normalizer's guess.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), "utf-8"
    candidates = [header_charset(content_type), meta_charset(body), "utf-8", "gb18030"]
    tried: set[str] = set()
    for charset in candidates:
        if not charset or charset in _UNTRUSTED or charset in tried:
            continue
        tried.add(charset)
        text = _strict(body, charset)
        if text is not None:
            return text, charset
    guess = from_bytes(body).best()
    if guess is not None and guess.encoding:
        charset = canonical_charset(guess.encoding) or "utf-8"
        return body.decode(charset, errors="replace"), charset
    return body.decode("gb18030", errors="replace"), "gb18030"
