"""Finding 专班 mentions in an article (codebook §1): named, unnamed and listed task forces,
founding reports and follow-up mentions, without the excluded senses of 专班."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.extract.codebook import CJK, alternation, load_codebook
from pipeline.extract.document import Document
from pipeline.extract.domain import keywords_in
from pipeline.extract.unit import split_unit_prefix, strip_organ_self_reference
from pipeline.gazetteer import load_gazetteer

_TOKEN = re.compile("专班")
_NAME_RUN = re.compile(f"[{CJK}0-9A-Za-z“”\"‘’'「」『』《》〈〉·—\\-]{{1,40}}\\Z")
_QUOTES = re.compile("[“”\"‘’'「」『』《》〈〉]")
_SPLIT_ITEMS = re.compile("以及|和|及|与|、|[”」』][“「『]")
# other bodies or dashes inside a name: prose about how bodies relate, not one 专班's name
_NOT_A_NAME = re.compile("领导小组|指挥部|^小?组|——|--")
_COUNT_PREFIX = re.compile("^(?:[0-9]+|[一二两三四五六七八九十百几多]+)个")
# list items that are other bodies, not 专班 ("成立领导小组、工作专班和专家组")
_OTHER_BODY = re.compile("(?:小组|指挥部|工作组|专家组|办公室|委员会|领导|机制)$")
# a founding verb after the name: "专班（以下简称专班）于2018年5月由领导小组设立"
_AFTER_FOUNDING = re.compile(
    r"^(?:[（(][^）)]{0,30}[）)])?"
    r"(?:正式|近日|日前|已经|已|也|于[^，。；]{0,30}?|在[^，。；]{0,14}|由[^，。；]{0,20}?)?"
    r"(?:成立|组建|挂牌|揭牌|设立)(?!以来|之初|后|至今|的)"
)
# an alias given in parentheses: "（以下简称“线索核查专班”）" names a 专班 already mentioned
_ALIAS = re.compile(f"(?:简称|下称|以下称)为?[“\"「『]?([{CJK}0-9A-Za-z]{{0,16}})\\Z")
# "二、" opening a numbered line: the 、 there does not join list items
_ENUM_BEFORE = re.compile(r"(?:^|[\n。；;：:])[（(]?[一二三四五六七八九十0-9]{1,3}、\Z")
# an alias may add up to this many characters in front of its task ("原线索核查专班")
_ALIAS_PREFIX = 2
# what may stand between two 专班 of one list: "A专班、B专班和C专班"
_LIST_GAP = re.compile(f"[、和及与][{CJK}0-9A-Za-z“”\"‘’「」『』]{{0,40}}")
_WITH_BODY = re.compile(r"(.*?)(?:工作)?(?:领导小组|指挥部)(?:及其办公室)?[和及与、]\Z")
# the end of a list whose items each get a 专班: "A、B、C3条产业链分别组建工作专班"
_RESPECTIVE = re.compile(
    f"(?P<last>[{CJK}0-9A-Za-z“”\"]+?)等?(?:(?:[0-9]+|[一二两三四五六七八九十]+)(?:个|条|项|大|类)"
    f"(?P<kind>[{CJK}]{{0,6}}?))?分别"
)
# "项目建设中(的困难)": the task without "in the course of"
_IN_PROGRESS = re.compile("(?<=建设|推进|实施|改造|施工|运行|生产|发展)中$")
# a sentence that goes on about the 专班 just mentioned: "专班由……", "该专班……"
_NEXT_OPENER = re.compile("(?:该|这个|此)?(?:工作)?专班")
_CLAUSE_END = re.compile("[，,。；;！？!?]")
_LINE_END = re.compile("[，,。；;]?")
_MAX_TASK = 20
# a sentence that opens with a leading group or headquarters named before ('领导小组下设……')
_BARE_BODY = re.compile("(?:该|此)?(?:工作)?(?:领导小组|指挥部)")
_BODY_LOOKBACK = 120
_ADMIN_SUFFIX = re.compile("[省市区县州旗盟]")
_MAX_INNER_PLACE = 6
_MIN_TASK = 2
_WINDOW = 14


@dataclass
class Candidate:
    """A 专班 mention found in the article body."""

    name: str
    task: str
    start: int
    end: int
    is_founding: bool
    named: bool
    unit_hint: str = ""
    list_index: int = 0
    list_size: int = 1
    kind: str = ""
    # a list item's name with the list's kind, for its domain ('装备制造' of '……4个招商专班')
    domain_name: str = ""


@dataclass(frozen=True)
class _Patterns:
    founding_verb: re.Pattern[str]
    boundary: re.Pattern[str]
    function_word: re.Pattern[str]
    keep_words: tuple[str, ...]
    qualifier: re.Pattern[str]
    opener: re.Pattern[str]
    prose: re.Pattern[str]
    prose_initial: re.Pattern[str]
    prose_initial_words: tuple[str, ...]
    date_in_name: re.Pattern[str]
    class_evidence: re.Pattern[str]
    class_after: re.Pattern[str]
    proposal_title: re.Pattern[str]
    kind_opener: re.Pattern[str]
    not_inner_places: frozenset[str]
    tier_kinds: frozenset[str]
    enumeration: re.Pattern[str]
    count: re.Pattern[str]
    plural: re.Pattern[str]
    vehicle_after: re.Pattern[str]
    trips_after: re.Pattern[str]
    generic: re.Pattern[str]
    excluded_name: re.Pattern[str]
    excluded_verb: re.Pattern[str]
    excluded_context: re.Pattern[str]
    directive: re.Pattern[str]
    plural_subject: re.Pattern[str]
    proposal: re.Pattern[str]
    proposal_taken_up: re.Pattern[str]
    plan: re.Pattern[str]
    plan_heading: re.Pattern[str]
    plan_heading_not: re.Pattern[str]
    example_verb: re.Pattern[str]
    example_after: re.Pattern[str]
    person_title: re.Pattern[str]
    task_after: re.Pattern[str]
    task_before: re.Pattern[str]
    trim_start: re.Pattern[str]
    trim_end: re.Pattern[str]
    generic_tail: re.Pattern[str]
    list_after: re.Pattern[str]
    body_before: re.Pattern[str]
    designation_after: re.Pattern[str]
    designation_link: re.Pattern[str]
    attachment_line: re.Pattern[str]
    occasion: re.Pattern[str]


def _alternation_except(words: list[str], not_before: dict[str, list[str]]) -> str:
    """An alternation of words, longest first, each not matching before its listed characters."""
    return "|".join(
        re.escape(word) + (f"(?![{''.join(not_before[word])}])" if word in not_before else "")
        for word in sorted(set(words), key=lambda w: (-len(w), w))
    )


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    d = load_codebook()["detect"]
    verbs = "|".join([alternation(d["founding_verbs"]), *d["founding_verb_patterns"]])
    return _Patterns(
        founding_verb=re.compile(verbs),
        boundary=re.compile("|".join([
            _alternation_except(d["founding_verbs"] + d["name_boundaries"],
                                d["boundary_not_before"]),
            *d["founding_verb_patterns"], *d["boundary_patterns"]])),
        function_word=re.compile(f"^(?:{alternation(d['leading_function_words'])})"),
        keep_words=tuple(d["keep_words"]),
        qualifier=re.compile(f"^(?:{alternation(d['qualifiers'])})"),
        opener=re.compile(f"^(?:{alternation(d['name_openers'])})"),
        prose=re.compile(alternation(d["prose_words"])),
        prose_initial=re.compile(f"^(?:{alternation(d['prose_initials'])})"),
        prose_initial_words=tuple(d["prose_initial_words"]),
        date_in_name=re.compile(d["date_in_name_pattern"]),
        class_evidence=re.compile(alternation(d["class_evidence"])),
        class_after=re.compile(f"^[”」』\"]?(?:{alternation(d['class_after'])})"),
        proposal_title=re.compile(
            f"[^《》。；;！？]{{0,30}}?(?:{alternation(d['proposal_titles'])})》"
        ),
        kind_opener=re.compile(f"^(?:{alternation(d['kind_openers'])})"),
        not_inner_places=frozenset(d["not_inner_places"]),
        tier_kinds=frozenset(d["tier_kinds"]),
        enumeration=re.compile(d["enumeration_pattern"]),
        count=re.compile(d["count_pattern"]),
        plural=re.compile(f"^(?:{alternation(d['plural_openers'])})"),
        vehicle_after=re.compile(
            f"^(?:{_alternation_except(d['not_after'], d['not_after_not_before'])})"
        ),
        trips_after=re.compile(
            f"^[0-9一二两三四五六七八九十百]+(?:{alternation(d['trip_units'])})"
        ),
        generic=re.compile("|".join(d["generic_patterns"])),
        excluded_name=re.compile(f"(?:{alternation(d['excluded_name_endings'])})$"),
        excluded_verb=re.compile(alternation(d["excluded_verbs"])),
        excluded_context=re.compile(alternation(d["excluded_context"])),
        directive=re.compile(
            f"(?:{alternation(d['directive_subjects'])})[^。；;]{{0,30}}?"
            f"(?:{alternation(d['modal_words'])})[^。；;，]{{0,8}}?(?:{verbs})"
        ),
        plural_subject=re.compile(alternation(d["plural_subjects"])),
        proposal=re.compile(
            f"(?:{alternation(d['proposal_words'])})[：:]?[^，,。；;！？]{{0,20}}?(?:{verbs})"
        ),
        proposal_taken_up=re.compile(alternation(d["proposal_taken_up"])),
        example_verb=re.compile(alternation(d["example_verbs"])),
        example_after=re.compile(
            f"[^，,。；;！？!?]{{0,{int(d['example_noun_window'])}}}?"
            f"的?(?:{alternation(d['example_nouns'])})"
        ),
        plan_heading=re.compile(d["plan_heading_pattern"]),
        plan_heading_not=re.compile(alternation(d["plan_heading_not"])),
        plan=re.compile(f"(?:{alternation(d['plan_words'])})[^，,。；;！？]{{0,8}}\\Z"),
        person_title=re.compile(f"(?:{alternation(_leader_titles())})(?![会制])"),
        task_after=re.compile(
            f"^[^。；;]{{0,12}}?(?:{alternation(d['task_after'])})([^，,。；;、]{{2,40}})"
        ),
        task_before=re.compile(
            f"^(?:{alternation(d['task_before'])})([^，,。；;]{{2,40}}?)(?:问题|工作)?[，,]"
        ),
        trim_start=re.compile(f"^(?:{alternation(d['task_trim_start'])})"),
        trim_end=re.compile(f"(?:{alternation(d['task_trim_end'])})$"),
        generic_tail=re.compile(f"(?:{alternation(d['generic_task_tails'])})+"),
        list_after=re.compile(
            f"(?:[，,]?(?:{alternation(d['list_after'])})[：:]?|[：:])([^。；;]{{2,120}})"
        ),
        body_before=re.compile(f"([{CJK}]{{2,24}}?)(?:工作)?(?:领导小组|指挥部)"),
        designation_after=re.compile(f"^(?:{alternation(d['designation_after'])})"),
        designation_link=re.compile(alternation(d["designation_links"])),
        attachment_line=re.compile(d["attachment_line_pattern"]),
        occasion=re.compile(d["occasion_pattern"]),
    )


def _leader_titles() -> list[str]:
    """Titles of leading cadres (not of staff): a name holding one is prose about a person."""
    titles = load_codebook()["leader"]["titles"]
    return [t for rank, words in titles.items() if rank != "non_leader" for t in words]


def task_key(name: str) -> str:
    """The task of a 专班 name: no quotes, no 工作专班/专班 suffix, no trailing 工作."""
    task = _QUOTES.sub("", name)
    for suffix in ("专班", "工作"):
        if task.endswith(suffix) and len(task) > len(suffix):
            task = task[: -len(suffix)]
    return task


def find_candidates(doc: Document) -> list[Candidate]:
    """Every 专班 mention in the title and text, in order of appearance; a mention by an alias
    the text defines ("以下简称“线索核查专班”") takes the task of the 专班 it stands for."""
    found: list[Candidate] = []
    aliases: dict[str, str] = {}
    classes: set[str] = set()
    plan_start = _plan_section_start(doc)
    for token in _TOKEN.finditer(doc.body):
        if _in_attachment_line(doc, token.start()):
            continue  # "附件：1.某某工作专班成员名单.docx": a file, not a report
        alias = _alias_at(doc, token.start())
        if alias is not None:
            if alias and found:
                aliases[alias] = found[-1].task
            continue
        for candidate in _candidates_at(doc, token.start(), token.end(), classes):
            if candidate.is_founding and token.start() >= plan_start:
                continue  # "二、2025年重点工作 …… 新组建……专班": planned, not set up
            candidate.task = _unalias(candidate.task, aliases)
            found.append(candidate)
    # a bare 专班 the article shows to be a class anywhere is a class everywhere in it
    found = [c for c in found if c.name.endswith("工作专班")
             or not any(c.task.endswith(task) or task.endswith(c.task) for task in classes)]
    _number_lists(doc, found)
    # "组建A、B、C 3个脱贫攻坚专班": a later "脱贫攻坚专班" speaks of the kind, not of a 专班
    kinds = {c.kind for c in found if c.kind}
    return [c for c in found if c.kind or c.task not in kinds]


def _in_attachment_line(doc: Document, pos: int) -> bool:
    """Whether body offset pos lies on a line naming an attached file ('附件：……名单',
    '2.某某专班成员名单.docx')."""
    line_start = doc.body.rfind("\n", 0, pos) + 1
    line_end = doc.body.find("\n", pos)
    line = doc.body[line_start:line_end if line_end >= 0 else len(doc.body)]
    return bool(_patterns().attachment_line.search(line))


def _plan_section_start(doc: Document) -> int:
    """Body offset of a heading that opens a plan for the coming year or the next steps
    ('二、2025年重点工作', '下一步工作打算'); past the end of the body when there is none or
    the article is a notice setting a 专班 up."""
    if not doc.is_founding_notice:
        p = _patterns()
        for heading in p.plan_heading.finditer(doc.body, doc.title_end):
            if not p.plan_heading_not.search(heading.group()):
                return heading.start()
    return len(doc.body) + 1


def _number_lists(doc: Document, found: list[Candidate]) -> None:
    """Number the 专班 of a list written out in full ('A专班、B专班和C专班'), so that a head
    given to each in turn ('分别由甲、乙、丙任组长') goes to the right one."""
    chain: list[Candidate] = []
    for candidate in [*found, None]:
        if candidate is not None and chain and candidate.list_size == chain[-1].list_size == 1 \
                and _LIST_GAP.fullmatch(doc.body, chain[-1].end, candidate.start):
            chain.append(candidate)
            continue
        if len(chain) > 1:
            for index, member in enumerate(chain):
                member.list_index, member.list_size = index, len(chain)
        chain = [candidate] if candidate is not None else []
    _number_lines(doc, found)


def _number_lines(doc: Document, found: list[Candidate]) -> None:
    """Number the 专班 of a list written one numbered line each ('1. 甲专班；' '2. 乙专班；'),
    so that the sentence after it giving their heads in turn ('分别由……任组长') is read for
    each: a run of two or more consecutive numbered lines, each only one 专班's name."""
    lines: dict[int, list[Candidate]] = {}
    for candidate in found:
        if candidate.list_size == 1:
            lines.setdefault(_numbered_line(doc, candidate.start, candidate.end), []) \
                .append(candidate)
    run: list[Candidate] = []
    for line_start in [*sorted(k for k in lines if k >= 0), None]:
        members = lines.get(line_start, []) if line_start is not None else []
        if line_start is not None and len(members) == 1 and run \
                and doc.body.find("\n", run[-1].end) + 1 == line_start:
            run.append(members[0])
            continue
        if len(run) > 1:
            for index, member in enumerate(run):
                member.list_index, member.list_size = index, len(run)
        run = members[:1] if len(members) == 1 else []


