"""Small helpers shared by the report's modules: table rows for templates, missing values."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with missing cells as None (templates print a dash)."""
    return [
        {k: (None if missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def missing(value: Any) -> bool:
    """True for None, NaN and pandas NA."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
