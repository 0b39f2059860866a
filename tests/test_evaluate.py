"""Tests for the gold-set loader, the coder's evaluation and its report section."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline import evaluate
from pipeline.analyse import analyse
from pipeline.charts import write_charts
from pipeline.cli import build_parser, main
from pipeline.evaluate import (
    GATED_FIELDS,
    THRESHOLDS,
    evaluate_gold,
    load_evaluation,
    match_rows,
    summary_lines,
)
from pipeline.gold import GoldCase, GoldError, load_gold
from pipeline.published import load_published
from pipeline.report import build_report, render_accuracy_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "gold"
GOLD = FIXTURES / "basic"
HOSTILE = "<script>alert(1)</script>专班"


class FakeMention:
    """Stands in for the coder's Mention: a row of fixtures/gold/coded.csv."""

    def __init__(self, row: dict[str, str]) -> None:
        self.row = row

    def as_row(self) -> dict[str, str]:
        return dict(self.row)


@pytest.fixture()
def fake_coder(monkeypatch) -> None:
    """Replace the automatic coder by the fixed answers in coded.csv."""
    with (FIXTURES / "coded.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    monkeypatch.setattr(evaluate, "extract_article", lambda article: [
        FakeMention(row) for row in rows if row["article_id"] == article["id"]])


@pytest.fixture()
def result(fake_coder, tmp_path):
    return evaluate_gold(GOLD, tmp_path / "out")


def _case(name: str, unit: str = "宁波市人民政府", domain: str = "society_livelihood",
          topic: str = "employment") -> GoldCase:
    return GoldCase(article_id="a", name=name, unit=unit, province="浙江省", prefecture="宁波市",
                    county="", level="prefecture", domain=domain, topic=topic,
                    leader_rank="unknown", founded="", year="", rationale="", where="test")


def _row(name: str, unit: str = "宁波市人民政府", domain: str = "society_livelihood",
         topic: str = "employment", level: str = "prefecture") -> dict[str, str]:
    return {"name": name, "unit": unit, "province": "浙江省", "prefecture": "宁波市",
            "county": "", "level": level, "domain": domain, "topic": topic}


def _copy_gold(tmp_path: Path) -> Path:
    target = tmp_path / "gold"
    shutil.copytree(GOLD, target)
    return target


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- loading and checking a gold folder -------------------------------------------------------

def test_gold_set_loads_with_splits() -> None:
    gold = load_gold(GOLD)
    assert gold.batches == ["batch_a", "batch_b"] and gold.has_split_file
    splits = {a.id: a.split for a in gold.articles}
    assert splits["ga-notice"] == "dev" and splits["gb-news"] == "holdout"
    assert [c.name for c in gold.cases_of("ga-list")] == ["稳就业工作专班", "安全生产工作专班"]
    assert gold.cases_of("ga-distractor") == []
    assert gold.cases_of("ga-list")[1].where == "batch_a/cases.csv, line 4"


