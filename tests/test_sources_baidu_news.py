"""Baidu News adapter: HTML result pages, next-page links, relative times, captcha pages."""

from datetime import date

import pytest
from source_server import Reply, fixture, loopback_site, polite_client

from scrapers.http_client import SourceBlocked
from scrapers.sources import baidu_news
from scrapers.sources.base import ResponseShapeError

START, END = date(2018, 1, 1), date(2021, 8, 31)
HTML = "text/html; charset=utf-8"


def _search(site, query="工作专班"):
    return list(baidu_news.search(polite_client(), query, START, END, {"base_url": site.base_url}))


def test_follows_next_page_links_until_there_is_none():
    with loopback_site() as site:
        site.route("GET", "/s", lambda request: Reply(
            fixture("baidu_page1.html" if request.arg("pn") == "0" else "baidu_page2.html"), 200,
            HTML))
        hits = _search(site)
        requests = site.seen("/s")
    assert [request.arg("pn") for request in requests] == ["0", "10"]
    assert requests[0].arg("tn") == "news" and requests[0].arg("rtt") == "4"
    assert [hit.url for hit in hits] == [
        "https://www.example-news.cn/2020/03/05/a123.html",
        "https://news.example-city.gov.cn/art/2019/8/12/art_1_99.html",
        "https://www.example-news.cn/2018/01/20/b456.html",
    ]
    assert hits[0].title == "省里成立复工复产工作专班"
    assert hits[0].date == "2020-03-05" and hits[1].date == "2019-08-12"
    assert hits[0].snippet.startswith("为统筹推进企业复工复产")
    assert hits[1].snippet == "某市政府网"
    assert [hit.page for hit in hits] == [1, 1, 2]


def test_a_captcha_page_raises_source_blocked_instead_of_no_results():
    with loopback_site() as site:
        site.route("GET", "/s", lambda request: Reply(fixture("baidu_captcha.html"), 200, HTML))
        with pytest.raises(SourceBlocked) as error:
            _search(site)
    assert error.value.source == "baidu_news"
    assert "百度安全验证" in error.value.reason


def test_an_empty_result_page_ends_quietly():
    with loopback_site() as site:
        site.route("GET", "/s", lambda request: Reply(fixture("baidu_empty.html"), 200, HTML))
        assert _search(site, "一个没有结果的词") == []


def test_an_unknown_layout_is_a_shape_error_not_an_empty_result():
    with loopback_site() as site:
        site.route("GET", "/s", lambda request: Reply(fixture("baidu_changed.html"), 200, HTML))
        with pytest.raises(ResponseShapeError, match="result-op"):
            _search(site)


@pytest.mark.parametrize(("shown", "expected"), [
    ("2019年8月12日 14:20", "2019-08-12"),
    ("3小时前", "2026-11-25"),
    ("17小时前", "2026-11-24"),
    ("昨天 10:20", "2026-11-24"),
    ("前天 08:00", "2026-11-23"),
    ("5天前", "2026-11-20"),
    ("11月02日", "2026-11-02"),
    ("刚刚更新", None),
])
def test_result_dates_are_read_against_the_fetch_time(shown, expected):
    # 2026-11-25T08:00:00Z is 16:00 in China.
    assert baidu_news.result_date(shown, "2026-11-25T08:00:00Z") == expected
