"""The report's sections beyond the paper: error-adjusted shares, coverage, link rot,
sensitivity and the series past the window, read from the beyond stages' outputs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.published import Published
from pipeline.report_tables import missing, records

TEMPLATES_DIR = Path(__file__).parent / "templates"
BEYOND_TEXT_FILE = TEMPLATES_DIR / "beyond.yaml"
BEYOND_ANALYSES = ("adjust", "coverage", "link_rot", "sensitivity")
LINK_ROT_BREAKDOWNS = ("source", "year", "site_level")
MAX_SOURCES_LISTED = 15  # rows of the coverage overlap and per-source tables shown


def beyond_context(beyond_dir: Path | None, published: Published,
                   simulated: bool) -> dict[str, Any]:
    """What the sections beyond the paper show: the shared prose, each analysis's outputs (or
    `reason` it did not run), and `charts`, every chart's key and PNG file."""
    text = _beyond_text()
    if beyond_dir is not None and not beyond_dir.is_dir():
        raise FileNotFoundError(f"{beyond_dir}: no such folder of analyses beyond the paper; point "
                                "--beyond at the folder holding adjust/, coverage/, link_rot/ and "
                                "sensitivity/ (the workflow writes data/processed/beyond)")
    readers = {"adjust": _adjust_section, "coverage": _coverage_section,
               "link_rot": _link_rot_section, "sensitivity": _sensitivity_section}
    context: dict[str, Any] = {"text": text, "charts": {}}
    for name in BEYOND_ANALYSES:
        folder = beyond_dir / name if beyond_dir is not None else None
        if folder is None:
            context[name] = {"ran": False, "reason": text["not_given"]}
            continue
        if not (folder / "summary.json").is_file():
            context[name] = {"ran": False, "reason": text[name]["not_run"]}
            continue
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        if summary.get("simulated") and not simulated:
            raise ValueError(f"{folder / 'summary.json'} comes from simulated data but the report "
                             "is not labelled simulated; pass --simulated")
        context[name] = {"ran": True, "summary": summary,
                         **readers[name](folder, summary, published)}
    sensitivity = context["sensitivity"]
    if sensitivity["ran"]:
        context["past_window"] = _past_window_section(beyond_dir / "sensitivity",
                                                      sensitivity["summary"], published,
                                                      text["past_window"]["marks"])
    else:
        context["past_window"] = {"ran": False, "reason": text["not_given"] if beyond_dir is None
                                  else text["past_window"]["not_run"]}
    for name in (*BEYOND_ANALYSES, "past_window"):
        context["charts"].update(context[name].pop("charts", {}))
    return context


def _beyond_text() -> dict[str, Any]:
    """The prose of the sections beyond the paper (templates/beyond.yaml)."""
    text = yaml.safe_load(BEYOND_TEXT_FILE.read_text(encoding="utf-8"))
    wanted = ("intro", "not_given", *BEYOND_ANALYSES, "past_window")
    missing = [key for key in wanted if key not in text]
    if missing:
        raise ValueError(f"{BEYOND_TEXT_FILE}: missing section(s) {missing}")
    return text


def _adjust_section(folder: Path, summary: Mapping[str, Any],
                    published: Published) -> dict[str, Any]:
    """Raw and adjusted shares of each distribution, with what the correction rested on."""
    distributions = [
        {"key": key, "title": published.distributions[key].title, **info,
         "rows": records(_beyond_table(folder / f"adjusted_{key}.csv")),
         "chart": f"adjust_{key}"}
        for key, info in summary["distributions"].items()
    ]
    return {"distributions": distributions,
            "charts": _chart_files(folder, {d["chart"]: f"adjusted_{d['key']}.png"
                                            for d in distributions})}


def _coverage_section(folder: Path, summary: Mapping[str, Any],
                      published: Published) -> dict[str, Any]:
    """Source overlap, cases per source and Chao's estimate overall and per year."""
    estimates = _beyond_table(folder / "estimate.csv")
    overlap = _beyond_table(folder / "overlap.csv")
    per_source = _beyond_table(folder / "per_source.csv")
    return {
        "estimates": records(estimates),
        "has_truth": "n_truth" in estimates.columns,
        "overlap": records(overlap.head(MAX_SOURCES_LISTED)),
        "n_overlap": len(overlap),
        "per_source": records(per_source.head(MAX_SOURCES_LISTED)),
        "n_per_source": len(per_source),
        "max_listed": MAX_SOURCES_LISTED,
        "charts": _chart_files(folder, {"coverage": "coverage.png"}),
    }


