"""The polite client: robots.txt, per-host pacing, retries, redirects, POST archiving, blocks."""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path

import pytest
from fault_server import FaultServer, respond, slow
from warcio.archiveiterator import ArchiveIterator

from scrapers.blocks import detect_block, load_block_rules
from scrapers.http_client import (
    ClientSettings,
    PoliteClient,
    SourceBlocked,
    retry_after_seconds,
)
from scrapers.rate_limit import HostRateLimiter
from scrapers.robots import parse_robots, product_token, rules_from_response
from scrapers.warc_archive import WarcArchive

AGENT = "zhuanban/0.1 (test crawler; test@example.invalid)"
PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                   "ALL_PROXY"]


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def fast(**overrides: object) -> ClientSettings:
    options: dict = {"user_agent": AGENT, "min_interval": 0.0, "read_timeout": 1.0,
                     "total_deadline": 2.0, "max_attempts": 3, "backoff_base": 0.01}
    options.update(overrides)
    return ClientSettings(**options)


def records(path: Path) -> list:
    with path.open("rb") as stream:
        return [
            (record.rec_type, record.rec_headers, record.http_headers,
             record.content_stream().read())
            for record in ArchiveIterator(stream)
        ]


ROBOTS = """# comment line
User-agent: *
Disallow: /private
Allow: /private/open
Disallow: /*.pdf$
Disallow: /搜索

User-agent: otherbot
Disallow: /

User-agent: zhuanban
User-agent: friend
Disallow: /mine
Crawl-delay: 3
"""


def test_robots_groups_longest_match_wildcards_and_encoding() -> None:
    star = parse_robots(ROBOTS, "somebot")
    assert not star.allows("http://h/private/page")
    assert star.allows("http://h/private/open/page"), "the longer Allow wins"
    assert not star.allows("http://h/files/report.pdf")
    assert star.allows("http://h/files/report.pdf?x=1"), "$ anchors the end"
    assert not star.allows("http://h/%E6%90%9C%E7%B4%A2?q=1"), "non-ASCII rules match encoded"
    assert not star.allows("http://h/搜索?q=1")
    assert star.allows("http://h/robots.txt")
    ours = parse_robots(ROBOTS, product_token(AGENT))
    assert not ours.allows("http://h/mine/1")
    assert ours.allows("http://h/private/page"), "a named group replaces the * group"
    assert ours.crawl_delay == 3.0
    assert not parse_robots(ROBOTS, "otherbot").allows("http://h/anything")


def test_robots_status_rules_follow_rfc_9309() -> None:
    assert rules_from_response(404, b"", "zhuanban").allows("http://h/x")
    assert not rules_from_response(503, b"", "zhuanban").allows("http://h/x")
    assert not rules_from_response(None, b"", "zhuanban").allows("http://h/x")
    assert not rules_from_response(200, b"User-agent: *\nDisallow: /\n", "z").allows("http://h/")


def test_user_agent_must_name_a_contact() -> None:
    with pytest.raises(ValueError, match="contact"):
        ClientSettings(user_agent="zhuanban/0.1 (research crawler)")
    with pytest.raises(ValueError, match="max_attempts"):
        ClientSettings(user_agent=AGENT, max_attempts=0)


def test_retry_after_accepts_seconds_and_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(later) or 0) <= 31
    assert retry_after_seconds("soon") is None


def test_rate_limiter_spaces_one_host_and_lets_others_run() -> None:
    limiter = HostRateLimiter(0.2)
    starts: dict[str, list[float]] = {"a": [], "b": []}

    def hit(host: str) -> None:
        with limiter.slot(host):
            starts[host].append(time.monotonic())

    threads = [threading.Thread(target=hit, args=(host,)) for host in "aaabbb"]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for host in "ab":
        gaps = [b - a for a, b in pairwise(sorted(starts[host]))]
        assert min(gaps) >= 0.19
    assert time.monotonic() - began < 0.9, "the two hosts were paced in parallel, not in turn"
    limiter.defer("a", 0.3)
    deferred = time.monotonic()
    hit("a")
    assert starts["a"][-1] - deferred >= 0.29