def test_without_split_file_every_article_is_dev(tmp_path) -> None:
    gold_dir = _copy_gold(tmp_path)
    (gold_dir / "split.csv").unlink()
    gold = load_gold(gold_dir)
    assert not gold.has_split_file
    assert {a.split for a in gold.articles} == {"dev"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",county,economy_infrastructure,key_projects,principal,",
         ",city,economy_infrastructure,key_projects,principal,",
         r"batch_a/cases\.csv, line 2, field 'level': 'city' is not allowed; allowed: national, "
         r"provincial, prefecture, county, unknown"),
        (",dept_head,2020-05-20,", ",boss,2020-05-20,",
         r"cases\.csv, line 4, field 'leader_rank': 'boss' is not allowed; allowed: principal, "),
        ("work_safety", "no_such_topic",
         r"line 4, field 'topic': 'no_such_topic' is not allowed; allowed: .*work_safety"),
        (",employment,", ",epidemic,",
         r"line 3, field 'topic': 'epidemic' belongs to domain 'edu_sci_culture_health'"),
        ("浙江省,衢州市,江山市", "浙江省,宁波市,江山市",
         r"line 2, fields province/prefecture/county: '浙江省/宁波市/江山市' is not a division"),
        ("浙江省,宁波市,,prefecture,society_livelihood,employment",
         "浙江省,宁波市,海曙区,prefecture,society_livelihood,employment",
         r"line 3, field 'county': must be empty for level 'prefecture'"),
        ("2019-03-12,2019", "2019-03-12,2018", r"line 2, field 'year': '2018' is not the year"),
        ("2019-03-12,2019", "2019-13-12,2019", r"line 2, field 'founded': '2019-13-12' is not"),
        ("ga-trad,新冠", "ga-missing,新冠",
         r"line 5, field 'article_id': 'ga-missing' is not an article of this batch"),
    ],
)
def test_bad_case_row_names_file_line_field_and_allowed_values(tmp_path, old, new,
                                                               message) -> None:
    gold_dir = _copy_gold(tmp_path)
    _replace_in(gold_dir / "batch_a" / "cases.csv", old, new)
    with pytest.raises(GoldError, match=message):
        load_gold(gold_dir)


def test_bad_split_file_and_articles_are_reported(tmp_path) -> None:
    gold_dir = _copy_gold(tmp_path)
    _replace_in(gold_dir / "split.csv", "gb-news,holdout", "gb-news,test")
    _replace_in(gold_dir / "split.csv", "gb-distractor,holdout\n", "")
    _replace_in(gold_dir / "batch_b" / "articles.jsonl", '"published": "2021-06-01"',
                '"published": "June 2021"')
    with pytest.raises(GoldError) as raised:
        load_gold(gold_dir)
    text = str(raised.value)
    assert "3 problem(s)" in text
    assert "split.csv, line 6, field 'split': 'test' is not allowed; allowed: dev, holdout" in text
    assert "1 article(s) have no split, e.g. ['gb-distractor']" in text
    assert "field 'published' is 'June 2021'" in text


def test_empty_gold_folder_says_what_is_expected(tmp_path) -> None:
    with pytest.raises(GoldError, match=r"no gold batches; expected .*<batch>/articles\.jsonl"):
        load_gold(tmp_path)


# --- matching coded rows to gold cases ------------------------------------------------------

def test_matching_is_one_to_one_by_name_first() -> None:
    gold = [_case("稳就业工作专班"), _case("稳就业服务工作专班")]
    coded = [_row("稳就业服务专班"), _row("稳就业专班"), _row("安全生产专班")]
    assert sorted(match_rows(gold, coded)) == [(0, 1, "name"), (1, 0, "name")]


def test_unit_and_task_match_when_names_differ() -> None:
    gold = [_case("安全生产工作专班", topic="work_safety")]
    assert match_rows(gold, [_row("全市安全生产大排查大整治专班", topic="work_safety")]) == [
        (0, 0, "unit_task")]
    # the same task set up by another unit is not the same task force
    assert match_rows(gold, [_row("全市安全生产大排查大整治专班", unit="宁波市应急管理局",
                                  level="county")]) == []


def test_same_topic_matches_only_when_unambiguous() -> None:
    gold = [_case("重点群体帮扶工作专班")]
    assert match_rows(gold, [_row("稳岗扩岗专班")]) == [(0, 0, "unit_task")]
    assert match_rows(gold, [_row("稳岗扩岗专班"), _row("农民工返岗专班")]) == []
    assert match_rows(gold, [_row("稳岗扩岗专班", topic="housing")]) == []


# --- scores, outputs and the terminal table -------------------------------------------------

