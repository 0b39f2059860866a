"""Analyse stage: the reproduced distributions of cases.csv set against the paper's figures.

Writes one comparison table per distribution, a fit summary (chi-square, total variation
distance) and the cases whose founding date lies outside the paper's window.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from scipy.stats import chisquare

from pipeline.published import Distribution, Published

REQUIRED_COLUMNS = (
    "case_id",
    "name",
    "unit",
    "level",
    "domain",
    "topic",
    "leader_rank",
    "founded",
    "year",
)
UNKNOWN = "unknown"
UNKNOWN_LABEL = "未能编码（unknown）"
TABLE_COLUMNS = [
    "code",
    "label",
    "paper_count",
    "paper_share",
    "reproduced_count",
    "reproduced_share",
    "diff_share",
    "paper_basis",
]
SUBFIGURE_COLUMNS = [
    "distribution",
    "category",
    "label",
    "topic",
    "qualifier",
    "paper_count",
    "paper_share",
    "reproduced_count",
    "reproduced_share",
    "reproduced_rank",
]
_FOUNDED = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class Fit:
    """Goodness of fit of one reproduced distribution to the paper's proportions.

    n counts the cases in the window; n_compared those coded to one of the paper's categories
    (the test's sample); n_unknown those coded `unknown`; n_other those coded to a category the
    paper does not have. chi2/p_value/tvd are None when nothing could be compared;
    min_expected is the smallest expected count (below 5 the p-value is only approximate).
    """

    distribution: str
    n: int
    n_compared: int
    n_unknown: int
    n_other: int
    chi2: float | None
    dof: int
    p_value: float | None
    tvd: float | None
    min_expected: float | None


@dataclass(frozen=True)
class AnalysisResult:
    """Tables and fit statistics written by :func:`analyse`.

    cases holds every input case with its `window_status` and the `analysed_year` counted.
    """

    window: tuple[date, date]
    simulated: bool
    n_cases: int
    n_in_window: int
    n_outside_window: int
    n_undated: int
    tables: dict[str, pd.DataFrame]
    fits: dict[str, Fit]
    subfigures: pd.DataFrame
    outside_window: pd.DataFrame
    cases: pd.DataFrame


def analyse(
    cases_csv: Path,
    published: Published,
    tables_dir: Path,
    window: tuple[date, date],
    simulated: bool,
) -> AnalysisResult:
    """Compare the cases founded inside window with the published distributions."""
    cases = read_cases(cases_csv)
    placed = place_in_window(cases, window)
    inside = placed[placed["window_status"] == "inside"]
    outside = placed.loc[
        placed["window_status"] != "inside",
        ["case_id", "name", "unit", "founded", "year", "window_status"],
    ].rename(columns={"window_status": "reason"})
    total = published.corpus.total
    tables: dict[str, pd.DataFrame] = {}
    fits: dict[str, Fit] = {}
    for key, dist in published.distributions.items():
        codes = inside["year_code"] if key == "year" else inside[key]
        tables[key] = comparison_table(dist, codes, total)
        fits[key] = fit(dist, codes, total)
    subfigures = subfigure_table(published, inside)
    result = AnalysisResult(
        window=window,
        simulated=simulated,
        n_cases=len(cases),
        n_in_window=len(inside),
        n_outside_window=int((outside["reason"] != "undated").sum()),
        n_undated=int((outside["reason"] == "undated").sum()),
        tables=tables,
        fits=fits,
        subfigures=subfigures,
        outside_window=outside.reset_index(drop=True),
        cases=placed.rename(columns={"year_code": "analysed_year"}),
    )
    write_outputs(result, tables_dir)
    return result


def read_cases(cases_csv: Path) -> pd.DataFrame:
    """Read cases.csv as text (empty cells as empty strings); fail naming missing columns."""
    cases = pd.read_csv(cases_csv, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED_COLUMNS if c not in cases.columns]
    if missing:
        raise ValueError(
            f"{cases_csv}: missing column(s) {missing}; the resolve stage writes them "
            f"(found {list(cases.columns)})"
        )
    for column in ("level", "domain", "leader_rank"):
        cases[column] = cases[column].str.strip().replace("", UNKNOWN)
    return cases


def founded_span(founded: str) -> tuple[date, date] | None:
    """First and last day a founding date can denote: '2020-03-05', '2020-03' or '2020'."""
    match = _FOUNDED.match(founded.strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
            return date(year, month, 1), date(year, month, last)
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


def place_in_window(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    """Add `window_status` (inside, before window, after window, undated) and `year_code`.

    A partial date (a month or a year) is inside when its span overlaps the window. A case
    with no founded date falls back on its `year` column.
    """
    start, end = window
    statuses, years = [], []
    for founded, year in zip(cases["founded"], cases["year"], strict=True):
        span = founded_span(founded) or founded_span(year)
        if span is None:
            statuses.append("undated")
            years.append("")
            continue
        if span[1] < start:
            statuses.append("before window")
        elif span[0] > end:
            statuses.append("after window")
        else:
            statuses.append("inside")
        years.append(str(span[0].year))
    return cases.assign(window_status=statuses, year_code=years)


def comparison_table(dist: Distribution, codes: pd.Series, total: int) -> pd.DataFrame:
    """Paper vs reproduced counts and shares; extra rows for other codes and `unknown`."""
    observed = codes.value_counts()
    paper_shares = dist.shares(total)
    paper_counts = dist.counts(total)
    n_compared = int(observed.reindex(list(dist.codes), fill_value=0).sum())
    basis = "published count" if dist.figure == "count" else f"share × {total}"
    rows = []
    for cat in dist.categories:
        count = int(observed.get(cat.code, 0))
        share = 100.0 * count / n_compared if n_compared else math.nan
        rows.append(
            {
                "code": cat.code,
                "label": cat.label,
                "paper_count": paper_counts[cat.code],
                "paper_share": paper_shares[cat.code],
                "reproduced_count": count,
                "reproduced_share": share,
                "diff_share": share - paper_shares[cat.code],
                "paper_basis": basis,
            }
        )
    extra = sorted(c for c in observed.index if c not in dist.codes and c != UNKNOWN)
    # Years come from dates: undated cases are listed with those outside the window instead.
    unknown = [] if dist.key == "year" else [UNKNOWN]
    for code in [*extra, *unknown]:
        rows.append(
            {
                "code": code,
                "label": UNKNOWN_LABEL if code == UNKNOWN else code,
                "reproduced_count": int(observed.get(code, 0)),
                "paper_basis": "not in the paper",
            }
        )
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["reproduced_count"] = table["reproduced_count"].astype("Int64")
    if dist.figure == "count":
        table["paper_count"] = table["paper_count"].round().astype("Int64")
    else:
        table["paper_count"] = table["paper_count"].astype(float).round(2)
    for column in ("paper_share", "reproduced_share", "diff_share"):
        table[column] = table[column].astype(float).round(2)
    return table


def fit(dist: Distribution, codes: pd.Series, total: int) -> Fit:
    """Chi-square goodness of fit and total variation distance against the paper's shares."""
    observed = codes.value_counts()
    counts = [int(observed.get(code, 0)) for code in dist.codes]
    n_compared = sum(counts)
    n_unknown = int(observed.get(UNKNOWN, 0))
    n_other = len(codes) - n_compared - n_unknown
    shares = dist.shares(total)
    proportions = [shares[code] / sum(shares.values()) for code in dist.codes]
    chi2 = p_value = tvd = min_expected = None
    if n_compared:
        expected = [p * n_compared for p in proportions]
        min_expected = min(expected)
        test = chisquare(counts, f_exp=expected)
        chi2, p_value = float(test.statistic), float(test.pvalue)
        tvd = 0.5 * sum(abs(c / n_compared - p) for c, p in zip(counts, proportions, strict=True))
    return Fit(
        distribution=dist.key,
        n=len(codes),
        n_compared=n_compared,
        n_unknown=n_unknown,
        n_other=n_other,
        chi2=chi2,
        dof=len(counts) - 1,
        p_value=p_value,
        tvd=tvd,
        min_expected=min_expected,
    )


def subfigure_table(published: Published, inside: pd.DataFrame) -> pd.DataFrame:
    """The paper's within-category statements (e.g. 73 of 94 epidemic) against the cases."""
    rows = []
    for dist in published.distributions.values():
        for sub in dist.subfigures:
            members = inside[inside[dist.key] == sub.category]
            row = {
                "distribution": dist.key,
                "category": sub.category,
                "label": sub.label,
                "topic": sub.topic or "",
                "qualifier": sub.qualifier,
                "paper_count": sub.count,
                "paper_share": sub.share_percent,
                "reproduced_count": None,
                "reproduced_share": None,
                "reproduced_rank": None,
            }
            if sub.topic:
                topics = members["topic"].str.strip().value_counts()
                count = int(topics.get(sub.topic, 0))
                row["reproduced_count"] = count
                row["reproduced_share"] = 100.0 * count / len(members) if len(members) else None
                row["reproduced_rank"] = int((topics > count).sum()) + 1 if count else None
            rows.append(row)
    table = pd.DataFrame(rows, columns=SUBFIGURE_COLUMNS)
    for column in ("paper_count", "reproduced_count", "reproduced_rank"):
        table[column] = table[column].astype("Int64")
    for column in ("paper_share", "reproduced_share"):
        table[column] = table[column].astype(float).round(2)
    return table


def write_outputs(result: AnalysisResult, tables_dir: Path) -> None:
    """Write the analysis files to tables_dir.

    <dist>.csv, fit.csv, subfigures.csv, outside_window.csv, cases_analysed.csv, summary.json.
    """
    tables_dir.mkdir(parents=True, exist_ok=True)
    for key, table in result.tables.items():
        table.to_csv(tables_dir / f"{key}.csv", index=False)
    fits = pd.DataFrame([asdict(f) for f in result.fits.values()])
    fits.to_csv(tables_dir / "fit.csv", index=False)
    result.subfigures.to_csv(tables_dir / "subfigures.csv", index=False)
    result.outside_window.to_csv(tables_dir / "outside_window.csv", index=False)
    result.cases.to_csv(tables_dir / "cases_analysed.csv", index=False)
    summary = {
        "window": {"start": result.window[0].isoformat(), "end": result.window[1].isoformat()},
        "simulated": result.simulated,
        "n_cases": result.n_cases,
        "n_in_window": result.n_in_window,
        "n_outside_window": result.n_outside_window,
        "n_undated": result.n_undated,
        "fit": {key: asdict(f) for key, f in result.fits.items()},
    }
    (tables_dir / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
