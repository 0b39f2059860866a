"""Human coding: read and validate coding sheets, keep the codes as overrides, apply them to cases.

Store (`data/manual/`): `overrides.csv` holds one row per case, field and coder, written where
the coder's value differs from the automatic one or the coder marked the field with
`keep: FIELD, ...` (or `keep: all`) in `notes`; a coder who later agrees with the automatic code
removes their override, so agreeing with the automatic code does not outvote another coder
(an adjudicator settles that with `keep:`). `added_cases.csv` holds the cases found by hand.

Which coder wins a case field (or an added case): the coder named `adjudicated` if they coded it;
otherwise the most recent import (ties: the coder name that sorts last). Coders who disagree
without an adjudication are noted in the case's `review` column.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipeline.coding_sheet import (
    AUTO_PREFIX,
    CASES_SHEET,
    CODED_FIELDS,
    EDITABLE_FIELDS,
    SHEET_COLUMNS,
    allowed_values,
)
from pipeline.resolve import CASE_COLUMNS, task_key

ADJUDICATOR = "adjudicated"
AUTO_CODER = "auto"
OVERRIDE_COLUMNS = ["case_id", "field", "value", "coder", "sheet", "imported_at"]
ADDED_CASE_FIELDS = ["name", "unit", "province", "prefecture", "county", "level", "domain",
                     "topic", "leader_rank", "founded", "year", "urls", "evidence", "notes"]
ADDED_COLUMNS = ["case_id", "coder", "sheet", "imported_at", *ADDED_CASE_FIELDS]
OVERRIDES_FILE = "overrides.csv"
ADDED_FILE = "added_cases.csv"
MAX_PROBLEMS_SHOWN = 40
SHEET_ENCODINGS = ("utf-8-sig", "gb18030")
"""CSV sheets are UTF-8 as exported; Excel on Chinese Windows saves CSV as GBK (read as GB18030)."""
_FOUNDED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_KEEP = re.compile(r"keep:\s*([a-z_]+(?:\s*,\s*[a-z_]+)*)")
_URL = re.compile(r"^https?://\S+$")


class CodingSheetError(ValueError):
    """Problems found in coding sheets; nothing was written."""


@dataclass(frozen=True)
class ManualCoding:
    """The override store: human codes per case field, and cases added by hand."""

    overrides: pd.DataFrame
    added: pd.DataFrame


@dataclass(frozen=True)
class ImportSummary:
    """What one import changed in the store."""

    sheets: int
    rows: int
    overrides_written: int
    overrides_removed: int
    cases_added: int


def read_sheet(path: Path) -> pd.DataFrame:
    """A sheet's cells as trimmed text, with `row`: the row number a spreadsheet shows."""
    if path.suffix.lower() == ".xlsx":
        table = _read_xlsx(path)
    elif path.suffix.lower() == ".csv":
        table = _read_csv(path)
    else:
        raise ValueError(f"{path}: a coding sheet must be .csv or .xlsx")
    table = table.rename(columns=lambda column: str(column).strip())
    table.insert(0, "row", range(2, len(table) + 2))
    return table


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in SHEET_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
        return table.apply(lambda column: column.str.strip())
    raise ValueError(f"{path}: neither UTF-8 nor GBK text; save the sheet as CSV UTF-8")


def _read_xlsx(path: Path) -> pd.DataFrame:
    book = load_workbook(path, read_only=True, data_only=True)
    if CASES_SHEET not in book.sheetnames:
        raise ValueError(f"{path}: no sheet named '{CASES_SHEET}'; export one with "
                         "`zhuanban coding-sheet`")
    rows = [[_xlsx_text(value) for value in row]
            for row in book[CASES_SHEET].iter_rows(values_only=True)]
    book.close()
    if not rows:
        raise ValueError(f"{path}: sheet '{CASES_SHEET}' is empty")
    header = [text or f"column {index + 1}" for index, text in enumerate(rows[0])]
    while len(rows) > 1 and not any(rows[-1]):
        rows.pop()
    return pd.DataFrame(rows[1:], columns=header)


def _xlsx_text(value: object) -> str:
    """A cell as the text a coder sees: dates as ISO, 2020.0 as 2020."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(row: pd.Series) -> bool:
    """A row with nothing but (maybe) a coder's name: the unused template row."""
    return not any(str(value) for key, value in row.items() if key not in ("row", "coder"))


def added_case_id(unit: str, name: str) -> str:
    """A stable id for a case found by hand: its unit and task, like resolve's identity."""
    return "m" + hashlib.sha1(f"{unit}|{task_key(name)}".encode()).hexdigest()[:10]