def _numbered_line(doc: Document, start: int, end: int) -> int:
    """Body offset of the line holding the 专班 at body[start:end] when the line is a
    numbered item ending with it ('1. 甲专班；', '（二）乙工作专班'); -1 otherwise."""
    line_start = doc.body.rfind("\n", 0, start) + 1
    line_end = doc.body.find("\n", end)
    tail = doc.body[end:line_end if line_end >= 0 else len(doc.body)].strip()
    text = doc.body[line_start:start].lstrip()
    numbered = _patterns().enumeration.match(text) and _LINE_END.fullmatch(tail)
    return line_start if numbered else -1


def _alias_at(doc: Document, start: int) -> str | None:
    """The task of an alias defined at the 专班 at body offset start ('' for a bare 专班 or
    工作专班), or None when the 专班 there is not an alias."""
    match = _ALIAS.search(doc.body, max(0, start - 24), start)
    if match is None:
        return None
    return _clean_name(match.group(1))[1]


def _unalias(task: str, aliases: dict[str, str]) -> str:
    """The full task for a task written by its alias, or with a word or two in front of it
    ('原线索核查' → the task the alias 线索核查 stands for)."""
    for alias, full in aliases.items():
        if task.endswith(alias) and len(task) - len(alias) <= _ALIAS_PREFIX:
            return full
    return task


