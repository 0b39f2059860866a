"""Policy domain and topic of a task (codebook §2 domain): weighted keywords, the task name
first, then the sentence around it, with the codebook's decision rules for borderline tasks."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.codebook import alternation, load_codebook


@dataclass(frozen=True)
class DomainCode:
    """A coded domain with its topic and the keywords it was read from."""

    domain: str
    topic: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class _Rule:
    name_any: re.Pattern[str]
    unless_any: re.Pattern[str] | None
    context_any: re.Pattern[str] | None
    domain: str
    topic: str

    def decides(self, name: str, context: str) -> re.Match[str] | None:
        """The name word by which this rule decides the task, or None."""
        hit = self.name_any.search(name)
        if hit is None or (self.unless_any and self.unless_any.search(name)):
            return None
        if self.context_any and not self.context_any.search(context):
            return None
        return hit


@dataclass(frozen=True)
class _Scheme:
    keywords: re.Pattern[str]
    neutral: frozenset[str]
    entries: dict[str, list[tuple[str, str, int]]]
    rules: list[_Rule]
    covid: re.Pattern[str]
    frameable_topics: frozenset[str]
    frameable_words: frozenset[str]
    name_weight: int
    context_weight: int
    name_decides_at: int


@lru_cache(maxsize=1)
def _scheme() -> _Scheme:
    book = load_codebook()
    entries: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for domain, topics in book["domains"].items():
        for topic, words in topics.items():
            for word, weight in words.items():
                entries[str(word)].append((domain, topic, int(weight)))
    rules = [
        _Rule(
            re.compile(alternation(rule["name_any"])),
            re.compile(alternation(rule["unless_any"])) if rule.get("unless_any") else None,
            re.compile(alternation(rule["context_any"])) if rule.get("context_any") else None,
            rule["domain"], rule["topic"],
        )
        for rule in book["decision_rules"]
    ]
    scoring = book["domain_scoring"]
    framing = book["covid_framing"]
    return _Scheme(
        keywords=re.compile(alternation([*entries, *scoring.get("neutral_words", ())])),
        neutral=frozenset(scoring.get("neutral_words", ())),
        entries=dict(entries),
        rules=rules,
        covid=re.compile(alternation(framing["context_any"])),
        frameable_topics=frozenset(framing["frameable_topics"]),
        frameable_words=frozenset(framing["frameable_words"]),
        name_weight=int(scoring["name_weight"]),
        context_weight=int(scoring["context_weight"]),
        name_decides_at=int(scoring["name_decides_at"]),
    )


def keywords_in(text: str) -> list[str]:
    """Domain keywords found in text, left to right, longest match first."""
    scheme = _scheme()
    return [word for word in scheme.keywords.findall(text) if word not in scheme.neutral]


def _score(words: list[str], weight: int) -> dict[tuple[str, str], int]:
    scores: dict[tuple[str, str], int] = defaultdict(int)
    for word in words:
        for domain, topic, points in _scheme().entries[word]:
            scores[(domain, topic)] += points * weight
    return scores


def _best(scores: dict[tuple[str, str], int]) -> tuple[str, str, int]:
    """(domain, topic, domain score): the domain with the highest summed score, then its
    highest-scoring topic; ties go to the codebook's order."""
    if not scores:
        return "unknown", "", 0
    by_domain: dict[str, int] = defaultdict(int)
    for (domain, _topic), points in scores.items():
        by_domain[domain] += points
    order = list(load_codebook()["domains"])
    domain = max(by_domain, key=lambda d: (by_domain[d], -order.index(d)))
    topic = max((t for d, t in scores if d == domain), key=lambda t: scores[(domain, t)])
    return domain, topic, by_domain[domain]


def _frameable(word: str) -> bool:
    """Whether a name keyword leaves the task open to COVID-19 framing: a frameable word, or
    one whose topics are all frameable or epidemic work itself ('口岸防控')."""
    scheme = _scheme()
    return word in scheme.frameable_words or all(
        topic in scheme.frameable_topics or topic == "epidemic"
        for _domain, topic, _w in scheme.entries[word])


def code_domain(name: str, context: str, setting: str = "") -> DomainCode:
    """Code the task named `name` (a 专班 name or task) found in `context` (its sentences);
    `setting` (the article's title and lede) frames the task when the name does not say
    (the sub-专班 of an epidemic headquarters). COVID-19 framing comes before the decision
    rules, so that transport of emergency supplies in the epidemic is epidemic work."""
    scheme = _scheme()
    name_words = keywords_in(name)
    covid = scheme.covid.search(context) or scheme.covid.search(setting)
    if covid and all(_frameable(word) for word in name_words):
        return DomainCode("edu_sci_culture_health", "epidemic", (*name_words, covid.group()))
    for rule in scheme.rules:
        hit = rule.decides(name, f"{context}\n{setting}")
        if hit:
            return DomainCode(rule.domain, rule.topic, (hit.group(),))
    name_domain, name_topic, name_score = _best(_score(name_words, scheme.name_weight))
    if name_score >= scheme.name_decides_at * scheme.name_weight:
        return DomainCode(name_domain, name_topic, tuple(name_words))
    context_words = keywords_in(context)
    scores = _score(name_words, scheme.name_weight)
    for key, points in _score(context_words, scheme.context_weight).items():
        scores[key] += points
    if not scores:
        context_words = keywords_in(setting)
        scores = _score(context_words, scheme.context_weight)
    domain, topic, _ = _best(scores)
    return DomainCode(domain, topic, tuple(dict.fromkeys(name_words + context_words)))
