"""Places named by a web host (www.ankang.gov.cn, sn.people.com.cn): the codebook's table of
abbreviations and outlets, then the pinyin of division names."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline.extract.codebook import load_codebook
from pipeline.gazetteer import LEVELS, Division, load_gazetteer

_LABEL = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=1)
def _table() -> tuple[frozenset[str], dict[str, Division]]:
    hosts = load_codebook()["hosts"]
    gazetteer = load_gazetteer()
    places = {}
    for label, name in hosts["places"].items():
        division = gazetteer.resolve(name)
        if division is None:
            raise ValueError(f"codebook hosts.places: {label}: {name} is not in the gazetteer; "
                             "use an official division name")
        places[str(label)] = division
    return frozenset(hosts["ignore"]), places


@lru_cache(maxsize=1)
def _pinyin_index() -> dict[str, Division]:
    """Toneless pinyin of each division's short name → the division, where one division of
    the highest level has it (xinjiang → 新疆, not 新绛县); empty without pypinyin."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        return {}
    found: dict[str, list[Division]] = defaultdict(list)
    for division in load_gazetteer().divisions:
        found["".join(lazy_pinyin(division.short_name or division.name))].append(division)
    index = {}
    for key, divisions in found.items():
        top = min(LEVELS.index(d.level) for d in divisions)
        at_top = [d for d in divisions if LEVELS.index(d.level) == top]
        if len(at_top) == 1:
            index[key] = at_top[0]
    return index


def host_places(*addresses: str) -> list[Division]:
    """Divisions named by the host labels of URLs or bare host names, in label order."""
    ignore, places = _table()
    found: list[Division] = []
    for address in addresses:
        host = urlsplit(address).hostname if "//" in address else address.lower()
        for label in (host or "").split("."):
            if label in ignore or not _LABEL.match(label):
                continue
            division = places.get(label) or _pinyin_index().get(label)
            if division is not None and division not in found:
                found.append(division)
    return found
