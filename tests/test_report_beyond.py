"""The report's sections beyond the paper: every analysis shown from its outputs, labelled
simulated, escaped, and a missing analysis said to be not run, with the reason."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.adjust import AdjustSummary, adjust_distribution, write_outputs
from pipeline.analyse import analyse
from pipeline.charts import SIMULATED_MARK, write_charts
from pipeline.cli import main
from pipeline.coverage import coverage_files
from pipeline.link_rot import link_rot_files
from pipeline.published import load_published
from pipeline.report import build_report
from pipeline.sensitivity import sensitivity_files
from scrapers.capture import LOG_FIELDS, LOG_NAME

WINDOW = (date(2018, 1, 1), date(2021, 8, 31))
HOSTILE = "<script>alert(1)</script>_x_"
CASES = [
    # case_id, founded, level, domain, leader_rank, unit, n_reports, hosts
    ("c1", "2018-05-01", "provincial", "politics_admin", "principal", "某省", "2", "a b"),
    ("c2", "2019-03-02", "prefecture", "economy_infrastructure", "dept_head", "某市", "1", "a"),
    ("c3", "2020-02-03", "prefecture", "society_livelihood", "deputy_in_charge", "某市", "3",
     "a b c"),
    ("c4", "2020-06-10", "county", "society_livelihood", "dept_deputy", "枫亭镇人民政府", "1", "c"),
    ("c5", "2021-03-01", "county", "economy_infrastructure", "unknown", "某县", "2", "b c"),
    ("c6", "2021-10-01", "county", "politics_admin", "principal", "某县", "1", "b"),
    ("c7", "2022-04-05", "prefecture", "politics_admin", "dept_head", "某市", "2", "a c"),
    ("c8", "2017-01-09", "provincial", "ecology_environment", "principal", "某省", "1", "a"),
]  # fmt: skip
CAPTURES = [
    # url, status, http_status
    ("http://www.zj.gov.cn.invalid/art/2020/5/1/a.html", "ok", "200"),
    ("http://news.example.invalid/2019-03/02/b.html", "archived_copy", "404"),
    ("http://www.hz.gov.cn.invalid/2021/0301/c.html", "http_error", "404"),
    ("http://site.example.invalid/d.html", "timeout", ""),
]  # fmt: skip


def _pairs(field: str, pairs: list[tuple[str, str, int]]) -> pd.DataFrame:
    rows = [(f"g{i % 7}", field, truth, coded)
            for truth, coded, n in pairs for i in range(n)]
    return pd.DataFrame(rows, columns=["article_id", "field", "truth", "coded"])


def _write_adjust(cases: pd.DataFrame, out_dir: Path) -> None:
    """Level adjusted with gold error rates that fit; domain with ones that cannot (a misfit:
    the gold set never saw society_livelihood coded as such, yet this corpus has such cases)."""
    published = load_published()
    inside = cases[(cases["founded"] >= "2018-01-01") & (cases["founded"] <= "2021-08-31")]
    gold = {
        "level": _pairs("level", [("provincial", "provincial", 9), ("prefecture", "prefecture", 8),
                                  ("prefecture", "county", 2), ("county", "county", 10)]),
        "domain": _pairs("domain", [("politics_admin", "politics_admin", 10),
                                    ("society_livelihood", "politics_admin", 10),
                                    ("economy_infrastructure", "economy_infrastructure", 10)]),
    }
    rng = np.random.default_rng(3)
    results = {field: adjust_distribution(field, published.distributions[field], inside[field],
                                          pairs, 40, rng) for field, pairs in gold.items()}
    summary = AdjustSummary(
        window={"start": WINDOW[0].isoformat(), "end": WINDOW[1].isoformat()}, simulated=True,
        split="all", draws=40, seed=3, n_cases=len(cases), n_cases_in_window=len(inside),
        distributions={field: {k: v for k, v in asdict(r).items()
                               if k not in ("table", "confusion", "field")}
                       for field, r in results.items()},
    )
    write_outputs(results, pd.concat(gold.values()), summary, published, out_dir)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("beyond")
    cases = pd.DataFrame([
        {"case_id": c, "name": f"专班{c}", "unit": unit, "founded": founded, "year": "",
         "level": level, "domain": domain, "topic": "", "leader_rank": rank,
         "first_published": founded, "n_reports": n, "urls": ""}
        for c, founded, level, domain, rank, unit, n, _ in CASES
    ])
    cases.to_csv(root / "cases.csv", index=False)
    pd.DataFrame([(c, f"http://{host}.example.invalid/{c}.html")
                  for c, *_, hosts in CASES for host in hosts.split()],
                 columns=["case_id", "url"]).to_csv(root / "case_sources.csv", index=False)
    capture = root / "capture"
    capture.mkdir()
    pd.DataFrame([{**dict.fromkeys(LOG_FIELDS, ""), "url": url, "status": status,
                   "http_status": code, "fetched_at": "2024-05-01T10:00:00"}
                  for url, status, code in CAPTURES]).to_csv(capture / LOG_NAME, index=False)
    published = load_published()
    analyse(root / "cases.csv", published, root / "tables", WINDOW, simulated=True)
    write_charts(root / "tables", published, root / "figures", simulated=True)
    beyond = root / "beyond"
    _write_adjust(cases, beyond / "adjust")
    coverage_files(root / "cases.csv", root / "case_sources.csv", beyond / "coverage",
                   simulated=True)
    link_rot_files(capture, beyond / "link_rot", simulated=True)
    sensitivity_files(root / "cases.csv", published, beyond / "sensitivity", WINDOW,
                      simulated=True)
    return root


def _build(run: Path, out: Path, beyond: Path | None, simulated: bool = True) -> tuple[str, str]:
    html, md = out / "reports" / "replication.html", out / "reports" / "replication.md"
    build_report(run / "tables", run / "figures", html, md, load_published(), simulated, None,
                 beyond=beyond)
    return html.read_text(encoding="utf-8"), md.read_text(encoding="utf-8")


def _section(text: str, start: str, end: str, after: str = "") -> str:
    """The text from `start` (the first after `after`) up to the next `end`."""
    begin = text.index(start, text.index(after))
    return text[begin:text.index(end, begin)]


@pytest.fixture(scope="module")
def report(run: Path) -> tuple[str, str]:
    return _build(run, run, run / "beyond")


def test_every_analysis_has_its_section_tables_and_charts(run: Path, report) -> None:
    html, md = report
    for anchor in ("beyond-adjust", "beyond-coverage", "beyond-link-rot", "beyond-sensitivity",
                   "beyond-past-window"):
        assert f'<h3 id="{anchor}">' in html
    assert html.count("How to read this:") == md.count("How to read this:") == 5
    assert 'class="not-run"' not in html
    # 4 distribution charts + adjusted level and domain + coverage + link rot + 4 small
    # multiples + the year series, all embedded
    assert html.count('src="data:image/png;base64,') == 13
    links = re.findall(r"\]\(([^)\s]+\.png)\)", md)
    assert len(links) == 13
    for link in links:
        assert not Path(link).is_absolute()
        assert (run / "reports" / link).resolve().is_file()
    assert "../beyond/sensitivity/year_series.png" in links


def test_every_table_and_chart_is_labelled_simulated(report) -> None:
    html, md = report
    captions = re.findall(r"<caption>(.*?)</caption>", html, flags=re.S)
    figcaptions = re.findall(r"<figcaption>(.*?)</figcaption>", html, flags=re.S)
    assert len(figcaptions) == 9
    assert all(SIMULATED_MARK in c for c in captions + figcaptions)
    md_captions = [line for line in md.splitlines() if line.startswith(("**Table", "**Chart"))]
    assert len(md_captions) == len(captions) + len(figcaptions)
    assert all(SIMULATED_MARK in c for c in md_captions)
    alts = re.findall(r'<img src="data:[^"]*" alt="([^"]*)"', html)
    assert len(alts) == 13 and all(SIMULATED_MARK in alt for alt in alts)


def test_adjusted_shares_and_the_misfit_warning(run: Path, report) -> None:
    html, md = report
    table = pd.read_csv(run / "beyond" / "adjust" / "adjusted_level.csv").set_index("code")
    row = table.loc["county"]
    assert (f"| 县级 | `county` | {row.n_cases} | {row.raw_share:.2f} | "
            f"[{row.raw_ci_low:.2f}, {row.raw_ci_high:.2f}] | {row.adjusted_share:.2f} | "
            f"[{row.adjusted_ci_low:.2f}, {row.adjusted_ci_high:.2f}] | 10 | 100.0 % |") in md
    assert row.adjusted_share < row.raw_share, "prefecture cases coded county move back"
    summary = json.loads((run / "beyond" / "adjust" / "summary.json").read_text("utf-8"))
    warning = summary["distributions"]["domain"]["warning"]
    assert warning and not summary["distributions"]["level"]["warning"]
    domain = _section(md, "#### 负责职能领域", "**Table")
    assert "> **Warning:** the gold error rates cannot reproduce" in domain
    assert html.count('<p class="warning">Warning: the gold error rates') == 1


def test_coverage_overlap_and_estimate(run: Path, report) -> None:
    html, md = report
    estimate = pd.read_csv(run / "beyond" / "coverage" / "estimate.csv").iloc[0]
    assert estimate["year"] == "all" and estimate["f1"] == 4 and estimate["f2"] == 3
    assert (f"| all | 8 | 4 | 3 | {estimate.n_estimated:.1f} | "
            f"[{estimate.ci_low:.1f}, {estimate.ci_high:.1f}] | {estimate.n_missed:.1f} |") in md
    assert "| a.example | 1 | 2 |" in md  # c2 and c8 were found on site a alone
    assert "| a.example | 5 | 2 |" in md  # site a found 5 cases, 2 of them no other site did
    assert "truth in CI" not in md, "no truth columns without a truth folder"
    assert "every host that carried a case" in html


def test_link_rot_by_source_year_and_site_level(run: Path, report) -> None:
    html, md = report
    section = _section(md, "### Link rot", "### Sensitivity")
    assert ("**Of 4 URLs (captured 2024-05-01..2024-05-01), 1 were alive and 2 dead (50.0 %): "
            "1 recovered from a web archive, 1 lost; 1 failed otherwise and 0 were never "
            "captured.**") in section
    assert "| 2019 | 1 | 0 | 1 | 0 | 0 | 0 | 1 | 100.00 | 100.00 |" in section
    assert "| 省级 `provincial` | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0.00 | — |" in section
    assert "| \\(no hits files\\) |" not in section and "| (no hits files) | 4 |" in section
    assert section.count("**Table") == 3


def test_sensitivity_small_multiples_fit_and_shares(run: Path, report) -> None:
    html, md = report
    fits = pd.read_csv(run / "beyond" / "sensitivity" / "sensitivity_fit.csv")
    level = fits[(fits["distribution"] == "level")].set_index("choice")
    section = _section(md, "#### 设立单位级别", "#### 负责职能领域", after="### Sensitivity")
    for choice, fit in level.iterrows():
        holds = "yes" if fit.ordering_holds else "**no**"
        assert f"`{choice}` | {fit.n} | {fit.tvd:.3f} | {holds} | {fit.pairs_flipped} |" in section
    # township_level moves c4 (枫亭镇人民政府) out of county into a level of its own
    assert "| 乡镇/街道 | `township` | — | — | — | 20.00 | — | — |" in section
    assert "sensitivity_level.png" in section
    assert html.count("<dt>") == 5


def test_series_past_the_window_is_marked(report) -> None:
    html, md = report
    section = _section(md, "### Beyond the window of the paper", "<a id=")
    assert "1 dated case(s) were founded before the run's window and 2 after it" in section
    assert "| 2017 | outside | 1 | 0 | 1 | 0 | 0 | — |" in section
    assert "| 2021 | part: 01-01 – 08-31 | 2 | 1 | 0 | 1 | 0 | 240 |" in section
    assert "| 2022 | outside | 1 | 0 | 0 | 1 | 0 | — |" in section
    assert "holds no case founded after" not in section


def test_missing_analyses_say_why(run: Path, tmp_path: Path) -> None:
    beyond = tmp_path / "beyond"
    shutil.copytree(run / "beyond" / "coverage", beyond / "coverage")
    html, md = _build(run, tmp_path, beyond)
    assert html.count('<p class="not-run">') == 4
    assert "Not run: there is no gold set." in html and "Not run: there is no gold set." in md
    assert "Not run: there is no capture log." in html
    assert "no sensitivity output" in html
    assert "the year series is written by the sensitivity stage" in md
    assert html.count('src="data:image/png;base64,') == 4 + 1
    html, md = _build(run, tmp_path, None)
    assert html.count("written without the analyses beyond the paper") == 5
    assert md.count("written without the analyses beyond the paper") == 5


def test_outputs_text_is_escaped(run: Path, tmp_path: Path) -> None:
    beyond = tmp_path / "beyond"
    shutil.copytree(run / "beyond", beyond)
    overlap = pd.read_csv(beyond / "coverage" / "overlap.csv")
    overlap.loc[0, "sources"] = HOSTILE
    overlap.to_csv(beyond / "coverage" / "overlap.csv", index=False)
    path = beyond / "link_rot" / "summary.json"
    summary = json.loads(path.read_text("utf-8"))
    summary["statement"] = HOSTILE
    path.write_text(json.dumps(summary), encoding="utf-8")
    html, md = _build(run, tmp_path, beyond)
    assert "<script>" not in html and "<script>" not in md
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;_x_") == 2
    assert md.count("&lt;script&gt;alert(1)&lt;/script&gt;\\_x\\_") == 2


def test_simulated_outputs_need_a_simulated_report(run: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"adjust/summary.json comes from simulated data"):
        _build(run, tmp_path, run / "beyond", simulated=False)


def test_a_missing_chart_or_folder_is_named(run: Path, tmp_path: Path) -> None:
    beyond = tmp_path / "beyond"
    shutil.copytree(run / "beyond", beyond)
    (beyond / "link_rot" / "link_rot.png").unlink()
    with pytest.raises(FileNotFoundError, match=r"link_rot\.png.*rerun the link_rot stage"):
        _build(run, tmp_path, beyond)
    with pytest.raises(FileNotFoundError, match="no such folder of analyses beyond the paper"):
        _build(run, tmp_path, tmp_path / "nowhere")


def test_report_cli_takes_beyond(run: Path, tmp_path: Path) -> None:
    pd.DataFrame({"article_id": ["a1"], "simulated": [True]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"article_id": ["a1"]}).to_parquet(tmp_path / "m.parquet")
    pd.DataFrame({"reason": ["no text"]}).to_csv(tmp_path / "dropped.csv", index=False)
    html = tmp_path / "r.html"
    assert main(["report", "--tables", str(run / "tables"), "--figures", str(run / "figures"),
                 "--cases", str(run / "cases.csv"), "--articles", str(tmp_path / "a.parquet"),
                 "--mentions", str(tmp_path / "m.parquet"), "--dropped",
                 str(tmp_path / "dropped.csv"), "--beyond", str(run / "beyond"),
                 "--html", str(html), "--md", str(tmp_path / "r.md")]) == 0
    text = html.read_text(encoding="utf-8")
    assert '<h3 id="beyond-sensitivity">' in text and 'class="not-run"' not in text
