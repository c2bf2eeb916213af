"""Widgets for lesson 05: a customer lifetime value explorer.

The explorer updates an HTML and an Image widget instead of printing into an
Output widget: notebook runners (nbclient) can stall on Output widgets that
are cleared and redrawn during execution.
"""
from __future__ import annotations

import io

import ipywidgets as widgets

from ..i18n import _
from ..loyalty import CLV_TIMINGS, clv_retention_chart, customer_lifetime_value, expected_lifetime

__all__ = ["clv_explorer"]


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def clv_explorer():
    """Sliders for margin, retention and discount rate: CLV under each timing, and expected lifetime."""
    margin = widgets.FloatSlider(value=100, min=10, max=500, step=10, description=_("Margin m"),
                                 continuous_update=False)
    retention = widgets.FloatSlider(value=0.8, min=0.0, max=0.95, step=0.05, description=_("Retention r"),
                                    continuous_update=False)
    discount = widgets.FloatSlider(value=0.1, min=0.0, max=0.3, step=0.01, description=_("Discount d"),
                                   continuous_update=False)
    text = widgets.HTML()
    chart = widgets.Image(format="png")

    def refresh(_change=None):
        m, r, d = margin.value, retention.value, discount.value
        rows = "".join(f"<tr><td><code>{timing}</code></td><td>{formula}</td>"
                       f"<td style='text-align:right'>{customer_lifetime_value(m, r, d, timing):,.2f}</td></tr>"
                       for timing, formula in CLV_TIMINGS.items())
        text.value = ("<p>" + _("Margin <b>{m}</b> per period, retention <b>{r}</b>, discount rate <b>{d}</b>. "
                                "Expected lifetime 1/(1−r) = <b>{lifetime} periods</b>.").format(
            m=f"{m:,.0f}", r=f"{r:.2f}", d=f"{d:.2f}", lifetime=f"{expected_lifetime(r):.1f}") + "</p>"
            + "<table><tr><th>" + "</th><th>".join((_("timing"), _("formula"), _("CLV"))) + "</th></tr>"
            + rows + "</table>")
        chart.value = _png(clv_retention_chart(m, d, highlight=r))

    for control in (margin, retention, discount):
        control.observe(refresh, names="value")
    refresh()
    return widgets.VBox([margin, retention, discount, text, chart])
