"""Establishing units of the simulated task forces: real places from the gazetteer, their
organs (governments, Party committees, departments, courts …) and their leaders' titles."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from pipeline.demo.data import DEMO_DATA_DIR, read_csv, read_yaml
from pipeline.demo.topics import Topic
from pipeline.gazetteer import Division, Gazetteer

CODEBOOK_LEVEL = {"province": "provincial", "prefecture": "prefecture", "county": "county"}


@dataclass(frozen=True)
class Place:
    """A place whose organs set up task forces (a division, or a township below a county)."""

    code: str
    name: str
    short: str
    type: str
    level: str
    province: str
    prefecture: str
    county: str
    abbr: str
    prefix: str
    site_codes: tuple[str, ...]

    @property
    def names(self) -> tuple[str, str, str]:
        """(province, prefecture, county) names, empty above the place's level."""
        if self.level == "provincial":
            return (self.province, "", "")
        return (self.province, self.prefecture, self.county if self.level == "county" else "")

    @property
    def display(self) -> str:
        """The place as a report first names it, with its parent where the name is ambiguous."""
        return self.prefix + self.name


@dataclass(frozen=True)
class Department:
    """A government department as a place of a given style names it."""

    key: str
    name: str
    short: str
    head: str
    deputy: str


@dataclass(frozen=True)
class Unit:
    """An organisation that sets up task forces, with the forms reports use for it."""

    name: str
    kind: str
    level: str
    province: str
    prefecture: str
    county: str
    text: str
    short: str
    place: Place | None
    department: Department | None
    host: str

    @property
    def abbr(self) -> str:
        """The place word of relative titles (市, 县 …); empty for national organs."""
        return self.place.abbr if self.place else ""


