"""Tests for the published targets file and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.published import DEFAULT_PATH, PublishedError, check_consistency, load_published


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "published.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def raw() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_default_file_holds_the_papers_figures() -> None:
    published = load_published()
    assert published.corpus.total == 513
    assert str(published.corpus.start) == "2018-01-01"
    assert str(published.corpus.end) == "2021-08-31"
    year = published.distributions["year"]
    assert year.codes == ("2018", "2019", "2020", "2021")
    assert [c.count for c in year.categories] == [24, 27, 222, 240]
    level = {c.code: c.count for c in published.distributions["level"].categories}
    assert level == {"national": 8, "provincial": 126, "prefecture": 217, "county": 162}
    domain = {c.code: c.count for c in published.distributions["domain"].categories}
    assert domain["politics_admin"] == 129 and domain["ecology_environment"] == 13
    rank = published.distributions["leader_rank"]
    assert rank.figure == "share_percent"
    assert [c.share_percent for c in rank.categories] == [12.59, 32.89, 26.57, 25.87, 2.08]
    assert all(c.count is None for c in rank.categories)
    assert rank.label("dept_head") == "部门正职"
    assert len(published.named_task_forces) == 17
    assert all("三、(一)" in d.section for d in published.distributions.values())


def test_epidemic_subfigure_and_derived_counts() -> None:
    published = load_published()
    domain = published.distributions["domain"]
    epidemic = next(s for s in domain.subfigures if s.topic == "epidemic")
    assert (epidemic.category, epidemic.count, epidemic.share_percent) == (
        "edu_sci_culture_health",
        73,
        77.66,
    )
    assert domain.shares(513)["economy_infrastructure"] == pytest.approx(100 * 189 / 513)
    assert published.distributions["leader_rank"].counts(513)["principal"] == pytest.approx(64.5867)


def test_consistency_findings_of_the_paper() -> None:
    checks = {c.name: c for c in check_consistency(load_published())}
    assert checks["year: counts add up to the total"].passed
    assert checks["domain: counts add up to the total"].passed
    assert checks["leader_rank: shares add up to 100 %"].passed
    assert checks["domain.edu_sci_culture_health: 疫情防控 73 = 77.66 %"].passed
    whole = [c for name, c in checks.items() if "is a whole number of cases" in name]
    assert len(whole) == 5 and not any(c.passed for c in whole)
    assert (
        "64/513 = 12.48 %"
        in checks["leader_rank.principal: 12.59 % is a whole number of cases"].detail
    )
    assert not checks["leader_rank: one number of cases up to 513 explains every share"].passed


def test_consistency_catches_a_bad_sum_and_accepts_whole_shares(raw: dict, tmp_path) -> None:
    raw["distributions"]["level"]["categories"][0]["count"] = 9
    raw["distributions"]["leader_rank"]["categories"] = [
        {"code": "principal", "label": "a", "share_percent": 25.0},
        {"code": "deputy_in_charge", "label": "b", "share_percent": 75.0},
    ]
    checks = {c.name: c for c in check_consistency(load_published(_write(tmp_path, raw)))}
    assert not checks["level: counts add up to the total"].passed
    assert "= 514" in checks["level: counts add up to the total"].detail
    common = checks["leader_rank: one number of cases up to 513 explains every share"]
    assert common.passed and "smallest such number is 4" in common.detail


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r["distributions"]["level"]["categories"][1].pop("count"),
            "distributions.level.categories[1].count",
        ),
        (lambda r: r["distributions"].pop("domain"), "missing table(s) ['domain']"),
        (lambda r: r["distributions"]["year"].update(figure="ratio"), "distributions.year.figure"),
        (lambda r: r["corpus"].update(total="513"), "corpus.total"),
        (
            lambda r: r["distributions"]["domain"]["subfigures"][0].update(category="x"),
            "distributions.domain.subfigures[0].category",
        ),
        (
            lambda r: r["distributions"]["level"]["categories"].append(
                {"code": "county", "label": "县级", "count": 1}
            ),
            "duplicate codes",
        ),
    ],
)
def test_malformed_file_names_the_key(raw: dict, tmp_path, mutate, message: str) -> None:
    mutate(raw)
    with pytest.raises(PublishedError, match="published.yaml") as caught:
        load_published(_write(tmp_path, raw))
    assert message in str(caught.value)


def test_invalid_yaml_is_reported(tmp_path) -> None:
    path = tmp_path / "published.yaml"
    path.write_text("corpus: [unclosed\n", encoding="utf-8")
    with pytest.raises(PublishedError, match="not valid YAML"):
        load_published(path)
