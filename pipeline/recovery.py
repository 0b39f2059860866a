"""Demo mode only: how well the pipeline's cases recover the simulated corpus's ground truth.

A predicted case matches a truth case that one of its source pages reports, chosen by name
similarity (character-bigram Dice), one-to-one, greedily from the most similar pair.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.scoring import (
    EMPTY_CODE,
    MIN_SIMILARITY,
    FieldAccuracy,
    confusion_cells,
    confusion_table,
    detection_scores,
    field_accuracy,
    greedy_pairs,
    name_similarity,
)

__all__ = ["FieldAccuracy", "Match", "RecoveryResult", "confusion_frame", "evaluate_recovery",
           "load_recovery", "match_cases", "name_similarity", "score", "write_recovery"]

COMPARED_FIELDS = (
    "level",
    "domain",
    "topic",
    "leader_rank",
    "year",
    "province",
    "prefecture",
    "county",
)
CONFUSION_FIELDS = ("level", "domain", "leader_rank")  # a subset of COMPARED_FIELDS
DISTRIBUTION_FIELDS = ("year", "level", "domain", "leader_rank")


@dataclass(frozen=True)
class Match:
    """One predicted case paired with one truth case."""

    predicted_id: str
    truth_id: str
    predicted_name: str
    truth_name: str
    similarity: float


@dataclass(frozen=True)
class RecoveryResult:
    """Case detection scores, per-field accuracy, confusion matrices and distributions.

    confusion[field][truth_code][predicted_code] counts matched pairs; distributions[field]
    maps each code to its truth and predicted counts over all cases.
    """

    n_predicted: int
    n_truth: int
    n_matched: int
    precision: float | None
    recall: float | None
    f1: float | None
    fields: dict[str, FieldAccuracy]
    confusion: dict[str, dict[str, dict[str, int]]]
    distributions: dict[str, dict[str, dict[str, int]]]
    matches: list[Match] = field(default_factory=list)
    unmatched_predicted: list[dict[str, str]] = field(default_factory=list)
    unmatched_truth: list[dict[str, str]] = field(default_factory=list)


def evaluate_recovery(
    cases_csv: Path,
    case_sources_csv: Path,
    truth_cases_csv: Path,
    truth_pages_csv: Path,
    out_dir: Path,
) -> RecoveryResult:
    """Compare predicted cases with the truth; write recovery.json and confusion CSVs."""
    predicted = _read_cases(cases_csv)
    sources = _read(case_sources_csv, ("case_id", "url"))
    truth = _read_cases(truth_cases_csv)
    pages = _read(truth_pages_csv, ("url", "case_id"))
    matches = match_cases(predicted, sources, truth, pages)
    result = score(predicted, truth, matches)
    write_recovery(result, out_dir)
    return result


def match_cases(
    predicted: pd.DataFrame, sources: pd.DataFrame, truth: pd.DataFrame, pages: pd.DataFrame
) -> list[Match]:
    """Pair predicted and truth cases one-to-one via shared pages and name similarity."""
    truth_by_url: dict[str, set[str]] = {}
    for url, case_id in zip(pages["url"], pages["case_id"], strict=True):
        if case_id.strip():
            truth_by_url.setdefault(_normalise_url(url), set()).add(case_id.strip())
    urls = _predicted_urls(predicted, sources)
    truth_names = dict(zip(truth["case_id"], truth["name"], strict=True))
    candidates = []
    for case_id, name in zip(predicted["case_id"], predicted["name"], strict=True):
        linked = set().union(*(truth_by_url.get(u, set()) for u in urls.get(case_id, ())))
        for truth_id in linked & truth_names.keys():
            similarity = name_similarity(name, truth_names[truth_id])
            if similarity >= MIN_SIMILARITY:
                candidates.append((similarity, case_id, truth_id))
    predicted_names = dict(zip(predicted["case_id"], predicted["name"], strict=True))
    return [
        Match(case_id, truth_id, predicted_names[case_id], truth_names[truth_id], similarity)
        for similarity, case_id, truth_id in greedy_pairs(candidates)
    ]


def score(predicted: pd.DataFrame, truth: pd.DataFrame, matches: list[Match]) -> RecoveryResult:
    """Detection precision/recall/F1, field accuracy and confusion over the matched pairs."""
    n_predicted, n_truth, n_matched = len(predicted), len(truth), len(matches)
    precision, recall, f1 = detection_scores(n_predicted, n_truth, n_matched)
    truth_ids = [m.truth_id for m in matches]
    predicted_ids = [m.predicted_id for m in matches]
    pairs = {
        name: list(
            zip(_clean(truth, name, truth_ids), _clean(predicted, name, predicted_ids), strict=True)
        )
        for name in COMPARED_FIELDS
    }
    fields = {name: field_accuracy(name, pairs[name]) for name in COMPARED_FIELDS}
    confusion = {name: confusion_cells(pairs[name]) for name in CONFUSION_FIELDS}
    matched_predicted = {m.predicted_id for m in matches}
    matched_truth = {m.truth_id for m in matches}
    return RecoveryResult(
        n_predicted=n_predicted,
        n_truth=n_truth,
        n_matched=n_matched,
        precision=precision,
        recall=recall,
        f1=f1,
        fields=fields,
        confusion=confusion,
        distributions={name: _distribution(truth, predicted, name) for name in DISTRIBUTION_FIELDS},
        matches=matches,
        unmatched_predicted=_unmatched(predicted, matched_predicted),
        unmatched_truth=_unmatched(truth, matched_truth),
    )


def confusion_frame(result: RecoveryResult, name: str) -> pd.DataFrame:
    """A confusion matrix as a table: one row per truth code, one column per predicted code."""
    return confusion_table(result.confusion[name])


def write_recovery(result: RecoveryResult, out_dir: Path) -> None:
    """Write out_dir/recovery.json and out_dir/recovery_confusion_<field>.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "recovery.json").write_text(
        json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name in CONFUSION_FIELDS:
        confusion_frame(result, name).to_csv(out_dir / f"recovery_confusion_{name}.csv")


def load_recovery(path: Path) -> RecoveryResult:
    """Read a recovery.json written by :func:`write_recovery`."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        return RecoveryResult(
            **{
                **raw,
                "fields": {k: FieldAccuracy(**v) for k, v in raw["fields"].items()},
                "matches": [Match(**m) for m in raw["matches"]],
            }
        )
    except (KeyError, TypeError) as err:
        raise ValueError(
            f"{path}: not a recovery.json this version can read ({err}); rerun the recovery step"
        ) from err


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing} (found {list(frame.columns)})")
    return frame


def _read_cases(path: Path) -> pd.DataFrame:
    cases = _read(path, ("case_id", "name", *COMPARED_FIELDS))
    duplicated = cases.loc[cases["case_id"].duplicated(), "case_id"].unique().tolist()
    if duplicated:
        raise ValueError(f"{path}: case_id not unique: {duplicated[:5]}; fix the file")
    return cases


def _normalise_url(url: str) -> str:
    return url.strip().split("#", 1)[0].rstrip("/")


def _predicted_urls(predicted: pd.DataFrame, sources: pd.DataFrame) -> dict[str, set[str]]:
    """Source URLs of each predicted case, from case_sources.csv and the `urls` column."""
    urls: dict[str, set[str]] = {}
    for case_id, url in zip(sources["case_id"], sources["url"], strict=True):
        urls.setdefault(case_id, set()).add(_normalise_url(url))
    if "urls" in predicted.columns:
        for case_id, listed in zip(predicted["case_id"], predicted["urls"], strict=True):
            urls.setdefault(case_id, set()).update(_normalise_url(u) for u in listed.split())
    return urls


def _clean(cases: pd.DataFrame, name: str, ids: list[str] | None = None) -> list[str]:
    """Stripped values of one field (of the given case ids, in order; else of all cases)."""
    values = cases.set_index("case_id")[name] if ids is not None else cases[name]
    if ids is not None:
        values = values.loc[ids]
    cleaned = values.str.strip()
    if name == "year":
        cleaned = cleaned.str.removesuffix(".0")
    return cleaned.tolist()


def _distribution(truth: pd.DataFrame, predicted: pd.DataFrame, name: str) -> dict:
    truth_counts = Counter(v or EMPTY_CODE for v in _clean(truth, name))
    predicted_counts = Counter(v or EMPTY_CODE for v in _clean(predicted, name))
    return {
        code: {"truth": truth_counts.get(code, 0), "predicted": predicted_counts.get(code, 0)}
        for code in sorted({*truth_counts, *predicted_counts})
    }


def _unmatched(cases: pd.DataFrame, matched: set[str]) -> list[dict[str, str]]:
    rest = cases[~cases["case_id"].isin(matched)]
    return [{"case_id": c, "name": n} for c, n in zip(rest["case_id"], rest["name"], strict=True)]
