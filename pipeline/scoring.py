"""Scoring coded task forces against a reference: name similarity, one-to-one matching,
detection precision/recall/F1, per-field accuracy and confusion matrices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

MIN_SIMILARITY = 0.5
NAME_SUFFIXES = ("工作专班", "专班")
EMPTY_CODE = "unknown"

P = TypeVar("P", bound=Hashable)
T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class FieldAccuracy:
    """Agreement of one field over the matched pairs."""

    field: str
    n: int
    correct: int
    accuracy: float | None


def strip_suffix(name: str) -> str:
    """A 专班 name without its 工作专班 / 专班 suffix (the task part)."""
    name = name.strip()
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def name_similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of two names, 专班 suffixes stripped."""
    first, second = _bigrams(strip_suffix(a)), _bigrams(strip_suffix(b))
    if not first or not second:
        return 1.0 if strip_suffix(a) == strip_suffix(b) else 0.0
    overlap = sum((first & second).values())
    return 2.0 * overlap / (sum(first.values()) + sum(second.values()))


def greedy_pairs(candidates: Iterable[tuple[float, P, T]]) -> list[tuple[float, P, T]]:
    """One-to-one pairs from scored candidates (score, predicted, truth), taken greedily from
    the highest score; ties go to the smaller predicted, then truth key."""
    ordered = sorted(candidates, key=lambda c: (-c[0], c[1], c[2]))
    used_predicted: set[P] = set()
    used_truth: set[T] = set()
    pairs = []
    for score, predicted, truth in ordered:
        if predicted in used_predicted or truth in used_truth:
            continue
        used_predicted.add(predicted)
        used_truth.add(truth)
        pairs.append((score, predicted, truth))
    return pairs


def detection_scores(
    n_predicted: int, n_truth: int, n_matched: int
) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1; each None when its denominator is zero."""
    precision = n_matched / n_predicted if n_predicted else None
    recall = n_matched / n_truth if n_truth else None
    if precision is None or recall is None:
        return precision, recall, None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def field_accuracy(field: str, pairs: list[tuple[str, str]]) -> FieldAccuracy:
    """Share of (truth, predicted) pairs whose values are equal."""
    correct = sum(truth == predicted for truth, predicted in pairs)
    return FieldAccuracy(field, len(pairs), correct, correct / len(pairs) if pairs else None)


def confusion_cells(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """cells[truth][predicted] = count of pairs; empty values count as `unknown`."""
    cells: dict[str, dict[str, int]] = {}
    for truth, predicted in pairs:
        row = cells.setdefault(truth or EMPTY_CODE, {})
        row[predicted or EMPTY_CODE] = row.get(predicted or EMPTY_CODE, 0) + 1
    return cells


def confusion_table(cells: dict[str, dict[str, int]]) -> pd.DataFrame:
    """A confusion matrix as a table: one row per truth code, one column per predicted code,
    the same codes (sorted) on both axes."""
    codes = sorted({*cells, *(p for row in cells.values() for p in row)})
    frame = pd.DataFrame(
        [[cells.get(t, {}).get(p, 0) for p in codes] for t in codes], index=codes, columns=codes
    )
    frame.index.name = "truth \\ predicted"
    return frame


def _bigrams(text: str) -> Counter[str]:
    if len(text) == 1:
        return Counter([text])
    return Counter(text[i : i + 2] for i in range(len(text) - 1))
