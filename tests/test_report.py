"""Tests for the replication report (HTML and Markdown)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.analyse import analyse
from pipeline.charts import SIMULATED_MARK, write_charts
from pipeline.published import load_published
from pipeline.recovery import FieldAccuracy, RecoveryResult
from pipeline.report import build_report

CHART_KEYS = ("year", "level", "domain", "leader_rank")
HOSTILE = "<script>alert(1)</script>专班"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;专班"
CASES = [
    # name, unit, founded, level, domain, leader_rank, urls
    (HOSTILE, "某县<b>政府</b>", "2020-02-03", "county", "politics_admin", "principal",
     "javascript:alert(2) http://x.invalid/1"),
    ("稳就业工作专班", "安康市人民政府", "2020-04-01", "prefecture", "society_livelihood",
     "principal", "http://www.ankang.gov.cn.invalid/a.html?x=1&y=2"),
    ("招商引资工作专班", "某市", "2021-03", "prefecture", "economy_infrastructure",
     "dept_head", ""),
    ("过早的<i>专班</i>", "某省", "2016-05-05", "provincial", "", "", ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report")
    rows = [
        {"case_id": f"c{i}", "name": n, "unit": u, "founded": f, "year": "", "level": lv,
         "domain": d, "topic": "", "leader_rank": r, "urls": urls}
        for i, (n, u, f, lv, d, r, urls) in enumerate(CASES)
    ]  # fmt: skip
    pd.DataFrame(rows).to_csv(root / "cases.csv", index=False)
    published = load_published()
    window = (date(2018, 1, 1), date(2021, 8, 31))
    analyse(root / "cases.csv", published, root / "tables", window, simulated=True)
    write_charts(root / "tables", published, root / "figures", simulated=True)
    return root / "tables", root / "figures"


def _recovery() -> RecoveryResult:
    return RecoveryResult(
        n_predicted=4,
        n_truth=5,
        n_matched=3,
        precision=0.75,
        recall=0.6,
        f1=2 * 0.75 * 0.6 / 1.35,
        fields={"level": FieldAccuracy("level", 3, 2, 2 / 3)},
        confusion={"level": {"county": {"county": 2, "prefecture": 1}}},
        distributions={"level": {"county": {"truth": 3, "predicted": 2}}},
        unmatched_truth=[{"case_id": "t9", "name": "<img src=x onerror=alert(3)>专班"}],
    )


def _build(analysed, tmp_path, simulated=True, recovery=None, extras=None) -> tuple[str, str]:
    tables, figures = analysed
    out_html = tmp_path / "reports" / "replication.html"
    out_md = tmp_path / "reports" / "replication.md"
    build_report(tables, figures, out_html, out_md, load_published(), simulated, recovery, extras)
    return out_html.read_text(encoding="utf-8"), out_md.read_text(encoding="utf-8")


def test_page_text_is_escaped(analysed, tmp_path) -> None:
    html, md = _build(analysed, tmp_path, recovery=_recovery())
    for text in (html, md):
        assert ESCAPED in text
        assert "<script>" not in text
        assert "某县&lt;b&gt;政府&lt;/b&gt;" in text
        assert "&lt;img src=x onerror=alert(3)&gt;专班" in text
    assert "过早的&lt;i&gt;专班&lt;/i&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="http://www.ankang.gov.cn.invalid/a.html?x=1&amp;y=2"' in html


def test_simulated_banner_and_every_caption_marked(analysed, tmp_path) -> None:
    html, md = _build(analysed, tmp_path)
    assert 'class="banner"' in html and SIMULATED_MARK in html.split("<h2")[0]
    captions = re.findall(r"<caption>(.*?)</caption>", html, flags=re.S)
    assert len(captions) >= 10
    assert all(SIMULATED_MARK in c for c in captions)
    md_captions = [line for line in md.splitlines() if line.startswith("**Table")]
    assert len(md_captions) == len(captions)
    assert all(SIMULATED_MARK in c for c in md_captions)
    assert md.splitlines()[0].endswith(SIMULATED_MARK)


def test_real_run_has_no_simulated_mark(analysed, tmp_path) -> None:
    html, md = _build(analysed, tmp_path, simulated=False)
    assert SIMULATED_MARK not in html and SIMULATED_MARK not in md
    assert 'class="banner"' not in html


def test_content_tables_fit_and_charts(analysed, tmp_path) -> None:
    extras = {
        "pages_captured": 12,
        "articles_parsed": 10,
        "mentions": 7,
        "cases": 4,
        "dropped": [{"stage": "parse", "reason": "no text", "count": 2}],
    }
    html, md = _build(analysed, tmp_path, extras=extras)
    assert html.count('src="data:image/png;base64,') == 4
    links = re.findall(r"\]\(([^)\s]+\.png)\)", md)
    assert [Path(link).name for link in links] == [f"{k}.png" for k in CHART_KEYS]
    for link in links:
        assert not Path(link).is_absolute()
        assert (tmp_path / "reports" / link).resolve() == (analysed[1] / Path(link).name).resolve()
    assert '<tr><td>pages captured</td><td class="n">12</td></tr>' in html
    assert "| parse | no text | 2 |" in md
    assert "How to read this report" in html and "How to read this report" in md
    # year table: two 2020 cases and one 2021 case of three in the window
    assert "| 2020年 | `2020` | 222 | 43.27 | 2 | 66.67 | +23.39 |" in md
    assert "| 一级党委/政府主要领导 | `principal` | ≈64.59 | 12.59 | 2 | 66.67 | +54.08 |" in md
    assert "| 过早的&lt;i&gt;专班&lt;/i&gt; | 某省 | 2016-05-05 | before window |" in md
    assert "no whole number of cases out of 513 gives 12.59 %" in md
    assert "The smallest expected count is 0.05 (below 5)" in md
    assert "浙江日报, 2018-04-16, 浙江省开化县 (23 专班)" in html
    assert "Recovery of the simulated truth" not in md


def test_recovery_section(analysed, tmp_path) -> None:
    html, md = _build(analysed, tmp_path, recovery=_recovery())
    assert "| 4 | 5 | 3 | 75.0 % | 60.0 % | 66.7 % |" in md
    assert "| `level` | 2 | 3 | 66.7 % |" in md
    assert "| `county` | 2 | 1 |" in md
    assert "Recovery of the simulated truth" in html


def test_unknown_extras_key_is_rejected(analysed, tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown key"):
        _build(analysed, tmp_path, extras={"pages": 3})


def test_counts_open_the_case_index_even_without_case_sources(analysed, tmp_path) -> None:
    html, md = _build(analysed, tmp_path)
    assert '<td class="n"><a href="#cases-level-prefecture">2</a></td>' in html
    assert html.count('<article class="case"') == len(CASES)
    assert '<a href="http://x.invalid/1">http://x.invalid/1</a>' in html
    assert "<li><code>javascript:alert(2)</code> · article <code>—</code>" in html
    assert "[list](#cases-level-prefecture)" in md and '<a id="case-c3"></a>' in md
