"""Texts of the simulated reports (notices, news, follow-ups, round-ups) from the sentence
templates in data/demo/texts.yaml; every founding report states unit, task and head."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.demo.data import DEMO_DATA_DIR, read_yaml
from pipeline.demo.names import NameMaker, People, post
from pipeline.demo.population import Case, place_key
from pipeline.demo.units import Unit, UnitCatalog

CN_NUMBERS = "一二三四五六七八九十"
OWN_HEAD_KINDS = ("department", "sub_bureau", "court", "legislature", "university")
DEPUTY_RANK = {"principal": "deputy_in_charge", "deputy_in_charge": "dept_head",
               "dept_head": "dept_deputy", "dept_deputy": "dept_deputy",
               "non_leader": "non_leader"}


@dataclass(frozen=True)
class Para:
    """One paragraph of an article body."""

    text: str
    align: str = ""


@dataclass
class Article:
    """The visible content of a page, before it goes into a layout."""

    title: str
    paras: list[Para]
    source: str
    author: str = ""
    editor: str = ""
    keywords: str = ""
    description: str = ""
    doc: dict[str, str] | None = None
    page_no: str = "01"


def cn_number(number: int) -> str:
    """Chinese numeral for 1–99 (一, 十二, 二十三)."""
    tens, ones = divmod(number, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else CN_NUMBERS[tens - 1] + "十"))
    return text + (CN_NUMBERS[ones - 1] if ones else "")


def date_text(day: date, reference: date) -> str:
    """3月5日 when `day` is in the year of `reference`, else 2020年3月5日."""
    if day.year == reference.year:
        return f"{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def full_date(day: date) -> str:
    """2020年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


