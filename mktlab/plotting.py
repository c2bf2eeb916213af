"""Fonts for charts with Chinese labels.

matplotlib's default font has no Chinese glyphs and draws boxes instead.
:func:`use_cjk_font` switches matplotlib to a CJK-capable font when one is
installed (e.g. Debian's ``fonts-noto-cjk``) and otherwise changes nothing;
:func:`bilingual` then adds the Chinese name to a label only when it can be
drawn, so a chart never shows boxes.
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["CJK_FAMILIES", "cjk_font", "use_cjk_font", "bilingual", "chart_text", "new_figure"]

#: Font families that cover simplified Chinese, in order of preference.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
                "Arial Unicode MS", "Noto Sans CJK JP")


@lru_cache(maxsize=1)
def cjk_font():
    """The name of an installed font family that can draw Chinese, or ``None``.

    matplotlib keeps its list of fonts in a cache (``~/.cache/matplotlib``) and
    does not notice fonts installed after the cache was built. So when the
    cached list has no CJK font, the fonts on the system that the cache does
    not know are added to matplotlib's list first (this costs time only on a
    machine without a CJK font, once per process).
    """
    from matplotlib import font_manager

    return _first_cjk_family(font_manager.fontManager) or _first_cjk_family(_add_uncached_fonts(font_manager))


def _first_cjk_family(manager):
    installed = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


def _add_uncached_fonts(font_manager):
    """Add the system fonts that matplotlib's font cache does not list yet; returns the font manager."""
    import os

    manager = font_manager.fontManager
    known = {os.path.realpath(f.fname) for f in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if os.path.realpath(path) not in known:
            try:
                manager.addfont(path)
            except Exception:  # a file FreeType cannot read: skip it, as matplotlib's own scan does
                continue
    return manager


def use_cjk_font():
    """Put a CJK-capable font first in matplotlib's sans-serif list; returns its name or ``None``."""
    import matplotlib

    name = cjk_font()
    if name:
        families = matplotlib.rcParams["font.sans-serif"]
        if families[:1] != [name]:
            matplotlib.rcParams["font.sans-serif"] = [name, *[f for f in families if f != name]]
        matplotlib.rcParams["font.family"] = "sans-serif"
    return name


def bilingual(english, chinese, sep="\n"):
    """A chart label in English with its Chinese name, when a font can draw it.

    In the Chinese edition (see :mod:`mktlab.i18n`) the label is the Chinese name alone.

    Examples
    --------
    >>> label = bilingual("relationship marketing", "关系营销", sep=" ")
    >>> label in ("relationship marketing 关系营销", "relationship marketing")
    True
    """
    from .i18n import get_language

    if not use_cjk_font():
        return english
    return chinese if get_language() == "zh" else f"{english}{sep}{chinese}"


def chart_text(english, chinese=None):
    """A chart's text in the notebook's language, or in English when no font can draw that language.

    The Chinese is ``chinese`` when given, else the runtime catalog's translation of ``english``.

    Examples
    --------
    >>> chart_text("year")
    'year'
    """
    from .i18n import get_language, gettext

    if get_language() == "en" or not use_cjk_font():
        return english
    return chinese or gettext(english)


def new_figure(**subplots):
    """A new ``(Figure, Axes)`` pair that a notebook displays as an image but pyplot does not keep.

    Chart functions return the Figure: a notebook shows it as the cell's value,
    and a test can inspect it.  The font is switched to a CJK one when available.

    Examples
    --------
    >>> fig, ax = new_figure(figsize=(4, 3))
    >>> fig.get_size_inches().tolist()
    [4.0, 3.0]
    """
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(layout="constrained", **subplots)
    plt.close(fig)
    return fig, ax
