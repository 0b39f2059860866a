"""HTML page layouts of the simulated corpus: Jinja templates modelled on Chinese site
families (data/demo/layouts.yaml and data/demo/layouts/*.html.j2)."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.demo.data import DEMO_DATA_DIR, read_yaml
from pipeline.demo.outlets import Outlet
from pipeline.demo.pages import Article

WEEKDAYS = "一二三四五六日"


class LayoutRenderer:
    """Renders an article into the HTML of one layout."""

    def __init__(self, simulated: dict[str, str], data_dir: Path = DEMO_DATA_DIR) -> None:
        spec = read_yaml(data_dir / "layouts.yaml")
        self.layouts: dict[str, dict] = spec["layouts"]
        self._until = spec["copyright_until"]
        self._sim = simulated
        self._outlets: dict[str, dict] = {}
        env = Environment(loader=FileSystemLoader(data_dir / "layouts"), autoescape=True,
                          undefined=StrictUndefined, keep_trailing_newline=True)
        self._templates = {name: env.get_template(entry["template"])
                           for name, entry in self.layouts.items()}

    def gbk_weight(self, layout: str) -> float:
        """Relative weight of `layout` among pages sent as GBK."""
        return float(self.layouts[layout]["gbk"])

    def draw_date_form(self, layout: str, rng: random.Random) -> dict[str, str]:
        """One of the layout's ways of showing the publication date."""
        return rng.choice(self.layouts[layout]["date_forms"])

    def column(self, layout: str, rng: random.Random) -> str:
        """A channel name for the breadcrumb."""
        return rng.choice(self.layouts[layout]["columns"])

    def _outlet_fields(self, outlet: Outlet) -> dict:
        if outlet.key not in self._outlets:
            self._outlets[outlet.key] = asdict(outlet)
        return self._outlets[outlet.key]

    def render(self, article: Article, outlet: Outlet, published: datetime,
               date_form: dict[str, str], related: list[dict[str, str]],
               meta_charset: str | None, page_id: str, column: str) -> str:
        """The page's HTML (a str; encoding happens later)."""
        layout = self.layouts[outlet.layout]
        parts = {"y": f"{published.year}", "mm": f"{published.month:02d}",
                 "dd": f"{published.day:02d}", "m": f"{published.month}",
                 "d": f"{published.day}", "HH": f"{published.hour:02d}",
                 "MI": f"{published.minute:02d}", "SS": f"{published.second:02d}",
                 "week": "星期" + WEEKDAYS[published.weekday()]}
        dates = {**parts, "text": date_form["text"].format(**parts), "key": date_form["key"],
                 "iso": published.date().isoformat(),
                 "datetime": published.strftime("%Y-%m-%d %H:%M:%S"),
                 "minute": published.strftime("%Y-%m-%d %H:%M")}
        return self._templates[outlet.layout].render(
            t=article, o=self._outlet_fields(outlet), d=dates, related=related,
            meta_charset=meta_charset, nav=layout["nav"], column=column,
            since=layout["since"], until=self._until, sim=self._sim, page_id=page_id,
        )
