"""Fault injection: capture through a misbehaving server on 127.0.0.1 finishes, logs every URL
once with its status, and keeps every success in the WARC byte for byte."""

from __future__ import annotations

import csv
import dataclasses
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fault_server import (
    FaultServer,
    big,
    drip,
    reset,
    respond,
    sequence,
    silent_after_headers,
    truncated,
)
from warcio.archiveiterator import ArchiveIterator

from pipeline.charset import decode_html
from pipeline.parse import parse_warcs
from scrapers.capture import CAPTURE_STATUSES, CaptureSettings, CaptureSummary, Hit, capture
from scrapers.http_client import ClientSettings, FetchResult, PoliteClient

AGENT = "zhuanban/0.1 (test crawler; test@example.invalid)"
PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                   "ALL_PROXY"]
CAP = 64 * 1024
TEXT = "<p>经研究，决定成立东莞市道滘镇招商引资工作专班，由镇长任组长。</p>"
GBK_LABELLED_UTF8 = (
    "<html><head><title>关于成立工作专班的通知</title></head><body>" + TEXT + "</body></html>"
).encode("gb18030")
NO_CHARSET = ("<html><head><title>工作专班</title></head><body>" + TEXT * 3 + "</body></html>"
              ).encode("gb18030")
BROKEN_MARKUP = ("<html><body><div id=zoom><p>发布日期：2020-03-05<td></table></span><p <<>> "
                 "&amp &nbsp; 成立疫情防控工作专班。<div><div><b>").encode()
CAPTCHA = "<html><head><title>百度安全验证</title></head><body>网络不给力</body></html>".encode()
PLAIN = b"<html><body><p>plain page</p></body></html>"

# path → (server behaviour, expected status, bytes the WARC must hold for a success)
FAULTS: dict[str, tuple] = {
    "/plain": (respond(200, PLAIN), "ok", PLAIN),
    "/429": (sequence(respond(429, b"slow down", headers={"Retry-After": "1"}),
                      respond(200, PLAIN)), "ok", PLAIN),
    "/500-then-ok": (sequence(respond(500, b"oops"), respond(200, PLAIN)), "ok", PLAIN),
    "/reset": (reset(), "connection_error", None),
    "/silent": (silent_after_headers(2.0), "timeout", None),
    "/drip": (drip(0.05), "timeout", None),
    "/truncated": (truncated(b"<html><body>only the start", 5000), "connection_error", None),
    "/gbk-labelled-utf8": (respond(200, GBK_LABELLED_UTF8, content_type="text/html; charset=utf-8"),
                           "ok", GBK_LABELLED_UTF8),
    "/no-charset": (respond(200, NO_CHARSET, content_type="text/html"), "ok", NO_CHARSET),
    "/no-content-type": (respond(200, NO_CHARSET, content_type=None), "ok", NO_CHARSET),
    "/loop": (respond(302, headers={"Location": "/loop"}), "redirect_loop", None),
    "/too-big": (big(CAP * 4, chunk=4096), "too_large", b"a" * CAP),
    "/private/page": (respond(200, PLAIN), "robots_disallowed", None),
    "/broken-markup": (respond(200, BROKEN_MARKUP), "ok", BROKEN_MARKUP),
    "/missing": (respond(404, b"not found"), "http_error", None),
}
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def settings(**overrides: object) -> CaptureSettings:
    client = {"user_agent": AGENT, "min_interval": 0.0, "connect_timeout": 1.0,
              "read_timeout": 0.3, "total_deadline": 0.8, "max_attempts": 2,
              "backoff_base": 0.01, "backoff_cap": 5.0, "max_bytes": CAP, "max_redirects": 3}
    client.update(overrides)
    return CaptureSettings(client=ClientSettings(**client), workers=4, find_archived_copy=None,
                           progress=False)


