"""The traceable report: every count opens its cases, every case its evidence and captures;
page text escaped; the agreement section; the report CLI's --case-sources and --agreement."""

from __future__ import annotations

import random
import re
import shutil
from datetime import date
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from pipeline.agreement import Agreement, AgreementResult, load_agreement, write_agreement
from pipeline.analyse import analyse
from pipeline.charts import SIMULATED_MARK, write_charts
from pipeline.cli import main
from pipeline.published import load_published
from pipeline.report import build_report

WINDOW = (date(2018, 1, 1), date(2021, 8, 31))
HOSTILE_NAME = '<script>alert("n")</script>\'专班\''
HOSTILE_EVIDENCE = '成立"专班"<script>alert(1)</script> javascript:alert(2) [x](javascript:y)'
HOSTILE_URL = 'javascript:alert(3)'
QUOTED_URL = 'http://x.invalid/a?b=1&c="onmouseover="alert(4)'
CASES = [
    # case_id, name, unit, founded, level, domain, topic, leader_rank, evidence, review, coded_by,
    # overridden_fields
    ("c1", HOSTILE_NAME, "某县<b>政府</b>", "2020-02-03", "county", "edu_sci_culture_health",
     "epidemic", "principal", HOSTILE_EVIDENCE, "level: county(2) vs prefecture(1)",
     "alice, <i>bob</i>", "level"),
    ("c2", "稳就业工作专班", "安康市人民政府", "2020-04", "prefecture", "society_livelihood",
     "employment", "deputy_in_charge", "成立稳就业工作专班。", "", "auto", ""),
    ("c3", "招商引资工作专班", "某市", "2021-03-01", "prefecture", "economy_infrastructure",
     "investment_promotion", "", "成立招商引资工作专班。", "", "auto", ""),
    ("c4", "疫情防控工作专班", "某区", "2020-01-25", "county", "edu_sci_culture_health",
     "epidemic", "dept_head", "成立疫情防控工作专班。", "", "auto", ""),
    ("c5", "奇怪代码专班", "某镇", "2019-06-01", "township", "", "", "non_leader", "", "", "", ""),
    ("m6", "过早的专班", "某省", "2016-05-05", "provincial", "politics_admin", "", "principal",
     "", "", "carol", ""),
    ("c7", "无日期专班", "某地", "", "", "", "", "", "", "", "auto", ""),
]  # fmt: skip
SOURCES = [
    # case_id, article_id, cluster_id, url, warc_file, warc_offset, evidence
    ("c1", "a1", "k1", HOSTILE_URL, "capture-00001.warc.gz", "1234", HOSTILE_EVIDENCE),
    ("c1", "a2", "k1", QUOTED_URL, "capture-00002.warc.gz", "0", "转载：<i>另一句</i>"),
    ("c2", "a3", "a3", "https://www.ankang.gov.cn.invalid/x.html?p=1&q=2", "capture-00001.warc.gz",
     "98765", "成立稳就业工作专班。"),
    ("c4", "a4", "a4", "http://a.invalid/4", "capture-00003.warc.gz", "55", "成立疫情专班。"),
    ("m6", "", "", "http://hand.invalid/6", "", "", ""),
]  # fmt: skip


def _write_cases(path: Path, rows: list[tuple[str, ...]]) -> None:
    columns = ["case_id", "name", "unit", "founded", "level", "domain", "topic", "leader_rank",
               "evidence", "review", "coded_by", "overridden_fields"]
    frame = pd.DataFrame(rows, columns=columns).assign(year="", urls="")
    frame.to_csv(path, index=False)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trace")
    _write_cases(root / "cases.csv", CASES)
    pd.DataFrame(SOURCES, columns=["case_id", "article_id", "cluster_id", "url", "warc_file",
                                   "warc_offset", "evidence"]).to_csv(root / "case_sources.csv",
                                                                      index=False)
    published = load_published()
    analyse(root / "cases.csv", published, root / "tables", WINDOW, simulated=True)
    write_charts(root / "tables", published, root / "figures", simulated=True)
    return root


def _agreement() -> AgreementResult:
    return AgreementResult(
        coders=["alice", "bob"], n_cases=12, draws=500, seed=7, auto_source="cases.csv",
        rows=[
            Agreement("level", "alpha", "alice, bob", 12, 0.6213, 0.31, 0.88, 500, ""),
            Agreement("level", "kappa", "alice vs bob", 12, 0.6, 0.25, 0.9, 500, ""),
            Agreement("level", "kappa", "alice vs auto", 12, 0.8333, 0.5, 1.0, 498,
                      "CI from 498 of 500 draws (others had one category)"),
            Agreement("topic", "kappa", "bob vs auto", 1, None, None, None, 0,
                      "n = 1: fewer than two cases coded by these raters"),
        ],
    )


