"""Benchmark zhuanban after capture on simulated corpora of 1k, 10k and 100k pages.

For each size it generates a demo corpus, archives its pages as WARC shards, and measures, in the
same run and on the same pages:
- the baseline: decoding each page and `lxml.html.fromstring(...).text_content()`;
- our parse + extract per page on one core (pages per second per core, and the ratio of our
  per-page cost to the baseline's, `ratio_to_baseline`);
- the whole workflow after capture (`corpus: warc`, parse → … → report) on 2 cores: wall time
  and peak memory of the Snakemake process tree;
- `snakemake -n` on the finished corpus.
Results go to benchmarks/results.json and benchmarks/results.md.

Run: `make benchmark` (or `.venv/bin/python benchmarks/run_benchmark.py --sizes 1000 10000`).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil
from lxml import html as lxml_html

from pipeline.charset import decode_html
from pipeline.demo import generate_demo
from pipeline.extract import extract_article
from pipeline.parse import parse_page
from scrapers.demo_site import SIMULATED_HEADER
from scrapers.warc_archive import WarcArchive

REPO = Path(__file__).resolve().parent.parent
PAGES_PER_CASE = 2.64  # the default demo corpus: 1,353 pages for 513 cases
PAGES_PER_SHARD = 2500
TIMED_PAGES_CAP = 10_000  # per-page costs are timed on at most this many pages of a corpus
TARGETS = {
    "ratio_to_baseline_max": 30.0,
    "workflow_seconds_max_at_100k": 600.0,
    "peak_memory_mb_max_at_100k": 2048.0,
    "dry_run_seconds_max_at_100k": 5.0,
}


@dataclass
class SizeResult:
    """Everything measured for one corpus size."""

    pages: int
    cases: int
    shards: int
    timed_pages: int
    baseline_ms_per_page: float
    parse_ms_per_page: float
    extract_ms_per_page: float
    ratio_to_baseline: float
    pages_per_second_per_core: float
    workflow_seconds: float
    workflow_cores: int
    peak_memory_mb: float
    dry_run_seconds: float
    cases_found: int


def write_corpus(out: Path, pages: int, seed: int) -> tuple[list[tuple[str, bytes, str]], int]:
    """Generate a demo corpus of about `pages` pages and archive it as WARC shards."""
    n_cases = max(5, round(pages / PAGES_PER_CASE))
    site = out / "site"
    generate_demo(site, seed=seed, n_cases=n_cases)
    entries = [json.loads(line) for line in (site / "manifest.jsonl").open(encoding="utf-8")]
    corpus = [(e["url"], (site / e["path"]).read_bytes(), e["content_type"]) for e in entries]
    warc_dir = out / "warcs"
    for start in range(0, len(corpus), PAGES_PER_SHARD):
        shard = warc_dir / f"bench-{start // PAGES_PER_SHARD:05d}.warc.gz"
        with WarcArchive(shard, description="SIMULATED benchmark corpus (zhuanban)") as archive:
            for url, body, content_type in corpus[start : start + PAGES_PER_SHARD]:
                archive.write_exchange(
                    url, request_headers=[("User-Agent", "zhuanban-benchmark")], status=200,
                    reason="OK", response_headers=[
                        ("Content-Type", content_type), ("Content-Length", str(len(body))),
                        (SIMULATED_HEADER, "zhuanban benchmark corpus"),
                    ], body=body,
                )
    return corpus, n_cases


def time_per_page(corpus: list[tuple[str, bytes, str]]) -> tuple[float, float, float]:
    """Seconds per page: baseline, our parse, our extract (one core, same pages)."""
    started = time.perf_counter()
    for _, body, content_type in corpus:
        text, _ = decode_html(body, content_type)
        lxml_html.fromstring(text).text_content()
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    rows = [parse_page(url, body, content_type) for url, body, content_type in corpus]
    parse = time.perf_counter() - started
    articles = [
        {"id": row["article_id"], "url": row["url"], "title": row["title"],
         "published": row["published"], "text": row["text"], "source": row["source"]}
        for row in rows if isinstance(row, dict)
    ]
    started = time.perf_counter()
    for article in articles:
        extract_article(article)
    extract = time.perf_counter() - started
    count = len(corpus)
    return baseline / count, parse / count, extract / count


def run_workflow(workdir: Path, warc_dir: Path, cores: int) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, summed over the process tree) of the workflow."""
    command = [
        str(Path(sys.executable).parent / "snakemake"), "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), "--cores", str(cores), "--quiet", "all",
        "--config", "corpus=warc", f"warc={{'dir': '{warc_dir}'}}",
    ]
    peak = 0.0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr.append(process.stderr.read()), daemon=True)
    reader.start()
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    reader.join()
    if process.returncode != 0:
        raise RuntimeError(f"workflow failed in {workdir}:\n{b''.join(stderr).decode()[-3000:]}")
    return seconds, peak / 2**20


