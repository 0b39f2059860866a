"""Tests for pipeline.normalize: script, width and whitespace normalisation."""

import pytest

from pipeline.normalize import is_traditional, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("海南省成立優化營商環境工作專班", "海南省成立优化营商环境工作专班"),
        ("由省政府秘書長擔任召集人", "由省政府秘书长担任召集人"),
        ("组  长：张某某　县委副书记、县长", "组长：张某某县委副书记、县长"),
        ("成立３个工作专班，ＡＢ类项目", "成立3个工作专班，AB类项目"),
        ("2020 年 3 月 5 日，成立工作专班。", "2020年3月5日，成立工作专班。"),
        ("第一段。\n\n\n  第二段。", "第一段。\n第二段。"),
        ("Open Data 专班", "Open Data 专班"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_chinese_punctuation_keeps_its_width() -> None:
    assert normalize_text("（一）综合协调专班：负责统筹；") == "（一）综合协调专班：负责统筹；"


def test_simplified_text_with_rare_traditional_forms_is_left_alone() -> None:
    text = "乾隆年间的故事与专班无关，但本文通篇为简体字。"
    assert not is_traditional(text)
    assert normalize_text(text) == text


def test_empty_input() -> None:
    assert normalize_text(None) == ""
    assert normalize_text("") == ""
