"""The manual coding round trip: export, code as a coder would, import, apply to the cases."""

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.coding_sheet import write_coding_sheet
from pipeline.manual import (
    CodingSheetError,
    added_case_id,
    apply_manual,
    import_coding,
    load_manual,
    unmatched_manual,
)

FIXTURES = Path(__file__).parent / "fixtures" / "manual"
CASES = FIXTURES / "cases.csv"
SOURCES = FIXTURES / "case_sources.csv"
HAND_URL = "http://www.gy.gov.cn/notice/2021/0301.html"
T1 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)


def cases() -> pd.DataFrame:
    return pd.read_csv(CASES, dtype=str, keep_default_na=False)


def export(tmp_path: Path, coder: str) -> Path:
    return write_coding_sheet(CASES, SOURCES, tmp_path / coder, coder=coder).csv


def edit_csv(path: Path, edits: dict[str, dict[str, str]], added: dict[str, str] | None = None,
             encoding: str = "utf-8-sig") -> Path:
    """Change cells by case id and fill the blank template row, as a coder in Excel would."""
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for case_id, fields in edits.items():
        for field, value in fields.items():
            sheet.loc[sheet["case_id"] == case_id, field] = value
    if added:
        for field, value in added.items():
            sheet.loc[sheet.index[-1], field] = value
    sheet.to_csv(path, index=False, encoding=encoding)
    return path


