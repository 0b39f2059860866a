"""URL-list source: a CSV with a url column or a plain text file, read as hits."""

from datetime import date

import pytest
from source_server import FIXTURES

from scrapers.sources import url_list

START, END = date(2018, 1, 1), date(2021, 8, 31)


def test_csv_with_url_title_and_date_columns():
    hits = list(url_list.search(None, "", START, END, {"path": str(FIXTURES / "urls.csv")}))
    assert [hit.url for hit in hits] == [
        "https://www.example.gov.cn/art/2019/4/2/art_1_2.html",
        "http://www.example.gov.cn/xxgk/2020/0311/c1.html",
        "https://news.example.cn/2021/07/01/n1.html",
    ]
    assert hits[0].title == "区里成立河长制工作专班" and hits[0].date == "2019-04-02"
    assert hits[1].title == "" and hits[1].date == "2020-03-11"
    assert hits[2].date is None
    assert {hit.source for hit in hits} == {"url_list"}
    assert {hit.query for hit in hits} == {"urls.csv"}


def test_text_file_skips_comments_and_blank_lines():
    hits = list(url_list.search(None, "", START, END, {"path": str(FIXTURES / "urls.txt")}))
    assert [hit.url for hit in hits] == [
        "https://www.example.gov.cn/art/2019/4/2/art_1_2.html",
        "http://www.example.gov.cn/xxgk/2020/0311/c1.html",
    ]
    assert hits[0].title == "" and hits[0].date is None


def test_a_csv_without_url_column_or_with_a_bad_url_says_where(tmp_path):
    no_column = tmp_path / "links.csv"
    no_column.write_text("link,title\nhttps://a.cn/1.html,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'url' column"):
        list(url_list.search(None, "", START, END, {"path": str(no_column)}))
    bad = tmp_path / "links.txt"
    bad.write_text("https://a.cn/1.html\nwww.b.cn/2.html\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"links.txt, line 2"):
        list(url_list.search(None, "", START, END, {"path": str(bad)}))
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(url_list.search(None, "", START, END, {"path": str(tmp_path / "none.txt")}))
