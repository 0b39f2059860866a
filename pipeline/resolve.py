"""The resolve stage: mentions of one task force across articles become one case.

Identity is the establishing unit plus the task (codebook §1). Field values that disagree between
reports are settled by a vote that favours founding reports, and the disagreement is written to
the case's `review` column so a person can check it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

CASE_COLUMNS = [
    "case_id", "name", "unit", "province", "prefecture", "county", "level", "domain", "topic",
    "leader_rank", "founded", "year", "evidence", "n_articles", "n_reports", "first_published",
    "urls", "review",
]
CASE_SOURCE_COLUMNS = [
    "case_id", "article_id", "cluster_id", "url", "warc_file", "warc_offset", "evidence",
]
VOTED_FIELDS = ["name", "unit", "province", "prefecture", "county", "level", "domain", "topic",
                "leader_rank"]
UNSTATED = {"", "unknown", "nan", "None"}
STATED_DATE_SOURCES = {"text", "notice"}
_SUFFIX = re.compile(r"(工作)?专班$")
_PUNCT = re.compile(r"[\s“”\"'《》「」（）()、，,·]")


@dataclass
class ResolveSummary:
    """Counts from one resolve run."""

    mentions: int
    cases: int
    cases_flagged_for_review: int
    manual_not_applied: list[str] = field(default_factory=list)


def task_key(name: str) -> str:
    """A task force's name reduced to its task: no 工作专班/专班 suffix, no spaces or quotes."""
    return _SUFFIX.sub("", _PUNCT.sub("", name or "")) or (name or "")


