"""Tests for the coded fields: level, domain and topic, leader_rank and founded."""

from datetime import date

import pandas as pd
import pytest

from pipeline.extract.dates import code_founded
from pipeline.extract.document import Document, parse_published
from pipeline.extract.domain import code_domain
from pipeline.extract.hosts import host_places
from pipeline.extract.leader import code_leader
from pipeline.extract.level import code_level, level_from_titles
from pipeline.extract.unit import unit_division


@pytest.mark.parametrize(
    ("unit", "level"),
    [
        ("国务院联防联控机制", "national"),
        ("教育部", "national"),
        ("国家发展改革委", "national"),
        ("江苏省人大常委会", "provincial"),
        ("广西壮族自治区人大常委会", "provincial"),
        ("北京市商务局", "provincial"),
        ("安康市人民政府", "prefecture"),
        ("固原市交通运输局", "prefecture"),
        ("深圳市发展和改革委员会", "prefecture"),
        ("恩施土家族苗族自治州", "prefecture"),
        ("锡林郭勒盟行政公署", "prefecture"),
        ("东莞市", "prefecture"),
        ("开化县", "county"),
        ("北京市朝阳区", "county"),
        ("宜昌市公安局西陵分局", "county"),
        ("仙游县枫亭镇", "county"),
        ("东莞市道滘镇", "county"),
        ("杭州市乡村振兴局", "prefecture"),
        ("宁波市第一医院", "prefecture"),
        ("浙江大学", "unknown"),
        ("市发改委", "prefecture"),
        ("县委", "county"),
        ("", "unknown"),
    ],
)
def test_level(unit: str, level: str) -> None:
    assert code_level(unit, unit_division(unit) if unit else None) == level


def test_subbureau_sits_in_its_district() -> None:
    division = unit_division("宜昌市公安局西陵分局")
    assert division is not None and division.name == "西陵区"


@pytest.mark.parametrize(
    ("name", "context", "domain", "topic"),
    [
        ("政法队伍教育整顿工作专班", "", "politics_admin", "political_legal_rectification"),
        ("禁毒打零专班", "", "politics_admin", "public_security"),
        ("推动开发区体制机制改革创新试点工作专班", "", "politics_admin", "institutional_reform"),
        ("招商引资工作专班", "", "economy_infrastructure", "investment_promotion"),
        ("白酒产业发展工作专班", "", "economy_infrastructure", "industry_chain"),
        ("复工复产工作专班", "在疫情防控常态化背景下", "economy_infrastructure",
         "business_environment"),
        ("海南自由贸易港封关运作工作专班", "", "economy_infrastructure", "ftz_port"),
        ("进口冷链食品疫情防控工作专班", "", "edu_sci_culture_health", "epidemic"),
        ("口岸城市专班", "内蒙古自治区疫情防控口岸城市专班", "edu_sci_culture_health",
         "epidemic"),
        ("春运工作专班", "为做好春运期间疫情防控", "edu_sci_culture_health", "epidemic"),
        ("综合协调专班", "市疫情防控指挥部下设综合协调专班", "edu_sci_culture_health",
         "epidemic"),
        ("全国文明城市创建工作专班", "", "edu_sci_culture_health", "civilization_campaign"),
        ("灾后恢复重建工作专班", "", "society_livelihood", "post_disaster_reconstruction"),
        ("防汛救灾工作专班", "", "society_livelihood", "emergency_management"),
        ("脱贫攻坚工作专班", "", "society_livelihood", "poverty_rural"),
        ("保交楼工作专班", "", "society_livelihood", "housing"),
        ("征兵工作专班", "", "society_livelihood", "conscription"),
        ("安全生产专项整治三年行动工作专班", "", "society_livelihood", "work_safety"),
        ("蓝天保卫战工作专班", "", "ecology_environment", "air_pollution"),
        ("中央环保督察整改工作专班", "", "ecology_environment", "inspection_rectification"),
        ("国家植物园建设专班", "", "ecology_environment", "protected_areas"),
        ("综合协调专班", "专班每周召开一次例会", "unknown", ""),
    ],
)
def test_domain(name: str, context: str, domain: str, topic: str) -> None:
    coded = code_domain(name, context)
    assert (coded.domain, coded.topic) == (domain, topic)
    assert bool(coded.keywords) == (domain != "unknown")


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("组长：张某某（市委副书记、市长）；副组长：李某某（常务副市长）。", "principal"),
        ("专班由市长任召集人，常务副市长任责任副组长。", "principal"),
        ("成立以区委书记、区长为“双组长”的项目攻坚专班。", "principal"),
        ("市长亲自挂帅，成立招商引资工作专班。", "principal"),
        ("由常务副市长任组长，成员单位包括市发改委等。", "deputy_in_charge"),
        ("专班由县委常委、政法委书记任组长。", "deputy_in_charge"),
        ("由市委副书记任专班组长。", "deputy_in_charge"),
        ("由省政府秘书长担任召集人。", "deputy_in_charge"),
        ("专班组长、副市长张某主持召开专班会议。", "deputy_in_charge"),
        ("由局党组书记、局长任组长，专班下设三个执行小组。", "dept_head"),
        ("由市发改委主任任组长。", "dept_head"),
        ("由分局副局长张某任专班长。", "dept_deputy"),
        ("专班负责人：王某（市卫健委副主任）。", "dept_deputy"),
        ("由一名四级调研员任专班负责人。", "non_leader"),
        ("由辅警李某任专班班长。", "non_leader"),
        ("副市长王某主持召开稳就业工作专班会议并讲话。", "unknown"),
        ("专班下设办公室，办公室主任由市商务局局长兼任。", "unknown"),
        ("成立领导小组，由市长任组长；领导小组下设专班，负责日常工作。", "unknown"),
        ("专班下设综合组，组长由市发改委副主任担任。", "unknown"),
        ("由市发改委牵头成立稳投资工作专班。", "unknown"),
        ("成立稳投资工作专班，实行日报制度。", "unknown"),
    ],
)
def test_leader_rank(text: str, rank: str) -> None:
    assert code_leader(text, 0, len(text)).rank == rank


