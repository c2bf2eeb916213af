"""Widgets for lesson 04: an explorer of Kotler's relationship-level matrix.

The explorer updates an HTML and an Image widget instead of printing into an
Output widget: notebook runners (nbclient) can stall on Output widgets that
are cleared and redrawn during execution.
"""
from __future__ import annotations

import html
import io

import ipywidgets as widgets

from ..i18n import _, get_language
from ..relationship_levels import (CUSTOMER_COUNTS, MARGINS, kotler_levels, matrix_cell_basis,
                                   relationship_matrix_chart, suggested_relationship_level)

__all__ = ["matrix_explorer"]


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def matrix_explorer():
    """Buttons for the number of customers and the margin: the suggested level, what it means, what it rests on."""
    levels = kotler_levels().set_index("level")
    chinese = get_language() == "zh"
    customers = widgets.ToggleButtons(options=[(_(c), c) for c in CUSTOMER_COUNTS], value="many",
                                      description=_("Customers"))
    margin = widgets.ToggleButtons(options=[(_(m), m) for m in MARGINS], value="low", description=_("Margin"))
    text = widgets.HTML()
    chart = widgets.Image(format="png")

    def refresh(_change=None):
        c, m = customers.value, margin.value
        suggested = suggested_relationship_level(c, m)
        parts = suggested.split(" or ")
        names = [levels.loc[level, "level_zh"] if chinese else level for level in parts]
        items = "".join("<li>" + _("<i>{level}</i> ({level_zh}): the seller {does}.").format(
            level=level, level_zh=levels.loc[level, "level_zh"], does=html.escape(_(levels.loc[level, "seller_does"])))
            + "</li>" for level in parts)
        text.value = ("<p><b>" + _("{customers} customers, {margin} margin → {level}.").format(
            customers=_(c).capitalize(), margin=_(m), level=(" / " if chinese else " or ").join(names))
            + f"</b></p><ul>{items}</ul><p>"
            + _("What this cell rests on: {basis}.").format(basis=html.escape(_(matrix_cell_basis(c, m)))) + "</p>")
        chart.value = _png(relationship_matrix_chart(c, m))

    customers.observe(refresh, names="value")
    margin.observe(refresh, names="value")
    refresh()
    return widgets.VBox([customers, margin, text, chart])
