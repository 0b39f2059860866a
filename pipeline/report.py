"""Report stage: the replication report as self-contained HTML and as Markdown (Jinja2)."""

from __future__ import annotations

import base64
import json
import math
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.published import Published, check_consistency
from pipeline.recovery import RecoveryResult, confusion_frame
from pipeline.scoring import confusion_table

if TYPE_CHECKING:
    from pipeline.evaluate import Evaluation

TEMPLATES_DIR = Path(__file__).parent / "templates"
MAX_LISTED = 1000
MAX_UNMATCHED = 30
COUNT_KEYS = ("pages_captured", "articles_parsed", "mentions", "cases")
EXTRAS_KEYS = (*COUNT_KEYS, "dropped", "notes")
DROPPED_KEYS = ("stage", "reason", "count")
SPLIT_LABELS = {"dev": "dev", "holdout": "held-out", "all": "all"}
MATRIX_FIELDS = ("level", "domain", "leader_rank")  # shown as full matrices
LISTED_CONFUSION_FIELDS = ("topic",)  # too many codes for a matrix: frequent confusions listed
MAX_CONFUSIONS = 10


def build_report(
    tables_dir: Path,
    figures_dir: Path,
    out_html: Path,
    out_md: Path,
    published: Published,
    simulated: bool,
    recovery: RecoveryResult | None,
    extras: Mapping[str, Any] | None = None,
    evaluation: Evaluation | None = None,
) -> None:
    """Write the replication report from the analyse outputs (and recovery in demo mode, and
    the coder's accuracy on the gold set when an evaluation is given).

    extras (all optional): pages_captured, articles_parsed, mentions, cases (ints);
    dropped: a list of {stage, reason, count}; notes: a list of sentences about the corpus.
    """
    context = report_context(tables_dir, published, simulated, recovery, extras or {})
    context["accuracy"] = evaluation_context(evaluation) if evaluation is not None else None
    charts = {key: figures_dir / f"{key}.png" for key in published.distributions}
    missing = [str(p) for p in charts.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"chart(s) {missing} missing; run the analyse stage's charts first")
    env = _environment()
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_md.parent.mkdir(parents=True, exist_ok=True)
    html_images = {key: _data_uri(path) for key, path in charts.items()}
    md_images = {key: _relative(path, out_md.parent) for key, path in charts.items()}
    out_html.write_text(
        env.get_template("replication.html.j2").render(**context, images=html_images),
        encoding="utf-8",
    )
    out_md.write_text(
        env.get_template("replication.md.j2").render(**context, images=md_images),
        encoding="utf-8",
    )


