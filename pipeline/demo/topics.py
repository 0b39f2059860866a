"""The task vocabulary of the simulated corpus (data/demo/topics.yaml) as typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.demo.data import DEMO_DATA_DIR, read_yaml

DOMAINS = ("politics_admin", "economy_infrastructure", "edu_sci_culture_health",
           "society_livelihood", "ecology_environment")
LEVELS = ("national", "provincial", "prefecture", "county")
RANKS = ("principal", "deputy_in_charge", "dept_head", "dept_deputy", "non_leader")
EPIDEMIC = "epidemic"


@dataclass(frozen=True)
class Task:
    """One task phrase (招商引资) with the dates and levels it may be used for; phrases of one
    group are synonyms."""

    phrase: str
    start: date | None
    end: date | None
    levels: tuple[str, ...]
    group: str

    def fits(self, day: date, level: str) -> bool:
        """Whether a task force founded on `day` at `level` may carry this task."""
        return ((self.start is None or day >= self.start) and (self.end is None or day <= self.end)
                and (not self.levels or level in self.levels))


@dataclass(frozen=True)
class Topic:
    """A codebook topic with its allotment weights and wording."""

    code: str
    codebook_topic: str
    domain: str
    weight: float
    start: date | None
    end: date | None
    years: dict[int, float]
    levels: dict[str, float]
    ranks: dict[str, float]
    departments: tuple[str, ...]
    unit_kinds: dict[str, float]
    name_suffixes: tuple[str, ...]
    tasks: tuple[Task, ...]
    duties: tuple[str, ...]

    def window(self, year: int, start: date, end: date) -> tuple[date, date] | None:
        """First and last founding date allowed in `year` inside the corpus window, or None."""
        low = max(date(year, 1, 1), start, self.start or start)
        high = min(date(year, 12, 31), end, self.end or end)
        return (low, high) if low <= high else None

    def year_weight(self, year: int, start: date, end: date) -> float:
        """Weight of founding this topic's task force in `year` (0 if the year is impossible)."""
        return self.years.get(year, 1.0) if self.window(year, start, end) else 0.0

    def tasks_for(self, day: date, level: str) -> list[Task]:
        """Task phrases usable for a task force founded on `day` at `level`."""
        return [task for task in self.tasks if task.fits(day, level)]


def _date(value: object, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not an ISO date") from None


def load_topics(path: Path = DEMO_DATA_DIR / "topics.yaml") -> dict[str, Topic]:
    """Read and check topics.yaml; every topic keeps one unrestricted task phrase."""
    raw = read_yaml(path)
    default_suffixes = tuple(raw["default_name_suffixes"])
    topics: dict[str, Topic] = {}
    for code, entry in raw["topics"].items():
        where = f"{path}: topic {code}"
        if entry["domain"] not in DOMAINS:
            raise ValueError(f"{where}: unknown domain {entry['domain']!r}; use one of {DOMAINS}")
        levels = {str(k): float(v) for k, v in entry.get("levels", {}).items()}
        ranks = {str(k): float(v) for k, v in entry.get("ranks", {}).items()}
        for key in levels:
            if key not in LEVELS:
                raise ValueError(f"{where}: unknown level {key!r}")
        for key in ranks:
            if key not in RANKS:
                raise ValueError(f"{where}: unknown leader rank {key!r}")
        tasks = tuple(
            Task(str(t["task"]), _date(t.get("start"), where), _date(t.get("end"), where),
                 tuple(t.get("levels", ())), str(t.get("group", t["task"])))
            for t in entry["tasks"]
        )
        if not any(t.start is None and t.end is None and not t.levels for t in tasks):
            raise ValueError(f"{where}: needs at least one task without start, end or levels")
        topics[code] = Topic(
            code=code, codebook_topic=str(entry.get("codebook_topic", code)),
            domain=entry["domain"], weight=float(entry.get("weight", 0.0)),
            start=_date(entry.get("start"), where), end=_date(entry.get("end"), where),
            years={int(k): float(v) for k, v in entry.get("years", {}).items()},
            levels=levels, ranks=ranks,
            departments=tuple(entry.get("departments", ())),
            unit_kinds={str(k): float(v) for k, v in entry.get("unit_kinds", {}).items()},
            name_suffixes=tuple(entry.get("name_suffixes", default_suffixes)),
            tasks=tasks, duties=tuple(entry["duties"]),
        )
    if EPIDEMIC not in topics or topics[EPIDEMIC].domain != "edu_sci_culture_health":
        raise ValueError(f"{path}: needs the topic {EPIDEMIC!r} in edu_sci_culture_health")
    return topics
