"""Tests for the comparison charts and the CJK font registration."""

from __future__ import annotations

import io
import logging
import warnings
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.analyse import analyse
from pipeline.charts import SIMULATED_MARK, chart_figure, write_charts
from pipeline.fonts import cjk_font_path, cjk_rc, register_cjk_font
from pipeline.published import load_published

CASES = [
    ("2018-04-16", "county", "politics_admin", "principal"),
    ("2020-02-01", "prefecture", "edu_sci_culture_health", "deputy_in_charge"),
    ("2020-03-01", "provincial", "economy_infrastructure", "dept_head"),
    ("2021-05", "national", "society_livelihood", "dept_deputy"),
    ("2021", "county", "ecology_environment", "non_leader"),
    ("2019-07-07", "", "", ""),
]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.messages.append(record.getMessage())


@contextmanager
def font_complaints():
    """Collect font warnings and matplotlib.font_manager log warnings raised inside the block."""
    handler = _Records()
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            complaints: list[str] = []
            yield complaints
            complaints.extend(str(w.message) for w in caught)
            complaints.extend(handler.messages)
    finally:
        logger.removeHandler(handler)


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("charts")
    rows = [
        {"case_id": f"c{i}", "name": f"专班{i}", "unit": "某县", "level": lv, "domain": d,
         "topic": "", "leader_rank": r, "founded": f, "year": ""}
        for i, (f, lv, d, r) in enumerate(CASES)
    ]  # fmt: skip
    pd.DataFrame(rows).to_csv(root / "cases.csv", index=False)
    window = (date(2018, 1, 1), date(2021, 8, 31))
    analyse(root / "cases.csv", load_published(), root / "tables", window, simulated=True)
    return root / "tables"


def test_font_file_is_bundled_and_registered() -> None:
    assert cjk_font_path().name == "NotoSansCJKsc-Regular.otf"
    family = register_cjk_font()
    assert family == "Noto Sans CJK SC"
    rc = cjk_rc()
    assert rc["font.sans-serif"][0] == family
    assert rc["axes.unicode_minus"] is False
    assert rc["svg.fonttype"] == "path"


def test_the_complaint_detector_sees_missing_glyphs() -> None:
    with (
        font_complaints() as complaints,
        matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}),
    ):
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.suptitle("设立时间")
        figure.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in c for c in complaints)


def test_charts_render_chinese_without_font_warnings(tables: Path, tmp_path) -> None:
    with font_complaints() as complaints:
        paths = write_charts(tables, load_published(), tmp_path / "figures", simulated=True)
    assert complaints == []
    assert sorted(p.name for p in paths) == sorted(
        f"{d}.{ext}" for d in ("year", "level", "domain", "leader_rank") for ext in ("png", "svg")
    )
    for path in paths:
        data = path.read_bytes()
        assert len(data) > 10_000
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG")
        else:
            assert b"<svg" in data and b"font-family" not in data


def test_simulated_watermark_and_subtitle(tables: Path) -> None:
    published = load_published()
    dist = published.distributions["level"]
    table = pd.read_csv(tables / "level.csv", dtype={"code": str})
    with matplotlib.rc_context(cjk_rc()):
        simulated = chart_figure(table, dist, published, simulated=True)
        real = chart_figure(table, dist, published, simulated=False)
    assert SIMULATED_MARK in [t.get_text() for t in simulated.texts]
    assert SIMULATED_MARK in simulated.axes[0].get_title()
    assert "另有 1 个未能归入论文类别" in simulated.axes[0].get_title()
    assert all(SIMULATED_MARK not in t.get_text() for t in real.texts)
    assert SIMULATED_MARK not in real.axes[0].get_title()


def test_bars_show_the_shares(tables: Path) -> None:
    published = load_published()
    dist = published.distributions["domain"]
    table = pd.read_csv(tables / "domain.csv", dtype={"code": str})
    with matplotlib.rc_context(cjk_rc()):
        figure = chart_figure(table, dist, published, simulated=False)
    paper_bars, reproduced_bars = figure.axes[0].containers
    assert [round(b.get_height(), 2) for b in paper_bars] == [25.15, 36.84, 18.32, 17.15, 2.53]
    assert [round(b.get_height(), 2) for b in reproduced_bars] == [20.0] * 5
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels[0] == "政治与行政改革" and labels[-1] == "生态环保"


def test_missing_table_is_reported(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="run analyse first"):
        write_charts(tmp_path, load_published(), tmp_path / "figures", simulated=False)
