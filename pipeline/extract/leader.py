"""Rank of the person heading a 专班 (codebook §2 leader_rank), read from head designations
(组长、召集人、专班长 …) and the titles of the person named with them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.codebook import CJK, alternation, load_codebook

# the body a designation belongs to: the nearest of these before it (or after it) in its sentence
_BODY = re.compile(f"专班|领导小组|指挥部|工作组|小组|委员会|(?!党)[{CJK}]组(?![长成织建员])")
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")
_X_END = re.compile(r"[；;。\n]|[，,](?=[^，,。；;\n]{0,8}(?:组长|召集人|成员|组员|主任|负责人))")
_MAX_X = 40


@dataclass(frozen=True)
class LeaderCode:
    """A coded head: rank, the titles it was read from and the sentence."""

    rank: str
    titles: tuple[str, ...] = ()
    evidence: str = ""


@dataclass(frozen=True)
class _Patterns:
    designation: re.Pattern[str]
    weak: frozenset[str]
    not_head: re.Pattern[str]
    linking: re.Pattern[str]
    heading: re.Pattern[str]
    titles: re.Pattern[str]
    rank_of: dict[str, str]
    order: list[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    book = load_codebook()["leader"]
    rank_of = {title: rank for rank, titles in book["titles"].items() for title in titles}
    linking = alternation(book["linking_verbs"])
    return _Patterns(
        designation=re.compile(alternation(book["head_designations"])),
        weak=frozenset(book["weak_designations"]),
        not_head=re.compile(alternation(book["not_head"])),
        linking=re.compile(f"(?:{linking})(?:工作专班|专班)?(?:的)?(?:双|总|第一)?$"),
        heading=re.compile(
            f"(?:由|以|请)?([^，,。；;、：:]{{1,24}}?)(?:亲自)?(?:{alternation(book['heading_verbs'])})"
            "(?!召开|召集|组织|主持|开展|研究)"
        ),
        titles=re.compile(alternation(rank_of)),
        rank_of=rank_of,
        order=list(book["rank_order"]),
    )


def rank_of_person(text: str) -> tuple[str, tuple[str, ...]]:
    """The highest rank among the titles in text ('市委副书记、市长' → principal)."""
    p = _patterns()
    titles = tuple(p.titles.findall(text))
    if not titles:
        return "unknown", ()
    best = min(titles, key=lambda title: p.order.index(p.rank_of[title]))
    return p.rank_of[best], titles


def code_leader(body: str, start: int, end: int) -> LeaderCode:
    """Rank of the first-named head of a 专班 in body[start:end] (its sentences)."""
    p = _patterns()
    text = body[start:end]
    blocked = [m.span() for m in p.not_head.finditer(text)]
    for match in p.designation.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in blocked):
            continue
        if not _belongs_to_zhuanban(text, match.start(), match.end()):
            continue
        person = _person(text, match, p)
        if person is None:
            continue
        rank, titles = rank_of_person(person)
        if rank != "unknown":
            return LeaderCode(rank, titles, _sentence(text, match.start()))
    for match in p.heading.finditer(text):
        person = match.group(1)
        if "专班" in person or not _belongs_to_zhuanban(text, match.start(), match.end()):
            continue
        rank, titles = rank_of_person(person)
        if rank != "unknown":
            return LeaderCode(rank, titles, _sentence(text, match.start()))
    return LeaderCode("unknown")


def _person(text: str, match: re.Match[str], p: _Patterns) -> str | None:
    """The words naming the person a designation is given to, or None if none are."""
    before = text[max(0, match.start() - _MAX_X):match.start()]
    clauses = _CLAUSE.split(before)
    clause = clauses[-1].rstrip("“\"'「『")
    linked = p.linking.search(clause)
    if linked:
        head = clause[:linked.start()]
        if not head.strip() and len(clauses) > 1:
            return clauses[-2]
        openers = [(head.rfind(word), len(word)) for word in ("由", "以", "请", "明确")]
        at, length = max(openers)
        return head[at + length:] if at >= 0 else head
    if match.group() in p.weak and not text.startswith(("：", ":"), match.end()) \
            and not before.endswith("专班"):
        return None
    after = text[match.end():match.end() + _MAX_X]
    after = after.lstrip("：:、 为是")
    stop = _X_END.search(after)
    person = after[:stop.start()] if stop else after
    if person.startswith("由"):
        person = re.split("担任|兼任|出任|任", person[1:], maxsplit=1)[0]
    return person


def _belongs_to_zhuanban(text: str, start: int, end: int) -> bool:
    """Whether a designation at text[start:end] is of a 专班, not of a leading group,
    headquarters or working group named nearer to it."""
    sentence_start = max(text.rfind(mark, 0, start) for mark in "。！？!?\n") + 1
    before = list(_BODY.finditer(text, sentence_start, start))
    if before:
        return before[-1].group() == "专班"
    sentence_end = min((i for i in (text.find(mark, end) for mark in "。！？!?\n") if i >= 0),
                       default=len(text))
    after = _BODY.search(text, end, sentence_end)
    return after is None or after.group() == "专班"


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(mark, 0, pos) for mark in "。！？!?；;\n") + 1
    ends = [i for i in (text.find(mark, pos) for mark in "。！？!?；;\n") if i >= 0]
    return text[start:min(ends) + 1 if ends else len(text)].strip()
