"""Invented personal names (surname + given name) from the lists in data/demo/names.yaml, and
who holds which post."""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.demo.data import DEMO_DATA_DIR, read_yaml

SHARED_POSTS = ("副", "科员", "调研员", "工作人员")


def post(title: str) -> str:
    """The post a title names: a Party secretary's, else the last one without Party-group roles
    (县委书记、县人大常委会主任 → 县委书记, 市公安局党组书记、局长 → 市公安局局长)."""
    for role in ("党组书记、", "党委书记、", "党组成员、"):
        title = title.replace(role, "")
    parts = title.split("、")
    for part in parts:
        if part.endswith("书记") and not any(w in part for w in ("副", "政法委", "纪委")):
            return part
    return parts[-1]


class NameMaker:
    """Draws invented names; no name refers to a real person."""

    def __init__(self, path: Path = DEMO_DATA_DIR / "names.yaml") -> None:
        raw = read_yaml(path)
        self._surnames = list(raw["surnames"])
        self._surname_weights = [float(w) for w in raw["surnames"].values()]
        self._characters = raw["given_characters"].split()
        self._two = float(raw["two_character_share"])
        if not self._surnames or len(self._characters) < 10:
            raise ValueError(f"{path}: needs surnames and at least 10 given-name characters")

    def person(self, rng: random.Random) -> str:
        """One invented full name such as 张伟 or 欧阳晓梅."""
        surname = rng.choices(self._surnames, self._surname_weights)[0]
        size = 2 if rng.random() < self._two else 1
        return surname + "".join(rng.choice(self._characters) for _ in range(size))


class People:
    """One invented holder per post that one person holds (县长, 市发改委主任) in each place;
    a fresh name for posts several people hold (副县长, 科员)."""

    def __init__(self, names: NameMaker) -> None:
        self.names = names
        self._holders: dict[tuple[str, str], str] = {}

    def holder(self, place_key: str, title: str, rng: random.Random) -> str:
        """The name of whoever holds `title` in the place `place_key`."""
        held = post(title)
        if any(word in held for word in SHARED_POSTS):
            return self.names.person(rng)
        key = (place_key, held)
        if key not in self._holders:
            self._holders[key] = self.names.person(rng)
        return self._holders[key]
