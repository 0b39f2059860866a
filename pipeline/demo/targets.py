"""Marginal counts the simulated population must hit: the paper's figures scaled to n_cases."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from pipeline.demo.data import read_yaml

K = TypeVar("K")


@dataclass(frozen=True)
class Marginals:
    """Exact case counts per category for one population (each table sums to n_cases)."""

    n_cases: int
    year: dict[int, int]
    level: dict[str, int]
    domain: dict[str, int]
    epidemic: int
    leader_rank: dict[str, int]


def largest_remainder(weights: Mapping[K, float], total: int) -> dict[K, int]:
    """Split `total` into whole numbers proportional to `weights` (Hamilton's method).

    Ties between equal remainders go to the category listed first, so the result is stable.
    """
    if total < 0:
        raise ValueError(f"cannot split a negative total ({total})")
    mass = sum(weights.values())
    if mass <= 0:
        if total == 0:
            return dict.fromkeys(weights, 0)
        raise ValueError(f"cannot split {total} over weights that sum to {mass}")
    quotas = {key: total * weight / mass for key, weight in weights.items()}
    counts = {key: math.floor(quota) for key, quota in quotas.items()}
    short = total - sum(counts.values())
    order = sorted(weights, key=lambda key: -(quotas[key] - counts[key]))
    for key in order[:short]:
        counts[key] += 1
    return counts


def load_targets(path: Path) -> dict:
    """Read the published marginals (data/demo/targets.yaml)."""
    targets = read_yaml(path)
    for table in ("year", "level", "domain", "leader_rank_percent"):
        if not isinstance(targets.get(table), dict) or not targets[table]:
            raise ValueError(f"{path}: table {table!r} is missing or empty")
    return targets


def scale_targets(targets: Mapping, n_cases: int, start: date, end: date) -> Marginals:
    """Scale the published tables to `n_cases` cases founded between `start` and `end`.

    Years outside the window are dropped and the rest rescaled; every table sums to n_cases.
    """
    if n_cases < 1:
        raise ValueError(f"n_cases must be at least 1, got {n_cases}")
    if end < start:
        raise ValueError(f"the window ends ({end}) before it starts ({start})")
    years = {int(year): count for year, count in targets["year"].items()
             if start.year <= int(year) <= end.year}
    if not years:
        raise ValueError(f"targets.yaml has no year inside {start}..{end}; "
                         "choose a window that overlaps 2018–2021")
    domain = largest_remainder(targets["domain"], n_cases)
    edu = domain["edu_sci_culture_health"]
    edu_total = targets["domain"]["edu_sci_culture_health"]
    epidemic = largest_remainder(
        {"epidemic": targets["epidemic"], "other": edu_total - targets["epidemic"]}, edu
    )["epidemic"]
    return Marginals(
        n_cases=n_cases,
        year=largest_remainder(years, n_cases),
        level=largest_remainder(targets["level"], n_cases),
        domain=domain,
        epidemic=epidemic,
        leader_rank=largest_remainder(targets["leader_rank_percent"], n_cases),
    )