def _link_rot_section(folder: Path, summary: Mapping[str, Any],
                      published: Published) -> dict[str, Any]:
    """Outcome counts by source, year and site level (site levels with their labels)."""
    labels = summary.get("site_level_labels", {})
    breakdowns = []
    for key in LINK_ROT_BREAKDOWNS:
        rows = records(_beyond_table(folder / f"by_{key}.csv"))
        for row in rows:
            row["label"] = labels.get(row["group"], "") if key == "site_level" else ""
        breakdowns.append({"key": key, "rows": rows})
    return {"breakdowns": breakdowns,
            "charts": _chart_files(folder, {"link_rot": "link_rot.png"})}


def _sensitivity_section(folder: Path, summary: Mapping[str, Any],
                         published: Published) -> dict[str, Any]:
    """Per distribution: the fit under each choice and the shares of each code per choice."""
    choices = list(summary["choices"])
    table = _beyond_table(folder / "sensitivity.csv")
    distributions = []
    for key, dist in published.distributions.items():
        part = table[table["distribution"] == key]
        if part.empty:
            raise ValueError(f"{folder / 'sensitivity.csv'}: no rows for {key}; rerun the "
                             "sensitivity stage")
        shares = part.pivot(index="code", columns="choice", values="share")
        first = part.drop_duplicates("code").set_index("code")
        rows = [{"code": code, "label": first.at[code, "label"],
                 "paper_share": _value(first.at[code, "paper_share"]),
                 "shares": [_value(shares.at[code, c]) if c in shares.columns else None
                            for c in choices]}
                for code in first.index]
        fits = [{**fit, "label": summary["choices"][fit["choice"]]["label"]}
                for fit in summary["fit"] if fit["distribution"] == key]
        distributions.append({"key": key, "title": dist.title, "rows": rows, "fits": fits,
                              "chart": f"sensitivity_{key}"})
    return {
        "choices": [{"key": key, **summary["choices"][key]} for key in choices],
        "distributions": distributions,
        "charts": _chart_files(folder, {d["chart"]: f"sensitivity_{d['key']}.png"
                                        for d in distributions}),
    }


def _past_window_section(folder: Path, summary: Mapping[str, Any], published: Published,
                         marks: Mapping[str, str]) -> dict[str, Any]:
    """The year series over all years, each year marked by how much of it the paper's window
    covers, and the cases before and after the run's window."""
    series = _beyond_table(folder / "year_series.csv")
    start, end = published.corpus.start, published.corpus.end
    rows = []
    for row in records(series):
        year = int(row["year"])
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        if first > last:
            mark = marks["outside"]
        elif (first, last) == (date(year, 1, 1), date(year, 12, 31)):
            mark = marks["whole"]
        else:
            mark = f"{marks['part']}: {first:%m-%d} – {last:%m-%d}"
        rows.append({**row, "paper_window": mark})
    return {
        "ran": True,
        "window": summary["window"],
        "paper_window": {"start": start.isoformat(), "end": end.isoformat()},
        "rows": rows,
        "n_before": int(series["before_window"].sum()),
        "n_after": int(series["after_window"].sum()),
        "last_year": int(series["year"].max()) if len(series) else None,
        "chart": "year_series" if len(series) else None,
        "charts": _chart_files(folder, {"year_series": "year_series.png"} if len(series) else {}),
    }


def _chart_files(folder: Path, names: Mapping[str, str]) -> dict[str, Path]:
    """Chart keys with their PNG files in an analysis's folder, all of which must exist."""
    charts = {key: folder / name for key, name in names.items()}
    missing = [str(path) for path in charts.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"chart(s) {missing} missing beside their summary.json; rerun "
                                f"the {folder.name} stage")
    return charts


def _beyond_table(path: Path) -> pd.DataFrame:
    """A table of an analysis beyond the paper (codes, groups and years kept as text)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing beside its summary.json; rerun the "
                                f"{path.parent.name} stage")
    return pd.read_csv(path, dtype={"code": str, "group": str, "year": str, "sources": str,
                                    "source": str})


def _value(value: Any) -> Any:
    """A table cell as a plain value, missing as None."""
    if missing(value):
        return None
    return value.item() if hasattr(value, "item") else value


