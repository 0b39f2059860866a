"""A hand-coded gold set: load a gold folder (batches of articles.jsonl + cases.csv, and an
optional split.csv) and check every row against the codebook's codes and the gazetteer."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.extract import read_articles
from pipeline.extract.codebook import codes, load_codebook
from pipeline.gazetteer import load_gazetteer

ARTICLE_KEYS = ("id", "url", "title", "published", "text", "source", "genre", "note")
CASE_COLUMNS = ("article_id", "name", "unit", "province", "prefecture", "county", "level",
                "domain", "topic", "leader_rank", "founded", "year", "rationale")
SPLIT_COLUMNS = ("article_id", "split")
SPLITS = ("dev", "holdout")
DEFAULT_SPLIT = "dev"
CODED_FIELDS = ("level", "domain", "leader_rank")
# Place fields that must stay empty at each level (the codebook: empty above its level).
EMPTY_BELOW = {"national": ("province", "prefecture", "county"),
               "provincial": ("prefecture", "county"), "prefecture": ("county",)}
MAX_LISTED_PROBLEMS = 20
_FOUNDED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class GoldError(ValueError):
    """A gold file breaks the gold-set format or the codebook; the message says where."""


@dataclass(frozen=True)
class GoldArticle:
    """One gold article with the batch it comes from and its split (dev or holdout)."""

    id: str
    url: str
    title: str
    published: str | None
    text: str
    source: str
    genre: str
    note: str
    batch: str
    split: str

    def as_article(self) -> dict[str, Any]:
        """The article in the `zhuanban extract` input form (id, url, title, published, text)."""
        return {"id": self.id, "url": self.url, "title": self.title,
                "published": self.published, "text": self.text, "source": self.source}


@dataclass(frozen=True)
class GoldCase:
    """One hand-coded task force of a gold article (a cases.csv row)."""

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
    year: str
    rationale: str
    where: str  # "<batch>/cases.csv, line N", for messages

    def value(self, field: str) -> str:
        """The coded value of a field, stripped."""
        return str(getattr(self, field)).strip()


@dataclass(frozen=True)
class GoldSet:
    """Every article and case of a gold folder, checked."""

    articles: list[GoldArticle]
    cases: list[GoldCase]
    batches: list[str]
    has_split_file: bool

    def cases_of(self, article_id: str) -> list[GoldCase]:
        """The gold cases of one article, in file order."""
        return [case for case in self.cases if case.article_id == article_id]


def load_gold(gold_dir: Path) -> GoldSet:
    """Read and check GOLD_DIR/*/articles.jsonl + cases.csv and GOLD_DIR/split.csv (optional;
    without it every article is `dev`); raises GoldError listing every problem found."""
    gold_dir = Path(gold_dir)
    batch_dirs = sorted(p.parent for p in gold_dir.glob("*/articles.jsonl"))
    if not batch_dirs:
        raise GoldError(f"{gold_dir}: no gold batches; expected {gold_dir}/<batch>/articles.jsonl "
                        "and cases.csv")
    problems: list[str] = []
    raw_articles: list[tuple[dict[str, Any], str]] = []
    cases: list[GoldCase] = []
    for batch_dir in batch_dirs:
        batch_articles = _read_batch_articles(batch_dir, problems)
        raw_articles.extend((article, batch_dir.name) for article in batch_articles)
        cases.extend(_read_batch_cases(batch_dir, {a["id"] for a in batch_articles}, problems))
    _check_unique_ids(raw_articles, problems)
    split_file = gold_dir / "split.csv"
    splits = {}
    if split_file.is_file():
        splits = _read_splits(split_file, {a["id"] for a, _ in raw_articles}, problems)
    if problems:
        listed = problems[:MAX_LISTED_PROBLEMS]
        hidden = len(problems) - len(listed)
        more = f"\n  … and {hidden} more" if hidden else ""
        raise GoldError(f"{gold_dir}: {len(problems)} problem(s) in the gold set; fix them and "
                        "rerun:\n  " + "\n  ".join(listed) + more)
    articles = [
        GoldArticle(**{key: _text(article.get(key)) for key in ARTICLE_KEYS if key != "published"},
                    published=article.get("published") or None, batch=batch,
                    split=splits.get(article["id"], DEFAULT_SPLIT))
        for article, batch in raw_articles
    ]
    return GoldSet(articles, cases, [d.name for d in batch_dirs], split_file.is_file())


def topic_domains() -> dict[str, str]:
    """Each topic of the codebook's vocabulary with the domain it belongs to."""
    return {topic: domain for domain, topics in load_codebook()["domains"].items()
            for topic in topics}


def _read_batch_articles(batch_dir: Path, problems: list[str]) -> list[dict[str, Any]]:
    path = batch_dir / "articles.jsonl"
    articles = []
    for number, article in enumerate(_numbered_articles(path), start=1):
        where = f"{path}, article {number} (id {article.get('id')!r})"
        missing = [key for key in ARTICLE_KEYS if key not in article]
        if missing:
            problems.append(f"{where}: missing key(s) {missing}; every article needs "
                            f"{list(ARTICLE_KEYS)}")
            continue
        for key in ("id", "text", "genre"):
            if not isinstance(article[key], str) or not article[key].strip():
                problems.append(f"{where}: field {key!r} must be a non-empty string")
        published = article["published"]
        if published not in (None, "") and not _is_iso_date(str(published)[:10]):
            problems.append(f"{where}: field 'published' is {published!r}; allowed: an ISO date "
                            "YYYY-MM-DD or null")
        if isinstance(article["id"], str) and article["id"].strip():
            articles.append(article)
    return articles


