"""Error-adjusted distributions: known true shares come back from a known confusion."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.adjust import (
    NOTE_NO_GOLD,
    adjust_distribution,
    corrected_shares,
    gold_pairs,
    misclassification_matrix,
)
from pipeline.cli import main
from pipeline.published import load_published

LEVELS = ["national", "provincial", "prefecture", "county"]
TRUE_SHARES = {"national": 0.05, "provincial": 0.25, "prefecture": 0.40, "county": 0.30}
# P(coded column | truly row), in LEVELS order plus `unknown` as the last column.
CONFUSION = {
    "national": [0.9, 0.1, 0.0, 0.0, 0.0],
    "provincial": [0.0, 0.8, 0.2, 0.0, 0.0],
    "prefecture": [0.0, 0.05, 0.85, 0.1, 0.0],
    "county": [0.0, 0.0, 0.1, 0.8, 0.1],
}


def synthetic_pairs(per_row: int = 100, articles: int = 40) -> pd.DataFrame:
    """Gold pairs whose confusion is exactly CONFUSION, spread over many articles."""
    rows = []
    for truth, probabilities in CONFUSION.items():
        for coded, p in zip([*LEVELS, "unknown"], probabilities, strict=True):
            rows += [(truth, coded)] * round(per_row * p)
    return pd.DataFrame([(f"a{i % articles:03d}", "level", truth, coded)
                         for i, (truth, coded) in enumerate(rows)],
                        columns=["article_id", "field", "truth", "coded"])


def synthetic_cases(n: int = 10_000) -> pd.Series:
    """Coded levels of n cases whose true shares are TRUE_SHARES (counts are exact)."""
    codes = [*LEVELS, "unknown"]
    expected = sum(share * np.array(CONFUSION[truth]) for truth, share in TRUE_SHARES.items())
    counts = np.rint(expected * n).astype(int)
    assert counts.sum() == n
    return pd.Series([code for code, k in zip(codes, counts, strict=True) for _ in range(k)])


def test_true_shares_are_recovered_from_a_known_confusion() -> None:
    dist = load_published().distributions["level"]
    result = adjust_distribution("level", dist, synthetic_cases(), synthetic_pairs(), 200,
                                 np.random.default_rng(1))
    table = result.table.set_index("code")
    for code, share in TRUE_SHARES.items():
        assert table.at[code, "adjusted_share"] == pytest.approx(100 * share, abs=0.05)
        assert table.at[code, "adjusted_ci_low"] <= 100 * share <= table.at[code,
                                                                             "adjusted_ci_high"]
    # The coded shares are off (national 4.5 %, unknown 3 %); the correction moves them back.
    assert table.at["national", "raw_share"] == pytest.approx(4.5)
    assert table.at["unknown", "raw_share"] == pytest.approx(3.0)
    assert table.at["unknown", "adjusted_share"] == pytest.approx(0.0, abs=0.05)
    assert table["adjusted_share"].sum() == pytest.approx(100.0, abs=0.05)
    assert result.residual < 1e-6 and result.warning == ""
    assert result.n_gold_articles == 40


def test_a_category_without_gold_cases_is_left_uncorrected_and_said_so() -> None:
    dist = load_published().distributions["level"]
    result = adjust_distribution("level", dist, synthetic_cases(), synthetic_pairs(), 50,
                                 np.random.default_rng(2))
    table = result.table.set_index("code")
    assert result.without_gold == ["unknown"]
    assert table.at["unknown", "gold_n"] == 0
    assert NOTE_NO_GOLD in table.at["unknown", "note"]
    assert table.at["county", "gold_n"] == 100
    assert table.at["county", "gold_accuracy"] == pytest.approx(0.8)


def test_shares_stay_in_the_simplex_when_the_exact_solution_leaves_it() -> None:
    matrix = np.array([[0.8, 0.2], [0.2, 0.8]])
    # Solving exactly would give (4/3, -1/3): every case coded first, yet 20 % should slip.
    shares = corrected_shares(np.array([50.0, 0.0]), matrix)
    assert shares.min() >= 0 and shares.sum() == pytest.approx(1.0)
    assert shares[0] == pytest.approx(1.0, abs=1e-6)


def test_rows_without_gold_become_identity_rows() -> None:
    counts = np.array([[8.0, 2.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 3.0]])
    matrix = misclassification_matrix(counts)
    assert matrix[0].tolist() == [0.8, 0.2, 0.0]
    assert matrix[1].tolist() == [0.0, 1.0, 0.0]
    assert matrix[2].tolist() == pytest.approx([0.25, 0.0, 0.75])


def test_the_bootstrap_is_seeded() -> None:
    dist = load_published().distributions["level"]
    runs = [adjust_distribution("level", dist, synthetic_cases(1000), synthetic_pairs(), 30,
                                np.random.default_rng(7)).table for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])


def write_gold(folder: Path) -> Path:
    """Two gold articles; the first gold case says `county` where the coder reads prefecture."""
    batch = folder / "batch_t"
    batch.mkdir(parents=True)
    texts = {
        "t1": ("2020-03-06", "2020年3月5日，安康市人民政府成立稳就业工作专班，"
                             "由市长王明任组长。"),
        "t2": ("2021-05-12", "2021年5月10日，浙江省开化县成立招商引资工作专班，"
                             "由副县长李华担任组长。"),
    }
    articles = [{"id": key, "url": f"http://www.example.gov.cn/{key}.html", "title": text[:20],
                 "published": published, "text": text, "source": "test", "genre": "news",
                 "note": ""} for key, (published, text) in texts.items()]
    (batch / "articles.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    header = ("article_id,name,unit,province,prefecture,county,level,domain,topic,leader_rank,"
              "founded,year,rationale\n")
    rows = ("t1,稳就业工作专班,安康市人民政府,陕西省,安康市,,county,society_livelihood,,principal,"
            "2020-03-05,2020,test\n"
            "t2,招商引资工作专班,开化县人民政府,浙江省,衢州市,开化县,county,economy_infrastructure,,"
            "deputy_in_charge,2021-05-10,2021,test\n")
    (batch / "cases.csv").write_text(header + rows, encoding="utf-8")
    return folder


def test_gold_pairs_pair_each_gold_case_with_its_coded_case(tmp_path: Path) -> None:
    pairs = gold_pairs(write_gold(tmp_path / "gold"))
    level = pairs[pairs["field"] == "level"].set_index("article_id")
    assert level.loc["t1", ["truth", "coded"]].tolist() == ["county", "prefecture"]
    assert level.loc["t2", ["truth", "coded"]].tolist() == ["county", "county"]
    year = pairs[pairs["field"] == "year"].set_index("article_id")
    assert year.loc["t1", ["truth", "coded"]].tolist() == ["2020", "2020"]
    with pytest.raises(ValueError, match="no gold articles in split 'holdout'"):
        gold_pairs(tmp_path / "gold", "holdout")


def test_adjust_command_writes_tables_charts_and_summary(tmp_path: Path) -> None:
    cases = pd.DataFrame({
        "case_id": [f"c{i}" for i in range(6)], "name": ["专班"] * 6, "unit": ["某单位"] * 6,
        "level": ["prefecture", "prefecture", "county", "provincial", "county", ""],
        "domain": ["politics_admin"] * 6, "topic": [""] * 6,
        "leader_rank": ["principal"] * 6,
        "founded": ["2020-03-05", "2021-01-01", "2019-07", "2018", "2021-10-01", "2020-02-02"],
        "year": ["2020", "2021", "2019", "2018", "2021", "2020"],
    })
    cases.to_csv(tmp_path / "cases.csv", index=False)
    out = tmp_path / "adjust"
    code = main(["adjust", "--cases", str(tmp_path / "cases.csv"), "--gold",
                 str(write_gold(tmp_path / "gold")), "-o", str(out), "--draws", "20",
                 "--simulated"])
    assert code == 0
    level = pd.read_csv(out / "adjusted_level.csv").set_index("code")
    assert level["n_cases"].sum() == 5  # 2021-10-01 is after the window
    assert level.at["unknown", "n_cases"] == 1
    year = pd.read_csv(out / "adjusted_year.csv", dtype={"code": str}).set_index("code")
    assert year["n_cases"].sum() == 6  # year is adjusted over all cases
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["n_cases_in_window"] == 5 and summary["draws"] == 20
    assert summary["distributions"]["level"]["n_gold_pairs"] == 2
    assert "SIMULATED" in (out / "adjusted_level.svg").read_text(encoding="utf-8")
    assert (out / "adjusted_year.png").stat().st_size > 5000
