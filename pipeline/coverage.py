"""Coverage of the search: which sources found each case, and how many task forces all missed.

How to read: a case is "found by" a source when one of its source URLs is among that source's
hits (hits files, live corpus) or, without hits files (demo corpus), sits on that host: each
outlet is then a source. `overlap.csv` counts cases per combination of sources, `per_source.csv`
the cases each source found and how many only it found. `estimate.csv` gives, over all cases and
per founding year, the cases found (n_observed), those found by exactly one source (f1) and
exactly two (f2), and Chao's incidence estimate of the total number of task forces,
n_estimated = n_observed + (k−1)/k · f1(f1−1) / (2(f2+1)) over k sources, with a 95 % log-normal
interval (ci_low, ci_high); n_missed = n_estimated − n_observed is the estimate of the task
forces no source found. Many cases found by one source only mean many missed. The estimate
assumes sources find cases independently; it is a lower bound when some task forces are harder
to find than others for every source, and too low when sources copy each other (reposts). With
the demo's ground truth, n_truth and error (n_estimated − n_truth) show how the estimator did
on the pipeline's cases (spurious and split cases inflate f1), and summary.json's
truth_pages_estimate shows its error on the truth's own pages (the estimator's error alone).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from pipeline.analyse import founded_span
from pipeline.beyond_charts import coverage_chart
from pipeline.recovery import match_cases

Z_95 = 1.959964
DEMO_HOST_SUFFIX = ".invalid"  # the demo corpus appends it to real host names
UNDATED = "undated"
OVERALL = "all"
ESTIMATE_COLUMNS = [
    "year", "n_sources", "n_observed", "f1", "f2", "n_estimated", "n_missed", "ci_low",
    "ci_high", "note",
]
TRUTH_COLUMNS = ["n_truth", "n_truth_found", "n_truth_missed", "error", "truth_in_ci"]


@dataclass(frozen=True)
class ChaoEstimate:
    """Chao's bias-corrected incidence estimate of a population size from k sources.

    The estimate fields are None with fewer than two sources (no recapture is possible).
    """

    n_sources: int
    n_observed: int
    f1: int
    f2: int
    n_estimated: float | None
    n_missed: float | None
    ci_low: float | None
    ci_high: float | None
    note: str


@dataclass(frozen=True)
class CoverageResult:
    """Tables and figures written by :func:`coverage_files`."""

    mode: str  # hits (live: the hits files' sources) or hosts (each host is a source)
    found: pd.DataFrame
    overlap: pd.DataFrame
    per_source: pd.DataFrame
    estimates: pd.DataFrame
    summary: dict[str, object]


def chao_estimate(times_found: Iterable[int], n_sources: int) -> ChaoEstimate:
    """Chao's estimate from how many sources found each case (zeros are ignored)."""
    counts = Counter(n for n in times_found if n > 0)
    observed, f1, f2 = sum(counts.values()), counts[1], counts[2]
    if n_sources < 2:
        return ChaoEstimate(n_sources, observed, f1, f2, None, None, None, None,
                            "capture–recapture needs at least two sources")
    a = (n_sources - 1) / n_sources
    missed = a * f1 * (f1 - 1) / (2 * (f2 + 1))
    variance = (a * f1 * (f1 - 1) / (2 * (f2 + 1))
                + a**2 * f1 * (2 * f1 - 1) ** 2 / (4 * (f2 + 1) ** 2)
                + a**2 * f1**2 * f2 * (f1 - 1) ** 2 / (4 * (f2 + 1) ** 4))
    if missed > 0:
        spread = math.exp(Z_95 * math.sqrt(math.log(1 + variance / missed**2)))
        low, high, note = observed + missed / spread, observed + missed * spread, ""
    else:
        low = high = float(observed)
        note = "at most one case found by a single source: no sign of misses, no interval"
    return ChaoEstimate(n_sources, observed, f1, f2, observed + missed, missed, low, high, note)


def normalise_url(url: str) -> str:
    """A URL without fragment, surrounding spaces or trailing slash (for matching)."""
    return url.strip().split("#", 1)[0].rstrip("/")


