"""Coding one article: its 专班 mentions with every codebook field and the evidence for each."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from pipeline.extract.dates import code_founded
from pipeline.extract.detect import Candidate, find_candidates
from pipeline.extract.document import Document, Sentence
from pipeline.extract.domain import code_domain
from pipeline.extract.leader import LeaderCode, after_list, code_leader, respective_head
from pipeline.extract.level import code_level, level_from_titles
from pipeline.extract.unit import (
    Unit,
    company_of_place_founds,
    establishing_unit,
    founded_by_company,
    headed_by_company_manager,
    unit_key,
)
from pipeline.gazetteer import LEVELS, Division, load_gazetteer, place_fields

CONTRACT_COLUMNS = [
    "article_id", "name", "unit", "province", "prefecture", "county", "level", "domain", "topic",
    "leader_rank", "founded", "year", "evidence",
]
EXTRA_COLUMNS = [
    "founded_source", "name_key", "unit_key", "is_founding", "named", "domain_keywords",
    "leader_titles", "mention_evidence", "unit_evidence", "leader_evidence", "founded_evidence",
]
MENTION_COLUMNS = CONTRACT_COLUMNS + EXTRA_COLUMNS
_RANK = {"provincial": 0, "prefecture": 1, "county": 2}
_LEVEL_FIELDS = {"provincial": ("prefecture", "county"), "prefecture": ("county",),
                 "national": ("province", "prefecture", "county")}
_MAX_SPAN_SENTENCES = 12
_PLACE_SUFFIX = re.compile("[区县市旗]")
_MAX_PLACE_NAME = 5
_MAX_EVIDENCE = 160
_ORIGINAL_TITLE = re.compile(r"\s*(?:原标题|原题)\s*[：:]")


@dataclass
class Mention:
    """One task force found in one article, coded by the codebook."""

    article_id: str
    name: str
    unit: str
    province: str
    prefecture: str
    county: str
    level: str
    domain: str
    topic: str
    leader_rank: str
    founded: str
    year: int | None
    evidence: str
    founded_source: str
    name_key: str
    unit_key: str
    is_founding: bool
    named: bool
    domain_keywords: str
    leader_titles: str
    mention_evidence: str
    unit_evidence: str
    leader_evidence: str
    founded_evidence: str

    def as_row(self) -> dict[str, Any]:
        """The mention as a dict in MENTION_COLUMNS order."""
        row = asdict(self)
        return {column: row[column] for column in MENTION_COLUMNS}


def extract_article(article: Mapping[str, Any]) -> list[Mention]:
    """Every task force an article reports or mentions, one Mention each (none for an
    article with no 专班)."""
    doc = Document.from_article(article)
    candidates = find_candidates(doc)
    if any(c.named for c in candidates):
        candidates = [c for c in candidates if c.named]  # unnamed ones are the named ones
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.task, []).append(candidate)
    _fold_headline(doc, groups)
    _merge_contained(doc, groups)
    mentions = []
    for group in groups.values():
        mention = _code(doc, group, candidates)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _in_headline(doc: Document, pos: int) -> bool:
    """Whether body offset pos lies in the title, a line repeating it, or a repost's
    '原标题：' line."""
    if doc.in_headline(pos):
        return True
    line_start = doc.body.rfind("\n", 0, pos) + 1
    return bool(_ORIGINAL_TITLE.match(doc.body, line_start, pos))


def _fold_headline(doc: Document, groups: dict[str, list[Candidate]]) -> None:
    """A headline shortens or rewords the name of the 专班 its text reports ('反诈专班' over
    '打击治理电信网络诈骗犯罪工作专班', '京冬奥闭环管理专班' over '冬奥会闭环管理工作专班'):
    when one 专班 is named only in the headline and the text names exactly one other, they
    are the same task force."""
    headline = [key for key, group in groups.items()
                if all(_in_headline(doc, c.start) for c in group)]
    text = [key for key in groups if key not in headline]
    if len(headline) == 1 and len(text) == 1:
        groups[text[0]].extend(groups.pop(headline[0]))


def _merge_contained(doc: Document, groups: dict[str, list[Candidate]]) -> None:
    """Fold a 专班 whose task lies inside the task of one other 专班 of the article into it:
    a shorter or fuller name of the same 专班 (title '舆情工作专班', text '网络舆情处置工作
    专班'; '企业复工复产' and '复工复产'; a list's '纺织服装' and a later '纺织服装招商').
    A 专班 named only in the title, or not reported founded, may also abbreviate the name of
    one reported elsewhere ('流调' for '流行病学调查', '危改' for '危房改造'). A task inside
    several others, not itself reported founded, is the name of their kind ('产业链工作专班')
    and is dropped. Items of one list are never folded into each other."""
    for key in sorted(groups, key=len):
        tokens = {c.start for c in groups[key]}
        in_title = all(_in_headline(doc, c.start) for c in groups[key])
        founded = any(c.is_founding for c in groups[key])
        containers = [other for other in groups if other != key
                      and (key in other or ((in_title or not founded) and _abbreviates(key, other)))
                      and not tokens & {c.start for c in groups[other]}]
        if len(containers) == 1 or _nested(containers):
            # several containers each inside the next ('老旧小区改造' in '街道老旧小区改造' in
            # '书院街街道老旧小区改造') are one name written ever fuller
            groups[min(containers, key=len)].extend(groups.pop(key))
        elif containers and not any(c.is_founding for c in groups[key]):
            del groups[key]


def _nested(keys: list[str]) -> bool:
    """Whether several tasks each lie inside the next longer one."""
    ordered = sorted(keys, key=len)
    return len(ordered) > 1 and all(a in b for a, b in zip(ordered, ordered[1:], strict=False))


def _abbreviates(short: str, full: str) -> bool:
    """Whether short takes its characters in order from a longer full ('流调', '流行病学调查')."""
    rest = iter(full)
    return len(short) < len(full) and all(char in rest for char in short)


def _code(doc: Document, group: list[Candidate], candidates: list[Candidate]) -> Mention | None:
    """The coded mention of one 专班 from its candidates: the first founding report in the
    text (else the first mention) is read for the fields; the fullest name is kept."""
    group = sorted(group, key=lambda c: doc.in_headline(c.start))
    founding = [c for c in group if c.is_founding]
    primary = (founding or group)[0]
    name = max(group, key=lambda c: len(c.task) + (c is primary)).name
    unit = establishing_unit(doc, primary.start, primary.unit_hint)
    if unit.division is None:
        hinted = next((c for c in group if c.unit_hint and c is not primary), None)
        if hinted is not None:
            unit = establishing_unit(doc, hinted.start, hinted.unit_hint)
    clause = doc.body[doc.clause_start(primary.start):primary.start]
    if unit.is_private_company or (unit.from_context and founded_by_company(clause)) \
            or _a_company_founds(doc, primary, unit):
        return None
    span = _span(doc, primary, candidates)
    if (unit.from_context or not unit.name) and any(
            headed_by_company_manager(sentence.text) for sentence in span):
        return None  # '由公司副总经理某某任专班负责人': a company's team
    unit, level = _settle_level(unit, " ".join(s.text for s in span))
    places = place_fields(unit.division) if unit.division else dict.fromkeys(
        ("province", "prefecture", "county"), "")
    for blank in _LEVEL_FIELDS.get(level, ()):
        places[blank] = ""
    sentence = doc.sentence_at(primary.start)
    context = " ".join(doc.sentence_at(c.start).text for c in group[:3])
    domain_name = next((c.domain_name for c in group if c.domain_name), name)
    domain = code_domain(domain_name, context, doc.setting)
    leader = _leader(doc, group, candidates)
    following = span[1:]
    founded = code_founded(doc, sentence, primary.start, primary.is_founding, following)
    evidence = _evidence(sentence.text, unit.evidence, leader.evidence, founded.evidence,
                         url=doc.url)
    return Mention(
        article_id=doc.article_id,
        name=name,
        unit=unit.name,
        province=places["province"],
        prefecture=places["prefecture"],
        county=places["county"],
        level=level,
        domain=domain.domain,
        topic=domain.topic,
        leader_rank=leader.rank,
        founded=founded.value,
        year=founded.year,
        evidence=evidence,
        founded_source=founded.source,
        name_key=primary.task,
        unit_key=unit_key(unit) if unit.name else "",
        is_founding=bool(founding),
        named=primary.named,
        domain_keywords=" ".join(domain.keywords),
        leader_titles=" ".join(leader.titles),
        mention_evidence=_short(sentence.text),
        unit_evidence=_short(unit.evidence),
        leader_evidence=_short(leader.evidence),
        founded_evidence=_short(founded.evidence),
    )


def _a_company_founds(doc: Document, candidate: Candidate, unit: Unit) -> bool:
    """Whether the sentence reports a company of a place setting the 专班 up ('柳州市一家
    民营科技有限公司……组建攻关专班'): the unit read is only the place the company is in."""
    if unit.division is None or unit.name != unit.division.name or not candidate.is_founding:
        return False
    return company_of_place_founds(doc.body[doc.sentence_at(candidate.start).start:
                                            candidate.start])


def _settle_level(unit: Unit, span_text: str) -> tuple[Unit, str]:
    """The unit and its level; when the text names no organisation (the unit is the article's
    place) or no level, the level named by the officials acting for the 专班 decides
    (副省长 → provincial), and the place is kept only down to that level."""
    level = code_level(unit.name or unit.level_hint, unit.division)
    if not (unit.from_context or level == "unknown"):
        return unit, level
    hint = level_from_titles(span_text)
    if not hint or hint == level or _city_of_county_level(unit.division, hint):
        return unit, level
    division = unit.division
    if division is not None and _RANK[hint] < LEVELS.index(division.level):
        ancestor_name = division.province if hint == "provincial" else division.prefecture
        ancestor = load_gazetteer().resolve(ancestor_name) if ancestor_name else None
        return replace(unit, name=ancestor.name if ancestor else "", division=ancestor), hint
    if division is not None and _RANK[hint] > LEVELS.index(division.level):
        named = _named_within(division, span_text, LEVELS[_RANK[hint]])
        if named is not None:
            return replace(unit, name=named.name, division=named), hint
        return replace(unit, name=""), hint
    return unit, hint


def _named_within(division: Division, text: str, level: str) -> Division | None:
    """The one division of the given level inside division that text names (白云区 in an
    article of 贵阳, though 广州 has a 白云区 too); None when none or several are named."""
    gazetteer = load_gazetteer()
    found = set()
    for suffix in _PLACE_SUFFIX.finditer(text):
        for length in range(2, _MAX_PLACE_NAME + 1):
            name = text[max(0, suffix.end() - length):suffix.end()]
            found.update(d for d in gazetteer.lookup(name, within=division)
                         if d.level == level and gazetteer.is_within(d, division))
    return found.pop() if len(found) == 1 else None


def _city_of_county_level(division: Division | None, hint: str) -> bool:
    """Whether a 市长 or 市委书记 can be the head of the division itself: a county-level city
    (义乌市) has a 市长 as a prefecture has."""
    return division is not None and division.level == "county" \
        and division.name.endswith("市") and hint == "prefecture"


def _span(doc: Document, candidate: Candidate, candidates: list[Candidate]) -> list[Sentence]:
    """The sentences from a mention up to the next sentence that mentions another 专班."""
    first = doc.sentence_at(candidate.start).index
    stop = min((doc.sentence_at(other.start).index for other in candidates
                if other.task != candidate.task and doc.sentence_at(other.start).index > first),
               default=len(doc.sentences))
    return doc.sentences[first:min(stop, first + _MAX_SPAN_SENTENCES)]


def _leader(doc: Document, group: list[Candidate], candidates: list[Candidate]) -> LeaderCode:
    """The head named in the span of each mention of this 专班, first found wins. A list item
    takes the head given to it in a one-each sentence ('分别由甲、乙任组长')."""
    for candidate in group:
        span = _span(doc, candidate, candidates)
        start, end = span[0].start, span[-1].end
        if candidate.list_size > 1 and "分别" in doc.body[start:after_list(doc.body, end)]:
            leader = respective_head(doc.body, start, end, candidate.list_index,
                                     candidate.list_size)
        else:
            leader = code_leader(doc.body, start, end, doc.speaker)
        if leader.rank != "unknown":
            return leader
    return LeaderCode("unknown")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_EVIDENCE else text[: _MAX_EVIDENCE - 1] + "…"


def _evidence(*sentences: str, url: str) -> str:
    """The distinct sentences the fields were coded from, then the URL, joined by ' | '."""
    parts = list(dict.fromkeys(_short(s) for s in sentences if s and s.strip()))
    return " | ".join(parts + ([url] if url else []))

