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
_SENTENCE_END = re.compile("[。！？!?]")
_MAX_AFTER_LIST = 300
# a one-each sentence about the list's other items only
_OTHERS = re.compile(f"(?:另|其余|其他|其它)[{CJK}0-9]{{0,4}}(?:个)?(?:工作)?专班$")
# the speaker of a speech saying "由我任组长"
_SELF = ("我", "本人")
_LINK = re.compile("担任|兼任|出任|任")
# a list of 专班 in one sentence ('组建甲、乙、丙三个工作专班'), and how much of an item's end
# must recur to name it again
_LISTED = re.compile(
    f"((?:[{CJK}“”]{{2,30}}、)+[{CJK}“”]{{2,30}}?)等?[0-9一二三四五六七八九十两]+个(?:工作)?专班")
_ITEM_TAIL = 4
# a head named without a title ("由杜海军同志担任组长"), whose titles the text gives elsewhere
_BARE_NAME = re.compile(f"[{CJK}·]{{2,5}}")
# a table of 专班 and their heads, one row a line ('第一专班 某某工作专班 副县长 某某') under a
# header naming the column ('各专班名称和牵头县领导', '专班名称 组长 牵头单位')
_HEAD_COLUMN = re.compile("牵头[^，,。；;\n]{0,4}领导|组长|召集人|专班长|负责人|挂帅领导")
_ROW_CELLS = re.compile(rf"[{CJK}·、\s　（）()]{{2,40}}")
_MAX_HEADER_LINES = 12


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
    respective: re.Pattern[str]
    handed: re.Pattern[str]
    titles: re.Pattern[str]
    generic_heads: frozenset[str]
    level_body: re.Pattern[str]
    department: re.Pattern[str]
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
        # one head each, or a head of one rank for all ('分别由县委常委、副县长担任组长',
        # '由市委常委分别牵头')
        respective=re.compile(
            f"分别由([^。；;]{{2,160}}?)(?:(?:{linking})(?:{alternation(book['head_designations'])})"
            f"|{alternation(book['heading_verbs'])})"
            f"|由([^。；;，,]{{2,60}}?)分别(?:(?:{linking})|{alternation(book['heading_verbs'])})"
        ),
        # "由副县长某某负责": a person put in charge with a bare 负责 (not 负责同志/负责人)
        handed=re.compile(
            f"由([^，,。；;、：:]{{2,24}}?)(?:{alternation(book['handed_verbs'])})(?![同人制])"),
        # 常委 is a title, 常委会 (a standing committee) is not
        titles=re.compile(f"(?:{alternation(rank_of)})(?![会制])"),
        rank_of=rank_of,
        order=list(book["rank_order"]),
        generic_heads=frozenset(book["generic_heads"]["titles"]),
        level_body=re.compile(f"(?:{'|'.join(book['generic_heads']['level_bodies'])})$"),
        department=re.compile(f"(?:{'|'.join(book['generic_heads']['departments'])})$"),
    )


def rank_of_person(text: str) -> tuple[str, tuple[str, ...]]:
    """The highest rank among the titles in text ('市委副书记、市长' → principal)."""
    p = _patterns()
    found = list(p.titles.finditer(text))
    if not found:
        return "unknown", ()
    ranks = [_rank_in_place(text, match) for match in found]
    return min(ranks, key=p.order.index), tuple(match.group() for match in found)


def _rank_in_place(text: str, match: re.Match[str]) -> str:
    """The rank of one title; a generic head ('主要负责同志') is the head of the body named
    before it: of a department ('市发展改革委主要负责同志', '牵头部门主要负责同志') dept_head,
    of a Party committee or government of a level ('市委主要负责同志') principal."""
    p = _patterns()
    rank = p.rank_of[match.group()]
    if match.group() in p.generic_heads:
        before = text[:match.start()]
        if not p.level_body.search(before) and p.department.search(before):
            return "dept_head"
    return rank


def _shared_rank(heads: str) -> LeaderCode | None:
    """The rank every head named in `heads` has ('五名副市长', '区委常委、副区长'), or None
    when they differ or none is ranked."""
    p = _patterns()
    found = list(p.titles.finditer(heads))
    ranks = {_rank_in_place(heads, match) for match in found}
    if len(ranks) != 1:
        return None
    return LeaderCode(ranks.pop(), tuple(match.group() for match in found))


def respective_head(body: str, start: int, end: int, index: int, size: int) -> LeaderCode:
    """Rank of the head of the index-th of `size` listed 专班 from a sentence in body[start:end]
    giving one head each ('分别由县长甲，常务副县长乙，副县长丙任组长'); unknown when the
    heads there do not pair one-to-one with the list."""
    match = _patterns().respective.search(body, start, after_list(body, end))
    if match is None:
        return LeaderCode("unknown")
    heads = match.group(1) or match.group(2)
    # "其中甲专班由市长任组长，另两个专班由市委常委分别牵头": the heads of the items not
    # given one of their own before
    if _OTHERS.search(body, max(0, match.start() - 12), match.start()):
        item = _list_item(body, start, end, index, size)
        own = body[body.rfind("。", 0, match.start()) + 1:match.start()]
        if not item or item[-_ITEM_TAIL:] in own:
            return LeaderCode("unknown")
        shared = _shared_rank(heads)
        if shared is None:
            return LeaderCode("unknown")
        return LeaderCode(shared.rank, shared.titles, _sentence(body, match.start()))
    for separator in "，,、":
        people = heads.split(separator)
        if len(people) == size:
            rank, titles = rank_of_person(people[index])
            if rank != "unknown":
                return LeaderCode(rank, titles, _sentence(body, match.start()))
            break
    shared = _shared_rank(heads)
    if shared is not None:
        return LeaderCode(shared.rank, shared.titles, _sentence(body, match.start()))
    return LeaderCode("unknown")


