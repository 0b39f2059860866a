"""Tests for the demo-mode recovery metrics against a hand-made truth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.recovery import evaluate_recovery, load_recovery, name_similarity

TRUTH = [
    # case_id, name, level, domain, leader_rank, year
    ("t1", "稳就业工作专班", "prefecture", "society_livelihood", "principal", "2020"),
    ("t2", "招商引资工作专班", "county", "economy_infrastructure", "dept_head", "2021"),
    ("t3", "重点项目建设工作专班", "county", "economy_infrastructure", "deputy_in_charge", "2021"),
    ("t4", "蓝天保卫战工作专班", "provincial", "ecology_environment", "dept_head", "2019"),
    ("t5", "禁毒打零专班", "county", "politics_admin", "dept_deputy", "2021"),
]
PAGES = [
    ("p1", "http://a.gov.cn.invalid/1.html", "t1", "notice"),
    ("p2", "http://b.gov.cn.invalid/2.html", "t1", "repost"),
    ("p3", "http://c.gov.cn.invalid/list.html", "t2", "list"),
    ("p3", "http://c.gov.cn.invalid/list.html", "t3", "list"),
    ("p4", "http://d.gov.cn.invalid/4", "t4", "news"),
    ("p5", "http://e.gov.cn.invalid/5.html", "", "distractor"),
    ("p6", "http://f.gov.cn.invalid/6.html", "t5", "news"),
]
URL = {page[0]: page[1] for page in PAGES}
PREDICTED = [
    # case_id, name, level, domain, leader_rank, year, source url
    ("c1", "稳就业专班", "prefecture", "society_livelihood", "deputy_in_charge", "2020", URL["p2"]),
    ("c2", "招商引资专班", "prefecture", "economy_infrastructure", "dept_head", "2021", URL["p3"]),
    ("c3", "项目建设工作专班", "county", "economy_infrastructure", "deputy_in_charge", "2021",
     URL["p3"]),
    ("c4", "高考冲刺专班", "county", "edu_sci_culture_health", "", "2021", URL["p5"]),
    ("c5", "稳就业工作专班", "prefecture", "society_livelihood", "principal", "2020", URL["p1"]),
    ("c6", "蓝天保卫战工作专班", "provincial", "ecology_environment", "dept_head", "2019", ""),
    ("c7", "禁毒打零专班", "county", "politics_admin", "dept_deputy", "2021", URL["p5"]),
    ("c8", "安全生产专班", "prefecture", "society_livelihood", "principal", "2020", URL["p1"]),
]  # fmt: skip
EMPTY_PLACE = {"topic": "", "province": "", "prefecture": "", "county": ""}


def _write_inputs(root: Path) -> tuple[Path, Path, Path, Path]:
    fields = ("case_id", "name", "level", "domain", "leader_rank", "year")
    truth = pd.DataFrame([dict(zip(fields, t, strict=True)) for t in TRUTH]).assign(
        unit="某地", leader_name="", leader_title="", founded="", **EMPTY_PLACE
    )
    predicted = pd.DataFrame([dict(zip(fields, p[:6], strict=True)) for p in PREDICTED]).assign(
        unit="某地", **EMPTY_PLACE
    )
    # c6 lists its page only in the cases.csv `urls` column, with a trailing slash.
    predicted["urls"] = (
        [p[6] for p in PREDICTED[:5]] + [URL["p4"] + "/"] + [p[6] for p in PREDICTED[6:]]
    )
    sources = pd.DataFrame(
        [{"case_id": p[0], "article_id": f"a{i}", "url": p[6]} for i, p in enumerate(PREDICTED)]
    )
    sources = sources[sources["url"] != ""]
    pages = pd.DataFrame(PAGES, columns=["page_id", "url", "case_id", "role"])
    paths = tuple(root / n for n in ("cases.csv", "sources.csv", "truth.csv", "pages.csv"))
    for frame, path in zip((predicted, sources, truth, pages), paths, strict=True):
        frame.to_csv(path, index=False)
    return paths


@pytest.fixture()
def result(tmp_path):
    return evaluate_recovery(*_write_inputs(tmp_path), out_dir=tmp_path / "out")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("稳就业工作专班", "稳就业专班", 1.0),
        ("稳就业工作专班", "安全生产专班", 0.0),
        ("重点项目建设工作专班", "项目建设工作专班", 2 * 3 / (5 + 3)),
        ("招商引资", "招商引资服务专班", 2 * 3 / (3 + 5)),
        ("禁毒专班", "禁毒", 1.0),
    ],
)
def test_name_similarity(a: str, b: str, expected: float) -> None:
    assert name_similarity(a, b) == pytest.approx(expected)


def test_detection_scores(result) -> None:
    assert (result.n_predicted, result.n_truth, result.n_matched) == (8, 5, 4)
    assert result.precision == pytest.approx(4 / 8)
    assert result.recall == pytest.approx(4 / 5)
    assert result.f1 == pytest.approx(2 * 0.5 * 0.8 / 1.3)
    pairs = {(m.predicted_id, m.truth_id) for m in result.matches}
    # c5 ties with c1 for t1 and loses (one-to-one); c7 names t5 but only cites a distractor page.
    assert pairs == {("c1", "t1"), ("c2", "t2"), ("c3", "t3"), ("c6", "t4")}
    assert {c["case_id"] for c in result.unmatched_predicted} == {"c4", "c5", "c7", "c8"}
    assert [c["case_id"] for c in result.unmatched_truth] == ["t5"]


def test_field_accuracy_and_confusion(result) -> None:
    assert result.fields["level"].correct == 3 and result.fields["level"].n == 4
    assert result.fields["level"].accuracy == pytest.approx(0.75)
    assert result.fields["leader_rank"].accuracy == pytest.approx(0.75)
    assert result.fields["domain"].accuracy == 1.0
    assert result.fields["year"].accuracy == 1.0
    assert result.fields["county"].accuracy == 1.0
    assert result.confusion["level"] == {
        "prefecture": {"prefecture": 1},
        "county": {"prefecture": 1, "county": 1},
        "provincial": {"provincial": 1},
    }
    assert result.confusion["leader_rank"]["principal"] == {"deputy_in_charge": 1}
    assert result.distributions["level"]["county"] == {"truth": 3, "predicted": 3}
    assert result.distributions["leader_rank"]["unknown"] == {"truth": 0, "predicted": 1}


def test_outputs_are_written_and_reload(result, tmp_path) -> None:
    out = tmp_path / "out"
    assert load_recovery(out / "recovery.json") == result
    level = pd.read_csv(out / "recovery_confusion_level.csv", index_col=0)
    assert list(level.columns) == ["county", "prefecture", "provincial"]
    assert level.loc["county", "prefecture"] == 1 and level.loc["county", "county"] == 1
    assert level.to_numpy().sum() == 4
    for name in ("domain", "leader_rank"):
        assert (out / f"recovery_confusion_{name}.csv").is_file()


def test_missing_column_is_named(tmp_path) -> None:
    paths = _write_inputs(tmp_path)
    pd.DataFrame({"page_id": ["p1"], "url": ["http://x"]}).to_csv(paths[3], index=False)
    with pytest.raises(ValueError, match=r"pages.csv: missing column\(s\) \['case_id'\]"):
        evaluate_recovery(*paths, out_dir=tmp_path / "out")
