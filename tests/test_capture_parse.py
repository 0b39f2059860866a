"""Capture through the loopback demo server into WARC, then parse the WARC into articles."""

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.parse import article_id, parse_warcs
from scrapers.capture import capture, demo_settings, read_hits
from scrapers.demo_site import serve_demo_site

HANWEB = """<html><head><meta charset="gb2312"><title>关于成立工作专班的通知_某县人民政府</title>
<meta name="ArticleTitle" content="关于成立招商引资工作专班的通知"></head><body>
<div class="nav">首页 &gt; 政务公开</div><div class="info">发布日期：2020-03-05 来源：县政府办</div>
<div id="zoom"><p>经研究，决定成立东莞市道滘镇招商引资工作专班。</p><p>组长：张某某（镇长）</p>
<div class="related"><a>另一篇：成立禁毒工作专班</a></div></div>
<div class="footer">© 2012-2023 版权所有 模拟数据</div></body></html>"""
PEOPLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>新闻_人民网</title></head>
<body><div class="rm_txt"><h1>某市成立稳就业工作专班</h1><div class="col-1-1">
2021年06月08日08:45 | 来源：人民网</div><div class="rm_txt_con">
<p>近日，某市成立稳就业工作专班。</p></div></div>
<div class="footer">人民网版权所有 © 1997-2025</div></body></html>"""
UNKNOWN = """<html><head><title>一篇文章</title></head><body><article><h1>市里开会</h1>
<p>发布时间：2019-01-02</p><p>会议研究了今年的重点工作，要求各部门抓好落实，确保各项任务按期完成。
会议强调，要以更加务实的作风推进各项工作，切实把责任扛在肩上。</p></article></body></html>"""
PAGES = {
    "http://www.county.gov.cn.invalid/art/2020/3/5/art_1_1.html":
        (HANWEB.encode("gb18030"), "text/html; charset=utf-8"),
    "http://www.people.com.cn.invalid/n1/2021/0608/c1-2.html":
        (PEOPLE.encode("utf-8"), "text/html"),
    "http://www.other.cn.invalid/a/3.html": (UNKNOWN.encode("utf-8"), "text/html"),
}
MISSING = "http://www.people.com.cn.invalid/n1/2021/0609/c1-404.html"


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    site_dir = tmp_path / "site"
    (site_dir / "pages").mkdir(parents=True)
    with (site_dir / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for number, (url, (body, content_type)) in enumerate(PAGES.items()):
            (site_dir / "pages" / f"{number}.html").write_bytes(body)
            entry = {"url": url, "path": f"pages/{number}.html", "content_type": content_type}
            manifest.write(json.dumps(entry) + "\n")
    hits = tmp_path / "hits.jsonl"
    hits.write_text("".join(json.dumps({"url": u}) + "\n" for u in [*PAGES, MISSING]))
    return site_dir


def run_capture(site: Path, out: Path) -> dict[str, str]:
    with serve_demo_site(site) as proxy:
        capture(read_hits(site.parent / "hits.jsonl"), out, demo_settings(proxy))
    with (out / "capture_log.csv").open(encoding="utf-8") as handle:
        return {row["url"]: row["status"] for row in csv.DictReader(handle)}


def warc_bytes(out: Path) -> int:
    return sum(path.stat().st_size for path in out.glob("*.warc.gz"))


def test_capture_logs_every_url_and_resumes(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "capture"
    statuses = run_capture(site, out)
    assert statuses[MISSING] == "http_error"
    assert sum(status == "ok" for status in statuses.values()) == 3
    size = warc_bytes(out)
    run_capture(site, out)
    rows = list(csv.DictReader((out / "capture_log.csv").open(encoding="utf-8")))
    assert [row["url"] for row in rows].count(MISSING) == 2, "failed URLs are retried"
    assert sum(row["status"] == "ok" for row in rows) == 3, "captured URLs are not refetched"
    assert warc_bytes(out) > size


def test_parse_reads_layouts_charsets_and_dates(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "capture"
    run_capture(site, out)
    summary = parse_warcs(sorted(out.glob("*.warc.gz")), tmp_path / "a.parquet", tmp_path / "d.csv")
    articles = pd.read_parquet(tmp_path / "a.parquet").set_index("url")
    assert summary.articles == 3
    assert summary.dropped == {"http_status_404": 1}
    county = articles.loc[next(iter(PAGES))]
    assert county["layout"] == "gov_portal_hanweb"
    assert county["charset"] == "gb18030"
    assert "东莞市道滘镇招商引资工作专班" in county["text"]
    assert "禁毒" not in county["text"], "related-article boxes are not body text"
    assert county["title"] == "关于成立招商引资工作专班的通知"
    assert county["published"] == "2020-03-05"
    assert county["article_id"] == article_id(next(iter(PAGES)))
    people = articles.loc[list(PAGES)[1]]
    assert (people["layout"], people["published"]) == ("people_daily", "2021-06-08")
    assert people["title"] == "某市成立稳就业工作专班"
    other = articles.loc[list(PAGES)[2]]
    assert other["layout"] == "unknown"
    assert "重点工作" in other["text"]
    assert other["published"] == "2019-01-02"


def test_parse_rejects_a_file_that_is_not_a_warc(tmp_path: Path) -> None:
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"this is not a web archive")
    with pytest.raises(ValueError, match="broken.warc.gz"):
        parse_warcs([broken], tmp_path / "a.parquet", tmp_path / "d.csv")


def test_warc_offsets_point_at_the_article_record(site: Path, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    out = tmp_path / "capture"
    run_capture(site, out)
    parse_warcs(sorted(out.glob("*.warc.gz")), tmp_path / "a.parquet", tmp_path / "d.csv")
    for row in pd.read_parquet(tmp_path / "a.parquet").itertuples():
        with (out / row.warc_file).open("rb") as stream:
            stream.seek(row.warc_offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == row.url