def _build(run: Path, out: Path, **kwargs) -> tuple[str, str]:
    html, md = out / "report.html", out / "report.md"
    build_report(run / "tables", run / "figures", html, md, load_published(), True, None,
                 **kwargs)
    return html.read_text(encoding="utf-8"), md.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(run: Path) -> tuple[str, str]:
    return _build(run, run / "reports", case_sources=run / "case_sources.csv",
                  agreement=_agreement())


def _cases_in(section: lxml.html.HtmlElement) -> list[str]:
    """Case ids a count's list links to."""
    return [a.get("href").removeprefix("#case-") for a in section.xpath(".//ol/li/a")]


def _section(doc: lxml.html.HtmlElement, anchor: str) -> lxml.html.HtmlElement:
    found = doc.xpath(f'//*[@id="{anchor}"]')
    assert len(found) == 1, anchor
    return found[0]


def test_every_count_opens_as_many_cases_as_it_counts(run: Path, report) -> None:
    doc = lxml.html.fromstring(report[0])
    tables = [t for t in doc.xpath("//table")
              if "paper vs reproduction" in t.xpath("string(caption)")]
    assert len(tables) == 4
    checked = 0
    for table in tables:
        for row in table.xpath("tr[td]"):
            code = row.xpath("string(td[2])")
            links = row.xpath("td[5]/a")
            assert len(links) == 1, f"count of {code} is not a link"
            count = int(links[0].text)
            cases = _cases_in(_section(doc, links[0].get("href")[1:]))
            assert len(cases) == count, code
            for case_id in cases:
                entry = _section(doc, f"case-{case_id}")
                assert entry.tag == "article" and case_id in entry.xpath("string(h4)")
                assert f"<code>{code}</code>" in lxml.html.tostring(entry, encoding="unicode")
            checked += 1
    assert checked == 4 + 6 + 6 + 6, "every row, the unknown and other-code rows included"
    level_rows = {r.xpath("string(td[2])"): r for r in tables[1].xpath("tr[td]")}
    assert _cases_in(_section(doc, "cases-level-county")) == ["c1", "c4"]
    assert "township" in level_rows, "a code outside the paper's categories has its own row"
    assert _cases_in(_section(doc, "cases-level-township")) == ["c5"]
    assert _cases_in(_section(doc, "cases-leader_rank-unknown")) == ["c3"]


def test_topic_subfigure_counts_open_their_cases(report) -> None:
    doc = lxml.html.fromstring(report[0])
    link = doc.xpath('//a[@href="#cases-domain-edu_sci_culture_health-topic-epidemic"]')
    assert [a.text for a in link] == ["2"]
    cases = _cases_in(_section(doc, "cases-domain-edu_sci_culture_health-topic-epidemic"))
    assert cases == ["c1", "c4"]


def test_window_counts_open_the_case_index_groups(report) -> None:
    doc = lxml.html.fromstring(report[0])
    groups = {"cases-window-inside": 5, "cases-outside-window": 1, "cases-undated": 1}
    for anchor, n in groups.items():
        links = doc.xpath(f'//a[@href="#{anchor}"]')
        assert links and {a.text.split()[0] for a in links} == {str(n)}, anchor
        assert len(_section(doc, anchor).xpath("article")) == n
    assert _section(doc, "cases-outside-window").xpath("article/@id") == ["case-m6"]
    entries = doc.xpath('//article[@class="case"]/@id')
    assert sorted(entries) == sorted(f"case-{c[0]}" for c in CASES), "every case exactly once"


def test_every_internal_link_has_a_target(report) -> None:
    html, md = report
    doc = lxml.html.fromstring(html)
    ids = set(doc.xpath("//@id"))
    targets = {href[1:] for href in doc.xpath("//a/@href") if href.startswith("#")}
    assert targets - ids == set()
    md_ids = set(re.findall(r'<a id="([^"]+)"></a>', md))
    md_targets = set(re.findall(r"\]\(#([^)]+)\)", md))
    assert md_targets and md_targets - md_ids == set()
    assert {"case-c1", "cases-level-county", "cases-outside-window"} <= md_targets