class Composer:
    """Writes titles and bodies; the same case always gets the same crew (deputies, chair …)."""

    def __init__(self, catalog: UnitCatalog, people: People, seed: int,
                 data_dir: Path = DEMO_DATA_DIR) -> None:
        self.texts = read_yaml(data_dir / "texts.yaml")
        self.catalog = catalog
        self.people = people
        self.names = NameMaker(data_dir / "names.yaml")
        self.mix = read_yaml(data_dir / "corpus.yaml")
        self.seed = seed
        self._crews: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ fields
    def fields(self, case: Case) -> dict[str, str]:
        """Template fields of one task force (cached: the same on every page)."""
        if case.case_id not in self._crews:
            self._crews[case.case_id] = self._make_fields(case)
        return self._crews[case.case_id]

    def _make_fields(self, case: Case) -> dict[str, str]:
        rng = random.Random(f"{self.seed}:crew:{case.case_id}")
        unit = case.unit
        place = unit.place
        ptype = self.catalog.spec["place_types"].get(place.type, {}) if place else {}
        head = case.leader_title + case.leader_name
        deputy_words = self.mix["deputy_words"][case.head_word]
        deputy = self._other_leader(case, DEPUTY_RANK[case.leader_rank], rng)
        office = self._office(case, rng)
        values = {
            "unit": unit.text, "unit_full": unit.name, "unit_short": unit.short,
            "place": place.display if place and unit.kind != "university" else unit.text,
            "abbr": unit.abbr or "", "gov": (place.abbr + "政府") if place else unit.short,
            "party": ptype.get("party_short", unit.short), "name": case.name, "task": case.task,
            "head": head, "head_title": case.leader_title, "head_name": case.leader_name,
            "head_word": case.head_word, "deputy_word": rng.choice(deputy_words),
            "deputy": "".join(deputy), "deputy_title": deputy[0], "deputy_name": deputy[1],
            "chair": "".join(self._chair(case, rng)),
            "lg": "".join(self._other_leader(case, "principal", rng)),
            "members": "、".join(self._members(unit, rng)),
            "duties": "，".join(rng.sample(case.topic.duties, min(3, len(case.topic.duties)))),
            "duty": rng.choice(case.topic.duties), "purpose": "",
            "office_dept": office[0], "office": office[1],
            "rel_name": (unit.abbr + case.name) if unit.abbr and rng.random() < 0.5
            else case.name,
            "issuer": self._issuer(unit, rng),
        }
        values["purpose"] = rng.choice(self.texts["notice"]["purposes"]).format(**values)
        return values

    def _other_leader(self, case: Case, rank: str, rng: random.Random,
                      unit: Unit | None = None) -> tuple[str, str]:
        """(title, name) of another leader of the case's unit (or of `unit`); never someone
        holding the head's post."""
        unit = unit or case.unit
        rank = self._fit_rank(unit, rank)
        head_post = post(case.leader_title)
        for _ in range(8):
            title = self.catalog.leader_title(unit, rank, case.topic, rng)
            if post(title) != head_post or "副" in post(title):
                return title, self.people.holder(place_key(unit), title, rng)
        title = self.catalog.leader_title(unit, self._fit_rank(unit, "dept_deputy"),
                                          case.topic, rng)
        return title, self.people.holder(place_key(unit), title, rng)

    def _fit_rank(self, unit: Unit, rank: str) -> str:
        """`rank`, or the nearest rank that leads task forces of the unit's kind."""
        allowed = [r for r, w in self.catalog.spec["kinds"][unit.kind]["ranks"].items() if w > 0]
        if unit.kind == "government":
            allowed = list(DEPUTY_RANK)
        if rank in allowed:
            return rank
        order = list(DEPUTY_RANK)
        return min(allowed, key=lambda r: (abs(order.index(r) - order.index(rank)), r))

    def _chair(self, case: Case, rng: random.Random) -> tuple[str, str]:
        """A leader who chairs a meeting but does not head the task force."""
        higher = {"dept_deputy": "dept_head", "non_leader": "dept_deputy",
                  "dept_head": "deputy_in_charge", "deputy_in_charge": "principal",
                  "principal": "deputy_in_charge"}[case.leader_rank]
        unit = case.unit
        if higher == "deputy_in_charge" and unit.kind in OWN_HEAD_KINDS and unit.place:
            government = self.catalog.make_unit("government", unit.place.level, case.topic,
                                                rng, place=unit.place)
            return self._other_leader(case, higher, rng, government)
        return self._other_leader(case, higher, rng)

    def _members(self, unit: Unit, rng: random.Random) -> list[str]:
        members = self.catalog.spec["member_units"]
        if unit.kind in members:
            return rng.sample(members[unit.kind], 3)
        return self.catalog.member_units(unit.place, rng, rng.randint(3, 6))

    def _office(self, case: Case, rng: random.Random) -> tuple[str, str]:
        """(where the task force's office sits, who directs it): a deputy of that department."""
        unit = case.unit
        person = self.names.person(rng)
        if unit.kind in OWN_HEAD_KINDS:
            dept = unit.department
            prefix = unit.short if unit.kind in ("department", "university") else dept.short
            return unit.short + "办公室", prefix + dept.deputy + person
        if unit.place is None:
            return "办公室", unit.short + "副主任" + person
        dept = self.catalog.lead_department(case.topic, unit.place, rng)
        short = unit.place.abbr + dept.short
        return short, short + dept.deputy + person

    def _issuer(self, unit: Unit, rng: random.Random) -> str:
        if unit.kind == "township":
            return unit.name + ("办事处" if unit.place.type == "街道" else "人民政府")
        if unit.kind == "government" and rng.random() < 0.5:
            return unit.name + ("办公厅" if unit.level == "provincial" else "办公室")
        if unit.kind == "party" and unit.place is not None:
            return "中共" + unit.text
        return unit.name

    # ------------------------------------------------------------------ titles
    def notice_title(self, cases: list[Case], rng: random.Random) -> str:
        """Title of a founding notice (one or several task forces)."""
        values = self._group_values(cases, rng)
        key = "batch_titles" if len(cases) > 1 else "titles"
        return rng.choice(self.texts["notice"][key]).format(**values)

    def news_title(self, cases: list[Case], rng: random.Random) -> str:
        """Title of a founding news report."""
        values = self._group_values(cases, rng)
        keys = {True: "titles", False: "unnamed_titles"}
        key = "batch_titles" if len(cases) > 1 else keys[cases[0].named]
        return rng.choice(self.texts["news"][key]).format(**values)

    def followup_title(self, cases: list[Case], rng: random.Random) -> str:
        """Title of a follow-up report."""
        values = self._group_values(cases, rng)
        values["n"] = rng.choice(self.texts["meeting_numbers"])
        key = "joint_titles" if len(cases) > 1 else "titles"
        return rng.choice(self.texts["followup"][key]).format(**values)

    def roundup_title(self, cases: list[Case], rng: random.Random) -> str:
        """Title of a round-up of several units' task forces."""
        return rng.choice(self.texts["roundup"]["titles"]).format(**self._roundup_values(cases))

    def _group_values(self, cases: list[Case], rng: random.Random) -> dict[str, str]:
        values = dict(self.fields(cases[0]))
        tasks = [c.task for c in cases]
        shown = tasks if len(tasks) <= 6 else tasks[:rng.randint(3, 5)]
        values["tasks"] = "、".join(shown)
        values["count"] = str(len(cases))
        if len(cases) > 1:
            values["purpose"] = rng.choice(["集中力量推进重点工作", "推动各项重点任务落地见效",
                                            "构建专班化推进工作格局"])
        return values

    def _roundup_values(self, cases: list[Case]) -> dict[str, str]:
        provinces = {c.unit.province for c in cases}
        region = provinces.pop() if len(provinces) == 1 and "" not in provinces else "全国"
        return {"task_hint": cases[0].task, "region": region}

    # ------------------------------------------------------------------ bodies
    def notice(self, cases: list[Case], title: str, published: date,
               rng: random.Random) -> Article:
        """A government notice founding one or several task forces; dated at the end."""
        texts = self.texts["notice"]
        first = cases[0]
        values = self._group_values(cases, rng)
        unit = first.unit
        values["approver"] = self._approver(unit, values, rng)
        number = self._doc_number(unit, first.founded, rng)
        paras = [Para(number, "center"), Para(texts["addressees"][self._addressee_key(unit)]
                                            .format(**values))]
        if len(cases) == 1:
            paras.append(Para(rng.choice(texts["openings"]).format(**values)))
            paras.append(Para(rng.choice(texts["composition_headings"])))
            paras += self._composition(first, rng)
            paras.append(Para(rng.choice(texts["duty_headings"])))
            duties = rng.sample(first.topic.duties, min(len(first.topic.duties), 4))
            paras += [Para(texts["duty_line"].format(number=cn_number(i), duty=d))
                      for i, d in enumerate(duties, start=1)]
        else:
            paras.append(Para(rng.choice(texts["batch_openings"]).format(**values)))
            for number_, case in enumerate(cases, start=1):
                paras.append(Para(texts["batch_section"].format(number=cn_number(number_),
                                                                 name=case.name)))
                paras += self._composition(case, rng, members=False)
                paras.append(Para(texts["batch_duty"].format(**self.fields(case))))
        paras.append(Para(rng.choice(texts["mechanism_headings"])))
        paras.append(Para(rng.choice(texts["mechanisms"])))
        if rng.random() < 0.6:
            paras.append(Para(rng.choice(texts["offices"]).format(**self.fields(first))))
        paras.append(Para(rng.choice(texts["closings"])))
        issuer = values["issuer"] if len(cases) == 1 else unit.name
        paras += [Para(issuer, "right"), Para(full_date(first.founded), "right")]
        doc = {"number": number, "issuer": issuer, "written": full_date(first.founded),
               "index_no": f"{self._code(unit)}/{first.founded.year}-{rng.randint(1, 99999):05d}",
               "category": rng.choice(self.texts["topic_categories"])}
        return Article(title, paras, source=issuer, editor=self.names.person(rng),
                       keywords=f"{first.task},工作专班", doc=doc,
                       description=title)

    def _composition(self, case: Case, rng: random.Random, members: bool = True) -> list[Para]:
        """Head, deputy and member lines; a 常务 deputy is sometimes listed first."""
        values = self.fields(case)
        style = rng.choice(self.texts["notice"]["person_lines"])
        head = Para(style.format(word=case.head_word, name=case.leader_name,
                                 title=case.leader_title))
        deputy = Para(style.format(word=values["deputy_word"], name=values["deputy_name"],
                                   title=values["deputy_title"]))
        lines = [deputy, head] if "常务" in values["deputy_word"] and rng.random() < 0.3 \
            else [head, deputy]
        if members:
            lines.append(Para(rng.choice(self.texts["notice"]["member_lines"]).format(**values)))
        return lines

    def _approver(self, unit: Unit, values: dict[str, str], rng: random.Random) -> str:
        approvers = self.texts["notice"]["approvers"]
        key = unit.kind if unit.kind in approvers else "other"
        return rng.choice(approvers[key]).format(**values)

    def _addressee_key(self, unit: Unit) -> str:
        if unit.kind == "party":
            return f"party_{unit.level}"
        if unit.kind == "government":
            return unit.level
        if unit.kind == "national_organ":
            return "national"
        return unit.kind

    def _code(self, unit: Unit) -> str:
        return (unit.place.code if unit.place else "000014") + "349"

    def _doc_number(self, unit: Unit, founded: date, rng: random.Random) -> str:
        patterns = self.texts["notice"]["doc_numbers"]
        key = unit.kind if unit.kind in patterns else "other"
        if unit.kind == "national_organ":
            short = next(o["doc"] for o in self.catalog.spec["national_organs"]
                         if o["name"] == unit.name)
        elif unit.kind == "university":
            short = unit.name[:2]
        else:
            short = unit.place.short[0]
        dept = unit.department.short[:2] if unit.department else unit.short[-1]
        return rng.choice(patterns[key]).format(s=short, d=dept, y=founded.year,
                                                n=rng.randint(1, 160))

    def news(self, cases: list[Case], title: str, published: date, dated: bool,
             rng: random.Random) -> Article:
        """A news report of the founding; `dated` says whether it states the founding date."""
        if len(cases) > 1:
            paras = self._batch_news(cases, published, dated, rng)
        else:
            paras = self._single_news(cases[0], published, dated, rng)
        byline = rng.choice(self.texts["bylines"]).format(a=self.names.person(rng),
                                                         b=self.names.person(rng))
        return Article(title, [Para(p) for p in paras if p], source="", author=byline,
                       editor=self.names.person(rng), keywords=f"{cases[0].task},工作专班",
                       description=paras[0][:80])

    def _single_news(self, case: Case, published: date, dated: bool,
                     rng: random.Random) -> list[str]:
        texts = self.texts["news"]
        values = dict(self.fields(case))
        values["date"] = date_text(case.founded, published)
        values["head_clause"] = rng.choice(texts["head_clauses"]).format(**values)
        if not case.named:
            opener = rng.choice(texts["openers_unnamed"])
        else:
            opener = rng.choice(texts["openers_dated" if dated else "openers_undated"])
        paras = [opener.format(**values)]
        if "{head_clause}" not in opener:
            if "常务" in values["deputy_word"] and rng.random() < 0.3:
                paras.append(rng.choice(texts["deputy_first_sentences"]).format(**values))
            else:
                paras.append(rng.choice(texts["head_sentences"]).format(**values))
        paras.append(rng.choice(texts["duty_sentences"]).format(**values))
        trap = rng.random()
        if trap < 0.2 and values["lg"] and not values["lg"].startswith(case.leader_title):
            paras.append(texts["traps"]["leading_group"].format(**values))
        elif trap < 0.4:
            paras.append(texts["traps"]["office"].format(**values))
        elif trap < 0.55 and "{chair}" not in opener:
            paras.append(texts["traps"]["chair"].format(**values))
        if rng.random() < 0.6:
            paras.append(rng.choice(texts["mechanisms"]))
        if rng.random() < 0.4:
            paras.append(rng.choice(texts["quotes"]).format(**values))
        paras.append(rng.choice(texts["closings"]).format(**values))
        return paras

    def _batch_news(self, cases: list[Case], published: date, dated: bool,
                    rng: random.Random) -> list[str]:
        texts = self.texts["news"]
        values = self._group_values(cases, rng)
        values["date"] = date_text(cases[0].founded, published)
        openers = [o for o in texts["batch_openers"] if ("{date}" in o) == dated]
        paras = [rng.choice(openers).format(**values)]
        items = [rng.choice(texts["batch_items"]).format(**self.fields(c)) for c in cases]
        paras.append(rng.choice(texts["batch_joins"]).format(items="；".join(items)))
        paras.append(rng.choice(texts["batch_closings"]).format(**values))
        return paras

    def repost(self, origin: Article, origin_name: str, rng: random.Random) -> Article:
        """The same body on another outlet, with a 来源 line naming the original outlet."""
        texts = self.texts["repost"]
        line = Para(rng.choice(texts["source_lines"]).format(origin=origin_name))
        paras = list(origin.paras)
        if rng.random() < 0.5:
            paras.insert(0, line)
        else:
            paras.append(line)
        if rng.random() < 0.25:
            paras.insert(0, Para(texts["original_title"].format(title=origin.title)))
        return Article(origin.title, paras, source=origin_name, author=origin.author,
                       editor=self.names.person(rng), keywords=origin.keywords,
                       description=origin.description)

    def followup(self, cases: list[Case], title: str, published: date,
                 rng: random.Random) -> Article:
        """A later report about the task force's work: no founding details."""
        texts = self.texts["followup"]
        meeting = published if rng.random() < 0.5 else date.fromordinal(
            max(published.toordinal() - rng.randint(1, 2), cases[0].founded.toordinal() + 1))
        values = self._group_values(cases, rng)
        values.update(date=date_text(meeting, published), n=rng.choice(self.texts[
            "meeting_numbers"]), k=str(rng.randint(3, 60)), j=str(rng.randint(1, 3)))
        if len(cases) > 1:
            paras = [rng.choice(texts["joint_openers"]).format(**values)]
        else:
            chair_key = "chair_head" if rng.random() < 0.5 else "chair_other"
            values["chair_clause"] = rng.choice(texts[chair_key]).format(**values)
            paras = [rng.choice(texts["openers"]).format(**values)]
        for sentence in rng.sample(texts["progress"], 2):
            k = str(rng.randint(3, 60))
            paras.append(sentence.format(**{**values, "k": k,
                                            "j": str(rng.randint(1, int(k)))}))
        paras.append(rng.choice(texts["closings"]))
        return Article(title, [Para(p) for p in paras], source="", editor=self.names.person(rng),
                       keywords=f"{cases[0].task},工作专班", description=paras[0][:80])

    def roundup(self, cases: list[Case], title: str, published: date,
                rng: random.Random) -> Article:
        """One report of several units' task forces, each with unit, task and head."""
        texts = self.texts["roundup"]
        values = self._roundup_values(cases)
        paras = [rng.choice(texts["intros"]).format(**values)]
        for case in cases:
            fields = dict(self.fields(case))
            fields["date"] = date_text(case.founded, published)
            fields["duty_clause"] = fields["duty"]
            if case.named:
                items = [i for i in texts["items"] if "{date}" not in i or rng.random() < 0.5]
            else:
                items = texts["unnamed_items"]
            paras.append(rng.choice(items).format(**fields))
        paras.append(rng.choice(texts["closings"]))
        byline = rng.choice(self.texts["bylines"]).format(a=self.names.person(rng),
                                                         b=self.names.person(rng))
        return Article(title, [Para(p) for p in paras if p], source="", author=byline,
                       editor=self.names.person(rng), keywords="工作专班",
                       description=paras[0][:80])
