"""Report stage: the replication report as self-contained HTML and as Markdown (Jinja2), with
every reproduced count traceable to its cases, their evidence and their captured sources, and the
analyses beyond the paper (error-adjusted shares, coverage, link rot, sensitivity)."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.manual import AUTO_CODER
from pipeline.published import Published, check_consistency
from pipeline.recovery import RecoveryResult, confusion_frame
from pipeline.report_beyond import beyond_context
from pipeline.report_tables import missing as _missing
from pipeline.report_tables import records as _records
from pipeline.resolve import CASE_SOURCE_COLUMNS
from pipeline.scoring import confusion_table

if TYPE_CHECKING:
    from pipeline.agreement import AgreementResult
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
CASE_GROUPS = (  # the case index, by window status: (anchor, statuses, heading)
    ("cases-window-inside", ("inside",), "Inside the window: counted in the distributions"),
    ("cases-outside-window", ("before window", "after window"),
     "Outside the window: not counted"),
    ("cases-undated", ("undated",), "No usable founding date: not counted"),
)
AGREEMENT_COMPARISONS = {"alpha": "among human coders", "pair": "coder pair",
                         "auto": "coder vs automatic coder"}
_CASE_TEXT_FIELDS = ("case_id", "name", "unit", "level", "domain", "topic", "leader_rank",
                     "founded", "analysed_year", "window_status", "evidence", "review",
                     "coded_by", "overridden_fields")
_ANCHOR_PLAIN = re.compile(r"[A-Za-z0-9_]+")
_MARKDOWN_ESCAPES = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]|#"})


@dataclass(frozen=True, slots=True)
class Source:
    """One source of a case as shown: its URL, `link` (the URL when it may be a link, else ''),
    article, near-duplicate cluster, capture (`WARC file @ offset`) and its evidence sentence
    when that differs from the case's."""

    url: str
    link: str
    article_id: str
    cluster_id: str
    capture: str
    evidence: str


@dataclass(frozen=True, slots=True)
class CaseEntry:
    """One case of the case index: its codes as analysed, evidence, review notes, human coding
    and sources; `anchor` is its id in the report (`case-<anchor>`)."""

    case_id: str
    anchor: str
    name: str
    unit: str
    level: str
    domain: str
    topic: str
    leader_rank: str
    founded: str
    analysed_year: str
    window_status: str
    evidence: str
    review: str
    coded_by: str
    overridden_fields: str
    sources: list[Source]


@dataclass(frozen=True, slots=True)
class CaseLink:
    """A case in the list behind one count: a link to its entry in the case index."""

    case_id: str
    anchor: str
    name: str


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
    case_sources: Path | None = None,
    agreement: AgreementResult | None = None,
    beyond: Path | None = None,
) -> None:
    """Write the replication report from the analyse outputs (and recovery in demo mode, the
    coder's accuracy on the gold set when an evaluation is given, and agreement between coders
    when an agreement result is given).

    beyond: the folder of the analyses beyond the paper (adjust/, coverage/, link_rot/,
    sensitivity/, each with its summary.json); an analysis without output there is shown as not
    run, with the reason; without the folder every such section says it was not given.

    extras (all optional): pages_captured, articles_parsed, mentions, cases (ints);
    dropped: a list of {stage, reason, count}; notes: a list of sentences about the corpus.
    case_sources: resolve's case_sources.csv, giving each listed case its articles, clusters
    and captures; without it a case's sources are the URLs of its `urls` column only.
    """
    context = report_context(tables_dir, published, simulated, recovery, extras or {},
                             case_sources)
    context["accuracy"] = evaluation_context(evaluation) if evaluation is not None else None
    context["agreement"] = agreement_context(agreement) if agreement is not None else None
    context["beyond"] = beyond_context(beyond, published, simulated)
    charts = {key: figures_dir / f"{key}.png" for key in published.distributions}
    charts.update(context["beyond"]["charts"])
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
    case_sources: Path | None = None,
) -> dict[str, Any]:
    """Everything the templates show, read from tables_dir and the other inputs."""
    summary_path = tables_dir / "summary.json"
    if not summary_path.is_file():
        raise FileNotFoundError(f"{summary_path} missing; run the analyse stage first")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    cases = _read_table(tables_dir / "cases_analysed.csv", text=True)
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
    sources = _read_case_sources(case_sources) if case_sources is not None else None
    case_groups = case_index(cases, sources)
    _check_group_sizes(case_groups, summary, tables_dir)
    outside = _read_table(tables_dir / "outside_window.csv", text=True)
    return {
        "simulated": simulated,
        "published": published,
        "summary": summary,
        "extras": _check_extras(extras),
        "count_keys": COUNT_KEYS,
        "consistency": check_consistency(published),
        "distributions": distributions,
        "case_lists": count_case_lists(cases, distributions, tables_dir),
        "case_groups": case_groups,
        "captures_known": sources is not None,
        "outside": [{**row, "anchor": _anchor(row["case_id"])}
                    for row in _records(outside.head(MAX_LISTED))],
        "n_outside_listed": len(outside),
        "max_listed": MAX_LISTED,
        "recovery": _recovery_context(recovery) if recovery is not None else None,
    }


