"""Link rot: outcomes from the capture log, site levels and years from URLs, the tables."""

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.link_rot import outcome, site_level, url_year
from scrapers.capture import LOG_FIELDS


@pytest.mark.parametrize(("status", "http_status", "expected"), [
    ("ok", "200", "alive"),
    ("too_large", "200", "alive"),
    ("archived_copy", "200", "archived"),
    ("http_error", "404", "lost"),
    ("http_error", "410", "lost"),
    ("connection_error", "", "lost"),
    ("http_error", "503", "other_failure"),
    ("timeout", "", "other_failure"),
    ("robots_disallowed", "", "other_failure"),
    ("", "", "not_captured"),
])
def test_outcome_of_a_capture_status(status: str, http_status: str, expected: str) -> None:
    assert outcome(status, http_status) == expected


@pytest.mark.parametrize(("host", "level"), [
    ("www.gov.cn", "central"),
    ("www.nhc.gov.cn", "central"),
    ("fgw.zj.gov.cn", "provincial"),
    ("www.gxzf.gov.cn", "provincial"),
    ("www.hangzhou.gov.cn", "prefecture"),
    ("www.kaihua.gov.cn", "county"),
    ("www.qz.gov.cn", "local_unresolved"),
    ("bj.people.com.cn", "non_government"),
    ("www.zjut.edu.cn", "non_government"),
])
def test_site_level_of_a_host(host: str, level: str) -> None:
    assert site_level(host) == level


@pytest.mark.parametrize(("url", "year"), [
    ("http://bj.news.cn/2020-07/24/c_3345122718.htm", "2020"),
    ("http://society.people.com.cn/n1/2020/0726/c1008-80438472.html", "2020"),
    ("http://www.beijing.gov.cn/art/2020/9/8/art_7636_1169235.html", "2020"),
    ("http://new.qq.com/omn/20190724/20190724A0YRB19R00.html", "2019"),
    ("http://www.wenweipo.com/a/201805/08/APGYAI.html", "2018"),
    ("http://www.hunan.gov.cn/col/col1380/art/2018/art_5020355.html", "2018"),
    ("http://www.163.com/news/article/YRCK2KPO973XVALI.html", ""),
])
def test_year_read_from_a_url(url: str, year: str) -> None:
    assert url_year(url) == year


def write_capture_log(folder: Path, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True)
    with (folder / "capture_log.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=LOG_FIELDS)
        writer.writeheader()
        writer.writerows({key: row.get(key, "") for key in LOG_FIELDS} for row in rows)
    return folder


def row(url: str, status: str, http_status: str = "") -> dict[str, str]:
    return {"url": url, "status": status, "http_status": http_status,
            "fetched_at": "2024-05-01T10:00:00Z"}


def test_link_rot_tables_by_source_year_and_level(tmp_path: Path) -> None:
    capture = write_capture_log(tmp_path / "capture", [
        row("http://www.kaihua.gov.cn/art/2018/art_1.html", "ok", "200"),
        row("http://www.hangzhou.gov.cn/art/2019/art_2.html", "archived_copy", "200"),
        row("http://www.nhc.gov.cn/2020-03/05/a.htm", "http_error", "404"),
        row("http://news.example.com/x.html", "connection_error"),
        row("http://news.example.com/x.html", "ok", "200"),  # retried later: alive
        row("http://www.zj.gov.cn/2021/0301/b.html", "timeout"),
    ])
    hits = tmp_path / "hits"
    hits.mkdir()
    entries = [
        {"url": "http://www.kaihua.gov.cn/art/2018/art_1.html", "source": "gov_cn",
         "date": "2017-12-30"},
        {"url": "http://www.hangzhou.gov.cn/art/2019/art_2.html", "source": "people"},
        {"url": "http://www.hangzhou.gov.cn/art/2019/art_2.html", "source": "gov_cn"},
        {"url": "http://www.nhc.gov.cn/2020-03/05/a.htm", "source": "people"},
        {"url": "http://never.example.com/2021-05/n.html", "source": "people"},
    ]
    (hits / "all.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries),
                                    encoding="utf-8")
    out = tmp_path / "link_rot"
    assert main(["link-rot", str(capture), "--hits", str(hits), "-o", str(out)]) == 0
    urls = pd.read_csv(out / "urls.csv", dtype=str, keep_default_na=False).set_index("url")
    assert len(urls) == 6
    assert urls.at["http://news.example.com/x.html", "outcome"] == "alive"
    assert urls.at["http://never.example.com/2021-05/n.html", "outcome"] == "not_captured"
    kaihua = urls.loc["http://www.kaihua.gov.cn/art/2018/art_1.html"]
    assert (kaihua["year"], kaihua["year_from"]) == ("2017", "hit date")
    by_source = pd.read_csv(out / "by_source.csv").set_index("group")
    assert by_source.loc["people", ["n_urls", "archived", "lost", "not_captured"]].tolist() == [
        3, 1, 1, 1]
    assert by_source.loc["people", "dead_share"] == pytest.approx(66.67)
    assert by_source.loc["people", "archived_share_of_dead"] == pytest.approx(50.0)
    by_level = pd.read_csv(out / "by_site_level.csv").set_index("group")
    assert by_level.loc["central", "lost"] == 1
    assert by_level.loc["prefecture", "archived"] == 1
    assert by_level.loc["provincial", "other_failure"] == 1
    by_year = pd.read_csv(out / "by_year.csv", dtype={"group": str}).set_index("group")
    assert by_year.loc["2021", "n_urls"] == 2
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["outcomes"] == {"alive": 2, "archived": 1, "lost": 1, "other_failure": 1,
                                   "not_captured": 1}
    assert summary["statement"].startswith("Of 6 URLs (captured 2024-05-01..2024-05-01), 2 were "
                                           "alive and 2 dead (33.3 %)")
    assert (out / "link_rot.png").stat().st_size > 5000


def test_an_all_alive_corpus_says_so(tmp_path: Path) -> None:
    capture = write_capture_log(tmp_path / "capture", [
        row("http://www.ankang.gov.cn.invalid/2020-01/01/a.htm", "ok", "200"),
        row("http://bj.people.com.cn.invalid/n2/2018/0112/c1.html", "ok", "200"),
    ])
    out = tmp_path / "link_rot"
    assert main(["link-rot", str(capture), "-o", str(out), "--simulated"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["statement"].startswith("All 2 URLs were alive when captured")
    assert summary["dead"] == 0
    levels = pd.read_csv(out / "by_site_level.csv").set_index("group")["n_urls"].to_dict()
    assert levels == {"prefecture": 1, "non_government": 1}
    assert "SIMULATED" in (out / "link_rot.svg").read_text(encoding="utf-8")


def test_a_missing_capture_log_is_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["link-rot", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "capture_log.csv: no capture log" in capsys.readouterr().err
