"""The latent population of simulated task forces: exact published marginals, a plausible
joint structure (years, levels, ranks, units fit each topic) and every codebook field."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from pipeline.demo.allot import allot
from pipeline.demo.data import DEMO_DATA_DIR, read_yaml
from pipeline.demo.names import NameMaker, People
from pipeline.demo.targets import Marginals, largest_remainder, load_targets, scale_targets
from pipeline.demo.topics import EPIDEMIC, Task, Topic, load_topics
from pipeline.demo.units import Unit, UnitCatalog, pick

MAX_DRAWS = 200


@dataclass(eq=False)
class Case:
    """One simulated task force with its truth (the codebook fields) and report style."""

    topic: Topic
    year: int = 0
    level: str = ""
    leader_rank: str = ""
    case_id: str = ""
    task: str = ""
    name: str = ""
    named: bool = True
    unit: Unit | None = None
    leader_name: str = ""
    leader_title: str = ""
    founded: date = date.min
    batch_id: str = ""
    head_word: str = "组长"

    @property
    def domain(self) -> str:
        """The codebook domain of the case's topic."""
        return self.topic.domain

    def truth_row(self) -> dict[str, str]:
        """The row of truth/cases.csv."""
        unit = self.unit
        return {
            "case_id": self.case_id, "name": self.name, "unit": unit.name,
            "province": unit.province, "prefecture": unit.prefecture, "county": unit.county,
            "level": self.level, "domain": self.domain, "topic": self.topic.codebook_topic,
            "leader_rank": self.leader_rank, "leader_name": self.leader_name,
            "leader_title": self.leader_title, "founded": self.founded.isoformat(),
            "year": str(self.year),
        }


@dataclass
class Batch:
    """Task forces one unit set up together on one day."""

    batch_id: str
    kind: str
    unit: Unit
    founded: date
    cases: list[Case] = field(default_factory=list)


@dataclass
class Population:
    """All simulated task forces, sorted by case_id, and the batches among them."""

    cases: list[Case]
    batches: list[Batch]
    marginals: Marginals
    people: People


def place_key(unit: Unit) -> str:
    """Where a unit's posts are counted: its place (national organs share one namespace)."""
    return f"{unit.place.code}:{unit.place.name}" if unit.place else ""


