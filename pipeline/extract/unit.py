"""The establishing organisation of a 专班 (unit) and the division it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.codebook import CJK, alternation, load_codebook
from pipeline.extract.document import Document, Sentence
from pipeline.extract.level import national_regex
from pipeline.gazetteer import Division, load_gazetteer

_DATE_OPENER = re.compile(
    r"^(?:(?:\d{4}|[〇零一二三四五六七八九]{4})年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?(?:上午|下午|晚上|晚|早上)?|^\d{4}年(?:初|底|以来)?"
)
# an adverbial opening a clause ("在原有领导小组基础上成立……") names no founder
_ADVERBIAL_OPENER = re.compile(
    r"^(?:在|从|以)[^，,。；]{1,24}?(?:基础上|前提下|背景下|过程中|情况下|框架下|为基础)")
_MAX_SUBJECT = 30
# an institution read from a clause's start has a name of its own ("南昌大学", not "中小学")
_MIN_INSTITUTION = 4
_SIGNATURE_LINES = 4
_CLAUSES = re.compile(r"[，,：:；;（）()]")
# words that cannot sit in an organisation's name read from a clause's start
_NOT_SUBJECT = re.compile("[对向把被将从给让的了是在要各其如当再也这那些需又、，,]|决定|研究|召开|"
                          "进行|开展|推进|工作|明确|相关|有关")
# clauses naming a head (由市发改委主任任组长) or a duty (负责指挥部日常运转) say nothing about
# who set the 专班 up; nor, in the sentence before, does one naming who carries a task out
# (由市住建局共同推进)
_HEAD_CLAUSE = re.compile(
    "组长|召集人|专班长|担任|牵头负责|挂帅|[由以][^，,]{1,20}任|^(?:负责|承担)"
)
# how far before an organ word its full name may begin ("荆州市……疫情防控指挥部")
_MAX_ORGAN_NAME = 30


@dataclass(frozen=True)
class Unit:
    """A coded establishing organisation; name '' when the article does not say."""

    name: str
    division: Division | None
    evidence: str = ""
    is_private_company: bool = False
    level_hint: str = ""
    from_context: bool = False


@dataclass(frozen=True)
class _Patterns:
    strip_prefix: re.Pattern[str]
    self_reference: re.Pattern[str]
    national: re.Pattern[str]
    place_organ: re.Pattern[str]
    co_organ: re.Pattern[str]
    department: re.Pattern[str]
    bare_level: re.Pattern[str]
    bare_exceptions: tuple[str, ...]
    openers: re.Pattern[str]
    cuts: re.Pattern[str]
    long_cuts: re.Pattern[str]
    institution_end: re.Pattern[str]
    person_title: re.Pattern[str]
    office_of: dict[str, str]
    company: re.Pattern[str]
    founding: re.Pattern[str]
    public_company: re.Pattern[str]
    company_of_place: re.Pattern[str]
    company_head: re.Pattern[str]
    branch: re.Pattern[str]
    organ_self: re.Pattern[str]
    township: re.Pattern[str]
    speaker_self: re.Pattern[str]
    sub_county_end: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    book = load_codebook()
    unit = book["unit"]
    detect = book["detect"]
    level_words = unit["bare_level_prefixes"]
    place_organs = alternation(unit["place_organs"])
    return _Patterns(
        strip_prefix=re.compile(f"^(?:{alternation(unit['strip_prefixes'])})"),
        self_reference=re.compile(f"^(?:{alternation(unit['self_reference'])})"),
        national=re.compile("^" + national_regex()),
        place_organ=re.compile(f"^(?:{place_organs})"),
        co_organ=re.compile(
            f"^[、和及与]?(?:自治区|自治州|自治县|{alternation(level_words)})(?:{place_organs})"
        ),
        department=re.compile(
            f"^[{CJK}]{{1,8}}?(?:{alternation(unit['department_suffixes'])})(?!长|主任|书记)"
        ),
        bare_level=re.compile(f"^(?:{alternation(level_words)})"),
        bare_exceptions=tuple(unit["bare_prefix_exceptions"]),
        openers=re.compile(f"^(?:{alternation(unit['subject_openers'])})[，,、]?"),
        cuts=re.compile(alternation(unit["subject_cuts"] + detect["founding_verbs"])),
        long_cuts=re.compile(alternation(
            w for w in unit["subject_cuts"] + detect["founding_verbs"] if len(w) > 1)),
        institution_end=re.compile(alternation(unit["standalone_organs"])),
        person_title=re.compile(
            f"(?:{alternation(t for ts in book['leader']['titles'].values() for t in ts)})"
            "(?![会制])"
        ),
        office_of=dict(unit["office_of"]),
        company=re.compile(alternation(detect["company_markers"])),
        founding=re.compile(alternation(detect["founding_verbs"])),
        public_company=re.compile(alternation(detect["public_company_markers"])),
        company_of_place=re.compile(
            f"(?:(?<=[省市县区州旗])一|一家|某家|某)[^，,。；;、的]{{0,12}}?"
            f"(?:{alternation(detect['company_markers'])})"),
        company_head=re.compile(
            f"(?:{alternation(detect['company_head_titles'])})[^，,。；;、]{{0,5}}?"
            "(?:担任|出任|兼任|任|为)(?:专班)?(?:组长|专班长|班长|负责人|召集人|指挥长)"),
        branch=re.compile(f"([{CJK}]{{2,3}})(?:{alternation(unit['branch_suffixes'])})$"),
        organ_self=re.compile(
            f"^(?:{alternation(unit['organ_self_reference'])})(?![部托办属内外])"
        ),
        township=re.compile(f"^(?:{unit['township_pattern']})"),
        speaker_self=re.compile(f"^(?:{alternation(unit['speaker_self_reference'])})"),
        sub_county_end=re.compile(f"^(?:{unit['township_pattern']})$"),
    )


def split_unit_prefix(text: str) -> tuple[str, str]:
    """Split text into the organisation at its front and the rest:
    '固原市交通运输局安全生产' → ('固原市交通运输局', '安全生产'); ('', text) when none."""
    p = _patterns()
    pos = 0
    match = p.strip_prefix.match(text)
    if match:
        pos = match.end()
    places = {m.start: m.end for m in load_gazetteer().find_all(text[:_MAX_SUBJECT])}
    found = after_place = False
    while pos < len(text):
        if pos in places:
            step, after_place = places[pos] - pos, True
        else:
            step = _organ_step(text[pos:], found, after_place)
        if not step:
            break
        pos += step
        found = True
    return (text[:pos], text[pos:]) if found else ("", text)


def _organ_step(rest: str, found: bool, after_place: bool) -> int:
    """Length of the organ word at the front of rest (0 if none). `found` says whether a place
    or organ came before, which allows department words; townships need a place before."""
    p = _patterns()
    match = p.self_reference.match(rest) or p.national.match(rest)
    if match is None and found:
        match = (p.place_organ.match(rest) or p.co_organ.match(rest)
                 or (p.township.match(rest) if after_place else None)
                 or p.department.match(rest))
    if match is not None:
        return match.end()
    if found or not p.bare_level.match(rest) or rest.startswith(p.bare_exceptions):
        return 0
    organ = p.co_organ.match(rest)
    if organ is not None:
        return organ.end()
    department = p.department.match(rest[1:])
    return 1 + (department.end() if department else 0)


def strip_organ_self_reference(text: str) -> tuple[str, str]:
    """Split off an organ's word for itself ('委疫情防控' → ('委', '疫情防控'))."""
    match = _patterns().organ_self.match(text)
    if match is None or len(text) - match.end() < 2:
        return "", text
    return match.group(), text[match.end():]


