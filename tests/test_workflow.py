"""The whole workflow through Snakemake on a small simulated corpus, in a temporary folder."""

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, SNAKEMAKE, snakemake
from warcio.warcwriter import WARCWriter


@pytest.mark.slow
def test_report_and_charts_exist_and_say_simulated(demo_run: Path) -> None:
    html = (demo_run / "reports" / "replication.html").read_text(encoding="utf-8")
    markdown = (demo_run / "reports" / "replication.md").read_text(encoding="utf-8")
    assert "SIMULATED" in html and "SIMULATED" in markdown
    for dist in ("year", "level", "domain", "leader_rank"):
        assert (demo_run / "figures" / f"{dist}.png").stat().st_size > 5000
        svg = (demo_run / "figures" / f"{dist}.svg").read_text(encoding="utf-8")
        assert "SIMULATED" in svg


@pytest.mark.slow
def test_report_numbers_match_the_cases_and_the_truth(demo_run: Path) -> None:
    processed = demo_run / "data" / "processed"
    cases = pd.read_csv(processed / "cases.csv")
    truth = pd.read_csv(demo_run / "data" / "raw" / "demo" / "site" / "truth" / "cases.csv")
    assert len(truth) == 80
    summary = json.loads((processed / "tables" / "summary.json").read_text(encoding="utf-8"))
    in_window = summary["n_in_window"]
    assert in_window + summary["n_outside_window"] + summary["n_undated"] == len(cases)
    for dist in ("level", "domain", "leader_rank", "year"):
        table = pd.read_csv(processed / "tables" / f"{dist}.csv")
        assert int(table["reproduced_count"].sum()) == in_window, dist
    start, end = summary["window"]["start"], summary["window"]["end"]
    inside = cases[(cases["founded"].str[:10] >= start) & (cases["founded"].str[:10] <= end)]
    year = pd.read_csv(processed / "tables" / "year.csv").set_index("code")["reproduced_count"]
    assert year.to_dict() == {
        y: int((inside["year"] == y).sum()) for y in year.index
    }
    recovery = json.loads((processed / "recovery" / "recovery.json").read_text(encoding="utf-8"))
    assert recovery["n_truth"] == len(truth)
    assert recovery["n_predicted"] == len(cases)
    assert recovery["recall"] >= 0.75, recovery
    assert recovery["precision"] >= 0.75, recovery
    html = (demo_run / "reports" / "replication.html").read_text(encoding="utf-8")
    for score in ("precision", "recall", "f1"):
        assert f"{100 * recovery[score]:.1f} %" in html, score


@pytest.mark.slow
def test_every_capture_is_logged_and_rerun_is_a_no_op(demo_run: Path) -> None:
    log = pd.read_csv(demo_run / "data" / "raw" / "demo" / "capture" / "capture_log.csv")
    manifest = (demo_run / "data" / "raw" / "demo" / "site" / "manifest.jsonl").read_text()
    assert len(log) == len(manifest.splitlines())
    assert set(log["status"]) == {"ok"}
    dry = snakemake(demo_run, "-n", "--configfile", str(demo_run / "config.yaml"))
    assert dry.returncode == 0
    assert "Nothing to be done" in dry.stdout + dry.stderr


def planned_jobs(workdir: Path, *config: str) -> dict[str, int]:
    """Rule → number of jobs a dry run of the workflow would run now."""
    dry = snakemake(workdir, "-n", *(config or ("--configfile", str(workdir / "config.yaml"))))
    assert dry.returncode == 0, dry.stderr[-3000:]
    counts: dict[str, int] = {}
    for line in (dry.stdout + dry.stderr).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in {"total", "job"}:
            counts[parts[0]] = int(parts[1])
    return counts


@pytest.mark.slow
def test_parse_and_extract_run_per_shard(demo_run: Path) -> None:
    shards = sorted((demo_run / "data" / "interim" / "shards").iterdir())
    warcs = sorted((demo_run / "data" / "raw" / "demo" / "capture").glob("*.warc.gz"))
    assert len(shards) == len(warcs) >= 3
    assert all((shard / "mentions.parquet").is_file() for shard in shards)


