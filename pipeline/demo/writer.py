"""Write the simulated demo corpus: page bytes streamed to disk, the manifest, the ground truth
and a README saying that everything in the folder is simulated."""

from __future__ import annotations

import csv
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

from jinja2 import Template

from pipeline.demo.data import DEMO_DATA_DIR, read_yaml
from pipeline.demo.distractors import DistractorWriter
from pipeline.demo.encode import encode_page, to_traditional
from pipeline.demo.layouts import LayoutRenderer
from pipeline.demo.outlets import OutletCatalog
from pipeline.demo.pages import Article, Composer, Para
from pipeline.demo.plan import PagePlan, Planner
from pipeline.demo.population import Population, build_population
from pipeline.demo.topics import load_topics
from pipeline.demo.units import UnitCatalog
from pipeline.gazetteer import load_gazetteer

CASE_COLUMNS = ["case_id", "name", "unit", "province", "prefecture", "county", "level", "domain",
                "topic", "leader_rank", "leader_name", "leader_title", "founded", "year"]
PAGE_COLUMNS = ["page_id", "url", "case_id", "role"]


@dataclass
class DemoSummary:
    """Counts of what one generate_demo run wrote."""

    pages: int = 0
    cases: int = 0
    distractor_pages: int = 0
    multi_case_pages: int = 0
    gbk_pages: int = 0
    traditional_pages: int = 0
    layouts: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.pages} pages ({self.distractor_pages} distractors, "
                f"{self.multi_case_pages} multi-case, {self.gbk_pages} GBK, "
                f"{self.traditional_pages} traditional) for {self.cases} simulated task forces "
                f"in {self.seconds:.1f} s")


def load_catalogs(data_dir: Path = DEMO_DATA_DIR) -> tuple[UnitCatalog, OutletCatalog]:
    """The unit and outlet catalogs, built on the project's gazetteer."""
    gazetteer = load_gazetteer()
    province_short = {d.province: d.short_name for d in gazetteer.divisions
                      if d.level == "province"}
    outlets = OutletCatalog(province_short, data_dir)
    return UnitCatalog(gazetteer, outlets.site_places, data_dir), outlets


def generate_demo(out_dir: Path | str, seed: int = 20220501, n_cases: int = 513,
                  start: date = date(2018, 1, 1), end: date = date(2021, 8, 31)) -> DemoSummary:
    """Write the simulated corpus for `seed` into `out_dir` (same seed, same bytes)."""
    clock_start = time.perf_counter()
    out_dir = Path(out_dir)
    catalog, outlets = load_catalogs()
    population = build_population(catalog, seed, n_cases, start, end)
    composer = Composer(catalog, population.people, seed)
    distractors = DistractorWriter(catalog, load_topics(), seed)
    renderer = LayoutRenderer(composer.mix["simulated"])
    plans = Planner(population, outlets, composer, distractors, renderer, seed,
                    start, end).plan()
    pages_dir = out_dir / "pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(exist_ok=True)
    writer = _PageWriter(composer, distractors, renderer, plans, seed)
    summary = DemoSummary(cases=len(population.cases))
    layouts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    with (out_dir / "manifest.jsonl").open("w", encoding="utf-8", newline="\n") as manifest:
        for plan in plans:
            entry = writer.write(plan, pages_dir)
            manifest.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            layouts[plan.outlet.layout] += 1
            kinds[plan.kind] += 1
            summary.multi_case_pages += plan.multi_case
            summary.gbk_pages += plan.charset.is_gbk
            summary.traditional_pages += plan.traditional
    _write_truth(out_dir / "truth", population, plans)
    summary.pages = len(plans)
    summary.distractor_pages = kinds["distractor"]
    summary.layouts = dict(sorted(layouts.items()))
    summary.kinds = dict(sorted(kinds.items()))
    _write_readme(out_dir, summary, seed, n_cases, start, end)
    summary.seconds = time.perf_counter() - clock_start
    return summary