def is_weak_unit(unit: str) -> bool:
    """A unit that only says 'the city' or 'our county' (市, 我县, 全区)."""
    p = _patterns()
    return len(unit) <= 1 or bool(p.self_reference.fullmatch(unit))


def subject_unit(clause: str) -> str:
    """The organisation heading a clause ('近日，宜昌市公安局西陵分局抽调警力' → the 分局)."""
    p = _patterns()
    text = clause.strip(" ，,、")
    while True:
        match = (_ADVERBIAL_OPENER.match(text) or p.openers.match(text)
                 or _DATE_OPENER.match(text))
        if not match or not match.end():
            break
        text = text[match.end():].lstrip("，,、 ")
    text = text[:_MAX_SUBJECT]
    title = p.person_title.search(text)
    whole = text[:title.start()] if title else text
    cut = p.cuts.search(whole)
    text = whole[:cut.start()] if cut else whole
    unit, _rest = split_unit_prefix(text)
    # a one-character cut word may sit inside an organ's name (经 of 市数字经济局)
    full, _rest = split_unit_prefix(whole)
    if len(full) > len(unit) and not p.long_cuts.search(full):
        unit = full
    if unit:
        return unit
    organs = list(p.institution_end.finditer(text))
    if not organs:
        return ""
    candidate = text[:organs[-1].end()]
    if len(candidate) < _MIN_INSTITUTION or _NOT_SUBJECT.search(candidate):
        return ""
    return candidate


