"""Widgets for lesson 06: explore SERVQUAL gaps by guest group."""
from __future__ import annotations

import ipywidgets as widgets

from . import live
from ..i18n import N_, _, get_language
from ..plotting import chart_text
from ..services import DIMENSIONS_ZH, dimension_gaps, gap_chart

__all__ = ["gap_explorer"]

_ALL = N_("all guests")


def gap_explorer(survey, groupings=(N_("segment"), N_("age_group"), N_("booking_channel"), N_("loyalty_member"))):
    """Choose how to split the guests; see the mean gap of each dimension per group and the weakest one."""
    gaps = dimension_gaps(survey)
    choices = [_ALL, *[g for g in groupings if g in survey.columns]]
    chinese = get_language() == "zh"

    def show(compare):
        parts = []
        if compare == _ALL:
            means = gaps.mean().rename(_ALL).to_frame().T
        else:
            means = gaps.groupby(survey[compare]).mean()
        weakest = means.idxmin(axis=1)
        lines = [_("- **{group}**: {dimension}, mean gap {gap}").format(
            group=_(str(group)), dimension=DIMENSIONS_ZH[dim] if chinese else f"{dim} ({DIMENSIONS_ZH[dim]})",
            gap=f"{means.loc[group, dim]:.2f}") for group, dim in weakest.items()]
        parts.append(_("**Weakest dimension (largest shortfall) per group:**") + "\n\n" + "\n".join(lines))
        parts.append(gap_chart(means, title=chart_text("Mean SERVQUAL gap (P − E) by dimension: {compare}").format(
            compare=chart_text(compare))))
        return parts

    return live(show, compare=widgets.Dropdown(options=[(_(c), c) for c in choices],
                                               value="segment" if "segment" in choices else _ALL,
                                               description=_("Compare")))