def kept_fields(notes: str) -> set[str]:
    """Fields a coder marked `keep: level, domain` (or `keep: all`) in a row's notes."""
    match = _KEEP.search(notes)
    if not match:
        return set()
    named = {name.strip() for name in match.group(1).split(",")}
    return set(EDITABLE_FIELDS) if "all" in named else named


def sheet_problems(table: pd.DataFrame, sheet: str, required: Sequence[str]) -> list[str]:
    """Every problem in a sheet, one line each: file, row, field, bad value, allowed values."""
    missing = [column for column in required if column not in table.columns]
    if missing:
        return [f"{sheet}: missing columns {missing}; export a fresh sheet with "
                "`zhuanban coding-sheet` and copy the codes into it"]
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for _, row in table.iterrows():
        if is_blank(row):
            continue
        where = f"{sheet}: row {row['row']}"
        problems += [f"{where}, {problem}" for problem in row_problems(row)]
        key = (row.get("case_id", ""), row.get("coder", ""))
        if key[0] and key in seen:
            problems.append(f"{where}, case_id: {key[0]!r} coded again by {key[1]!r} "
                            f"(first at row {seen[key]}); keep one row per case")
        seen.setdefault(key, row["row"])
    return problems


def row_problems(row: pd.Series) -> list[str]:
    """Problems of one sheet row, each naming the field, the value and what is allowed."""
    problems = []
    coder = row.get("coder", "")
    if not coder or coder == AUTO_CODER:
        problems.append(f"coder: {coder!r} is not a coder's name; write your name "
                        f"('{AUTO_CODER}' is the automatic coder)")
    for field in CODED_FIELDS:
        if field in row and row[field] not in allowed_values(field):
            problems.append(_not_allowed(field, row[field], allowed_values(field)))
    domain = row.get("domain", "")
    if row.get("topic") and domain in allowed_values("domain"):
        allowed = allowed_values("topic", domain)
        if row["topic"] not in allowed:
            problems.append(_not_allowed("topic", row["topic"], allowed, f" of domain {domain}"))
    problems += _date_problems(row)
    if "notes" in row:
        unknown = kept_fields(row["notes"]) - set(EDITABLE_FIELDS)
        if unknown:
            problems.append(f"notes: keep names {sorted(unknown)}, which are not fields; allowed: "
                            f"all, {', '.join(EDITABLE_FIELDS)}")
    if "case_id" in row and not row["case_id"]:
        if not row.get("name"):
            problems.append("name: empty; a case added by hand needs its 专班's name")
        urls = row.get("urls", "").split()
        if not urls or not all(_URL.match(url) for url in urls):
            problems.append(f"urls: {row.get('urls', '')!r}; a case added by hand needs the "
                            "http(s) URL of a page reporting it")
    return problems


def _not_allowed(field: str, value: str, allowed: list[str], scope: str = "") -> str:
    return f"{field}: {value!r} is not a code{scope}; allowed: {', '.join(allowed)}"


def _date_problems(row: pd.Series) -> list[str]:
    founded, year = row.get("founded", ""), row.get("year", "")
    if founded and not _valid_founded(founded):
        return [f"founded: {founded!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"]
    if year and not (year.isdigit() and len(year) == 4):
        return [f"year: {year!r} is not a year; write four digits, or leave it empty"]
    if founded and year and founded[:4] != year:
        return [f"year: {year!r} disagrees with founded {founded!r}; change founded "
                "(year follows it)"]
    return []


def _valid_founded(text: str) -> bool:
    if not _FOUNDED.match(text):
        return False
    parts = [int(part) for part in text.split("-")] + [1, 1]
    try:
        date(*parts[:3])
    except ValueError:
        return False
    return True


def read_valid_sheets(paths: Sequence[Path], required: Sequence[str]) -> list[pd.DataFrame]:
    """Read and check every sheet; raise CodingSheetError listing all problems if any."""
    tables, problems = [], []
    for path in paths:
        table = read_sheet(path)
        problems += sheet_problems(table, path.name, required)
        tables.append(table)
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise CodingSheetError(
            f"{len(problems)} problem(s) in the coding sheet(s); nothing was written. Fix them "
            "and import again (the 'codes' sheet or SHEET.codes.csv lists every code):\n  "
            + "\n  ".join(shown) + (f"\n  … and {more} more" if more else "")
        )
    return tables