def normalize_unit(raw: str, doc: Document) -> str:
    """A unit name with its place completed from the article (市政府 → 安康市人民政府)."""
    p = _patterns()
    unit = p.strip_prefix.sub("", raw.strip("、，, "))
    for office, body in p.office_of.items():
        if unit.endswith(office):
            unit = unit[: -len(office)] + body
            break
    match = p.self_reference.match(unit)
    if match:
        place = doc.place_for(match.group()[-1])
        unit = (place.name if place else match.group()[-1]) + unit[match.end():]
    elif p.bare_level.match(unit) and not unit.startswith(p.bare_exceptions) \
            and not load_gazetteer().find_all(unit[:12]):
        place = doc.place_for(unit[0])
        if place:
            unit = place.name + unit[1:]
    if unit.endswith("政府") and not unit.endswith("人民政府"):
        head = unit[:-2]
        if head and load_gazetteer().resolve(head) is not None:
            unit = head + "人民政府"
    return unit


def unit_division(unit: str) -> Division | None:
    """The most specific division named in a unit, including sub-bureaus named after a
    county-level place (宜昌市公安局西陵分局 → 西陵区)."""
    gazetteer = load_gazetteer()
    places = gazetteer.find_all(unit)
    division = places[-1].division if places else None
    if division is None and unit:
        # a place named alone, as the subject of a clause ("上海已组建……" → 上海市)
        division = gazetteer.resolve(unit)
    branch = _patterns().branch.search(unit)
    if branch and (not places or places[-1].end <= branch.start()):
        stem = branch.group(1)
        for name in (stem[-2:], stem, stem[-2:] + "区", stem[-2:] + "县", stem + "区"):
            named = gazetteer.resolve(name, within=division)
            if named is not None and (division is None or gazetteer.is_within(named, division)):
                return named
    return division


def is_private_company(unit: str) -> bool:
    """A company unit with no sign of public ownership (codebook §1 exclusion)."""
    p = _patterns()
    return bool(p.company.search(unit)) and not p.public_company.search(unit)


def founded_by_company(clause: str) -> bool:
    """Whether a clause reports a company setting a 专班 up ('某车企成立……'): a company word
    before the founding verb, with no sign of public ownership."""
    p = _patterns()
    founding = p.founding.search(clause)
    head = clause[:founding.start()] if founding else ""
    return bool(p.company.search(head)) and not p.public_company.search(clause)


def company_of_place_founds(sentence_head: str) -> bool:
    """Whether the words before a 专班 name a company of a place as its founder ('柳州市一家
    民营科技有限公司……组建攻关专班'), with no sign of public ownership."""
    p = _patterns()
    found = p.company_of_place.search(sentence_head)
    return found is not None and not p.public_company.search(found.group())


