"""One article prepared for coding: normalised title and text, sentences, publication date and
the places the article is about."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from pipeline.extract.codebook import alternation, load_codebook, word_regex
from pipeline.extract.hosts import host_places
from pipeline.extract.html_input import with_html_fields
from pipeline.extract.leader import rank_of_person
from pipeline.gazetteer import Division, PlaceMatch, load_gazetteer
from pipeline.normalize import normalize_text

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
_CLAUSE_BREAK = re.compile(r"[，,：:。！？!?；;\n（）()]")
# ISO dates, and the other forms real records carry: 2020/07/01, 2020.07.01, 2020年7月1日
_ISO_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATELINE = re.compile(r"^[^，。\n]{0,24}?\d{1,2}月\d{1,2}日(?:电|讯)(?:[（(][^）)]{0,40}[）)])?")
_LEDE_CHARS = 300
_SETTING_CHARS = 200
# the share of the text before which a trailer marker is taken as part of the article
_TRAILER_MIN_SHARE = 0.2
# how many of the text's first lines may repeat the title (pages print their headline again)
_HEADLINE_LINES = 6
_NOT_COMPARED = re.compile(r"[\s　:：，,。!！?？“”\"'‘’]")
# a title saying the article is a speech, and the longest byline naming its speaker
_SPEECH = re.compile("讲话|致辞|发言|述职")
# where the speaker's titles end in a title ('州委书记在……上的讲话', '县委副书记某某2023年度
# 述职述廉报告')
_SPEAKER_END = re.compile(r"在|\d{4}年|[〇零一二三四五六七八九]{4}年|述职|关于")
_BYLINE_CHARS = 24
# an interview's one guest ('访谈 … 嘉宾：市人社局党组书记、局长 某某'), who speaks as 我
_INTERVIEW = re.compile("访谈")
_GUEST = re.compile(r"嘉宾[：:]([^：:；;，,。\n]{2,40})$", re.MULTILINE)
_SPEECH_DATE = re.compile(r"[（(](\d{4})年(\d{1,2})月(\d{1,2})日[）)]")
# the longest place name read before an outlet word ("内蒙古日报")
_OUTLET_STEM = 4
_CJK_RUN = re.compile("[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the document body: body[start:end]."""

    index: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _trailer_regex() -> re.Pattern[str]:
    return word_regex(load_codebook()["text"]["trailer_markers"])


@lru_cache(maxsize=1)
def _outlet_regex() -> re.Pattern[str]:
    return word_regex(load_codebook()["outlets"]["suffixes"])


def outlet_places(text: str) -> list[PlaceMatch]:
    """Places of the local outlets named in text ('来源：常州日报' → 常州市): the shortest
    place name (2 to 4 characters) right before an outlet word."""
    ignore = set(load_codebook()["outlets"]["ignore"])
    gazetteer = load_gazetteer()
    found = []
    for match in _outlet_regex().finditer(text):
        for length in range(2, _OUTLET_STEM + 1):
            stem = text[max(0, match.start() - length):match.start()]
            if len(stem) < length or not _CJK_RUN.fullmatch(stem) or stem in ignore:
                break
            division = gazetteer.resolve(stem)
            if division is not None:
                found.append(PlaceMatch(match.start() - length, match.start(), stem, division))
                break
    return found


@lru_cache(maxsize=1)
def _notice_regex() -> re.Pattern[str]:
    markers = alternation(load_codebook()["dates"]["notice_markers"])
    return re.compile(
        f"关于(成立|设立|组建|调整|充实)[^。]{{1,60}}?专班[^。]{{0,12}}?(?:{markers})"
    )


def parse_published(value: Any) -> date | None:
    """The date of an ISO string ('2020-03-05', '2020-03-05T08:00:00'; also '2020/03/05',
    '2020.03.05', '2020年3月5日'), a date or a timestamp;
    None for missing values (None, NaN, NaT) and text with no date."""
    if value is None or isinstance(value, float):
        return None
    match = _ISO_DATE.search(str(value))
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def strip_trailer(text: str) -> str:
    """The article text without the outlet's trailing link lists and footers. Markers before
    the first full stop belong to the page's header ('【打印】' beside the date), not its end."""
    floor = max(int(len(text) * _TRAILER_MIN_SHARE), text.find("。"))
    for match in _trailer_regex().finditer(text):
        if match.start() >= floor:
            return text[:match.start()]
    return text


