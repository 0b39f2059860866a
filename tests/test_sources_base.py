"""Shared adapter helpers: date forms, markup stripping, dotted field lookups."""

import pytest

from scrapers.sources.base import ResponseShapeError, field, iso_date, strip_tags


@pytest.mark.parametrize(("value", "expected"), [
    (1614564000000, "2021-03-01"),          # epoch ms, 10:00 in China
    (1614528000000, "2021-03-01"),          # epoch ms, 00:00 in China (16:00 UTC the day before)
    ("1614528000", "2021-03-01"),           # epoch seconds as text
    ("2020.04.01", "2020-04-01"),
    ("2019年3月5日 14:20", "2019-03-05"),
    ("时间:2020-04-13", "2020-04-13"),
    ("20190818094512", "2019-08-18"),
    ("20180101", "2018-01-01"),
    ("2019-02-30", None),
    ("昨天", None),
    (None, None),
    ("", None),
])
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_strip_tags_removes_highlighting_and_decodes_entities():
    assert strip_tags("成立<em>工作</em><font color=red>专班</font>&nbsp;&quot;攻坚&quot;\n") == (
        '成立工作专班 "攻坚"')
    assert strip_tags(None) == ""


def test_field_names_the_whole_missing_path():
    answer = {"data": {"records": []}}
    assert field(answer, "data.records", "people", "http://x") == []
    with pytest.raises(ResponseShapeError) as error:
        field(answer, "data.pages", "people", "http://x")
    assert error.value.field == "data.pages"
    assert "'data.pages'" in str(error.value) and "http://x" in str(error.value)