def headed_by_company_manager(text: str) -> bool:
    """Whether text names a company's manager as the 专班's head ('由项目经理某某任专班组长')."""
    return bool(_patterns().company_head.search(text))


def context_unit(doc: Document) -> Unit:
    """The article's place as a fallback unit: the most specific place of the title's first
    chain of places, else of the lede, else of the outlet's name."""
    places = doc.context_places
    if not places:
        return Unit("", None, from_context=True)
    chain_end = 0
    while chain_end + 1 < len(places) and places[chain_end + 1].start == places[chain_end].end:
        chain_end += 1
    division = places[chain_end].division
    return Unit(division.name, division, doc.title, from_context=True)


def _full_organ_name(organ: str, doc: Document) -> str:
    """The article's full name of an organ written bare ('指挥部' → '荆州市新冠肺炎疫情防控
    指挥部'): the first name ending in it that begins with a place; organ itself when none."""
    gazetteer = load_gazetteer()
    for match in re.finditer(f"[{CJK}]{{2,{_MAX_ORGAN_NAME}}}?{re.escape(organ)}", doc.body):
        places = gazetteer.find_all(match.group())
        if places and places[0].end < match.end() - match.start() - len(organ) + 1:
            return match.group()[places[0].start:]
    return organ


def _division_in_context(name: str, doc: Document) -> Division | None:
    """The division of a unit whose place name is ambiguous (白云区 of 广州 or 贵阳), read as
    the one inside a place the article names."""
    gazetteer = load_gazetteer()
    for place in doc.context_places:
        chain = gazetteer.find_all(place.division.name + name)
        if len(chain) > 1 and gazetteer.is_within(chain[-1].division, place.division):
            return chain[-1].division
    return None


def make_unit(raw: str, doc: Document, evidence: str) -> Unit:
    """A Unit from a raw organisation string read from the article."""
    name = normalize_unit(raw, doc)
    if _patterns().institution_end.fullmatch(name):
        name = _full_organ_name(name, doc)
    division = unit_division(name) or _division_in_context(name, doc)
    if division is not None and name == division.short_name:
        name = division.name
    if division is None and name:
        context = context_unit(doc)
        if context.division is not None and _patterns().sub_county_end.match(name):
            division = context.division
            name = division.name + name
        elif context.division is not None and _fits(name, context.division):
            division = context.division
    return Unit(name, division, evidence, is_private_company(name))


def establishing_unit(doc: Document, start: int, hint: str) -> Unit:
    """The organisation that set up the 专班 mentioned at body offset start: the one written
    in front of its name, else the subject of its clause; a level word in front of the name
    ('市' of 市稳就业工作专班) read as the article's place of that level; else the subject of
    the clauses before it in the sentence, of the sentence before, of the title, else the
    article's place. A place alone in front of the name ('成立日喀则市定日……专班') says where
    the task is: an organ above it that is the sentence's subject ('市委、市政府研究决定')
    set the 专班 up."""
    sentence = doc.sentence_at(start)
    earlier = _earlier_clauses(doc, start, sentence)
    if hint and not is_weak_unit(hint):
        unit = make_unit(hint, doc, sentence.text)
        if unit.division is not None and _is_place(unit):
            subject = _sentence_subject(doc, earlier)
            if subject is not None and subject.division is not None \
                    and subject.division != unit.division \
                    and load_gazetteer().is_within(unit.division, subject.division):
                return subject
        return unit
    weak = hint
    issuer = notice_issuer(doc)
    for i, (clause, evidence) in enumerate(earlier):
        if i and (_HEAD_CLAUSE.search(clause)
                  or (evidence != sentence.text and clause.startswith("由"))):
            continue
        raw = _speaker_organ(doc, clause) or subject_unit(clause)
        if raw and not is_weak_unit(raw):
            unit = make_unit(raw, doc, evidence)
            if unit.division is None and issuer:
                return make_unit(issuer, doc, issuer)
            return unit
        weak = weak or raw
        if i == 0 and issuer:
            return make_unit(issuer, doc, issuer)
        if i == 0 and hint:
            unit = make_unit(hint, doc, sentence.text)
            if not is_weak_unit(unit.name):
                return unit
    if weak:
        unit = make_unit(weak, doc, sentence.text)
        if not is_weak_unit(unit.name):
            return unit
    context = context_unit(doc)
    if context.name or not weak:
        return context
    return Unit("", None, sentence.text, level_hint=weak, from_context=True)


