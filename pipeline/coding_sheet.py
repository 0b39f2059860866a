"""The coding sheet: every case with its automatic codes, evidence and captures, as CSV and XLSX
for human coders, with the codebook's allowed codes listed beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.extract.codebook import codes, load_codebook

SHEET_COLUMNS = [
    "case_id", "coder", "name", "unit", "province", "prefecture", "county", "level", "domain",
    "topic", "leader_rank", "founded", "year", "notes",
]
"""What a coder edits, prefilled with the automatic codes."""
EDITABLE_FIELDS = ("name", "unit", "province", "prefecture", "county", "level", "domain", "topic",
                   "leader_rank", "founded")
"""Case fields a coder can override (`year` follows `founded`)."""
CODED_FIELDS = ("level", "domain", "leader_rank")
"""Fields whose values are the codebook's fixed codes."""
AUTO_PREFIX = "auto_"
REFERENCE_COLUMNS = [
    "auto_level", "auto_domain", "auto_topic", "auto_leader_rank", "auto_founded", "evidence",
    "urls", "warc_records", "auto_name", "auto_unit", "auto_province", "auto_prefecture",
    "auto_county",
]
"""Read-only: the automatic codes and where they came from. The last five (hidden in the XLSX)
let an import tell a coder's change from the prefilled value."""
ADDED_CASE_COLUMNS = ("urls", "evidence")
"""Reference columns a coder fills in on a row for a case found by hand."""
CODES_COLUMNS = ["field", "code", "label", "meaning"]
CASES_SHEET = "cases"
CODES_SHEET = "codes"
TEMPLATE_ROWS = 50
"""Blank rows (with dropdowns) under the cases in the XLSX, for cases found by hand."""
MAX_CELL_CHARS = 30000
"""Excel holds at most 32,767 characters in a cell."""
UNKNOWN_MEANING = "the source does not say"
_EXAMPLES = 8
_LITERAL = re.compile(r"^[^()\[\]|?*+.\\^$]+$")
_EDITABLE_FILL = PatternFill("solid", fgColor="FFFFFF")
_REFERENCE_FILL = PatternFill("solid", fgColor="E7E6E6")


@dataclass(frozen=True)
class SheetFiles:
    """The files one export wrote."""

    csv: Path
    xlsx: Path
    codes_csv: Path
    cases: int


def topics(domain: str | None = None) -> list[str]:
    """The codebook's topics, in codebook order; only those of `domain` when it is given."""
    book = load_codebook()["domains"]
    return [topic for name, entries in book.items() if domain in (None, name) for topic in entries]


def allowed_values(field: str, domain: str | None = None) -> list[str]:
    """The values a coder may write in a coded field; topics are those of the row's domain."""
    if field == "topic":
        return topics(domain)
    return codes(field)


def code_table() -> pd.DataFrame:
    """Every allowed code with its Chinese label and a meaning drawn from the codebook."""
    book = load_codebook()
    rows = [
        (field, code, label, _meaning(field, code, book))
        for field in CODED_FIELDS for code, label in book["codes"][field].items()
    ]
    for domain, entries in book["domains"].items():
        for topic, words in entries.items():
            keywords = "、".join(list(words)[:_EXAMPLES])
            rows.append(("topic", topic, next(iter(words)), f"domain {domain}; e.g. {keywords}"))
    return pd.DataFrame(rows, columns=CODES_COLUMNS)


def _meaning(field: str, code: str, book: dict) -> str:
    """Examples for a code, taken from the codebook's own word lists."""
    if code == "unknown":
        return UNKNOWN_MEANING
    if field == "domain":
        return "topics: " + ", ".join(book["domains"][code])
    if field == "leader_rank":
        return "e.g. " + "、".join(book["leader"]["titles"][code][:_EXAMPLES])
    if code == "national":
        words = [word for pattern in book["level"]["national_patterns"]
                 for word in _alternatives(pattern) if _LITERAL.match(word)]
        return "central organs, e.g. " + "、".join(words[:_EXAMPLES])
    prefixes = [prefix for prefix, level in book["unit"]["organ_prefix_levels"].items()
                if level == code]
    return "a " + "、".join(prefixes) + " and its organs"


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (`a|b(c|d)` → `a`, `b(c|d)`)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    return [*parts, pattern[start:]]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _offset(value: object) -> str:
    text = _text(value)
    return text[:-2] if text.endswith(".0") else text


def build_sheet(cases: pd.DataFrame, case_sources: pd.DataFrame, coder: str = "") -> pd.DataFrame:
    """One row per case: editable codes prefilled, then the reference columns."""
    sources = {case_id: group for case_id, group in case_sources.groupby("case_id", sort=False)}
    rows = []
    for _, case in cases.iterrows():
        linked = sources.get(case["case_id"], case_sources.iloc[0:0])
        row = {column: _text(case.get(column)) for column in SHEET_COLUMNS}
        row["coder"] = coder
        row["notes"] = ""
        for field in EDITABLE_FIELDS:
            row[AUTO_PREFIX + field] = row[field]
        evidence = [_text(case.get("evidence")), *(_text(e) for e in linked.get("evidence", []))]
        row["evidence"] = "\n".join(dict.fromkeys(e for e in evidence if e))[:MAX_CELL_CHARS]
        urls = [*_text(case.get("urls")).split(), *(_text(u) for u in linked.get("url", []))]
        row["urls"] = " ".join(dict.fromkeys(u for u in urls if u))
        records = [
            f"{_text(warc)}:{_offset(offset)}"
            for warc, offset in zip(linked.get("warc_file", []), linked.get("warc_offset", []),
                                    strict=True)
            if _text(warc)
        ]
        row["warc_records"] = " ".join(dict.fromkeys(records))
        rows.append(row)
    return pd.DataFrame(rows, columns=SHEET_COLUMNS + REFERENCE_COLUMNS)