def _founded(row: pd.Series) -> str:
    """The row's founding date; a year alone stands for it when founded is empty."""
    return row["founded"] or row["year"]


def import_coding(
    sheets: Sequence[Path], manual_dir: Path, now: datetime | None = None
) -> ImportSummary:
    """Validate the sheets, then merge their codes into the store in `manual_dir`."""
    tables = read_valid_sheets(sheets, SHEET_COLUMNS)
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    manual = load_manual(manual_dir)
    overrides = {(r["case_id"], r["field"], r["coder"]): r
                 for r in manual.overrides.to_dict("records")}
    added = {(r["case_id"], r["coder"]): r for r in manual.added.to_dict("records")}
    counts = {"rows": 0, "written": 0, "removed": 0, "added": 0}
    for path, table in zip(sheets, tables, strict=True):
        origin = {"sheet": path.name, "imported_at": stamp}
        for _, row in table.iterrows():
            if is_blank(row):
                continue
            counts["rows"] += 1
            if row["case_id"]:
                _merge_overrides(row, overrides, origin, counts)
            else:
                _merge_added(row, added, origin, counts)
    _write(pd.DataFrame(list(overrides.values()), columns=OVERRIDE_COLUMNS),
           ["case_id", "field", "coder"], manual_dir / OVERRIDES_FILE)
    _write(pd.DataFrame(list(added.values()), columns=ADDED_COLUMNS), ["case_id", "coder"],
           manual_dir / ADDED_FILE)
    return ImportSummary(len(sheets), counts["rows"], counts["written"], counts["removed"],
                         counts["added"])


def _merge_overrides(row: pd.Series, overrides: dict[tuple[str, str, str], dict[str, str]],
                     origin: dict[str, str], counts: dict[str, int]) -> None:
    """Store a coded case's changed or kept fields; drop those now equal to the automatic code.
    An unchanged value keeps its earlier row, so a reimport changes nothing."""
    keep = kept_fields(row["notes"])
    for field in EDITABLE_FIELDS:
        value = _founded(row) if field == "founded" else row[field]
        key = (row["case_id"], field, row["coder"])
        if value == row.get(AUTO_PREFIX + field) and field not in keep:
            if overrides.pop(key, None) is not None:
                counts["removed"] += 1
        elif key not in overrides or overrides[key]["value"] != value:
            overrides[key] = {"case_id": row["case_id"], "field": field, "value": value,
                              "coder": row["coder"], **origin}
            counts["written"] += 1


def _merge_added(row: pd.Series, added: dict[tuple[str, str], dict[str, str]],
                 origin: dict[str, str], counts: dict[str, int]) -> None:
    """Store a case found by hand under its stable id (unchanged ones keep their earlier row)."""
    founded = _founded(row)
    record = {field: row.get(field, "") for field in ADDED_CASE_FIELDS}
    record.update(founded=founded, year=founded[:4],
                  evidence=row.get("evidence", "") or row["notes"])
    key = (added_case_id(row["unit"], row["name"]), row["coder"])
    old = added.get(key)
    if old is None or any(old[field] != value for field, value in record.items()):
        added[key] = {"case_id": key[0], "coder": key[1], **origin, **record}
        counts["added"] += 1


def _write(table: pd.DataFrame, order: list[str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    table.sort_values(order).to_csv(partial, index=False)
    partial.replace(path)


def load_manual(manual_dir: Path) -> ManualCoding:
    """The store in `manual_dir` (empty tables where a file does not exist yet)."""
    tables = []
    for name, columns in ((OVERRIDES_FILE, OVERRIDE_COLUMNS), (ADDED_FILE, ADDED_COLUMNS)):
        path = manual_dir / name
        if not path.exists():
            tables.append(pd.DataFrame(columns=columns, dtype=str))
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [column for column in columns if column not in table.columns]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}; it was not written by "
                             "`zhuanban import-coding` (move it away and import the sheets again)")
        tables.append(table[columns])
    return ManualCoding(*tables)


