"""Founding date of a 专班 (codebook §2 founded): a date the text ties to the founding, the
notice's date or document number, else the publication date."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from pipeline.extract.codebook import alternation, load_codebook
from pipeline.extract.document import Document, Sentence

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3,
              "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:\d{4}|[〇零○一二三四五六七八九]{4})"
_DEADLINE = re.compile(r"^(?:前|之前|以前|起|至|止|到|截止|截至|—|-|~|～)")
_DOC_NUMBER = re.compile(r"[〔［\[【(（](\d{4})[〕］\]】)）]\s*\d{1,4}\s*号")
_TAIL_CHARS = 160
_FIRST_YEAR = 1990
_PREVIOUS_SENTENCE_OPENING = 14
_AFTER_OPENING = ("，", ",", "上", "下", "晚", "早")
_MAX_HEADING = 40


@dataclass(frozen=True)
class Founded:
    """A founding date: ISO text (YYYY-MM-DD, YYYY-MM or YYYY), its year, and where it came
    from ('text', 'notice', 'published' or '' when nothing is known)."""

    value: str = ""
    year: int | None = None
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class _DateHit:
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class _Patterns:
    any_date: re.Pattern[str]
    since: re.Pattern[str]
    relative_days: dict[str, int]
    relative_years: dict[str, int]
    tied: re.Pattern[str]
    tied_before: re.Pattern[str]
    back_reference: re.Pattern[str]
    reviewed: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    book = load_codebook()["dates"]
    days = {str(k): int(v) for k, v in book["relative_days"].items()}
    years = {str(k): int(v) for k, v in book["relative_years"].items()}
    any_date = re.compile(
        rf"(?P<full>(?P<fy>{_YEAR})年(?P<fm>{_NUM})月(?:(?P<fd>{_NUM})[日号])?)"
        r"|(?P<iso>(?P<iy>\d{4})[-./](?P<im>\d{1,2})[-./](?P<id>\d{1,2}))"
        rf"|(?P<rel>(?P<rw>{alternation(years)})"
        rf"(?:(?P<rm>{_NUM})月(?:(?P<rd>{_NUM})[日号])?|(?P<rp>年初|年底|上半年|底))?)(?!以来)"
        rf"|(?P<md>(?<![\d年月])(?P<mm>{_NUM})月(?P<mdd>{_NUM})[日号])"
        rf"|(?P<tm>(?:本月|当月)(?P<tmd>{_NUM})[日号])"
        rf"|(?P<mo>(?<![\d年月个一二三四五六七八九十至到止])(?P<mom>{_NUM})月份?(?![\d一二三四五六七八九十日号份]))"
        rf"|(?P<ys>(?<![今去上前当本明])(?:{alternation(book['year_start'])}))"
        rf"|(?P<day>{alternation(days)})"
        rf"|(?P<year>(?P<yy>{_YEAR})年(?![\d一二三四五六七八九十]|度))"
    )
    return _Patterns(
        any_date=any_date,
        since=re.compile(f"^[^，。；]{{0,16}}?(?:{alternation(book['since_markers'])})"),
        relative_days=days,
        relative_years=years,
        tied=re.compile(f"^(?:{alternation(book['tied_after'])})"),
        tied_before=re.compile(f"(?:{alternation(book['tied_before'])})$"),
        back_reference=re.compile(
            f"(?:{alternation(book['tied_after'])})了?(?:这个|该|此|这一|这支)(?:工作)?专班"),
        reviewed=re.compile(rf"({_YEAR})年度?[^，。；\n]{{0,16}}?(?:{alternation(book['review_words'])})"),
    )


def _number(text: str) -> int:
    """An Arabic or Chinese numeral of up to four digits (二〇二〇, 十二, 廿 not used)."""
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return _CN_DIGITS.get(text, 0)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    """ISO text for a (partial) date; '' when the parts are not a real date."""
    try:
        if day is not None and month is not None:
            return date(year, month, day).isoformat()
        if month is not None:
            return f"{date(year, month, 1):%Y-%m}"
    except ValueError:
        return ""
    return f"{year:04d}"


def _value(match: re.Match[str], published: date | None) -> str:
    """ISO text for one date expression; '' when it needs a publication date that is missing."""
    p = _patterns()
    kind = match.lastgroup
    if kind == "full":
        day = match["fd"]
        return _iso(_number(match["fy"]), _number(match["fm"]), _number(day) if day else None)
    if kind == "iso":
        return _iso(int(match["iy"]), int(match["im"]), int(match["id"]))
    if kind == "year":
        return _iso(_number(match["yy"]))
    if published is None:
        return ""
    if kind == "rel":
        year = published.year + p.relative_years[match["rw"]]
        if match["rp"] in ("年底", "底"):  # "去年底", "今年年底": the year's last month
            return _iso(year, 12)
        if not match["rm"]:
            return _iso(year)
        day = match["rd"]
        return _iso(year, _number(match["rm"]), _number(day) if day else None)
    if kind == "md":
        month, day = _number(match["mm"]), _number(match["mdd"])
        year = published.year - (1 if (month, day) > (published.month, published.day) else 0)
        return _iso(year, month, day)
    if kind == "tm":
        return _iso(published.year, published.month, _number(match["tmd"]))
    if kind == "mo":
        month = _number(match["mom"])
        return _iso(published.year - (1 if month > published.month else 0), month)
    if kind == "ys":
        return _iso(published.year)
    return (published + timedelta(days=p.relative_days[match["day"]])).isoformat()


def _dates_in(text: str, published: date | None) -> list[_DateHit]:
    """Date expressions in text that are not deadlines ('3月5日前'), with their ISO values."""
    hits = []
    for match in _patterns().any_date.finditer(text):
        if _DEADLINE.match(text[match.end():]):
            continue
        value = _value(match, published)
        if value and _plausible(value, published):
            hits.append(_DateHit(match.start(), match.end(), value))
    return hits


def _plausible(value: str, published: date | None) -> bool:
    year = int(value[:4])
    latest = (published.year if published else date.today().year) + 1
    return _FIRST_YEAR <= year <= latest


def notice_date(doc: Document) -> Founded:
    """The date a notice was issued (its last date line), else the year of its document number."""
    tail = doc.text[-_TAIL_CHARS:]
    hits = [hit for hit in _dates_in(tail, doc.published) if len(hit.value) == 10]
    if hits:
        hit = hits[-1]
        return Founded(hit.value, int(hit.value[:4]), "notice", tail[hit.start:hit.end])
    number = _DOC_NUMBER.search(doc.title + doc.text[:400])
    if number and _plausible(number.group(1), doc.published):
        return Founded(number.group(1), int(number.group(1)), "notice", number.group())
    return Founded()


def code_founded(doc: Document, sentence: Sentence, anchor: int, is_founding: bool,
                 following: Sequence[Sentence] = ()) -> Founded:
    """Founding date of the 专班 mentioned at body offset anchor in sentence; `following` are
    the sentences after it that still speak of the same 专班. The article's own date is its
    publication date, or a speech's date; a founding said to be only 'this year' ('今年') is
    dated by it."""
    published, reviewed = _reference_day(doc, anchor)
    if is_founding:
        hits = [hit for hit in _dates_in(sentence.text, published)
                if not (published and hit.value == str(published.year))]
        local = anchor - sentence.start
        nearest = min(hits, key=lambda h: abs(h.start - local)) if hits else None
        if nearest is not None and len(nearest.value) == len("YYYY-MM-DD"):
            return Founded(nearest.value, int(nearest.value[:4]), "text", sentence.text)
        tied = _tied_date(sentence, published)
        if tied is not None:
            return tied
        previous = _previous_opening_date(doc, sentence, published)
        if previous is not None:
            return previous
        notice = notice_date(doc) if doc.is_founding_notice else Founded()
        if notice.value and (nearest is None or len(notice.value) > len(nearest.value)):
            return notice
        if nearest is not None:
            return Founded(nearest.value, int(nearest.value[:4]), "text", sentence.text)
    for later in (sentence, *following):
        since = _since_date(later, published)
        if since is None and "专班" in later.text:
            since = _tied_date(later, published)
        if since is not None:
            return since
    if reviewed is not None:
        return Founded(str(reviewed), reviewed, "reviewed", "")
    if published is not None:
        return Founded(published.isoformat(), published.year, "published", "")
    return Founded()


def _reference_day(doc: Document, anchor: int) -> tuple[date | None, int | None]:
    """The day the text's relative dates count from, and the year the text reviews if any.
    A work summary or report of a past year ('2020年工作总结' published in 2021, or a
    '2018年工作回顾' section of a 2019 report) speaks of that year: its '今年', '年初' and
    bare months fall in that year, and a 专班 it reports set up without a date was set up in
    it. Else the article's own day (doc.reported)."""
    reported = doc.reported or _dateline(doc)
    p = _patterns()
    reviewed = None
    found = p.reviewed.search(doc.title)
    if found:
        reviewed = _number(found.group(1))
    line_start = doc.body.rfind("\n", 0, doc.title_end) + 1
    for line in doc.body[line_start:anchor].split("\n"):
        if len(line) <= _MAX_HEADING:
            found = p.reviewed.search(line)
            if found:
                reviewed = _number(found.group(1))
    if reviewed is None or reviewed < _FIRST_YEAR or \
            (reported is not None and reviewed >= reported.year):
        return reported, None
    return date(reviewed, 12, 31), reviewed


