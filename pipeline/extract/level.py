"""Administrative level of the establishing organisation (codebook §2 level)."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.codebook import CJK, alternation, load_codebook
from pipeline.gazetteer import Division, central_organs

_DIVISION_LEVEL = {"province": "provincial", "prefecture": "prefecture", "county": "county"}
# how far before a person's title its organ may be written (县应急管理局局长)
_TITLE_REACH = 10
# words containing 乡/镇/村 that do not name a township or village (乡村振兴局, 城乡建设局)
_NOT_TOWNSHIP = re.compile("乡村|城乡|乡镇|村镇|镇村|城镇|农村|新农村|村级|乡级|镇级")


@lru_cache(maxsize=1)
def national_regex() -> str:
    """A regular expression for a central organ's name: the codebook's national patterns and
    the gazetteer's list of central organs (a name ending in 部 not followed by 门 or 署, so
    that 公安部门 and 教育部署 are no ministry)."""
    book = load_codebook()
    organs = "|".join(re.escape(name) for name in central_organs())
    return "(?:" + "|".join(book["level"]["national_patterns"]) + f"|{organs})(?![门署])"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str],
                         list[tuple[str, str]]]:
    book = load_codebook()
    unit = book["unit"]
    national = re.compile(national_regex())
    sub_county = re.compile(f"[{CJK}](?:{alternation(unit['sub_county_markers'])})")
    institution = re.compile(alternation(unit["institution_markers"]))
    branch = re.compile(f"(?:{alternation(unit['branch_suffixes'])})$")
    prefixes = sorted(unit["organ_prefix_levels"].items(), key=lambda kv: -len(kv[0]))
    return national, sub_county, institution, branch, prefixes


@lru_cache(maxsize=1)
def _title_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    book = load_codebook()
    titles = [t for words in book["leader"]["titles"].values() for t in words]
    levels = book["unit"]["organ_prefix_levels"]
    title = re.compile(f"(?:{alternation(titles)})(?![会制])")
    level_word = re.compile(alternation(levels))
    return title, level_word, dict(levels)


def level_from_titles(text: str) -> str:
    """The level named by the first person's title that carries one ('副省长' → provincial,
    '县应急管理局局长' → county); '' when no title does."""
    title, level_word, levels = _title_patterns()
    for match in title.finditer(text):
        head = re.split(r"[，,。；;、：:\s（(]", text[max(0, match.start() - _TITLE_REACH):
                                                      match.start()])[-1]
        found = level_word.search(head + match.group())
        if found:
            return levels[found.group()]
    return ""


def code_level(unit: str, division: Division | None) -> str:
    """national / provincial / prefecture / county / unknown for a unit and its division."""
    national, sub_county, institution, branch, prefixes = _patterns()
    if not unit and division is None:
        return "unknown"
    if division is None and national.search(unit):
        return "national"
    remainder = _after_place(unit, division)
    if sub_county.search(_NOT_TOWNSHIP.sub("", remainder)):
        return "county"
    if institution.search(remainder):
        named = division is not None and division.name in unit
        return _DIVISION_LEVEL[division.level] if named else "unknown"
    if division is not None:
        if division.level == "prefecture" and branch.search(remainder):
            return "county"
        return _DIVISION_LEVEL[division.level]
    bare = unit.lstrip("我全本该")
    for prefix, level in prefixes:
        if bare.startswith(prefix):
            return level
    return "unknown"


def _after_place(unit: str, division: Division | None) -> str:
    """The part of unit after the division's name (the organ), or all of it."""
    if division is None:
        return unit
    for name in (division.name, division.short_name):
        if name and name in unit:
            return unit[unit.rindex(name) + len(name):]
    return unit
