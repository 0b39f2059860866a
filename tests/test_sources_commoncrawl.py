"""Common Crawl adapter: crawl choice, paged index queries, records fetched by byte range."""

import io
import json
from datetime import date

from source_server import Reply, fixture, loopback_site, polite_client
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scrapers.sources import commoncrawl

PREFIX = "www.zj.gov.cn/art/2019/"


def _serve_index(site):
    site.route("GET", "/collinfo.json", lambda request: Reply(
        fixture("cc_collinfo.json").replace("CDX/", site.base_url + "/")))

    def index(request):
        if request.arg("showNumPages") == "true":
            return Reply('{"pages": 2, "pageSize": 5, "blocks": 7}')
        return Reply(fixture(f"cc_index_page{request.arg('page')}.jsonl"), 200, "text/x-ndjson")

    site.route("GET", "/CC-MAIN-2019-35-index", index)


def test_lists_prefix_in_the_crawls_of_the_window_page_by_page():
    with loopback_site() as site:
        _serve_index(site)
        options = {"index_url": site.base_url, "prefixes": [PREFIX]}
        hits = list(commoncrawl.search(polite_client(), "", date(2018, 1, 1), date(2021, 8, 31),
                                       options))
        queried = site.seen("/CC-MAIN-2019-35-index")
    assert not site.seen("/CC-MAIN-2022-05-index") and not site.seen("/CC-MAIN-2017-04-index")
    assert [request.arg("page") for request in queried] == ["", "0", "1"]
    assert queried[1].arg("url") == PREFIX and queried[1].arg("matchType") == "prefix"
    assert queried[1].query["filter"] == ["status:200", "mime:text/html"]
    assert [hit.url for hit in hits] == [
        "https://www.zj.gov.cn/art/2019/8/1/art_1229019364_55401.html",
        "https://www.zj.gov.cn/art/2019/8/2/art_1229019364_55477.html",
        "https://www.zj.gov.cn/art/2019/8/9/art_1229019364_55600.html",
    ]
    assert hits[0].date == "2019-08-18" and hits[0].query == PREFIX
    assert hits[0].snippet.startswith("CC-MAIN-2019-35 crawl-data/CC-MAIN-2019-35/")
    assert hits[0].snippet.endswith(" 823456789+15234")
    assert [hit.page for hit in hits] == [1, 1, 2]


def test_no_captures_is_a_404_and_gives_no_hits():
    with loopback_site() as site:
        site.route("GET", "/CC-MAIN-2020-10-index", lambda request: Reply(
            '{"message": "No Captures found for: www.none.cn/*"}', 404))
        hits = list(commoncrawl.search(
            polite_client(), "", date(2020, 1, 1), date(2020, 12, 31),
            {"index_url": site.base_url, "crawls": ["CC-MAIN-2020-10"], "prefixes": ["x/"]}))
    assert hits == []


def test_a_record_is_fetched_by_byte_range_and_its_payload_read():
    page = "<html><body>工作专班</body></html>".encode()
    record_bytes = io.BytesIO()
    writer = WARCWriter(record_bytes, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        "https://www.zj.gov.cn/a.html", "response", payload=io.BytesIO(page),
        http_headers=headers))
    blob = b"x" * 100 + record_bytes.getvalue() + b"y" * 50
    with loopback_site() as site:
        def ranged(request):
            first, last = request.headers["Range"].removeprefix("bytes=").split("-")
            return Reply(blob[int(first):int(last) + 1], 206, "application/octet-stream")

        site.route("GET", "/crawl-data/x.warc.gz", ranged)
        record = commoncrawl.IndexRecord(
            url="https://www.zj.gov.cn/a.html", timestamp="20190818094512", status="200",
            mime="text/html", filename="crawl-data/x.warc.gz", offset=100,
            length=len(record_bytes.getvalue()), crawl="CC-MAIN-2019-35")
        result = commoncrawl.fetch_record(polite_client(), record, {"data_url": site.base_url})
    assert commoncrawl.record_payload(result.body) == page


def test_locate_finds_the_latest_capture_of_a_url_or_none():
    url = "https://www.zj.gov.cn/art/2019/8/1/art_1229019364_55401.html"
    captures = "\n".join(json.dumps({
        "url": url, "timestamp": stamp, "status": "200", "mime": "text/html",
        "filename": f"crawl-data/{stamp}.warc.gz", "offset": "10", "length": "20"})
        for stamp in ("20190818094512", "20190825120000", "20190819000000"))

    def index(request):
        if request.arg("url") == url:
            return Reply(captures, 200, "text/x-ndjson")
        return Reply('{"message": "No Captures found"}', 404)

    with loopback_site() as site:
        site.route("GET", "/CC-MAIN-2019-35-index", index)
        client = polite_client()
        options = {"index_url": site.base_url}
        found = commoncrawl.locate(client, url, "CC-MAIN-2019-35", options)
        missing = commoncrawl.locate(client, "https://www.zj.gov.cn/none.html",
                                     "CC-MAIN-2019-35", options)
        assert site.seen("/CC-MAIN-2019-35-index")[0].arg("filter") == "status:200"
    assert found is not None and found.timestamp == "20190825120000"
    assert (found.crawl, found.offset, found.length) == ("CC-MAIN-2019-35", 10, 20)
    assert missing is None