def _candidates_at(doc: Document, start: int, end: int,
                   classes: set[str] | None = None) -> list[Candidate]:
    """The mentions made by the 专班 at body[start:end]: none (an excluded sense), one, or
    several for a list ('成立招商引资、项目建设2个工作专班'). The task of a bare 专班 shown to
    be a class (学员, 教练, 开班 … in its sentence, or 专班学员, 专班价 after it) is added to
    classes."""
    p = _patterns()
    body = doc.body
    after = body[end:end + 8]
    if p.class_after.match(after):
        _add_class(doc, start, classes)
        return []
    if p.vehicle_after.match(after) or p.trips_after.match(after):
        return []
    run_match = _NAME_RUN.search(body, max(0, start - 40), start)
    run = run_match.group() if run_match else ""
    if "专班" in run:
        run = run[run.rindex("专班") + 2:]
    designation = bool(p.designation_after.match(after))
    if designation:
        links = list(p.designation_link.finditer(run))
        run = run[links[-1].end():] if links else run
    run_start = start - len(run)
    after_comma = body[run_start - 1:run_start] == "、" \
        and not _ENUM_BEFORE.search(body, max(0, run_start - 6), run_start)
    if designation and (after_comma or _QUOTES.sub("", run).endswith("等")):
        return []  # "副市长、专班组长某某", "某局等专班成员单位": a head or members, no name
    if doc.in_headline(start):
        run = _headline_place_on(run)
    suffix = "工作专班" if run.endswith("工作") else "专班"
    core = run[:-2] if suffix == "工作专班" else run
    sentence = doc.sentence_at(start)
    clause_start = doc.clause_start(start)
    before_clause = body[clause_start:run_start]
    if p.excluded_verb.search(before_clause + core):
        return []
    boundaries = list(p.boundary.finditer(core))
    before_name = before_clause + (core[:boundaries[-1].start()] if boundaries else "")
    if p.directive.search(body[sentence.start:end]) or p.plural_subject.search(before_name) \
            or _proposed(body[sentence.start:start]) or _example(doc, sentence.start, end) \
            or _in_proposal_title(doc, sentence.start, start, end):
        return []
    verb_in_core = any(p.founding_verb.fullmatch(b.group()) for b in boundaries)
    is_founding = (verb_in_core or bool(p.founding_verb.search(before_clause))
                   or bool(_AFTER_FOUNDING.match(body[end:end + 60])) or doc.is_founding_notice)
    # a bare 专班 in a sentence about classes or passengers is one; a 工作专班 never is
    if suffix == "专班" and p.class_evidence.search(sentence.text):
        _add_class(doc, start, classes)
        return []
    if not is_founding and suffix == "专班" and p.excluded_context.search(sentence.text):
        return []
    name_part = core[boundaries[-1].end():] if boundaries else core
    if not name_part and boundaries and is_founding:
        respective = _respective(doc, core[:boundaries[-1].start()], run_start, suffix,
                                 (start, end))
        if respective:
            return respective
    if p.prose.search(name_part) or _names_person(name_part):
        return []
    with_body = _WITH_BODY.match(name_part)
    if with_body:
        return _unnamed(doc, start, end, is_founding, "", _clean_name(with_body.group(1))[1])
    count = p.count.search(name_part)
    if count and count.group("n") in ("一", "1"):
        count = None
    if _generic_at(doc, start, end):
        return []
    listed = bool(count) or (not boundaries and bool(run) and after_comma and not designation)
    if listed:
        return _listed(doc, name_part, count, suffix, run_start, bool(boundaries),
                       (start, end, is_founding))
    if p.plural.match(_QUOTES.sub("", p.enumeration.sub("", name_part))):
        return []
    unit_hint, task = _clean_name(name_part)
    if task:
        if suffix == "专班" and p.excluded_name.search(task):
            return []
        if suffix == "专班" and not is_founding and len(task) <= _MIN_TASK \
                and not keywords_in(task):
            return []  # "在检查专班工作时", "记着专班成立以来的议题": running text
        candidate = _named(doc, task, suffix, start, end, is_founding)
        candidate.unit_hint = unit_hint
        return [candidate]
    return _unnamed(doc, start, end, is_founding, unit_hint)


