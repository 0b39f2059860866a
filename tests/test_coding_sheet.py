"""The coding sheet export: prefilled codes, reference columns, allowed codes, XLSX dropdowns."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.coding_sheet import (
    REFERENCE_COLUMNS,
    SHEET_COLUMNS,
    TEMPLATE_ROWS,
    allowed_values,
    code_table,
    write_coding_sheet,
)
from pipeline.extract.codebook import load_codebook

FIXTURES = Path(__file__).parent / "fixtures" / "manual"
CASES = FIXTURES / "cases.csv"
SOURCES = FIXTURES / "case_sources.csv"


@pytest.fixture()
def exported(tmp_path: Path):
    return write_coding_sheet(CASES, SOURCES, tmp_path / "sheets" / "alice.xlsx", coder="alice")


def test_export_writes_csv_xlsx_and_codes_next_to_the_basename(exported, tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    assert exported.csv == folder / "alice.csv"
    assert exported.xlsx == folder / "alice.xlsx"
    assert exported.codes_csv == folder / "alice.codes.csv"
    assert exported.cases == 4
    assert all(path.exists() for path in (exported.csv, exported.xlsx, exported.codes_csv))


def test_csv_rows_are_prefilled_with_the_automatic_codes_and_sources(exported) -> None:
    sheet = pd.read_csv(exported.csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(sheet.columns) == SHEET_COLUMNS + REFERENCE_COLUMNS
    assert len(sheet) == 5, "four cases and one blank row for a case found by hand"
    template = sheet.iloc[-1]
    assert template["coder"] == "alice" and template["case_id"] == template["name"] == ""
    first = sheet.set_index("case_id").loc["c0a1b2c3d4e"]
    assert (first["level"], first["auto_level"]) == ("prefecture", "prefecture")
    assert first["founded"] == first["auto_founded"] == "2020-03-01"
    assert first["warc_records"] == "capture-001.warc.gz:0 capture-001.warc.gz:5120"
    assert first["urls"].split() == ["http://www.ankang.gov.cn/a1.html",
                                     "http://sn.people.com.cn/a2.html"]
    assert first["evidence"].splitlines() == ["安康市人民政府成立稳就业工作专班，由市长任召集人。",
                                              "安康稳就业工作专班召开会议。"]
    assert sheet["coder"].eq("alice").all()


def test_codes_list_every_codebook_code_and_topic_with_labels(exported) -> None:
    table = pd.read_csv(exported.codes_csv, dtype=str, keep_default_na=False)
    book = load_codebook()
    for field, labels in book["codes"].items():
        rows = table[table["field"] == field]
        assert dict(zip(rows["code"], rows["label"], strict=True)) == labels
    assert set(table.loc[table["field"] == "topic", "code"]) == set(allowed_values("topic"))
    assert (table["meaning"] != "").all()
    assert allowed_values("topic", "edu_sci_culture_health")[0] == "epidemic"
    assert "employment" not in allowed_values("topic", "edu_sci_culture_health")


def test_xlsx_has_dropdowns_codes_sheet_and_locked_reference_columns(exported) -> None:
    book = load_workbook(exported.xlsx)
    cases, codes = book["cases"], book["codes"]
    header = [cell.value for cell in cases[1]]
    assert header == SHEET_COLUMNS + REFERENCE_COLUMNS
    assert cases.max_row == 1 + 4 + TEMPLATE_ROWS
    code_rows = code_table()
    validations = {str(v.sqref): v.formula1 for v in cases.data_validations.dataValidation}
    level_letter = cases.cell(row=1, column=header.index("level") + 1).column_letter
    formula = validations[f"{level_letter}2:{level_letter}{cases.max_row}"]
    rows = [int(part.split("$")[-1]) for part in formula.split(":")]
    listed = [codes.cell(row=row, column=2).value for row in range(rows[0], rows[1] + 1)]
    assert listed == list(code_rows.loc[code_rows["field"] == "level", "code"])
    assert len(validations) == 4
    assert cases.protection.sheet
    col = {name: index + 1 for index, name in enumerate(header)}
    assert not cases.cell(row=2, column=col["level"]).protection.locked
    assert cases.cell(row=2, column=col["auto_level"]).protection.locked
    assert cases.cell(row=2, column=col["urls"]).protection.locked
    assert not cases.cell(row=6, column=col["urls"]).protection.locked, "template rows take a URL"
    assert cases.cell(row=2, column=col["year"]).value == 2020
    assert cases.column_dimensions[cases.cell(row=1, column=col["auto_name"]).column_letter].hidden


def test_missing_columns_stop_the_export(tmp_path: Path) -> None:
    broken = tmp_path / "cases.csv"
    pd.read_csv(CASES).drop(columns=["level"]).to_csv(broken, index=False)
    with pytest.raises(ValueError, match=r"cases\.csv: missing columns \['level'\]"):
        write_coding_sheet(broken, SOURCES, tmp_path / "out")
