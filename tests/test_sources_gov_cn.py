"""Central portal: its robots-disallowed search is refused unless explicitly overridden."""

from datetime import date

import pytest
from source_server import Reply, fixture, loopback_site, polite_client

from scrapers.sources import adapters, get_adapter, gov_cn
from scrapers.sources.base import RobotsRefusal

START, END = date(2018, 1, 1), date(2021, 8, 31)


def test_refuses_without_override_and_says_what_to_do_instead():
    with loopback_site() as site:
        with pytest.raises(RobotsRefusal) as error:
            list(gov_cn.search(polite_client(), "工作专班", START, END,
                               {"base_url": site.base_url}))
        assert site.requests == []
    assert "Disallow: /" in error.value.reason
    assert "wayback" in error.value.reason and "jsearch" in error.value.reason


def test_with_override_pages_the_policy_library():
    with loopback_site() as site:
        site.route("GET", gov_cn.SEARCH_PATH,
                   lambda request: Reply(fixture(f"gov_cn_page{request.arg('p')}.json")))
        hits = list(gov_cn.search(polite_client(), "工作专班", START, END,
                                  {"base_url": site.base_url, "ignore_robots": True,
                                   "page_size": 1}))
        requests = site.seen(gov_cn.SEARCH_PATH)
    assert [request.arg("p") for request in requests] == ["1", "2"]
    assert (requests[0].arg("mintime"), requests[0].arg("maxtime")) == ("2018-01-01", "2021-08-31")
    assert [hit.date for hit in hits] == ["2020-04-01", "2019-11-05", "2018-06-01"]
    assert hits[0].title == "国务院办公厅关于成立工作专班的通知"


def test_no_result_code_ends_the_search():
    with loopback_site() as site:
        site.route("GET", gov_cn.SEARCH_PATH, lambda request: Reply(
            '{"code": 1001, "msg": "无结果", "searchVO": null}'))
        assert list(gov_cn.search(polite_client(), "q", START, END,
                                  {"base_url": site.base_url, "ignore_robots": True})) == []


def test_registry_finds_every_adapter_module():
    assert set(adapters()) == {"people", "jsearch", "xinhua", "baidu_news", "wayback",
                               "commoncrawl", "url_list", "gov_cn"}
    assert get_adapter("gov_cn") is gov_cn
    with pytest.raises(ValueError, match="known: baidu_news"):
        get_adapter("sogou")