def _add_class(doc: Document, start: int, classes: set[str] | None) -> None:
    """Add the task of the bare 专班 at body offset start, a class, to classes."""
    run = _NAME_RUN.search(doc.body, max(0, start - 40), start)
    if classes is None or run is None:
        return
    words = run.group().rpartition("专班")[2]
    if words.endswith("工作"):
        return
    boundaries = list(_patterns().boundary.finditer(words))
    task = _clean_name(words[boundaries[-1].end():] if boundaries else words)[1]
    if task:
        classes.add(task_key(task + "专班"))


def _proposed(head: str) -> bool:
    """Whether the words before a 专班 only propose or plan setting it up ('委员建议：成立……',
    '建议由省政府牵头组建……', '明年将组建……', '拟成立……'): the last founding verb before it
    follows a proposal word in the same clause, not reported taken up ('根据专家建议成立……'),
    or closely follows a word of plan."""
    p = _patterns()
    verbs = list(p.founding_verb.finditer(head))
    if verbs and not _CLAUSE_END.search(head, verbs[-1].end()) \
            and p.plan.search(head, max(0, verbs[-1].start() - 12), verbs[-1].start()):
        return True
    matches = list(p.proposal.finditer(head))
    if not matches:
        return False
    last = matches[-1]
    if p.founding_verb.search(head, last.end()):
        return False
    return not p.proposal_taken_up.search(head, max(0, last.start() - 12), last.start())