def report_context(
    tables_dir: Path,
    published: Published,
    simulated: bool,
    recovery: RecoveryResult | None,
    extras: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything the templates show, read from tables_dir and the other inputs."""
    summary_path = tables_dir / "summary.json"
    if not summary_path.is_file():
        raise FileNotFoundError(f"{summary_path} missing; run the analyse stage first")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    cases = _read_table(tables_dir / "cases_analysed.csv", text=True)
    inside = cases[cases["window_status"] == "inside"]
    subfigures = _read_table(tables_dir / "subfigures.csv")
    distributions = []
    for key, dist in published.distributions.items():
        distributions.append(
            {
                "key": key,
                "dist": dist,
                "rows": _records(_read_table(tables_dir / f"{key}.csv")),
                "fit": summary["fit"][key],
                "subfigures": _records(subfigures[subfigures["distribution"] == key]),
            }
        )
    outside = _read_table(tables_dir / "outside_window.csv", text=True)
    return {
        "simulated": simulated,
        "published": published,
        "summary": summary,
        "extras": _check_extras(extras),
        "count_keys": COUNT_KEYS,
        "consistency": check_consistency(published),
        "distributions": distributions,
        "outside": _records(outside.head(MAX_LISTED)),
        "n_outside_listed": len(outside),
        "cases": _records(inside.head(MAX_LISTED)),
        "n_cases_listed": len(inside),
        "max_listed": MAX_LISTED,
        "recovery": _recovery_context(recovery) if recovery is not None else None,
    }


def render_accuracy_markdown(evaluation: Evaluation) -> str:
    """The "accuracy of the coder" section on its own, as a Markdown page."""
    template = _environment().get_template("accuracy.md.j2")
    return template.render(accuracy=evaluation_context(evaluation), heading="#")


def evaluation_context(evaluation: Evaluation) -> dict[str, Any]:
    """What the accuracy section shows: detection and field accuracy per split, confusion
    matrices and gates of the dev and held-out splits, detection by genre, and the worst
    errors of the dev split (held-out errors stay out of the report so that the held-out
    articles stay unseen by whoever tunes the coder)."""
    splits = evaluation.splits
    shown = [name for name in splits if name != "all"]
    fields = [
        {"field": name, "gated": name in evaluation.gated_fields,
         "cells": [asdict(splits[s].fields[name]) for s in shown]}
        for name in evaluation.compared_fields
    ]
    matrices = []
    for split in shown:
        for name in MATRIX_FIELDS:
            frame = confusion_table(splits[split].confusion[name])
            matrices.append({"split": SPLIT_LABELS[split], "field": name,
                             "codes": list(frame.columns),
                             "rows": [(code, list(frame.loc[code])) for code in frame.index]})
    listed = [
        {"split": SPLIT_LABELS[split], "field": name,
         "rows": _frequent_confusions(splits[split].confusion[name])}
        for split in shown for name in LISTED_CONFUSION_FIELDS
    ]
    return {
        "n_articles": evaluation.n_articles,
        "batches": evaluation.batches,
        "has_split_file": evaluation.has_split_file,
        "thresholds": evaluation.thresholds,
        "gated_fields": evaluation.gated_fields,
        "passed": evaluation.passed,
        "split_labels": [SPLIT_LABELS[s] for s in shown],
        "detection": [{"split": SPLIT_LABELS[name], **asdict(s.detection)}
                      for name, s in splits.items()],
        "fields": fields,
        "gates": [{"split": SPLIT_LABELS[s], **asdict(g)} for s in shown for g in splits[s].gates],
        "matrices": matrices,
        "listed_confusions": listed,
        "by_genre": [{"genre": genre, **asdict(d)} for genre, d in splits["all"].by_genre.items()],
        "worst_split": SPLIT_LABELS["dev"],
        "n_errors": splits["dev"].n_errors,
        "worst_errors": [asdict(e) for e in splits["dev"].worst_errors],
    }


def _frequent_confusions(cells: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    pairs = [{"gold": truth, "coded": coded, "count": count}
             for truth, row in cells.items() for coded, count in row.items() if coded != truth]
    return sorted(pairs, key=lambda p: (-p["count"], p["gold"], p["coded"]))[:MAX_CONFUSIONS]


def _check_extras(extras: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(extras) - set(EXTRAS_KEYS))
    if unknown:
        raise ValueError(f"report extras: unknown key(s) {unknown}; expected some of {EXTRAS_KEYS}")
    for i, row in enumerate(extras.get("dropped", [])):
        if not isinstance(row, Mapping) or set(row) != set(DROPPED_KEYS):
            raise ValueError(f"report extras: dropped[{i}] must have exactly keys {DROPPED_KEYS}")
    return dict(extras)


def _recovery_context(recovery: RecoveryResult) -> dict[str, Any]:
    confusion = {}
    for name in recovery.confusion:
        frame = confusion_frame(recovery, name)
        confusion[name] = {
            "codes": list(frame.columns),
            "rows": [(code, list(frame.loc[code])) for code in frame.index],
        }
    return {
        **asdict(recovery),
        "confusion": confusion,
        "unmatched_predicted": recovery.unmatched_predicted[:MAX_UNMATCHED],
        "unmatched_truth": recovery.unmatched_truth[:MAX_UNMATCHED],
        "max_unmatched": MAX_UNMATCHED,
    }


def _read_table(path: Path, text: bool = False) -> pd.DataFrame:
    """Read an analyse output; text=True keeps every cell a string (empty, not missing)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing; run the analyse stage first")
    if text:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype={"code": str})


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with missing cells as None (templates print a dash)."""
    return [
        {k: (None if _missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _relative(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=_num, signed=_signed, pval=_pval, pct=_pct, cell=_cell, web_url=_web_url)
    return env


def _num(value: Any, digits: int = 2) -> str:
    if value is None or _missing(value):
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and digits == 0):
        return str(int(value))
    return f"{float(value):.{digits}f}"


def _signed(value: Any) -> str:
    if value is None or _missing(value):
        return "—"
    return f"{float(value):+.2f}".replace("-", "−")


def _pval(value: Any) -> str:
    if value is None or _missing(value):
        return "—"
    return f"{value:.1e}" if value < 1e-4 else f"{value:.4f}"


def _pct(fraction: Any) -> str:
    if fraction is None or _missing(fraction):
        return "—"
    return f"{100.0 * fraction:.1f} %"


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line)."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _web_url(value: Any) -> str:
    """The URL when it is an http(s) address, else an empty string (no javascript: links)."""
    text = str(value or "").strip()
    return text if text.startswith(("http://", "https://")) else ""