def test_a_case_shows_evidence_review_coding_and_every_capture(report) -> None:
    html, md = report
    doc = lxml.html.fromstring(html)
    entry = _section(doc, "case-c1")
    text = entry.text_content()
    assert HOSTILE_NAME in text and "某县<b>政府</b>" in text
    assert HOSTILE_EVIDENCE in entry.xpath("string(blockquote)")
    assert "level: county(2) vs prefecture(1)" in text
    assert "coded by: alice, <i>bob</i>" in text and "overridden by hand: level" in text
    sources = entry.xpath("ol/li")
    assert len(sources) == 2
    first, second = (s.text_content() for s in sources)
    assert "article a1 · cluster k1 · capture capture-00001.warc.gz @ 1234" in first
    assert "article a2 · cluster k1 · capture capture-00002.warc.gz @ 0" in second
    assert "转载：<i>另一句</i>" in second, "a source's own evidence when it differs"
    assert HOSTILE_EVIDENCE not in first, "the case's evidence is not repeated per source"
    hand = _section(doc, "case-m6").xpath("ol/li")[0].text_content()
    assert "article — · cluster — · capture —" in hand
    assert "No source recorded." in _section(doc, "case-c3").text_content()
    assert ("- source: [https://www.ankang.gov.cn.invalid/x.html?p=1&amp;q=2]"
            "(https://www.ankang.gov.cn.invalid/x.html?p=1&amp;q=2) · article `a3` · "
            "cluster `a3` · capture `capture-00001.warc.gz @ 98765`") in md
    assert "- coded by: alice, &lt;i&gt;bob&lt;/i&gt;; overridden by hand: level" in md


def test_page_text_never_reaches_the_report_unescaped(report) -> None:
    html, md = report
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//script") == [] and doc.xpath("//i") == [] and doc.xpath("//td/b") == []
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    hrefs = doc.xpath("//@href")
    assert all(h.startswith(("#", "http://", "https://")) for h in hrefs), hrefs
    assert QUOTED_URL in hrefs, "the quote stays inside the attribute"
    assert "<script" not in html and "<script" not in md
    assert "javascript:alert(3)" in _section(doc, "case-c1").xpath("string(ol/li[1]/code)")
    assert not re.search(r"(?<!\\)\]\(javascript:", md), "no Markdown link to javascript:"
    assert "javascript:alert(3)](" not in md
    assert "&lt;script&gt;alert(&#34;n&#34;)&lt;/script&gt;&#39;专班&#39;" in md
    assert "\\[x\\](javascript:y)" in md, "Markdown link syntax from a page is escaped"


def test_markdown_counts_link_to_their_case_lists(report) -> None:
    md = report[1]
    row = "| 县级 | `county` | 162 | 31.58 | 2 | 50.00 | +18.42 | [list](#cases-level-county) |"
    assert row in md
    line = next(x for x in md.splitlines() if x.startswith('<a id="cases-level-county">'))
    assert line.endswith("— 2 case(s):** [c1](#case-c1), [c4](#case-c4)")
    assert "[1 case(s)](#cases-outside-window)" in md
    assert f"## Appendix: case index ({SIMULATED_MARK})" in md


def test_stale_tables_stop_the_report(run: Path, tmp_path: Path) -> None:
    stale = tmp_path / "stale"
    shutil.copytree(run, stale)
    level = pd.read_csv(stale / "tables" / "level.csv", dtype={"code": str})
    level.loc[level["code"] == "county", "reproduced_count"] = 3
    level.to_csv(stale / "tables" / "level.csv", index=False)
    with pytest.raises(ValueError, match=r"level\.csv: code 'county' counts 3 .* has 2; .*rerun"):
        _build(stale, tmp_path)


def test_without_case_sources_a_case_lists_its_urls(run: Path, tmp_path: Path) -> None:
    cases = pd.read_csv(run / "cases.csv", dtype=str, keep_default_na=False)
    cases.loc[cases["case_id"] == "c2", "urls"] = "http://u.invalid/2 javascript:x"
    bare = tmp_path / "bare"
    bare.mkdir()
    cases.to_csv(bare / "cases.csv", index=False)
    analyse(bare / "cases.csv", load_published(), bare / "tables", WINDOW, simulated=True)
    shutil.copytree(run / "figures", bare / "figures")
    html, _ = _build(bare, tmp_path)
    doc = lxml.html.fromstring(html)
    sources = [s.text_content() for s in _section(doc, "case-c2").xpath("ol/li")]
    assert sources == ["http://u.invalid/2 · article — · cluster — · capture —",
                       "javascript:x · article — · cluster — · capture —"]
    assert "sources show the URLs only" in html


