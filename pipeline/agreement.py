"""Agreement between coders, per field: Krippendorff's alpha (nominal) among the human coders and
Cohen's kappa for every pair of them and for each against the automatic coder, with bootstrap CIs.

An empty cell counts as not coded. Rows for cases added by hand (no case_id) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.coding_sheet import AUTO_PREFIX
from pipeline.manual import AUTO_CODER, is_blank, read_valid_sheets

AGREEMENT_FIELDS = ("level", "domain", "topic", "leader_rank", "year")
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20220501
CI_PERCENTILES = (2.5, 97.5)
AGREEMENT_COLUMNS = ["field", "measure", "raters", "n", "estimate", "ci_low", "ci_high",
                     "draws_used", "reason"]
_DIGITS = 4
Statistic = Callable[[np.ndarray], np.ndarray]
"""A coefficient computed for each row of case weights (the multiplicities of a draw)."""


@dataclass(frozen=True)
class Agreement:
    """One coefficient: alpha among all human coders, or kappa for one pair of raters.

    n counts the cases behind it; estimate and CI are None when it is undefined (see reason).
    """

    field: str
    measure: str
    raters: str
    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    draws_used: int
    reason: str


@dataclass(frozen=True)
class AgreementResult:
    """Every coefficient of one agreement run and how it was computed."""

    coders: list[str]
    n_cases: int
    draws: int
    seed: int
    auto_source: str
    rows: list[Agreement]

    def table(self) -> pd.DataFrame:
        """The coefficients, one row each."""
        return pd.DataFrame([asdict(row) for row in self.rows], columns=AGREEMENT_COLUMNS)

    def lines(self) -> list[str]:
        """A plain-text table for the terminal."""
        header = f"{'field':<12} {'measure':<7} {'raters':<30} {'n':>5} {'value':>7}  95% CI"
        lines = [header, "-" * len(header)]
        for row in self.rows:
            value = "NA" if row.estimate is None else f"{row.estimate:.3f}"
            ci = ("" if row.ci_low is None or row.ci_high is None
                  else f"[{row.ci_low:.3f}, {row.ci_high:.3f}]")
            lines.append(f"{row.field:<12} {row.measure:<7} {row.raters:<30} {row.n:>5} "
                         f"{value:>7}  {ci} {row.reason}".rstrip())
        return lines


def read_codings(sheets: Sequence[Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(human, auto) codes in long form (case_id, coder, field, value) from coding sheets;
    auto holds the sheets' auto_* columns. A coder's later sheet wins for a case."""
    human, auto = [], []
    for table in read_valid_sheets(sheets, ["case_id", "coder"]):
        for _, row in table.iterrows():
            if is_blank(row) or not row["case_id"]:
                continue
            human += _values(row, row["coder"], "")
            auto += _values(row, AUTO_CODER, AUTO_PREFIX)
    columns = ["case_id", "coder", "field", "value"]
    return (pd.DataFrame(human, columns=columns).drop_duplicates(columns[:3], keep="last"),
            pd.DataFrame(auto, columns=columns).drop_duplicates(columns[:3], keep="first"))


def _values(row: pd.Series, coder: str, prefix: str) -> list[tuple[str, str, str, str]]:
    values = {field: row.get(prefix + field, "") for field in AGREEMENT_FIELDS}
    values["year"] = values["year"] or str(row.get(prefix + "founded", ""))[:4]
    return [(row["case_id"], coder, field, value) for field, value in values.items() if value]


def auto_codes_from_cases(cases_csv: Path) -> pd.DataFrame:
    """Automatic codes in long form from a cases.csv."""
    cases = pd.read_csv(cases_csv, dtype=str, keep_default_na=False)
    if "case_id" not in cases.columns:
        raise ValueError(f"{cases_csv}: no case_id column; pass the cases.csv resolve wrote")
    rows = []
    for _, case in cases.iterrows():
        rows += _values(case, AUTO_CODER, "")
    return pd.DataFrame(rows, columns=["case_id", "coder", "field", "value"])


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' codes for the same cases (None when undefined)."""
    value = _kappa(np.asarray(first), np.asarray(second), np.ones((1, len(first))))[0]
    return None if np.isnan(value) else float(value)


