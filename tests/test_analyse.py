"""Tests for the analyse stage on small hand-made cases.csv files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.analyse import analyse, founded_span
from pipeline.published import load_published

WINDOW = (date(2018, 1, 1), date(2021, 8, 31))
COLUMNS = [
    "case_id", "name", "unit", "province", "prefecture", "county", "level", "domain", "topic",
    "leader_rank", "founded", "year", "evidence", "n_articles", "first_published", "urls",
]  # fmt: skip


def write_cases(path: Path, rows: list[dict]) -> Path:
    """Write a cases.csv with the contract's columns (missing cells empty)."""
    full = [
        {"case_id": f"c{i}", "name": f"专班{i}", "n_articles": 1, **row}
        for i, row in enumerate(rows)
    ]
    pd.DataFrame(full, columns=COLUMNS).astype(object).fillna("").to_csv(path, index=False)
    return path


def paper_shaped_rows() -> list[dict]:
    """513 cases whose year, level and domain counts equal the published ones exactly."""
    years = [2018] * 24 + [2019] * 27 + [2020] * 222 + [2021] * 240
    levels = ["national"] * 8 + ["provincial"] * 126 + ["prefecture"] * 217 + ["county"] * 162
    domains = (
        ["politics_admin"] * 129
        + ["economy_infrastructure"] * 189
        + ["edu_sci_culture_health"] * 94
        + ["society_livelihood"] * 88
        + ["ecology_environment"] * 13
    )
    topics = [""] * 318 + ["epidemic"] * 73 + [""] * 122
    return [
        {
            "founded": f"{y}-03-01",
            "year": y,
            "level": lv,
            "domain": d,
            "topic": t,
            "leader_rank": "principal",
        }
        for y, lv, d, t in zip(years, levels, domains, topics, strict=True)
    ]


@pytest.fixture(scope="module")
def published():
    return load_published()


def test_identical_distributions_fit_perfectly(tmp_path, published) -> None:
    cases = write_cases(tmp_path / "cases.csv", paper_shaped_rows())
    result = analyse(cases, published, tmp_path / "tables", WINDOW, simulated=False)
    for key in ("year", "level", "domain"):
        fit = result.fits[key]
        assert fit.n == fit.n_compared == 513
        assert fit.chi2 == pytest.approx(0.0)
        assert fit.p_value == pytest.approx(1.0)
        assert fit.tvd == pytest.approx(0.0)
        table = result.tables[key].set_index("code").loc[list(published.distributions[key].codes)]
        assert table["diff_share"].abs().max() == pytest.approx(0.0)
    epidemic = result.subfigures.set_index("topic").loc["epidemic"]
    assert (epidemic["reproduced_count"], epidemic["reproduced_share"]) == (73, 77.66)
    assert epidemic["reproduced_rank"] == 1
    rank = result.fits["leader_rank"]
    assert rank.tvd == pytest.approx(1 - 0.1259)


def test_tvd_and_chi_square_by_hand(tmp_path, published) -> None:
    rows = [
        {"founded": "2020-01-02", "level": "provincial"},
        {"founded": "2020-01-02", "level": "provincial"},
        {"founded": "2020-01-02", "level": "prefecture"},
        {"founded": "2020-01-02", "level": "county"},
        {"founded": "2020-01-02", "level": ""},
    ]
    cases = write_cases(tmp_path / "cases.csv", rows)
    result = analyse(cases, published, tmp_path / "tables", WINDOW, simulated=True)
    fit = result.fits["level"]
    assert (fit.n, fit.n_compared, fit.n_unknown, fit.n_other) == (5, 4, 1, 0)
    paper = [8 / 513, 126 / 513, 217 / 513, 162 / 513]
    observed = [0, 2, 1, 1]
    tvd = 0.5 * sum(abs(o / 4 - p) for o, p in zip(observed, paper, strict=True))
    chi2 = sum((o - 4 * p) ** 2 / (4 * p) for o, p in zip(observed, paper, strict=True))
    assert fit.tvd == pytest.approx(tvd)
    assert fit.chi2 == pytest.approx(chi2)
    assert fit.dof == 3
    assert fit.min_expected == pytest.approx(4 * 8 / 513)
    assert 0.0 < fit.p_value < 1.0

    table = pd.read_csv(tmp_path / "tables" / "level.csv", dtype={"code": str})
    assert list(table.columns) == [
        "code", "label", "paper_count", "paper_share", "reproduced_count",
        "reproduced_share", "diff_share", "paper_basis",
    ]  # fmt: skip
    provincial = table.set_index("code").loc["provincial"]
    assert provincial["paper_count"] == 126
    assert provincial["reproduced_share"] == 50.0
    assert provincial["diff_share"] == pytest.approx(round(50.0 - 100 * 126 / 513, 2))
    unknown = table.set_index("code").loc["unknown"]
    assert unknown["reproduced_count"] == 1 and pd.isna(unknown["paper_share"])