def _dateline(doc: Document) -> date | None:
    """For a page without a publication date, the last full date at its end (a print
    edition's line '澳門日報 2021年9月24日 A07版', a signature)."""
    hits = [hit for hit in _dates_in(doc.text[-_TAIL_CHARS:], None) if len(hit.value) == 10]
    return date.fromisoformat(hits[-1].value) if hits else None


def _tied_date(sentence: Sentence, published: date | None) -> Founded | None:
    """A date the sentence ties to the founding itself ('该专班于2020年6月成立',
    '专班成立于2021年3月')."""
    p = _patterns()
    text = sentence.text
    # a bare 今年 is not a founding date: the publication date is nearer
    hits = [hit for hit in _dates_in(text, published)
            if not (published and hit.value == str(published.year))]
    for hit in hits:
        if p.tied.match(text[hit.end:]) or p.tied_before.search(text[:hit.start]):
            return Founded(hit.value, int(hit.value[:4]), "text", text)
    # "去年8月，州委政法委抽调骨干组建这个专班": an opening date of a sentence founding it
    if hits and hits[0].start <= 2 and p.back_reference.search(text):
        return Founded(hits[0].value, int(hits[0].value[:4]), "text", text)
    return None


def _since_date(sentence: Sentence, published: date | None) -> Founded | None:
    """A date followed by 成立以来 / 组建以来 … ('自去年10月成立以来')."""
    for hit in _dates_in(sentence.text, published):
        if _patterns().since.match(sentence.text[hit.end:]):
            return Founded(hit.value, int(hit.value[:4]), "text", sentence.text)
    return None


def _previous_opening_date(doc: Document, sentence: Sentence,
                           published: date | None) -> Founded | None:
    """A date opening the sentence before ('3月5日，市政府召开常务会议。会议决定成立……')."""
    if sentence.index == 0 or doc.in_title(sentence.start):
        return None
    previous = doc.sentences[sentence.index - 1]
    if doc.in_title(previous.start):
        return None
    opening = previous.text[:_PREVIOUS_SENTENCE_OPENING]
    hits = _dates_in(opening, published)
    # an opening date is followed by a comma; a page header's date ('2019-03-21 08:22') is not
    if hits and hits[0].start <= 2 and opening[hits[0].end:hits[0].end + 1] in _AFTER_OPENING:
        hit = hits[0]
        return Founded(hit.value, int(hit.value[:4]), "text", previous.text)
    return None
