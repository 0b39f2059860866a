"""Where the demo generator's data files live, and strict readers for them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from pipeline import DATA_DIR

DEMO_DATA_DIR = DATA_DIR / "demo"
"""Name lists, sentence templates, outlets and layouts of the simulated demo corpus."""


def read_yaml(path: Path) -> Any:
    """Parse one YAML data file; say which file is missing or broken."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: demo data file is missing") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not valid YAML ({error})") from error


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read one CSV data file (UTF-8, header row) into a list of rows."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: demo data file is missing") from None
