"""Sensitivity: the four distributions under alternative coding choices, and the year series
past the paper's window.

How to read `sensitivity.csv`: one row per choice, distribution and code, with the cases counted
(count) and their share in % of all cases the choice counts (share; `unknown` and `township` are
rows of their own, so shares add up to 100) beside the paper's share (paper_share; none for
codes the paper lacks). The choices are documented in data/sensitivity.yaml. In
`sensitivity_fit.csv`, tvd is the total variation distance to the paper (half the summed
absolute share differences, codes the paper lacks counting at a paper share of 0; 0 = same
distribution, 1 = disjoint), and ordering_holds says whether every pair of the paper's
categories keeps the paper's order (pairs_flipped counts those that do not; a tie counts as
flipped). A conclusion holds when its panel looks alike under every choice.

`year_series.csv` counts all cases per founding year, not only the window's: inside_window,
before_window and after_window split each year by the paper's window (for the window's last
year, e.g. 2021, inside is January–August and after September–December), year_only counts the
cases dated only to a year (counted inside when that year overlaps the window), and paper_count
is the paper's figure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.analyse import UNKNOWN, UNKNOWN_LABEL, founded_span, place_in_window, read_cases
from pipeline.beyond_charts import sensitivity_chart, year_series_chart
from pipeline.published import Published

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "sensitivity.yaml"
DISTRIBUTIONS = ("year", "level", "domain", "leader_rank")
TABLE_COLUMNS = ["choice", "distribution", "code", "label", "count", "share", "paper_share"]
SERIES_COLUMNS = ["year", "n_cases", "inside_window", "before_window", "after_window",
                  "year_only", "paper_count"]
STATUS_COLUMNS = {"inside": "inside_window", "before window": "before_window",
                  "after window": "after_window"}


@dataclass(frozen=True)
class ChoiceFit:
    """How one distribution under one choice compares with the paper."""

    choice: str
    distribution: str
    n: int
    tvd: float | None
    ordering_holds: bool
    pairs_flipped: int
    order: str  # the paper's codes by reproduced share, largest first


@dataclass(frozen=True)
class SensitivityResult:
    """The long table, the fit per choice and distribution, and the year series."""

    table: pd.DataFrame
    fits: list[ChoiceFit]
    series: pd.DataFrame
    summary: dict[str, Any]


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """The choices and township rules (data/sensitivity.yaml), checked against the code."""
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    choices = rules.get("choices", {}) if isinstance(rules, dict) else {}
    if set(choices) != set(CHOICES):
        raise ValueError(f"{path}: choices must be exactly {sorted(CHOICES)} (found "
                         f"{sorted(choices)}); each is implemented in pipeline/sensitivity.py")
    township = rules.get("township", {})
    missing = [k for k in ("code", "label", "place_suffixes", "organ_suffixes")
               if k not in township]
    if missing:
        raise ValueError(f"{path}: township is missing {missing}")
    return rules


def township_pattern() -> re.Pattern[str]:
    """A unit name of a township, town or street, e.g. 枫亭镇人民政府, 洛城街道."""
    township = load_rules()["township"]
    places = "|".join(map(re.escape, sorted(township["place_suffixes"], key=len, reverse=True)))
    organs = "|".join(map(re.escape, sorted(township["organ_suffixes"], key=len, reverse=True)))
    return re.compile(rf".(?:{places})(?:{organs})?$")


def _baseline(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    return _inside(cases, window)


def _founded_first_report(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    if "first_published" not in cases:
        raise ValueError("cases.csv has no first_published column; rerun resolve")
    first = cases["first_published"].str.strip()
    return _inside(cases.assign(founded=first.where(first != "", cases["founded"])), window)


def _township_level(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    inside = _inside(cases, window)
    pattern = township_pattern()
    township = (inside["level"] == "county") & inside["unit"].str.strip().map(
        lambda unit: bool(pattern.search(unit)))
    return inside.assign(level=inside["level"].where(~township, load_rules()["township"]["code"]))


def _leader_known_only(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    inside = _inside(cases, window)
    return inside[inside["leader_rank"] != UNKNOWN]


def _multi_report_only(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    if "n_reports" not in cases:
        raise ValueError("cases.csv has no n_reports column; rerun resolve")
    inside = _inside(cases, window)
    return inside[pd.to_numeric(inside["n_reports"], errors="coerce") != 1]


def _inside(cases: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    placed = place_in_window(cases, window)
    return placed[placed["window_status"] == "inside"]


CHOICES: dict[str, Callable[[pd.DataFrame, tuple[date, date]], pd.DataFrame]] = {
    "baseline": _baseline,
    "founded_first_report": _founded_first_report,
    "township_level": _township_level,
    "leader_known_only": _leader_known_only,
    "multi_report_only": _multi_report_only,
}


def distribution_rows(choice: str, key: str, counted: pd.DataFrame,
                      published: Published) -> list[dict[str, Any]]:
    """Count and share (%) of each code of one distribution among the cases a choice counts:
    the paper's codes in its order, then other codes, then `unknown`."""
    dist = published.distributions[key]
    codes = counted["year_code"] if key == "year" else counted[key]
    observed = codes.value_counts()
    extra = sorted(c for c in observed.index if c not in dist.codes and c != UNKNOWN)
    unknown = [UNKNOWN] if key != "year" else []
    paper = dist.shares(published.corpus.total)
    township = load_rules()["township"]
    labels = {UNKNOWN: UNKNOWN_LABEL, township["code"]: township["label"]}
    n = len(codes)
    return [{
        "choice": choice,
        "distribution": key,
        "code": code,
        "label": labels.get(code, dist.label(code)),
        "count": int(observed.get(code, 0)),
        "share": round(100 * observed.get(code, 0) / n, 2) if n else None,
        "paper_share": round(paper[code], 2) if code in paper else None,
    } for code in [*dist.codes, *extra, *unknown]]


