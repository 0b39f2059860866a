"""Run every enabled live source for every query and write one hits file per source.

Reads the `live` block of the config (see config/live.example.yaml). A source that is blocked
(captcha), refused by robots.txt or broken is reported and skipped; the others go on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from tqdm import tqdm

from scrapers import __version__
from scrapers.http_client import SourceBlocked
from scrapers.sources import adapters, get_adapter
from scrapers.sources.base import RobotsRefusal, SourceFailed, in_window, now_iso

if TYPE_CHECKING:
    from scrapers.http_client import ClientSettings, PoliteClient

log = logging.getLogger(__name__)

SUMMARY_FILE = "discover_summary.json"
DEFAULT_USER_AGENT = f"zhuanban/{__version__} (research crawler; contact: {{contact}})"
ENTRY_KEYS = {"adapter", "enabled"}
CLIENT_KEYS = ("min_interval", "proxy")


@dataclass
class SourceRun:
    """What one source did: its status, hits written, and what was dropped and why."""

    name: str
    adapter: str
    status: str = "ok"  # ok | blocked | robots_disallowed | failed
    hits: int = 0
    duplicates: int = 0
    outside_window: int = 0
    queries_done: int = 0
    reason: str = ""
    ignore_robots: bool = False
    file: str = ""


@dataclass
class DiscoverSummary:
    """The end-of-run account of a discover run (also written as discover_summary.json)."""

    window: tuple[str, str]
    queries: list[str]
    sources: list[SourceRun] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""

    @property
    def hits(self) -> int:
        """Hits written over all sources."""
        return sum(run.hits for run in self.sources)

    @property
    def failed(self) -> list[SourceRun]:
        """Sources that broke (HTTP errors, changed response shapes, bad options)."""
        return [run for run in self.sources if run.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**dataclasses.asdict(self), "hits": self.hits}

    def report(self) -> str:
        """A few lines for a person: one per source, then the totals."""
        lines = [f"discover {self.window[0]}..{self.window[1]}, "
                 f"{len(self.queries)} queries: {', '.join(self.queries)}"]
        for run in self.sources:
            dropped = f"{run.duplicates} duplicate, {run.outside_window} outside the window"
            line = f"  {run.name:<14} {run.status:<17} {run.hits:>6} hits ({dropped})"
            if run.ignore_robots:
                line += " [robots.txt IGNORED by config]"
            if run.reason:
                line += f"\n  {'':<14} {run.reason}"
            lines.append(line)
        if self.disabled:
            lines.append(f"  disabled: {', '.join(self.disabled)}")
        by_status: dict[str, int] = {}
        for run in self.sources:
            by_status[run.status] = by_status.get(run.status, 0) + 1
        counts = ", ".join(f"{status} {count}" for status, count in sorted(by_status.items()))
        lines.append(f"total: {self.hits} hits; sources {counts}")
        return "\n".join(lines)


def load_live_config(path: Path) -> dict[str, Any]:
    """The `live` block of a config file, its window filled from the top-level `window`."""
    with Path(path).open(encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    if not isinstance(config.get("live"), dict):
        raise ValueError(f"{path}: no 'live' block; see config/live.example.yaml")
    live = dict(config["live"])
    live.setdefault("window", config.get("window"))
    check_live_config(live, str(path))
    return live


def check_live_config(live: dict[str, Any], where: str = "config") -> None:
    """Raise ValueError naming the first key of the live block that is missing or wrong."""
    contact = live.get("contact")
    if not isinstance(contact, str) or not ("@" in contact or contact.startswith("http")):
        raise ValueError(f"{where}: live.contact must be an e-mail address or URL where site "
                         f"operators can reach you (it goes into the User-Agent)")
    window = live.get("window")
    if not isinstance(window, dict):
        raise ValueError(f"{where}: live.window (or the top-level window) needs start and end")
    start, end = window_dates(window, where)
    if start > end:
        raise ValueError(f"{where}: live.window starts ({start}) after it ends ({end})")
    queries = live.get("queries")
    if not queries or not all(isinstance(q, str) and q.strip() for q in queries):
        raise ValueError(f"{where}: live.queries must be a non-empty list of search words")
    sources = live.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise ValueError(f"{where}: live.sources must map source names to their settings")
    for name, entry in sources.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: live.sources.{name} must be a mapping")
        adapter = entry.get("adapter", name)
        if adapter not in adapters():
            raise ValueError(f"{where}: live.sources.{name}: no adapter {adapter!r}; "
                             f"known: {', '.join(sorted(adapters()))}")
        if not isinstance(entry.get("enabled", True), bool):
            raise ValueError(f"{where}: live.sources.{name}.enabled must be true or false")


def window_dates(window: dict[str, Any], where: str = "config") -> tuple[date, date]:
    """The window's start and end as dates (YAML may give strings or dates)."""
    try:
        return (date.fromisoformat(str(window["start"])), date.fromisoformat(str(window["end"])))
    except (KeyError, ValueError) as error:
        raise ValueError(f"{where}: live.window needs ISO dates start and end ({error})") from None