def url_host(url: str) -> str:
    """The host of a URL, lower case, without port or the demo's `.invalid` suffix."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    return host.removesuffix(DEMO_HOST_SUFFIX)


def hits_table(hits_dir: Path) -> pd.DataFrame:
    """Every hit of the `*.jsonl` files in hits_dir: url, source (the hit's, else the file's
    name), date; one row per hit, so a URL found by two sources has two rows."""
    files = sorted(Path(hits_dir).glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"{hits_dir}: no *.jsonl hits files; point --hits at the folder "
                                "`zhuanban discover` wrote")
    rows = []
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    hit = json.loads(line)
                    url = str(hit["url"])
                except (json.JSONDecodeError, KeyError, TypeError) as error:
                    raise ValueError(f"{path}, line {number}: expected a JSON object with a "
                                     f"'url' ({error})") from error
                rows.append({"url": url, "source": str(hit.get("source") or path.stem),
                             "date": str(hit.get("date") or "")})
    return pd.DataFrame(rows, columns=["url", "source", "date"])


def case_years(cases: pd.DataFrame) -> pd.Series:
    """Each case's founding year (from `founded`, else `year`), `undated` when neither has one."""
    years = []
    for founded, year in zip(cases["founded"], cases["year"], strict=True):
        span = founded_span(str(founded)) or founded_span(str(year).removesuffix(".0"))
        years.append(str(span[0].year) if span else UNDATED)
    return pd.Series(years, index=cases.index)


def sources_found(cases: pd.DataFrame, case_sources: pd.DataFrame,
                  hits: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """Per case: year, the sources that found it (sorted tuple) and their number; and how many
    case URLs no hit has (hits mode). Without hits each host is a source."""
    if hits is None:
        by_url = {normalise_url(u): {url_host(u)} for u in case_sources["url"]}
    else:
        by_url = {}
        for url, source in zip(hits["url"], hits["source"], strict=True):
            by_url.setdefault(normalise_url(url), set()).add(source)
    found: dict[str, set[str]] = {case_id: set() for case_id in cases["case_id"]}
    unmatched = 0
    for case_id, url in zip(case_sources["case_id"], case_sources["url"], strict=True):
        sources = by_url.get(normalise_url(url))
        if sources is None:
            unmatched += 1
        elif case_id in found:
            found[case_id] |= sources - {""}
    table = pd.DataFrame({
        "case_id": cases["case_id"],
        "year": case_years(cases),
        "sources": [tuple(sorted(found[c])) for c in cases["case_id"]],
    })
    table["n_sources"] = table["sources"].map(len)
    return table, unmatched


def overlap_table(found: pd.DataFrame) -> pd.DataFrame:
    """Cases per combination of sources (sources joined by ' + '), largest first."""
    seen = found[found["n_sources"] > 0]
    combos = seen.groupby("sources").size().rename("n_cases").reset_index()
    combos["n_sources"] = combos["sources"].map(len)
    combos["sources"] = combos["sources"].map(" + ".join)
    return combos.sort_values(["n_cases", "sources"], ascending=[False, True],
                              ignore_index=True)[["sources", "n_sources", "n_cases"]]


def per_source_table(found: pd.DataFrame) -> pd.DataFrame:
    """Cases each source found, and how many of them no other source found."""
    cases_of: Counter[str] = Counter()
    only: Counter[str] = Counter()
    for sources in found["sources"]:
        cases_of.update(sources)
        if len(sources) == 1:
            only.update(sources)
    table = pd.DataFrame({"source": list(cases_of), "n_cases": list(cases_of.values())})
    table["n_only_this_source"] = table["source"].map(lambda s: only.get(s, 0))
    return table.sort_values(["n_cases", "source"], ascending=[False, True], ignore_index=True)


def estimate_table(found: pd.DataFrame, n_sources: int) -> pd.DataFrame:
    """Chao's estimate over all cases found by some source, then per founding year."""
    seen = found[found["n_sources"] > 0]
    groups = [(OVERALL, seen)] + [(year, group) for year, group in
                                  sorted(seen.groupby("year"), key=lambda item: item[0])]
    rows = []
    for year, group in groups:
        estimate = asdict(chao_estimate(group["n_sources"], n_sources))
        rows.append({"year": year, **estimate})
    table = pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)
    for column in ("n_estimated", "n_missed", "ci_low", "ci_high"):
        table[column] = table[column].astype(float).round(1)
    return table


