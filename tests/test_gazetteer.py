"""Tests for the gazetteer data files and pipeline.gazetteer."""

import csv
import time
from collections import Counter

import pytest

from pipeline.gazetteer import (
    DIVISIONS_FILE,
    Division,
    Gazetteer,
    load_gazetteer,
    place_fields,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def named(gaz: Gazetteer, name: str, parent: str) -> Division:
    """The one division called name whose prefecture or province is parent."""
    found = [d for d in gaz.divisions if d.name == name and parent in (d.prefecture, d.province)]
    assert len(found) == 1, (name, parent, found)
    return found[0]


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.division.code) for m in gaz.find_all(text)]


# --- the data files ---------------------------------------------------------------------------

def test_row_counts_and_unique_codes(gaz):
    levels = Counter(d.level for d in gaz.divisions)
    assert levels["province"] == 34
    assert levels["prefecture"] == 333
    assert 2800 <= levels["county"] <= 2900
    codes = [d.code for d in gaz.divisions]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_parents_exist_and_place_columns_agree(gaz):
    for d in gaz.divisions:
        if d.level == "province":
            assert d.parent_code == "" and d.province == d.name and not d.prefecture
            continue
        parent = gaz.by_code(d.parent_code)
        assert parent.province == d.province
        if d.level == "prefecture":
            assert parent.level == "province" and d.prefecture == d.name and not d.county
        else:
            assert d.county == d.name
            assert d.prefecture == (parent.name if parent.level == "prefecture" else "")


def test_no_statistical_zones_or_placeholders(gaz):
    names = {d.name for d in gaz.divisions}
    assert not {"市辖区", "县", "省直辖县级行政区划"} & names
    assert not [n for n in names if n.endswith(("开发区", "管理区", "示范区"))]
    assert not [d for d in gaz.divisions if d.level == "county" and 71 <= int(d.code[4:]) <= 79]


def test_current_divisions_present(gaz):
    assert named(gaz, "莱芜区", "济南市").code == "370116"
    assert named(gaz, "临安区", "杭州市").type == "市辖区"
    assert named(gaz, "沙县区", "三明市").short_name == "沙县"
    assert not [d for d in gaz.divisions if d.name in {"莱芜市", "临安市", "江干区"}]


