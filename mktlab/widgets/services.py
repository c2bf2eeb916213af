"""Widgets for lesson 06: explore SERVQUAL gaps by guest group."""
from __future__ import annotations

import ipywidgets as widgets

from . import live
from ..services import DIMENSIONS_ZH, dimension_gaps, gap_chart

__all__ = ["gap_explorer"]


def gap_explorer(survey, groupings=("segment", "age_group", "booking_channel", "loyalty_member")):
    """Choose how to split the guests; see the mean gap of each dimension per group and the weakest one."""
    gaps = dimension_gaps(survey)
    choices = ["all guests", *[g for g in groupings if g in survey.columns]]

    def show(compare):
        parts = []
        if compare == "all guests":
            means = gaps.mean().rename("all guests").to_frame().T
        else:
            means = gaps.groupby(survey[compare]).mean()
        weakest = means.idxmin(axis=1)
        lines = [f"- **{group}**: {dim} ({DIMENSIONS_ZH[dim]}), mean gap {means.loc[group, dim]:.2f}"
                 for group, dim in weakest.items()]
        parts.append(("**Weakest dimension (largest shortfall) per group:**\n\n" + "\n".join(lines)))
        parts.append(gap_chart(means, title=f"Mean SERVQUAL gap (P − E) by dimension: {compare}"))
        return parts

    return live(show, compare=widgets.Dropdown(options=choices, value="segment"
                                                              if "segment" in choices else "all guests",
                                                              description="Compare"))
