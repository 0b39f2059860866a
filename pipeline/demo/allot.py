"""Give every item one category so that each category gets exactly its count, favouring
plausible pairs (weighted sampling without replacement, scarcest category first)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

C = TypeVar("C", bound=Hashable)
T = TypeVar("T")


class AllotmentError(ValueError):
    """The counts cannot be met with the allowed (non-zero weight) pairs."""


def allot(items: Sequence[T], counts: Mapping[C, int], weight: Callable[[T, C], float],
          rng: random.Random, what: str = "category") -> list[C]:
    """Category for each item (same order as `items`); category c is used exactly counts[c]
    times and never where weight(item, c) is 0.

    Categories with the fewest eligible items are filled first, each by weighted sampling
    without replacement (Efraimidis–Spirakis keys); the last one takes what is left, and a
    swap repair fixes the rare leftover item that may not take it.
    """
    if sum(counts.values()) != len(items):
        raise AllotmentError(f"{what}: counts sum to {sum(counts.values())}, "
                             f"but there are {len(items)} items")
    categories = [c for c in counts if counts[c] > 0]
    table = [[weight(item, c) for c in categories] for item in items]
    eligible = {c: sum(1 for row in table if row[j] > 0) for j, c in enumerate(categories)}
    for c in categories:
        if eligible[c] < counts[c]:
            raise AllotmentError(f"{what} {c!r}: needs {counts[c]} items but only "
                                 f"{eligible[c]} may take it; check the weights in data/demo")
    order = sorted(range(len(categories)),
                   key=lambda j: (eligible[categories[j]] - counts[categories[j]], j))
    result: list[int | None] = [None] * len(items)
    free = list(range(len(items)))
    for j in order[:-1]:
        keyed = [(math.log(1.0 - rng.random()) / table[i][j], i) for i in free if table[i][j] > 0]
        if len(keyed) < counts[categories[j]]:
            raise AllotmentError(f"{what} {categories[j]!r}: too few eligible items left")
        keyed.sort(reverse=True)
        chosen = {i for _, i in keyed[:counts[categories[j]]]}
        for i in chosen:
            result[i] = j
        free = [i for i in free if i not in chosen]
    last = order[-1]
    for i in free:
        result[i] = last
    _repair(result, table, last, what, categories)
    return [categories[j] for j in result]


def _repair(result: list, table: list[list[float]], last: int, what: str,
            categories: list) -> None:
    """Swap each item stuck in a category it may not take with one that can trade places."""
    for i, j in enumerate(result):
        if table[i][j] > 0:
            continue
        for k, other in enumerate(result):
            if other != j and table[i][other] > 0 and table[k][j] > 0:
                result[i], result[k] = other, j
                break
        else:
            raise AllotmentError(f"{what}: no valid place for an item left in "
                                 f"{categories[last]!r}; check the weights in data/demo")
