"""Widgets for case 09: try different retention weights and targets for the agents' bonus."""
from __future__ import annotations

import ipywidgets as widgets

from . import live
from ..i18n import N_, _
from ..incentives import budget_neutral_target, compare_schemes, scheme_chart

__all__ = ["bonus_explorer"]

_NEUTRAL = N_("same total cost (budget-neutral)")


def bonus_explorer(agents):
    """A weight slider and a target dropdown: who gains and who loses under the retention-weighted scheme."""
    def show(weight, target):
        parts = []
        chosen = budget_neutral_target(agents) if target == _NEUTRAL else float(target)
        table = compare_schemes(agents, weight=weight, target=chosen)
        means = table.groupby("work_style")[["volume_bonus", "retention_bonus"]].mean().round(0)
        extra = float(table["change"].sum())
        if abs(extra) < 0.5:
            cost = _("the same total as under the volume scheme")
        elif extra > 0:
            cost = _("**¥{amount} more** in total than under the volume scheme").format(amount=f"{extra:,.0f}")
        else:
            cost = _("**¥{amount} less** in total than under the volume scheme").format(amount=f"{-extra:,.0f}")
        parts.append((
            _("Target retention **{target}**, weight **{weight}**: the insurer pays {cost}.").format(
                target=f"{chosen:.3f}", weight=f"{weight:.0%}", cost=cost) + "\n\n"
            + _("| work style | volume-based (¥) | retention-weighted (¥) |") + "\n| --- | --- | --- |\n"
            + "\n".join(f"| {_(s)} | {v:,.0f} | {r:,.0f} |" for s, (v, r) in means.iterrows())))
        parts.append(scheme_chart(agents, weight=weight, target=chosen))
        return parts

    weight = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description=_("Weight"),
                                 readout_format=".0%", continuous_update=False)
    targets = [(_(_NEUTRAL), _NEUTRAL), *[(t, t) for t in ("0.65", "0.70", "0.75", "0.80", "0.85")]]
    target = widgets.Dropdown(options=targets, value=_NEUTRAL, description=_("Target"))
    return live(show, weight=weight, target=target)
