"""The `zhuanban` command line: one subcommand per stage, each a thin call into the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from error


def cmd_demo_corpus(args: argparse.Namespace) -> int:
    """Write the simulated demo corpus and its ground truth."""
    from pipeline.demo import generate_demo

    summary = generate_demo(args.out_dir, seed=args.seed, n_cases=args.n_cases,
                            start=args.start, end=args.end)
    print(f"simulated demo corpus written to {args.out_dir}: {summary}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """Search the live sources and write one hits file per source (JSONL)."""
    from scrapers.discover import client_settings, discover, load_live_config
    from scrapers.http_client import PoliteClient
    from scrapers.warc_archive import WarcArchive

    live = load_live_config(args.config)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with (
        WarcArchive(args.out_dir / "discover.warc.gz",
                    description="zhuanban discover: search and index responses") as archive,
        PoliteClient(client_settings(live), archive) as client,
    ):
        summary = discover(live, args.out_dir, client)
    return 1 if summary.failed else 0


def cmd_capture(args: argparse.Namespace) -> int:
    """Fetch the URLs of hits files into WARC politely, or through the demo server when asked."""
    from scrapers.capture import capture, demo_settings, read_hit_files, settings_from_file
    from scrapers.demo_site import serve_demo_site

    settings = settings_from_file(args.config, user_agent=args.user_agent)
    if args.urls_per_warc is not None:
        settings.urls_per_warc = args.urls_per_warc
    hits = read_hit_files(args.hits)
    if args.demo_site:
        with serve_demo_site(args.demo_site) as proxy:
            demo = demo_settings(proxy, settings.client.user_agent)
            demo.urls_per_warc = settings.urls_per_warc
            summary = capture(hits, args.out_dir, demo)
    else:
        summary = capture(hits, args.out_dir, settings)
    print("\n".join(summary.lines()))
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse WARC files into the articles table."""
    from pipeline.parse import parse_warcs

    warcs = [path for item in args.warc for path in _warc_files(Path(item))]
    summary = parse_warcs(warcs, args.output, args.dropped)
    print(f"parse: {summary.articles} articles; dropped {summary.dropped or 'none'} "
          f"(reasons in {args.dropped})")
    return 0


def _warc_files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted([*path.rglob("*.warc.gz"), *path.rglob("*.warc")])
        if not found:
            raise SystemExit(f"zhuanban: {path}: no .warc or .warc.gz files in this folder")
        return found
    if not path.is_file():
        raise SystemExit(f"zhuanban: {path}: no such WARC file")
    return [path]


def cmd_extract(args: argparse.Namespace) -> int:
    """Code task forces in articles: JSONL → contract CSV, or the stage's Parquet → Parquet."""
    from pipeline import extract

    if args.articles.suffix == ".parquet":
        import pandas as pd

        mentions = extract.extract_table(pd.read_parquet(args.articles))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if args.output.suffix == ".parquet":
            mentions.to_parquet(args.output, index=False)
        else:
            mentions[extract.CONTRACT_COLUMNS].to_csv(args.output, index=False)
        rows = len(mentions)
    else:
        rows = extract.extract_jsonl(args.articles, args.output)
    print(f"extract: {rows} task-force mentions written to {args.output}")
    return 0


def cmd_check_published(args: argparse.Namespace) -> int:
    """Check the paper's published figures for internal consistency (always exits 0)."""
    from pipeline.published import check_consistency, load_published

    for check in check_consistency(load_published(args.published)):
        verdict = "consistent" if check.passed else "inconsistent"
        print(f"{check.name}: {verdict} ({check.detail})")
    return 0