def test_detection_scores_per_split(result) -> None:
    dev, holdout, every = (result.splits[s].detection for s in ("dev", "holdout", "all"))
    assert (dev.n_articles, dev.n_distractors, dev.n_gold, dev.n_coded) == (4, 1, 4, 4)
    assert (dev.n_matched, dev.n_matched_by_unit_task, dev.distractor_false_positives) == (3, 1, 1)
    assert dev.precision == pytest.approx(0.75) and dev.recall == pytest.approx(0.75)
    assert dev.f1 == pytest.approx(0.75)
    assert (holdout.n_gold, holdout.n_coded, holdout.n_matched, holdout.f1) == (1, 1, 1, 1.0)
    assert every.precision == pytest.approx(0.8) and every.recall == pytest.approx(0.8)
    genres = result.splits["all"].by_genre
    assert genres["distractor"].distractor_false_positives == 1
    assert genres["traditional"].recall == 0.0 and genres["list"].f1 == 1.0
    batches = result.splits["dev"].by_batch
    assert sum(d.n_articles for d in batches.values()) == dev.n_articles
    assert sum(d.n_matched for d in batches.values()) == dev.n_matched
    assert set(result.splits["holdout"].by_batch) <= set(batches) | {"batch_a", "batch_b"}


def test_field_accuracy_and_confusion(result) -> None:
    dev, holdout = result.splits["dev"], result.splits["holdout"]
    assert (dev.fields["leader_rank"].correct, dev.fields["leader_rank"].n) == (2, 3)
    assert dev.fields["level"].accuracy == 1.0 and dev.fields["county"].accuracy == 1.0
    assert holdout.fields["year"].accuracy == 0.0 and holdout.fields["founded"].accuracy == 0.0
    assert dev.confusion["leader_rank"]["principal"] == {"deputy_in_charge": 1}
    assert dev.confusion["level"] == {"county": {"county": 1}, "prefecture": {"prefecture": 2}}


def test_gates_follow_thresholds(result) -> None:
    failed = {(s, g.metric) for s in ("dev", "holdout")
              for g in result.splits[s].gates if not g.passed}
    assert failed == {("dev", "f1"), ("dev", "accuracy:leader_rank"), ("holdout", "accuracy:year")}
    assert not result.passed
    assert len(result.splits["dev"].gates) == 1 + len(GATED_FIELDS)
    assert result.thresholds == THRESHOLDS


def test_worst_errors_put_detection_first(result) -> None:
    worst = result.splits["dev"].worst_errors
    assert [(e.kind, e.article_id, e.field) for e in worst] == [
        ("spurious", "ga-distractor", "case"),
        ("missed", "ga-trad", "case"),
        ("field", "ga-notice", "leader_rank"),
    ]
    assert worst[1].rationale == "委主任任组长; publication date"
    assert worst[1].gold_row == "batch_a/cases.csv, line 5" and worst[0].gold_row == ""
    assert worst[2].evidence == "副组长：周某某（市政府副市长）"
    assert (worst[2].gold, worst[2].coded) == ("principal", "deputy_in_charge")


def test_outputs_are_written_and_reload(result, tmp_path) -> None:
    out = tmp_path / "out"
    assert load_evaluation(out / "evaluation.json") == result
    errors = pd.read_csv(out / "errors_holdout.csv", dtype=str, keep_default_na=False)
    assert sorted(errors["field"]) == ["founded", "year"]
    assert set(errors["split"]) == {"holdout"}
    assert len(pd.read_csv(out / "errors_all.csv")) == 5
    level = pd.read_csv(out / "confusion_dev_level.csv", index_col=0)
    assert level.loc["prefecture", "prefecture"] == 2 and level.to_numpy().sum() == 3
    for split in ("dev", "holdout", "all"):
        for name in ("level", "domain", "leader_rank", "topic"):
            assert (out / f"confusion_{split}_{name}.csv").is_file()
    markdown = (out / "evaluation.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Accuracy of the coder")
    assert "| held-out | 2 | 1 | 1 | 1 | 1 | 0 | 0 | 100.0 % | 100.0 % | 100.0 % |" in markdown
    assert "Case detection by gold batch" in markdown and "| held-out | batch_" in markdown