def client_settings(live: dict[str, Any]) -> ClientSettings:
    """The polite client's settings: an honest User-Agent with the contact, and any overrides."""
    from scrapers.http_client import ClientSettings

    agent = str(live.get("user_agent", DEFAULT_USER_AGENT)).format(contact=live["contact"])
    overrides = {key: live[key] for key in CLIENT_KEYS if key in live}
    return ClientSettings(user_agent=agent, **overrides)


def source_options(live: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """An adapter's options: its config entry without adapter/enabled, plus run-wide defaults."""
    options = {key: value for key, value in entry.items() if key not in ENTRY_KEYS}
    if "max_pages" in live:
        options.setdefault("max_pages", live["max_pages"])
    return options


def discover(config: dict[str, Any], out_dir: Path, client: PoliteClient) -> DiscoverSummary:
    """Run the enabled sources of a live block; write `{source}.jsonl` and the summary."""
    check_live_config(config)
    start, end = window_dates(config["window"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = DiscoverSummary(window=(start.isoformat(), end.isoformat()),
                              queries=list(config["queries"]), started_at=now_iso())
    for name, entry in config["sources"].items():
        if not entry.get("enabled", True):
            summary.disabled.append(name)
            continue
        summary.sources.append(_run_source(name, entry, config, start, end, out_dir, client))
    summary.finished_at = now_iso()
    (out_dir / SUMMARY_FILE).write_text(
        json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(summary.report())
    return summary


def _run_source(
    name: str,
    entry: dict[str, Any],
    config: dict[str, Any],
    start: date,
    end: date,
    out_dir: Path,
    client: PoliteClient,
) -> SourceRun:
    adapter = get_adapter(entry.get("adapter", name))
    options = source_options(config, entry)
    path = out_dir / f"{name}.jsonl"
    run = SourceRun(name=name, adapter=adapter.NAME, file=path.name,
                    ignore_robots=bool(options.get("ignore_robots")))
    if run.ignore_robots:
        log.warning("source %s: robots.txt is IGNORED by explicit config (ignore_robots: true)",
                    name)
    queries = config["queries"] if adapter.USES_QUERY else [""]
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out, \
            tqdm(desc=name, unit="hit", disable=None, leave=False) as bar:
        try:
            for query in queries:
                bar.set_postfix_str(query)
                for hit in adapter.search(client, query, start, end, options):
                    if adapter.FILTER_WINDOW and not in_window(hit.date, start, end):
                        run.outside_window += 1
                    elif hit.url in seen:
                        run.duplicates += 1
                    else:
                        seen.add(hit.url)
                        out.write(dataclasses.replace(hit, source=name).to_json() + "\n")
                        out.flush()
                        run.hits += 1
                        bar.update(1)
                run.queries_done += 1
        except SourceBlocked as error:
            run.status, run.reason = "blocked", f"{error.reason} at {error.url}"
        except RobotsRefusal as error:
            run.status, run.reason = "robots_disallowed", error.reason
        except SourceFailed as error:
            run.status, run.reason = "failed", str(error)
        except (ValueError, FileNotFoundError) as error:
            run.status, run.reason = "failed", f"live.sources.{name}: {error}"
    if run.status != "ok":
        tqdm.write(f"discover: source {name} {run.status}, skipped: {run.reason}")
    return run