def test_leader_rank_paper_counts_are_derived_from_shares(tmp_path, published) -> None:
    cases = write_cases(tmp_path / "cases.csv", [{"founded": "2019", "leader_rank": "dept_head"}])
    analyse(cases, published, tmp_path / "tables", WINDOW, simulated=False)
    table = pd.read_csv(tmp_path / "tables" / "leader_rank.csv").set_index("code")
    assert table.loc["principal", "paper_count"] == 64.59
    assert table.loc["principal", "paper_basis"] == "share × 513"
    assert table.loc["dept_head", "reproduced_share"] == 100.0
    assert table.loc["dept_head", "diff_share"] == pytest.approx(100.0 - 26.57)


def test_window_counts_outside_and_undated_cases(tmp_path, published) -> None:
    rows = [
        {"founded": "2017-12-31", "level": "county"},
        {"founded": "2021-09-01", "level": "county"},
        {"founded": "2021-08", "level": "county"},
        {"founded": "2021", "level": "county"},
        {"founded": "", "year": "2019", "level": "county"},
        {"founded": "", "year": "", "level": "county"},
        {"founded": "2018-01-01", "level": "county"},
    ]
    cases = write_cases(tmp_path / "cases.csv", rows)
    result = analyse(cases, published, tmp_path / "tables", WINDOW, simulated=True)
    assert (result.n_cases, result.n_in_window) == (7, 4)
    assert (result.n_outside_window, result.n_undated) == (2, 1)
    outside = pd.read_csv(tmp_path / "tables" / "outside_window.csv", dtype=str)
    assert dict(zip(outside["case_id"], outside["reason"], strict=True)) == {
        "c0": "before window",
        "c1": "after window",
        "c5": "undated",
    }
    year = result.tables["year"].set_index("code")["reproduced_count"]
    assert year.to_dict() == {"2018": 1, "2019": 1, "2020": 0, "2021": 2}
    summary = json.loads((tmp_path / "tables" / "summary.json").read_text(encoding="utf-8"))
    assert summary["window"] == {"start": "2018-01-01", "end": "2021-08-31"}
    assert summary["simulated"] is True
    assert (summary["n_in_window"], summary["n_outside_window"], summary["n_undated"]) == (4, 2, 1)
    assert summary["fit"]["level"]["n_compared"] == 4
    fit_csv = pd.read_csv(tmp_path / "tables" / "fit.csv")
    assert list(fit_csv["distribution"]) == ["year", "level", "domain", "leader_rank"]


def test_codes_outside_the_paper_get_their_own_row(tmp_path, published) -> None:
    rows = [{"founded": "2020-05-05", "domain": "sports"}, {"founded": "2020-05-05"}]
    cases = write_cases(tmp_path / "cases.csv", rows)
    result = analyse(cases, published, tmp_path / "tables", WINDOW, simulated=False)
    fit = result.fits["domain"]
    assert (fit.n_compared, fit.n_unknown, fit.n_other) == (0, 1, 1)
    assert fit.chi2 is None and fit.tvd is None
    assert list(result.tables["domain"]["code"].tail(2)) == ["sports", "unknown"]
    summary = json.loads((tmp_path / "tables" / "summary.json").read_text(encoding="utf-8"))
    assert summary["fit"]["domain"]["p_value"] is None


def test_missing_column_is_named(tmp_path, published) -> None:
    path = tmp_path / "cases.csv"
    pd.DataFrame({"case_id": ["c1"], "name": ["x"]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['unit'"):
        analyse(path, published, tmp_path / "tables", WINDOW, simulated=False)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2020-03-05", (date(2020, 3, 5), date(2020, 3, 5))),
        ("2020-02", (date(2020, 2, 1), date(2020, 2, 29))),
        ("2020-12", (date(2020, 12, 1), date(2020, 12, 31))),
        ("2021", (date(2021, 1, 1), date(2021, 12, 31))),
        ("2020-13", None),
        ("2020年3月", None),
        ("", None),
    ],
)
def test_founded_span(text: str, span) -> None:
    assert founded_span(text) == span
