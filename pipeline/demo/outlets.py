"""Web outlets of the simulated corpus (data/demo/outlets.yaml) and their article URLs, on real
host names with the reserved top-level domain `.invalid` appended so they never resolve."""

from __future__ import annotations

import random
import string
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.demo.data import DEMO_DATA_DIR, read_csv, read_yaml
from pipeline.demo.units import Place, Unit

RESERVED_TLD = ".invalid"
_CODE_CHARS = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class Outlet:
    """A web site pages are published on."""

    key: str
    name: str
    host: str
    layout: str
    icp: str
    copyright: str
    urls: tuple[str, ...]
    kind: str
    province: str = ""
    site_code: str = ""
    traditional: bool = False


def _stable_number(text: str, digits: int) -> str:
    """A fixed pseudo-random number for `text` (crc32, the same on every machine)."""
    return str(zlib.crc32(text.encode("utf-8")) % 10**digits).zfill(digits)


class OutletCatalog:
    """Looks up outlets by key, province or establishing unit."""

    def __init__(self, province_short: dict[str, str], data_dir: Path = DEMO_DATA_DIR) -> None:
        spec = read_yaml(data_dir / "outlets.yaml")
        self._spec = spec
        self.fixed = {key: self._outlet(key, entry, kind=self._fixed_kind(entry))
                      for key, entry in spec["fixed"].items()}
        self._provinces = {row["province"]: row for row in read_csv(data_dir / "provinces.csv")}
        self._short = province_short
        self._sites = {}
        for row in read_csv(data_dir / "gov_sites.csv"):
            self._sites[(row["province"], row["prefecture"], row["county"])] = row["host"]
        self._gov_cache: dict[str, Outlet] = {}

    @staticmethod
    def _fixed_kind(entry: dict) -> str:
        if entry.get("traditional"):
            return "hk"
        return "gov" if entry["layout"] == "gov_portal" else "news"

    def _outlet(self, key: str, entry: dict, kind: str, **values: str) -> Outlet:
        return Outlet(
            key=key, name=entry["name"].format(**values), host=entry["host"].format(**values),
            layout=entry["layout"], icp=entry.get("icp", "").format(**values),
            copyright=entry["copyright"].format(**values), urls=tuple(entry["urls"]), kind=kind,
            province=values.get("province", ""), traditional=bool(entry.get("traditional")),
        )

    @property
    def site_places(self) -> set[tuple[str, str, str]]:
        """(province, prefecture, county) of the places with a web site of their own."""
        return set(self._sites)

    def provincial(self, kind: str, province: str) -> Outlet:
        """The province's people_local, xinhua_local or daily outlet."""
        row = self._provinces[province]
        entry = dict(self._spec["provincial"][kind])
        entry["host"] = {"people_local": row["people_host"], "xinhua_local": row["xinhua_host"],
                         "daily": row["daily_host"]}[kind]
        if kind == "daily":
            entry["icp"] = f"{row['icp']}ICP备{_stable_number(entry['host'], 8)}号"
        return self._outlet(f"{kind}:{province}", entry, "paper" if kind == "daily" else "news",
                            short=self._short[province], daily_name=row["daily_name"],
                            province=province)

    def government(self, place: Place) -> Outlet:
        """The government portal of `place`, or of the nearest enclosing place that has one
        (a province's site-cluster platform keeps the layout of the place's level)."""
        key = f"gov:{place.code}:{place.level}"
        if key not in self._gov_cache:
            self._gov_cache[key] = self._government(place)
        return self._gov_cache[key]

    def _government(self, place: Place) -> Outlet:
        spec = self._spec["government"]
        candidates = [((place.province, place.prefecture, place.county), place.level),
                      ((place.province, place.prefecture, ""), "prefecture")]
        host, level, site_place = "", "provincial", place.province
        for names, site_level in candidates:
            if names in self._sites and (site_level != "prefecture" or names[1]):
                host, level = self._sites[names], site_level
                site_place = names[2] or names[1]
                break
        if not host:
            host = self._provinces[place.province]["gov_host"]
            level = place.level
        layouts = spec["layouts"][level]
        layout = layouts[zlib.crc32(host.encode()) % len(layouts)]
        icp = f"{self._provinces[place.province]['icp']}ICP备{_stable_number(host, 8)}号"
        return Outlet(
            key=f"gov:{host}", name=spec["name"].format(place=site_place), host=host,
            layout=layout, icp=icp, copyright=spec["name"].format(place=site_place) + "办公室",
            urls=tuple(spec["urls"][layout]), kind="gov", province=place.province,
            site_code=place.site_codes[-1][:2] + _stable_number(host, 8),
        )

    def of_unit(self, unit: Unit) -> Outlet:
        """Where `unit` publishes its own notices."""
        if unit.kind == "national_organ":
            if unit.host == self.fixed["govcn"].host:
                return self.fixed["govcn"]
            return Outlet(key=f"organ:{unit.host}", name=unit.name, host=unit.host,
                          layout=self._spec["national_organ_layout"],
                          icp=f"京ICP备{_stable_number(unit.host, 8)}号", copyright=unit.name,
                          urls=self._spec["government"]["urls"]["gov_portal"], kind="gov",
                          site_code="bm" + _stable_number(unit.host, 8))
        if unit.kind == "university":
            layout = self._spec["university_layout"]
            return Outlet(key=f"univ:{unit.host}", name=unit.name, host=unit.host,
                          layout=layout, icp=f"{self._provinces[unit.province]['icp']}ICP备"
                          f"{_stable_number(unit.host, 8)}号", copyright=unit.name,
                          urls=tuple(self._spec["government"]["urls"][layout]), kind="gov",
                          province=unit.province)
        return self.government(unit.place)

    @staticmethod
    def url(outlet: Outlet, published: date, rng: random.Random) -> str:
        """A fresh article URL on `outlet` for a page published on `published`."""
        values = _UrlFields(published, rng)
        return f"http://{outlet.host}{RESERVED_TLD}{rng.choice(outlet.urls).format_map(values)}"


class _UrlFields(dict):
    """URL pattern fields, each random one drawn only when the pattern uses it."""

    def __init__(self, published: date, rng: random.Random) -> None:
        super().__init__(y=published.year, yy=f"{published.year % 100:02d}",
                         m=published.month, d=published.day, mm=f"{published.month:02d}",
                         dd=f"{published.day:02d}")
        self._rng = rng

    def __missing__(self, key: str) -> str:
        if key.startswith("code"):
            value = "".join(self._rng.choices(_CODE_CHARS, k=int(key[4:])))
        elif key.startswith("n") and key[1:].isdigit():
            digits = int(key[1:])
            value = str(self._rng.randrange(10 ** (digits - 1), 10**digits))
        else:
            raise KeyError(f"unknown URL field {{{key}}}; see data/demo/outlets.yaml")
        self[key] = value
        return value
