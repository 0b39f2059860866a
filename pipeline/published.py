"""The paper's published figures (data/reference/published.yaml) as typed, validated objects.

Also checks the figures for internal consistency before anything is compared against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "reference" / "published.yaml"
DISTRIBUTIONS = ("year", "level", "domain", "leader_rank")
FIGURE_KINDS = ("count", "share_percent")
QUALIFIERS = ("exact", "more_than_half", "main", "example")


class PublishedError(ValueError):
    """A malformed published-targets file; the message names the file and the key."""


@dataclass(frozen=True)
class Citation:
    """Bibliographic reference of the paper."""

    authors: tuple[str, ...]
    title: str
    journal: str
    year: int
    issue: int
    short: str

    def text(self) -> str:
        """One-line citation, e.g. for report headers."""
        authors = "、".join(self.authors)
        return f"{authors}：《{self.title}》，《{self.journal}》{self.year}年第{self.issue}期"


@dataclass(frozen=True)
class Corpus:
    """What the paper says about its own corpus."""

    total: int
    start: date
    end: date
    section: str
    method: str
    sources: tuple[str, ...]
    earliest: dict[str, Any]


@dataclass(frozen=True)
class Category:
    """One category of a published distribution: a count or a share, never both required."""

    code: str
    label: str
    count: int | None
    share_percent: float | None
    note: str | None


@dataclass(frozen=True)
class SubFigure:
    """A statement about a topic inside one category (e.g. 73 of 94 are epidemic work)."""

    category: str
    label: str
    topic: str | None
    qualifier: str
    count: int | None
    share_percent: float | None


@dataclass(frozen=True)
class Distribution:
    """One published table: year, level, domain or leader_rank."""

    key: str
    title: str
    title_en: str
    section: str
    figure: str
    categories: tuple[Category, ...]
    subfigures: tuple[SubFigure, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Category codes in the paper's order."""
        return tuple(c.code for c in self.categories)

    def label(self, code: str) -> str:
        """Chinese label of a code (the code itself when the paper has no such category)."""
        return next((c.label for c in self.categories if c.code == code), code)

    def shares(self, total: int) -> dict[str, float]:
        """Share in % of each category (computed from counts when counts are published)."""
        if self.figure == "count":
            return {c.code: 100.0 * c.count / total for c in self.categories}
        return {c.code: float(c.share_percent) for c in self.categories}

    def counts(self, total: int) -> dict[str, float]:
        """Count of each category; for share tables derived as share × total (not whole)."""
        if self.figure == "count":
            return {c.code: float(c.count) for c in self.categories}
        return {c.code: c.share_percent * total / 100.0 for c in self.categories}


@dataclass(frozen=True)
class NamedTaskForce:
    """A task force the paper names (a recall checklist for live collection)."""

    unit: str
    name: str
    section: str
    note: str | None


@dataclass(frozen=True)
class Statement:
    """A qualitative finding the paper states, with its section."""

    section: str
    text: str


@dataclass(frozen=True)
class Published:
    """Everything the paper publishes that a replication can be compared with."""

    citation: Citation
    section: str
    corpus: Corpus
    distributions: dict[str, Distribution]
    statements: tuple[Statement, ...]
    named_task_forces: tuple[NamedTaskForce, ...]
    source: Path


@dataclass(frozen=True)
class ConsistencyCheck:
    """Result of one internal-consistency check of the published figures."""

    name: str
    passed: bool
    detail: str