def _in_proposal_title(doc: Document, sentence_start: int, start: int, end: int) -> bool:
    """Whether the 专班 at body[start:end] is inside the title of a proposal
    ('您提出的《关于设立……专班的提案》收悉'): proposed, not reported set up."""
    head = doc.body[sentence_start:start]
    opening = head.rfind("《")
    return opening > head.rfind("》") and bool(_patterns().proposal_title.match(doc.body, end))


def _example(doc: Document, sentence_start: int, end: int) -> bool:
    """Whether the 专班 ending at end is another body's experience held up as an example
    ('学习杭州成立数字化改革专班的经验', '借鉴外地组建专班的做法')."""
    p = _patterns()
    return bool(p.example_after.match(doc.body, end)) \
        and bool(p.example_verb.search(doc.body, sentence_start, end))


def _names_person(name_part: str) -> bool:
    """Whether the words before 专班 hold a person's title ('市委副书记、专班组长'), read after
    the place or organ in front, so that '南通市长江禁渔' is not read as 市长."""
    _unit, rest = split_unit_prefix(_QUOTES.sub("", name_part))
    return bool(_patterns().person_title.search(rest))


def _generic_at(doc: Document, start: int, end: int) -> bool:
    """Whether the 专班 at body[start:end] is part of a generic phrase (专班化, 专人专班 …)."""
    offset = max(0, start - _WINDOW)
    window = doc.body[offset:end + _WINDOW]
    return any(m.start() + offset < end and start < m.end() + offset
               for m in _patterns().generic.finditer(window))


