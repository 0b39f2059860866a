"""Error-adjusted distributions: the coder's misclassification, measured on the gold set, undone.

How to read `adjusted_<distribution>.csv` (shares in % of the cases founded in the window, for
year of all cases):
raw_share is the share the coder put in a category, raw_ci_low/raw_ci_high its 95 % interval
for sampling error alone; adjusted_share is the estimated share of cases truly in that category
once the classification errors seen on the hand-coded gold set are undone, and
adjusted_ci_low/adjusted_ci_high its 95 % bootstrap interval (gold articles and cases both
resampled, so it holds the uncertainty of the error rates as well as sampling error). Only
errors between categories of cases the coder found are corrected; missed and spurious cases
(detection errors) are not. gold_n counts the gold cases truly in the category; a row with
gold_n 0 has unknown error rates and is taken as coded correctly (its note says so). Year uses
the gold set's year confusion over all cases (every year, undated ones as `unknown`), since a
wrong year moves a case across the window's edge. A `warning` in summary.json means the gold
error rates cannot reproduce the coded shares (the largest misfit, `residual`, is over one
percentage point): the gold set's errors are then not those of this corpus, and the adjusted
shares rest on an error model that does not fit.

Method: M[i, j] = P(coded j | truly i) from the gold pairs; the coded shares q satisfy q = Mᵀπ for
the true shares π, solved by least squares with π ≥ 0 and Σπ = 1 (the exact matrix-method
solution whenever that lies inside those bounds).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from pipeline.analyse import UNKNOWN, UNKNOWN_LABEL, place_in_window, read_cases
from pipeline.beyond_charts import adjusted_chart
from pipeline.evaluate import coded_value, compare_article
from pipeline.extract import extract_article
from pipeline.gold import load_gold
from pipeline.published import Distribution, Published
from pipeline.scoring import confusion_table

FIELDS = ("year", "level", "domain", "leader_rank")
SPLITS = ("all", "dev", "holdout")
PAIR_COLUMNS = ["article_id", "field", "truth", "coded"]
TABLE_COLUMNS = [
    "code", "label", "n_cases", "raw_share", "raw_ci_low", "raw_ci_high", "adjusted_share",
    "adjusted_ci_low", "adjusted_ci_high", "gold_n", "gold_accuracy", "note",
]
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20220501
CI_PERCENTILES = (2.5, 97.5)
SUM_WEIGHT = 1000.0  # weight of the Σπ = 1 row in the constrained least squares
NOTE_NO_GOLD = "no gold case truly in this category: error rates unknown, taken as coded correctly"
NOTE_NOT_IN_PAPER = "not a category of the paper"
RESIDUAL_WARNING = 0.01


@dataclass(frozen=True)
class AdjustedDistribution:
    """One distribution's raw and adjusted shares, and what the correction rested on."""

    field: str
    table: pd.DataFrame
    confusion: pd.DataFrame  # gold counts, truth × coded
    n_cases: int
    n_gold_pairs: int
    n_gold_articles: int
    gold_accuracy: float | None
    without_gold: list[str]
    tvd_raw_adjusted: float
    residual: float  # largest |Mᵀπ − q| of the point estimate (0 when exactly solvable)
    warning: str


@dataclass(frozen=True)
class AdjustSummary:
    """What `summary.json` holds."""

    window: dict[str, str]
    simulated: bool
    split: str
    draws: int
    seed: int
    n_cases: int
    n_cases_in_window: int
    distributions: dict[str, dict[str, object]]


