"""Which pages report which task forces: founding notices and news, reposts, follow-ups,
round-ups and distractors, with their dates, outlets, URLs, charsets and page ids."""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.demo.distractors import DistractorWriter
from pipeline.demo.encode import Charset, draw_charset
from pipeline.demo.layouts import LayoutRenderer
from pipeline.demo.outlets import Outlet, OutletCatalog
from pipeline.demo.pages import Composer
from pipeline.demo.population import Case, Population
from pipeline.demo.units import Place, pick

REPOST_OUTLETS = ("qq", "netease", "netease_news", "gmw_local")
NATIONAL_NEWS = ("people", "people_society", "xinhua", "gmw")
PROVINCIAL_NEWS = ("people_local", "xinhua_local", "daily")


@dataclass(eq=False)
class PagePlan:
    """One page to write: what it reports and where and how it is published."""

    seq: int
    kind: str
    cases: list[Case]
    roles: list[str]
    published: date
    dated: bool = False
    origin: PagePlan | None = None
    variant: str = ""
    outlet: Outlet | None = None
    title: str = ""
    url: str = ""
    page_id: str = ""
    charset: Charset | None = None
    traditional: bool = False

    @property
    def multi_case(self) -> bool:
        """Whether the page reports two or more task forces."""
        return len(self.cases) >= 2


