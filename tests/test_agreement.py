"""Coder agreement: alpha and kappa against hand computations, bootstrap CIs, degenerate fields."""

import json
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest

from pipeline.agreement import (
    cohen_kappa,
    compute_agreement,
    krippendorff_alpha,
    write_agreement,
)
from pipeline.cli import main

COUNTY, PREFECTURE = "county", "prefecture"
# Ten cases: alice and bob disagree on cases 5 and 10 (po = 0.8, pe = 0.5 → kappa = 0.6).
# Alpha by hand: 20 values, 10 of each code, so the expected disagreement sum is
# 20² − (10² + 10²) = 200; each disagreeing case adds (2² − 1 − 1)/(2 − 1) = 2, so
# alpha = 1 − 19 · 4 / 200 = 0.62.
ALICE_LEVEL = [COUNTY] * 5 + [PREFECTURE] * 5
BOB_LEVEL = [COUNTY] * 4 + [PREFECTURE] * 5 + [COUNTY]


def write_sheet(path: Path, coder: str, levels: list[str], auto_levels: list[str],
                founded: list[str] | None = None) -> Path:
    n = len(levels)
    pd.DataFrame({
        "case_id": [f"c{i:02d}" for i in range(n)], "coder": coder, "level": levels,
        "domain": "politics_admin", "topic": "", "leader_rank": "principal",
        "founded": founded or ["2020-03-01"] * n, "year": "", "notes": "",
        "auto_level": auto_levels, "auto_domain": "politics_admin",
        "auto_founded": ["2020-03-01"] * n,
    }).to_csv(path, index=False, encoding="utf-8-sig")
    return path


@pytest.fixture()
def sheets(tmp_path: Path) -> list[Path]:
    years = ["2019-01-01"] * 6 + ["2020-05-01"] * 4
    return [write_sheet(tmp_path / "alice.csv", "alice", ALICE_LEVEL, ALICE_LEVEL, years),
            write_sheet(tmp_path / "bob.csv", "bob", BOB_LEVEL, ALICE_LEVEL, years)]


def by_raters(result, field: str, raters: str):
    return next(row for row in result.rows if row.field == field and row.raters == raters)


def test_cohen_kappa_matches_hand_computations() -> None:
    assert cohen_kappa(ALICE_LEVEL, BOB_LEVEL) == pytest.approx(0.6)
    # Three codes: po = 0.7, pe = .3·.3 + .3·.3 + .4·.4 = 0.34, kappa = 0.36 / 0.66 = 6/11.
    first = list("aaabbbcccc")
    second = list("aabbbcccca")
    assert cohen_kappa(first, second) == pytest.approx(6 / 11)
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None, "one category: undefined"


def test_krippendorff_alpha_matches_the_published_example_and_the_package() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal data with
    # missing values: 4 observers, 12 units, alpha = 0.743.
    nan = np.nan
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ])
    as_codes = pd.DataFrame(data.T).map(lambda v: None if np.isnan(v) else f"code{int(v)}")
    assert krippendorff_alpha(as_codes) == pytest.approx(0.743, abs=5e-4)
    rng = np.random.default_rng(7)
    random = rng.integers(0, 4, size=(3, 40)).astype(float)
    random[rng.random(random.shape) < 0.2] = np.nan
    expected = krippendorff.alpha(reliability_data=random, level_of_measurement="nominal")
    table = pd.DataFrame(random.T).map(lambda v: None if np.isnan(v) else str(v))
    assert krippendorff_alpha(table) == pytest.approx(expected)


def test_compute_agreement_on_hand_made_sheets(sheets: list[Path]) -> None:
    result = compute_agreement(sheets, draws=400, seed=3)
    assert result.coders == ["alice", "bob"] and result.n_cases == 10
    alpha = by_raters(result, "level", "alice, bob")
    assert alpha.measure == "alpha" and alpha.n == 10
    assert alpha.estimate == pytest.approx(0.62)
    kappa = by_raters(result, "level", "alice vs bob")
    assert kappa.estimate == pytest.approx(0.6) and kappa.n == 10
    for row in (alpha, kappa):
        assert row.ci_low < row.estimate < row.ci_high <= 1
        assert row.draws_used > 300
    versus_auto = by_raters(result, "level", "alice vs auto")
    assert (versus_auto.estimate, versus_auto.ci_low, versus_auto.ci_high) == (1.0, 1.0, 1.0)
    assert by_raters(result, "level", "bob vs auto").estimate == pytest.approx(0.6)
    year = by_raters(result, "year", "alice vs bob")
    assert year.estimate == 1.0 and year.n == 10
    # auto says 2020 throughout, alice 2020 for 4 of 10: po = pe = 0.4, so kappa = 0.
    assert by_raters(result, "year", "alice vs auto").estimate == 0.0