def edit_xlsx(path: Path, edits: dict[str, dict[str, object]]) -> Path:
    book = load_workbook(path)
    sheet = book["cases"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        fields = edits.get(row[0].value, {})
        for field, value in fields.items():
            row[header.index(field)].value = value
    book.save(path)
    return path


def test_round_trip_changes_the_cases_and_adds_a_hand_found_case(tmp_path: Path) -> None:
    sheet = edit_csv(
        export(tmp_path, "alice"),
        {"c0a1b2c3d4e": {"level": "county", "unit": "汉滨区人民政府"},
         "c2a3b4c5d6e": {"leader_rank": "dept_deputy", "founded": "2018-05", "year": "2018"}},
        added={"name": "问题楼盘处置工作专班", "unit": "固原市人民政府",
               "province": "宁夏回族自治区", "prefecture": "固原市", "level": "prefecture",
               "domain": "society_livelihood",
               "topic": "housing", "leader_rank": "deputy_in_charge", "founded": "2021-03-01",
               "urls": HAND_URL, "evidence": "固原市成立问题楼盘处置工作专班，副市长任组长。"},
    )
    manual_dir = tmp_path / "manual"
    summary = import_coding([sheet], manual_dir, now=T1)
    assert (summary.rows, summary.overrides_written, summary.cases_added) == (5, 4, 1)
    overrides = pd.read_csv(manual_dir / "overrides.csv", dtype=str, keep_default_na=False)
    assert sorted(zip(overrides["case_id"], overrides["field"], overrides["value"],
                      strict=True)) == [
        ("c0a1b2c3d4e", "level", "county"), ("c0a1b2c3d4e", "unit", "汉滨区人民政府"),
        ("c2a3b4c5d6e", "founded", "2018-05"), ("c2a3b4c5d6e", "leader_rank", "dept_deputy"),
    ], "only the values the coder changed become overrides"
    assert set(overrides["coder"]) == {"alice"} and set(overrides["sheet"]) == {"alice.csv"}
    assert set(overrides["imported_at"]) == {"2024-05-01T09:00:00Z"}

    coded = apply_manual(cases(), load_manual(manual_dir)).set_index("case_id")
    assert coded.loc["c0a1b2c3d4e", "level"] == "county"
    assert coded.loc["c0a1b2c3d4e", "coded_by"] == "alice"
    assert coded.loc["c0a1b2c3d4e", "overridden_fields"] == "unit level"
    assert coded.loc["c2a3b4c5d6e", "founded"] == "2018-05"
    assert coded.loc["c2a3b4c5d6e", "year"] == 2018, "year follows the overridden founding date"
    assert coded.loc["c1f2e3d4c5b", "coded_by"] == "auto"
    assert coded.loc["c1f2e3d4c5b", "overridden_fields"] == ""
    hand_id = added_case_id("固原市人民政府", "问题楼盘处置工作专班")
    assert hand_id == added_case_id("固原市人民政府", "问题楼盘处置专班"), "stable id: unit + task"
    hand = coded.loc[hand_id]
    assert (hand["urls"], hand["topic"], hand["year"], hand["coded_by"]) == (
        HAND_URL, "housing", 2021, "alice")
    assert hand["n_articles"] == 0 and hand["evidence"].startswith("固原市成立")
    assert len(coded) == 5
    again = import_coding([sheet], manual_dir, now=T2)
    assert (again.overrides_written, again.cases_added) == (0, 0), "a reimport changes nothing"


def test_reimport_is_idempotent_and_a_later_import_replaces(tmp_path: Path) -> None:
    sheet = edit_csv(export(tmp_path, "alice"), {"c1f2e3d4c5b": {"leader_rank": "dept_deputy"}})
    manual_dir = tmp_path / "manual"
    import_coding([sheet], manual_dir, now=T1)
    before = (manual_dir / "overrides.csv").read_bytes()
    again = import_coding([sheet], manual_dir, now=T2)
    assert again.overrides_written == 0
    assert (manual_dir / "overrides.csv").read_bytes() == before

    edit_csv(sheet, {"c1f2e3d4c5b": {"leader_rank": "non_leader"}})
    import_coding([sheet], manual_dir, now=T2)
    overrides = load_manual(manual_dir).overrides
    assert overrides[["field", "value", "imported_at"]].values.tolist() == [
        ["leader_rank", "non_leader", "2024-05-02T09:00:00Z"]]

    edit_csv(sheet, {"c1f2e3d4c5b": {"leader_rank": "dept_head"}})
    summary = import_coding([sheet], manual_dir, now=T2)
    assert summary.overrides_removed == 1, "agreeing with the automatic code withdraws an override"
    assert load_manual(manual_dir).overrides.empty


def test_keep_mark_stores_a_value_equal_to_the_automatic_one(tmp_path: Path) -> None:
    sheet = edit_csv(export(tmp_path, "alice"),
                     {"c3b4c5d6e7f": {"notes": "checked the notice; keep: level, leader_rank"}})
    import_coding([sheet], tmp_path / "manual", now=T1)
    overrides = load_manual(tmp_path / "manual").overrides
    assert sorted(overrides["field"]) == ["leader_rank", "level"]
    assert set(overrides["value"]) == {"county", "deputy_in_charge"}


def test_coders_sheets_are_all_kept_and_the_documented_rule_picks_the_winner(
    tmp_path: Path,
) -> None:
    manual_dir = tmp_path / "manual"
    alice = edit_csv(export(tmp_path, "alice"), {"c0a1b2c3d4e": {"level": "county"}})
    bob = write_coding_sheet(CASES, SOURCES, tmp_path / "bob", coder="bob").xlsx
    edit_xlsx(bob, {"c0a1b2c3d4e": {"level": "provincial"}})
    import_coding([alice], manual_dir, now=T2)
    import_coding([bob], manual_dir, now=T1)
    assert sorted(load_manual(manual_dir).overrides["coder"]) == ["alice", "bob"]
    coded = apply_manual(cases(), load_manual(manual_dir)).set_index("case_id")
    assert coded.loc["c0a1b2c3d4e", "level"] == "county", "the most recent import wins"
    assert "manual level: alice=county, bob=provincial" in coded.loc["c0a1b2c3d4e", "review"]

    judge = write_coding_sheet(CASES, SOURCES, tmp_path / "judge", coder="adjudicated").xlsx
    edit_xlsx(judge, {"c0a1b2c3d4e": {"level": "provincial"}})
    import_coding([judge], manual_dir, now=T1)
    coded = apply_manual(cases(), load_manual(manual_dir)).set_index("case_id")
    assert coded.loc["c0a1b2c3d4e", "level"] == "provincial", "the adjudicator wins"
    assert coded.loc["c0a1b2c3d4e", "coded_by"] == "adjudicated"
    assert "manual level" not in coded.loc["c0a1b2c3d4e", "review"]


def test_xlsx_dates_typed_by_a_coder_become_iso_text(tmp_path: Path) -> None:
    sheet = write_coding_sheet(CASES, SOURCES, tmp_path / "bob", coder="bob").xlsx
    edit_xlsx(sheet, {"c3b4c5d6e7f": {"founded": datetime(2018, 4, 10), "year": 2018.0}})
    import_coding([sheet], tmp_path / "manual", now=T1)
    overrides = load_manual(tmp_path / "manual").overrides
    assert overrides[["field", "value"]].values.tolist() == [["founded", "2018-04-10"]]


def test_a_bad_code_stops_the_import_with_file_row_field_and_allowed_values(
    tmp_path: Path,
) -> None:
    sheet = edit_csv(export(tmp_path, "alice"), {
        "c0a1b2c3d4e": {"level": "city"},
        "c1f2e3d4c5b": {"topic": "employment"},
        "c2a3b4c5d6e": {"founded": "2019-13-01"},
        "c3b4c5d6e7f": {"year": "2017"},
    }, added={"name": "某工作专班", "level": "county", "domain": "unknown",
              "leader_rank": "unknown"})
    manual_dir = tmp_path / "manual"
    with pytest.raises(CodingSheetError) as error:
        import_coding([sheet], manual_dir, now=T1)
    message = str(error.value)
    assert "nothing was written" in message
    assert ("alice.csv: row 2, level: 'city' is not a code; allowed: national, provincial, "
            "prefecture, county, unknown") in message
    assert ("alice.csv: row 3, topic: 'employment' is not a code of domain "
            "edu_sci_culture_health; allowed: epidemic, health") in message
    assert "alice.csv: row 4, founded: '2019-13-01' is not a date" in message
    assert "alice.csv: row 5, year: '2017' disagrees with founded '2018-04-16'" in message
    assert "alice.csv: row 6, urls: ''; a case added by hand needs" in message
    assert not manual_dir.exists()


def test_cli_reports_a_bad_code_and_exits_2(tmp_path: Path, capsys) -> None:
    sheet = edit_csv(export(tmp_path, "alice"), {"c0a1b2c3d4e": {"leader_rank": "mayor"}})
    assert main(["import-coding", str(sheet), "--manual-dir", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "row 2, leader_rank: 'mayor' is not a code; allowed: principal" in err
    assert not (tmp_path / "m").exists()


def test_unknown_coder_name_is_refused(tmp_path: Path) -> None:
    sheet = write_coding_sheet(CASES, SOURCES, tmp_path / "anon").csv
    with pytest.raises(CodingSheetError, match=r"row 2, coder: '' is not a coder's name"):
        import_coding([sheet], tmp_path / "manual")


def test_sheet_saved_by_excel_as_gbk_is_read(tmp_path: Path) -> None:
    sheet = edit_csv(export(tmp_path, "alice"), {"c0a1b2c3d4e": {"unit": "东莞市道滘镇人民政府"}},
                     encoding="gb18030")
    import_coding([sheet], tmp_path / "manual", now=T1)
    assert load_manual(tmp_path / "manual").overrides["value"].tolist() == ["东莞市道滘镇人民政府"]


def test_overrides_of_vanished_cases_are_reported_not_applied(tmp_path: Path) -> None:
    sheet = edit_csv(export(tmp_path, "alice"), {"c0a1b2c3d4e": {"level": "county"}},
                     added={"name": "招商引资专班", "unit": "开化县人民政府", "level": "county",
                            "domain": "economy_infrastructure", "leader_rank": "unknown",
                            "urls": HAND_URL})
    import_coding([sheet], tmp_path / "manual", now=T1)
    manual = load_manual(tmp_path / "manual")
    rerun = cases().iloc[1:]
    coded = apply_manual(rerun, manual)
    assert len(coded) == len(rerun), "the hand-added twin of 招商引资工作专班 is not counted twice"
    assert set(coded["coded_by"]) == {"auto"}
    problems = unmatched_manual(rerun, manual)
    assert len(problems) == 2
    assert problems[0].startswith("override of case c0a1b2c3d4e (level = 'county' by alice")
    assert "is now found automatically as c3b4c5d6e7f" in problems[1]


def test_apply_manual_accepts_cases_read_with_pandas_defaults(tmp_path: Path) -> None:
    sheet = edit_csv(export(tmp_path, "alice"), {
        "c0a1b2c3d4e": {"county": "汉滨区", "founded": "", "year": ""},
        "c1f2e3d4c5b": {"founded": ""},
    })
    import_coding([sheet], tmp_path / "manual", now=T1)
    default_read = pd.read_csv(CASES)
    assert default_read["county"].isna().any()
    coded = apply_manual(default_read, load_manual(tmp_path / "manual")).set_index("case_id")
    assert coded.loc["c0a1b2c3d4e", "county"] == "汉滨区"
    assert pd.isna(coded.loc["c0a1b2c3d4e", "year"]), "no founding date, no year"
    assert coded.loc["c1f2e3d4c5b", "founded"] == "2020", "a year alone stands for the date"
    assert coded.loc["c2a3b4c5d6e", "year"] == 2019
    assert str(coded["year"].dtype) == "Int64"


def test_cli_exports_and_imports(tmp_path: Path, capsys) -> None:
    basename = tmp_path / "sheets" / "carol"
    assert main(["coding-sheet", str(CASES), str(SOURCES), "-o", str(basename),
                 "--coder", "carol"]) == 0
    assert "4 cases" in capsys.readouterr().out
    edit_xlsx(basename.with_suffix(".xlsx"), {"c1f2e3d4c5b": {"domain": "society_livelihood",
                                                              "topic": "work_safety"}})
    manual_dir = tmp_path / "manual"
    assert main(["import-coding", str(basename.with_suffix(".xlsx")),
                 "--manual-dir", str(manual_dir)]) == 0
    assert "2 overrides written" in capsys.readouterr().out
    coded = apply_manual(cases(), load_manual(manual_dir)).set_index("case_id")
    assert coded.loc["c1f2e3d4c5b", ["domain", "topic", "coded_by"]].tolist() == [
        "society_livelihood", "work_safety", "carol"]
