"""Widgets for lesson 03: a retention slider comparing the transaction and relationship strategies."""
from __future__ import annotations

import ipywidgets as widgets

from . import live
from ..i18n import _
from ..relationship_marketing import compare_strategies, strategy_chart

__all__ = ["crossover_explorer"]


def crossover_explorer(**scenario):
    """A slider for the relationship strategy's retention rate; shows both strategies over the horizon.

    Keyword arguments are passed to :func:`mktlab.relationship_marketing.compare_strategies`
    (e.g. ``transaction_retention=0.5``, ``budget=100_000``).
    """
    def show(relationship_retention):
        parts = []
        both = compare_strategies(relationship_retention, **scenario)
        last = both[both["year"] == both["year"].max()].set_index("strategy")["cumulative_discounted_profit"]
        ahead = (_("**The relationship strategy is ahead.**") if last["relationship"] > last["transaction"]
                 else _("**The transaction strategy is ahead.**"))
        parts.append(_("Cumulative discounted profit after {years} years: transaction ¥{transaction}, "
                       "relationship ¥{relationship}.").format(
            years=int(both["year"].max()), transaction=f"{last['transaction']:,.0f}",
            relationship=f"{last['relationship']:,.0f}") + " " + ahead)
        parts.append(strategy_chart(both))
        return parts

    slider = widgets.FloatSlider(value=0.70, min=0.50, max=1.00, step=0.01, readout_format=".2f",
                                 description=_("RM retention"), continuous_update=False,
                                 style={"description_width": "initial"})
    return live(show, relationship_retention=slider)