def _speaker_organ(doc: Document, clause: str) -> str:
    """The organ of a speech's speaker ('民政部' of '民政部部长某某') when the clause begins
    with the organ speaking of itself ('部里成立了……')."""
    p = _patterns()
    if not doc.speaker or not p.speaker_self.match(clause.strip(" ，,")):
        return ""
    title = p.person_title.search(doc.speaker)
    return doc.speaker[:title.start()] if title else ""


def _earlier_clauses(doc: Document, start: int, sentence: Sentence) -> list[tuple[str, str]]:
    """(clause, evidence) pairs where the founder of the 专班 at start may be named: its own
    clause, the clauses before it in its sentence, the first two of the sentence before, and
    the title."""
    clause_start = doc.clause_start(start)
    earlier = [(doc.body[clause_start:start], sentence.text)]
    earlier += [(clause, sentence.text)
                for clause in reversed(_CLAUSES.split(doc.body[sentence.start:clause_start]))]
    previous = _previous_sentence(doc, sentence)
    earlier += [(clause, previous) for clause in _CLAUSES.split(previous)[:2]]
    earlier.append((doc.title, doc.title))
    return earlier


def _sentence_subject(doc: Document, earlier: list[tuple[str, str]]) -> Unit | None:
    """The first organ heading a clause of the mention's own sentence."""
    sentence = earlier[0][1]
    for clause, evidence in earlier:
        if evidence != sentence:
            break
        raw = subject_unit(clause)
        if raw and not is_weak_unit(raw):
            return make_unit(raw, doc, evidence)
    return None


def _is_place(unit: Unit) -> bool:
    """Whether a unit is a place only, with no organ ('日喀则市定日')."""
    division = unit.division
    return division is not None and unit.name.endswith(
        tuple(name for name in (division.name, division.short_name) if name))


def notice_issuer(doc: Document) -> str:
    """The organisation signing a notice: a line of its own near the end, above the date."""
    if not doc.is_notice:
        return ""
    for line in reversed(doc.text.rstrip().split("\n")[-_SIGNATURE_LINES:]):
        line = line.strip()
        unit, rest = split_unit_prefix(line)
        if unit and not rest and not is_weak_unit(unit) and len(line) <= _MAX_SUBJECT:
            return line
    return ""


def _previous_sentence(doc: Document, sentence: Sentence) -> str:
    if sentence.index == 0 or doc.in_title(sentence.start):
        return ""
    previous = doc.sentences[sentence.index - 1]
    return "" if doc.in_title(previous.start) else previous.text


def unit_key(unit: Unit) -> str:
    """Identity of a unit for de-duplication: the code of the division it sits in (reports
    name the same body as 三亚市, 三亚市住建局 or 三亚市住房和城乡建设局), else its name."""
    if unit.division is not None:
        return unit.division.code
    return _patterns().strip_prefix.sub("", unit.name)


def _fits(unit: str, division: Division) -> bool:
    """Whether an organ with no place of its own (市发改委) can belong to division."""
    prefix_levels = load_codebook()["unit"]["organ_prefix_levels"]
    for prefix, level in prefix_levels.items():
        if unit.startswith(prefix):
            return {"provincial": "province"}.get(level, level) == division.level
    return False