def _numbered_articles(path: Path) -> list[dict[str, Any]]:
    try:
        return list(read_articles(path))
    except ValueError as err:
        raise GoldError(str(err)) from None


def _check_unique_ids(articles: list[tuple[dict[str, Any], str]], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for article, batch in articles:
        if article["id"] in seen:
            problems.append(f"{batch}/articles.jsonl: article id {article['id']!r} is already used "
                            f"in {seen[article['id']]}/articles.jsonl; ids must be unique")
        seen.setdefault(article["id"], batch)


def _read_batch_cases(batch_dir: Path, article_ids: set[str],
                      problems: list[str]) -> list[GoldCase]:
    path = batch_dir / "cases.csv"
    if not path.is_file():
        problems.append(f"{path}: missing; write one (header only if the batch has no cases)")
        return []
    cases = []
    for line, row in _csv_rows(path, CASE_COLUMNS, problems):
        where = f"{batch_dir.name}/cases.csv, line {line}"
        row_problems = _check_case(row, article_ids)
        problems.extend(f"{path}, line {line}, {text}" for text in row_problems)
        if not row_problems:
            cases.append(GoldCase(**{c: row[c].strip() for c in CASE_COLUMNS}, where=where))
    return cases


def _csv_rows(path: Path, columns: tuple[str, ...],
              problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV as dicts, each with the line it starts on; a missing column is a problem."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(f"{path}, line 1: missing column(s) {missing}; the header must have "
                            f"{list(columns)}")
            return []
        rows = []
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                padded = values + [""] * (len(header) - len(values))
                rows.append((start, dict(zip(header, padded, strict=False))))
            start = reader.line_num + 1
        return rows


def _check_case(row: dict[str, str], article_ids: set[str]) -> list[str]:
    """What is wrong with one cases.csv row, as 'field X: …' texts (none when it is fine)."""
    value = {c: (row.get(c) or "").strip() for c in CASE_COLUMNS}
    problems = []
    if value["article_id"] not in article_ids:
        problems.append(f"field 'article_id': {value['article_id']!r} is not an article of this "
                        "batch's articles.jsonl")
    if not value["name"]:
        problems.append("field 'name': empty; give the 专班's name (or <task>工作专班)")
    for field in CODED_FIELDS:
        allowed = codes(field)
        if value[field] not in allowed:
            problems.append(_not_allowed(field, value[field], allowed))
    problems.extend(_check_topic(value["topic"], value["domain"]))
    problems.extend(_check_places(value))
    problems.extend(_check_date(value["founded"], value["year"]))
    return problems


def _check_topic(topic: str, domain: str) -> list[str]:
    if not topic:
        return []
    owners = topic_domains()
    if topic not in owners:
        return [_not_allowed("topic", topic, sorted(owners), empty_ok=True)]
    if domain in codes("domain") and owners[topic] != domain:
        return [f"field 'topic': {topic!r} belongs to domain {owners[topic]!r}, not {domain!r}; "
                "change the topic or the domain"]
    return []


def _check_places(value: dict[str, str]) -> list[str]:
    problems = [f"field {field!r}: must be empty for level {value['level']!r} (the codebook leaves "
                "places below the establishing level empty)"
                for field in EMPTY_BELOW.get(value["level"], ()) if value[field]]
    place = (value["province"], value["prefecture"], value["county"])
    if not problems and any(place) and place not in _gazetteer_places():
        problems.append(f"fields province/prefecture/county: {'/'.join(place)!r} is not a division "
                        "of the gazetteer (data/gazetteer/divisions.csv); use its official names "
                        "and fill every level from the province down")
    return problems


def _check_date(founded: str, year: str) -> list[str]:
    if founded:
        match = _FOUNDED.match(founded)
        if match is None or not _is_iso_date(
                f"{match[1]}-{match[2] or '01'}-{match[3] or '01'}"):
            return [f"field 'founded': {founded!r} is not allowed; allowed: YYYY-MM-DD, YYYY-MM, "
                    "YYYY or empty"]
        if year != founded[:4]:
            return [f"field 'year': {year!r} is not the year of founded {founded!r}"]
    elif year and not re.fullmatch(r"\d{4}", year):
        return [f"field 'year': {year!r} is not allowed; allowed: a four-digit year or empty"]
    return []


def _read_splits(path: Path, article_ids: set[str], problems: list[str]) -> dict[str, str]:
    splits: dict[str, str] = {}
    for line, row in _csv_rows(path, SPLIT_COLUMNS, problems):
        article_id, split = row["article_id"].strip(), row["split"].strip()
        if article_id not in article_ids:
            problems.append(f"{path}, line {line}, field 'article_id': {article_id!r} is not an "
                            "article of any batch")
        elif article_id in splits:
            problems.append(f"{path}, line {line}, field 'article_id': {article_id!r} is listed "
                            "twice")
        if split not in SPLITS:
            problems.append(f"{path}, line {line}, {_not_allowed('split', split, list(SPLITS))}")
        splits.setdefault(article_id, split)
    unlisted = sorted(article_ids - splits.keys())
    if unlisted:
        problems.append(f"{path}: {len(unlisted)} article(s) have no split, e.g. {unlisted[:5]}; "
                        "give every article a row (dev or holdout)")
    return splits


def _not_allowed(field: str, value: str, allowed: list[str], empty_ok: bool = False) -> str:
    listed = ", ".join(allowed) + (" or empty" if empty_ok else "")
    return f"field {field!r}: {value!r} is not allowed; allowed: {listed}"


@lru_cache(maxsize=1)
def _gazetteer_places() -> frozenset[tuple[str, str, str]]:
    return frozenset((d.province, d.prefecture, d.county) for d in load_gazetteer().divisions)


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _text(value: Any) -> str:
    return "" if value is None else str(value)