def truth_check(estimates: pd.DataFrame, cases: pd.DataFrame, case_sources: pd.DataFrame,
                truth_dir: Path) -> pd.DataFrame:
    """Add the demo truth per row: truth cases, those some case matches, the estimator's error
    and whether the truth lies in the interval."""
    truth = _read(truth_dir / "cases.csv", ("case_id", "name", "founded", "year"))
    pages = _read(truth_dir / "pages.csv", ("url", "case_id"))
    matched = {m.truth_id for m in match_cases(cases, case_sources, truth, pages)}
    truth = truth.assign(year_code=case_years(truth), found=truth["case_id"].isin(matched))
    table = estimates.copy()
    for column in TRUTH_COLUMNS:
        table[column] = None
    for i, year in enumerate(table["year"]):
        rows = truth if year == OVERALL else truth[truth["year_code"] == year]
        n_truth, n_found = len(rows), int(rows["found"].sum())
        estimate, low, high = (table.at[i, c] for c in ("n_estimated", "ci_low", "ci_high"))
        table.at[i, "n_truth"] = n_truth
        table.at[i, "n_truth_found"] = n_found
        table.at[i, "n_truth_missed"] = n_truth - n_found
        if pd.notna(estimate):
            table.at[i, "error"] = round(float(estimate) - n_truth, 1)
            table.at[i, "truth_in_ci"] = bool(low <= n_truth <= high)
    return table


def truth_pages_estimate(truth_dir: Path) -> dict[str, object]:
    """The estimator on the truth's own pages (each host a source): its error here is the
    estimator's alone, with no coding or matching errors of the pipeline."""
    truth = _read(truth_dir / "cases.csv", ("case_id",))
    pages = _read(truth_dir / "pages.csv", ("url", "case_id"))
    pages = pages[pages["case_id"].str.strip() != ""]
    hosts = pages.assign(host=pages["url"].map(url_host))
    times_found = hosts.groupby("case_id")["host"].nunique()
    estimate = chao_estimate(times_found, hosts["host"].nunique())
    error = None if estimate.n_estimated is None else estimate.n_estimated - len(truth)
    return {**asdict(estimate), "n_truth": len(truth), "error": error}


def coverage_files(cases_csv: Path, case_sources_csv: Path, out_dir: Path, *,
                   hits_dir: Path | None = None, truth_dir: Path | None = None,
                   simulated: bool = False) -> CoverageResult:
    """Write found.csv, overlap.csv, per_source.csv, times_found.csv, estimate.csv,
    summary.json and coverage.png|svg to out_dir."""
    cases = _read(cases_csv, ("case_id", "name", "founded", "year"))
    case_sources = _read(case_sources_csv, ("case_id", "url"))
    hits = hits_table(hits_dir) if hits_dir is not None else None
    found, unmatched = sources_found(cases, case_sources, hits)
    all_sources = (set(hits["source"]) if hits is not None
                   else {s for sources in found["sources"] for s in sources})
    estimates = estimate_table(found, len(all_sources))
    truth_pages = None
    if truth_dir is not None:
        estimates = truth_check(estimates, cases, case_sources, truth_dir)
        truth_pages = truth_pages_estimate(truth_dir)
    times_found = found.loc[found["n_sources"] > 0, "n_sources"].value_counts().sort_index()
    overall = estimates.iloc[0].to_dict()
    summary = {
        "mode": "hosts" if hits is None else "hits",
        "simulated": simulated,
        "n_sources": len(all_sources),
        "n_cases": len(cases),
        "n_cases_without_source": int((found["n_sources"] == 0).sum()),
        "n_case_urls_not_in_hits": unmatched if hits is not None else None,
        "overall": {k: (None if pd.isna(v) else v) for k, v in overall.items()},
        "truth_pages_estimate": truth_pages,
    }
    result = CoverageResult(summary["mode"], found, overlap_table(found),
                            per_source_table(found), estimates, summary)
    _write(result, times_found, out_dir, simulated)
    return result


def _write(result: CoverageResult, times_found: pd.Series, out_dir: Path,
           simulated: bool) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    found = result.found.assign(sources=result.found["sources"].map(" + ".join))
    found.to_csv(out_dir / "found.csv", index=False)
    result.overlap.to_csv(out_dir / "overlap.csv", index=False)
    result.per_source.to_csv(out_dir / "per_source.csv", index=False)
    times_found.rename_axis("n_sources").rename("n_cases").to_csv(out_dir / "times_found.csv")
    result.estimates.to_csv(out_dir / "estimate.csv", index=False)
    (out_dir / "summary.json").write_text(
        json.dumps(result.summary, ensure_ascii=False, indent=2, default=_json_value) + "\n",
        encoding="utf-8")
    years = result.estimates[~result.estimates["year"].isin([OVERALL, UNDATED])]
    coverage_chart(years, times_found, simulated, out_dir / "coverage")


def _json_value(value: object) -> object:
    """numpy scalars (from pandas rows) as plain numbers."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {value!r}")


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing} (found {list(frame.columns)})")
    return frame