def load_published(path: Path | None = None) -> Published:
    """Load and validate the published targets (default: data/reference/published.yaml)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise PublishedError(f"{path}: not valid YAML ({err}); fix the syntax") from err
    reader = _Reader(path)
    root = reader.mapping(raw, "")
    corpus = _corpus(reader, reader.mapping(reader.get(root, "corpus", ""), "corpus"))
    dist_raw = reader.mapping(reader.get(root, "distributions", ""), "distributions")
    missing = [d for d in DISTRIBUTIONS if d not in dist_raw]
    if missing:
        raise reader.error("distributions", f"missing table(s) {missing}")
    return Published(
        citation=_citation(reader, reader.mapping(reader.get(root, "citation", ""), "citation")),
        section=reader.text(root, "section", ""),
        corpus=corpus,
        distributions={
            key: _distribution(reader, key, reader.mapping(dist_raw[key], f"distributions.{key}"))
            for key in DISTRIBUTIONS
        },
        statements=tuple(
            Statement(section=reader.text(s, "section", w), text=reader.text(s, "text", w))
            for w, s in reader.items(root, "statements", "")
        ),
        named_task_forces=tuple(
            NamedTaskForce(
                unit=reader.text(t, "unit", w),
                name=reader.text(t, "name", w),
                section=reader.text(t, "section", w),
                note=reader.optional(t, "note", w, str),
            )
            for w, t in reader.items(root, "named_task_forces", "")
        ),
        source=path,
    )


def check_consistency(published: Published) -> list[ConsistencyCheck]:
    """Check the published figures against each other and against the stated total."""
    total = published.corpus.total
    checks: list[ConsistencyCheck] = []
    for dist in published.distributions.values():
        if dist.figure == "count":
            checks.append(_check_count_sum(dist, total))
        else:
            checks.append(_check_share_sum(dist))
            checks.extend(_check_share_whole(dist, total))
            checks.append(_check_common_denominator(dist, total))
        for sub in dist.subfigures:
            if sub.count is not None and sub.share_percent is not None:
                checks.append(_check_subfigure(dist, sub))
    return checks


def _check_count_sum(dist: Distribution, total: int) -> ConsistencyCheck:
    summed = sum(c.count for c in dist.categories)
    return ConsistencyCheck(
        name=f"{dist.key}: counts add up to the total",
        passed=summed == total,
        detail=f"{' + '.join(str(c.count) for c in dist.categories)} = {summed}; total {total}",
    )


def _check_share_sum(dist: Distribution) -> ConsistencyCheck:
    summed = sum(c.share_percent for c in dist.categories)
    tolerance = 0.005 * len(dist.categories)
    return ConsistencyCheck(
        name=f"{dist.key}: shares add up to 100 %",
        passed=abs(summed - 100.0) <= tolerance + 1e-9,
        detail=f"sum {summed:.2f} % (rounding allows ±{tolerance:.3f})",
    )


def _whole_count_for(share: float, total: int) -> int | None:
    """The whole number of cases out of total whose share rounds to the share, if any."""
    nearest = round(share * total / 100.0)
    for count in (nearest - 1, nearest, nearest + 1):
        if 0 <= count <= total and round(100.0 * count / total, 2) == round(share, 2):
            return count
    return None


def _check_share_whole(dist: Distribution, total: int) -> list[ConsistencyCheck]:
    checks = []
    for cat in dist.categories:
        count = _whole_count_for(cat.share_percent, total)
        if count is not None:
            detail = f"{count}/{total} = {100.0 * count / total:.2f} %"
        else:
            low = int(cat.share_percent * total / 100.0)
            detail = (
                f"no whole number of cases out of {total} gives {cat.share_percent:.2f} %: "
                f"{low}/{total} = {100.0 * low / total:.2f} %, "
                f"{low + 1}/{total} = {100.0 * (low + 1) / total:.2f} %"
            )
        checks.append(
            ConsistencyCheck(
                name=f"{dist.key}.{cat.code}: {cat.share_percent:.2f} % is a whole number of cases",
                passed=count is not None,
                detail=detail,
            )
        )
    return checks


def _check_common_denominator(dist: Distribution, total: int) -> ConsistencyCheck:
    """Find the smallest number of cases (up to total) from which every share can arise."""
    name = f"{dist.key}: one number of cases up to {total} explains every share"
    for n in range(1, total + 1):
        if all(_whole_count_for(c.share_percent, n) is not None for c in dist.categories):
            fits_total = all(
                _whole_count_for(c.share_percent, total) is not None for c in dist.categories
            )
            detail = f"smallest such number is {n}; the stated total {total} " + (
                "fits too" if fits_total else "does not fit"
            )
            return ConsistencyCheck(name=name, passed=True, detail=detail)
    return ConsistencyCheck(
        name=name,
        passed=False,
        detail=f"no number of cases from 1 to {total} gives all shares at two decimals",
    )


def _check_subfigure(dist: Distribution, sub: SubFigure) -> ConsistencyCheck:
    base = next(c.count for c in dist.categories if c.code == sub.category)
    share = 100.0 * sub.count / base
    return ConsistencyCheck(
        name=f"{dist.key}.{sub.category}: {sub.label} {sub.count} = {sub.share_percent:.2f} %",
        passed=round(share, 2) == round(sub.share_percent, 2),
        detail=f"{sub.count}/{base} = {share:.2f} %",
    )


class _Reader:
    """Typed access to the parsed YAML that fails with the file and key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, where: str, problem: str) -> PublishedError:
        return PublishedError(f"{self.path}: key '{where or '<root>'}': {problem}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(where, f"expected a mapping, found {type(value).__name__}")
        return value

    def get(self, obj: dict[str, Any], key: str, where: str) -> Any:
        if key not in obj or obj[key] is None:
            raise self.error(_join(where, key), "missing; add it (see the file's other entries)")
        return obj[key]

    def typed(self, obj: dict[str, Any], key: str, where: str, kind: type | tuple) -> Any:
        value = self.get(obj, key, where)
        if isinstance(value, bool) or not isinstance(value, kind):
            raise self.error(_join(where, key), f"expected {_kind_name(kind)}, found {value!r}")
        return value

    def text(self, obj: dict[str, Any], key: str, where: str) -> str:
        return self.typed(obj, key, where, str)

    def optional(self, obj: dict[str, Any], key: str, where: str, kind: type | tuple) -> Any:
        if obj.get(key) is None:
            return None
        return self.typed(obj, key, where, kind)

    def items(self, obj: dict[str, Any], key: str, where: str) -> list[tuple[str, dict]]:
        values = obj.get(key) or []
        if not isinstance(values, list):
            raise self.error(_join(where, key), "expected a list")
        name = _join(where, key)
        return [(f"{name}[{i}]", self.mapping(v, f"{name}[{i}]")) for i, v in enumerate(values)]


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind_name(kind: type | tuple) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _citation(r: _Reader, raw: dict[str, Any]) -> Citation:
    authors = r.get(raw, "authors", "citation")
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise r.error("citation.authors", "expected a list of names")
    return Citation(
        authors=tuple(authors),
        title=r.text(raw, "title", "citation"),
        journal=r.text(raw, "journal", "citation"),
        year=r.typed(raw, "year", "citation", int),
        issue=r.typed(raw, "issue", "citation", int),
        short=r.text(raw, "short", "citation"),
    )


def _corpus(r: _Reader, raw: dict[str, Any]) -> Corpus:
    start = r.typed(raw, "start", "corpus", date)
    end = r.typed(raw, "end", "corpus", date)
    if start > end:
        raise r.error("corpus.start", f"{start} is after corpus.end {end}")
    sources = r.get(raw, "sources", "corpus")
    if not isinstance(sources, list):
        raise r.error("corpus.sources", "expected a list")
    return Corpus(
        total=r.typed(raw, "total", "corpus", int),
        start=start,
        end=end,
        section=r.text(raw, "section", "corpus"),
        method=r.text(raw, "method", "corpus"),
        sources=tuple(str(s) for s in sources),
        earliest=r.mapping(r.get(raw, "earliest", "corpus"), "corpus.earliest"),
    )


def _distribution(r: _Reader, key: str, raw: dict[str, Any]) -> Distribution:
    where = f"distributions.{key}"
    figure = r.text(raw, "figure", where)
    if figure not in FIGURE_KINDS:
        raise r.error(f"{where}.figure", f"expected one of {FIGURE_KINDS}, found {figure!r}")
    categories = tuple(_category(r, w, c, figure) for w, c in r.items(raw, "categories", where))
    if not categories:
        raise r.error(f"{where}.categories", "no categories; list the paper's categories")
    codes = [c.code for c in categories]
    if len(set(codes)) != len(codes):
        raise r.error(f"{where}.categories", f"duplicate codes in {codes}")
    subfigures = tuple(_subfigure(r, w, s, codes) for w, s in r.items(raw, "subfigures", where))
    return Distribution(
        key=key,
        title=r.text(raw, "title", where),
        title_en=r.text(raw, "title_en", where),
        section=r.text(raw, "section", where),
        figure=figure,
        categories=categories,
        subfigures=subfigures,
    )


def _category(r: _Reader, where: str, raw: dict[str, Any], figure: str) -> Category:
    code = r.typed(raw, "code", where, (str, int))
    count = r.typed(raw, "count", where, int) if figure == "count" else None
    share = r.typed(raw, "share_percent", where, (int, float)) if figure != "count" else None
    return Category(
        code=str(code),
        label=r.text(raw, "label", where),
        count=count,
        share_percent=float(share) if share is not None else None,
        note=r.optional(raw, "note", where, str),
    )


def _subfigure(r: _Reader, where: str, raw: dict[str, Any], codes: list[str]) -> SubFigure:
    category = str(r.typed(raw, "category", where, (str, int)))
    if category not in codes:
        raise r.error(f"{where}.category", f"{category!r} is not one of {codes}")
    qualifier = r.text(raw, "qualifier", where)
    if qualifier not in QUALIFIERS:
        raise r.error(f"{where}.qualifier", f"expected one of {QUALIFIERS}, found {qualifier!r}")
    share = r.optional(raw, "share_percent", where, (int, float))
    return SubFigure(
        category=category,
        label=r.text(raw, "label", where),
        topic=r.optional(raw, "topic", where, str),
        qualifier=qualifier,
        count=r.optional(raw, "count", where, int),
        share_percent=float(share) if share is not None else None,
    )
