"""Charts of the analyses beyond the paper: adjusted shares, coverage, link rot, sensitivity
small multiples and the year series past the paper's window (PNG and SVG, Chinese labels)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.charts import CHART_FORMATS, PAPER_COLOUR, REPRODUCED_COLOUR, SIMULATED_MARK
from pipeline.fonts import cjk_rc

ADJUSTED_COLOUR = "#2c7fb8"
SHADE_COLOUR = "#f3e5c8"
TRUTH_COLOUR = "#27ae60"
OUTCOME_COLOURS = {
    "alive": "#27ae60",
    "archived": "#2c7fb8",
    "lost": "#c0392b",
    "other_failure": "#e67e22",
    "not_captured": "#bdc3c7",
}
OUTCOME_LABELS = {
    "alive": "可访问（alive）",
    "archived": "失效，存档找回（archived）",
    "lost": "失效，无存档（lost）",
    "other_failure": "其他失败（other）",
    "not_captured": "未抓取（not captured）",
}
PANEL_COLUMNS = 3
LABEL_WIDTH = 7
PANEL_LABEL_WIDTH = 5


def save_figure(figure: Figure, stem: Path) -> list[Path]:
    """Save a figure as stem.png and stem.svg (reproducible SVG ids, no timestamps)."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in CHART_FORMATS:
        path = stem.with_suffix(f".{fmt}")
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(path, format=fmt, dpi=150, metadata=metadata)
        paths.append(path)
    return paths


