"""Widgets for lesson 10: the pirate-puzzle explorer."""
from __future__ import annotations

import ipywidgets as widgets

from . import live
from ..i18n import _
from ..games import format_split, pirate_backward_induction, pirate_equilibria

__all__ = ["pirate_explorer"]

_SHOWN = 6  # how many equilibrium splits to list before summarising


def pirate_explorer(pirates=5, gems=100):
    """Sliders for the number of pirates and gems, and the three rules: see every equilibrium split.

    Returns
    -------
    ipywidgets.VBox
    """
    def show(pirates, gems, proposer_votes, ties_pass, indifferent):
        parts = []
        rules = dict(proposer_votes=proposer_votes, ties_pass=ties_pass, indifferent=indifferent)
        try:
            splits = pirate_equilibria(pirates, gems, **rules)
        except ValueError as err:
            parts.append(_("**Too many to list:** {error}").format(error=err))
            return parts
        listed = ", ".join(f"`{format_split(s)}`" for s in splits[:_SHOWN])
        more = _(" and {n} more").format(n=len(splits) - _SHOWN) if len(splits) > _SHOWN else ""
        fate = (_("P1's plan passes.") if splits[0][0] is not None
                else _("No plan can pass: P1 is thrown overboard (✗) and P2 proposes."))
        parts.append(_("**{n} equilibrium split(s)** (P1 first): {listed}{more}.").format(
            n=len(splits), listed=listed, more=more) + " " + fate)
        table = pirate_backward_induction(pirates, gems, **rules)
        parts.append(_("Backward induction, from the last pirate up (`<NA>`: not on board or thrown):"))
        parts.append(table if len(table) <= 20 else table.tail(20))
        return parts

    controls = dict(
        pirates=widgets.IntSlider(value=pirates, min=1, max=10, description=_("pirates"),
                                  continuous_update=False),
        gems=widgets.IntSlider(value=gems, min=0, max=200, description=_("gems"), continuous_update=False),
        proposer_votes=widgets.Checkbox(value=True, description=_("proposer votes")),
        ties_pass=widgets.Dropdown(options=[(_("half or more passes (a tie passes)"), True),
                                            (_("more than half passes"), False)],
                                   value=True, description=_("threshold")),
        indifferent=widgets.Dropdown(options=[(_("against"), "against"), (_("for"), "for")], value="against",
                                     description=_("indifferent")),
    )
    return live(show, **controls)