@dataclass
class Document:
    """An article ready for coding. body = title + newline + text; offsets refer to body."""

    article_id: str
    url: str
    source: str
    title: str
    text: str
    published: date | None
    body: str = field(init=False)
    sentences: list[Sentence] = field(init=False)
    title_end: int = field(init=False)

    def __post_init__(self) -> None:
        self.body = f"{self.title}\n{self.text}"
        self.title_end = len(self.title)
        self.sentences = [Sentence(i, m.start(), m.end(), m.group())
                          for i, m in enumerate(_SENTENCE.finditer(self.body))]
        self._starts = [s.start for s in self.sentences]

    @classmethod
    def from_article(cls, article: Mapping[str, Any]) -> Document:
        """Build from a JSONL record (id) or an articles-table row (article_id)."""
        article = with_html_fields(article)
        article_id = article.get("id") or article.get("article_id") or ""
        text = strip_trailer(normalize_text(_text(article.get("text"))))
        return cls(
            article_id=str(article_id),
            url=_text(article.get("url")),
            source=normalize_text(_text(article.get("source"))),
            title=normalize_text(_text(article.get("title"))).replace("\n", " "),
            text=_DATELINE.sub("", text, count=1),
            published=parse_published(article.get("published")),
        )

    def sentence_at(self, pos: int) -> Sentence:
        """The sentence that contains body offset pos."""
        i = max(bisect.bisect_right(self._starts, pos) - 1, 0)
        return self.sentences[i]

    def clause_start(self, pos: int) -> int:
        """Offset where the clause containing pos begins (after the last comma, colon …)."""
        sentence = self.sentence_at(pos)
        head = self.body[sentence.start:pos]
        breaks = list(_CLAUSE_BREAK.finditer(head))
        return sentence.start + (breaks[-1].end() if breaks else 0)

    @cached_property
    def speech_date(self) -> date | None:
        """The date a speech was given, from its date line ('（2019年6月5日）')."""
        if not _SPEECH.search(self.title):
            return None
        for line in self.text.split("\n")[:_HEADLINE_LINES]:
            match = _SPEECH_DATE.fullmatch(line.strip())
            if match:
                try:
                    return date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    return None
        return None

    @property
    def reported(self) -> date | None:
        """The day the article reports from: a speech's date, else the publication date."""
        return self.speech_date or self.published

    @property
    def setting(self) -> str:
        """The title and the lede: what frames the tasks of the article's 专班."""
        return f"{self.title}\n{self.text[:_SETTING_CHARS]}"

    def in_title(self, pos: int) -> bool:
        """Whether body offset pos lies in the title."""
        return pos < self.title_end

    @cached_property
    def headline_spans(self) -> list[tuple[int, int]]:
        """Body spans of the title and of the text's first lines that repeat it."""
        title = _NOT_COMPARED.sub("", self.title)
        spans = [(0, self.title_end)]
        pos = self.title_end + 1
        for line in self.text.split("\n")[:_HEADLINE_LINES]:
            if title and _NOT_COMPARED.sub("", line) == title:
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        return spans

    @cached_property
    def speaker(self) -> str:
        """The titles of the person whose speech the article is, from the title ('州委书记在……
        上的讲话') or a byline near the top ('县委书记 某某'), or of an interview's one guest
        ('嘉宾：市人社局局长 某某'); '' for other articles."""
        if _INTERVIEW.search(self.title):
            guests = _GUEST.findall("\n".join(self.text.split("\n")[:_HEADLINE_LINES]))
            if len(guests) == 1 and rank_of_person(guests[0])[0] != "unknown":
                return guests[0]
        if not _SPEECH.search(self.title):
            return ""
        end = _SPEAKER_END.search(self.title)
        lines = [self.title[:end.start()] if end else "",
                 *self.text.split("\n")[:_HEADLINE_LINES]]
        for line in lines:
            if line and line != self.title and len(line) <= _BYLINE_CHARS \
                    and rank_of_person(line)[0] != "unknown":
                return line
        return ""

    def in_headline(self, pos: int) -> bool:
        """Whether body offset pos lies in the title or in a line repeating it."""
        return any(start <= pos < end for start, end in self.headline_spans)

    @cached_property
    def notice_verb(self) -> str:
        """成立, 调整 … when the article is a notice about a 专班 (关于成立……专班的通知)."""
        match = _notice_regex().search(self.title) or _notice_regex().search(self.text[:300])
        return match.group(1) if match else ""

    @property
    def is_notice(self) -> bool:
        """Whether the article is a notice about a 专班."""
        return bool(self.notice_verb)

    @property
    def is_founding_notice(self) -> bool:
        """Whether the article is a notice setting a 专班 up (关于成立/设立/组建……的通知)."""
        return self.notice_verb in ("成立", "设立", "组建")

    @cached_property
    def context_places(self) -> list[PlaceMatch]:
        """Places named in the title, the lede, the outlet's name (given as the source or in
        the page's header), then by the web host."""
        gazetteer = load_gazetteer()
        found = self.title_places + gazetteer.find_all(self.text[:_LEDE_CHARS])
        found += gazetteer.find_all(self.source) + self.outlet_places
        return found + [PlaceMatch(-1, -1, d.name, d) for d in host_places(self.url, self.source)]

    @cached_property
    def title_places(self) -> list[PlaceMatch]:
        """Places named in the title."""
        return load_gazetteer().find_all(self.title)

    @cached_property
    def outlet_places(self) -> list[PlaceMatch]:
        """Places of the local outlet named as the source or in the page's header."""
        return outlet_places(self.source) + outlet_places(self.text[:_LEDE_CHARS])

    @cached_property
    def all_places(self) -> list[PlaceMatch]:
        """Every place named in the body (computed only when the context places fall short)."""
        return load_gazetteer().find_all(self.body)

    def place_for(self, level_suffix: str) -> Division | None:
        """The article's place whose name ends with level_suffix (市, 县, 省 …): named in the
        title, else the outlet's ('市交通运输局' in 廊坊日报), else in the context, else anywhere;
        for 省, else the province of the first place in the context."""
        for places in (self.title_places, self.outlet_places, self.context_places,
                       self.all_places):
            for match in places:
                if match.division.name.endswith(level_suffix):
                    return match.division
        if level_suffix == "省" and self.context_places:
            return load_gazetteer().resolve(self.context_places[0].division.province)
        return None


def _text(value: Any) -> str:
    if value is None or isinstance(value, float):
        return ""
    return str(value)

