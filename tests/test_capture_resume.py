"""Crash safety: a capture killed at any moment resumes without losing or refetching captures,
and leaves no corrupt WARC behind."""

from __future__ import annotations

import csv
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from fault_server import FaultServer, respond, slow
from warcio.archiveiterator import ArchiveIterator

from scrapers.capture import LOCK_NAME, LOG_FIELDS, CaptureSettings, capture
from scrapers.http_client import ClientSettings, PoliteClient
from scrapers.warc_archive import WarcArchive, complete_length

AGENT = "zhuanban/0.1 (test crawler; test@example.invalid)"
PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                   "ALL_PROXY"]
PAGES = 20  # per host
CONFIG = f"""capture:
  user_agent: "{AGENT}"
  min_interval_seconds: 0
  max_attempts: 2
  timeout_seconds: 5
  workers: 2
  archived_copies: false
"""


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def page(number: int) -> bytes:
    return f"<html><body><p>第{number}篇 工作专班 {'x' * number * 50}</p></body></html>".encode()


def log_rows(out: Path) -> list[dict[str, str]]:
    with (out / "capture_log.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def final_responses(out: Path) -> Counter[str]:
    """Captured responses per requested URL across every WARC; reading fails on a corrupt one."""
    found: Counter[str] = Counter()
    for path in sorted(out.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    record.content_stream().read()
                    if record.rec_headers.get_header("Zhuanban-Outcome") == "ok":
                        found[record.rec_headers.get_header("Zhuanban-Requested-URL")] += 1
    return found


def start_capture(hits: Path, out: Path, config: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in PROXY_VARIABLES}
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "capture", str(hits), "-o", str(out),
         "--config", str(config)],
        cwd=out.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wait_for_rows(out: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    log = out / "capture_log.csv"
    while time.monotonic() < deadline:
        lines = log.read_bytes().count(b"\n") - 1 if log.exists() else 0
        if lines >= count:
            return
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.005)
    raise AssertionError(f"capture did not log {count} rows in time")


def test_sigkill_mid_run_then_restart_loses_nothing_and_refetches_only_what_was_in_flight(
    tmp_path: Path,
) -> None:
    routes = {f"/p/{number}": slow(0.04, respond(200, page(number))) for number in range(PAGES)}
    out = tmp_path / "capture"
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    with FaultServer(routes) as one, FaultServer(routes) as two:
        urls = [server.url(f"/p/{number}") for number in range(PAGES) for server in (one, two)]
        hits = tmp_path / "hits.jsonl"
        hits.write_text("".join(f'{{"url": "{url}"}}\n' for url in urls), encoding="utf-8")
        kills = 0
        for rows_before_kill in (7, 22):
            process = start_capture(hits, out, config)
            wait_for_rows(out, rows_before_kill, process)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            assert list(out.glob("*.warc.gz.open")), "killed mid-run, its WARC still open"
        process = start_capture(hits, out, config)
        assert process.wait(timeout=60) == 0, process.stderr.read().decode()
        requests = Counter(request.path for request in one.requests + two.requests)
        page_requests = sum(n for path, n in requests.items() if path.startswith("/p/"))
    rows = log_rows(out)
    assert sorted(row["url"] for row in rows) == sorted(urls), "every URL logged exactly once"
    assert {row["status"] for row in rows} == {"ok"}, "no capture lost"
    # only a request in flight when the process died (at most one per worker) is sent again
    assert page_requests <= len(urls) + kills * 2
    assert not list(out.glob("*.open")), "interrupted WARCs were finished"
    assert final_responses(out) == Counter(urls), "each page captured once, WARCs read cleanly"
    for row in rows:
        with (out / row["warc_file"]).open("rb") as stream:
            stream.seek(int(row["warc_offset"]))
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("Zhuanban-Requested-URL") == row["url"]


def settings() -> CaptureSettings:
    client = ClientSettings(user_agent=AGENT, min_interval=0.0, obey_robots=False)
    return CaptureSettings(client=client, workers=1, find_archived_copy=None, progress=False)


def test_restart_cuts_a_torn_tail_and_logs_what_the_killed_run_did_not(tmp_path: Path) -> None:
    routes = {f"/{name}": respond(200, f"<p>page {name}</p>".encode()) for name in "abc"}
    out = tmp_path / "capture"
    out.mkdir()
    run = "capture-20260101T000000Z-abcdef.warc.gz"
    with FaultServer(routes) as server:
        a, b, c = (server.url(f"/{name}") for name in "abc")
        with WarcArchive(out / f"{run}.open") as archive, \
                PoliteClient(settings().client, archive) as client:
            first = client.get(a)
            client.get(b)
        other = WarcArchive(tmp_path / "other.warc.gz")
        start = (tmp_path / "other.warc.gz").stat().st_size
        other.write_exchange(c, request_headers=[], status=200, reason="OK",
                             response_headers=[], body=b"<p>never finished</p>" * 50)
        other.close()
        exchange = (tmp_path / "other.warc.gz").read_bytes()[start:]
        with (out / f"{run}.open").open("ab") as stream:
            stream.write(exchange[:-20])  # the kill came while the response was being written
        with (out / "capture_log.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(LOG_FIELDS)
            writer.writerow([a, "ok", 200, 1, len(b"<p>page a</p>"), run, first.warc_offset,
                             first.fetched_at, ""])
            handle.write(f"{b},o")  # torn row
        torn_size = (out / f"{run}.open").stat().st_size
        summary = capture([a, b, c], out, settings())
        counts = [server.count(f"/{name}") for name in "abc"]
    assert counts == [1, 1, 1], "a and b were not fetched again"
    assert (summary.recovered, summary.already_captured, summary.captured) == (1, 2, 1)
    assert (out / run).stat().st_size < torn_size
    assert not (out / f"{run}.open").exists()
    rows = log_rows(out)
    assert [row["url"] for row in rows] == [a, b, c]
    assert rows[1]["note"].startswith("recovered") and rows[1]["warc_file"] == run
    assert final_responses(out) == Counter([a, b, c])


def test_an_eight_column_log_gains_the_note_column(tmp_path: Path) -> None:
    with FaultServer({"/x": respond(200, b"x")}) as server:
        (tmp_path / "capture_log.csv").write_text(
            ",".join(LOG_FIELDS[:-1]) + f"\n{server.url('/old')},http_error,404,1,,,,t\n",
            encoding="utf-8")
        capture([server.url("/x")], tmp_path, settings())
    rows = log_rows(tmp_path)
    assert list(rows[0]) == LOG_FIELDS
    assert [row["status"] for row in rows] == ["http_error", "ok"]


def test_a_second_capture_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    with (tmp_path / LOCK_NAME).open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(ValueError, match="another capture"):
            capture(["http://127.0.0.1:9/x"], tmp_path, settings())


def test_damage_inside_a_warc_is_not_mistaken_for_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "d.warc.gz"
    with WarcArchive(path) as archive:
        for number in range(3):
            archive.write_exchange(f"http://h/{number}", request_headers=[], status=200,
                                   reason="OK", response_headers=[], body=page(number) * 20)
    data = bytearray(path.read_bytes())
    assert complete_length(path) == len(data)
    data[len(data) // 2: len(data) // 2 + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="check the file by hand"):
        complete_length(path)
