"""Reports of one task force become one case; disagreements are flagged, never hidden."""

import pandas as pd

from pipeline.resolve import CASE_COLUMNS, resolve, task_key

BASE = {
    "unit": "安康市人民政府", "province": "陕西省", "prefecture": "安康市", "county": "",
    "level": "prefecture", "domain": "society_livelihood", "topic": "employment",
    "leader_rank": "principal", "evidence": "市长任召集人",
}


def mention(article_id: str, **fields: object) -> dict[str, object]:
    row = {**BASE, "article_id": article_id, "name": "稳就业工作专班", "founded": "2020-03-01",
           "year": 2020, "founded_source": "text", "is_founding": True}
    row.update(fields)
    return row


def articles(*ids: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"article_id": list(ids), "url": [f"http://x.invalid/{i}" for i in ids],
         "published": ["2020-03-0" + str(n + 2) for n in range(len(ids))],
         "warc_file": "c.warc.gz", "warc_offset": range(len(ids))}
    )


def test_task_key_strips_suffix_and_punctuation() -> None:
    assert task_key("稳就业工作专班") == task_key("“稳就业”专班") == "稳就业"


def test_reposts_and_followups_become_one_case_with_earliest_stated_date() -> None:
    mentions = pd.DataFrame([
        mention("a1"),
        mention("a2", name="稳就业专班", founded="2020-02-27"),
        mention("a3", founded="2020-06-01", founded_source="published", is_founding=False,
                leader_rank="unknown"),
    ])
    cases, sources = resolve(mentions, articles("a1", "a2", "a3"))
    assert list(cases.columns) == CASE_COLUMNS
    assert len(cases) == 1
    case = cases.iloc[0]
    assert case["founded"] == "2020-02-27"
    assert case["year"] == 2020
    assert case["leader_rank"] == "principal", "an unstated rank does not outvote a stated one"
    assert case["n_articles"] == 3
    assert sorted(sources["article_id"]) == ["a1", "a2", "a3"]
    assert set(sources["warc_offset"]) == {0, 1, 2}


def test_conflicting_codes_are_voted_and_flagged() -> None:
    mentions = pd.DataFrame([
        mention("a1"), mention("a2"), mention("a3", leader_rank="deputy_in_charge",
                                              is_founding=False),
    ])
    case = resolve(mentions, articles("a1", "a2", "a3"))[0].iloc[0]
    assert case["leader_rank"] == "principal"
    assert "leader_rank" in case["review"] and "deputy_in_charge" in case["review"]


def test_same_task_in_two_places_stays_two_cases() -> None:
    other = {"unit": "汉中市人民政府", "prefecture": "汉中市"}
    mentions = pd.DataFrame([mention("a1"), mention("a2", **other)])
    cases, _ = resolve(mentions, articles("a1", "a2"))
    assert len(cases) == 2


def test_unplaced_followup_joins_the_unique_placed_case() -> None:
    unplaced = {"unit": "", "province": "", "prefecture": "", "is_founding": False,
                "founded_source": "published", "founded": "2020-05-01"}
    mentions = pd.DataFrame([mention("a1"), mention("a2", **unplaced)])
    cases, sources = resolve(mentions, articles("a1", "a2"))
    assert len(cases) == 1
    assert cases.iloc[0]["founded"] == "2020-03-01"
    assert len(sources) == 2


def test_no_stated_date_falls_back_to_earliest_publication() -> None:
    mentions = pd.DataFrame([
        mention("a1", founded="2020-03-09", founded_source="published"),
        mention("a2", founded="2020-03-03", founded_source="published"),
    ])
    case = resolve(mentions, articles("a1", "a2"))[0].iloc[0]
    assert case["founded"] == "2020-03-02"


def test_unplaced_followup_only_joins_a_case_in_its_own_province() -> None:
    followup = {"unit": "", "unit_key": "", "prefecture": "", "province": "浙江省",
                "is_founding": False, "founded_source": "published"}
    placed = {"unit_key": "610900"}
    mentions = pd.DataFrame([mention("a1", **placed), mention("a2", **followup)])
    cases, _ = resolve(mentions, articles("a1", "a2"))
    assert len(cases) == 2, "a Zhejiang follow-up does not join a Shaanxi case"


def test_reposts_in_one_cluster_count_as_one_report() -> None:
    mentions = pd.DataFrame([mention("a1"), mention("a2"), mention("a3")])
    clusters = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "cluster_id": ["a1", "a1", "a3"]})
    cases, sources = resolve(mentions, articles("a1", "a2", "a3"), clusters)
    case = cases.iloc[0]
    assert (case["n_articles"], case["n_reports"]) == (3, 2)
    assert sorted(sources["cluster_id"]) == ["a1", "a1", "a3"]
