"""End-to-end tests of the coder on hand-written sample articles, and of the extract contract
(`extract_jsonl` → CSV with the contract columns, `extract_table` → the stage's table)."""

import csv
import json
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.extract import (
    CONTRACT_COLUMNS,
    MENTION_COLUMNS,
    extract_article,
    extract_jsonl,
    extract_table,
)
from pipeline.extract.codebook import CODEBOOK_FILE, codes, load_codebook

FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "articles.yaml"
ARTICLES = yaml.safe_load(FIXTURES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("article", ARTICLES, ids=[a["id"] for a in ARTICLES])
def test_sample_article(article: dict) -> None:
    if article.get("requires"):
        pytest.importorskip(article["requires"])
    rows = [mention.as_row() for mention in extract_article(article)]
    assert sorted(row["name"] for row in rows) == sorted(e["name"] for e in article["expect"])
    for expected in article["expect"]:
        row = next(row for row in rows if row["name"] == expected["name"])
        got = {field: row[field] for field in expected}
        assert got == expected, expected["name"]


def test_private_company_task_force_is_excluded() -> None:
    article = {"id": "c", "title": "", "published": "2021-03-01",
               "text": "某科技有限公司成立项目攻坚专班，由公司总经理任组长。"}
    assert extract_article(article) == []


def test_state_owned_company_task_force_is_kept() -> None:
    article = {"id": "c", "title": "", "published": "2021-03-01",
               "text": "国网宁波供电公司成立迎峰度夏电力保供工作专班。"}
    assert [m.name for m in extract_article(article)] == ["迎峰度夏电力保供工作专班"]


def test_same_task_force_mentioned_twice_gives_one_row() -> None:
    article = {"id": "r", "title": "安康市成立稳就业工作专班", "published": "2020-03-10",
               "text": "安康市人民政府成立稳就业工作专班。市稳就业工作专班由市长任召集人。"}
    mention, = extract_article(article)
    assert mention.is_founding and mention.leader_rank == "principal"
    assert mention.name_key == "稳就业"
    assert mention.unit_key == "610900"


def test_evidence_holds_sentences_and_url() -> None:
    article = ARTICLES[1]
    mention, = extract_article(article)
    assert mention.evidence.endswith(" | " + article["url"])
    assert "稳就业工作专班" in mention.evidence
    assert mention.leader_titles == "市长"


def _write_jsonl(path: Path, articles: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n\n",
                    encoding="utf-8")
    return path


def test_extract_jsonl_writes_the_contract_columns(tmp_path: Path) -> None:
    articles = [
        {"id": "a1", "url": "http://e.com/1", "title": "安康市成立稳就业工作专班",
         "published": "2020-03-10", "text": "近日，安康市人民政府成立稳就业工作专班。"},
        {"id": "a2", "url": "http://e.com/2", "title": "天气预报", "published": None,
         "text": "明天多云转晴。"},
        {"id": "a3", "url": "http://e.com/3", "title": "", "published": None,
         "text": "某县成立招商引资工作专班。", "html": "<p>…</p>", "source": "某网"},
    ]
    out = tmp_path / "out" / "cases.csv"
    rows = extract_jsonl(_write_jsonl(tmp_path / "articles.jsonl", articles), out)
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == CONTRACT_COLUMNS
        written = list(reader)
    assert rows == len(written) == 2
    assert [row["article_id"] for row in written] == ["a1", "a3"]
    assert written[0]["year"] == "2020" and written[0]["founded"] == "2020-03-10"
    assert written[1]["year"] == "" and written[1]["founded"] == ""


def test_extract_jsonl_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a1", "text": ""}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        extract_jsonl(path, tmp_path / "out.csv")


def test_extract_table_for_the_stage() -> None:
    articles = pd.DataFrame([
        {"article_id": "h1", "url": "http://e.com/1", "final_url": "http://e.com/1",
         "source": "安康市人民政府", "title": "市政府成立稳就业工作专班",
         "published": "2020-03-10", "text": "近日，市政府成立稳就业工作专班，由市长任召集人。",
         "charset": "utf-8", "warc_file": "x.warc.gz", "warc_offset": 0},
        {"article_id": "h2", "url": "http://e.com/2", "final_url": "http://e.com/2",
         "source": "", "title": "无关", "published": None, "text": "明天多云。",
         "charset": "utf-8", "warc_file": "x.warc.gz", "warc_offset": 10},
    ])
    table = extract_table(articles)
    assert list(table.columns) == MENTION_COLUMNS
    assert table["article_id"].tolist() == ["h1"]
    assert table.loc[0, "unit"] == "安康市人民政府"
    assert str(table["year"].dtype) == "Int64" and table["is_founding"].dtype == bool
    assert "url" not in table.columns and "published" not in table.columns


def test_empty_table_keeps_the_columns() -> None:
    table = extract_table(pd.DataFrame(columns=["article_id", "title", "text", "published"]))
    assert table.empty and list(table.columns) == MENTION_COLUMNS


def test_throughput_on_three_kilobyte_articles() -> None:
    filler = "会议强调，要坚持以人民为中心的发展思想，统筹发展和安全，推动经济社会高质量发展。" * 40
    articles = [{"id": str(i), "title": "某市召开会议", "published": "2021-03-01",
                 "text": filler[:1400] + f"近日，安康市人民政府成立第{i}号稳就业工作专班，"
                         "由市长任召集人。" + filler[:1500]} for i in range(100)]
    started = time.perf_counter()
    found = sum(len(extract_article(a)) for a in articles)
    assert found == 100
    assert time.perf_counter() - started < 2.0


def test_every_coded_value_is_a_codebook_code() -> None:
    rows = [m.as_row() for article in ARTICLES for m in extract_article(article)]
    for field in ("level", "domain", "leader_rank"):
        assert {row[field] for row in rows} <= set(codes(field)), field


def test_a_codebook_with_an_unknown_code_is_refused(tmp_path: Path) -> None:
    book = yaml.safe_load(CODEBOOK_FILE.read_text(encoding="utf-8"))
    book["decision_rules"][0]["domain"] = "economy"
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="economy"):
        load_codebook(path)


