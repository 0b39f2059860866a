"""Sensitivity: each coding choice changes what it says, fit to the paper, the year series."""

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.published import load_published
from pipeline.sensitivity import CHOICES, choice_fit, township_pattern, year_series

WINDOW = (date(2018, 1, 1), date(2021, 8, 31))


def make_cases(rows: list[dict[str, str]]) -> pd.DataFrame:
    defaults = {"name": "专班", "unit": "某县人民政府", "level": "county",
                "domain": "politics_admin", "topic": "", "leader_rank": "principal",
                "founded": "2020-05-01", "year": "2020", "n_reports": "2",
                "first_published": "2020-05-03"}
    return pd.DataFrame([{"case_id": f"c{i}", **defaults, **row}
                         for i, row in enumerate(rows)]).astype(str)


@pytest.mark.parametrize(("unit", "township"), [
    ("仙游县枫亭镇人民政府", True),
    ("东莞市道滘镇", True),
    ("寿光市洛城街道", True),
    ("江宁区秣陵街道办事处", True),
    ("某旗某苏木党委", True),
    ("桐乡市人民政府", False),
    ("固原市住房和城乡建设局", False),
    ("开化县人民政府", False),
])
def test_township_units(unit: str, township: bool) -> None:
    assert bool(township_pattern().search(unit)) is township


def test_each_choice_changes_what_it_documents() -> None:
    cases = make_cases([
        {"founded": "2017-12-20", "year": "2017", "first_published": "2018-01-05"},
        {"unit": "仙游县枫亭镇人民政府"},
        {"unit": "东莞市道滘镇", "level": "prefecture"},  # coded prefecture: left alone
        {"leader_rank": "unknown", "n_reports": "1"},
        {"n_reports": ""},
    ])
    counted = {key: choice(cases, WINDOW) for key, choice in CHOICES.items()}
    assert list(counted["baseline"]["case_id"]) == ["c1", "c2", "c3", "c4"]
    assert "c0" in set(counted["founded_first_report"]["case_id"])
    assert counted["founded_first_report"].set_index("case_id").at["c0", "year_code"] == "2018"
    levels = counted["township_level"].set_index("case_id")["level"]
    assert levels.to_dict() == {"c1": "township", "c2": "prefecture", "c3": "county",
                                "c4": "county"}
    assert "c3" not in set(counted["leader_known_only"]["case_id"])
    assert list(counted["multi_report_only"]["case_id"]) == ["c1", "c2", "c4"]


def test_distance_and_ordering_against_the_paper() -> None:
    rows = [
        {"code": "a", "count": 50, "share": 50.0, "paper_share": 60.0},
        {"code": "b", "count": 30, "share": 30.0, "paper_share": 40.0},
        {"code": "unknown", "count": 20, "share": 20.0, "paper_share": None},
    ]
    fit = choice_fit("baseline", "level", rows, ("a", "b"))
    assert fit.n == 100
    assert fit.tvd == pytest.approx(0.2)  # (10 + 10 + 20) / 2 %
    assert fit.ordering_holds and fit.pairs_flipped == 0
    rows[1]["share"] = 50.0  # a tie breaks the paper's strict order
    flipped = choice_fit("baseline", "level", rows, ("a", "b"))
    assert not flipped.ordering_holds and flipped.pairs_flipped == 1


def test_year_series_runs_past_the_window_and_splits_its_last_year() -> None:
    cases = make_cases([
        {"founded": "2017-06-01", "year": "2017"},
        {"founded": "2021-03-01", "year": "2021"},
        {"founded": "2021-10-01", "year": "2021"},
        {"founded": "2021", "year": "2021"},
        {"founded": "2022-05-01", "year": "2022"},
        {"founded": "", "year": ""},
    ])
    series = year_series(cases, WINDOW, load_published()).set_index("year")
    assert list(series.index) == [2017, 2021, 2022]
    assert series.loc[2021, ["n_cases", "inside_window", "after_window", "year_only"]].tolist() == [
        3, 2, 1, 1]
    assert series.loc[2017, "before_window"] == 1
    assert series.loc[2022, "after_window"] == 1
    assert series.loc[2021, "paper_count"] == 240
    assert pd.isna(series.loc[2022, "paper_count"])


def test_sensitivity_command_writes_tables_and_small_multiples(tmp_path: Path) -> None:
    cases = make_cases([
        {"level": "prefecture"}, {"level": "prefecture"}, {"level": "provincial"},
        {"unit": "东莞市道滘镇", "n_reports": "1"},
        {"founded": "2021-10-01", "year": "2021", "first_published": "2021-10-02"},
    ])
    cases.to_csv(tmp_path / "cases.csv", index=False)
    out = tmp_path / "sensitivity"
    assert main(["sensitivity", "--cases", str(tmp_path / "cases.csv"), "-o", str(out),
                 "--simulated"]) == 0
    table = pd.read_csv(out / "sensitivity.csv", dtype={"code": str})
    level = table[table["distribution"] == "level"].set_index(["choice", "code"])
    assert level.loc[("baseline", "county"), "count"] == 1
    assert level.loc[("township_level", "township"), "count"] == 1
    assert level.loc[("township_level", "county"), "count"] == 0
    assert level.loc[("baseline", "prefecture"), "share"] == pytest.approx(50.0)
    assert level.loc[("baseline", "prefecture"), "paper_share"] == pytest.approx(42.3)
    totals = table.groupby(["choice", "distribution"])["share"].sum()
    assert totals.round(1).eq(100.0).all()
    fits = pd.read_csv(out / "sensitivity_fit.csv")
    assert len(fits) == len(CHOICES) * 4
    assert fits.set_index(["choice", "distribution"]).loc[("multi_report_only", "level"),
                                                          "n"] == 3
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["window_end_year"] == {"year": 2021, "inside_window": 0, "after_window": 1,
                                          "year_only": 0}
    assert set(summary["choices"]) == set(CHOICES)
    for stem in ("sensitivity_level", "sensitivity_year", "year_series"):
        assert "SIMULATED" in (out / f"{stem}.svg").read_text(encoding="utf-8")
