"""People's Daily adapter against hand-written responses of the real shape, served on loopback."""

from datetime import date, datetime

import pytest
from source_server import Reply, fixture, loopback_site, polite_client

from scrapers.sources import people
from scrapers.sources.base import CHINA_TIME, ResponseShapeError

START, END = date(2021, 1, 1), date(2021, 8, 31)


def test_pages_through_every_page_and_stops_at_the_last():
    with loopback_site() as site:
        site.route("POST", people.SEARCH_PATH,
                   lambda request: Reply(fixture(f"people_page{request.json()['page']}.json")))
        hits = list(people.search(polite_client(), "工作专班", START, END,
                                  {"base_url": site.base_url, "page_size": 2}))
        posts = site.seen(people.SEARCH_PATH)
    assert [request.json()["page"] for request in posts] == [1, 2, 3]
    body = posts[0].json()
    assert body["key"] == "工作专班" and body["limit"] == 2 and body["isFuzzy"] is False
    assert body["startTime"] == int(datetime(2021, 1, 1, tzinfo=CHINA_TIME).timestamp() * 1000)
    assert body["endTime"] == int(datetime(2021, 9, 1, tzinfo=CHINA_TIME).timestamp() * 1000) - 1
    assert len(hits) == 5
    first = hits[0]
    assert first.title == "上海成立工作专班推进城市数字化转型"
    assert first.date == "2021-03-01"
    assert first.url == "http://sh.people.com.cn/n2/2021/0101/c134768-31000000.html"
    assert "<em>" not in first.snippet and "工作专班" in first.snippet
    assert (first.source, first.query, first.page) == ("people", "工作专班", 1)
    assert hits[3].title == '广东"双区"建设工作专班召开会议'
    assert [hit.page for hit in hits] == [1, 1, 2, 2, 3]


def test_max_pages_caps_the_paging():
    with loopback_site() as site:
        site.route("POST", people.SEARCH_PATH,
                   lambda request: Reply(fixture(f"people_page{request.json()['page']}.json")))
        hits = list(people.search(polite_client(), "工作专班", START, END,
                                  {"base_url": site.base_url, "max_pages": 2}))
    assert len(site.seen(people.SEARCH_PATH)) == 2
    assert len(hits) == 4


def test_a_changed_response_names_the_missing_field():
    with loopback_site() as site:
        site.route("POST", people.SEARCH_PATH,
                   lambda request: Reply(fixture("people_changed.json")))
        with pytest.raises(ResponseShapeError, match="data.records") as error:
            list(people.search(polite_client(), "工作专班", START, END,
                               {"base_url": site.base_url}))
    assert error.value.field == "data.records"
    assert "scrapers/sources/people.py" in str(error.value)
