"""Widgets for the hotel complaint case (酒店投诉): the role-play and a policy explorer.

All numbers come from :mod:`mktlab.recovery`; these widgets only wire choices to it.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
from . import live

from ..i18n import N_, _, get_language
from ..recovery import STEP_NAMES, STEPS, all_paths, choice_name, recovery_outcome, satisfaction_breakdown

__all__ = ["RolePlay", "role_play", "policy_explorer"]

_STEP_TITLES = {
    "first_response": N_("Step 1 · The guest is speaking. How do you respond? (倾听与道歉)"),
    "explanation": N_("Step 2 · He asks why the dish came so late. What do you say? (解释)"),
    "bill": N_("Step 3 · What do you do about the ¥2,500 bill? (账单)"),
    "gesture": N_("Step 4 · Do you add a goodwill gesture? (补偿表示)"),
}

_SCENE = N_("<b>The scene.</b> You are the restaurant supervisor (餐厅主管) on duty. A regular guest, who "
            "hosts business dinners here several times a year, has just finished dinner for six. One dish "
            "he ordered arrived only as the party was leaving. He does not want it, and he says he will not "
            "pay the ¥2,500 bill at all: his time has been wasted, and he is being generous by not asking "
            "for damages. You may give up to ¥500 in concessions yourself; above that the duty manager "
            "(值班经理) must approve.")

#: The policy table's outcome columns as the Chinese edition names them.
_OUTCOME_NAMES = {"satisfaction": N_("satisfaction"), "chance_of_return": N_("chance of return"),
                  "cost_today": N_("cost today"), "clv_change": N_("CLV change"), "net_value": N_("net value"),
                  "needs_manager": N_("duty manager needed")}


def _option_label(label, zh):
    """A choice as its button shows it: English with the Chinese, or the Chinese alone in the Chinese edition."""
    return zh if get_language() == "zh" else f"{label} ({zh})"


def _money(x):
    return f"¥{x:,.0f}"


class RolePlay(widgets.VBox):
    """The role-play as a widget: one step at a time, then the outcomes and how they were computed.

    ``choose(step, option)`` makes a choice in code (as a click would), which
    lets the widget be tested without a browser.
    """

    def __init__(self, assumptions=None):
        self.assumptions = assumptions
        self.buttons = {}
        self.reactions = {}
        boxes = []
        for step, options in STEPS.items():
            buttons = widgets.RadioButtons(
                options=[(_option_label(label, zh), key) for key, (label, zh, _reaction) in options.items()],
                value=None, layout=widgets.Layout(width="auto"))
            buttons.observe(lambda change, step=step: self._chosen(step, change["new"]), names="value")
            reaction = widgets.HTML()
            self.buttons[step], self.reactions[step] = buttons, reaction
            boxes.append(widgets.VBox([widgets.HTML(f"<b>{_(_STEP_TITLES[step])}</b>"), buttons, reaction],
                                      layout=widgets.Layout(display="none")))
        self.boxes = dict(zip(STEPS, boxes))
        self.summary = widgets.HTML()
        restart = widgets.Button(description=_("Start again"), icon="refresh")
        restart.on_click(lambda _click: self.reset())
        super().__init__([widgets.HTML(_(_SCENE)), *boxes, self.summary, restart])
        self.reset()

    def reset(self):
        """Clear every choice and show step 1 only."""
        for i, step in enumerate(STEPS):
            self.buttons[step].value = None
            self.reactions[step].value = ""
            self.boxes[step].layout.display = "flex" if i == 0 else "none"
        self.summary.value = ""

    def choose(self, step, option):
        """Choose ``option`` at ``step``, exactly as clicking it would."""
        if option not in STEPS[step]:
            raise ValueError(f"{option!r} is not an option for {step}; choose one of {list(STEPS[step])}")
        self.buttons[step].value = option

    def _chosen(self, step, option):
        if option is None:
            return
        self.reactions[step].value = f"<i>{html.escape(_(STEPS[step][option][2]))}</i>"
        steps = list(STEPS)
        position = steps.index(step)
        if position + 1 < len(steps):
            self.boxes[steps[position + 1]].layout.display = "flex"
        path = [self.buttons[s].value for s in steps]
        self.summary.value = self._outcome_html(path) if None not in path else ""

    def _outcome_html(self, path):
        out = recovery_outcome(*path, assumptions=self.assumptions)
        terms = satisfaction_breakdown(*path, assumptions=self.assumptions, language=get_language())
        rows = "".join(f"<tr><td>{html.escape(t)}</td><td style='text-align:right'>{p:+.2f}</td></tr>"
                       for t, p in zip(terms["term"][:-1], terms["points"][:-1]))
        manager = (_("Yes: the concessions exceed your authority, so the guest waits for the duty manager.")
                   if out["needs_manager"] else _("No: you settled it within your authority."))
        outcomes = [(_("Guest satisfaction (0–10)"), f"<b>{out['satisfaction']:.1f}</b>"),
                    (_("Chance the guest returns"), f"<b>{out['chance_of_return']:.1%}</b>"),
                    (_("Cost to the hotel today"), f"<b>{_money(out['cost_today'])}</b>"),
                    (_("Expected change in lifetime value"), f"<b>{_money(out['clv_change'])}</b>"),
                    (_("Net value (CLV change − cost today)"), f"<b>{_money(out['net_value'])}</b>"),
                    (_("Duty manager needed?"), manager)]
        return (
            "<hr>" + _("<b>Outcome of your path</b> (computed by <code>mktlab.recovery</code>; "
                       "change the assumptions table to see how it moves)")
            + "<table>" + "".join(f"<tr><td>{name}</td><td>{value}</td></tr>" for name, value in outcomes)
            + "</table><b>" + _("How the satisfaction adds up") + "</b><table>" + rows
            + "<tr><td><b>" + _("satisfaction (kept between 0 and the ceiling)") + "</b></td>"
            + f"<td style='text-align:right'><b>{out['satisfaction']:.2f}</b></td></tr></table>")


def role_play(assumptions=None):
    """The hotel complaint role-play: choose at four steps, then see the outcomes.

    Parameters
    ----------
    assumptions : None, dict or pandas.DataFrame
        Passed to :func:`mktlab.recovery.recovery_outcome`.
    """
    return RolePlay(assumptions)


def policy_explorer():
    """Sliders for four key assumptions; shows the five best paths under them."""
    def show(authority_limit, paradox_headroom, excuse_detect_chance, visits_per_year):
        table = all_paths({"authority_limit": authority_limit, "paradox_headroom": paradox_headroom,
                           "excuse_detect_chance": excuse_detect_chance, "visits_per_year": visits_per_year})
        top = table.head(5)[[*STEPS, *_OUTCOME_NAMES]].round(2)
        if get_language() == "zh":
            top = top.assign(**{step: [choice_name(step, o, "zh") for o in top[step]] for step in STEPS},
                             needs_manager=top["needs_manager"].map({True: _("yes"), False: _("no")}))
            top = top.rename(columns={c: _(name) for c, name in {**STEP_NAMES, **_OUTCOME_NAMES}.items()})
        return [_("**The five paths with the highest net value under these assumptions**"), top]

    style = {"description_width": "160px"}
    layout = widgets.Layout(width="520px")
    return live(
        show,
        authority_limit=widgets.IntSlider(value=500, min=0, max=3000, step=100, continuous_update=False,
                                          description=_("authority limit (¥)"), style=style, layout=layout),
        paradox_headroom=widgets.FloatSlider(value=0.0, min=0.0, max=3.0, step=0.5, continuous_update=False,
                                             description=_("paradox headroom"), style=style, layout=layout),
        excuse_detect_chance=widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05,
                                                 continuous_update=False, description=_("excuse seen through"),
                                                 style=style, layout=layout),
        visits_per_year=widgets.IntSlider(value=6, min=1, max=24, continuous_update=False,
                                          description=_("visits per year"), style=style, layout=layout))