def _listed(doc: Document, name_part: str, count: re.Match[str] | None, suffix: str,
            run_start: int, bounded: bool, token: tuple[int, int, bool]) -> list[Candidate]:
    """The task forces of a list ending at a 专班 ('招商引资、项目建设3个工作专班'); none when
    the list's last item is an excluded sense ('花莲、台东旅游专班') or a count has only one
    item before it, which then is their kind ('冰雪经济三个工作专班'), not a list."""
    p = _patterns()
    start, end, is_founding = token
    if suffix == "专班" and p.excluded_name.search(_QUOTES.sub("", name_part)):
        return []
    head = name_part[: count.start()] if count else name_part
    items = _list_items(doc, head, run_start, bounded, split=bool(count))
    if count and len(items) < 2 and not count.group("etc"):
        items = _items_after(doc, end)
    # with a kind before 专班 ('文化旅游等4个招商专班') the name ends in the kind, checked above
    named_kind = count.group("kind") if count else ""
    items = [item for item in items if _usable(item, "" if named_kind else suffix)]
    # each item's 专班 is one of the kind the list names ('装备制造、新能源等4个招商专班' →
    # 装备制造招商专班)
    found = [_named(doc, _with_kind(item, named_kind), _item_suffix(item, suffix), start, end,
                    is_founding) for item in items]
    for candidate in found:
        candidate.domain_name = candidate.name
    kind = task_key(count.group("kind") + suffix) if count else ""
    for index, candidate in enumerate(found):
        candidate.list_index, candidate.list_size = index, len(found)
        candidate.kind = kind if len(kind) >= _MIN_TASK else ""
    return found


def _with_kind(item: str, kind: str) -> str:
    """A list item's name with the kind the list gives them all ('装备制造' + '招商'), not
    with a mere qualifier ('二级', '专项') or a word that says which items were chosen
    ('重点产业招商' → 产业招商)."""
    p = _patterns()
    while kind and (match := p.qualifier.match(kind) or p.kind_opener.match(kind)) \
            and match.end():
        kind = kind[match.end():]
    if not kind or item.endswith(("专班", "组")) or kind in item or kind in p.tier_kinds:
        return item
    return item + kind


