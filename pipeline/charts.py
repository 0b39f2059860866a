"""Grouped bar charts, paper vs reproduction, one per distribution (PNG and SVG, Chinese labels)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.fonts import cjk_rc
from pipeline.published import Distribution, Published

SIMULATED_MARK = "模拟数据（SIMULATED）"
PAPER_COLOUR = "#7f8c8d"
REPRODUCED_COLOUR = "#c0392b"
LABEL_WIDTH = 7
CHART_FORMATS = ("png", "svg")


def write_charts(
    tables_dir: Path, published: Published, figures_dir: Path, simulated: bool
) -> list[Path]:
    """Draw every distribution's table from tables_dir into figures_dir/<dist>.png|svg."""
    figures_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, dist in published.distributions.items():
        table_path = tables_dir / f"{key}.csv"
        if not table_path.is_file():
            raise FileNotFoundError(f"{table_path}: comparison table missing; run analyse first")
        table = pd.read_csv(table_path, dtype={"code": str})
        written.extend(save_chart(table, dist, published, simulated, figures_dir / key))
    return written


def save_chart(
    table: pd.DataFrame, dist: Distribution, published: Published, simulated: bool, stem: Path
) -> list[Path]:
    """Render one chart and save it as stem.png and stem.svg."""
    paths = []
    with matplotlib.rc_context({**cjk_rc(), "svg.hashsalt": "zhuanban"}):
        figure = chart_figure(table, dist, published, simulated)
        for fmt in CHART_FORMATS:
            path = stem.with_suffix(f".{fmt}")
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            figure.savefig(path, format=fmt, dpi=150, metadata=metadata)
            paths.append(path)
    return paths


def chart_figure(
    table: pd.DataFrame, dist: Distribution, published: Published, simulated: bool
) -> Figure:
    """A grouped bar chart of the paper's shares and the reproduced shares (in %)."""
    paper_rows = table[table["code"].isin(dist.codes)].set_index("code").loc[list(dist.codes)]
    unknown = int(table.loc[~table["code"].isin(dist.codes), "reproduced_count"].sum())
    n_compared = int(paper_rows["reproduced_count"].sum())
    paper = paper_rows["paper_share"].astype(float).to_numpy()
    reproduced = paper_rows["reproduced_share"].astype(float).fillna(0.0).to_numpy()

    figure = Figure(figsize=(8, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = np.arange(len(dist.codes))
    width = 0.38
    total = published.corpus.total
    bars = [
        axes.bar(
            x - width / 2,
            paper,
            width,
            color=PAPER_COLOUR,
            label=f"论文（{published.citation.short}，n = {total}）",
        ),
        axes.bar(
            x + width / 2,
            reproduced,
            width,
            color=REPRODUCED_COLOUR,
            label=f"复现（n = {n_compared}）",
        ),
    ]
    for container in bars:
        axes.bar_label(container, fmt="%.1f", fontsize=8, padding=2)
    axes.set_xticks(x, [_wrap(dist.label(code)) for code in dist.codes], fontsize=9)
    axes.set_ylabel("占比（%）")
    axes.set_ylim(0, max(100.0 / len(dist.codes) * 2, *paper, *reproduced) * 1.18)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, fontsize=9, loc="upper left")
    axes.set_title(_subtitle(dist, unknown, simulated), fontsize=9, color="#555555")
    figure.suptitle(f"{dist.title}：论文与复现对比", fontsize=13)
    if simulated:
        figure.text(
            0.5,
            0.5,
            SIMULATED_MARK,
            fontsize=40,
            color="#000000",
            alpha=0.12,
            rotation=20,
            ha="center",
            va="center",
            zorder=10,
        )
    return figure


def _subtitle(dist: Distribution, unknown: int, simulated: bool) -> str:
    parts = [SIMULATED_MARK + "：演示语料，不是真实统计"] if simulated else []
    if dist.figure == "share_percent":
        parts.append("论文只公布百分比")
    if unknown:
        parts.append(f"另有 {unknown} 个未能归入论文类别，未计入占比")
    return "；".join(parts)


def _wrap(label: str) -> str:
    """Break a long category label before its bracket, else every LABEL_WIDTH characters."""
    if len(label) <= LABEL_WIDTH:
        return label
    if "（" in label:
        return label.replace("（", "\n（", 1)
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH))
