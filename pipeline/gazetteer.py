"""Administrative divisions of China (province, prefecture, county): lookup by code or name,
and place-name mentions in running text."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "data" / "gazetteer"
DIVISIONS_FILE = GAZETTEER_DIR / "divisions.csv"
CENTRAL_ORGANS_FILE = GAZETTEER_DIR / "central_organs.yaml"
LEVELS = ("province", "prefecture", "county")
MAX_NAME_LENGTH = 24

# Name tiers: an official name or alias beats a former name, which beats a short name.
OFFICIAL, FORMER, SHORT = 0, 1, 2


@dataclass(frozen=True)
class Division:
    """One row of divisions.csv."""

    code: str
    name: str
    short_name: str
    level: str
    type: str
    parent_code: str
    province: str
    prefecture: str
    county: str


@dataclass(frozen=True)
class PlaceMatch:
    """A place-name mention: text[start:end] names division."""

    start: int
    end: int
    text: str
    division: Division


@dataclass(frozen=True)
class MentionRules:
    """Settings for finding mentions, from mention_rules.yaml."""

    aliases_by_type: dict[str, list[str]]
    generic_names: frozenset[str]
    reject_bigrams: frozenset[str]
    organ_suffixes: tuple[str, ...]


class Gazetteer:
    """Divisions with a name index; see load_gazetteer for the usual way to get one."""

    def __init__(self, divisions: list[Division], former_names: dict[str, str],
                 rules: MentionRules) -> None:
        self.divisions = divisions
        self._rules = rules
        self._by_code = {d.code: d for d in divisions}
        self._children: dict[str, list[Division]] = defaultdict(list)
        for d in divisions:
            if d.parent_code:
                self._children[d.parent_code].append(d)
        self._names: dict[str, list[tuple[int, Division]]] = defaultdict(list)
        self._index_names(former_names)
        self._weak = {name for name, entries in self._names.items()
                      if len(name) < 3 or name in rules.generic_names
                      or all(tier == SHORT for tier, _ in entries)}
        self._trie: dict = {}
        for name in self._names:
            node = self._trie
            for char in name:
                node = node.setdefault(char, {})
            node[""] = name
        self._openings = {name[:2] for name in self._names}

    def _index_names(self, former_names: dict[str, str]) -> None:
        official = {d.name for d in self.divisions}
        for d in self.divisions:
            self._add(d.name, OFFICIAL, d)
            for template in self._rules.aliases_by_type.get(d.type, []):
                alias = template.format(short=d.short_name)
                if alias not in official:
                    self._add(alias, OFFICIAL, d)
            if len(d.short_name) >= 2:
                self._add(d.short_name, SHORT, d)
        for old_name, new_code in former_names.items():
            self._add(old_name, FORMER, self.by_code(new_code))

    def _add(self, name: str, tier: int, division: Division) -> None:
        entries = self._names[name]
        if any(d.code == division.code and t <= tier for t, d in entries):
            return
        entries[:] = [(t, d) for t, d in entries if d.code != division.code]
        entries.append((tier, division))

    def by_code(self, code: str) -> Division:
        """The division with this 6-digit code; KeyError if there is none."""
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"no division with code {code!r} in the gazetteer") from None

    def children(self, code: str) -> list[Division]:
        """Divisions whose parent is code (a province's list includes its directly
        administered counties)."""
        return list(self._children.get(code, []))

    def is_within(self, division: Division, ancestor: Division) -> bool:
        """True if division is ancestor itself or lies inside it."""
        current: Division | None = division
        while current is not None:
            if current.code == ancestor.code:
                return True
            current = self._by_code.get(current.parent_code)
        return False

    def lookup(self, name: str, within: Division | None = None) -> list[Division]:
        """Divisions named name (official name, alias, former name or short name),
        those inside within first, then by name tier and level."""
        entries = self._names.get(name, [])
        return [d for _, d in sorted(entries, key=lambda e: self._rank(e, within))]

    def _rank(self, entry: tuple[int, Division], within: Division | None) -> tuple:
        tier, d = entry
        outside = within is not None and not self.is_within(d, within)
        return (outside, tier, LEVELS.index(d.level), d.code)

    def resolve(self, name: str, within: Division | None = None) -> Division | None:
        """The one division name most likely means, or None if it is unknown or ambiguous."""
        return self._pick(self._names.get(name, []), within)

    def _pick(self, entries: list[tuple[int, Division]], within: Division | None,
              ) -> Division | None:
        """Best entry: inside within if any are, best name tier, then a unique highest level."""
        if within is not None:
            inside = [e for e in entries if self.is_within(e[1], within)]
            entries = inside or entries
        if not entries:
            return None
        best_tier = min(tier for tier, _ in entries)
        candidates = [d for tier, d in entries if tier == best_tier]
        top = min(LEVELS.index(d.level) for d in candidates)
        at_top = [d for d in candidates if LEVELS.index(d.level) == top]
        return at_top[0] if len(at_top) == 1 else None

    def find_all(self, text: str) -> list[PlaceMatch]:
        """Every place-name mention in text, left to right, longest first, not overlapping."""
        matches: list[PlaceMatch] = []
        previous: PlaceMatch | None = None
        i = 0
        openings = self._openings
        for start in range(len(text) - 1):
            if start < i or text[start:start + 2] not in openings:
                continue
            end, division = self._match_at(text, start, previous, matches)
            if end == start:
                continue
            previous = None
            if division is not None:
                previous = PlaceMatch(start, end, text[start:end], division)
                matches.append(previous)
            i = end
        return matches

    def _names_at(self, text: str, start: int) -> list[str]:
        """Indexed names that text has at start, longest first."""
        found = []
        node = self._trie
        for char in text[start:start + MAX_NAME_LENGTH]:
            node = node.get(char)
            if node is None:
                break
            if "" in node:
                found.append(node[""])
        return found[::-1]

    def _match_at(self, text: str, start: int, previous: PlaceMatch | None,
                  earlier: list[PlaceMatch]) -> tuple[int, Division | None]:
        """(end, division) of the mention at start; end == start if there is none, and
        division is None for a mention whose place stays ambiguous."""
        for name in self._names_at(text, start):
            end = start + len(name)
            if text[end - 1:end + 1] in self._rules.reject_bigrams:
                continue
            entries = self._names[name]
            if previous is not None and previous.end == start:
                inside = [e for e in entries if e[1] != previous.division
                          and self.is_within(e[1], previous.division)]
                entries = inside or entries
                linked_before = bool(inside)
            else:
                linked_before = False
            heads = self._heads_of_chain(text, end, entries)
            if not (linked_before or heads or self._stands_alone(name, text, end)):
                continue
            division = self._pick(heads or entries, previous.division if linked_before else None)
            if division is None:
                division = self._pick_from_context(heads or entries, earlier)
            return end, division
        return start, None

    def _stands_alone(self, name: str, text: str, end: int) -> bool:
        """Whether name counts as a mention without a chain: official names of three or more
        characters always, short names only before an organ suffix."""
        if name in self._rules.generic_names:
            return False
        return name not in self._weak or text.startswith(self._rules.organ_suffixes, end)

    def _heads_of_chain(self, text: str, end: int, entries: list[tuple[int, Division]],
                        ) -> list[tuple[int, Division]]:
        """Entries that contain a place named right after end (浙江|开化县, 宜昌|西陵)."""
        if end >= len(text):
            return []
        following = [d for name in self._names_at(text, end) for _, d in self._names[name]]
        return [e for e in entries
                if any(d.code != e[1].code and self.is_within(d, e[1]) for d in following)]

    def _pick_from_context(self, entries: list[tuple[int, Division]],
                           earlier: list[PlaceMatch]) -> Division | None:
        """Resolve an ambiguous name by the places mentioned before it, latest first."""
        for match in reversed(earlier):
            inside = [e for e in entries if self.is_within(e[1], match.division)]
            if inside:
                return self._pick(inside, None)
        return None


def place_fields(division: Division) -> dict[str, str]:
    """Province, prefecture and county names of a division, empty above its level."""
    return {"province": division.province, "prefecture": division.prefecture,
            "county": division.county}


@lru_cache(maxsize=2)
def central_organs(path: Path = CENTRAL_ORGANS_FILE) -> tuple[str, ...]:
    """Names of the central Party and state organs (full names and short forms, from
    central_organs.yaml), longest first."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise ValueError(f"{path}: expected groups of organ names (group: [name, ...])")
    names = {str(name).strip() for group in raw.values() for name in group if str(name).strip()}
    return tuple(sorted(names, key=lambda name: (-len(name), name)))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Gazetteer from divisions.csv (default: the project's data file), with renamed.csv and
    mention_rules.yaml from the same folder; cached per path."""
    return _load(Path(path) if path is not None else DIVISIONS_FILE)


@lru_cache(maxsize=4)
def _load(path: Path) -> Gazetteer:
    divisions = _read_divisions(path)
    former_names = _read_former_names(_beside(path, "renamed.csv"))
    rules = _read_rules(_beside(path, "mention_rules.yaml"))
    return Gazetteer(divisions, former_names, rules)


def _beside(path: Path, name: str) -> Path:
    """The file name next to path, or the project's copy if that folder has none."""
    local = path.with_name(name)
    return local if local.exists() else GAZETTEER_DIR / name


def _read_divisions(path: Path) -> list[Division]:
    columns = [f.name for f in fields(Division)]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}; "
                             "rebuild it with scripts/build_gazetteer.py")
        divisions = [Division(**{c: row[c] for c in columns}) for row in reader]
    seen: set[str] = set()
    for line, d in enumerate(divisions, start=2):
        if d.code in seen:
            raise ValueError(f"{path}, line {line}: code {d.code} appears twice")
        if d.level not in LEVELS:
            raise ValueError(f"{path}, line {line}: level {d.level!r} is not one of {LEVELS}")
        seen.add(d.code)
    return divisions


def _read_former_names(path: Path) -> dict[str, str]:
    """Former name -> code of the division that carries it on now."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["old_name"]: row["new_code"] for row in csv.DictReader(handle)}


def _read_rules(path: Path) -> MentionRules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return MentionRules(
            aliases_by_type={k: list(v) for k, v in raw["aliases_by_type"].items()},
            generic_names=frozenset(raw["generic_names"]),
            reject_bigrams=frozenset(raw["reject_bigrams"]),
            organ_suffixes=tuple(raw["organ_suffixes"]),
        )
    except KeyError as err:
        raise ValueError(f"{path}: missing key {err}; see data/gazetteer/README.md") from None