def _respective(doc: Document, head: str, run_start: int, suffix: str,
                token: tuple[int, int]) -> list[Candidate]:
    """One 专班 for each item of a list before '分别' and the founding verb ('围绕A、B、C
    3条产业链分别组建工作专班' → A产业链工作专班 …): head is the list's last item and what
    follows it up to the verb."""
    match = _RESPECTIVE.fullmatch(head)
    if not match or doc.body[run_start - 1:run_start] != "、":
        return []
    items = _list_items(doc, match.group("last"), run_start, bounded=False, split=True)
    kind = match.group("kind") or ""
    items = [item for item in items if _usable(item, "")]
    if len(items) < 2:
        return []
    start, end = token
    found = [_named(doc, _with_kind(item, kind), _item_suffix(item, suffix), start, end, True)
             for item in items]
    kind_key = task_key(kind + suffix)
    for index, candidate in enumerate(found):
        candidate.list_index, candidate.list_size = index, len(found)
        candidate.kind = kind_key if len(kind) >= _MIN_TASK else ""
    return found


def _item_suffix(item: str, suffix: str) -> str:
    return "" if item.endswith(("专班", "组")) else suffix


def _usable(item: str, suffix: str) -> bool:
    """Whether a list item names a task force (not a class, a trip, a person or another
    body)."""
    p = _patterns()
    excluded = suffix == "专班" and p.excluded_name.search(item)
    return len(item) >= _MIN_TASK and not excluded and not _OTHER_BODY.search(item) \
        and not p.person_title.search(item)


def _named(doc: Document, task: str, suffix: str, start: int, end: int,
           is_founding: bool) -> Candidate:
    name = task + suffix
    return Candidate(name=name, task=task_key(name), start=start, end=end,
                     is_founding=is_founding, named=True)


def _clean_name(text: str) -> tuple[str, str]:
    """(unit at the front, task words) of the words before 专班, with enumeration marks,
    openers, function words, counts and qualifiers off; task '' when none is left or the
    words are running prose rather than a name."""
    p = _patterns()
    text = _QUOTES.sub("", text)
    unit_hint = ""
    while True:
        before = text
        text = p.enumeration.sub("", text)
        if not unit_hint:
            unit_hint, text = split_unit_prefix(text)
        if not unit_hint:
            text = strip_organ_self_reference(p.opener.sub("", text))[1]
        text = _strip_function_words(text)
        text = p.qualifier.sub("", text)
        text = _COUNT_PREFIX.sub("", text)
        if text == before:
            break
    text = text.strip("-—·").removesuffix("等")
    if text.endswith("工作"):
        text = text[:-2]
    if len(text) < _MIN_TASK or p.prose.search(text) or _NOT_A_NAME.search(text) \
            or p.occasion.match(text) \
            or (p.prose_initial.match(text) and not text.startswith(p.prose_initial_words)) \
            or p.date_in_name.search(text):
        return unit_hint, ""
    return unit_hint, text


def _headline_place_on(text: str) -> str:
    """The words before a headline's 专班 from the last place named inside them after other
    words: a name begins with its place, so in a headline whose two halves were run together
    ('一年改了86个小区 西湖区老旧小区改造专班') the words before that place are the first half."""
    p = _patterns()
    gazetteer = load_gazetteer()
    for suffix in reversed(list(_ADMIN_SUFFIX.finditer(text))):
        for length in range(_MAX_INNER_PLACE, 2, -1):
            place_start = suffix.end() - length
            place = text[place_start:suffix.end()]
            if place_start < _MIN_TASK or len(text) - suffix.end() < _MIN_TASK \
                    or place in p.not_inner_places or not gazetteer.lookup(place):
                continue
            if not any(m.end == place_start for m in gazetteer.find_all(text[:place_start])):
                return text[place_start:]
    return text


def _strip_function_words(text: str) -> str:
    p = _patterns()
    while (match := p.function_word.match(text)) and not text.startswith(p.keep_words) \
            and len(text) - match.end() >= _MIN_TASK:
        text = text[match.end():]
    return text


def _list_items(doc: Document, last: str, run_start: int, bounded: bool,
                split: bool) -> list[str]:
    """Items of a list ending at a 专班 ('招商引资、项目建设、要素保障3个工作专班'),
    read backwards over 、 to the founding verb or an earlier 专班. Items are split at 和/及/与
    only in a list of several ('A、B和C'), or before a count, so that one name keeps its
    'and' ('汽车及零部件产业链工作专班')."""
    p = _patterns()
    items = [last.removesuffix("等")]
    pos = run_start
    body = doc.body
    while not bounded and body[pos - 1:pos] == "、" \
            and not _ENUM_BEFORE.search(body, max(0, pos - 6), pos):
        run = _NAME_RUN.search(body, max(0, pos - 41), pos - 1)
        if not run or run.group().endswith("专班"):
            break
        segment = run.group()
        if "专班" in segment:
            items.append(segment[segment.rindex("专班") + 2:])
            break
        boundaries = list(p.boundary.finditer(segment))
        if boundaries:
            items.append(segment[boundaries[-1].end():])
            break
        items.append(segment)
        pos = run.start()
    split = split or len(items) > 1
    cleaned = []
    for item in reversed(items):
        for part in _SPLIT_ITEMS.split(item) if split else [item]:
            _unit, task = _clean_name(part.removesuffix("等"))
            if task:
                cleaned.append(task)
    return cleaned