def _kappa(first: np.ndarray, second: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Kappa for each row of case weights (a bootstrap draw's multiplicities)."""
    categories = np.union1d(first, second)
    one_hot_first = (first[:, None] == categories).astype(float)
    one_hot_second = (second[:, None] == categories).astype(float)
    total = weights.sum(axis=1)
    observed = weights @ (first == second).astype(float) / total
    expected = ((weights @ one_hot_first) * (weights @ one_hot_second)).sum(axis=1) / total**2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected < 1 - 1e-12, (observed - expected) / (1 - expected), np.nan)


def unit_counts(matrix: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Per case (row), how many coders gave each category; cases with fewer than two codes
    cannot be paired and are dropped."""
    categories = sorted({value for value in matrix.to_numpy(dtype=object).ravel()
                         if isinstance(value, str)})
    counts = np.stack([(matrix == category).sum(axis=1).to_numpy() for category in categories],
                      axis=1) if categories else np.zeros((len(matrix), 0))
    return counts[counts.sum(axis=1) >= 2], categories


def krippendorff_alpha(matrix: pd.DataFrame) -> float | None:
    """Nominal alpha of a cases × coders table of codes (missing codes as NaN or None)."""
    counts, _ = unit_counts(matrix)
    value = _alpha(counts, np.ones((1, len(counts))))[0] if len(counts) else np.nan
    return None if np.isnan(value) else float(value)


def _alpha(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Alpha from the coincidence matrix, for each row of case weights."""
    coded = counts.sum(axis=1)
    disagreement = (coded**2 - (counts**2).sum(axis=1)) / (coded - 1)
    marginals = weights @ counts
    values = marginals.sum(axis=1)
    expected = values**2 - (marginals**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (values - 1) * (weights @ disagreement) / expected,
                        np.nan)


def _bootstrap(
    statistic: Statistic, n: int, draws: int, seed: int
) -> tuple[float | None, float | None, int]:
    """Percentile CI of statistic(weights) over draws that resample the n cases."""
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n, np.full(n, 1 / n), size=draws).astype(float)
    values = statistic(weights)
    values = values[np.isfinite(values)]
    if not len(values):
        return None, None, 0
    low, high = np.percentile(values, CI_PERCENTILES)
    return _round(low), _round(high), len(values)


def _round(value: float) -> float:
    return round(float(value), _DIGITS)


def _coefficient(field: str, measure: str, raters: str, n: int, categories: Sequence[str],
                 statistic: Statistic, draws: int, seed: int) -> Agreement:
    """Point estimate and bootstrap CI, or NA with the reason it is undefined."""
    if n < 2:
        return Agreement(field, measure, raters, n, None, None, None, 0,
                         f"n = {n}: fewer than two cases coded by these raters")
    if len(categories) < 2:
        return Agreement(field, measure, raters, n, None, None, None, 0,
                         f"only one category ({', '.join(categories) or 'none'}) used: "
                         f"{measure} is undefined")
    estimate = statistic(np.ones((1, n)))[0]
    low, high, used = _bootstrap(statistic, n, draws, seed)
    reason = "" if used == draws else f"CI from {used} of {draws} draws (others had one category)"
    return Agreement(field, measure, raters, n, _round(estimate), low, high, used, reason)


def compute_agreement(
    sheets: Sequence[Path], cases: Path | None = None, draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> AgreementResult:
    """Alpha and kappa per field from coding sheets; automatic codes from `cases` if given,
    else from the sheets' auto_* columns."""
    human, auto = read_codings(sheets)
    if cases is not None:
        auto = auto_codes_from_cases(cases)
    coders = sorted(set(human["coder"]))
    rows = []
    for field in AGREEMENT_FIELDS:
        codes = human[human["field"] == field].pivot(index="case_id", columns="coder",
                                                     values="value")
        codes = codes.reindex(columns=coders)
        if len(coders) < 2:
            rows.append(Agreement(field, "alpha", ", ".join(coders), 0, None, None, None, 0,
                                  "fewer than two human coders"))
        else:
            counts, categories = unit_counts(codes)
            rows.append(_coefficient(field, "alpha", ", ".join(coders), len(counts), categories,
                                     partial(_alpha, counts), draws, seed))
        automatic = auto[auto["field"] == field].set_index("case_id")["value"]
        pairs = [*combinations(coders, 2), *((coder, AUTO_CODER) for coder in coders)]
        for first, second in pairs:
            second_codes = codes[second] if second != AUTO_CODER else automatic
            both = pd.concat([codes[first], second_codes], axis=1, join="inner").dropna()
            one, other = (both.iloc[:, i].to_numpy(dtype=str) for i in (0, 1))
            rows.append(_coefficient(field, "kappa", f"{first} vs {second}", len(both),
                                     sorted(set(one) | set(other)), partial(_kappa, one, other),
                                     draws, seed))
    auto_source = cases.name if cases is not None else "sheets (auto_* columns)"
    return AgreementResult(coders, human["case_id"].nunique(), draws, seed, auto_source, rows)


def write_agreement(result: AgreementResult, out_dir: Path) -> tuple[Path, Path]:
    """Write agreement.json and agreement.csv; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = out_dir / "agreement.json", out_dir / "agreement.csv"
    json_path.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    result.table().to_csv(csv_path, index=False)
    return json_path, csv_path


def load_agreement(path: Path) -> AgreementResult:
    """Read an agreement.json written by :func:`write_agreement`."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        return AgreementResult(**{**raw, "rows": [Agreement(**row) for row in raw["rows"]]})
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path}: not an agreement.json this version can read ({err}); rerun "
                         "`zhuanban agreement`") from err
