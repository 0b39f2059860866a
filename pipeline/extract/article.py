"""Coding one article: its 专班 mentions with every codebook field and the evidence for each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from pipeline.extract.dates import code_founded
from pipeline.extract.detect import Candidate, find_candidates
from pipeline.extract.document import Document, Sentence
from pipeline.extract.domain import code_domain
from pipeline.extract.leader import LeaderCode, code_leader
from pipeline.extract.level import code_level, level_from_titles
from pipeline.extract.unit import Unit, establishing_unit, unit_key
from pipeline.gazetteer import LEVELS, load_gazetteer, place_fields

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
_MAX_EVIDENCE = 160


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
    _merge_title_mentions(doc, groups)
    mentions = []
    for key, group in groups.items():
        mention = _code(doc, key, group, candidates)
        if mention is not None:
            mentions.append(mention)
    return mentions


def _merge_title_mentions(doc: Document, groups: dict[str, list[Candidate]]) -> None:
    """Fold a 专班 named only in the title into the text's mention whose task contains it, or
    is contained in it (title '舆情工作专班', text '网络舆情处置工作专班')."""
    for key in list(groups):
        if not all(doc.in_title(c.start) for c in groups[key]):
            continue
        target = next((other for other in groups if other != key
                       and not all(doc.in_title(c.start) for c in groups[other])
                       and (key in other or other in key)), None)
        if target is not None:
            groups[target].extend(groups.pop(key))


def _code(doc: Document, key: str, group: list[Candidate],
          candidates: list[Candidate]) -> Mention | None:
    group = sorted(group, key=lambda c: doc.in_title(c.start))
    founding = [c for c in group if c.is_founding]
    primary = (founding or group)[0]
    unit = establishing_unit(doc, primary.start, primary.unit_hint)
    if unit.division is None:
        hinted = next((c for c in group if c.unit_hint and c is not primary), None)
        if hinted is not None:
            unit = establishing_unit(doc, hinted.start, hinted.unit_hint)
    if unit.is_private_company:
        return None
    span = _span(doc, primary, candidates)
    unit, level = _settle_level(unit, " ".join(s.text for s in span))
    places = place_fields(unit.division) if unit.division else dict.fromkeys(
        ("province", "prefecture", "county"), "")
    for blank in _LEVEL_FIELDS.get(level, ()):
        places[blank] = ""
    sentence = doc.sentence_at(primary.start)
    context = " ".join(doc.sentence_at(c.start).text for c in group[:3])
    domain = code_domain(primary.name, context)
    leader = _leader(doc, group, candidates)
    following = span[1:]
    founded = code_founded(doc, sentence, primary.start, primary.is_founding, following)
    evidence = _evidence(sentence.text, unit.evidence, leader.evidence, founded.evidence,
                         url=doc.url)
    return Mention(
        article_id=doc.article_id,
        name=primary.name,
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
        name_key=key,
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


def _settle_level(unit: Unit, span_text: str) -> tuple[Unit, str]:
    """The unit and its level; when the text names no organisation (the unit is the article's
    place) or no level, the level named by the officials acting for the 专班 decides
    (副省长 → provincial), and the place is kept only down to that level."""
    level = code_level(unit.name or unit.level_hint, unit.division)
    if not (unit.from_context or level == "unknown"):
        return unit, level
    hint = level_from_titles(span_text)
    if not hint or hint == level:
        return unit, level
    division = unit.division
    if division is not None and _RANK[hint] < LEVELS.index(division.level):
        ancestor_name = division.province if hint == "provincial" else division.prefecture
        ancestor = load_gazetteer().resolve(ancestor_name) if ancestor_name else None
        return replace(unit, name=ancestor.name if ancestor else "", division=ancestor), hint
    if division is not None and _RANK[hint] > LEVELS.index(division.level):
        return replace(unit, name=""), hint
    return unit, hint


def _span(doc: Document, candidate: Candidate, candidates: list[Candidate]) -> list[Sentence]:
    """The sentences from a mention up to the next sentence that mentions another 专班."""
    first = doc.sentence_at(candidate.start).index
    stop = min((doc.sentence_at(other.start).index for other in candidates
                if other.task != candidate.task and doc.sentence_at(other.start).index > first),
               default=len(doc.sentences))
    return doc.sentences[first:min(stop, first + _MAX_SPAN_SENTENCES)]


def _leader(doc: Document, group: list[Candidate], candidates: list[Candidate]) -> LeaderCode:
    """The head named in the span of each mention of this 专班, first found wins."""
    for candidate in group:
        span = _span(doc, candidate, candidates)
        leader = code_leader(doc.body, span[0].start, span[-1].end)
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

