"""Wayback adapter: CDX JSON listings with resume keys, and archived copies of dead links."""

from datetime import date

import pytest
from source_server import Reply, fixture, loopback_site, polite_client

from scrapers.sources import wayback
from scrapers.sources.base import ResponseShapeError

DEAD = "http://www.example.gov.cn/art/2019/2/28/art_1_1.html"


def test_lists_a_prefix_following_the_resume_key():
    with loopback_site() as site:
        site.route("GET", wayback.CDX_PATH, lambda request: Reply(fixture(
            "wayback_cdx_page2.json" if request.arg("resumeKey") else "wayback_cdx_page1.json")))
        options = {"base_url": site.base_url, "prefixes": ["www.gov.cn/zhengce/content/"]}
        hits = list(wayback.search(polite_client(), "", date(2018, 1, 1), date(2021, 8, 31),
                                   options))
        requests = site.seen(wayback.CDX_PATH)
    assert len(requests) == 2
    first = requests[0]
    assert first.arg("url") == "www.gov.cn/zhengce/content/"
    assert (first.arg("matchType"), first.arg("from"), first.arg("to")) == (
        "prefix", "20180101", "20210831")
    assert first.query["filter"] == ["statuscode:200", "mimetype:text/html"]
    assert first.arg("output") == "json" and first.arg("showResumeKey") == "true"
    assert requests[1].arg("resumeKey") == (
        "cn,gov)/zhengce/content/2020-02/14/content_5478842.htm+20200214120000")
    assert len(hits) == 5
    assert hits[0].url == "http://www.gov.cn/zhengce/content/2018-03/12/content_5273214.htm"
    assert hits[0].date == "2018-03-12"
    assert hits[0].snippet == "wayback snapshot 20180312084512"
    assert hits[0].query == "www.gov.cn/zhengce/content/"
    assert [hit.page for hit in hits] == [1, 1, 1, 2, 2]


def test_capture_window_options_narrow_the_listing():
    with loopback_site() as site:
        site.route("GET", wayback.CDX_PATH, lambda request: Reply(fixture(
            "wayback_cdx_page2.json" if request.arg("resumeKey") else "wayback_cdx_page1.json")))
        options = {"base_url": site.base_url, "prefixes": ["www.gov.cn/zhengce/content/"],
                   "capture_from": "2019-01-01", "capture_to": "2020-12-31"}
        hits = list(wayback.search(polite_client(), "", date(2018, 1, 1), date(2021, 8, 31),
                                   options))
        assert site.seen(wayback.CDX_PATH)[0].arg("from") == "20190101"
    assert [hit.date for hit in hits] == ["2019-08-07", "2020-02-14"]


def test_a_header_without_original_names_it():
    with loopback_site() as site:
        site.route("GET", wayback.CDX_PATH,
                   lambda request: Reply(fixture("wayback_cdx_changed.json")))
        with pytest.raises(ResponseShapeError, match="original"):
            list(wayback.search(polite_client(), "", date(2018, 1, 1), date(2021, 8, 31),
                                {"base_url": site.base_url, "prefixes": ["www.gov.cn/"]}))


def test_archived_copy_is_the_nearest_snapshot_fetched_with_id_():
    snapshot_html = fixture("wayback_snapshot.html")
    with loopback_site() as site:
        site.route("GET", wayback.CDX_PATH,
                   lambda request: Reply(fixture("wayback_cdx_snapshots.json")))
        site.route("GET", "/web/*",
                   lambda request: Reply(snapshot_html, 200, "text/html; charset=utf-8"))
        result = wayback.fetch_archived_copy(polite_client(), DEAD, date(2020, 5, 1),
                                             {"base_url": site.base_url})
        lookups = site.seen(wayback.CDX_PATH)
        fetched = [request.path for request in site.requests if request.path.startswith("/web/")]
    assert lookups[0].arg("url") == DEAD and lookups[0].arg("filter") == "statuscode:200"
    assert fetched == [f"/web/20200615120000id_/{DEAD}"]
    assert result is not None
    assert result.status == "archived_copy"
    assert result.url == DEAD
    assert "20200615120000id_/" in result.final_url
    assert wayback.snapshot_timestamp(result) == "20200615120000"
    assert result.body == snapshot_html.encode("utf-8")


def test_archived_copy_without_a_date_takes_the_earliest_and_none_when_never_archived():
    with loopback_site() as site:
        site.route("GET", wayback.CDX_PATH, lambda request: Reply(
            fixture("wayback_cdx_snapshots.json") if request.arg("url") == DEAD else "[]"))
        site.route("GET", "/web/*", lambda request: Reply("<html>copy</html>", 200, "text/html"))
        client = polite_client()
        earliest = wayback.fetch_archived_copy(client, DEAD, None, {"base_url": site.base_url})
        missing = wayback.fetch_archived_copy(client, "http://never.example.cn/a.html", None,
                                              {"base_url": site.base_url})
    assert wayback.snapshot_timestamp(earliest) == "20190301000000"
    assert missing is None
