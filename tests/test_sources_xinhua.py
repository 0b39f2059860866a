"""Xinhua adapter: paging by pageCount, stopping once results are older than the window."""

from datetime import date

import pytest
from source_server import Reply, fixture, loopback_site, polite_client

from scrapers.sources import xinhua
from scrapers.sources.base import ResponseShapeError, SourceFailed


def _serve_pages(site):
    site.route("GET", xinhua.SEARCH_PATH,
               lambda request: Reply(fixture(f"xinhua_page{request.arg('curPage')}.json")))


def test_stops_when_a_whole_page_is_older_than_the_window():
    with loopback_site() as site:
        _serve_pages(site)
        hits = list(xinhua.search(polite_client(), "工作专班", date(2018, 1, 1),
                                  date(2021, 8, 31), {"base_url": site.base_url}))
        requests = site.seen(xinhua.SEARCH_PATH)
    assert [request.arg("curPage") for request in requests] == ["1", "2", "3"]
    assert requests[0].arg("keyword") == "工作专班" and requests[0].arg("sortField") == "0"
    assert len(hits) == 6
    assert hits[0].title == "多地成立工作专班推进乡村振兴"
    assert hits[0].date == "2021-06-18"
    assert hits[1].snippet == "新华网山东频道"


def test_stops_at_the_last_page_when_sorted_by_relevance():
    with loopback_site() as site:
        site.route("GET", xinhua.SEARCH_PATH, lambda request: Reply(fixture(
            "xinhua_page1.json" if request.arg("curPage") == "1" else "xinhua_empty.json")))
        hits = list(xinhua.search(polite_client(), "工作专班", date(2018, 1, 1),
                                  date(2021, 8, 31), {"base_url": site.base_url, "sort_field": 1}))
    assert len(site.seen(xinhua.SEARCH_PATH)) == 2
    assert len(hits) == 2


def test_a_changed_response_names_the_missing_field():
    with loopback_site() as site:
        site.route("GET", xinhua.SEARCH_PATH, lambda request: Reply(fixture("xinhua_changed.json")))
        with pytest.raises(ResponseShapeError, match="content.pageCount"):
            list(xinhua.search(polite_client(), "q", date(2018, 1, 1), date(2021, 8, 31),
                               {"base_url": site.base_url}))


def test_a_waf_answer_fails_the_source_with_its_status():
    with loopback_site() as site:
        site.route("GET", xinhua.SEARCH_PATH,
                   lambda request: Reply("<html>403 Forbidden</html>", 403, "text/html"))
        with pytest.raises(SourceFailed, match="403"):
            list(xinhua.search(polite_client(), "q", date(2018, 1, 1), date(2021, 8, 31),
                               {"base_url": site.base_url}))
