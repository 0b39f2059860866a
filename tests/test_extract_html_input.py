"""The extract contract's optional `html` field: used only for what the record leaves empty."""

from __future__ import annotations

from pipeline.extract import extract_article
from pipeline.extract.html_input import with_html_fields

PAGE = """<html><head><title>关于成立城区防汛工作专班的通知_某县人民政府</title>
<meta name="PubDate" content="2021-07-02 09:30"></head><body>
<div class="nav">首页 &gt; 通知公告</div>
<div id="zoom"><p>各乡镇人民政府，县直各单位：</p>
<p>为做好今年主汛期城区防汛工作，经县政府研究，决定成立城区防汛工作专班。</p>
<p>组长：王某某（县委副书记、县长）</p><p>河北省滦平县人民政府办公室</p></div>
<div class="footer">主办单位：某县人民政府</div></body></html>"""


def test_text_given_wins_over_html():
    record = {"id": "x", "text": "正文", "title": "标题", "published": "2020-01-01", "html": PAGE}
    assert with_html_fields(record) is record


def test_missing_fields_come_from_html():
    record = {"id": "x", "url": "http://www.example.gov.cn/art/2021/7/2/art_1.html", "html": PAGE}
    filled = with_html_fields(record)
    assert "决定成立城区防汛工作专班" in filled["text"]
    assert "主办单位" not in filled["text"]
    assert filled["title"].startswith("关于成立城区防汛工作专班的通知")
    assert filled["published"] == "2021-07-02"


def test_html_only_record_is_coded():
    record = {"id": "x", "url": "http://www.example.gov.cn/art/2021/7/2/art_1.html",
              "published": None, "text": "", "html": PAGE}
    mentions = extract_article(record)
    assert [m.name for m in mentions] == ["城区防汛工作专班"]
    assert mentions[0].leader_rank == "principal"
    assert mentions[0].year == 2021


def test_unparseable_html_leaves_the_record_alone():
    record = {"id": "x", "text": None, "html": "   "}
    assert with_html_fields(record) is record