def test_agreement_section(report) -> None:
    html, md = report
    doc = lxml.html.fromstring(html)
    table = next(t for t in doc.xpath("//table") if "Cohen" in t.xpath("string(caption)"))
    assert SIMULATED_MARK in table.xpath("string(caption)")
    rows = [[c.text_content() for c in r.xpath("td")] for r in table.xpath("tr[td]")]
    assert rows[0][:7] == ["level", "among human coders", "alpha", "alice, bob", "12", "0.621",
                           "[0.310, 0.880]"]
    assert rows[1][1] == "coder pair" and rows[2][1] == "coder vs automatic coder"
    assert rows[2][7] == "CI from 498 of 500 draws (others had one category)"
    assert rows[3][5:] == ["NA", "—", "n = 1: fewer than two cases coded by these raters"]
    assert "How to read them" in html and "500 bootstrap draws" in html
    assert ("| `topic` | coder vs automatic coder | kappa | bob vs auto | 1 | NA | — | "
            "n = 1: fewer than two cases coded by these raters |") in md
    assert "## Agreement between coders" in md


def test_no_agreement_section_without_a_result(run: Path, tmp_path: Path) -> None:
    html, md = _build(run, tmp_path)
    assert "Agreement between coders" not in html + md


def test_agreement_json_round_trip(tmp_path: Path) -> None:
    result = _agreement()
    json_path, _ = write_agreement(result, tmp_path)
    assert load_agreement(json_path) == result
    json_path.write_text('{"coders": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="rerun `zhuanban agreement`"):
        load_agreement(json_path)


def test_report_cli_takes_case_sources_and_agreement(run: Path, tmp_path: Path) -> None:
    pd.DataFrame({"article_id": ["a1"], "simulated": [True]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"article_id": ["a1"]}).to_parquet(tmp_path / "m.parquet")
    pd.DataFrame({"reason": ["no text"]}).to_csv(tmp_path / "dropped.csv", index=False)
    write_agreement(_agreement(), tmp_path / "agreement")
    html = tmp_path / "r.html"
    assert main(["report", "--tables", str(run / "tables"), "--figures", str(run / "figures"),
                 "--cases", str(run / "cases.csv"), "--case-sources",
                 str(run / "case_sources.csv"), "--articles", str(tmp_path / "a.parquet"),
                 "--mentions", str(tmp_path / "m.parquet"), "--dropped",
                 str(tmp_path / "dropped.csv"), "--agreement", str(tmp_path / "agreement"),
                 "--html", str(html), "--md", str(tmp_path / "r.md")]) == 0
    text = html.read_text(encoding="utf-8")
    assert "capture-00002.warc.gz @ 0" in text and '<h2 id="agreement">' in text


def test_a_large_random_corpus_stays_consistent(run: Path, tmp_path: Path) -> None:
    rng = random.Random(5)
    codes = {"level": ["national", "provincial", "prefecture", "county", "", "village"],
             "domain": ["politics_admin", "society_livelihood", "edu_sci_culture_health", ""],
             "leader_rank": ["principal", "dept_head", "non_leader", ""]}
    rows = [(f"c{i:05d}", f"专班{i}", "某市", rng.choice(["2017-05", "2019-03-02", "2020", ""]),
             rng.choice(codes["level"]), rng.choice(codes["domain"]),
             rng.choice(["epidemic", "employment", ""]), rng.choice(codes["leader_rank"]),
             "成立专班。", "", "auto", "") for i in range(1500)]
    _write_cases(tmp_path / "cases.csv", rows)
    analyse(tmp_path / "cases.csv", load_published(), tmp_path / "tables", WINDOW, True)
    shutil.copytree(run / "figures", tmp_path / "figures")
    html, _ = _build(tmp_path, tmp_path / "out")
    doc = lxml.html.fromstring(html)
    for link in doc.xpath('//table//a[starts-with(@href, "#cases-")]'):
        section = _section(doc, link.get("href")[1:])
        group = section.get("class") == "group"
        listed = len(section.xpath("article")) if group else len(_cases_in(section))
        assert int(link.text) == listed, link.get("href")
    assert len(doc.xpath('//article[@class="case"]')) == 1500