def choice_fit(choice: str, key: str, rows: list[dict[str, Any]],
               paper_codes: tuple[str, ...]) -> ChoiceFit:
    """Total variation distance to the paper and whether the paper's order of categories holds."""
    n = sum(row["count"] for row in rows)
    share = {row["code"]: (row["share"] or 0.0) for row in rows}
    paper = {row["code"]: row["paper_share"] for row in rows if row["paper_share"] is not None}
    tvd = (0.5 * sum(abs(share[c] - paper.get(c, 0.0)) for c in share) / 100) if n else None
    flipped = sum(1 for a in paper_codes for b in paper_codes
                  if paper[a] > paper[b] and not share[a] > share[b])
    order = sorted(paper_codes, key=lambda code: (-share[code], paper_codes.index(code)))
    return ChoiceFit(choice, key, n, None if tvd is None else round(tvd, 4), flipped == 0,
                     flipped, " > ".join(order))


def year_series(cases: pd.DataFrame, window: tuple[date, date],
                published: Published) -> pd.DataFrame:
    """Cases per founding year over all years, split by the window (undated cases left out)."""
    placed = place_in_window(cases, window)
    dated = placed[placed["window_status"] != "undated"]
    year_only = [
        (span := founded_span(f) or founded_span(y)) is not None
        and span[0] == date(span[0].year, 1, 1) and span[1] == date(span[0].year, 12, 31)
        for f, y in zip(dated["founded"], dated["year"], strict=True)
    ]
    dated = dated.assign(year_only=year_only)
    paper = {int(c.code): c.count for c in published.distributions["year"].categories}
    rows = []
    for year, group in dated.groupby(dated["year_code"].astype(int)):
        status = group["window_status"].value_counts()
        row = {"year": year, "n_cases": len(group), "year_only": int(group["year_only"].sum()),
               "paper_count": paper.get(year)}
        row.update({column: int(status.get(s, 0)) for s, column in STATUS_COLUMNS.items()})
        rows.append(row)
    series = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    series["paper_count"] = series["paper_count"].astype("Int64")
    return series


