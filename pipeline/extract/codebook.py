"""The codebook's word lists (data/codebook.yaml), loaded once, with regex helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline import DATA_DIR

CODEBOOK_FILE = DATA_DIR / "codebook.yaml"
CJK = r"\u3400-\u9fff"
REQUIRED_SECTIONS = ("codes", "text", "outlets", "detect", "unit", "level", "domain_scoring",
                     "domains", "decision_rules", "covid_framing", "leader", "dates")


@lru_cache(maxsize=2)
def load_codebook(path: Path = CODEBOOK_FILE) -> dict[str, Any]:
    """The codebook as a dict; raises ValueError naming the file when a section is missing."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: not valid YAML ({err}); fix the file and rerun") from None
    missing = [key for key in REQUIRED_SECTIONS if key not in (raw or {})]
    if missing:
        raise ValueError(f"{path}: missing sections {missing}; see the codebook spec")
    _check_codes(raw, path)
    return raw


def _check_codes(raw: dict[str, Any], path: Path) -> None:
    """Every code the word lists point to must be one of the codebook's codes."""
    known = {field: set(values) for field, values in raw["codes"].items()}
    used = {
        "domain": set(raw["domains"]) | {rule["domain"] for rule in raw["decision_rules"]},
        "leader_rank": set(raw["leader"]["titles"]) | set(raw["leader"]["rank_order"]),
        "level": set(raw["unit"]["organ_prefix_levels"].values()),
    }
    for field, codes_used in used.items():
        unknown = codes_used - known[field]
        if unknown:
            raise ValueError(f"{path}: {field} codes {sorted(unknown)} are not in codes.{field}; "
                             "use the codebook's codes verbatim")


def codes(field: str) -> list[str]:
    """The machine codes of a coded field (level, domain, leader_rank), in codebook order."""
    return list(load_codebook()["codes"][field])


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 副市长 wins over 市长)."""
    unique = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(re.escape(word) for word in unique)


def word_regex(words: Iterable[str]) -> re.Pattern[str]:
    """A compiled alternation of literal words."""
    return re.compile(alternation(words))
