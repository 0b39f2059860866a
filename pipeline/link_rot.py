"""Link rot: what became of every discovered or captured URL, by source, year and site level.

How to read: each URL gets one outcome from its last capture-log row: `alive` (fetched: ok or
too_large), `archived` (dead, recovered from a web archive: archived_copy), `lost` (dead — HTTP
404/410 or no connection — and no archived copy), `other_failure` (timeout, robots.txt refusal,
block page, other HTTP errors: the page may still exist) or `not_captured` (a hit never
fetched). `dead` = archived + lost; dead_share is dead / n_urls and archived_share_of_dead the
part of the dead recovered from an archive (both in %). A URL's year is its hit's date, else a
date in the URL itself; its site level follows data/link_rot.yaml (central hosts and ministry
labels, known sites, then the division a government host names; other hosts are
non-government). The outcome is the state at capture time (`fetched_at`), not today's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.beyond_charts import link_rot_chart
from pipeline.coverage import hits_table, normalise_url, url_host
from pipeline.extract.hosts import host_places
from pipeline.gazetteer import LEVELS
from scrapers.capture import CAPTURED, DEAD_LINK_STATUSES, LOG_NAME

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "link_rot.yaml"
OUTCOMES = ("alive", "archived", "lost", "other_failure", "not_captured")
ARCHIVED_STATUS = "archived_copy"
DEAD_STATUSES = frozenset({"connection_error"})  # and http_error with DEAD_LINK_STATUSES
SITE_LEVEL_OF_DIVISION = {"province": "provincial", "prefecture": "prefecture",
                          "county": "county"}
NO_SOURCE = "(no hits files)"
UNKNOWN_YEAR = "unknown"
UNKNOWN_YEAR_LABEL = "年份不详"
GROUP_COLUMNS = ["group", "n_urls", *OUTCOMES, "dead", "dead_share",
                 "archived_share_of_dead"]
URL_COLUMNS = ["url", "sources", "host", "site_level", "year", "year_from", "status",
               "http_status", "outcome", "fetched_at"]
BREAKDOWNS = {"source": "按来源", "year": "按年份", "site_level": "按网站级别"}


@dataclass(frozen=True)
class LinkRotResult:
    """The per-URL table, one table per breakdown and the summary written to summary.json."""

    urls: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    """The site-level rules and URL year patterns (data/link_rot.yaml), checked."""
    rules = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    levels = rules.get("site_levels", {}) if isinstance(rules, dict) else {}
    wanted = ("government_suffixes", "central_hosts", "central_labels", "known_sites",
              "labels")
    missing = [key for key in wanted if key not in levels]
    if missing or "url_year_patterns" not in rules:
        raise ValueError(f"{path}: missing key(s) site_levels.{missing} or url_year_patterns; "
                         "see the comments in data/link_rot.yaml")
    wrong = {site: level for site, level in levels["known_sites"].items()
             if level not in levels["labels"]}
    if wrong:
        raise ValueError(f"{path}: site_levels.known_sites {wrong}: levels must be among "
                         f"{list(levels['labels'])}")
    return rules


def outcome(status: str, http_status: str) -> str:
    """The outcome of a URL from its last capture status ('' when never captured)."""
    if not status:
        return "not_captured"
    if status == ARCHIVED_STATUS:
        return "archived"
    if status in CAPTURED:
        return "alive"
    code = int(float(http_status)) if str(http_status).strip() else None
    if status in DEAD_STATUSES or (status == "http_error" and code in DEAD_LINK_STATUSES):
        return "lost"
    return "other_failure"


@lru_cache(maxsize=4096)
def site_level(host: str) -> str:
    """central, provincial, prefecture, county, local_unresolved or non_government."""
    rules = load_rules()["site_levels"]
    if not any(host == s or host.endswith("." + s) for s in rules["government_suffixes"]):
        return "non_government"
    labels = host.split(".")
    if host in rules["central_hosts"] or (len(labels) >= 3
                                          and labels[-3] in rules["central_labels"]):
        return "central"
    for site, level in rules["known_sites"].items():
        if host == site or host.endswith("." + site):
            return level
    divisions = host_places(host)
    if not divisions:
        return "local_unresolved"
    most_local = max(divisions, key=lambda d: LEVELS.index(d.level))
    return SITE_LEVEL_OF_DIVISION[most_local.level]


def url_year(url: str) -> str:
    """The year a URL's path states (first matching pattern of the rules), else ''."""
    for pattern in load_rules()["url_year_patterns"]:
        match = re.search(pattern, url)
        if match:
            return match.group(1)
    return ""


def capture_states(capture_dir: Path) -> pd.DataFrame:
    """The last capture-log row of every URL (a rerun appends rows for retried URLs)."""
    path = Path(capture_dir) / LOG_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no capture log; point link-rot at the folder "
                                "`zhuanban capture` wrote")
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("url", "status", "http_status", "fetched_at") if c not in log]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; not a capture log")
    log["key"] = log["url"].map(normalise_url)
    return log.drop_duplicates("key", keep="last").set_index("key")


