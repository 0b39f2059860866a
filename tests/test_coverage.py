"""Coverage: Chao's estimate on simulated capture–recapture populations, source attribution,
overlap tables and the check against a known truth."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.coverage import (
    chao_estimate,
    hits_table,
    overlap_table,
    per_source_table,
    sources_found,
    url_host,
)


def test_the_estimate_finds_a_known_population_size() -> None:
    rng = np.random.default_rng(0)
    n, k = 3000, 6
    found = (rng.random((n, k)) < 0.25).sum(axis=1)  # independent sources, equal chances
    estimate = chao_estimate(found, k)
    assert estimate.n_observed < 0.85 * n
    assert estimate.n_estimated == pytest.approx(n, rel=0.03)
    assert estimate.ci_low < n < estimate.ci_high
    assert estimate.n_missed == pytest.approx(estimate.n_estimated - estimate.n_observed)


def test_the_estimate_is_a_lower_bound_when_some_cases_are_harder_to_find() -> None:
    rng = np.random.default_rng(1)
    chances = np.where(np.arange(3000) < 1500, 0.05, 0.5)[:, None]
    found = (rng.random((3000, 6)) < chances).sum(axis=1)
    estimate = chao_estimate(found, 6)
    assert estimate.n_observed < estimate.n_estimated < 3000


def test_the_formula_on_a_small_example() -> None:
    estimate = chao_estimate([1, 1, 1, 2, 2, 3, 0], 4)
    assert (estimate.n_observed, estimate.f1, estimate.f2) == (6, 3, 2)
    # 6 + (3/4) · 3·2 / (2·3)
    assert estimate.n_estimated == pytest.approx(6.75)
    assert estimate.ci_low < 6.75 < estimate.ci_high


def test_no_estimate_from_one_source_and_no_interval_without_singletons() -> None:
    single = chao_estimate([1, 1, 1], 1)
    assert single.n_estimated is None and "two sources" in single.note
    saturated = chao_estimate([2, 3, 2, 1], 3)
    assert saturated.n_estimated == saturated.ci_low == saturated.ci_high == 4
    assert "no interval" in saturated.note


def write_hits(folder: Path) -> Path:
    folder.mkdir()
    lines = {
        "people": [{"url": "http://a.cn/1.html", "source": "people", "date": "2020-01-02"},
                   {"url": "http://b.cn/2.html#top", "source": "people", "date": ""}],
        "gov_cn": [{"url": "http://a.cn/1.html/", "source": "gov_cn", "date": "2020-01-03"},
                   {"url": "http://c.cn/3.html"}],
    }
    for name, hits in lines.items():
        (folder / f"{name}.jsonl").write_text(
            "".join(json.dumps(hit) + "\n" for hit in hits), encoding="utf-8")
    return folder


def test_cases_are_attributed_to_the_sources_whose_hits_found_them(tmp_path: Path) -> None:
    hits = hits_table(write_hits(tmp_path / "hits"))
    assert set(hits["source"]) == {"people", "gov_cn"}  # gov_cn's second hit names no source
    cases = pd.DataFrame({"case_id": ["x", "y", "z"], "founded": ["2020-01-01", "", "2021"],
                          "year": ["2020", "2019", "2021"]})
    case_sources = pd.DataFrame({
        "case_id": ["x", "y", "y", "z"],
        "url": ["http://a.cn/1.html", "http://b.cn/2.html", "http://c.cn/3.html",
                "http://d.cn/unknown.html"],
    })
    found, unmatched = sources_found(cases, case_sources, hits)
    by_case = found.set_index("case_id")
    assert by_case.at["x", "sources"] == ("gov_cn", "people")
    assert by_case.at["y", "sources"] == ("gov_cn", "people")
    assert by_case.at["y", "year"] == "2019"
    assert by_case.at["z", "n_sources"] == 0 and unmatched == 1
    overlap = overlap_table(found)
    assert overlap.to_dict("records") == [{"sources": "gov_cn + people", "n_sources": 2,
                                           "n_cases": 2}]
    per_source = per_source_table(found).set_index("source")
    assert per_source.loc["people", "n_cases"] == 2
    assert per_source.loc["people", "n_only_this_source"] == 0


def test_without_hits_each_host_is_a_source() -> None:
    assert url_host("http://www.Ankang.gov.cn.invalid:8080/a.html") == "www.ankang.gov.cn"
    cases = pd.DataFrame({"case_id": ["x"], "founded": ["2020-05-01"], "year": ["2020"]})
    case_sources = pd.DataFrame({"case_id": ["x", "x"], "url": ["http://a.cn.invalid/1",
                                                               "http://b.cn.invalid/2"]})
    found, _ = sources_found(cases, case_sources, None)
    assert found.at[0, "sources"] == ("a.cn", "b.cn")


def write_demo_like(folder: Path) -> dict[str, Path]:
    """Four truth task forces; the pipeline found three of them (C4 missed)."""
    truth = folder / "truth"
    truth.mkdir(parents=True)
    pd.DataFrame({
        "case_id": ["C1", "C2", "C3", "C4"],
        "name": ["稳就业工作专班", "招商引资工作专班", "禁毒打零专班", "春运工作专班"],
        "founded": ["2020-02-01", "2020-05-01", "2021-03-01", "2021-01-10"],
        "year": ["2020", "2020", "2021", "2021"],
    }).to_csv(truth / "cases.csv", index=False)
    pages = [("http://a.cn.invalid/1", "C1"), ("http://b.cn.invalid/1", "C1"),
             ("http://a.cn.invalid/2", "C2"), ("http://b.cn.invalid/3", "C3"),
             ("http://c.cn.invalid/3", "C3"), ("http://c.cn.invalid/4", "C4"),
             ("http://c.cn.invalid/5", "")]
    pd.DataFrame(pages, columns=["url", "case_id"]).to_csv(truth / "pages.csv", index=False)
    cases = folder / "cases.csv"
    pd.DataFrame({
        "case_id": ["p1", "p2", "p3"],
        "name": ["稳就业工作专班", "招商引资专班", "禁毒打零专班"],
        "founded": ["2020-02-01", "2020-05-03", "2021-03-01"],
        "year": ["2020", "2020", "2021"],
    }).to_csv(cases, index=False)
    case_sources = folder / "case_sources.csv"
    pd.DataFrame({"case_id": ["p1", "p1", "p2", "p3", "p3"],
                  "url": ["http://a.cn.invalid/1", "http://b.cn.invalid/1",
                          "http://a.cn.invalid/2", "http://b.cn.invalid/3",
                          "http://c.cn.invalid/3"]}).to_csv(case_sources, index=False)
    return {"truth": truth, "cases": cases, "case_sources": case_sources}


def test_coverage_command_checks_the_estimate_against_the_truth(tmp_path: Path) -> None:
    paths = write_demo_like(tmp_path)
    out = tmp_path / "coverage"
    code = main(["coverage", "--cases", str(paths["cases"]), "--case-sources",
                 str(paths["case_sources"]), "--truth-dir", str(paths["truth"]), "-o", str(out),
                 "--simulated"])
    assert code == 0
    estimates = pd.read_csv(out / "estimate.csv", dtype={"year": str}).set_index("year")
    overall = estimates.loc["all"]
    assert (overall["n_observed"], overall["f1"], overall["f2"]) == (3, 1, 2)
    assert (overall["n_truth"], overall["n_truth_found"], overall["n_truth_missed"]) == (4, 3, 1)
    assert overall["error"] == pytest.approx(overall["n_estimated"] - 4, abs=0.1)
    assert estimates.loc["2021", "n_truth_missed"] == 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["mode"] == "hosts" and summary["n_sources"] == 3
    assert summary["truth_pages_estimate"]["n_observed"] == 4
    assert summary["truth_pages_estimate"]["n_truth"] == 4
    overlap = pd.read_csv(out / "overlap.csv")
    assert overlap["n_cases"].sum() == 3
    assert "SIMULATED" in (out / "coverage.svg").read_text(encoding="utf-8")