class UnitCatalog:
    """Draws establishing units and leader titles from units.yaml and the gazetteer."""

    def __init__(self, gazetteer: Gazetteer, favoured: Iterable[tuple[str, str, str]] = (),
                 data_dir: Path = DEMO_DATA_DIR) -> None:
        """`favoured`: (province, prefecture, county) names of places drawn ten times as often
        (those with a web site of their own in gov_sites.csv)."""
        self.spec = read_yaml(data_dir / "units.yaml")
        self._types = self.spec["place_types"]
        self._gazetteer = gazetteer
        favoured = set(favoured)
        self.places: dict[str, list[Place]] = {"provincial": [], "prefecture": [], "county": []}
        for division in sorted(gazetteer.divisions, key=lambda d: d.code):
            place = self._place(division)
            if place is not None:
                self.places[place.level].append(place)
        self._cum_weights = {
            level: list(accumulate(10.0 if p.names in favoured else 1.0 for p in places))
            for level, places in self.places.items()}
        self.townships = [self._township(row, data_dir / "townships.csv")
                          for row in read_csv(data_dir / "townships.csv")]
        self._district_places = [p for p in self.places["county"]
                                 if p.type == "市辖区" and p.prefecture]

    # ------------------------------------------------------------------ places
    def _place(self, division: Division) -> Place | None:
        kind = self._types.get(division.type)
        if (kind is None or division.type in self.spec["excluded_place_types"]
                or division.province in self.spec["excluded_provinces"]):
            return None
        return Place(
            code=division.code, name=division.name, short=division.short_name,
            type=division.type, level=CODEBOOK_LEVEL[division.level],
            province=division.province, prefecture=division.prefecture,
            county=division.county, abbr=kind["abbr"], prefix=self._prefix(division),
            site_codes=self._ancestry(division),
        )

    def _prefix(self, division: Division) -> str:
        """Parent name to put before a county whose name several counties share."""
        if division.level != "county":
            return ""
        namesakes = [d for d in self._gazetteer.lookup(division.name) if d.name == division.name]
        if len(namesakes) < 2:
            return ""
        return division.prefecture or division.province

    def _ancestry(self, division: Division) -> tuple[str, ...]:
        codes = [division.code]
        while codes[-1] and self._gazetteer.by_code(codes[-1]).parent_code:
            codes.append(self._gazetteer.by_code(codes[-1]).parent_code)
        return tuple(codes)

    def _township(self, row: dict[str, str], path: Path) -> Place:
        matches = [d for d in self._gazetteer.divisions
                   if d.province == row["province"] and d.prefecture == row["prefecture"]
                   and d.county == row["county"]]
        if len(matches) != 1:
            raise ValueError(f"{path}: {row['province']}/{row['prefecture']}/{row['county']} "
                             f"matches {len(matches)} gazetteer divisions, expected 1")
        parent = matches[0]
        township = row["township"]
        kind = "街道" if township.endswith("街道") else township[-1]
        return Place(
            code=parent.code, name=parent.name + township, short=township, type=kind,
            level="county", province=parent.province, prefecture=parent.prefecture,
            county=parent.county, abbr=kind, prefix="", site_codes=self._ancestry(parent),
        )

    def draw_place(self, level: str, kind: str, rng: random.Random) -> Place:
        """A random place at `level` where a unit of `kind` can sit."""
        if kind == "township":
            return rng.choice(self.townships)
        if kind == "sub_bureau":
            return rng.choice(self._district_places)
        return rng.choices(self.places[level], cum_weights=self._cum_weights[level])[0]

    # ------------------------------------------------------------------ kinds
    def kinds_for(self, level: str, rank: str, topic: Topic) -> dict[str, float]:
        """Unit kinds that may set up `topic` at `level` headed by `rank`, with weights."""
        allowed = sorted(set(self.spec["default_kinds"]) | set(topic.unit_kinds))
        weights: dict[str, float] = {}
        for kind in allowed:
            spec = self.spec["kinds"][kind]
            weight = float(spec["ranks"].get(rank, 0.0)) * topic.unit_kinds.get(kind, 1.0)
            if level not in spec["levels"] or weight <= 0:
                continue
            if kind == "national_organ" and not self._organs_for(topic):
                continue
            weights[kind] = weight
        return weights

    def _organs_for(self, topic: Topic) -> list[dict]:
        return [o for o in self.spec["national_organs"] if topic.code in o["topics"]]

    # ------------------------------------------------------------------ units
    def department(self, key: str, place: Place) -> Department:
        """Department `key` as named at `place` (厅 in provinces, 局/委 elsewhere)."""
        style = self._types[place.type]["dept_style"] if place.type in self._types else "city"
        spec = self.spec["departments"][key][style]
        return Department(key, spec["name"], spec["short"], spec["head"], spec["deputy"])

    def lead_department(self, topic: Topic, place: Place, rng: random.Random) -> Department:
        """The department that leads `topic`'s work at `place`."""
        keys = list(topic.departments) or [self.spec["fallback_department"]]
        return self.department(rng.choice(keys), place)

    def make_unit(self, kind: str, level: str, topic: Topic, rng: random.Random,
                  place: Place | None = None) -> Unit:
        """A unit of `kind` at `level` for `topic` (at `place` when given)."""
        if kind == "national_organ":
            organ = rng.choice(self._organs_for(topic))
            return Unit(organ["name"], kind, "national", "", "", "", organ["short"],
                        organ["short"], None, None, organ["host"])
        if kind == "university":
            return self._university(rng)
        if place is None:
            place = self.draw_place(level, kind, rng)
        fields = {"province": place.province,
                  "prefecture": place.prefecture if level != "provincial" else "",
                  "county": place.county if level == "county" else ""}
        ptype = self._types.get(place.type)
        if kind == "township":
            return Unit(place.name, kind, "county", **fields, text=place.name, short=place.short,
                        place=place, department=None, host="")
        if kind == "government":
            name = ptype["government"].format(name=place.name)
            return Unit(name, kind, level, **fields, text=place.display + self._gov_word(place),
                        short=self._gov_word(place, relative=True), place=place,
                        department=None, host="")
        if kind == "party":
            suffix = ptype["party_short"][len(ptype["abbr"]):]
            return Unit(ptype["party"].format(name=place.name), kind, level, **fields,
                        text=place.display + suffix, short=ptype["party_short"], place=place,
                        department=None, host="")
        if kind == "department":
            dept = self.lead_department(topic, place, rng)
            return Unit(place.name + dept.name, kind, level, **fields,
                        text=place.display + dept.short, short=place.abbr + dept.short,
                        place=place, department=dept, host="")
        if kind == "sub_bureau":
            name = f"{place.prefecture}公安局{place.short}分局"
            dept = Department("sub_bureau", "分局", f"{place.short}分局", "局长", "副局长")
            return Unit(name, kind, "county", **fields, text=name, short=f"{place.short}分局",
                        place=place, department=dept, host="")
        if kind == "court":
            court = self.spec["courts"][level]
            titles = self.spec["court_titles"]
            dept = Department("court", court["name"], place.abbr + court["short"],
                              titles["head"], titles["deputy"])
            name = place.name + court["name"]
            return Unit(name, kind, level, **fields, text=place.display + court["name"],
                        short=place.abbr + court["short"], place=place, department=dept,
                        host="")
        if kind == "legislature":
            spec = self.spec["legislature"]
            committee = rng.choice(spec["committees"])
            short = spec["short"].format(abbr=place.abbr)
            dept = Department("legislature", committee,
                              short + spec["committee_short"][committee],
                              spec["head"], spec["deputy"])
            return Unit(spec["name"].format(name=place.name), kind, level, **fields,
                        text=place.name + short[len(place.abbr):], short=short, place=place,
                        department=dept, host="")
        if kind == "command":
            name = rng.choice(self.spec["command"]["names"]).format(name=place.name)
            return Unit(name, kind, level, **fields, text=name,
                        short=name[len(place.name):], place=place, department=None, host="")
        raise ValueError(f"unknown unit kind {kind!r}; see data/demo/units.yaml kinds")

    def _gov_word(self, place: Place, relative: bool = False) -> str:
        """政府 / 行署 after a place (县政府), with the place word when relative."""
        word = "行署" if place.type == "盟" else "政府"
        return place.abbr + word if relative else word

    def _university(self, rng: random.Random) -> Unit:
        entry = rng.choice(self.spec["universities"])
        province = entry["province"]
        place = next(p for p in self.places["provincial"] if p.name == province)
        titles = self.spec["university_titles"]
        dept = Department("university", entry["name"], entry["name"], titles["head"],
                          titles["deputy"])
        return Unit(entry["name"], "university", "provincial", province, "", "",
                    text=f"{place.short}{place.abbr}属高校{entry['name']}", short=entry["name"],
                    place=place, department=dept, host=entry["host"])

    # ------------------------------------------------------------------ titles
    def leader_title(self, unit: Unit, rank: str, topic: Topic, rng: random.Random) -> str:
        """A title of the rank `rank` for the head of a task force that `unit` sets up."""
        titles = self.spec["titles"]
        if unit.kind == "national_organ":
            organ = next(o for o in self.spec["national_organs"] if o["name"] == unit.name)
            return rng.choice(organ["head"] if rank == "dept_head" else organ["deputy"])
        if unit.kind == "township":
            spec = self.spec["township"]
            if rank == "non_leader":
                return unit.place.type + rng.choice(spec["non_leader"])
            return rng.choice(spec[unit.place.type][rank])
        if rank in ("principal", "deputy_in_charge"):
            family = "party" if unit.kind == "party" else "government"
            patterns = [p if isinstance(p, str) else p["pattern"] for p in titles[rank][family]
                        if isinstance(p, str) or topic.domain in p["domains"]]
            return self._fill(rng.choice(patterns), unit.place, None)
        if unit.kind in ("university", "court", "legislature", "sub_bureau"):
            dept = unit.department
            prefix = "" if unit.kind == "university" else dept.short
            if rank == "non_leader":
                return prefix + rng.choice(self.spec["non_leader_titles"])
            return prefix + (dept.head if rank == "dept_head" else dept.deputy)
        dept = (unit.department if unit.kind == "department"
                else self.lead_department(topic, unit.place, rng))
        return self._fill(rng.choice(titles[rank]["department"]), unit.place, dept, rng)

    def _fill(self, pattern: str, place: Place, dept: Department | None,
              rng: random.Random | None = None) -> str:
        ptype = self._types[place.type]
        values = {"abbr": place.abbr, "party": ptype["party_short"],
                  "gov_head": ptype["gov_head"], "gov_deputy": ptype["gov_deputy"]}
        if dept is not None:
            values.update(dept=place.abbr + dept.short, dept_head=dept.head,
                          dept_deputy=dept.deputy)
        if "{grade}" in pattern and rng is not None:
            values["grade"] = rng.choice(self.spec["non_leader_titles"])
        return pattern.format(**values)

    def member_units(self, place: Place, rng: random.Random, size: int) -> list[str]:
        """Short names of `size` departments of `place` (the member units of a task force)."""
        keys = sorted(self.spec["departments"])
        return [place.abbr + self.department(k, place).short
                for k in rng.sample(keys, min(size, len(keys)))]


def pick(weights: dict[str, float], rng: random.Random) -> str:
    """One key of `weights`, drawn by weight (keys in a stable order)."""
    keys: Sequence[str] = sorted(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]