class Planner:
    """Plans the pages of one simulated corpus (deterministic for a seed)."""

    def __init__(self, population: Population, outlets: OutletCatalog, composer: Composer,
                 distractors: DistractorWriter, renderer: LayoutRenderer, seed: int,
                 start: date, end: date) -> None:
        self.population = population
        self.outlets = outlets
        self.composer = composer
        self.distractors = distractors
        self.renderer = renderer
        self.mix = composer.mix
        self.seed = seed
        self.start, self.end = start, end
        self.rng = random.Random(f"plan:{seed}")
        self.pages: list[PagePlan] = []
        self._count: Counter[str] = Counter()
        self._first: dict[str, date] = {}
        self._multi = 0

    def plan(self) -> list[PagePlan]:
        """All pages, sorted by page_id (publication date order)."""
        batched = {id(c) for b in self.population.batches for c in b.cases}
        for batch in self.population.batches:
            self._found(batch.cases, batch.founded)
            self._followups(batch.cases)
        for case in self.population.cases:
            if id(case) not in batched:
                self._found([case], case.founded)
                self._followups([case])
        self._roundups()
        self._add_distractors()
        for page in self.pages:
            page.outlet = self._outlet(page)
        self._traditional()
        self._charsets()
        self._titles_and_urls()
        self.pages.sort(key=lambda p: (p.published, p.seq))
        width = max(6, len(str(len(self.pages))))
        for number, page in enumerate(self.pages, start=1):
            page.page_id = f"p{number:0{width}d}"
        return self.pages

    # ------------------------------------------------------------------ case pages
    def _add(self, kind: str, cases: list[Case], roles: list[str], published: date,
             **options: object) -> PagePlan:
        page = PagePlan(len(self.pages), kind, cases, roles, published, **options)
        self.pages.append(page)
        self._multi += page.multi_case
        for case in cases:
            self._count[case.case_id] += 1
            first = self._first.get(case.case_id)
            self._first[case.case_id] = published if first is None else min(first, published)
        return page

    def _room(self, cases: list[Case]) -> bool:
        limit = self.mix["max_pages_per_case"]
        return all(self._count[c.case_id] < limit for c in cases)

    def _lag(self) -> timedelta:
        low, high = self.mix["publication_lag_days"]
        return timedelta(days=self.rng.randint(low, high))

    def _clip(self, day: date) -> date:
        return min(day, self.end)

    def _found(self, cases: list[Case], founded: date) -> None:
        """The founding report(s) of a task force or batch, and reposts of the news."""
        mode = pick({k: float(v) for k, v in self.mix["founding"].items()}, self.rng)
        if not all(c.named for c in cases):
            mode = "news"
        batch = len(cases) > 1
        if mode in ("notice", "both"):
            self._add("notice", cases, ["notice"] * len(cases),
                      self._clip(founded + self._lag()))
        if mode == "notice":
            return
        named = all(c.named for c in cases)
        if mode == "both":
            dated = named and self.rng.random() < 0.5
            published = self._clip(founded + self._lag())
        else:
            dated = named and self.rng.random() < self.mix["news_states_date"]
            published = self._clip(founded + self._lag()) if dated else founded
        kind = "list" if batch else "news"
        news = self._add(kind, cases, [kind] * len(cases), published, dated=dated,
                         variant="batch" if batch else "")
        reposts = int(pick({str(k): float(v) for k, v in self.mix["reposts"].items()},
                           self.rng))
        for _ in range(reposts):
            if self._room(cases):
                day = self._clip(published + timedelta(days=self.rng.randint(0, 3)))
                self._add("repost", cases, ["repost"] * len(cases), day, origin=news)

    def _followups(self, cases: list[Case]) -> None:
        """Later reports of the task force's work (a batch's may cover several members)."""
        count = int(pick({str(k): float(v) for k, v in self.mix["followups"].items()},
                         self.rng))
        if len(cases) > 1:
            count += 1
        low, high = self.mix["followup_lag_days"]
        for _ in range(count):
            if len(cases) > 1 and self.rng.random() < 0.5:
                members = self.rng.sample(cases, self.rng.randint(2, min(len(cases), 6)))
                members.sort(key=lambda c: c.case_id)
            else:
                members = [self.rng.choice(cases)]
            published = members[0].founded + timedelta(days=self.rng.randint(low, high))
            if published <= self.end and self._room(members):
                self._add("followup", members, ["followup"] * len(members), published,
                          variant="joint" if len(members) > 1 else "")

    def _roundups(self) -> None:
        """Reports of several units' task forces until enough pages report two or more."""
        cases = sorted(self.population.cases, key=lambda c: (c.founded, c.case_id))
        days = [c.founded.toordinal() for c in cases]
        window = self.mix["roundup_window_days"]
        sizes = {str(k): float(v) for k, v in self.mix["roundup_sizes"].items()}
        attempts = 0
        while not self._enough_multi() and attempts < 20 * len(cases) + 100:
            attempts += 1
            seed_case = self.rng.choice(cases)
            if not self._room([seed_case]):
                continue
            low = bisect.bisect_left(days, seed_case.founded.toordinal() - window)
            high = bisect.bisect_right(days, seed_case.founded.toordinal() + window)
            size = int(pick(sizes, self.rng))
            members = [seed_case]
            for _ in range(4 * size):
                if len(members) == size:
                    break
                other = cases[self.rng.randrange(low, high)]
                if self._room([other]) and all(other.unit.name != m.unit.name
                                               for m in members):
                    members.append(other)
            if len(members) < 2:
                continue
            latest = max(self._first.get(c.case_id, c.founded) for c in members)
            published = latest + timedelta(days=self.rng.randint(1, 10))
            if published > self.end:
                continue
            members.sort(key=lambda c: c.case_id)
            self._add("list", members, ["list"] * len(members), published, variant="roundup")

    def _distractors_needed(self) -> int:
        share = self.mix["distractor_share"]
        return math.ceil(share * len(self.pages) / (1 - share)) + 1

    def _enough_multi(self) -> bool:
        total = len(self.pages) + self._distractors_needed()
        return self._multi >= self.mix["multi_case_page_share"] * total

    def _add_distractors(self) -> None:
        span = (self.end - self.start).days
        for _ in range(self._distractors_needed()):
            kind = self.distractors.draw_kind(self.rng)
            day = self.start + timedelta(days=self.rng.randint(0, span))
            self._add("distractor", [], ["distractor"], day, variant=kind)

    # ------------------------------------------------------------------ outlets
    def _news_outlet(self, province: str) -> Outlet:
        if not province or self.rng.random() < 0.15:
            return self.outlets.fixed[self.rng.choice(NATIONAL_NEWS)]
        return self.outlets.provincial(self.rng.choice(PROVINCIAL_NEWS), province)

    def _outlet(self, page: PagePlan) -> Outlet:
        if page.kind == "distractor":
            return self._distractor_outlet(self.distractors.place(str(page.seq)))
        unit = page.cases[0].unit
        if page.kind == "notice":
            return self.outlets.of_unit(unit)
        if page.kind in ("news", "followup") or page.variant == "batch":
            share = 0.35 if page.kind != "followup" else 0.5
            if self.rng.random() < share:
                return self.outlets.of_unit(unit)
            return self._news_outlet(unit.province)
        if page.kind == "repost":
            return self._repost_outlet(page.origin.outlet, unit.province)
        provinces = {c.unit.province for c in page.cases}
        if len(provinces) == 1 and "" not in provinces:
            return self._news_outlet(provinces.pop())
        return self.outlets.fixed[self.rng.choice(NATIONAL_NEWS)]

    def _repost_outlet(self, origin: Outlet, province: str) -> Outlet:
        for _ in range(10):
            if self.rng.random() < 0.6:
                outlet = self.outlets.fixed[self.rng.choice(REPOST_OUTLETS)]
            else:
                outlet = self._news_outlet(province)
            if outlet.host != origin.host:
                return outlet
        return self.outlets.fixed["qq" if origin.host != self.outlets.fixed["qq"].host
                                  else "netease"]

    def _distractor_outlet(self, place: Place) -> Outlet:
        """A site that would carry news of `place`: its government's, or a news outlet."""
        if self.rng.random() < 0.4:
            return self.outlets.government(place)
        if self.rng.random() < 0.3:
            keys = [k for k, o in self.outlets.fixed.items() if not o.traditional]
            return self.outlets.fixed[self.rng.choice(keys)]
        return self.outlets.provincial(self.rng.choice(PROVINCIAL_NEWS), place.province)

    # ------------------------------------------------------------------ encodings
    def _traditional(self) -> None:
        """Move a share of secondary pages to traditional-character outlets."""
        eligible = [p for p in self.pages if p.kind in ("repost", "followup", "distractor")
                    or p.variant == "roundup"]
        quota = min(len(eligible), round(self.mix["traditional_share"] * len(self.pages)))
        hk = [o for o in self.outlets.fixed.values() if o.traditional]
        for page in self.rng.sample(eligible, quota):
            page.outlet = self.rng.choice(hk)
            page.traditional = True

    def _charsets(self) -> None:
        """GBK/GB18030 for a share of pages on legacy-charset layouts, UTF-8 for the rest."""
        quota = math.ceil(self.mix["gbk_share"] * len(self.pages))
        keyed = []
        for page in self.pages:
            weight = 0.0 if page.traditional else self.renderer.gbk_weight(page.outlet.layout)
            if weight > 0:
                keyed.append((math.log(1.0 - self.rng.random()) / weight, page.seq))
        keyed.sort(reverse=True)
        gbk = {seq for _, seq in keyed[:quota]}
        for page in self.pages:
            page.charset = draw_charset(self.mix, page.seq in gbk, self.rng)

    def _titles_and_urls(self) -> None:
        seen: set[str] = set()
        for page in self.pages:
            rng = random.Random(f"{self.seed}:title:{page.seq}")
            page.title = self._title(page, rng)
            url = self.outlets.url(page.outlet, page.published, rng)
            while url in seen:
                url = self.outlets.url(page.outlet, page.published, rng)
            seen.add(url)
            page.url = url

    def _title(self, page: PagePlan, rng: random.Random) -> str:
        composer = self.composer
        if page.kind == "distractor":
            return self.distractors.title(page.variant, str(page.seq), page.published)
        if page.kind == "notice":
            return composer.notice_title(page.cases, rng)
        if page.kind == "repost":
            return page.origin.title
        if page.kind == "followup":
            return composer.followup_title(page.cases, rng)
        if page.variant == "roundup":
            return composer.roundup_title(page.cases, rng)
        return composer.news_title(page.cases, rng)