def count_case_lists(
    cases: pd.DataFrame, distributions: list[dict[str, Any]], tables_dir: Path
) -> list[dict[str, Any]]:
    """One list of cases behind each reproduced count (table rows and topic sub-figures).

    Each table row and sub-figure gets the `cases_anchor` of its list; a count that differs from
    the cases in cases_analysed.csv means stale tables and stops the report.
    """
    inside = cases[cases["window_status"] == "inside"]
    briefs = [CaseLink(c, _anchor(c), n)
              for c, n in zip(inside["case_id"], inside["name"], strict=True)]
    lists = []
    for d in distributions:
        key, dist = d["key"], d["dist"]
        codes = inside["analysed_year" if key == "year" else key].tolist()
        by_code: dict[str, list[CaseLink]] = {}
        for code, brief in zip(codes, briefs, strict=True):
            by_code.setdefault(code, []).append(brief)
        for row in d["rows"]:
            members = by_code.get(row["code"], [])
            _check_count(row["reproduced_count"], members, f"{tables_dir / key}.csv",
                         f"code {row['code']!r}")
            row["cases_anchor"] = "cases-" + _anchor(key, row["code"])
            lists.append({"anchor": row["cases_anchor"], "table": key, "title": dist.title,
                          "label": row["label"], "code": row["code"], "cases": members})
        topics = inside["topic"].str.strip().tolist()
        for sub in d["subfigures"]:
            if not sub["topic"]:
                continue
            members = [brief for code, topic, brief in zip(codes, topics, briefs, strict=True)
                       if code == sub["category"] and topic == sub["topic"]]
            _check_count(sub["reproduced_count"], members, f"{tables_dir}/subfigures.csv",
                         f"{key} {sub['category']!r}, topic {sub['topic']!r}")
            sub["cases_anchor"] = "cases-" + _anchor(key, sub["category"], "topic", sub["topic"])
            lists.append({"anchor": sub["cases_anchor"], "table": key, "title": dist.title,
                          "label": f"{dist.label(sub['category'])}, topic {sub['label']}",
                          "code": f"{sub['category']} / {sub['topic']}", "cases": members})
    return lists


def case_index(
    cases: pd.DataFrame, sources: dict[str, list[dict[str, str]]] | None
) -> list[dict[str, Any]]:
    """Every analysed case once, grouped by window status ({anchor, heading, cases}), with its
    codes, evidence and sources (from case_sources when given, else the URLs of its `urls`)."""
    groups: dict[str, dict[str, Any]] = {
        anchor: {"anchor": anchor, "heading": heading, "cases": []}
        for anchor, _, heading in CASE_GROUPS
    }
    group_of = {status: anchor for anchor, statuses, _ in CASE_GROUPS for status in statuses}
    for case in _text_rows(cases):
        status = case["window_status"]
        if status not in group_of:
            raise ValueError(f"cases_analysed.csv: case {case['case_id']} has window_status "
                             f"{status!r}; rerun the analyse stage")
        evidence = case.get("evidence", "")
        if sources is None:
            rows = [{"url": url} for url in case.get("urls", "").split()]
        else:
            rows = sources.get(case["case_id"], [])
        entry = CaseEntry(
            **{name: case.get(name, "") for name in _CASE_TEXT_FIELDS},
            anchor=_anchor(case["case_id"]),
            sources=[_source(row, evidence) for row in rows],
        )
        groups[group_of[status]]["cases"].append(entry)
    return list(groups.values())


def _source(row: Mapping[str, str], case_evidence: str) -> Source:
    url = row.get("url", "")
    warc_file, offset = row.get("warc_file", ""), row.get("warc_offset", "")
    evidence = row.get("evidence", "")
    return Source(
        url=url,
        link=_web_url(url),
        article_id=row.get("article_id", ""),
        cluster_id=row.get("cluster_id", ""),
        capture=f"{warc_file} @ {offset}" if warc_file else "",
        evidence=evidence if evidence != case_evidence else "",
    )