def log_rows(out: Path) -> list[dict[str, str]]:
    with (out / "capture_log.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def record_at(out: Path, row: dict[str, str]):
    stream = (out / row["warc_file"]).open("rb")
    stream.seek(int(row["warc_offset"]))
    record = next(iter(ArchiveIterator(stream)))
    return record, stream


@dataclasses.dataclass
class Crawl:
    out: Path
    summary: CaptureSummary
    server: FaultServer
    captcha_server: FaultServer
    rows: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    out = tmp_path_factory.mktemp("faults")
    routes = {path: behaviour for path, (behaviour, _, _) in FAULTS.items()}
    routes["/robots.txt"] = respond(200, ROBOTS, content_type="text/plain")
    captcha_routes = {"/s": respond(200, CAPTCHA)}
    with pytest.MonkeyPatch.context() as patch:
        for name in PROXY_VARIABLES:
            patch.delenv(name, raising=False)
        with FaultServer(routes) as server, FaultServer(captcha_routes) as captcha_server:
            urls = [server.url(path) for path in FAULTS]
            urls += [captcha_server.url("/s?wd=1"), captcha_server.url("/s?wd=2")]
            summary = capture(urls, out, settings())
    rows = log_rows(out)
    yield Crawl(out, summary, server, captcha_server, {row["url"]: row for row in rows})


def test_the_crawl_finishes_with_every_url_logged_once(crawl: Crawl) -> None:
    rows = log_rows(crawl.out)
    assert len(rows) == len(FAULTS) + 2
    assert len(crawl.rows) == len(rows), "one row per URL"
    assert all(row["status"] in CAPTURE_STATUSES for row in rows)
    assert crawl.summary.hits == len(rows)
    assert sum(crawl.summary.by_status.values()) == len(rows)
    assert not list(crawl.out.glob("*.open")), "the run closed its WARC"


@pytest.mark.parametrize("path", list(FAULTS))
def test_each_fault_gets_its_status(crawl: Crawl, path: str) -> None:
    row = crawl.rows[crawl.server.url(path)]
    assert row["status"] == FAULTS[path][1], row


@pytest.mark.parametrize("path", [path for path, fault in FAULTS.items() if fault[2]])
def test_every_success_is_in_the_warc_byte_for_byte(crawl: Crawl, path: str) -> None:
    row = crawl.rows[crawl.server.url(path)]
    record, stream = record_at(crawl.out, row)
    with stream:
        assert record.rec_headers.get_header("WARC-Target-URI") == crawl.server.url(path)
        assert record.content_stream().read() == FAULTS[path][2]
    assert int(row["bytes"]) == len(FAULTS[path][2])


def test_retries_wait_and_count(crawl: Crawl) -> None:
    server = crawl.server
    first, second = [r.arrived for r in server.requests if r.path == "/429"]
    assert second - first >= 0.99, "Retry-After: 1 was honoured"
    assert crawl.rows[server.url("/500-then-ok")]["attempts"] == "2"
    for path in ["/reset", "/silent", "/drip", "/truncated"]:
        assert server.count(path) == 2, f"{path} tried max_attempts times"
    assert "total deadline" in crawl.rows[server.url("/drip")]["note"]
    assert crawl.rows[server.url("/too-big")]["note"].startswith("cut at")


def test_drip_is_stopped_by_the_total_deadline(crawl: Crawl) -> None:
    arrivals = [r.arrived for r in crawl.server.requests if r.path == "/drip"]
    assert 0.75 <= arrivals[1] - arrivals[0] < 1.5, "each attempt lasted about the deadline"


def test_too_large_body_is_marked_truncated_in_the_warc(crawl: Crawl) -> None:
    record, stream = record_at(crawl.out, crawl.rows[crawl.server.url("/too-big")])
    with stream:
        assert record.rec_headers.get_header("WARC-Truncated") == "length"


def test_mislabelled_and_unlabelled_chinese_pages_decode_right(crawl: Crawl) -> None:
    for path in ["/gbk-labelled-utf8", "/no-charset", "/no-content-type"]:
        record, stream = record_at(crawl.out, crawl.rows[crawl.server.url(path)])
        with stream:
            text, charset = decode_html(record.content_stream().read(),
                                        record.http_headers.get_header("Content-Type"))
        assert "东莞市道滘镇招商引资工作专班" in text, path
        assert charset == "gb18030", path


def test_robots_disallowed_path_is_never_requested(crawl: Crawl) -> None:
    assert crawl.server.count("/private/page") == 0
    assert crawl.server.count("/robots.txt") == 1
    assert crawl.captcha_server.count("/robots.txt") == 1


def test_captcha_stops_its_host_and_is_reported(crawl: Crawl) -> None:
    first = crawl.rows[crawl.captcha_server.url("/s?wd=1")]
    second = crawl.rows[crawl.captcha_server.url("/s?wd=2")]
    assert first["status"] == "blocked" and "百度安全验证" in first["note"]
    assert first["warc_offset"], "the block page itself is archived"
    assert second["status"] == "blocked" and second["note"].startswith("not fetched")
    assert crawl.captcha_server.count("/s?wd=2") == 0
    host = crawl.captcha_server.url("").split("://")[1]
    assert host in crawl.summary.blocked_hosts
    assert crawl.summary.failed["blocked"] == 2


def test_the_whole_capture_parses_without_error(crawl: Crawl, tmp_path: Path) -> None:
    summary = parse_warcs(sorted(crawl.out.glob("*.warc.gz")), tmp_path / "a.parquet",
                          tmp_path / "dropped.csv")
    assert summary.articles >= 4
    assert summary.superseded >= 1, "the retried 500 is archived, and parse sees it"
    assert "http_status_500" not in summary.dropped, "a retried response is not a lost page"


def test_a_30_mb_body_is_cut_at_10_mb_and_kept(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with FaultServer({"/huge": big(30 * 1024 * 1024)}) as server:
        capture([server.url("/huge")], tmp_path, settings(max_bytes=10 * 1024 * 1024,
                                                           obey_robots=False))
    (row,) = log_rows(tmp_path)
    assert row["status"] == "too_large" and row["bytes"] == str(10 * 1024 * 1024)
    record, stream = record_at(tmp_path, row)
    with stream:
        assert record.content_stream().read() == b"a" * (10 * 1024 * 1024)


def _refused_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone-domain"


def test_dead_links_are_replaced_by_archived_copies(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    snapshot = b"<html><body>archived page 2019</body></html>"
    routes = {"/gone": respond(404, b"gone"), "/kept": respond(410, b"gone for good"),
              "/web/20190305123456id_/gone": respond(200, snapshot)}
    asked: list[tuple[str, date | None]] = []
    with FaultServer(routes) as server:
        refused = _refused_url()

        def finder(client: PoliteClient, url: str, around: date | None) -> FetchResult | None:
            asked.append((url, around))
            if url.endswith("/kept"):
                raise RuntimeError("the archive could not be asked")
            if url == refused:
                return None
            result = client.get(server.url("/web/20190305123456id_/gone"), source="wayback")
            return dataclasses.replace(result, url=url, status="archived_copy",
                                       error="wayback snapshot 20190305123456")

        hits = [Hit(server.url("/gone"), "people", date(2019, 3, 1)),
                Hit(server.url("/kept")), Hit(refused)]
        summary = capture(hits, tmp_path, dataclasses.replace(
            settings(obey_robots=False), find_archived_copy=finder))
    rows = {row["url"]: row for row in log_rows(tmp_path)}
    gone = rows[server.url("/gone")]
    assert gone["status"] == "archived_copy" and gone["note"] == "snapshot 20190305123456"
    assert gone["http_status"] == "200"
    record, stream = record_at(tmp_path, gone)
    with stream:
        assert record.content_stream().read() == snapshot
    assert (server.url("/gone"), date(2019, 3, 1)) in asked
    kept = rows[server.url("/kept")]
    assert kept["status"] == "http_error" and "could not be asked" in kept["note"]
    assert rows[refused]["status"] == "connection_error"
    assert "no archived copy" in rows[refused]["note"]
    assert summary.archived_copies == 1 and summary.captured == 1
