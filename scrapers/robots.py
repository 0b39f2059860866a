"""robots.txt as RFC 9309 reads it: user-agent groups, longest-match Allow/Disallow, `*` and `$`
(urllib.robotparser takes the first matching line and ignores wildcards)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
_RESERVED = "/?=&;:@!$'()*+,~-._%"
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


def product_token(user_agent: str) -> str:
    """The name robots.txt groups are matched against: `zhuanban/0.1 (...)` → `zhuanban`."""
    token = re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0]
    return token.lower()


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, the scope one robots.txt governs."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _normalise(path: str) -> str:
    """Percent-encode what is not ASCII and upper-case existing escapes, for comparison."""
    encoded = quote(path, safe=_RESERVED)
    return _PERCENT.sub(lambda match: match.group(0).upper(), encoded)


def _pattern(path: str) -> re.Pattern[str]:
    anchored = path.endswith("$")
    body = _normalise(path[:-1] if anchored else path)
    regex = ".*".join(re.escape(piece) for piece in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


@dataclass(frozen=True)
class Rule:
    """One Allow or Disallow line."""

    path: str
    allow: bool
    regex: re.Pattern[str] = field(compare=False)


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one host that apply to our user agent, and where they came from."""

    rules: tuple[Rule, ...] = ()
    crawl_delay: float | None = None
    everything: bool | None = None  # True: allow all, False: disallow all, None: use rules
    origin_note: str = ""

    def allows(self, url: str) -> bool:
        """Whether the URL's path and query may be fetched (longest match; ties go to Allow)."""
        if self.everything is not None:
            return self.everything
        parts = urlsplit(url)
        target = _normalise((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if target == "/robots.txt":
            return True
        best: tuple[int, bool] = (-1, True)
        for rule in self.rules:
            if rule.regex.match(target):
                rank = (len(rule.path), rule.allow)
                if rank > best:
                    best = rank
        return best[1]


def parse_robots(text: str, product: str) -> RobotsRules:
    """Pick the groups naming our product token (else the `*` groups) and read their rules."""
    groups: list[tuple[list[str], list[tuple[str, str]]]] = []
    agents: list[str] = []
    lines: list[tuple[str, str]] = []
    for raw in text.lstrip("\ufeff").splitlines():
        key, sep, value = raw.split("#", 1)[0].partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if lines:
                groups.append((agents, lines))
                agents, lines = [], []
            agents.append(value.lower())
        elif key in {"allow", "disallow", "crawl-delay"} and agents:
            lines.append((key, value))
    if agents:
        groups.append((agents, lines))
    chosen = [body for names, body in groups if product in names]
    if not chosen:
        chosen = [body for names, body in groups if "*" in names]
    rules: list[Rule] = []
    delay: float | None = None
    for body in chosen:
        for key, value in body:
            if key == "crawl-delay":
                try:
                    delay = max(delay or 0.0, float(value))
                except ValueError:
                    continue
            elif value:
                rules.append(Rule(value, key == "allow", _pattern(value)))
    return RobotsRules(tuple(rules), delay, None, "robots.txt read")


def rules_from_response(http_status: int | None, body: bytes, product: str) -> RobotsRules:
    """RFC 9309 §2.3.1: 2xx → parse; 4xx → no limits; 5xx, 429 or no answer → allow nothing."""
    if http_status is not None and 200 <= http_status < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return parse_robots(text, product)
    if http_status is not None and 400 <= http_status < 500 and http_status != 429:
        return RobotsRules(everything=True, origin_note=f"robots.txt answered {http_status}")
    reason = f"answered {http_status}" if http_status is not None else "could not be fetched"
    return RobotsRules(everything=False, origin_note=f"robots.txt {reason}: assume disallowed")


@dataclass
class _Entry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    rules: RobotsRules | None = None


class RobotsCache:
    """robots.txt rules per origin, fetched once per origin even when threads ask at once."""

    def __init__(self, fetch: Callable[[str], RobotsRules]) -> None:
        self._fetch = fetch
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> RobotsRules:
        """The rules governing `url`, fetching `<origin>/robots.txt` the first time."""
        origin = origin_of(url)
        with self._lock:
            entry = self._entries.setdefault(origin, _Entry())
        with entry.lock:
            if entry.rules is None:
                entry.rules = self._fetch(f"{origin}/robots.txt")
            return entry.rules