def _winners(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per key: the adjudicator's, else the latest import's (ties: last coder name)."""
    if table.empty:
        return table
    ranked = table.assign(_adjudicated=table["coder"] == ADJUDICATOR)
    ranked = ranked.sort_values(["_adjudicated", "imported_at", "coder"])
    return ranked.drop_duplicates(keys, keep="last").drop(columns="_adjudicated")


def _identity(unit: object, name: object) -> tuple[str, str]:
    return str(unit), task_key(str(name))


def unmatched_manual(cases: pd.DataFrame, manual: ManualCoding) -> list[str]:
    """Human codes apply_manual cannot use: overrides of case ids not in `cases`, and cases
    added by hand that an automatic case now covers (same unit and task)."""
    known = set(cases["case_id"]) | set(manual.added["case_id"])
    existing = {_identity(u, n): c for c, u, n in zip(cases["case_id"], cases["unit"],
                                                      cases["name"], strict=True)}
    lines = [
        f"override of case {o.case_id} ({o.field} = {o.value!r} by {o.coder}, sheet {o.sheet}): "
        "no such case any more; recode it on a fresh sheet"
        for o in manual.overrides.itertuples() if o.case_id not in known
    ]
    for added in _winners(manual.added, ["case_id"]).itertuples():
        twin = existing.get(_identity(added.unit, added.name))
        if twin:
            lines.append(f"case added by hand {added.case_id} ({added.name}, {added.unit}, by "
                         f"{added.coder}) is now found automatically as {twin}; code {twin} "
                         "instead")
    return lines


def apply_manual(cases: pd.DataFrame, manual: ManualCoding) -> pd.DataFrame:
    """Cases with the winning human codes applied, year recomputed from founded, cases added by
    hand appended, and `coded_by` and `overridden_fields` columns. What cannot be applied is
    left out: see `unmatched_manual`."""
    existing = {_identity(u, n) for u, n in zip(cases["unit"], cases["name"], strict=True)}
    case_ids = set(cases["case_id"])
    added = _winners(manual.added, ["case_id"])
    fresh = [_identity(u, n) not in existing and c not in case_ids
             for c, u, n in zip(added["case_id"], added["unit"], added["name"], strict=True)]
    added = added.loc[pd.Series(fresh, index=added.index, dtype=bool)]
    table = pd.concat([cases.assign(coded_by=AUTO_CODER), _added_cases(added)],
                      ignore_index=True)
    columns = list(dict.fromkeys([*cases.columns, *CASE_COLUMNS, "coded_by",
                                  "overridden_fields"]))
    table = table.reindex(columns=columns)
    for text in (*EDITABLE_FIELDS, "review"):
        table[text] = table[text].astype(object).where(table[text].notna(), "")
    table["year"] = pd.to_numeric(table["year"], errors="coerce").astype("Int64")
    table["overridden_fields"] = ""
    overrides = manual.overrides[manual.overrides["case_id"].isin(set(table["case_id"]))]
    position = {case_id: index for index, case_id in zip(table.index, table["case_id"],
                                                         strict=True)}
    winners = _winners(overrides, ["case_id", "field"])
    for case_id, group in winners.groupby("case_id", sort=False):
        index = position[case_id]
        for override in group.itertuples():
            table.at[index, override.field] = override.value
        adder = table.at[index, "coded_by"]
        earlier = [] if adder == AUTO_CODER else [adder]
        table.at[index, "coded_by"] = _join([*earlier, *group["coder"]])
        table.at[index, "overridden_fields"] = " ".join(
            field for field in EDITABLE_FIELDS if field in set(group["field"]))
        if "founded" in set(group["field"]):
            founded = str(table.at[index, "founded"])
            table.at[index, "year"] = int(founded[:4]) if founded else pd.NA
    for case_id, note in _disagreements(overrides).items():
        index = position[case_id]
        table.at[index, "review"] = "; ".join(filter(None, [table.at[index, "review"], note]))
    return table


def _join(coders: Iterable[str]) -> str:
    return ", ".join(sorted(set(coders)))


def _added_cases(added: pd.DataFrame) -> pd.DataFrame:
    """Hand-added cases in the cases table's columns."""
    return pd.DataFrame({
        **{field: added[field] for field in CASE_COLUMNS if field in added.columns},
        "n_articles": 0, "first_published": "", "review": "", "coded_by": added["coder"],
    }, columns=[*CASE_COLUMNS, "coded_by"])


def _disagreements(overrides: pd.DataFrame) -> dict[str, str]:
    """Per case, a note on fields human coders set differently with no adjudication."""
    notes: dict[str, list[str]] = {}
    for (case_id, field), group in overrides.groupby(["case_id", "field"], sort=True):
        if ADJUDICATOR in set(group["coder"]) or group["value"].nunique() < 2:
            continue
        votes = ", ".join(f"{c}={v}" for c, v in zip(group["coder"], group["value"], strict=True))
        notes.setdefault(case_id, []).append(f"manual {field}: {votes}")
    return {case_id: "; ".join(parts) for case_id, parts in notes.items()}
