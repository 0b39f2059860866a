"""Source adapters, one module each, and the registry that maps a source name to its module.

Every module in this package except `base` is an adapter: it defines NAME, USES_QUERY,
FILTER_WINDOW and `search(client, query, start, end, options)` (see base.SourceAdapter). A new
module is found by its file alone; to use it, add an entry under `live.sources` in the config.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import cast

from scrapers.sources.base import SourceAdapter

NOT_ADAPTERS = {"base"}


@lru_cache(maxsize=1)
def adapters() -> dict[str, SourceAdapter]:
    """Every adapter module in this package, by its NAME."""
    found: dict[str, SourceAdapter] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name in NOT_ADAPTERS:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for attribute in ("NAME", "USES_QUERY", "FILTER_WINDOW", "search"):
            if not hasattr(module, attribute):
                raise TypeError(f"{module.__name__} is in {__name__} but defines no {attribute}")
        found[module.NAME] = cast(SourceAdapter, module)
    return found


def get_adapter(name: str) -> SourceAdapter:
    """The adapter called `name`; a ValueError lists the known ones."""
    known = adapters()
    if name not in known:
        raise ValueError(f"unknown source adapter {name!r}; known: {', '.join(sorted(known))}")
    return known[name]