def sensitivity_files(cases_csv: Path, published: Published, out_dir: Path,
                      window: tuple[date, date], simulated: bool = False) -> SensitivityResult:
    """Write sensitivity.csv, sensitivity_fit.csv, year_series.csv, summary.json and the
    charts sensitivity_<distribution>.png|svg and year_series.png|svg to out_dir."""
    cases = read_cases(cases_csv)
    rules = load_rules()
    rows: list[dict[str, Any]] = []
    fits: list[ChoiceFit] = []
    n_cases: dict[str, int] = {}
    for choice, counted_by in CHOICES.items():
        counted = counted_by(cases, window)
        n_cases[choice] = len(counted)
        for key in DISTRIBUTIONS:
            dist_rows = distribution_rows(choice, key, counted, published)
            rows.extend(dist_rows)
            fits.append(choice_fit(choice, key, dist_rows, published.distributions[key].codes))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    series = year_series(cases, window, published)
    end_year = series[series["year"] == window[1].year]
    summary = {
        "window": {"start": window[0].isoformat(), "end": window[1].isoformat()},
        "simulated": simulated,
        "n_cases": len(cases),
        "n_counted": n_cases,
        "choices": {key: {"label": value["label"], "description": value["description"]}
                    for key, value in rules["choices"].items()},
        "fit": [asdict(fit) for fit in fits],
        "window_end_year": {
            "year": window[1].year,
            "inside_window": int(end_year["inside_window"].sum()),
            "after_window": int(end_year["after_window"].sum()),
            "year_only": int(end_year["year_only"].sum()),
        },
    }
    _write(SensitivityResult(table, fits, series, summary), published, out_dir, window)
    return SensitivityResult(table, fits, series, summary)


def _write(result: SensitivityResult, published: Published, out_dir: Path,
           window: tuple[date, date]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    result.table.to_csv(out_dir / "sensitivity.csv", index=False)
    pd.DataFrame([asdict(f) for f in result.fits]).to_csv(out_dir / "sensitivity_fit.csv",
                                                          index=False)
    result.series.to_csv(out_dir / "year_series.csv", index=False)
    (out_dir / "summary.json").write_text(
        json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    simulated = bool(result.summary["simulated"])
    for key in DISTRIBUTIONS:
        dist = published.distributions[key]
        panels = {fit.choice: panel_title(result.summary["choices"][fit.choice]["label"], fit)
                  for fit in result.fits if fit.distribution == key}
        sensitivity_chart(result.table[result.table["distribution"] == key], panels,
                          dist.shares(published.corpus.total), dist.title, simulated,
                          out_dir / f"sensitivity_{key}")
    if not result.series.empty:
        year_series_chart(result.series, (window[0].isoformat(), window[1].isoformat()),
                          (_fractional_year(window[0], start=True),
                           _fractional_year(window[1], start=False)),
                          simulated, out_dir / "year_series")


def panel_title(label: str, fit: ChoiceFit) -> str:
    """A small-multiple panel's title: the choice, its n, its distance and the ordering."""
    tvd = "—" if fit.tvd is None else f"{fit.tvd:.3f}"
    order = "论文次序成立" if fit.ordering_holds else f"次序变化 {fit.pairs_flipped} 对"
    return f"{label}\nn = {fit.n}；TVD {tvd}；{order}"


def _fractional_year(day: date, start: bool) -> float:
    """A date as a fraction of years (its start, or its end when start is False)."""
    days = (date(day.year + 1, 1, 1) - date(day.year, 1, 1)).days
    elapsed = (day - date(day.year, 1, 1)).days + (0 if start else 1)
    return day.year + elapsed / days
