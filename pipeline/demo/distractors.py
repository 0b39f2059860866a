"""Distractor pages: text that mentions 专班 in senses the codebook excludes, or no 专班 at
all, so a correct coder finds no case in them (data/demo/distractors.yaml)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from pipeline.demo.data import DEMO_DATA_DIR, read_yaml
from pipeline.demo.names import NameMaker
from pipeline.demo.pages import Article, Para, date_text
from pipeline.demo.topics import Topic
from pipeline.demo.units import Place, UnitCatalog, pick


class DistractorWriter:
    """Writes distractor pages; the same (kind, key) always gives the same page."""

    def __init__(self, catalog: UnitCatalog, topics: dict[str, Topic], seed: int,
                 data_dir: Path = DEMO_DATA_DIR) -> None:
        self.spec = read_yaml(data_dir / "distractors.yaml")
        self.catalog = catalog
        self.topics = [topics[code] for code in sorted(topics)]
        self.names = NameMaker(data_dir / "names.yaml")
        self.seed = seed

    @property
    def kinds(self) -> dict[str, float]:
        """Distractor kinds and their weights."""
        return {kind: float(entry["weight"]) for kind, entry in self.spec["kinds"].items()}

    def draw_kind(self, rng: random.Random) -> str:
        """One distractor kind, by weight."""
        return pick(self.kinds, rng)

    def place(self, key: str) -> Place:
        """The place the distractor page `key` is about (its outlet is chosen to match)."""
        rng = random.Random(f"{self.seed}:distractor:{key}")
        level = rng.choice(["provincial", "prefecture", "county", "county"])
        return self.catalog.draw_place(level, "government", rng)

    def fields(self, kind: str, key: str, published: date) -> dict[str, str]:
        """Template fields of the distractor page `key`: its page variant, a place, a leader,
        a task …; the same for its title and its body."""
        place = self.place(key)
        rng = random.Random(f"{self.seed}:distractor-fields:{key}")
        topic = rng.choice(self.topics)
        unit = self.catalog.make_unit("government", place.level, topic, rng, place=place)
        rank = rng.choice(["principal", "deputy_in_charge"])
        day = date.fromordinal(published.toordinal() - rng.randint(0, 3))
        brand = rng.choice(self.spec["brands"])
        short = place.short or place.name
        dept = self.catalog.lead_department(topic, place, rng)
        ptype = self.catalog.spec["place_types"][place.type]
        return {
            "variant": str(rng.randrange(len(self.spec["kinds"][kind]["pages"]))),
            "place": place.display, "gov": place.abbr + "政府", "abbr": place.abbr,
            "party": place.display + ptype["party_short"][len(ptype["abbr"]):],
            "leader": self.catalog.leader_title(unit, rank, topic, rng) + self.names.person(rng),
            "person": self.names.person(rng),
            "school": rng.choice(self.spec["schools"]).format(short=short),
            "brand": brand, "company": short + brand + rng.choice(self.spec["company_suffixes"]),
            "task": rng.choice(topic.tasks).phrase, "dept": place.abbr + dept.short,
            "date": date_text(day, published), "year": str(published.year),
            "n": str(rng.randint(20, 900)), "m": str(rng.randint(2, 12)),
            "k": str(rng.randint(2, 30)),
        }

    def _page(self, kind: str, values: dict[str, str]) -> dict:
        return self.spec["kinds"][kind]["pages"][int(values["variant"])]

    def title(self, kind: str, key: str, published: date) -> str:
        """Title of the distractor page."""
        values = self.fields(kind, key, published)
        return self._page(kind, values)["title"].format(**values)

    def article(self, kind: str, key: str, title: str, published: date,
                rng: random.Random) -> Article:
        """Body of the distractor page."""
        values = self.fields(kind, key, published)
        paras = [Para(text.format(**values)) for text in self._page(kind, values)["body"]]
        return Article(title, paras, source="", author=self.names.person(rng),
                       editor=self.names.person(rng), keywords=values["task"],
                       description=paras[0].text[:80])

    def related_title(self, rng: random.Random) -> str:
        """A generic government-news title for related-article boxes."""
        place = self.catalog.draw_place(rng.choice(["prefecture", "county"]), "government", rng)
        template = rng.choice(self.spec["related_generic"])
        return template.format(place=place.display, k=rng.randint(2, 9))