def url_table(states: pd.DataFrame, hits: pd.DataFrame | None) -> pd.DataFrame:
    """One row per URL (captured or hit): its sources, host, site level, year and outcome."""
    sources: dict[str, set[str]] = {}
    dates: dict[str, str] = {}
    urls: dict[str, str] = {key: url for key, url in zip(states.index, states["url"],
                                                            strict=True)}
    if hits is not None:
        for url, source, day in zip(hits["url"], hits["source"], hits["date"], strict=True):
            key = normalise_url(url)
            urls.setdefault(key, url)
            sources.setdefault(key, set()).add(source)
            if day[:4].isdigit() and (key not in dates or day < dates[key]):
                dates[key] = day
    rows = []
    for key, url in urls.items():
        state = states.loc[key] if key in states.index else None
        status = "" if state is None else state["status"]
        http_status = "" if state is None else state["http_status"]
        host = url_host(url)
        from_url = url_year(url)
        year, year_from = ((dates[key][:4], "hit date") if key in dates
                           else (from_url, "url") if from_url else (UNKNOWN_YEAR, "none"))
        rows.append({
            "url": url,
            "sources": " + ".join(sorted(sources.get(key, set()))) or NO_SOURCE,
            "host": host,
            "site_level": site_level(host),
            "year": year,
            "year_from": year_from,
            "status": status,
            "http_status": http_status,
            "outcome": outcome(status, http_status),
            "fetched_at": "" if state is None else state["fetched_at"],
        })
    return pd.DataFrame(rows, columns=URL_COLUMNS)


def group_table(urls: pd.DataFrame, column: str, order: list[str] | None = None) -> pd.DataFrame:
    """Outcome counts per value of a column (sources split: a URL counts for each source)."""
    values = urls[column].str.split(" + ", regex=False) if column == "sources" else urls[column]
    exploded = urls.assign(group=values).explode("group")
    counts = pd.crosstab(exploded["group"], exploded["outcome"])
    counts = counts.reindex(columns=list(OUTCOMES), fill_value=0)
    groups = order if order is not None else sorted(counts.index)
    counts = counts.reindex([g for g in groups if g in counts.index])
    table = counts.reset_index(names="group").rename_axis(columns=None)
    table.insert(1, "n_urls", counts.sum(axis=1).to_numpy())
    table["dead"] = table["archived"] + table["lost"]
    table["dead_share"] = (100 * table["dead"] / table["n_urls"]).round(2)
    table["archived_share_of_dead"] = (100 * table["archived"] / table["dead"].where(
        table["dead"] > 0)).round(2)
    return table[GROUP_COLUMNS]


def statement(urls: pd.DataFrame) -> str:
    """One sentence on the whole: how many URLs were alive, dead, recovered, lost."""
    counts = Counter(urls["outcome"])
    n = len(urls)
    dates = sorted(d[:10] for d in urls["fetched_at"] if d)
    when = f" (captured {dates[0]}..{dates[-1]})" if dates else ""
    if n and counts["alive"] == n:
        return (f"All {n} URLs were alive when captured{when}: none was dead, no archived copy "
                "was used.")
    dead = counts["archived"] + counts["lost"]
    return (f"Of {n} URLs{when}, {counts['alive']} were alive and {dead} dead "
            f"({100 * dead / n if n else 0:.1f} %): {counts['archived']} recovered from a web "
            f"archive, {counts['lost']} lost; {counts['other_failure']} failed otherwise and "
            f"{counts['not_captured']} were never captured.")


def link_rot_files(capture_dir: Path, out_dir: Path, *, hits_dir: Path | None = None,
                   simulated: bool = False) -> LinkRotResult:
    """Write urls.csv, by_source.csv, by_year.csv, by_site_level.csv, by_host.csv,
    summary.json and link_rot.png|svg to out_dir."""
    hits = hits_table(hits_dir) if hits_dir is not None else None
    urls = url_table(capture_states(capture_dir), hits)
    level_order = list(load_rules()["site_levels"]["labels"])
    tables = {
        "source": group_table(urls, "sources"),
        "year": group_table(urls, "year"),
        "site_level": group_table(urls, "site_level", level_order),
        "host": group_table(urls, "host"),
    }
    counts = Counter(urls["outcome"])
    summary = {
        "simulated": simulated,
        "hits": hits_dir is not None,
        "n_urls": len(urls),
        "outcomes": {name: counts[name] for name in OUTCOMES},
        "dead": counts["archived"] + counts["lost"],
        "statement": statement(urls),
        "site_level_labels": load_rules()["site_levels"]["labels"],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    urls.to_csv(out_dir / "urls.csv", index=False)
    for key, table in tables.items():
        table.to_csv(out_dir / f"by_{key}.csv", index=False)
    (out_dir / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    labels = load_rules()["site_levels"]["labels"]
    charted = {key: tables[key] for key in BREAKDOWNS if key != "source" or hits is not None}
    charted["site_level"] = charted["site_level"].assign(
        group=charted["site_level"]["group"].map(labels))
    charted["year"] = charted["year"].assign(
        group=charted["year"]["group"].replace(UNKNOWN_YEAR, UNKNOWN_YEAR_LABEL))
    link_rot_chart(charted, {key: BREAKDOWNS[key] for key in charted}, OUTCOMES, simulated,
                   out_dir / "link_rot")
    return LinkRotResult(urls, tables, summary)
