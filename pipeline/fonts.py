"""Register the CJK font bundled with mplfonts so matplotlib can draw Chinese labels offline."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file shipped inside the mplfonts package."""
    path = Path(str(files("mplfonts") / "fonts" / CJK_FONT_FILE))
    if not path.is_file():
        raise FileNotFoundError(
            f"{CJK_FONT_FILE} not found in the mplfonts package ({path.parent}); "
            "reinstall it with `pip install --force-reinstall mplfonts`"
        )
    return path


@cache
def register_cjk_font() -> str:
    """Add the bundled CJK font to matplotlib's font manager (once); return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def cjk_rc() -> dict[str, Any]:
    """rcParams that draw Chinese text with the bundled font (for `matplotlib.rc_context`).

    SVG text is written as paths so the files render on machines without the font.
    """
    family = register_cjk_font()
    sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, *sans],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
    }


def use_cjk_font() -> None:
    """Apply :func:`cjk_rc` globally (for notebooks and scripts)."""
    matplotlib.rcParams.update(cjk_rc())