def _clean(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return "" if text in UNSTATED else text


def _identity(row: pd.Series) -> str:
    """unit|task: the unit's division code (or name) and the normalised task."""
    unit = _clean(row.get("unit_key")) or _clean(row.get("unit"))
    task = _clean(row.get("name_key")) or task_key(_clean(row.get("name")))
    return f"{unit}|{task}"


def _vote(values: list[tuple[str, bool]]) -> tuple[str, str]:
    """Winning value (founding reports count double) and a conflict note ('' if none)."""
    tally: Counter[str] = Counter()
    for value, founding in values:
        if value:
            tally[value] += 2 if founding else 1
    if not tally:
        return "", ""
    ranked = tally.most_common()
    note = " vs ".join(f"{value}({weight})" for value, weight in ranked) if len(ranked) > 1 else ""
    return ranked[0][0], note


def _founded(group: pd.DataFrame) -> str:
    """Earliest stated founding date; else the publication date of the earliest report."""
    stated = [
        _clean(row["founded"]) for _, row in group.iterrows()
        if _clean(row.get("founded_source")) in STATED_DATE_SOURCES and _clean(row["founded"])
    ]
    if stated:
        return min(stated)
    published = [_clean(value) for value in group["published"] if _clean(value)]
    if published:
        return min(published)
    fallback = [_clean(value) for value in group["founded"] if _clean(value)]
    return min(fallback) if fallback else ""


def _merge_unplaced(keys: pd.Series, provinces: pd.Series) -> pd.Series:
    """Attach mentions with no unit to the one placed case of the same task (and province)."""
    placed: dict[str, dict[str, str]] = {}
    for key, province in zip(keys, provinces, strict=True):
        unit, _, task = key.partition("|")
        if unit:
            placed.setdefault(task, {})[key] = province

    def target(key: str, province: str) -> str:
        unit, _, task = key.partition("|")
        if unit:
            return key
        candidates = [
            other for other, other_province in placed.get(task, {}).items()
            if not province or other_province == province
        ]
        return candidates[0] if len(candidates) == 1 else key

    return pd.Series(
        [target(key, province) for key, province in zip(keys, provinces, strict=True)],
        index=keys.index,
    )


def resolve(
    mentions: pd.DataFrame, articles: pd.DataFrame, clusters: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group mentions into cases; return (cases, case_sources).

    `clusters` (from near_duplicates) maps each article to its near-duplicate cluster; a case's
    `n_reports` counts clusters, so reposts of one report count once. Without it every article
    is its own cluster.
    """
    if mentions.empty:
        return pd.DataFrame(columns=CASE_COLUMNS), pd.DataFrame(columns=CASE_SOURCE_COLUMNS)
    joined = mentions.merge(
        articles[["article_id", "url", "published", "warc_file", "warc_offset"]],
        on="article_id", how="left", validate="many_to_one",
    )
    if clusters is not None:
        joined = joined.merge(clusters[["article_id", "cluster_id"]], on="article_id",
                              how="left", validate="many_to_one")
        joined["cluster_id"] = joined["cluster_id"].fillna(joined["article_id"])
    else:
        joined["cluster_id"] = joined["article_id"]
    provinces = joined["province"].map(_clean)
    joined["identity"] = _merge_unplaced(joined.apply(_identity, axis=1), provinces)
    if "is_founding" not in joined:
        joined["is_founding"] = True
    cases: list[dict[str, object]] = []
    sources: list[pd.DataFrame] = []
    for identity, group in joined.groupby("identity", sort=True):
        case_id = "c" + hashlib.sha1(identity.encode("utf-8")).hexdigest()[:10]
        founding = group["is_founding"].fillna(False).astype(bool).tolist()
        case: dict[str, object] = {"case_id": case_id}
        notes = []
        for field_name in VOTED_FIELDS:
            values = [_clean(value) for value in group[field_name]]
            case[field_name], note = _vote(list(zip(values, founding, strict=True)))
            if note and field_name not in {"name", "unit"}:
                notes.append(f"{field_name}: {note}")
        for coded in ("level", "domain", "leader_rank"):
            case[coded] = case[coded] or "unknown"
        case["founded"] = _founded(group)
        case["year"] = int(str(case["founded"])[:4]) if case["founded"] else None
        primary = group.iloc[founding.index(True)] if any(founding) else group.iloc[0]
        case["evidence"] = _clean(primary["evidence"])
        published = sorted(_clean(value) for value in group["published"] if _clean(value))
        case["first_published"] = published[0] if published else ""
        case["urls"] = " ".join(sorted(set(group["url"].dropna())))
        case["n_articles"] = group["article_id"].nunique()
        case["n_reports"] = group["cluster_id"].nunique()
        case["review"] = "; ".join(notes)
        cases.append(case)
        linked = group[CASE_SOURCE_COLUMNS[1:]].copy()
        linked.insert(0, "case_id", case_id)
        sources.append(linked)
    case_table = pd.DataFrame(cases, columns=CASE_COLUMNS)
    case_table["year"] = case_table["year"].astype("Int64")
    source_table = pd.concat(sources, ignore_index=True).drop_duplicates(
        ["case_id", "article_id"]
    )
    return case_table, source_table[CASE_SOURCE_COLUMNS]


def read_parquets(paths: list[Path], columns: list[str] | None = None) -> pd.DataFrame:
    """Concatenate the per-shard tables of one stage."""
    if not paths:
        raise ValueError("no input tables given")
    return pd.concat([pd.read_parquet(path, columns=columns) for path in paths],
                     ignore_index=True)


def resolve_files(
    mentions_paths: list[Path],
    articles_paths: list[Path],
    cases_csv: Path,
    case_sources_csv: Path,
    clusters_csv: Path | None = None,
    manual_dir: Path | None = None,
) -> ResolveSummary:
    """Read the stage inputs (one table per shard), resolve, apply the human coding kept in
    `manual_dir` (see pipeline.manual), and write the cases and their sources."""
    mentions = read_parquets(mentions_paths)
    articles = read_parquets(
        articles_paths, ["article_id", "url", "published", "warc_file", "warc_offset"]
    ).drop_duplicates("article_id")
    clusters = pd.read_csv(clusters_csv, dtype=str) if clusters_csv else None
    cases, case_sources = resolve(mentions, articles, clusters)
    not_applied: list[str] = []
    if manual_dir is not None:
        cases, case_sources, not_applied = _with_manual_coding(cases, case_sources, manual_dir)
    cases_csv.parent.mkdir(parents=True, exist_ok=True)
    cases.to_csv(cases_csv, index=False)
    case_sources.to_csv(case_sources_csv, index=False)
    flagged = int(cases["review"].fillna("").astype(bool).sum())
    return ResolveSummary(len(mentions), len(cases), flagged, not_applied)


def _with_manual_coding(
    cases: pd.DataFrame, case_sources: pd.DataFrame, manual_dir: Path
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Apply human overrides and hand-added cases; hand-added cases cite their URLs."""
    from pipeline.manual import apply_manual, load_manual, unmatched_manual

    manual = load_manual(manual_dir)
    not_applied = unmatched_manual(cases, manual)
    coded = apply_manual(cases, manual)
    added = coded[~coded["case_id"].isin(case_sources["case_id"])]
    cited = [
        {"case_id": row.case_id, "article_id": "", "cluster_id": "", "url": url,
         "warc_file": "", "warc_offset": "", "evidence": row.evidence}
        for row in added.itertuples() for url in str(row.urls or "").split()
    ]
    if cited:
        case_sources = pd.concat([case_sources, pd.DataFrame(cited)], ignore_index=True)
    return coded, case_sources, not_applied