def cmd_near_duplicates(args: argparse.Namespace) -> int:
    """Cluster near-duplicate articles (reposts, syndicated copies) with MinHash/LSH."""
    from pipeline.near_duplicates import cluster_file

    summary = cluster_file(args.articles, args.output)
    print(f"near-duplicates: {summary.articles} articles in {summary.clusters} clusters "
          f"({summary.copies} copies) → {args.output}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    """Merge mentions into cases."""
    from pipeline.resolve import resolve_files

    summary = resolve_files(args.mentions, args.articles, args.cases, args.case_sources,
                            args.clusters, args.manual_dir)
    for line in summary.manual_not_applied:
        print(f"resolve: human coding not applied: {line}")
    print(f"resolve: {summary.mentions} mentions → {summary.cases} cases "
          f"({summary.cases_flagged_for_review} flagged for review)")
    return 0


def _simulated_corpus(articles: list[Path]) -> bool:
    """True when the articles tables hold pages of the simulated demo corpus."""
    from pipeline.parse import has_simulated_articles

    return any(has_simulated_articles(path) for path in articles)


def cmd_analyse(args: argparse.Namespace) -> int:
    """Compare the cases' distributions with the paper's: tables, fit statistics, charts."""
    from pipeline.analyse import analyse
    from pipeline.charts import write_charts
    from pipeline.published import load_published

    published = load_published(args.published)
    simulated = args.simulated or _simulated_corpus(args.articles)
    if args.start > args.end:
        raise ValueError(f"window start {args.start} is after its end {args.end}")
    result = analyse(args.cases, published, args.tables, (args.start, args.end), simulated)
    charts = write_charts(args.tables, published, args.figures, simulated)
    print(f"analyse: {result.n_cases} cases, {result.n_in_window} in the window "
          f"{args.start}..{args.end}; tables in {args.tables}; "
          f"{len(charts)} chart files in {args.figures}")
    return 0


def cmd_recovery(args: argparse.Namespace) -> int:
    """Score the pipeline's cases against the simulated corpus's ground truth."""
    from pipeline.recovery import evaluate_recovery

    result = evaluate_recovery(args.cases, args.case_sources, args.truth_cases,
                               args.truth_pages, args.output)
    scores = {"precision": result.precision, "recall": result.recall, "F1": result.f1}
    print("recovery: " + ", ".join(
        f"{name} {'n/a' if value is None else f'{value:.3f}'}" for name, value in scores.items()
    ))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score the automatic coder against a hand-coded gold set (precision, recall, accuracy)."""
    from pipeline.evaluate import evaluate_gold, summary_lines

    evaluation = evaluate_gold(args.gold_dir, args.output)
    print("\n".join(summary_lines(evaluation)))
    print(f"evaluate: evaluation.json, evaluation.md, confusion and error tables in {args.output}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the replication report (HTML and Markdown)."""
    import pandas as pd
    import pyarrow.parquet as pq

    from pipeline.agreement import load_agreement
    from pipeline.evaluate import load_evaluation
    from pipeline.published import load_published
    from pipeline.recovery import load_recovery
    from pipeline.report import build_report

    dropped = pd.concat([pd.read_csv(path) for path in args.dropped], ignore_index=True)
    articles = sum(pq.ParquetFile(path).metadata.num_rows for path in args.articles)
    simulated = args.simulated or _simulated_corpus(args.articles)
    extras = {
        "pages_captured": articles + len(dropped),
        "articles_parsed": articles,
        "mentions": sum(pq.ParquetFile(path).metadata.num_rows for path in args.mentions),
        "cases": len(pd.read_csv(args.cases, usecols=["case_id"])),
        "dropped": [
            {"stage": "parse", "reason": reason, "count": int(count)}
            for reason, count in dropped["reason"].value_counts().sort_index().items()
        ],
        "notes": [
            "Simulated pages were served from 127.0.0.1 and captured to WARC like live pages."
        ] if simulated else [],
    }
    recovery = load_recovery(args.recovery / "recovery.json") if args.recovery else None
    evaluation = load_evaluation(args.evaluation / "evaluation.json") if args.evaluation else None
    agreement = load_agreement(args.agreement / "agreement.json") if args.agreement else None
    build_report(args.tables, args.figures, args.html, args.md, load_published(args.published),
                 simulated, recovery, extras, evaluation, case_sources=args.case_sources,
                 agreement=agreement, beyond=args.beyond)
    print(f"report: {args.html} and {args.md}")
    return 0


def cmd_coding_sheet(args: argparse.Namespace) -> int:
    """Export cases with their automatic codes as a coding sheet (CSV and XLSX) for coders."""
    from pipeline.coding_sheet import write_coding_sheet

    files = write_coding_sheet(args.cases, args.case_sources, args.output, coder=args.coder)
    print(f"coding-sheet: {files.cases} cases in {files.csv} and {files.xlsx}; "
          f"allowed codes in {files.codes_csv}")
    return 0


def cmd_import_coding(args: argparse.Namespace) -> int:
    """Check coding sheets against the codebook and store the human codes as overrides."""
    from pipeline.manual import import_coding

    summary = import_coding(args.sheets, args.manual_dir)
    print(f"import-coding: {summary.rows} rows from {summary.sheets} sheet(s); "
          f"{summary.overrides_written} overrides written, {summary.overrides_removed} removed, "
          f"{summary.cases_added} cases added by hand; store in {args.manual_dir}")
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """Krippendorff's alpha and Cohen's kappa per field between coders, with bootstrap CIs."""
    from pipeline.agreement import compute_agreement, write_agreement

    result = compute_agreement(args.sheets, cases=args.cases, draws=args.draws, seed=args.seed)
    json_path, csv_path = write_agreement(result, args.out_dir)
    print("\n".join(result.lines()))
    print(f"agreement: {len(result.coders)} coders, {result.n_cases} cases; "
          f"{json_path} and {csv_path}")
    return 0


def cmd_adjust(args: argparse.Namespace) -> int:
    """Error-adjusted distributions: the coder's misclassification on the gold set undone."""
    from pipeline.adjust import adjust_files
    from pipeline.published import load_published

    if args.start > args.end:
        raise ValueError(f"window start {args.start} is after its end {args.end}")
    results = adjust_files(args.cases, args.gold, args.out_dir, load_published(args.published),
                           (args.start, args.end), split=args.split, draws=args.draws,
                           seed=args.seed, simulated=args.simulated)
    for field, result in results.items():
        warning = f"; WARNING: {result.warning}" if result.warning else ""
        print(f"adjust: {field}: {result.n_gold_pairs} gold pairs, raw vs adjusted TVD "
              f"{result.tvd_raw_adjusted:.3f}{warning}")
    print(f"adjust: tables, charts and summary.json in {args.out_dir}")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Which sources found each case, and a capture–recapture estimate of the cases missed."""
    from pipeline.coverage import coverage_files

    result = coverage_files(args.cases, args.case_sources, args.out_dir, hits_dir=args.hits,
                            truth_dir=args.truth_dir, simulated=args.simulated)
    overall = result.summary["overall"]
    estimate = overall["n_estimated"]
    print(f"coverage: {overall['n_observed']} cases found by {result.summary['n_sources']} "
          f"sources ({result.mode}); estimated total "
          f"{'n/a' if estimate is None else f'{estimate:.1f}'}"
          + (f", truth {overall['n_truth']}" if "n_truth" in overall else ""))
    print(f"coverage: tables, chart and summary.json in {args.out_dir}")
    return 0


def cmd_link_rot(args: argparse.Namespace) -> int:
    """Alive, dead, archived or lost: every captured or discovered URL, by source, year, level."""
    from pipeline.link_rot import link_rot_files

    result = link_rot_files(args.capture_dir, args.out_dir, hits_dir=args.hits,
                            simulated=args.simulated)
    print(f"link-rot: {result.summary['statement']}")
    print(f"link-rot: tables, chart and summary.json in {args.out_dir}")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """The four distributions under alternative coding choices; the year series past the window."""
    from pipeline.published import load_published
    from pipeline.sensitivity import sensitivity_files

    if args.start > args.end:
        raise ValueError(f"window start {args.start} is after its end {args.end}")
    result = sensitivity_files(args.cases, load_published(args.published), args.out_dir,
                               (args.start, args.end), simulated=args.simulated)
    for fit in result.fits:
        tvd = "n/a" if fit.tvd is None else f"{fit.tvd:.3f}"
        order = "holds" if fit.ordering_holds else f"{fit.pairs_flipped} pair(s) flipped"
        print(f"sensitivity: {fit.choice:<22}{fit.distribution:<12}n {fit.n:>5}  TVD {tvd}  "
              f"paper's order {order}")
    print(f"sensitivity: tables, charts and summary.json in {args.out_dir}")
    return 0


def _window_options(p: argparse.ArgumentParser) -> None:
    """--start/--end: the founding-date window (default: the paper's)."""
    p.add_argument("--start", type=_iso_date, default=date(2018, 1, 1),
                   help="first founding date counted (default: 2018-01-01)")
    p.add_argument("--end", type=_iso_date, default=date(2021, 8, 31),
                   help="last founding date counted (default: 2021-08-31)")


def _published_option(p: argparse.ArgumentParser) -> None:
    """--published: the paper's figures as data."""
    p.add_argument("--published", type=Path, default=None,
                   help="published targets YAML (default: data/reference/published.yaml)")


def _subparsers() -> dict[str, tuple[Handler, Callable[[argparse.ArgumentParser], None]]]:
    def demo_corpus(p: argparse.ArgumentParser) -> None:
        p.add_argument("out_dir", type=Path, help="folder for pages/, manifest.jsonl, truth/")
        p.add_argument("--seed", type=int, default=20220501, help="random seed")
        p.add_argument("--n-cases", type=int, default=513, help="latent task forces (default: 513)")
        p.add_argument("--start", type=_iso_date, default=date(2018, 1, 1), help="first date")
        p.add_argument("--end", type=_iso_date, default=date(2021, 8, 31), help="last date")

    def discover(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=Path, default=Path("config/config.yaml"),
                       help="config file whose 'live' block names queries and sources "
                            "(default: config/config.yaml; example: config/live.example.yaml)")
        p.add_argument("-o", "--out-dir", type=Path, required=True,
                       help="folder for {source}.jsonl, discover_summary.json and "
                            "discover.warc.gz")

    def capture(p: argparse.ArgumentParser) -> None:
        p.add_argument("hits", type=Path, nargs="+",
                       help="hits JSONL files (one object per line with at least 'url'), or "
                            "folders of them")
        p.add_argument("-o", "--out-dir", type=Path, required=True,
                       help="folder for capture-<run>.warc.gz files, capture_log.csv and "
                            "capture_summary.json; rerunning resumes")
        p.add_argument("--config", type=Path, default=None,
                       help="config YAML whose 'capture' block sets politeness and limits "
                            "(default: config/config.yaml when present)")
        p.add_argument("--demo-site", type=Path,
                       help="serve this simulated demo corpus from 127.0.0.1 and fetch through it")
        p.add_argument("--user-agent", default=None,
                       help="User-Agent with a contact address (overrides the config)")
        p.add_argument("--urls-per-warc", type=int, default=None,
                       help="start a new WARC file (a shard) after this many URLs "
                            "(overrides the config; default 1000)")

    def parse(p: argparse.ArgumentParser) -> None:
        p.add_argument("warc", nargs="+", help="WARC files or folders holding them")
        p.add_argument("-o", "--output", type=Path, required=True, help="articles.parquet")
        p.add_argument("--dropped", type=Path, required=True,
                       help="CSV of records that gave no article, with the reason")

    def extract(p: argparse.ArgumentParser) -> None:
        p.add_argument("articles", type=Path,
                       help="ARTICLES.jsonl (id, url, title, published, text) or articles.parquet")
        p.add_argument("-o", "--output", type=Path, required=True,
                       help="CASES.csv (the contract columns) or mentions.parquet (all columns)")

    def check_published(p: argparse.ArgumentParser) -> None:
        _published_option(p)

    def near_duplicates(p: argparse.ArgumentParser) -> None:
        p.add_argument("articles", type=Path, nargs="+", help="articles.parquet file(s) from parse")
        p.add_argument("-o", "--output", type=Path, required=True, help="near_duplicates.csv")

    def resolve(p: argparse.ArgumentParser) -> None:
        p.add_argument("--mentions", type=Path, nargs="+", required=True,
                       help="mentions.parquet file(s) from extract (one per shard)")
        p.add_argument("--articles", type=Path, nargs="+", required=True,
                       help="articles.parquet file(s) from parse (one per shard)")
        p.add_argument("--cases", type=Path, required=True, help="cases.csv to write")
        p.add_argument("--case-sources", type=Path, required=True,
                       help="case_sources.csv to write (case ↔ article ↔ URL ↔ WARC record)")
        p.add_argument("--clusters", type=Path, default=None,
                       help="near_duplicates.csv: reposts of one report count once")
        p.add_argument("--manual-dir", type=Path, default=None,
                       help="folder of human coding (overrides.csv, added_cases.csv) written by "
                            "`zhuanban import-coding`; applied over the automatic codes")

    def analyse(p: argparse.ArgumentParser) -> None:
        p.add_argument("cases", type=Path, help="cases.csv from resolve")
        p.add_argument("--tables", type=Path, required=True, help="folder for the tables")
        p.add_argument("--figures", type=Path, required=True, help="folder for PNG/SVG charts")
        _window_options(p)
        p.add_argument("--simulated", action="store_true",
                       help="label every table and chart as made from simulated data")
        p.add_argument("--articles", type=Path, nargs="*", default=[],
                       help="articles.parquet file(s): if they hold simulated pages, the "
                            "output is labelled as simulated")
        _published_option(p)

    def recovery(p: argparse.ArgumentParser) -> None:
        p.add_argument("cases", type=Path, help="cases.csv from resolve")
        p.add_argument("case_sources", type=Path, help="case_sources.csv from resolve")
        p.add_argument("--truth-cases", type=Path, required=True, help="demo truth/cases.csv")
        p.add_argument("--truth-pages", type=Path, required=True, help="demo truth/pages.csv")
        p.add_argument("-o", "--output", type=Path, required=True,
                       help="folder for recovery.json and confusion matrices")

    def evaluate(p: argparse.ArgumentParser) -> None:
        p.add_argument("gold_dir", type=Path,
                       help="gold folder: <batch>/articles.jsonl + cases.csv, optional split.csv")
        p.add_argument("-o", "--output", type=Path,
                       default=Path("data/processed/evaluation"),
                       help="folder for evaluation.json, evaluation.md, confusion_<split>_<field>"
                            ".csv and errors_<split>.csv (default: data/processed/evaluation)")

    def report(p: argparse.ArgumentParser) -> None:
        p.add_argument("--tables", type=Path, required=True, help="tables folder from analyse")
        p.add_argument("--figures", type=Path, required=True, help="charts folder from analyse")
        p.add_argument("--cases", type=Path, required=True, help="cases.csv")
        p.add_argument("--case-sources", type=Path, default=None,
                       help="case_sources.csv from resolve: each listed case's articles, "
                            "near-duplicate clusters and WARC captures (without it a case's "
                            "sources are its URLs only)")
        p.add_argument("--articles", type=Path, nargs="+", required=True,
                       help="articles.parquet file(s), one per shard")
        p.add_argument("--mentions", type=Path, nargs="+", required=True,
                       help="mentions.parquet file(s), one per shard")
        p.add_argument("--dropped", type=Path, nargs="+", required=True,
                       help="parse_dropped.csv file(s), one per shard")
        p.add_argument("--recovery", type=Path, default=None,
                       help="folder holding recovery.json (simulated corpus only)")
        p.add_argument("--evaluation", type=Path, default=None,
                       help="folder holding evaluation.json from `zhuanban evaluate`: adds the "
                            "coder's accuracy on the gold set")
        p.add_argument("--agreement", type=Path, default=None,
                       help="folder holding agreement.json from `zhuanban agreement`: adds "
                            "agreement between coders")
        p.add_argument("--beyond", type=Path, default=None,
                       help="folder of the analyses beyond the paper (adjust/, coverage/, "
                            "link_rot/, sensitivity/, each with summary.json): adds their "
                            "sections; one without output there is shown as not run")
        p.add_argument("--simulated", action="store_true", help="label the report as simulated")
        _published_option(p)
        p.add_argument("--html", type=Path, required=True, help="HTML report to write")
        p.add_argument("--md", type=Path, required=True, help="Markdown report to write")

    def coding_sheet(p: argparse.ArgumentParser) -> None:
        p.add_argument("cases", type=Path, help="cases.csv from resolve")
        p.add_argument("case_sources", type=Path, help="case_sources.csv from resolve")
        p.add_argument("-o", "--output", type=Path, required=True,
                       help="SHEET basename: writes SHEET.csv, SHEET.xlsx and SHEET.codes.csv")
        p.add_argument("--coder", default="", help="prefill the coder column with this name")

    def import_coding(p: argparse.ArgumentParser) -> None:
        p.add_argument("sheets", type=Path, nargs="+", help="coding sheets (.csv or .xlsx)")
        p.add_argument("--manual-dir", type=Path, default=Path("data/manual"),
                       help="folder of overrides.csv and added_cases.csv (default: data/manual)")

    def agreement(p: argparse.ArgumentParser) -> None:
        p.add_argument("sheets", type=Path, nargs="+",
                       help="coding sheets (.csv or .xlsx), one or more per coder")
        p.add_argument("-o", "--out-dir", type=Path, default=Path("data/processed/agreement"),
                       help="folder for agreement.json and agreement.csv "
                            "(default: data/processed/agreement)")
        p.add_argument("--cases", type=Path, default=None,
                       help="cases.csv whose codes are the automatic coder's (default: the "
                            "sheets' auto_* columns)")
        p.add_argument("--draws", type=int, default=1000,
                       help="bootstrap draws for the 95%% CIs (default: 1000)")
        p.add_argument("--seed", type=int, default=20220501, help="bootstrap seed")

    def adjust(p: argparse.ArgumentParser) -> None:
        p.add_argument("--cases", type=Path, required=True, help="cases.csv from resolve")
        p.add_argument("--gold", type=Path, required=True,
                       help="gold folder (<batch>/articles.jsonl + cases.csv, split.csv): the "
                            "coder is run on it to pair each gold case with its coded case")
        p.add_argument("-o", "--out-dir", type=Path, required=True,
                       help="folder for adjusted_<dist>.csv, gold_confusion_<dist>.csv, "
                            "gold_pairs.csv, summary.json and charts")
        p.add_argument("--split", choices=("all", "dev", "holdout"), default="all",
                       help="gold articles whose errors are used (default: all)")
        p.add_argument("--draws", type=int, default=1000,
                       help="bootstrap draws for the 95%% intervals (default: 1000)")
        p.add_argument("--seed", type=int, default=20220501, help="bootstrap seed")
        _window_options(p)
        _published_option(p)
        p.add_argument("--simulated", action="store_true",
                       help="label every chart as made from simulated data")

    def coverage(p: argparse.ArgumentParser) -> None:
        p.add_argument("--cases", type=Path, required=True, help="cases.csv from resolve")
        p.add_argument("--case-sources", type=Path, required=True,
                       help="case_sources.csv from resolve")
        p.add_argument("--hits", type=Path, default=None,
                       help="folder of {source}.jsonl hits files from discover; without it "
                            "each host is a source (the demo corpus)")
        p.add_argument("--truth-dir", type=Path, default=None,
                       help="demo truth folder (cases.csv, pages.csv): checks the estimate")
        p.add_argument("-o", "--out-dir", type=Path, required=True,
                       help="folder for found.csv, overlap.csv, per_source.csv, "
                            "times_found.csv, estimate.csv, summary.json and the chart")
        p.add_argument("--simulated", action="store_true",
                       help="label the chart as made from simulated data")

    def link_rot(p: argparse.ArgumentParser) -> None:
        p.add_argument("capture_dir", type=Path, help="capture folder holding capture_log.csv")
        p.add_argument("--hits", type=Path, default=None,
                       help="folder of {source}.jsonl hits files: adds hits never captured, "
                            "each URL's sources and the hit dates")
        p.add_argument("-o", "--out-dir", type=Path, required=True,
                       help="folder for urls.csv, by_<breakdown>.csv, summary.json and chart")
        p.add_argument("--simulated", action="store_true",
                       help="label the chart as made from simulated data")

    def sensitivity(p: argparse.ArgumentParser) -> None:
        p.add_argument("--cases", type=Path, required=True, help="cases.csv from resolve")
        _published_option(p)
        p.add_argument("-o", "--out-dir", type=Path, required=True,
                       help="folder for sensitivity.csv, sensitivity_fit.csv, year_series.csv, "
                            "summary.json and charts")
        _window_options(p)
        p.add_argument("--simulated", action="store_true",
                       help="label every chart as made from simulated data")

    return {
        "demo-corpus": (cmd_demo_corpus, demo_corpus),
        "discover": (cmd_discover, discover),
        "capture": (cmd_capture, capture),
        "parse": (cmd_parse, parse),
        "extract": (cmd_extract, extract),
        "near-duplicates": (cmd_near_duplicates, near_duplicates),
        "check-published": (cmd_check_published, check_published),
        "resolve": (cmd_resolve, resolve),
        "analyse": (cmd_analyse, analyse),
        "recovery": (cmd_recovery, recovery),
        "evaluate": (cmd_evaluate, evaluate),
        "report": (cmd_report, report),
        "coding-sheet": (cmd_coding_sheet, coding_sheet),
        "import-coding": (cmd_import_coding, import_coding),
        "agreement": (cmd_agreement, agreement),
        "adjust": (cmd_adjust, adjust),
        "coverage": (cmd_coverage, coverage),
        "link-rot": (cmd_link_rot, link_rot),
        "sensitivity": (cmd_sensitivity, sensitivity),
    }


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="zhuanban",
        description="Collect, code and count Chinese government work task forces (工作专班).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (handler, configure) in _subparsers().items():
        sub = commands.add_parser(name, help=(handler.__doc__ or "").strip().split("\n")[0])
        configure(sub)
        sub.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `zhuanban` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (FileNotFoundError, ValueError) as error:
        print(f"zhuanban {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