def gold_pairs(gold_dir: Path, split: str = "all") -> pd.DataFrame:
    """Code the gold articles of a split and pair each gold case with the coded case it matches
    (as `zhuanban evaluate` does): one row per pair and field, empty values as `unknown`."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {list(SPLITS)}")
    gold = load_gold(gold_dir)
    articles = [a for a in gold.articles if split in ("all", a.split)]
    if not articles:
        raise ValueError(f"{gold_dir}: no gold articles in split {split!r}; use one of "
                         f"{list(SPLITS)} that has articles")
    rows = []
    for article in articles:
        coded = [mention.as_row() for mention in extract_article(article.as_article())]
        outcome = compare_article(article, gold.cases_of(article.id), coded)
        for case, row, _ in outcome.pairs:
            rows.extend((article.id, name, case.value(name) or UNKNOWN,
                         coded_value(row, name) or UNKNOWN) for name in FIELDS)
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def misclassification_matrix(counts: np.ndarray) -> np.ndarray:
    """Row-normalised P(coded j | truly i) from counts (…, K, K); a row without gold cases
    becomes the identity row (no correction for that category)."""
    totals = counts.sum(axis=-1, keepdims=True)
    identity = np.broadcast_to(np.eye(counts.shape[-1]), counts.shape)
    return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), identity)


def corrected_shares(observed: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """True shares π (π ≥ 0, Σπ = 1) whose coded shares Mᵀπ come closest to the observed ones."""
    total = observed.sum()
    if total <= 0:
        raise ValueError("no observed cases to correct")
    q = observed / total
    k = len(q)
    design = np.vstack([matrix.T, np.full((1, k), SUM_WEIGHT)])
    target = np.append(q, SUM_WEIGHT)
    shares, _ = nnls(design, target)
    return shares / shares.sum()


def adjust_distribution(field: str, dist: Distribution, case_codes: pd.Series,
                        pairs: pd.DataFrame, draws: int, rng: np.random.Generator
                        ) -> AdjustedDistribution:
    """Raw and adjusted shares (%) of one field with their bootstrap intervals.

    case_codes holds the coded value of each case; pairs the gold (article_id, truth, coded)
    pairs of this field.
    """
    if case_codes.empty:
        raise ValueError(f"{field}: no cases to adjust (is the window empty?)")
    codes = category_order(field, dist, {*case_codes, *pairs["truth"], *pairs["coded"]})
    index = {code: i for i, code in enumerate(codes)}
    observed = case_codes.map(index).value_counts().reindex(range(len(codes)), fill_value=0)
    observed = observed.to_numpy(dtype=float)
    per_article = article_counts(pairs, index)
    counts = per_article.sum(axis=0)
    matrix = misclassification_matrix(counts)
    adjusted = corrected_shares(observed, matrix)
    raw = observed / observed.sum()
    raw_draws, adjusted_draws = bootstrap(per_article, observed, draws, rng)
    raw_ci = np.percentile(raw_draws, CI_PERCENTILES, axis=0)
    adjusted_ci = np.percentile(adjusted_draws, CI_PERCENTILES, axis=0)
    gold_n = counts.sum(axis=1)
    misfit = np.abs(matrix.T @ adjusted - raw)
    residual, worst = float(misfit.max()), codes[int(misfit.argmax())]
    rows = []
    for i, code in enumerate(codes):
        notes = [NOTE_NO_GOLD] if gold_n[i] == 0 else []
        if code not in dist.codes and code != UNKNOWN:
            notes.append(NOTE_NOT_IN_PAPER)
        rows.append({
            "code": code,
            "label": _label(field, dist, code),
            "n_cases": int(observed[i]),
            "raw_share": 100 * raw[i],
            "raw_ci_low": 100 * raw_ci[0, i],
            "raw_ci_high": 100 * raw_ci[1, i],
            "adjusted_share": 100 * adjusted[i],
            "adjusted_ci_low": 100 * adjusted_ci[0, i],
            "adjusted_ci_high": 100 * adjusted_ci[1, i],
            "gold_n": int(gold_n[i]),
            "gold_accuracy": counts[i, i] / gold_n[i] if gold_n[i] else None,
            "note": "; ".join(notes),
        })
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    share_columns = ["raw_share", "raw_ci_low", "raw_ci_high", "adjusted_share",
                     "adjusted_ci_low", "adjusted_ci_high"]
    table[share_columns] = table[share_columns].astype(float).round(2)
    table["gold_accuracy"] = table["gold_accuracy"].astype(float).round(3)
    n_pairs = int(counts.sum())
    return AdjustedDistribution(
        field=field,
        table=table,
        confusion=confusion_table({t: {c: int(counts[index[t], index[c]]) for c in codes}
                                   for t in codes}),
        n_cases=int(observed.sum()),
        n_gold_pairs=n_pairs,
        n_gold_articles=int(per_article.shape[0]),
        gold_accuracy=float(np.trace(counts) / n_pairs) if n_pairs else None,
        without_gold=[code for code, n in zip(codes, gold_n, strict=True) if n == 0],
        tvd_raw_adjusted=float(0.5 * np.abs(raw - adjusted).sum()),
        residual=residual,
        warning=(f"the gold error rates cannot reproduce the coded shares (misfit of "
                 f"{100 * residual:.1f} percentage points at {worst}): this corpus's errors "
                 "differ from the gold set's; read the adjusted shares with care"
                 if residual > RESIDUAL_WARNING else ""),
    )


def _label(field: str, dist: Distribution, code: str) -> str:
    """Chinese label; years plainly (the paper's 2021 label says January–August only)."""
    if code == UNKNOWN:
        return UNKNOWN_LABEL
    return f"{code}年" if field == "year" else dist.label(code)


def category_order(field: str, dist: Distribution, seen: set[str]) -> list[str]:
    """The paper's codes in its order, then other codes seen (sorted), then `unknown`.

    `unknown` is always a level/domain/leader_rank category, and a year category when some
    case or gold pair has no year."""
    extra = sorted(seen - set(dist.codes) - {UNKNOWN})
    with_unknown = field != "year" or UNKNOWN in seen
    return [*dist.codes, *extra, *([UNKNOWN] if with_unknown else [])]


def article_counts(pairs: pd.DataFrame, index: dict[str, int]) -> np.ndarray:
    """Confusion counts per gold article: an array (articles, K, K), truth × coded."""
    articles = {article: i for i, article in enumerate(pd.unique(pairs["article_id"]))}
    counts = np.zeros((len(articles), len(index), len(index)))
    np.add.at(counts, (pairs["article_id"].map(articles).to_numpy(dtype=int),
                       pairs["truth"].map(index).to_numpy(dtype=int),
                       pairs["coded"].map(index).to_numpy(dtype=int)), 1.0)
    return counts


def bootstrap(per_article: np.ndarray, observed: np.ndarray, draws: int,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Raw and adjusted shares of `draws` resamples: gold articles (with replacement) for the
    matrix, cases (multinomial) for the coded counts."""
    n_articles, k = per_article.shape[0], observed.shape[0]
    if n_articles:
        weights = rng.multinomial(n_articles, np.full(n_articles, 1.0 / n_articles), size=draws)
        counts = np.einsum("da,aij->dij", weights, per_article)
    else:
        counts = np.zeros((draws, k, k))
    matrices = misclassification_matrix(counts)
    total = int(observed.sum())
    cases = rng.multinomial(total, observed / total, size=draws).astype(float)
    adjusted = np.array([corrected_shares(c, m) for c, m in zip(cases, matrices, strict=True)])
    return cases / total, adjusted


def adjust_files(cases_csv: Path, gold_dir: Path, out_dir: Path, published: Published,
                 window: tuple[date, date], *, split: str = "all", draws: int = DEFAULT_DRAWS,
                 seed: int = DEFAULT_SEED, simulated: bool = False
                 ) -> dict[str, AdjustedDistribution]:
    """Adjust level, domain and leader_rank of the cases founded in the window, and year over
    all cases; write adjusted_<dist>.csv, gold_confusion_<dist>.csv, gold_pairs.csv,
    summary.json and charts."""
    if draws < 1:
        raise ValueError(f"draws must be at least 1 (got {draws})")
    cases = place_in_window(read_cases(cases_csv), window)
    inside = cases[cases["window_status"] == "inside"]
    if inside.empty:
        raise ValueError(f"{cases_csv}: no case founded in the window {window[0]}..{window[1]}")
    pairs = gold_pairs(gold_dir, split)
    rng = np.random.default_rng(seed)
    results = {}
    for field in FIELDS:
        codes = cases["year_code"].replace("", UNKNOWN) if field == "year" else inside[field]
        results[field] = adjust_distribution(field, published.distributions[field], codes,
                                             pairs[pairs["field"] == field], draws, rng)
    summary = AdjustSummary(
        window={"start": window[0].isoformat(), "end": window[1].isoformat()},
        simulated=simulated,
        split=split,
        draws=draws,
        seed=seed,
        n_cases=len(cases),
        n_cases_in_window=len(inside),
        distributions={field: {key: value for key, value in asdict(result).items()
                               if key not in ("table", "confusion", "field")}
                       for field, result in results.items()},
    )
    write_outputs(results, pairs, summary, published, out_dir)
    return results


def write_outputs(results: dict[str, AdjustedDistribution], pairs: pd.DataFrame,
                  summary: AdjustSummary, published: Published, out_dir: Path) -> list[Path]:
    """Write the tables, summary.json and one chart per distribution (without rows of codes the
    paper lacks that hold no case and no adjusted share); return the chart files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs.to_csv(out_dir / "gold_pairs.csv", index=False)
    charts = []
    for field, result in results.items():
        result.table.to_csv(out_dir / f"adjusted_{field}.csv", index=False)
        result.confusion.to_csv(out_dir / f"gold_confusion_{field}.csv")
        note = (f"金标准（{summary.split}）{result.n_gold_pairs} 对、{result.n_gold_articles} 篇；"
                "只校正分类误差，不校正漏检与误检")
        dist, table = published.distributions[field], result.table
        empty_extra = (~table["code"].isin(dist.codes) & (table["n_cases"] == 0)
                       & (table["adjusted_ci_high"] == 0))
        charts += adjusted_chart(table[~empty_extra], dist.title, note, summary.simulated,
                                 out_dir / f"adjusted_{field}")
    (out_dir / "summary.json").write_text(
        json.dumps(asdict(summary), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return charts