def _read_case_sources(path: Path) -> dict[str, list[dict[str, str]]]:
    """case_sources.csv as lists of source rows per case_id."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing; the resolve stage writes case_sources.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CASE_SOURCE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing} (found {list(frame.columns)}); "
                         "rerun the resolve stage")
    by_case: dict[str, list[dict[str, str]]] = {}
    for row in _text_rows(frame):
        by_case.setdefault(row["case_id"], []).append(row)
    return by_case


def _check_count(count: Any, members: list[Any], table: str, where: str) -> None:
    if _missing(count) or int(count) != len(members):
        raise ValueError(f"{table}: {where} counts {count} case(s) but cases_analysed.csv has "
                         f"{len(members)}; the analyse outputs are stale, rerun the analyse stage")


def _check_group_sizes(groups: list[dict[str, Any]], summary: Mapping[str, Any],
                       tables_dir: Path) -> None:
    expected = {"cases-window-inside": summary["n_in_window"],
                "cases-outside-window": summary["n_outside_window"],
                "cases-undated": summary["n_undated"]}
    for group in groups:
        _check_count(expected[group["anchor"]], group["cases"], f"{tables_dir}/summary.json",
                     group["heading"])


def agreement_context(agreement: AgreementResult) -> dict[str, Any]:
    """What the agreement section shows: the run's settings and one row per coefficient,
    labelled as alpha among human coders, kappa of a coder pair or of a coder vs the
    automatic coder."""
    rows = []
    for row in agreement.rows:
        if row.measure == "alpha":
            comparison = AGREEMENT_COMPARISONS["alpha"]
        elif row.raters.endswith(f" vs {AUTO_CODER}"):
            comparison = AGREEMENT_COMPARISONS["auto"]
        else:
            comparison = AGREEMENT_COMPARISONS["pair"]
        rows.append({**asdict(row), "comparison": comparison})
    return {"coders": agreement.coders, "n_cases": agreement.n_cases, "draws": agreement.draws,
            "seed": agreement.seed, "auto_source": agreement.auto_source, "rows": rows}


def render_accuracy_markdown(evaluation: Evaluation) -> str:
    """The "accuracy of the coder" section on its own, as a Markdown page."""
    template = _environment().get_template("accuracy.md.j2")
    return template.render(accuracy=evaluation_context(evaluation), heading="#")


def evaluation_context(evaluation: Evaluation) -> dict[str, Any]:
    """What the accuracy section shows: detection and field accuracy per split, confusion
    matrices and gates of the dev and held-out splits, detection by genre and by batch
    (each batch has its own author), and the worst
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
        "by_batch": [{"split": SPLIT_LABELS[split], "batch": batch, **asdict(d)}
                     for split in shown for batch, d in splits[split].by_batch.items()],
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


def _text_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """Rows of an all-text table as dicts (several times faster than to_dict on string
    columns, which matters for the case index of a large corpus)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values, strict=True))
            for values in zip(*(frame[c].tolist() for c in columns), strict=True)]


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
    env.filters.update(num=_num, signed=_signed, pval=_pval, pct=_pct, cell=_cell, web_url=_web_url,
                       md_text=_md_text, md_url=_md_url)
    return env


def _num(value: Any, digits: int = 2) -> str:
    if value is None or _missing(value):
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and digits == 0):
        return str(int(value))
    text = f"{float(value):.{digits}f}"
    return text.removeprefix("-") if float(text) == 0 else text


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


def _md_text(value: Any) -> str:
    """Page text safe in Markdown prose and table cells: one line, markup characters escaped
    (HTML characters are escaped by the template's autoescape)."""
    return " ".join(str(value).split()).translate(_MARKDOWN_ESCAPES)


def _md_url(value: str) -> str:
    """A URL usable as a Markdown link destination (parentheses and spaces percent-encoded)."""
    return value.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _anchor(*parts: Any) -> str:
    """An HTML id / URL fragment from parts joined by '-': letters, digits and '_' kept, every
    other character written as .XX per UTF-8 byte, so distinct parts give distinct ids."""
    return "-".join(
        text if _ANCHOR_PLAIN.fullmatch(text) else
        "".join(ch if _ANCHOR_PLAIN.fullmatch(ch) else "".join(f".{b:02X}" for b in ch.encode())
                for ch in text)
        for text in map(str, parts)
    )