def _founded(text: str, published: str | None, title: str = "", founding: bool = True):
    doc = Document.from_article({"id": "d", "title": title, "text": text,
                                 "published": published})
    anchor = doc.body.index("专班")
    return code_founded(doc, doc.sentence_at(anchor), anchor, founding,
                        doc.sentences[doc.sentence_at(anchor).index + 1:])


@pytest.mark.parametrize(
    ("text", "published", "value", "source"),
    [
        ("2020年3月5日，市政府成立稳就业工作专班。", "2020-04-01", "2020-03-05", "text"),
        ("3月5日，市政府成立稳就业工作专班。", "2020-04-01", "2020-03-05", "text"),
        ("12月28日，市政府成立稳就业工作专班。", "2021-01-05", "2020-12-28", "text"),
        ("今年5月，河南省成立新兴产业链工作专班。", "2021-07-20", "2021-05", "text"),
        ("去年10月，县里成立招商引资工作专班。", "2021-07-20", "2020-10", "text"),
        ("近日，安康市成立稳就业工作专班。", "2020-03-10", "2020-03-10", "text"),
        ("昨日，安康市成立稳就业工作专班。", "2020-03-10", "2020-03-09", "text"),
        ("市政府成立稳就业工作专班，力争3月31日前完成。", "2020-03-10", "2020-03-10",
         "published"),
        ("市政府成立稳就业工作专班。", "2020-03-10", "2020-03-10", "published"),
        ("市政府成立稳就业工作专班。", None, "", ""),
        ("2020年3月5日，市政府成立稳就业工作专班。", None, "2020-03-05", "text"),
    ],
)
def test_founded_from_text(text: str, published: str | None, value: str, source: str) -> None:
    founded = _founded(text, published)
    assert (founded.value, founded.source) == (value, source)
    assert founded.year == (int(value[:4]) if value else None)


def test_founded_from_notice_date_in_chinese_numerals() -> None:
    text = "县政府决定成立防汛工作专班。\n龙泉市人民政府办公室\n二〇二〇年六月十五日"
    founded = _founded(text, "2020-06-20", title="关于成立防汛工作专班的通知")
    assert (founded.value, founded.source) == ("2020-06-15", "notice")


def test_founded_from_document_number_year() -> None:
    text = "龙政办发〔2019〕12号\n县政府决定成立防汛工作专班。"
    founded = _founded(text, "2020-06-20", title="关于成立防汛工作专班的通知")
    assert (founded.value, founded.year, founded.source) == ("2019", 2019, "notice")


def test_follow_up_takes_the_date_it_was_set_up_since() -> None:
    text = "招商引资工作专班召开例会。自去年10月成立以来，专班累计签约项目12个。"
    founded = _founded(text, "2021-07-20", founding=False)
    assert (founded.value, founded.source) == ("2020-10", "text")


@pytest.mark.parametrize(
    "value",
    ["2021-03-05T08:00:00+08:00", "2021-03-05", date(2021, 3, 5),
     pd.Timestamp("2021-03-05 08:00"), "2021/03/05 10:21", "2021.3.5", "2021年3月5日"],
)
def test_publication_date_parsing(value: object) -> None:
    assert parse_published(value) == date(2021, 3, 5)


@pytest.mark.parametrize("value", [None, float("nan"), pd.NaT, "", "unknown", "2021-13-45"])
def test_missing_publication_date(value: object) -> None:
    assert parse_published(value) is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("副省长孟某主持会议并讲话", "provincial"),
        ("专班组长、县应急管理局局长陈某主持会议", "county"),
        ("市委常委、秘书长郭某主持会议", "prefecture"),
        ("盟委书记周某出席会议", "prefecture"),
        ("镇党委书记赵某出席会议并讲话", "county"),
        ("主任张某出席会议", ""),
    ],
)
def test_level_named_by_officials(text: str, level: str) -> None:
    assert level_from_titles(text) == level