def test_degenerate_fields_are_na_with_a_reason(sheets: list[Path], tmp_path: Path) -> None:
    result = compute_agreement(sheets, draws=50)
    domain = by_raters(result, "domain", "alice, bob")
    assert domain.estimate is None and domain.ci_low is None
    assert domain.reason == "only one category (politics_admin) used: alpha is undefined"
    topic = by_raters(result, "topic", "alice vs bob")
    assert topic.n == 0 and topic.estimate is None and "fewer than two cases" in topic.reason
    alone = compute_agreement(sheets[:1], draws=50)
    assert by_raters(alone, "level", "alice").reason == "fewer than two human coders"


def test_bootstrap_is_seeded(sheets: list[Path]) -> None:
    first = compute_agreement(sheets, draws=200, seed=11)
    assert compute_agreement(sheets, draws=200, seed=11).rows == first.rows
    other = compute_agreement(sheets, draws=200, seed=12)
    assert by_raters(other, "level", "alice vs bob") != by_raters(first, "level", "alice vs bob")


def test_cases_file_supplies_the_automatic_codes(sheets: list[Path], tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(10)], "level": BOB_LEVEL,
                  "domain": "politics_admin", "topic": "", "leader_rank": "principal",
                  "founded": "2020-03-01", "year": "2020"}).to_csv(cases, index=False)
    result = compute_agreement(sheets, cases=cases, draws=50)
    assert result.auto_source == "cases.csv"
    assert by_raters(result, "level", "bob vs auto").estimate == 1.0


def test_outputs_and_cli_table(sheets: list[Path], tmp_path: Path, capsys) -> None:
    json_path, csv_path = write_agreement(compute_agreement(sheets, draws=50), tmp_path / "out")
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    assert saved["draws"] == 50 and len(saved["rows"]) == 5 * 4
    table = pd.read_csv(csv_path)
    assert list(table.columns[:4]) == ["field", "measure", "raters", "n"]
    assert main(["agreement", *map(str, sheets), "-o", str(tmp_path / "cli"), "--draws",
                 "50"]) == 0
    printed = capsys.readouterr().out
    assert "level        alpha   alice, bob" in printed and "0.620" in printed
    assert (tmp_path / "cli" / "agreement.json").exists()


def test_a_bad_code_in_an_agreement_sheet_stops(tmp_path: Path) -> None:
    bad = write_sheet(tmp_path / "carol.csv", "carol", ["town"] + ALICE_LEVEL[1:], ALICE_LEVEL)
    with pytest.raises(ValueError, match=r"carol\.csv: row 2, level: 'town' is not a code"):
        compute_agreement([bad], draws=10)


def test_agreement_on_exported_sheets_in_both_formats(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from pipeline.coding_sheet import write_coding_sheet

    fixtures = Path(__file__).parent / "fixtures" / "manual"
    alice = write_coding_sheet(fixtures / "cases.csv", fixtures / "case_sources.csv",
                               tmp_path / "alice", coder="alice").csv
    bob = write_coding_sheet(fixtures / "cases.csv", fixtures / "case_sources.csv",
                             tmp_path / "bob", coder="bob").xlsx
    book = load_workbook(bob)
    book["cases"]["H2"] = "county"
    book.save(bob)
    result = compute_agreement([alice, bob], draws=50)
    assert result.n_cases == 4
    level = by_raters(result, "level", "alice vs bob")
    # alice: prefecture, prefecture, county, county; bob: county, prefecture, county, county.
    # po = 3/4, pe = (2/4)(1/4) + (2/4)(3/4) = 1/2, kappa = (3/4 − 1/2)/(1/2) = 0.5.
    assert level.n == 4 and level.estimate == pytest.approx(0.5)
    assert by_raters(result, "level", "bob vs auto").estimate == pytest.approx(0.5)
