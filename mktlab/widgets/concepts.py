"""Widgets for lesson 01: an explorer of the marketing concepts."""
from __future__ import annotations

import ipywidgets as widgets

from ..concepts import concept_card, concepts_in_play
from . import live

__all__ = ["concept_explorer"]


def concept_explorer(concepts):
    """A year slider and a concept dropdown: which concepts were in play, and what each one means."""
    def show(year, concept):
        listing = ", ".join(concepts_in_play(concepts, year)) or "none yet"
        return (f"**In {year}, textbooks would count these concepts in play:** {listing}.\n\n"
                + concept_card(concepts, concept))

    return live(show,
                year=widgets.IntSlider(value=1950, min=1860, max=2020, step=5, description="Year",
                                       continuous_update=False),
                concept=widgets.Dropdown(options=list(concepts["concept"]), value="marketing concept",
                                         description="Concept"))
