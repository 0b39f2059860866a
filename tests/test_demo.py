"""The simulated demo corpus: exact published marginals, codable truth, page mix, encodings,
layouts, the SIMULATED label and byte-for-byte determinism."""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from pipeline.demo import build_population, generate_demo, load_catalogs
from pipeline.demo.allot import AllotmentError, allot
from pipeline.demo.data import DEMO_DATA_DIR
from pipeline.demo.targets import largest_remainder, load_targets, scale_targets
from pipeline.gazetteer import load_gazetteer

START, END = date(2018, 1, 1), date(2021, 8, 31)
SEED = 20220501


# ---------------------------------------------------------------------- helpers
def read_corpus(folder: Path) -> dict:
    manifest = [json.loads(line) for line in (folder / "manifest.jsonl").open(encoding="utf-8")]
    with (folder / "truth" / "cases.csv").open(encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle))
    with (folder / "truth" / "pages.csv").open(encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    return {"folder": folder, "manifest": manifest, "cases": cases, "links": links}


def page_text(folder: Path, entry: dict) -> str:
    return (folder / entry["path"]).read_bytes().decode(entry["encoding"])


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# The codebook's leader-rank rules (section 2, leader_rank), applied to a title: a person with
# several titles is coded by the highest; 常委会 is not 常委; 政法委书记 and 党组书记 are not 书记.
RANK_ORDER = ["principal", "deputy_in_charge", "dept_head", "dept_deputy", "non_leader"]


def codebook_rank(title: str) -> str:
    ranks = []
    for part in title.split("、"):
        if re.search(r"科员|调研员|工作人员", part):
            ranks.append("non_leader")
        elif re.search(r"党组成员|副(厅长|局长|主任|部长|院长|校长)$", part):
            ranks.append("dept_deputy")
        elif re.search(r"副书记|常委(?!会)|秘书长|政法委书记|副(省长|市长|县长|区长|州长|旗长|盟长|"
                       r"主席|镇长|乡长)$", part):
            ranks.append("deputy_in_charge")
        elif re.search(r"党组书记|(厅长|局长|主任|部长|院长|校长)$", part):
            ranks.append("dept_head")
        elif re.search(r"书记$|(省长|市长|县长|区长|州长|旗长|盟长|主席|镇长|乡长)$", part):
            ranks.append("principal")
        else:
            ranks.append("unknown")
    return min(ranks, key=lambda r: RANK_ORDER.index(r) if r in RANK_ORDER else 99)


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def catalog():
    return load_catalogs()[0]


@pytest.fixture(scope="module")
def population513(catalog):
    return build_population(catalog, SEED, 513, START, END)


@pytest.fixture(scope="module")
def corpus513(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo513")
    summary = generate_demo(folder, seed=SEED, n_cases=513)
    return {**read_corpus(folder), "summary": summary}


@pytest.fixture(scope="module")
def two_small_runs(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("run1"), tmp_path_factory.mktemp("run2")
    generate_demo(first, seed=7, n_cases=60)
    generate_demo(second, seed=7, n_cases=60)
    return first, second


# ---------------------------------------------------------------------- marginals
def test_largest_remainder_turns_published_shares_into_whole_cases():
    shares = load_targets(DEMO_DATA_DIR / "targets.yaml")["leader_rank_percent"]
    counts = largest_remainder(shares, 513)
    assert counts == {"principal": 64, "deputy_in_charge": 169, "dept_head": 136,
                      "dept_deputy": 133, "non_leader": 11}
    assert sum(largest_remainder({"a": 1, "b": 1, "c": 1}, 100).values()) == 100


@pytest.mark.parametrize("n_cases", [1, 37, 100, 2000])
def test_scaled_marginals_sum_to_n_cases(n_cases):
    targets = load_targets(DEMO_DATA_DIR / "targets.yaml")
    marginals = scale_targets(targets, n_cases, START, END)
    for table in (marginals.year, marginals.level, marginals.domain, marginals.leader_rank):
        assert sum(table.values()) == n_cases
    assert marginals.epidemic <= marginals.domain["edu_sci_culture_health"]


def test_population_hits_the_published_figures_exactly(population513):
    cases = population513.cases
    assert len(cases) == 513
    assert Counter(c.year for c in cases) == {2018: 24, 2019: 27, 2020: 222, 2021: 240}
    assert Counter(c.level for c in cases) == {"county": 162, "prefecture": 217,
                                               "provincial": 126, "national": 8}
    assert Counter(c.domain for c in cases) == {
        "politics_admin": 129, "economy_infrastructure": 189, "edu_sci_culture_health": 94,
        "society_livelihood": 88, "ecology_environment": 13}
    assert sum(c.topic.code == "epidemic" for c in cases) == 73
    assert Counter(c.leader_rank for c in cases) == {
        "principal": 64, "deputy_in_charge": 169, "dept_head": 136, "dept_deputy": 133,
        "non_leader": 11}


def test_population_has_a_plausible_joint_structure(population513):
    cases = population513.cases
    for case in cases:
        assert START <= case.founded <= END and case.founded.year == case.year
    epidemic = [c for c in cases if c.topic.code == "epidemic"]
    assert min(c.founded for c in epidemic) >= date(2020, 1, 20)
    national = [c for c in cases if c.level == "national"]
    assert sum(c.topic.code == "epidemic" for c in national) > len(national) / 2
    assert all(c.leader_rank in ("dept_head", "dept_deputy") for c in national)
    politics_2021 = Counter(c.topic.code for c in cases
                            if c.domain == "politics_admin" and c.year == 2021)
    assert politics_2021.most_common(1)[0][0] == "political_legal_rectification"
    assert politics_2021["political_legal_rectification"] > sum(politics_2021.values()) / 2
    politics = [c for c in cases if c.domain == "politics_admin"]
    rectification = [c for c in politics if c.topic.code == "political_legal_rectification"]
    assert len(rectification) > len(politics) / 2
    economy = Counter(c.topic.code for c in cases if c.domain == "economy_infrastructure")
    assert {t for t, _ in economy.most_common(2)} == {"investment_promotion", "key_projects"}


def test_leader_titles_code_to_their_rank_by_the_codebook(population513):
    for case in population513.cases:
        assert codebook_rank(case.leader_title) == case.leader_rank, \
            (case.case_id, case.unit.name, case.leader_title, case.leader_rank)


def test_units_are_real_places_at_their_level(population513):
    gazetteer = load_gazetteer()
    places = {(d.province, d.prefecture, d.county) for d in gazetteer.divisions}
    kinds = Counter(c.unit.kind for c in population513.cases)
    assert {"government", "party", "department", "township", "national_organ"} <= set(kinds)
    for case in population513.cases:
        unit = case.unit
        if case.level == "national":
            assert (unit.province, unit.prefecture, unit.county) == ("", "", "")
            continue
        assert unit.province
        if case.level == "provincial":
            assert (unit.prefecture, unit.county) == ("", "")
        if case.level == "prefecture":
            assert unit.prefecture and not unit.county
        assert (unit.province, unit.prefecture, unit.county) in places
    identities = Counter((c.unit.province, c.unit.prefecture, c.unit.county, c.unit.name, c.task)
                         for c in population513.cases)
    assert identities.most_common(1)[0][1] == 1


def test_allot_meets_counts_and_never_uses_a_zero_weight():
    rng = random.Random(1)
    items = list(range(30))
    weight = lambda item, cat: 0.0 if (cat == "x" and item % 3) else 1.0  # noqa: E731
    result = allot(items, {"x": 10, "y": 20}, weight, rng)
    assert Counter(result) == {"x": 10, "y": 20}
    assert all(item % 3 == 0 for item, cat in zip(items, result, strict=True) if cat == "x")
    with pytest.raises(AllotmentError):
        allot(items, {"x": 11, "y": 19}, weight, rng)


# ---------------------------------------------------------------------- corpus shape
def test_manifest_lists_every_page_sorted_and_simulated(corpus513):
    folder, manifest = corpus513["folder"], corpus513["manifest"]
    ids = [e["page_id"] for e in manifest]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert len(list((folder / "pages").iterdir())) == len(manifest)
    assert len({e["url"] for e in manifest}) == len(manifest)
    for entry in manifest:
        assert entry["simulated"] is True
        assert (folder / entry["path"]).is_file()
        assert re.match(r"^http://[a-z0-9.-]+\.(gov|com|cn|net|edu)(\.cn)?\.invalid/", entry["url"])
        assert START <= date.fromisoformat(entry["published"]) <= END
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "SIMULATED" in readme and "模拟数据" in readme


def test_every_page_carries_the_simulated_label(corpus513):
    folder = corpus513["folder"]
    for entry in corpus513["manifest"]:
        text = page_text(folder, entry)
        assert "<!-- SIMULATED" in text
        assert "SIMULATED" in text.split("<body>", 1)[1]


def test_page_mix_meets_the_required_shares(corpus513):
    manifest, summary = corpus513["manifest"], corpus513["summary"]
    total = len(manifest)
    assert summary.pages == total
    assert sum(e["n_cases"] >= 2 for e in manifest) >= 0.10 * total
    assert sum(e["kind"] == "distractor" for e in manifest) >= 0.15 * total
    assert sum(e["encoding"] in ("gbk", "gb18030") for e in manifest) >= 0.05 * total
    assert 0.02 * total <= sum(e["traditional"] for e in manifest) <= 0.05 * total
    layouts = Counter(e["layout"] for e in manifest)
    assert len([name for name, count in layouts.items() if count >= 0.03 * total]) >= 4
    distractors = Counter(e["variant"] for e in manifest if e["kind"] == "distractor")
    assert len(distractors) >= 5


def test_every_case_is_reported_by_one_to_five_pages(corpus513):
    case_ids = {c["case_id"] for c in corpus513["cases"]}
    per_case = Counter(link["case_id"] for link in corpus513["links"] if link["case_id"])
    assert set(per_case) == case_ids
    assert max(per_case.values()) <= 5
    roles = Counter(link["role"] for link in corpus513["links"])
    assert set(roles) == {"notice", "news", "repost", "followup", "list", "distractor"}
    kinds = {e["page_id"]: e["kind"] for e in corpus513["manifest"]}
    for link in corpus513["links"]:
        assert (link["role"] == "distractor") == (kinds[link["page_id"]] == "distractor")


def test_each_case_is_codable_from_its_pages(corpus513):
    """Its pages name its head and task; founded is a stated date or the first publication."""
    folder = corpus513["folder"]
    entries = {e["page_id"]: e for e in corpus513["manifest"]}
    pages_of = defaultdict(list)
    for link in corpus513["links"]:
        if link["case_id"]:
            pages_of[link["case_id"]].append(entries[link["page_id"]])
    for case in corpus513["cases"]:
        pages = pages_of[case["case_id"]]
        founded = date.fromisoformat(case["founded"])
        first = min(date.fromisoformat(p["published"]) for p in pages)
        assert founded <= first
        texts = [page_text(folder, p) for p in pages if not p["traditional"]]
        task = re.sub(r"(工作|攻坚|推进)?专班$", "", case["name"])
        assert any(case["leader_name"] in t and task in t for t in texts), case["case_id"]
        if founded != first:
            stated = f"{founded.month}月{founded.day}日"
            assert any(stated in t for t in texts), case["case_id"]


def test_gbk_pages_are_gbk_with_missing_or_wrong_declarations(corpus513):
    folder = corpus513["folder"]
    gbk = [e for e in corpus513["manifest"] if e["encoding"] in ("gbk", "gb18030")]
    beyond_gb2312 = 0
    for entry in gbk:
        raw = (folder / entry["path"]).read_bytes()
        text = raw.decode("gb18030")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        try:
            text.encode("gb2312")
        except UnicodeEncodeError:
            beyond_gb2312 += entry["meta_charset"] == "gb2312"
    assert beyond_gb2312 >= 1
    headers = Counter(e["content_type"] for e in gbk)
    assert headers["text/html"] >= 1
    assert any("utf-8" in h or "iso-8859-1" in h for h in headers)
    assert any(e["meta_charset"] in (None, "utf-8") for e in gbk)


def test_traditional_pages_are_in_traditional_characters(corpus513):
    folder = corpus513["folder"]
    for entry in corpus513["manifest"]:
        if entry["traditional"]:
            text = page_text(folder, entry)
            assert "專班" in text or "來源" in text


def test_layouts_look_like_their_site_families(corpus513):
    folder = corpus513["folder"]
    markers = {"gov_portal": ['id="UCAP-CONTENT"', 'name="firstpublishedtime"'],
               "county_hanweb": ['id="zoom"'], "people": ["rm_txt_con", "来源："],
               "xinhua": ['id="detail"'], "qq": ["content-article", "window.DATA"],
               "netease": ["post_body"], "gmw": ["u-mainText"], "hk_news": ["tkp_content"],
               "epaper": ["founder-content"]}
    seen = set()
    for entry in corpus513["manifest"]:
        text = page_text(folder, entry)
        for marker in markers[entry["layout"]]:
            assert marker in text, (entry["page_id"], marker)
        assert "&copy;" in text and "related" in text and "footer" in text
        year = entry["published"][:4]
        assert year in text
        visible = re.sub(r"<script.*?</script>", "", text, flags=re.S)
        assert "{" not in visible and "}" not in visible, entry["page_id"]
        seen.add(entry["layout"])
    assert len(seen) >= 4


def test_same_seed_gives_the_same_bytes(two_small_runs):
    first, second = two_small_runs
    assert (first / "manifest.jsonl").read_bytes() == (second / "manifest.jsonl").read_bytes()
    assert tree_digest(first) == tree_digest(second)


def test_small_corpus_still_has_every_case_and_page_kind(two_small_runs):
    corpus = read_corpus(two_small_runs[0])
    assert len(corpus["cases"]) == 60
    linked = {link["case_id"] for link in corpus["links"] if link["case_id"]}
    assert linked == {c["case_id"] for c in corpus["cases"]}
    total = len(corpus["manifest"])
    assert sum(e["n_cases"] >= 2 for e in corpus["manifest"]) >= 0.10 * total
    assert sum(e["kind"] == "distractor" for e in corpus["manifest"]) >= 0.15 * total


def test_truth_topics_use_the_codebook_vocabulary() -> None:
    """The generator's truth topics are codes the coder can emit (data/codebook.yaml)."""
    import yaml

    from pipeline import DATA_DIR
    from pipeline.demo.topics import load_topics

    codebook = yaml.safe_load((DATA_DIR / "codebook.yaml").read_text(encoding="utf-8"))
    vocabulary = {topic for topics in codebook["domains"].values() for topic in topics}
    assert {topic.codebook_topic for topic in load_topics().values()} <= vocabulary
