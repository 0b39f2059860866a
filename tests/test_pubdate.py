"""Publication dates in the forms Chinese government and news pages print them."""

from datetime import date

from lxml import html

from pipeline.pubdate import date_from_text, date_from_url, publication_date


def test_labelled_lines() -> None:
    assert date_from_text("首页 > 政务公开\n发布时间：2020-03-05 10:12") == date(2020, 3, 5)
    assert date_from_text("发布日期：2019年11月2日  来源：县政府办") == date(2019, 11, 2)
    assert date_from_text("2021年06月08日08:45 | 来源：人民网") == date(2021, 6, 8)


def test_copyright_years_are_not_dates() -> None:
    assert date_from_text("© 2012-2023 版权所有 浙ICP备05001234号") is None


def test_url_dates() -> None:
    assert date_from_url("http://a.people.com.cn/n1/2020/0305/c1-1.html") == date(2020, 3, 5)
    assert date_from_url("http://www.kaihua.gov.cn/art/2018/4/16/art_1_2.html") == date(2018, 4, 16)
    assert date_from_url("http://www.gov.cn/zhengce/2021-02/09/content_1.htm") == date(2021, 2, 9)
    assert date_from_url("http://x.gov.cn/t20190102_123.html") == date(2019, 1, 2)


def test_meta_wins_over_text() -> None:
    page = ('<html><head><meta name="firstpublishedtime" content="2021-01-02-09:00:00"></head>'
            "<body>发布时间：2020-01-01</body></html>")
    found, method = publication_date(html.fromstring(page), "发布时间：2020-01-01", "", page)
    assert (found, method) == (date(2021, 1, 2), "meta")