@pytest.mark.slow
def test_a_changed_codebook_reruns_extract_not_parse(demo_run: Path) -> None:
    codebook = REPO / "data" / "codebook.yaml"
    original = codebook.read_bytes()
    try:
        codebook.write_bytes(original + b"\n# an analyst's edit\n")
        jobs = planned_jobs(demo_run)
    finally:
        codebook.write_bytes(original)
    shards = len(list((demo_run / "data" / "interim" / "shards").iterdir()))
    assert jobs.get("extract") == shards, jobs
    assert "parse" not in jobs and "near_duplicates" not in jobs
    assert jobs.get("report") == 1


def test_workflow_lint_is_clean() -> None:
    result = subprocess.run(
        [str(SNAKEMAKE), "--lint", "--snakefile", str(REPO / "Snakefile")],
        capture_output=True, text=True, check=False, cwd=REPO,
    )
    assert result.returncode == 0
    assert "Congratulations, your workflow is in a good condition" in result.stdout + result.stderr


def test_a_wrong_config_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("windw:\n  start: '2018-01-01'\n", encoding="utf-8")
    result = snakemake(tmp_path, "-n", "--configfile", str(tmp_path / "bad.yaml"))
    assert result.returncode != 0
    assert "'windw' was unexpected" in result.stdout + result.stderr


def test_live_corpus_without_a_live_block_is_refused(tmp_path: Path) -> None:
    result = snakemake(tmp_path, "-n", "--config", "corpus=live")
    assert result.returncode != 0
    assert "needs a `live` block" in result.stdout + result.stderr


def test_live_corpus_plans_discover_then_capture_then_the_same_stages(tmp_path: Path) -> None:
    result = snakemake(tmp_path, "-n", "--configfile", str(REPO / "config" / "live.example.yaml"),
                       "--config", "corpus=live")
    assert result.returncode == 0, result.stderr[-3000:]
    for rule in ("discover", "capture_live"):
        assert rule in result.stdout
    assert "demo_corpus" not in result.stdout
    assert "checkpoint" in result.stdout, "the shards are known once capture has run"


@pytest.mark.slow
def test_warc_corpus_reruns_everything_after_capture(demo_run: Path, tmp_path: Path) -> None:
    """A reviewer's rerun from the demo run's WARC files alone gives the same cases; a changed
    WARC file reruns only its own shard."""
    warc_dir = tmp_path / "warcs"
    warc_dir.mkdir()
    for warc in (demo_run / "data" / "raw" / "demo" / "capture").glob("*.warc.gz"):
        shutil.copy2(warc, warc_dir / warc.name)
    workdir = tmp_path / "rerun"
    config = ("--config", "corpus=warc", f"warc={{'dir': '{warc_dir}'}}")
    result = snakemake(workdir, "--cores", "2", *config)
    assert result.returncode == 0, result.stderr[-3000:]
    again = pd.read_csv(workdir / "data" / "processed" / "cases.csv")
    first = pd.read_csv(demo_run / "data" / "processed" / "cases.csv")
    pd.testing.assert_frame_equal(again, first)
    html = (workdir / "reports" / "replication.html").read_text(encoding="utf-8")
    assert "SIMULATED" in html, "pages from the simulated corpus stay labelled in warc mode"
    for analysis in ("coverage", "sensitivity"):
        summary = workdir / "data" / "processed" / "beyond" / analysis / "summary.json"
        assert json.loads(summary.read_text(encoding="utf-8"))["simulated"] is True, analysis

    changed = sorted(warc_dir.glob("*.warc.gz"))[1]
    with changed.open("ab") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(changed.name, {"note": "recaptured"}))
    jobs = planned_jobs(workdir, *config)
    assert jobs.get("parse") == 1 and jobs.get("extract") == 1, jobs
    assert jobs.get("resolve") == 1


@pytest.mark.slow
def test_snakemake_report_is_self_contained_with_captions(demo_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "snakemake_report.html"
    result = snakemake(demo_run, "--configfile", str(demo_run / "config.yaml"), "--report",
                       str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    html = out.read_text(encoding="utf-8")
    assert "SIMULATED" in html
    assert "founding year" in html and "policy domain" in html
    assert "Coverage of the search" in html and "Beyond the paper" in html