def test_renamed_points_at_existing_divisions(gaz):
    path = DIVISIONS_FILE.with_name("renamed.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) >= 20
    for row in rows:
        assert gaz.by_code(row["new_code"]).name == row["new_name"]
        assert 2010 <= int(row["year"]) <= 2025


# --- special cases from the codebook ----------------------------------------------------------

def test_sub_provincial_cities(gaz):
    shenzhen = gaz.by_code("440300")
    assert (shenzhen.name, shenzhen.level, shenzhen.type) == ("深圳市", "prefecture", "副省级市")
    assert sum(d.type == "副省级市" for d in gaz.divisions) == 15


@pytest.mark.parametrize("name", ["东莞市", "中山市", "儋州市", "嘉峪关市"])
def test_cities_without_districts_are_prefectures(gaz, name):
    (city,) = [d for d in gaz.divisions if d.name == name and d.level != "county"]
    assert (city.level, city.type) == ("prefecture", "不设区的市")
    assert gaz.children(city.code) == []


def test_municipality_district(gaz):
    chaoyang = gaz.resolve("朝阳区", within=gaz.resolve("北京市"))
    assert chaoyang.code == "110105"
    assert (chaoyang.level, chaoyang.province, chaoyang.prefecture) == ("county", "北京市", "")
    assert gaz.by_code("110000").type == "直辖市"
    assert place_fields(chaoyang) == {"province": "北京市", "prefecture": "", "county": "朝阳区"}


def test_province_administered_county(gaz):
    xiantao = gaz.resolve("仙桃市")
    assert (xiantao.level, xiantao.type, xiantao.parent_code) == ("county", "县级市", "420000")
    assert xiantao.prefecture == "" and xiantao.province == "湖北省"
    assert xiantao in gaz.children("420000")


def test_league_and_autonomous_prefecture(gaz):
    xilingol = gaz.resolve("锡林郭勒盟")
    assert (xilingol.level, xilingol.type, xilingol.short_name) == ("prefecture", "盟", "锡林郭勒")
    enshi = gaz.resolve("恩施土家族苗族自治州")
    assert (enshi.type, enshi.short_name) == ("自治州", "恩施")
    assert gaz.resolve("恩施州") == enshi
    assert gaz.resolve("宁夏").name == "宁夏回族自治区"


def test_county_chain(gaz):
    kaihua = gaz.resolve("开化县")
    assert gaz.by_code(kaihua.parent_code).name == "衢州市"
    assert gaz.by_code(gaz.by_code(kaihua.parent_code).parent_code).name == "浙江省"
    fields = {"province": "浙江省", "prefecture": "衢州市", "county": "开化县"}
    assert place_fields(kaihua) == fields
    assert place_fields(gaz.resolve("衢州市"))["county"] == ""


def test_children(gaz):
    yichang = gaz.resolve("宜昌市")
    assert "西陵区" in {d.name for d in gaz.children(yichang.code)}
    assert all(d.parent_code == yichang.code for d in gaz.children(yichang.code))


# --- lookup and resolve -----------------------------------------------------------------------

def test_resolve_ambiguous_names(gaz):
    assert gaz.resolve("朝阳区") is None
    assert len(gaz.lookup("朝阳区")) == 2
    assert gaz.resolve("朝阳区", within=gaz.resolve("吉林省")).code == "220104"
    assert gaz.resolve("鼓楼区") is None
    assert gaz.resolve("不存在的地方") is None


def test_resolve_prefers_higher_level(gaz):
    assert gaz.resolve("吉林").name == "吉林省"
    assert gaz.resolve("吉林市").level == "prefecture"
    assert gaz.resolve("海南").name == "海南省"
    assert gaz.resolve("西安").name == "西安市"


def test_lookup_puts_within_first(gaz):
    qinghai = gaz.resolve("青海省")
    first = gaz.lookup("海南", within=qinghai)[0]
    assert first.name == "海南藏族自治州"
    assert gaz.lookup("海南")[0].name == "海南省"


def test_former_names(gaz):
    assert gaz.resolve("莱芜市").code == "370116"
    assert gaz.resolve("临安市").name == "临安区"
    assert gaz.resolve("吐鲁番地区").name == "吐鲁番市"
    assert gaz.lookup("江干区")[0].name == "上城区"


def test_by_code_unknown(gaz):
    with pytest.raises(KeyError, match="999999"):
        gaz.by_code("999999")


# --- find_all ---------------------------------------------------------------------------------

def test_find_all_chain_resolves_within_parent(gaz):
    assert found(gaz, "湖北省宜昌市西陵区成立工作专班") == [
        ("湖北省", "420000"), ("宜昌市", "420500"), ("西陵区", "420502")]
    assert found(gaz, "湖北宜昌西陵公安局成立禁毒专班") == [
        ("湖北", "420000"), ("宜昌", "420500"), ("西陵", "420502")]


def test_find_all_ambiguous_without_context(gaz):
    assert found(gaz, "朝阳区召开专班会议") == []
    assert found(gaz, "北京市朝阳区召开专班会议") == [("北京市", "110000"), ("朝阳区", "110105")]
    assert found(gaz, "长春市委部署。朝阳区召开会议")[-1] == ("朝阳区", "220104")


def test_find_all_township_keeps_city(gaz):
    expected = [("广东省", "440000"), ("东莞市", "441900")]
    assert found(gaz, "广东省东莞市道滘镇建立工作专班") == expected


def test_find_all_full_names_and_organ_suffixes(gaz):
    assert found(gaz, "开化县委书记任组长") == [("开化县", "330824")]
    assert found(gaz, "衢州市委、杭州市政府") == [("衢州市", "330800"), ("杭州市", "330100")]
    assert found(gaz, "恩施州委召开会议") == [("恩施州", "422800")]
    assert found(gaz, "宁波市场监管局") == [("宁波", "330200")]
    assert found(gaz, "莱芜市政府") == [("莱芜市", "370116")]


def test_find_all_short_names_not_in_ordinary_words(gaz):
    text = ("和平发展，城中村改造，新华社报道，长安街，老城区改造，"
            "贡献县域经济，平安区域，中山大学，浙江西部")
    assert found(gaz, text) == []


def test_find_all_matches_are_ordered_and_disjoint(gaz):
    text = "浙江省开化县成立专班。重庆忠县、深圳南山和阳泉市城区也有。"
    matches = gaz.find_all(text)
    expected = ["浙江省", "开化县", "重庆", "忠县", "深圳", "南山", "阳泉市", "城区"]
    assert [m.text for m in matches] == expected
    assert all(text[m.start:m.end] == m.text for m in matches)
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:], strict=False))


def test_find_all_is_fast(gaz):
    sentence = ("据报道，湖北省宜昌市西陵区成立了工作专班，"
                "由区委书记任组长，各部门协同推进重点项目建设。")
    text = (sentence * 80)[:3000]
    gaz.find_all(text)
    began = time.perf_counter()
    for _ in range(20):
        gaz.find_all(text)
    assert (time.perf_counter() - began) / 20 < 0.005


# --- loading ----------------------------------------------------------------------------------

def test_load_is_cached():
    assert load_gazetteer() is load_gazetteer()


def test_load_reports_missing_column(tmp_path):
    broken = tmp_path / "divisions.csv"
    broken.write_text("code,name\n110000,北京市\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        load_gazetteer(broken)
