"""The resolve stage: mentions of one task force across articles become one case.

Identity is the establishing unit plus the task (codebook §1). Field values that disagree between
reports are settled by a vote that favours founding reports, and the disagreement is written to
the case's `review` column so a person can check it.
"""

from __future__ import annotations

import hashlib
import re
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


def _voted(joined: pd.DataFrame, field_name: str) -> tuple[pd.Series, pd.Series]:
    """Per identity: the winning value of a field (founding reports count double; a tie goes
    to the value seen first) and a conflict note ('' when the reports agree)."""
    values = joined[field_name].map(_clean)
    stated = pd.DataFrame({
        "identity": joined["identity"], "value": values, "weight": joined["weight"],
        "order": range(len(joined)),
    })[values != ""]
    tally = stated.groupby(["identity", "value"], sort=False).agg(
        weight=("weight", "sum"), order=("order", "min")
    ).reset_index().sort_values(["identity", "weight", "order"], ascending=[True, False, True])
    winners = tally.drop_duplicates("identity").set_index("identity")["value"]
    disputed = tally[tally.duplicated("identity", keep=False)]
    notes = disputed.groupby("identity", sort=False).apply(
        lambda rows: " vs ".join(f"{v}({w})" for v, w in zip(rows["value"], rows["weight"],
                                                              strict=True)),
        include_groups=False,
    ) if not disputed.empty else pd.Series(dtype=str)
    return winners, notes


def _founded(joined: pd.DataFrame) -> pd.Series:
    """Per identity: earliest stated founding date; else the earliest report's publication
    date; else the earliest coded date."""
    founded = joined["founded"].map(_clean)
    published = joined["published"].map(_clean)
    source = joined.get("founded_source", pd.Series("", index=joined.index)).map(_clean)
    identity = joined["identity"]

    def earliest(values: pd.Series, keep: pd.Series) -> pd.Series:
        return values[keep & (values != "")].groupby(identity[keep & (values != "")]).min()

    stated = earliest(founded, source.isin(STATED_DATE_SOURCES))
    first_report = earliest(published, pd.Series(True, index=joined.index))
    coded = earliest(founded, pd.Series(True, index=joined.index))
    identities = pd.Index(sorted(identity.unique()))
    return (stated.reindex(identities).fillna(first_report.reindex(identities))
            .fillna(coded.reindex(identities)).fillna(""))


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
    founding = (joined["is_founding"].fillna(False).astype(bool) if "is_founding" in joined
                else pd.Series(True, index=joined.index))
    joined["weight"] = founding.map({True: 2, False: 1})
    identities = pd.Index(sorted(joined["identity"].unique()), name="identity")
    cases = pd.DataFrame(index=identities)
    cases["case_id"] = ["c" + hashlib.sha1(i.encode("utf-8")).hexdigest()[:10] for i in identities]
    notes = pd.Series("", index=identities)
    for field_name in VOTED_FIELDS:
        winners, disputes = _voted(joined, field_name)
        cases[field_name] = winners.reindex(identities).fillna("")
        if field_name not in {"name", "unit"} and not disputes.empty:
            note = f"{field_name}: " + disputes.reindex(identities).fillna("")
            note[disputes.reindex(identities).isna()] = ""
            notes = notes.str.cat(note, sep="; ").str.strip("; ")
    for coded in ("level", "domain", "leader_rank"):
        cases[coded] = cases[coded].replace("", "unknown")
    cases["founded"] = _founded(joined)
    cases["year"] = pd.to_numeric(cases["founded"].str[:4], errors="coerce").astype("Int64")
    primary = joined.assign(_founding=founding).sort_values(
        ["identity", "_founding"], ascending=[True, False], kind="stable"
    ).drop_duplicates("identity").set_index("identity")
    cases["evidence"] = primary["evidence"].map(_clean)
    published = joined["published"].map(_clean)
    cases["first_published"] = (published[published != ""].groupby(joined["identity"]).min()
                                .reindex(identities).fillna(""))
    by_case = joined.groupby("identity")
    cases["urls"] = by_case["url"].agg(lambda urls: " ".join(sorted(set(urls.dropna()))))
    cases["n_articles"] = by_case["article_id"].nunique()
    cases["n_reports"] = by_case["cluster_id"].nunique()
    cases["review"] = notes
    case_table = cases.reset_index(drop=True)[CASE_COLUMNS]
    sources = joined.assign(case_id=joined["identity"].map(cases["case_id"]))
    source_table = sources.sort_values("identity", kind="stable").drop_duplicates(
        ["case_id", "article_id"]
    )
    return case_table, source_table[CASE_SOURCE_COLUMNS].reset_index(drop=True)


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
