"""discover: every enabled source for every query, blocked or broken sources reported, not fatal."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from source_server import FIXTURES, Reply, fixture, loopback_site, polite_client

from pipeline.cli import main
from scrapers.discover import check_live_config, discover, load_live_config
from scrapers.sources import people, xinhua

ROOT = Path(__file__).resolve().parents[1]


def _serve(site):
    site.route("POST", people.SEARCH_PATH,
               lambda request: Reply(fixture(f"people_page{request.json()['page']}.json")))
    site.route("GET", "/s", lambda request: Reply(fixture("baidu_captcha.html"), 200,
                                                  "text/html; charset=utf-8"))
    site.route("GET", xinhua.SEARCH_PATH, lambda request: Reply(fixture("xinhua_changed.json")))


def _live(site, **sources):
    return {
        "contact": "tests@example.org",
        "min_interval": 0,
        "window": {"start": "2021-01-01", "end": "2021-05-31"},
        "queries": ["工作专班", "专班"],
        "sources": sources or {
            "people": {"base_url": site.base_url},
            "baidu_news": {"base_url": site.base_url},
            "xinhua": {"base_url": site.base_url},
            "gov_cn": {"base_url": site.base_url},
            "url_list": {"path": str(FIXTURES / "urls.txt")},
            "wayback": {"enabled": False, "prefixes": ["www.gov.cn/"]},
        },
    }


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_blocked_refused_and_broken_sources_are_reported_while_others_write_hits(tmp_path):
    with loopback_site() as site:
        _serve(site)
        summary = discover(_live(site), tmp_path, polite_client())
    runs = {run.name: run for run in summary.sources}
    assert {name: run.status for name, run in runs.items()} == {
        "people": "ok", "baidu_news": "blocked", "xinhua": "failed",
        "gov_cn": "robots_disallowed", "url_list": "ok"}
    assert summary.disabled == ["wayback"]
    assert "百度安全验证" in runs["baidu_news"].reason
    assert "content.pageCount" in runs["xinhua"].reason
    assert "Disallow: /" in runs["gov_cn"].reason
    # people: 5 records a query, 3 inside the window; the second query repeats the first.
    assert (runs["people"].hits, runs["people"].outside_window, runs["people"].duplicates) == (
        3, 4, 3)
    assert runs["people"].queries_done == 2
    people_hits = _lines(tmp_path / "people.jsonl")
    assert [hit["date"] for hit in people_hits] == ["2021-03-01", "2021-04-01", "2021-05-01"]
    assert set(people_hits[0]) == {"url", "title", "date", "snippet", "source", "query", "page",
                                   "retrieved_at"}
    assert people_hits[0]["title"] == "上海成立工作专班推进城市数字化转型"
    assert len(_lines(tmp_path / "url_list.jsonl")) == 2
    assert _lines(tmp_path / "baidu_news.jsonl") == []
    written = json.loads((tmp_path / "discover_summary.json").read_text(encoding="utf-8"))
    assert written["hits"] == 5
    assert written["window"] == ["2021-01-01", "2021-05-31"]
    assert [source["status"] for source in written["sources"]] == [
        "ok", "blocked", "failed", "robots_disallowed", "ok"]
    assert [run.name for run in summary.failed] == ["xinhua"]


def test_a_jsearch_entry_names_its_own_hits_file(tmp_path):
    with loopback_site() as site:
        site.route("POST", "/jsearchfront/interfaces/cateSearch.do",
                   lambda request: Reply(fixture("jsearch_zj.json")))
        live = _live(site, zhejiang={"adapter": "jsearch", "base_url": site.base_url,
                                     "websiteid": "330000000000000", "template": "zj"})
        live["window"] = {"start": "2020-01-01", "end": "2020-12-31"}
        summary = discover(live, tmp_path, polite_client())
    assert summary.sources[0].adapter == "jsearch"
    hits = _lines(tmp_path / "zhejiang.jsonl")
    assert len(hits) == 1 and hits[0]["source"] == "zhejiang"
    assert summary.sources[0].duplicates == 1


def test_cli_discover_writes_hits_summary_and_warc_and_reports_failure(tmp_path, capsys):
    with loopback_site() as site:
        _serve(site)
        config = tmp_path / "live.yaml"
        config.write_text(yaml.safe_dump({"live": _live(site)}, allow_unicode=True),
                          encoding="utf-8")
        code = main(["discover", "--config", str(config), "-o", str(tmp_path / "hits")])
        ok_config = tmp_path / "ok.yaml"
        ok_config.write_text(yaml.safe_dump({"live": _live(site, people={
            "base_url": site.base_url})}, allow_unicode=True), encoding="utf-8")
        ok_code = main(["discover", "--config", str(ok_config), "-o", str(tmp_path / "ok")])
    out = capsys.readouterr().out
    assert code == 1 and ok_code == 0
    assert "baidu_news" in out and "blocked" in out and "total: 5 hits" in out
    hits_dir = tmp_path / "hits"
    assert {path.name for path in hits_dir.iterdir()} >= {
        "people.jsonl", "baidu_news.jsonl", "url_list.jsonl", "discover_summary.json",
        "discover.warc.gz"}
    assert (hits_dir / "discover.warc.gz").stat().st_size > 0


def test_config_errors_name_the_key(tmp_path):
    no_block = tmp_path / "config.yaml"
    no_block.write_text("corpus: live\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'live' block"):
        load_live_config(no_block)
    base = {"contact": "a@b.cn", "window": {"start": "2018-01-01", "end": "2021-08-31"},
            "queries": ["工作专班"], "sources": {"people": {}}}
    with pytest.raises(ValueError, match="live.contact"):
        check_live_config({**base, "contact": "nobody"})
    with pytest.raises(ValueError, match="live.queries"):
        check_live_config({**base, "queries": []})
    with pytest.raises(ValueError, match="live.sources.sogou: no adapter 'sogou'"):
        check_live_config({**base, "sources": {"sogou": {}}})
    with pytest.raises(ValueError, match="starts .* after it ends"):
        check_live_config({**base, "window": {"start": "2021-01-01", "end": "2020-01-01"}})


def test_the_example_config_passes_the_schema_fragment_and_the_checks():
    schema_file = ROOT / "workflow" / "schemas" / "config.schema.yaml"
    schema = yaml.safe_load(schema_file.read_text("utf-8"))["properties"]
    example = yaml.safe_load((ROOT / "config" / "live.example.yaml").read_text("utf-8"))
    jsonschema.validate(example["live"], schema["live"])
    check_live_config(example["live"])
    misspelt = {**example["live"], "sources": {"people": {"enabeld": True}}}
    with pytest.raises(jsonschema.ValidationError, match="enabeld"):
        jsonschema.validate(misspelt, schema["live"])
    assert load_live_config(ROOT / "config" / "live.example.yaml")["window"]["end"] == "2021-12-31"