def test_unreadable_evaluation_json_says_what_to_do(tmp_path) -> None:
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps({"splits": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="rerun `zhuanban evaluate`"):
        load_evaluation(path)


def test_summary_lines_show_scores_and_failed_gates(result) -> None:
    text = "\n".join(summary_lines(result))
    assert "dev             4     4     4       3     0.750   0.750  0.750" in text
    assert "leader_rank        0.667 (3)       1.000 (1)       0.750 (4)  yes" in text
    assert text.endswith("gates: FAILED — dev f1 0.750 < 0.95; dev accuracy:leader_rank 0.667 < "
                         "0.9; holdout accuracy:year 0.000 < 0.9")


def test_cli_evaluate_with_the_real_coder(tmp_path, capsys) -> None:
    assert main(["evaluate", str(GOLD), "-o", str(tmp_path / "eval")]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("evaluate: 6 gold articles in 2 batch(es); split file: yes")
    stored = load_evaluation(tmp_path / "eval" / "evaluation.json")
    assert stored.splits["all"].detection.n_gold == 5
    assert stored.splits["all"].detection.n_articles == 6


def test_cli_options() -> None:
    parser = build_parser()
    assert parser.parse_args(["evaluate", "gold"]).output == Path("data/processed/evaluation")
    report = parser.parse_args(["report", "--tables", "t", "--figures", "f", "--cases", "c",
                                "--articles", "a", "--mentions", "m", "--dropped", "d",
                                "--html", "h", "--md", "m", "--evaluation", "e"])
    assert report.evaluation == Path("e")


def test_cli_evaluate_reports_a_bad_gold_row(tmp_path, capsys) -> None:
    gold_dir = _copy_gold(tmp_path)
    _replace_in(gold_dir / "batch_b" / "cases.csv", "provincial", "province")
    assert main(["evaluate", str(gold_dir), "-o", str(tmp_path / "eval")]) == 2
    assert "field 'level': 'province' is not allowed" in capsys.readouterr().err


# --- the report's accuracy section ----------------------------------------------------------

@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("report")
    pd.DataFrame([{"case_id": "c1", "name": "稳就业工作专班", "unit": "宁波市人民政府",
                   "founded": "2020-05-20", "year": "", "level": "prefecture",
                   "domain": "society_livelihood", "topic": "employment",
                   "leader_rank": "deputy_in_charge", "urls": ""}]).to_csv(root / "cases.csv",
                                                                          index=False)
    published = load_published()
    analyse(root / "cases.csv", published, root / "tables", (date(2018, 1, 1), date(2021, 8, 31)),
            simulated=False)
    write_charts(root / "tables", published, root / "figures", simulated=False)
    return root / "tables", root / "figures"


def test_report_shows_the_accuracy_section_escaped(result, analysed, tmp_path) -> None:
    dev = result.splits["dev"]
    hostile = replace(dev.worst_errors[0], title=HOSTILE, evidence="a | b <i>x</i>")
    evaluation = replace(result, splits={**result.splits, "dev": replace(
        dev, worst_errors=[hostile, *dev.worst_errors[1:]])})
    html_path, md_path = tmp_path / "r.html", tmp_path / "r.md"
    build_report(*analysed, html_path, md_path, load_published(), False, None, None, evaluation)
    html, md = html_path.read_text(encoding="utf-8"), md_path.read_text(encoding="utf-8")
    assert '<h2 id="accuracy">Accuracy of the coder</h2>' in html
    assert "## Accuracy of the coder" in md
    for text in (html, md):
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;专班" in text
        assert "held-out" in text and "Confusion matrix, dev: leader_rank" in text
    assert "a \\| b &lt;i&gt;x&lt;/i&gt;" in md
    assert '<td class="fail">fail</td>' in html
    assert "errors_holdout.csv" in md


def test_report_without_evaluation_has_no_accuracy_section(analysed, tmp_path) -> None:
    build_report(*analysed, tmp_path / "r.html", tmp_path / "r.md", load_published(), False, None)
    assert "Accuracy of the coder" not in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_standalone_markdown_matches_the_report_section(result) -> None:
    section = render_accuracy_markdown(result)
    assert section.count("**Table:** Confusion matrix") == 6
    assert "| `principal` | 0 | 1 | 0 |" in section