def _items_after(doc: Document, end: int) -> list[str]:
    """Items listed after a count ('成立3个工作专班，分别负责招商引资、项目建设和要素保障')."""
    p = _patterns()
    match = p.list_after.match(doc.body, end)
    if not match:
        return []
    tail = match.group(1)
    if "专班" in tail:
        return []
    items = []
    for part in re.split(r"[、，,]|以及|和|及", tail):
        task = _task_words(part)
        if task:
            items.append(task)
    return items


def _unnamed(doc: Document, start: int, end: int, is_founding: bool,
             unit_hint: str, task: str = "") -> list[Candidate]:
    """An unnamed 专班 set up for a stated task: named <task>工作专班."""
    if not is_founding or _generic_at(doc, start, end):
        return []
    task = task or _task_for(doc, start, end)
    if not task or not keywords_in(task):
        return []
    candidate = _named(doc, task, "工作专班", start, end, True)
    candidate.named = False
    candidate.unit_hint = unit_hint
    return [candidate]


def _task_for(doc: Document, start: int, end: int) -> str:
    """The task an unnamed 专班 is set up for: after it (负责……), before it (为……), from a
    leading group it belongs to, or in the title."""
    p = _patterns()
    sentence = doc.sentence_at(start)
    after = doc.body[end:sentence.end]
    match = p.task_after.match(after)
    if match and (task := _task_words(match.group(1))):
        return task
    head = doc.body[sentence.start:start]
    match = p.task_before.match(head)
    if match and (task := _task_words(match.group(1))):
        return task
    bodies = list(p.body_before.finditer(head))
    if not bodies and _BARE_BODY.match(head.lstrip()):
        # '领导小组下设工作专班': the leading group the sentences before name
        earlier = doc.body[max(0, sentence.start - _BODY_LOOKBACK):sentence.start]
        bodies = list(p.body_before.finditer(earlier))
    if bodies:
        words = bodies[-1].group(1)
        verbs = list(p.boundary.finditer(words))  # '县政府成立防汛抗旱领导小组' → 防汛抗旱
        if task := _task_words(words[verbs[-1].end():] if verbs else words):
            return task
    if not doc.in_title(start):
        title = doc.title.rpartition("专班")[2] or doc.title
        verbs = list(p.boundary.finditer(title))
        title = title[verbs[-1].end():] if verbs else title
        title_task = _task_words(_clean_name(title)[1] or title)
        if title_task and keywords_in(title_task):
            return title_task
    return _task_next(doc, sentence.end)


def _task_next(doc: Document, pos: int) -> str:
    """The task given in the sentence after an unnamed 专班's founding when that sentence
    speaks of the 专班 ('……成立了工作专班。专班由某某任组长，负责……')."""
    following = doc.sentence_at(pos)
    if following.start < pos:
        return ""
    text = following.text.lstrip()
    opener = _NEXT_OPENER.match(text)
    if not opener:
        return ""
    match = _patterns().task_after.match(text[opener.end():])
    return _task_words(match.group(1)) if match else ""


def _task_words(text: str) -> str:
    """A task read from running text, checked like a name (no place, no prose)."""
    return _clean_name(_clean_task(text))[1]


def _clean_task(text: str) -> str:
    """A task read from running text, trimmed of verbs, scope words and 工作/问题/等."""
    p = _patterns()
    head, _of, tail = _QUOTES.sub("", text).partition("的")
    text = head if not tail or p.generic_tail.fullmatch(tail.strip()) else head + tail
    text = text.strip()
    for pattern in (p.trim_start, p.trim_end):
        while (match := pattern.search(text)) and match.group() and len(text) > len(match.group()) \
                and not (match.start() == 0 and text.startswith(p.keep_words)):
            text = text[: match.start()] + text[match.end():]
    text = _IN_PROGRESS.sub("", text.strip("-—·：: "))
    if not (_MIN_TASK <= len(text) <= _MAX_TASK) or "专班" in text:
        return ""
    return text