def dry_run_seconds(workdir: Path, warc_dir: Path) -> float:
    """Seconds `snakemake -n` takes on the finished run."""
    command = [
        str(Path(sys.executable).parent / "snakemake"), "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(workdir), "-n", "--quiet", "all",
        "--config", "corpus=warc", f"warc={{'dir': '{warc_dir}'}}",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(pages: int, cores: int, seed: int, scratch: Path) -> SizeResult:
    """Generate, archive and measure one corpus size."""
    out = scratch / f"pages-{pages}"
    corpus, n_cases = write_corpus(out, pages, seed)
    timed = corpus[:TIMED_PAGES_CAP]
    baseline, parse, extract = time_per_page(timed)
    seconds, peak_mb = run_workflow(out / "run", out / "warcs", cores)
    cases_found = sum(1 for _ in (out / "run" / "data" / "processed" / "cases.csv").open()) - 1
    return SizeResult(
        pages=len(corpus), cases=n_cases,
        shards=len(list((out / "warcs").glob("*.warc.gz"))), timed_pages=len(timed),
        baseline_ms_per_page=baseline * 1000, parse_ms_per_page=parse * 1000,
        extract_ms_per_page=extract * 1000, ratio_to_baseline=(parse + extract) / baseline,
        pages_per_second_per_core=1 / (parse + extract), workflow_seconds=seconds,
        workflow_cores=cores, peak_memory_mb=peak_mb,
        dry_run_seconds=dry_run_seconds(out / "run", out / "warcs"), cases_found=cases_found,
    )


def verdicts(results: list[SizeResult]) -> dict[str, object]:
    """Whether each target is met, on the sizes that were run."""
    largest = max(results, key=lambda r: r.pages)
    at_100k = largest.pages >= 95_000
    memory = [r.peak_memory_mb for r in sorted(results, key=lambda r: r.pages)]
    sizes = [r.pages for r in sorted(results, key=lambda r: r.pages)]
    sublinear = all(
        (m2 / m1) < (s2 / s1) for (m1, s1), (m2, s2) in zip(
            zip(memory, sizes, strict=True), zip(memory[1:], sizes[1:], strict=True), strict=False
        )
    )
    return {
        "ratio_to_baseline_met": all(
            r.ratio_to_baseline <= TARGETS["ratio_to_baseline_max"] for r in results
        ),
        "workflow_100k_met": at_100k and largest.workflow_seconds
        <= TARGETS["workflow_seconds_max_at_100k"],
        "memory_100k_met": at_100k and largest.peak_memory_mb
        <= TARGETS["peak_memory_mb_max_at_100k"],
        "memory_sublinear": sublinear if len(results) > 1 else None,
        "dry_run_100k_met": at_100k and largest.dry_run_seconds
        <= TARGETS["dry_run_seconds_max_at_100k"],
        "largest_size_run": largest.pages,
    }


def machine() -> dict[str, object]:
    """The machine and software versions the numbers were measured with."""
    return {
        "platform": platform.platform(), "processor": platform.machine(),
        "logical_cores": psutil.cpu_count(), "memory_gb": round(psutil.virtual_memory().total
                                                               / 2**30, 1),
        "python": platform.python_version(),
        "versions": {name: version(name) for name in
                     ("snakemake", "lxml", "pandas", "pyarrow", "trafilatura", "warcio")},
    }


def markdown(report: dict[str, object]) -> str:
    """A short Markdown table of the results."""
    lines = [
        "# zhuanban benchmark (simulated corpora)", "",
        f"Measured {report['measured_at']} on {report['machine']['platform']}, "
        f"{report['machine']['logical_cores']} cores; command: `{report['command']}`.", "",
        "| pages | shards | baseline ms/page | parse ms/page | extract ms/page | "
        "ratio to baseline | pages/s/core | workflow s (2 cores) | peak MB | `snakemake -n` s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["sizes"]:
        lines.append(
            f"| {r['pages']:,} | {r['shards']} | {r['baseline_ms_per_page']:.3f} | "
            f"{r['parse_ms_per_page']:.3f} | {r['extract_ms_per_page']:.3f} | "
            f"{r['ratio_to_baseline']:.1f}× | {r['pages_per_second_per_core']:.0f} | "
            f"{r['workflow_seconds']:.0f} | {r['peak_memory_mb']:.0f} | "
            f"{r['dry_run_seconds']:.1f} |"
        )
    lines += ["", "Targets: " + json.dumps(report["targets"]), "",
              "Verdicts: " + json.dumps(report["verdicts"]), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000],
                        help="corpus sizes in pages (default: 1000 10000 100000)")
    parser.add_argument("--cores", type=int, default=2, help="cores for the workflow runs")
    parser.add_argument("--seed", type=int, default=20220501, help="demo corpus seed")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder for results.json and results.md")
    parser.add_argument("--scratch", type=Path, default=None,
                        help="folder for the generated corpora (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhuanban-bench-") as temporary:
        scratch = args.scratch or Path(temporary)
        results = []
        for pages in args.sizes:
            result = measure(pages, args.cores, args.seed, scratch)
            print(json.dumps(asdict(result)), flush=True)
            results.append(result)
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/run_benchmark.py --sizes "
                   + " ".join(str(size) for size in args.sizes) + f" --cores {args.cores}",
        "corpus": "SIMULATED demo corpora (pipeline.demo), archived as WARC shards of "
                  f"{PAGES_PER_SHARD} pages; per-page costs timed on the first "
                  f"{TIMED_PAGES_CAP:,} pages of each corpus at most",
        "machine": machine(), "targets": TARGETS,
        "sizes": [asdict(r) for r in results], "verdicts": verdicts(results),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "results.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
