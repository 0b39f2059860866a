"""jsearch portal adapter: HTML fragments inside JSON, redirect links, two page templates."""

from datetime import date

import pytest
from source_server import Reply, fixture, loopback_site, polite_client

from scrapers.sources import jsearch
from scrapers.sources.base import ResponseShapeError

START, END = date(2018, 1, 1), date(2021, 8, 31)


def test_pages_until_total_is_reached_and_unwraps_redirect_links():
    with loopback_site() as site:
        site.route("POST", jsearch.SEARCH_PATH,
                   lambda request: Reply(fixture(f"jsearch_page{request.form()['p']}.json")))
        options = {"base_url": site.base_url, "websiteid": "371000000000000", "page_size": 2,
                   "cateid": 142}
        hits = list(jsearch.search(polite_client(), "工作专班", START, END, options))
        posts = site.seen(jsearch.SEARCH_PATH)
    assert [request.form()["p"] for request in posts] == ["1", "2"]
    form = posts[0].form()
    assert form["websiteid"] == "371000000000000" and form["q"] == "工作专班"
    assert (form["begin"], form["end"], form["pg"], form["cateid"]) == (
        "20180101", "20210831", "2", "142")
    assert posts[0].headers["X-Requested-With"] == "XMLHttpRequest"
    assert [hit.url for hit in hits] == [
        "http://www.weihai.gov.cn/art/2019/5/6/art_16515_1874521.html",
        "http://www.weihai.gov.cn/art/2020/2/3/art_51869_2314788.html",
        "http://www.weihai.gov.cn/art/2021/3/9/art_16515_2541236.html",
    ]
    assert hits[0].title == "威海市成立港口整合工作专班"
    assert hits[0].date == "2019-05-06"
    assert hits[0].snippet.startswith("为加快推进港口资源整合")
    assert hits[2].snippet == "" and hits[2].page == 2


def test_zhejiang_template():
    with loopback_site() as site:
        site.route("POST", jsearch.SEARCH_PATH, lambda request: Reply(fixture("jsearch_zj.json")))
        options = {"base_url": site.base_url, "websiteid": "330000000000000", "template": "zj"}
        hits = list(jsearch.search(polite_client(), "工作专班", START, END, options))
    assert len(site.seen(jsearch.SEARCH_PATH)) == 1
    assert len(hits) == 1
    assert hits[0].url == "https://www.zj.gov.cn/art/2020/4/13/art_1554467_42565791.html"
    assert hits[0].title == "省数字化改革工作专班成立"
    assert hits[0].date == "2020-04-13"
    assert "常务副省长" in hits[0].snippet


def test_a_fragment_without_the_title_link_names_the_selector():
    with loopback_site() as site:
        site.route("POST", jsearch.SEARCH_PATH,
                   lambda request: Reply(fixture("jsearch_changed.json")))
        with pytest.raises(ResponseShapeError, match="jcse-news-title"):
            list(jsearch.search(polite_client(), "工作专班", START, END,
                                {"base_url": site.base_url, "websiteid": "371000000000000"}))


def test_a_response_without_result_names_it():
    with loopback_site() as site:
        site.route("POST", jsearch.SEARCH_PATH, lambda request: Reply('{"total": 0}'))
        with pytest.raises(ResponseShapeError) as error:
            list(jsearch.search(polite_client(), "工作专班", START, END,
                                {"base_url": site.base_url, "websiteid": "371000000000000"}))
    assert error.value.field == "result"


def test_missing_websiteid_and_unknown_template_are_config_errors():
    with pytest.raises(ValueError, match="websiteid"):
        list(jsearch.search(polite_client(), "q", START, END, {"host": "search.zj.gov.cn"}))
    with pytest.raises(ValueError, match="template 'nope'"):
        list(jsearch.search(polite_client(), "q", START, END,
                            {"host": "search.zj.gov.cn", "websiteid": "1", "template": "nope"}))