def write_coding_sheet(
    cases_csv: Path, case_sources_csv: Path, basename: Path, coder: str = ""
) -> SheetFiles:
    """Write BASENAME.csv, BASENAME.codes.csv and BASENAME.xlsx from the resolve outputs."""
    cases = pd.read_csv(cases_csv, dtype=str, keep_default_na=False)
    case_sources = pd.read_csv(case_sources_csv, dtype=str, keep_default_na=False)
    for path, table, needed in ((cases_csv, cases, ["case_id", *EDITABLE_FIELDS]),
                                (case_sources_csv, case_sources, ["case_id", "url"])):
        missing = [column for column in needed if column not in table.columns]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}; pass the cases.csv and "
                             "case_sources.csv that resolve wrote")
    sheet = build_sheet(cases, case_sources, coder)
    if basename.suffix in {".csv", ".xlsx"}:
        basename = basename.with_suffix("")
    files = SheetFiles(basename.with_name(basename.name + ".csv"),
                       basename.with_name(basename.name + ".xlsx"),
                       basename.with_name(basename.name + ".codes.csv"), len(sheet))
    files.csv.parent.mkdir(parents=True, exist_ok=True)
    template = pd.DataFrame([{column: "" for column in sheet.columns} | {"coder": coder}])
    pd.concat([sheet, template], ignore_index=True).to_csv(
        files.csv, index=False, encoding="utf-8-sig")
    code_table().to_csv(files.codes_csv, index=False, encoding="utf-8-sig")
    write_xlsx(sheet, code_table(), files.xlsx, coder)
    return files


def write_xlsx(sheet: pd.DataFrame, code_rows: pd.DataFrame, path: Path, coder: str = "") -> None:
    """The sheet as a workbook: dropdowns of allowed codes, reference columns locked and grey."""
    book = Workbook()
    cases = book.active
    cases.title = CASES_SHEET
    codes_sheet = book.create_sheet(CODES_SHEET)
    codes_sheet.append(CODES_COLUMNS)
    for row in code_rows.itertuples(index=False):
        codes_sheet.append(list(row))
    columns = list(sheet.columns)
    cases.append(columns)
    for row in sheet.itertuples(index=False):
        cases.append([_cell(column, value) for column, value in zip(columns, row, strict=True)])
    last_row = len(sheet) + 1 + TEMPLATE_ROWS
    for offset in range(TEMPLATE_ROWS):
        cases.cell(row=len(sheet) + 2 + offset, column=columns.index("coder") + 1, value=coder)
    _style(cases, columns, len(sheet), last_row)
    _dropdowns(cases, columns, code_rows, last_row)
    for column, width in zip("ABCD", (12, 30, 24, 60), strict=True):
        codes_sheet.column_dimensions[column].width = width
    codes_sheet.freeze_panes = "A2"
    book.save(path)


def _cell(column: str, value: str) -> object:
    """Years as numbers, everything else as text."""
    if column == "year" and value.isdigit():
        return int(value)
    return value


def _style(cases: Worksheet, columns: list[str], n_cases: int, last_row: int) -> None:
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        editable = column in SHEET_COLUMNS
        header = cases.cell(row=1, column=index)
        header.font = bold
        header.fill = _EDITABLE_FILL if editable else _REFERENCE_FILL
        cases.column_dimensions[letter].width = 40 if column in ("evidence", "urls") else 16
        cases.column_dimensions[letter].hidden = column in REFERENCE_COLUMNS[-5:]
        for row in range(2, last_row + 1):
            cell = cases.cell(row=row, column=index)
            template = row > n_cases + 1 and column in ADDED_CASE_COLUMNS
            cell.protection = Protection(locked=not (editable or template))
            if not editable:
                cell.fill = _REFERENCE_FILL
            if column == "founded":
                cell.number_format = "@"
    cases.freeze_panes = "C2"
    cases.protection.sheet = True
    cases.protection.formatColumns = False
    cases.protection.formatRows = False
    cases.protection.autoFilter = False
    cases.protection.sort = False


def _dropdowns(cases: Worksheet, columns: list[str], code_rows: pd.DataFrame,
               last_row: int) -> None:
    """A list validation per coded column, pointing at that field's rows of the codes sheet."""
    for field in (*CODED_FIELDS, "topic"):
        rows = [index + 2 for index in code_rows.index[code_rows["field"] == field]]
        source = f"={CODES_SHEET}!$B${rows[0]}:$B${rows[-1]}"
        validation = DataValidation(type="list", formula1=source, allow_blank=field == "topic",
                                    showErrorMessage=True, errorTitle=f"{field}: not a code",
                                    error=f"Choose a {field} code from the list (sheet "
                                          f"'{CODES_SHEET}').")
        letter = get_column_letter(columns.index(field) + 1)
        validation.add(f"{letter}2:{letter}{last_row}")
        cases.add_data_validation(validation)