class PopulationBuilder:
    """Builds a Population from the data files; one builder per seed."""

    def __init__(self, catalog: UnitCatalog, seed: int, start: date, end: date,
                 data_dir: Path = DEMO_DATA_DIR) -> None:
        self.catalog = catalog
        self.rng = random.Random(f"population:{seed}")
        self.start, self.end = start, end
        self.topics = load_topics(data_dir / "topics.yaml")
        self.targets = load_targets(data_dir / "targets.yaml")
        self.mix = read_yaml(data_dir / "corpus.yaml")
        self.people = People(NameMaker(data_dir / "names.yaml"))
        self._rank_weights = catalog.spec["rank_weights"]
        self._identities: set[tuple[str, str]] = set()
        self._provinces = [p.short for p in catalog.places["provincial"]]

    def build(self, n_cases: int) -> Population:
        """Draw `n_cases` task forces whose marginals equal the scaled published figures."""
        marginals = scale_targets(self.targets, n_cases, self.start, self.end)
        cases = self._skeletons(marginals)
        self._allot(cases, marginals)
        batches = self._form_batches(cases)
        in_batch = set()
        for batch in batches:
            self._settle_batch(batch)
            in_batch.update(id(case) for case in batch.cases)
        for case in cases:
            if id(case) not in in_batch:
                self._settle_single(case)
        cases.sort(key=lambda c: (c.founded, c.unit.name, c.task))
        width = max(4, len(str(len(cases))))
        for number, case in enumerate(cases, start=1):
            case.case_id = f"C{number:0{width}d}"
        for number, batch in enumerate(sorted(batches, key=lambda b: b.cases[0].case_id), 1):
            batch.batch_id = f"B{number:0{width}d}"
            for case in batch.cases:
                case.batch_id = batch.batch_id
            batch.cases.sort(key=lambda c: c.case_id)
        batches.sort(key=lambda b: b.batch_id)
        return Population(cases, batches, marginals, self.people)

    # ------------------------------------------------------------------ marginals
    def _skeletons(self, marginals: Marginals) -> list[Case]:
        """Cases with topics: domain counts exact, topics split by weight inside domains."""
        cases: list[Case] = []
        for domain, count in marginals.domain.items():
            topics = [t for t in self.topics.values() if t.domain == domain and t.code != EPIDEMIC]
            if domain == self.topics[EPIDEMIC].domain:
                cases += [Case(self.topics[EPIDEMIC]) for _ in range(marginals.epidemic)]
                count -= marginals.epidemic
            split = largest_remainder({t.code: t.weight for t in topics}, count)
            for code, number in split.items():
                cases += [Case(self.topics[code]) for _ in range(number)]
        self.rng.shuffle(cases)
        return cases

    def _allot(self, cases: list[Case], marginals: Marginals) -> None:
        """Years, then levels, then leader ranks, each with exact counts."""
        start, end = self.start, self.end
        years = allot(cases, marginals.year,
                      lambda c, y: c.topic.year_weight(y, start, end), self.rng, "year")
        for case, year in zip(cases, years, strict=True):
            case.year = year
        levels = allot(cases, marginals.level, self._level_weight, self.rng, "level")
        for case, level in zip(cases, levels, strict=True):
            case.level = level
        ranks = allot(cases, marginals.leader_rank, self._rank_weight, self.rng, "leader_rank")
        for case, rank in zip(cases, ranks, strict=True):
            case.leader_rank = rank

    def _level_weight(self, case: Case, level: str) -> float:
        """The topic's weight for `level`, 0 where no unit kind could set it up."""
        weight = case.topic.levels.get(level, 0.0)
        if weight and not any(self.catalog.kinds_for(level, rank, case.topic)
                              for rank in self._rank_weights[level]):
            return 0.0
        return weight

    def _rank_weight(self, case: Case, rank: str) -> float:
        if not self.catalog.kinds_for(case.level, rank, case.topic):
            return 0.0
        return self._rank_weights[case.level][rank] * case.topic.ranks.get(rank, 1.0)

    # ------------------------------------------------------------------ batches
    def _form_batches(self, cases: list[Case]) -> list[Batch]:
        """Group some cases of one level and year into batches (shared unit and date)."""
        spec = self.mix["batches"]
        quota = round(spec["case_share"] * len(cases))
        command_quota = round(spec["command_share"] * quota)
        sizes = {int(k): float(v) for k, v in spec["sizes"].items()}
        command = [c for c in cases if c.topic.code == EPIDEMIC
                   and c.leader_rank in spec["command_ranks"]]
        many = [c for c in cases if c.topic.code != EPIDEMIC and c.level != "national"
                and c.leader_rank in spec["many_ranks"]]
        batches = self._group(command, "command", command_quota, sizes)
        batches += self._group(many, "many", quota - sum(len(b.cases) for b in batches), sizes)
        return batches

    def _group(self, cases: list[Case], kind: str, quota: int,
               sizes: dict[int, float]) -> list[Batch]:
        buckets: dict[tuple[str, int], list[Case]] = defaultdict(list)
        for case in cases:
            buckets[(case.level, case.year)].append(case)
        keys = sorted(buckets, key=lambda k: (k[1], k[0]))
        batches: list[Batch] = []
        placed = 0
        stalled = 0
        big = self.mix["batches"]["big"]
        first = big["first_size"] if kind == "many" else 0
        while placed < quota and stalled < 50:
            size = first or int(pick({str(s): w for s, w in sizes.items()}, self.rng))
            first = 0
            eligible = [k for k in keys if len(buckets[k]) >= 2
                        and (size < big["min_size"] or k[0] == big["level"])]
            if not eligible:
                stalled += 1
                continue
            bucket = buckets[self.rng.choices(eligible, [len(buckets[k]) for k in eligible])[0]]
            size = min(size, quota - placed, len(bucket))
            batch = self._try_batch(bucket, kind, size) if size >= 2 else None
            if batch is None:
                stalled += 1
                continue
            stalled = 0
            batches.append(batch)
            placed += len(batch.cases)
            for case in batch.cases:
                bucket.remove(case)
        return batches

    def _try_batch(self, bucket: list[Case], kind: str, size: int) -> Batch | None:
        """A batch of up to `size` cases around a random seed case, or None if under two fit."""
        seed_case = self.rng.choice(bucket)
        level = seed_case.level
        founded = self._draw_date(seed_case.topic, seed_case.year)
        unit = self._batch_unit(kind, level, seed_case)
        if unit is None:
            return None
        members: list[Case] = []
        groups: set[str] = set()
        chosen: list[Task] = []
        candidates = [seed_case] + [c for c in bucket if c is not seed_case]
        for case in candidates:
            if len(members) == size:
                break
            window = case.topic.window(case.year, self.start, self.end)
            if window is None or not window[0] <= founded <= window[1]:
                continue
            if kind == "many" and case.topic.code in {m.topic.code for m in members}:
                continue
            if unit.kind == "party" and case.leader_rank not in ("principal", "deputy_in_charge"):
                continue
            task = self._free_task(case.topic, founded, level, unit, groups)
            if task is None:
                continue
            groups.add(task.group)
            chosen.append(task)
            members.append(case)
        if len(members) < 2:
            return None
        for case, task in zip(members, chosen, strict=True):
            case.task = task.phrase
            self._identities.add(self._identity(unit, task))
        return Batch("", kind, unit, founded, members)

    def _batch_unit(self, kind: str, level: str, seed_case: Case) -> Unit | None:
        if kind == "command":
            unit_kind = "national_organ" if level == "national" else "command"
        else:
            unit_kind = "government" if self.rng.random() < 0.75 else "party"
        return self.catalog.make_unit(unit_kind, level, seed_case.topic, self.rng)

    def _settle_batch(self, batch: Batch) -> None:
        for case in batch.cases:
            case.unit = batch.unit
            case.founded = batch.founded
            case.name = case.task + "工作专班"
            self._leader(case)
            case.head_word = batch.cases[0].head_word

    # ------------------------------------------------------------------ single cases
    def _settle_single(self, case: Case) -> None:
        """Unit, date, task, name and leader of a case outside any batch."""
        kinds = self.catalog.kinds_for(case.level, case.leader_rank, case.topic)
        for attempt in range(MAX_DRAWS):
            unit = self.catalog.make_unit(pick(kinds, self.rng), case.level, case.topic,
                                          self.rng)
            founded = self._draw_date(case.topic, case.year)
            task = self._free_task(case.topic, founded, case.level, unit, set(),
                                   qualify=attempt >= MAX_DRAWS // 2)
            if task is not None:
                break
        else:
            raise RuntimeError(f"no free unit for a {case.topic.code} task force at "
                               f"{case.level} level after {MAX_DRAWS} draws; add task phrases "
                               "or places in data/demo")
        self._identities.add(self._identity(unit, task))
        case.unit, case.founded, case.task = unit, founded, task.phrase
        case.named = self.rng.random() >= self.mix["unnamed_share"]
        suffix = self.rng.choice(case.topic.name_suffixes) if case.named else "工作专班"
        case.name = task.phrase + suffix
        self._leader(case)

    def _draw_date(self, topic: Topic, year: int) -> date:
        window = topic.window(year, self.start, self.end)
        if window is None:
            raise ValueError(f"topic {topic.code} cannot be founded in {year}")
        low, high = window
        return low + timedelta(days=self.rng.randint(0, (high - low).days))

    def _identity(self, unit: Unit, task: Task) -> tuple[str, str]:
        """What makes two task forces the same: the unit's place (or name) and the task group."""
        same_place = unit.kind in ("government", "party", "command") and unit.place is not None
        return (unit.place.code if same_place else unit.name, task.group)

    def _free_task(self, topic: Topic, founded: date, level: str, unit: Unit,
                   taken: set[str], qualify: bool = False) -> Task | None:
        """A task phrase for `unit` on `founded` that no other task force of the unit has;
        with `qualify`, a phrase narrowed to a part of the work (开发区招商引资) when the plain
        ones are all taken (large populations only)."""
        tasks = topic.tasks_for(founded, level)
        if qualify:
            words = self.mix["task_qualifiers"]["national" if level == "national" else "local"]
            word = self.rng.choice(words).format(province=self.rng.choice(self._provinces))
            tasks = [replace(t, phrase=word + t.phrase, group=word + t.group) for t in tasks]
        options = [t for t in tasks if t.group not in taken
                   and self._identity(unit, t) not in self._identities]
        return self.rng.choice(options) if options else None

    def _leader(self, case: Case) -> None:
        """Head of the task force: title of the case's rank and an invented name."""
        title = self.catalog.leader_title(case.unit, case.leader_rank, case.topic, self.rng)
        case.leader_title = title
        case.leader_name = self.people.holder(place_key(case.unit), title, self.rng)
        words = self.mix["head_words"]
        case.head_word = pick({k: float(v) for k, v in words.items()}, self.rng)


def build_population(catalog: UnitCatalog, seed: int, n_cases: int, start: date, end: date,
                     data_dir: Path = DEMO_DATA_DIR) -> Population:
    """The simulated population for `seed` (same seed, same population)."""
    return PopulationBuilder(catalog, seed, start, end, data_dir).build(n_cases)