def test_robots_fetched_once_per_host_obeyed_and_paced(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": respond(200, b"User-agent: *\nDisallow: /private\n", content_type=None),
        "/public": respond(200, b"<p>public</p>"),
        "/private/page": respond(200, b"secret"),
    }
    with FaultServer(routes) as server, PoliteClient(fast(min_interval=0.15)) as client:
        results: list = []

        def fetch() -> None:
            results.append(client.get(server.url("/public")))

        threads = [threading.Thread(target=fetch) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        blocked = client.get(server.url("/private/page"))
    assert [result.status for result in results] == ["ok"] * 3
    assert blocked.status == "robots_disallowed"
    assert "disallows" in blocked.error
    assert server.count("/private/page") == 0
    assert server.count("/robots.txt") == 1
    arrivals = sorted(request.arrived for request in server.requests)
    assert len(arrivals) == 4
    assert min(b - a for a, b in pairwise(arrivals)) >= 0.14


def test_ignoring_robots_is_logged_every_time(caplog: pytest.LogCaptureFixture) -> None:
    routes = {"/robots.txt": respond(200, b"User-agent: *\nDisallow: /\n", content_type=None),
              "/page": respond(200, b"ok")}
    with FaultServer(routes) as server, PoliteClient(fast()) as client, \
            caplog.at_level(logging.WARNING):
        statuses = [client.get(server.url("/page"), source="s", ignore_robots=True).status
                    for _ in range(2)]
    assert statuses == ["ok", "ok"]
    assert sum("NOT consulted" in message for message in caplog.messages) == 2


def test_hosts_in_parallel_one_host_serial() -> None:
    routes = {"/slow": slow(0.3, respond(200, b"done"))}
    with FaultServer(routes) as one, FaultServer(routes) as two, \
            PoliteClient(fast(obey_robots=False)) as client:

        def timed(urls: list[str]) -> float:
            began = time.monotonic()
            threads = [threading.Thread(target=client.get, args=(url,)) for url in urls]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.monotonic() - began

        assert timed([one.url("/slow"), two.url("/slow")]) < 0.58
        assert timed([one.url("/slow"), one.url("/slow")]) >= 0.58


def test_post_is_archived_with_its_method_and_body(tmp_path: Path) -> None:
    routes = {"/search": respond(200, b'{"code":"0","data":{"records":[]}}',
                                 content_type="application/json"),
              "/form": respond(303, headers={"Location": "/search"})}
    with FaultServer(routes) as server, WarcArchive(tmp_path / "t.warc.gz") as archive, \
            PoliteClient(fast(obey_robots=False), archive) as client:
        result = client.post(server.url("/search"), json={"key": "工作专班", "page": 1})
        after_form = client.post(server.url("/form"), data={"q": "专班"})
    assert result.ok and json.loads(result.text)["code"] == "0"
    assert json.loads(server.requests[0].body) == {"key": "工作专班", "page": 1}
    assert [r.method for r in server.requests] == ["POST", "POST", "GET"], "303 turns into GET"
    assert after_form.ok and after_form.final_url.endswith("/search")
    requests_archived = [r for r in records(tmp_path / "t.warc.gz") if r[0] == "request"]
    first = requests_archived[0]
    assert first[2].protocol == "POST"
    assert json.loads(first[3]) == {"key": "工作专班", "page": 1}
    assert requests_archived[1][3] == b"q=%E4%B8%93%E7%8F%AD"
    assert len(requests_archived) == 3, "every hop is archived"


def test_gzip_body_is_archived_as_sent_and_returned_decoded(tmp_path: Path) -> None:
    page = "<html><head><title>通知</title></head><body>成立工作专班</body></html>".encode("gbk")
    routes = {"/gz": respond(200, gzip.compress(page), content_type="text/html",
                             headers={"Content-Encoding": "gzip"})}
    with FaultServer(routes) as server, WarcArchive(tmp_path / "g.warc.gz") as archive, \
            PoliteClient(fast(obey_robots=False), archive) as client:
        result = client.get(server.url("/gz"))
    assert result.body == page
    assert "成立工作专班" in result.text and result.charset == "gb18030"
    with (tmp_path / "g.warc.gz").open("rb") as stream:
        stream.seek(result.warc_offset or 0)
        record = next(iter(ArchiveIterator(stream)))
        assert record.http_headers.get_header("Content-Encoding") == "gzip"
        assert record.content_stream().read() == page


def test_retry_after_longer_than_the_cap_ends_retries_at_once() -> None:
    routes = {"/busy": respond(503, b"busy", headers={"Retry-After": "3600"})}
    with FaultServer(routes) as server, PoliteClient(fast(obey_robots=False)) as client:
        began = time.monotonic()
        result = client.get(server.url("/busy"))
    assert result.status == "http_error" and result.http_status == 503
    assert "Retry-After" in result.error
    assert time.monotonic() - began < 1
    assert server.count("/busy") == 1


def test_block_rules_are_data_and_spare_ordinary_articles() -> None:
    assert len(load_block_rules()) >= 5
    captcha = "<html><head><title>百度安全验证</title></head><body>网络不给力</body></html>"
    assert detect_block("https://www.baidu.com/s?wd=x", 200, captcha).name == "baidu_captcha_page"
    redirect = detect_block("https://www.baidu.com/s?wd=x", 302, "",
                            "https://wappass.baidu.com/static/captcha/tuxing.html?ak=1")
    assert redirect is not None and redirect.name == "baidu_captcha_redirect"
    assert detect_block("http://www.gov.cn/x", 412, "<script>$_ts=1</script>").name == \
        "ruishu_challenge"
    article = ("<html><head><title>我市成立反诈工作专班</title></head><body>不要把验证码告诉"
               "陌生人，警惕安全验证类诈骗。</body></html>")
    assert detect_block("http://www.example.gov.cn/a.html", 200, article) is None


def test_captcha_raises_source_blocked_after_archiving(tmp_path: Path) -> None:
    page = "<html><head><title>百度安全验证</title></head><body></body></html>".encode()
    routes = {"/s": respond(302, headers={"Location": "/captcha"}),
              "/captcha": respond(200, page)}
    with FaultServer(routes) as server, WarcArchive(tmp_path / "b.warc.gz") as archive, \
            PoliteClient(fast(obey_robots=False), archive) as client, \
            pytest.raises(SourceBlocked) as caught:
        client.get(server.url("/s"), source="baidu_news")
    blocked = caught.value
    assert blocked.source == "baidu_news" and "百度安全验证" in blocked.reason
    assert blocked.result.status == "blocked" and blocked.result.warc_offset is not None
    outcomes = [r[1].get_header("Zhuanban-Outcome") for r in records(tmp_path / "b.warc.gz")
                if r[0] == "response"]
    assert outcomes == ["redirected", "blocked"]