def _coded_names(title: str, text: str) -> list[str]:
    article = {"id": "h", "title": title, "text": text, "published": "2022-06-01"}
    return sorted(mention.name for mention in extract_article(article))


def test_a_headline_short_name_is_the_text_s_task_force() -> None:
    # the headline abbreviates the one 专班 the text reports: one row, not two
    text = "近日，某省市场监管局成立打击侵犯知识产权违法犯罪工作专班，由副局长任专班长。"
    assert _coded_names("某省成立打假专班 守护品牌", text) == ["打击侵犯知识产权违法犯罪工作专班"]


def test_a_repost_s_original_title_line_is_a_headline() -> None:
    text = ("原标题：夜经济背后的“服务专班”\n"
            "4月2日，某市成立夜间经济发展工作专班，由副市长任组长。")
    assert _coded_names("某市夜经济火了", text) == ["夜间经济发展工作专班"]


def test_a_headline_task_force_is_kept_when_the_text_reports_several() -> None:
    text = "某县成立招商引资工作专班和项目建设工作专班。"
    assert _coded_names("某县成立护航专班", text) == [
        "护航专班", "招商引资工作专班", "项目建设工作专班"]


def test_a_later_abbreviation_is_the_same_task_force() -> None:
    # 棚改 abbreviates 棚户区改造; a later mention by it is not a second 专班
    text = ("县政府成立棚户区改造工作专班，由副县长任组长。"
            "棚改专班要在6月底前完成入户调查。")
    assert _coded_names("", text) == ["棚户区改造工作专班"]


def test_a_task_force_headed_by_a_company_manager_gives_no_row() -> None:
    text = ("为赶在年底前完成新仓库建设，11月3日，公司召开专题会议，决定成立仓储项目攻坚专班，"
            "由公司副总经理孙某任专班负责人，财务部、工程部抽调人员组成。")
    assert _coded_names("公司成立仓储项目攻坚专班", text) == []
    public = ("11月3日，某县人民政府成立仓储物流项目攻坚专班，由副县长孙某任专班组长。")
    assert _coded_names("某县成立仓储物流项目攻坚专班", public) == ["仓储物流项目攻坚专班"]


def test_numbered_list_lines_take_heads_given_in_turn_after_them() -> None:
    article = {"id": "n", "title": "某县成立两个工作专班", "published": "2022-05-10",
               "text": ("近日，云和县人民政府决定成立两个工作专班，分别为：\n"
                        "1. 乡村旅游发展工作专班；\n"
                        "2. 农产品加工工作专班。\n"
                        "两个专班分别由县长张某、县农业农村局局长李某任组长。")}
    ranks = {m.name: m.leader_rank for m in extract_article(article)}
    assert ranks == {"乡村旅游发展工作专班": "principal", "农产品加工工作专班": "dept_head"}


def test_a_company_of_a_place_setting_up_a_team_gives_no_row() -> None:
    article = {"id": "k", "title": "", "published": "2022-05-10",
               "text": "日前，宁波市一家民营电子有限公司从各车间抽调骨干，组建芯片封装攻关专班。"}
    assert extract_article(article) == []


def test_a_name_written_ever_fuller_is_one_task_force() -> None:
    article = {"id": "m", "title": "城南街道老旧小区改造专班：让居民说了算",
               "published": "2022-05-10",
               "text": ("城南街道老旧小区改造专班：让居民说了算\n"
                        "在居民议事会上，街道老旧小区改造专班专班长、四级调研员王某介绍方案。"
                        "今年，城南街道抽调城管、规划等人员组成老旧小区改造专班。")}
    assert len(extract_article(article)) == 1