def new_figure(width: float, height: float, title: str, simulated: bool) -> Figure:
    """An empty figure with its title and, for simulated data, the SIMULATED watermark."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=13)
    if simulated:
        figure.text(0.5, 0.5, SIMULATED_MARK, fontsize=40, color="#000000", alpha=0.12,
                    rotation=20, ha="center", va="center", zorder=10)
        figure.supxlabel(SIMULATED_MARK + "：演示语料，不是真实统计", fontsize=9, color="#555555")
    return figure


def wrap_label(label: str, width: int = LABEL_WIDTH) -> str:
    """Break a long category label before its bracket, else every `width` characters."""
    if len(label) <= width:
        return label
    if "（" in label:
        return label.replace("（", "\n（", 1)
    return "\n".join(textwrap.wrap(label, width))


def _subtitle(axes: Axes, text: str) -> None:
    axes.set_title(text, fontsize=9, color="#555555")


def _tidy(axes: Axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)


def adjusted_chart(table: pd.DataFrame, title: str, note: str, simulated: bool,
                   stem: Path) -> list[Path]:
    """Raw and error-adjusted shares (%) side by side, each with its 95 % interval."""
    with matplotlib.rc_context({**cjk_rc(), "svg.hashsalt": "zhuanban"}):
        figure = new_figure(8, 4.8, f"{title}：原始与误差校正占比", simulated)
        axes = figure.add_subplot()
        x = np.arange(len(table))
        width = 0.38
        series = [("raw", "复现（编码结果）", REPRODUCED_COLOUR, -width / 2),
                  ("adjusted", "校正后（按金标准混淆矩阵）", ADJUSTED_COLOUR, width / 2)]
        for prefix, label, colour, offset in series:
            share = table[f"{prefix}_share"].astype(float).to_numpy()
            low = table[f"{prefix}_ci_low"].astype(float).to_numpy()
            high = table[f"{prefix}_ci_high"].astype(float).to_numpy()
            errors = np.vstack([np.clip(share - low, 0, None), np.clip(high - share, 0, None)])
            bars = axes.bar(x + offset, share, width, color=colour, label=label,
                            yerr=errors, capsize=3, error_kw={"elinewidth": 1})
            axes.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
        axes.set_xticks(x, [wrap_label(str(label)) for label in table["label"]], fontsize=9)
        axes.set_ylabel("占比（%，竖线为 95% 区间）")
        top = float(np.nanmax(table[["raw_ci_high", "adjusted_ci_high"]].astype(float).to_numpy()))
        axes.set_ylim(0, max(10.0, top) * 1.18)
        axes.legend(frameon=False, fontsize=9, loc="upper left")
        _subtitle(axes, note)
        _tidy(axes)
        return save_figure(figure, stem)


def coverage_chart(per_year: pd.DataFrame, incidence: pd.Series, simulated: bool,
                   stem: Path) -> list[Path]:
    """Left: cases by number of sources that found them. Right: per year, the cases found and
    the capture–recapture estimate with its 95 % interval (and the truth when known)."""
    with matplotlib.rc_context({**cjk_rc(), "svg.hashsalt": "zhuanban"}):
        figure = new_figure(11, 4.6, "检索覆盖：来源重叠与遗漏估计", simulated)
        left, right = figure.subplots(1, 2, width_ratios=[1, 2])
        left.bar(incidence.index.astype(str), incidence.to_numpy(), color=PAPER_COLOUR)
        left.set_xlabel("发现该案例的来源数")
        left.set_ylabel("案例数")
        _subtitle(left, "只被一个来源发现的越多，遗漏越多")
        _tidy(left)
        x = np.arange(len(per_year))
        observed = per_year["n_observed"].astype(float).to_numpy()
        estimate = per_year["n_estimated"].astype(float).to_numpy()
        low = per_year["ci_low"].astype(float).to_numpy()
        high = per_year["ci_high"].astype(float).to_numpy()
        right.bar(x, observed, 0.6, color=REPRODUCED_COLOUR, label="找到的案例")
        errors = np.vstack([np.clip(estimate - low, 0, None), np.clip(high - estimate, 0, None)])
        right.errorbar(x, estimate, yerr=errors, fmt="o", color="#222222", capsize=4,
                       label="估计总数（Chao，95% 区间）")
        if "n_truth" in per_year and per_year["n_truth"].notna().any():
            right.scatter(x, per_year["n_truth"].astype(float), marker="D", color=TRUTH_COLOUR,
                          zorder=5, label="真实总数（模拟真值）")
        right.set_xticks(x, [str(year) for year in per_year["year"]])
        right.set_ylabel("案例数")
        right.legend(frameon=False, fontsize=9, loc="upper left")
        _tidy(right)
        return save_figure(figure, stem)


def link_rot_chart(tables: dict[str, pd.DataFrame], titles: dict[str, str], outcomes: Sequence[str],
                   simulated: bool, stem: Path) -> list[Path]:
    """One panel per breakdown (year, site level …): stacked shares of each outcome."""
    with matplotlib.rc_context({**cjk_rc(), "svg.hashsalt": "zhuanban"}):
        rows = max(len(table) for table in tables.values())
        figure = new_figure(11, 1.2 + 0.42 * rows, "链接失效与存档找回", simulated)
        panels = figure.subplots(1, len(tables), squeeze=False)[0]
        for axes, (key, table) in zip(panels, tables.items(), strict=True):
            y = np.arange(len(table))
            left = np.zeros(len(table))
            totals = table["n_urls"].astype(float).to_numpy()
            for outcome in outcomes:
                share = 100.0 * table[outcome].astype(float).to_numpy() / np.where(
                    totals > 0, totals, 1.0)
                axes.barh(y, share, left=left, color=OUTCOME_COLOURS[outcome],
                          label=OUTCOME_LABELS[outcome])
                left += share
            axes.set_yticks(y, [f"{group}（{int(n)}）" for group, n in
                                zip(table["group"], totals, strict=True)], fontsize=8)
            axes.invert_yaxis()
            axes.set_xlim(0, 100)
            axes.set_xlabel("网址占比（%）")
            _subtitle(axes, titles[key])
            _tidy(axes)
        panels[0].legend(frameon=False, fontsize=8, loc="lower left",
                         bbox_to_anchor=(0, 1.08), ncol=3)
        return save_figure(figure, stem)


def sensitivity_chart(table: pd.DataFrame, choices: dict[str, str], paper: dict[str, float],
                      title: str, simulated: bool, stem: Path) -> list[Path]:
    """Small multiples: one panel per coding choice, its shares as bars, the paper's as marks.

    table holds one distribution's rows (choice, code, label, share); choices maps each choice
    key to its label, in panel order.
    """
    with matplotlib.rc_context({**cjk_rc(), "svg.hashsalt": "zhuanban"}):
        columns = min(PANEL_COLUMNS, len(choices))
        rows = math.ceil(len(choices) / columns)
        figure = new_figure(4.2 * columns, 3.4 * rows + 0.6, f"{title}：不同编码选择下的分布",
                            simulated)
        panels = figure.subplots(rows, columns, squeeze=False, sharey=True).ravel()
        top = max(10.0, float(table["share"].max()), *paper.values()) * 1.15
        for axes, (choice, label) in zip(panels, choices.items(), strict=False):
            rows_of = table[table["choice"] == choice]
            x = np.arange(len(rows_of))
            axes.bar(x, rows_of["share"].astype(float), 0.65, color=REPRODUCED_COLOUR)
            marks = [paper.get(code, np.nan) for code in rows_of["code"]]
            axes.scatter(x, marks, marker="_", s=300, linewidths=2.5, color="#222222",
                         zorder=5, label="论文")
            axes.set_xticks(x, [wrap_label(str(name), PANEL_LABEL_WIDTH)
                                for name in rows_of["label"]], fontsize=7)
            axes.set_ylim(0, top)
            axes.set_title(label, fontsize=10)
            _tidy(axes)
        for axes in panels[len(choices):]:
            axes.set_visible(False)
        panels[0].set_ylabel("占比（%）")
        panels[0].legend(frameon=False, fontsize=8, loc="upper left")
        return save_figure(figure, stem)


def year_series_chart(series: pd.DataFrame, window: tuple[str, str],
                      window_span: tuple[float, float], simulated: bool,
                      stem: Path) -> list[Path]:
    """Cases per founding year, inside and outside the window, the window shaded and its ends
    dated, the paper's counts marked. window holds its ISO dates, window_span the same in
    fractional years (2018.0 … 2021.67); a year's bar spans year ± 0.5."""
    with matplotlib.rc_context({**cjk_rc(), "svg.hashsalt": "zhuanban"}):
        figure = new_figure(9, 4.6, "设立时间：论文窗口之外的年度序列", simulated)
        axes = figure.add_subplot()
        years = series["year"].astype(int).to_numpy()
        left, right = window_span[0] - 0.5, window_span[1] - 0.5
        axes.axvspan(left, right, color=SHADE_COLOUR, zorder=0,
                     label=f"论文时间窗口（{window[0]} 至 {window[1]}）")
        for edge in (left, right):
            axes.axvline(edge, color="#9a7d3c", linestyle="--", linewidth=1, zorder=1)
        inside = series["inside_window"].astype(float).to_numpy()
        outside = (series["n_cases"] - series["inside_window"]).astype(float).to_numpy()
        axes.bar(years, inside, 0.7, color=REPRODUCED_COLOUR, label="窗口内")
        axes.bar(years, outside, 0.7, bottom=inside, color="#e8a29a", label="窗口外")
        paper = series["paper_count"].astype(float).to_numpy()
        axes.scatter(years, paper, marker="_", s=500, linewidths=2.5, color="#222222",
                     zorder=5, label="论文")
        axes.set_xticks(years, [str(year) for year in years])
        axes.set_xlim(min(years.min() - 0.6, left - 0.1), max(years.max() + 0.6, right + 0.1))
        top = np.nanmax([series["n_cases"].max(), np.nanmax(np.append(paper, 0.0))])
        axes.set_ylim(0, top * 1.3)
        axes.set_ylabel("案例数")
        axes.legend(frameon=False, fontsize=9, loc="upper left")
        _subtitle(axes, "按设立日期；只知年份的案例算作窗口内")
        _tidy(axes)
        return save_figure(figure, stem)
