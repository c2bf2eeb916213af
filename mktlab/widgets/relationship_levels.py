"""Widgets for lesson 04: an explorer of Kotler's relationship-level matrix.

The explorer updates an HTML and an Image widget instead of printing into an
Output widget: notebook runners (nbclient) can stall on Output widgets that
are cleared and redrawn during execution.
"""
from __future__ import annotations

import html
import io

import ipywidgets as widgets

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
    customers = widgets.ToggleButtons(options=list(CUSTOMER_COUNTS), value="many", description="Customers")
    margin = widgets.ToggleButtons(options=list(MARGINS), value="low", description="Margin")
    text = widgets.HTML()
    chart = widgets.Image(format="png")

    def refresh(_change=None):
        c, m = customers.value, margin.value
        suggested = suggested_relationship_level(c, m)
        items = "".join(f"<li><i>{level}</i> ({levels.loc[level, 'level_zh']}): the seller "
                        f"{html.escape(levels.loc[level, 'seller_does'])}.</li>" for level in suggested.split(" or "))
        text.value = (f"<p><b>{c.capitalize()} customers, {m} margin → {suggested}.</b></p><ul>{items}</ul>"
                      f"<p>What this cell rests on: {html.escape(matrix_cell_basis(c, m))}.</p>")
        chart.value = _png(relationship_matrix_chart(c, m))

    customers.observe(refresh, names="value")
    margin.observe(refresh, names="value")
    refresh()
    return widgets.VBox([customers, margin, text, chart])
