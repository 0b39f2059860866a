"""zhuanban's library: parse, extract, resolve, analyse and report on 工作专班 reports."""

from pathlib import Path

__version__ = "0.1.0"

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The project's versioned data files (codebook, gazetteer, published targets)."""