class _PageWriter:
    """Turns page plans into HTML bytes on disk and manifest entries."""

    def __init__(self, composer: Composer, distractors: DistractorWriter,
                 renderer: LayoutRenderer, plans: list[PagePlan], seed: int) -> None:
        self.composer = composer
        self.distractors = distractors
        self.renderer = renderer
        self.plans = plans
        self.seed = seed

    def article(self, plan: PagePlan) -> Article:
        """The page's visible content (a repost copies its origin's body)."""
        rng = random.Random(f"{self.seed}:article:{plan.seq}")
        composer = self.composer
        if plan.kind == "distractor":
            article = self.distractors.article(plan.variant, str(plan.seq), plan.title,
                                               plan.published, rng)
        elif plan.kind == "notice":
            article = composer.notice(plan.cases, plan.title, plan.published, rng)
        elif plan.kind == "repost":
            origin = self.article(plan.origin)
            article = composer.repost(origin, plan.origin.outlet.name, rng)
        elif plan.kind == "followup":
            article = composer.followup(plan.cases, plan.title, plan.published, rng)
        elif plan.variant == "roundup":
            article = composer.roundup(plan.cases, plan.title, plan.published, rng)
        else:
            article = composer.news(plan.cases, plan.title, plan.published, plan.dated, rng)
        if not article.source:
            gov_site = plan.outlet.kind == "gov" and plan.cases
            article.source = plan.cases[0].unit.text if gov_site else plan.outlet.name
        return article

    def write(self, plan: PagePlan, pages_dir: Path) -> dict:
        """Write one page's bytes; return its manifest entry."""
        rng = random.Random(f"{self.seed}:layout:{plan.seq}")
        article = self.article(plan)
        article.page_no = f"{rng.randint(1, 8):02d}"
        related = self._related(plan, rng)
        if plan.traditional:
            article = _traditional(article)
            related = [{**r, "title": to_traditional(r["title"])} for r in related]
        published = datetime.combine(plan.published, clock(rng.randint(7, 22),
                                                           rng.randint(0, 59),
                                                           rng.randint(0, 59)))
        layout = plan.outlet.layout
        date_form = self.renderer.draw_date_form(layout, rng)
        html = self.renderer.render(article, plan.outlet, published, date_form, related,
                                    plan.charset.meta, plan.page_id,
                                    self.renderer.column(layout, rng))
        path = Path("pages") / f"{plan.page_id}.html"
        (pages_dir / path.name).write_bytes(encode_page(html, plan.charset))
        return {
            "page_id": plan.page_id, "url": plan.url, "path": path.as_posix(),
            "content_type": plan.charset.content_type, "encoding": plan.charset.encoding,
            "meta_charset": plan.charset.meta, "layout": layout, "date_form": date_form["key"],
            "kind": plan.kind, "variant": plan.variant, "published": plan.published.isoformat(),
            "outlet": plan.outlet.name, "host": plan.outlet.host,
            "traditional": plan.traditional, "n_cases": len(plan.cases), "simulated": True,
        }

    def _related(self, plan: PagePlan, rng: random.Random) -> list[dict[str, str]]:
        """Related-article box: other pages' titles (some about other task forces) and
        generic government news."""
        related = []
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.6:
                other = self.plans[rng.randrange(len(self.plans))]
                if other is plan:
                    continue
                related.append({"title": other.title, "url": other.url,
                                "date": other.published.isoformat()})
            else:
                related.append({"title": self.distractors.related_title(rng), "url": "",
                                "date": plan.published.isoformat()})
        for entry in related:
            if not entry["url"]:
                entry["url"] = OutletCatalog.url(plan.outlet, plan.published, rng)
        return related


def _traditional(article: Article) -> Article:
    """The article in traditional characters (a Hong Kong outlet's repost)."""
    return Article(
        title=to_traditional(article.title),
        paras=[Para(to_traditional(p.text), p.align) for p in article.paras],
        source=to_traditional(article.source), author=to_traditional(article.author),
        editor=to_traditional(article.editor), keywords=to_traditional(article.keywords),
        description=to_traditional(article.description), doc=article.doc,
        page_no=article.page_no,
    )


def _write_truth(folder: Path, population: Population, plans: list[PagePlan]) -> None:
    with (folder / "cases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CASE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(case.truth_row() for case in population.cases)
    with (folder / "pages.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, PAGE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for plan in plans:
            if not plan.cases:
                writer.writerow({"page_id": plan.page_id, "url": plan.url, "case_id": "",
                                 "role": "distractor"})
                continue
            rows = sorted(zip(plan.cases, plan.roles, strict=True), key=lambda r: r[0].case_id)
            for case, role in rows:
                writer.writerow({"page_id": plan.page_id, "url": plan.url,
                                 "case_id": case.case_id, "role": role})


def _write_readme(out_dir: Path, summary: DemoSummary, seed: int, n_cases: int, start: date,
                  end: date) -> None:
    template = Template((DEMO_DATA_DIR / "corpus_readme.md.j2").read_text(encoding="utf-8"))
    text = template.render(summary=summary, seed=seed, n_cases=n_cases, start=start, end=end,
                           targets=read_yaml(DEMO_DATA_DIR / "targets.yaml"))
    (out_dir / "README.md").write_text(text, encoding="utf-8")