def _list_item(body: str, start: int, end: int, index: int, size: int) -> str:
    """The words of the index-th item of a list of `size` 专班 written in one sentence
    ('组建甲、乙、丙三个工作专班'); '' when no such list is found."""
    for found in _LISTED.finditer(body, start, end):
        items = found.group(1).split("、")  # the subject may hold a 、 too (市委、市政府)
        if len(items) >= size:
            return items[len(items) - size + index]
    return ""


def after_list(body: str, end: int) -> int:
    """The end of the sentence that follows the sentence ending at or after `end`: a list
    written one item a line gives its heads right after the list ('五个专班分别由…')."""
    stop = end
    for _ in range(2):
        found = _SENTENCE_END.search(body, stop, end + _MAX_AFTER_LIST)
        if found is None:
            return max(stop, end)
        stop = found.end()
    return stop


def code_leader(body: str, start: int, end: int, speaker: str = "") -> LeaderCode:
    """Rank of the first-named head of a 专班 in body[start:end] (its sentences); `speaker` is
    the title of the person giving the speech the text is, for a head named as 我."""
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
        if person.strip() in _SELF:
            person = speaker
        rank, titles = rank_of_person(person)
        if rank == "unknown":
            rank, titles = rank_of_person(_titles_of_name(body, person))
        if rank != "unknown":
            return LeaderCode(rank, titles, _sentence(text, match.start()))
    for pattern in (p.heading, p.handed):
        for match in pattern.finditer(text):
            person = match.group(1)
            if "专班" in person:  # "某某专班由副县长某某牵头": the head follows the 由
                person = person.rpartition("专班")[2]
                if not person.startswith("由"):
                    continue
            if not _belongs_to_zhuanban(text, match.start(), match.end()):
                continue
            rank, titles = rank_of_person(person)
            if rank != "unknown":
                return LeaderCode(rank, titles, _sentence(text, match.start()))
    return _table_row_head(body, start)


def _table_row_head(body: str, start: int) -> LeaderCode:
    """Rank of the head given in the cells after a 专班's name on its line of a table whose
    header names a head column ('附：各专班名称和牵头县领导' over '第二专班 某某工作专班 副县长
    某某'); unknown when the line is not such a row."""
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", start)
    line = body[line_start:line_end if line_end >= 0 else len(body)]
    name_end = line.rfind("专班")
    cells = line[name_end + 2:].strip() if name_end >= 0 else ""
    if not cells or not _ROW_CELLS.fullmatch(cells):
        return LeaderCode("unknown")
    rank, titles = rank_of_person(cells)
    if rank == "unknown":
        return LeaderCode("unknown")
    above = body[:line_start].split("\n")[-_MAX_HEADER_LINES - 1:-1]
    for header in reversed(above):
        if "专班" in header and _HEAD_COLUMN.search(header) \
                and rank_of_person(header)[0] == "unknown":
            return LeaderCode(rank, titles, line.strip())
    return LeaderCode("unknown")


def _person(text: str, match: re.Match[str], p: _Patterns) -> str | None:
    """The words naming the person a designation is given to, or None if none are."""
    before = text[max(0, match.start() - _MAX_X):match.start()]
    clauses = _CLAUSE.split(before)
    clause = clauses[-1].rstrip("“\"'「『")
    if clause.endswith("、") and match.group().startswith("专班") \
            and rank_of_person(clause)[0] != "unknown":
        return clause  # "市委副书记、专班组长某某": the titles come first
    if match.group().startswith("专班") and "、" in clause:
        # "副市长、市征兵工作专班组长某某": the titles come before the 专班's name
        titles = clause.rpartition("、")[0]
        if rank_of_person(titles)[0] != "unknown" and not p.linking.search(clause):
            return titles
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
        links = list(_LINK.finditer(person))
        person = person[1:links[-1].start()] if links else person[1:]
    return person


def _titles_of_name(body: str, person: str) -> str:
    """The words before a bare name where the text gives it with titles ('县委书记杜海军'
    for '杜海军同志'); '' when person is not a bare name or no titles are found."""
    name = person.strip().removesuffix("同志")
    if not _BARE_NAME.fullmatch(name):
        return ""
    for match in re.finditer(re.escape(name), body):
        head = _CLAUSE.split(body[max(0, match.start() - _MAX_X):match.start()])[-1]
        if rank_of_person(head)[0] != "unknown":
            return head
    return ""


def _belongs_to_zhuanban(text: str, start: int, end: int) -> bool:
    """Whether a designation at text[start:end] is of a 专班, not of a leading group,
    headquarters or working group named nearer to it. A body followed by a title is the
    organ of the person named ('由市城市管理委员会主任某某任组长'), not another body."""
    p = _patterns()
    if text.startswith("专班", start):  # "专班组长", "专班负责人"
        return True
    sentence_start = max(text.rfind(mark, 0, start) for mark in "。！？!?\n") + 1
    before = [m for m in _BODY.finditer(text, sentence_start, start)
              if not p.titles.match(text, m.end())]
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