@pytest.mark.parametrize(
    ("address", "places"),
    [
        ("sn.people.com.cn", ["陕西省"]),
        ("www.nmg.gov.cn", ["内蒙古自治区"]),
        ("zjrb.zjol.com.cn", ["浙江省"]),
        ("www.taizhou.gov.cn", []),
        ("https://www.example.com/a.html", []),
        ("", []),
    ],
)
def test_places_named_by_web_hosts(address: str, places: list[str]) -> None:
    assert [d.name for d in host_places(address)] == places


@pytest.mark.parametrize(
    ("address", "places"),
    [
        ("http://www.ankang.gov.cn/Content-2061234.html", ["安康市"]),
        ("http://www.kaihua.gov.cn/art/2021/3/1/art_1.html", ["开化县"]),
        ("www.xinjiang.gov.cn", ["新疆维吾尔自治区"]),
    ],
)
def test_places_named_by_the_pinyin_of_web_hosts(address: str, places: list[str]) -> None:
    pytest.importorskip("pypinyin")
    assert [d.name for d in host_places(address)] == places


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        # a bare month in the founding sentence falls in the publication year (or the one before)
        ("6月，区文旅局组建夜间经济工作专班，由副局长任组长。", "2023-09-01", "2023-06"),
        ("11月，区文旅局组建夜间经济工作专班。", "2023-09-01", "2022-11"),
        # ... but not a month something runs up to
        ("区文旅局组建的夜间经济工作专班介绍，截至8月底已办活动20场。", "2023-09-01",
         "2023-09-01"),
        # 本月N日 is in the month of publication
        ("镇政府于本月十二日组建河道保洁工作专班。", "2022-05-20", "2022-05-12"),
        # a month-level date tied to the founding beats the opening date of the sentence before
        ("近日，专班育成新品种。\n这个水稻育种专班成立于2019年4月，由副院长牵头。", "2022-10-11",
         "2019-04"),
    ],
)
def test_founded_month_and_tied_dates(text: str, published: str, value: str) -> None:
    founding = "截至" not in text
    doc = Document.from_article({"id": "d", "title": "", "text": text, "published": published})
    anchor = doc.body.rindex("专班")
    sentence = doc.sentence_at(anchor)
    assert code_founded(doc, sentence, anchor, founding).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2022年4月，县里成立秸秆禁烧工作专班。该专班于2022年4月成立，由副县长牵头。",
         "2022-04"),
        ("秸秆禁烧工作专班召开例会。去年9月，县农业农村局抽调骨干组建了这个专班。", "2022-09"),
    ],
)
def test_follow_up_takes_the_date_a_later_sentence_ties_to_the_founding(text: str,
                                                                         value: str) -> None:
    assert _founded(text, "2023-03-01", founding=False).value == value


def test_a_summary_of_a_past_year_dates_its_task_forces_in_that_year() -> None:
    text = ("一、主要工作\n年初，局里成立燃气安全排查工作专班，全年排查用户九千户。"
            "另抽调人员组建物业服务提升工作专班，办结投诉三百件。")
    doc = Document.from_article({"id": "d", "title": "某市住建局2021年工作总结",
                                 "text": text, "published": "2022-01-10"})
    first = doc.body.index("专班")
    second = doc.body.rindex("专班")
    assert code_founded(doc, doc.sentence_at(first), first, True).value == "2021"
    assert code_founded(doc, doc.sentence_at(second), second, True).value == "2021"
    founded = code_founded(doc, doc.sentence_at(second), second, False)
    assert (founded.value, founded.source) == ("2021", "reviewed")
    # a summary of the publication year itself changes nothing
    doc = Document.from_article({"id": "d", "title": "某市住建局2021年工作总结",
                                 "text": text, "published": "2021-12-28"})
    assert code_founded(doc, doc.sentence_at(second), second, False).value == "2021-12-28"


def test_a_page_without_a_date_is_dated_by_its_print_line() -> None:
    text = "本报讯 市政府于本月八日组建会展服务工作专班。\n某某日报 2020年10月11日 第3版"
    founded = _founded(text, None)
    assert founded.value == "2020-10-08"


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        # 月份 is a month; 年底 is the year's last month
        ("今年3月份，县政府成立秸秆禁烧工作专班。", "2021-07-20", "2021-03"),
        ("去年底，市里成立物流保通工作专班。", "2021-07-20", "2020-12"),
    ],
)
def test_month_words_with_suffixes(text: str, published: str, value: str) -> None:
    assert _founded(text, published).value == value


@pytest.mark.parametrize(
    ("unit", "level"),
    [("市场监管总局", "national"), ("国家医疗保障局", "national"),
     ("人力资源社会保障部办公厅", "national"), ("中央网信办", "national"),
     ("县公安部门", "county")],
)
def test_central_organs_from_the_gazetteer_list(unit: str, level: str) -> None:
    assert code_level(unit, unit_division(unit)) == level
