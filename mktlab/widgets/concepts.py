"""Widgets for lesson 01: an explorer of the marketing concepts."""
from __future__ import annotations

import ipywidgets as widgets

from ..concepts import concept_card, concepts_in_play
from ..i18n import _, get_language
from . import live

__all__ = ["concept_explorer"]


def concept_explorer(concepts):
    """A year slider and a concept dropdown: which concepts were in play, and what each one means."""
    chinese = get_language() == "zh"
    names = dict(zip(concepts["concept"], concepts["concept_zh"] if chinese else concepts["concept"]))

    def show(year, concept):
        listing = "、".join if chinese else ", ".join
        in_play = listing(names[c] for c in concepts_in_play(concepts, year)) or _("none yet")
        return (_("**In {year}, textbooks would count these concepts in play:** {listing}.").format(
            year=year, listing=in_play) + "\n\n" + concept_card(concepts, concept, tr=_))

    return live(show,
                year=widgets.IntSlider(value=1950, min=1860, max=2020, step=5, description=_("Year"),
                                       continuous_update=False),
                concept=widgets.Dropdown(options=[(names[c], c) for c in concepts["concept"]],
                                         value="marketing concept", description=_("Concept")))
