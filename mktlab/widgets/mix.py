"""Widgets for lesson 02: fill in a 4P plan, read it as 4C and see the customer's delivered value."""
from __future__ import annotations

import ipywidgets as widgets

from . import live
from ..i18n import N_, _, get_language
from ..mix import COST_COMPONENTS, FOUR_P, VALUE_COMPONENTS, delivered_value, delivered_value_chart, four_c_reading

__all__ = ["HOTEL_PLAN", "HOTEL_VALUE", "HOTEL_COST", "mix_to_4c"]

#: A starting plan for one night in a city business hotel.
HOTEL_PLAN = {
    "product": N_("double room, breakfast, fast Wi-Fi, late check-out on request"),
    "price": N_("¥680 a night; 10% off for members"),
    "place": N_("next to the metro; booking on the hotel app and travel sites"),
    "promotion": N_("ads on travel sites; member e-mails; reviews answered within a day"),
}
#: The 4P and 4C names as the widget shows them in the Chinese edition.
_P_NAMES = {"product": N_("Product"), "price": N_("Price"), "place": N_("Place"), "promotion": N_("Promotion")}
#: Money-equivalent value and cost of that night for a typical guest (¥), for the sliders.
HOTEL_VALUE = {"product": 900, "service": 300, "personnel": 200, "image": 100}
HOTEL_COST = {"monetary": 680, "time": 120, "energy": 80, "psychic": 50}


def mix_to_4c(p_to_c, plan=None, value=None, cost=None):
    """Text boxes for a 4P plan and sliders for value and cost; shows the 4C reading and delivered value.

    Parameters
    ----------
    p_to_c : pandas.DataFrame
        The ``mix_p_to_c`` dataset.
    plan, value, cost : dict, optional
        Starting values; the hotel stay (:data:`HOTEL_PLAN`, :data:`HOTEL_VALUE`,
        :data:`HOTEL_COST`) by default.
    """
    chinese = get_language() == "zh"
    plan = {**{p: _(text) for p, text in HOTEL_PLAN.items()}, **(plan or {})}
    value = {**HOTEL_VALUE, **(value or {})}
    cost = {**HOTEL_COST, **(cost or {})}
    boxes = {p: widgets.Textarea(value=plan[p], description=_(_P_NAMES[p]),
                                 continuous_update=False, layout=widgets.Layout(width="95%", height="3.2em"))
             for p in FOUR_P}
    sliders = {f"value_{k}": widgets.IntSlider(value=value[k], min=0, max=2000, step=10,
                                               description=zh if chinese else f"{k} value", continuous_update=False)
               for k, zh in VALUE_COMPONENTS.items()}
    sliders.update({f"cost_{k}": widgets.IntSlider(value=cost[k], min=0, max=2000, step=10,
                                                   description=zh if chinese else f"{k} cost",
                                                   continuous_update=False)
                    for k, zh in COST_COMPONENTS.items()})

    def show(**fields):
        reading = four_c_reading(p_to_c, {p: fields[p] for p in FOUR_P})
        if chinese:
            reading = reading.assign(customer_question=reading["customer_question"].map(_))[
                ["plan", "c_zh", "customer_question"]].rename(
                columns={"plan": _("plan"), "c_zh": "4C", "customer_question": _("customer_question")})
        parts_value = {k: fields[f"value_{k}"] for k in VALUE_COMPONENTS}
        parts_cost = {k: fields[f"cost_{k}"] for k in COST_COMPONENTS}
        gap = delivered_value(parts_value, parts_cost)
        return [_("**Your 4P plan, read as the customer's 4C:**"), reading,
                _("**Delivered value** = {value} − {cost} = **{gap}** yuan. The price is only the monetary part "
                  "of the customer's cost.").format(value=sum(parts_value.values()), cost=sum(parts_cost.values()),
                                                   gap=gap),
                delivered_value_chart(parts_value, parts_cost)]

    shown = live(show, **boxes, **sliders)
    value_box = widgets.VBox([widgets.HTML(_("<b>Total customer value (顾客总价值), ¥</b>")),
                              *[sliders[f"value_{k}"] for k in VALUE_COMPONENTS]])
    cost_box = widgets.VBox([widgets.HTML(_("<b>Total customer cost (顾客总成本), ¥</b>")),
                             *[sliders[f"cost_{k}"] for k in COST_COMPONENTS]])
    box = widgets.VBox([widgets.HTML(_("<b>Your 4P plan</b>")), *boxes.values(),
                        widgets.HBox([value_box, cost_box]), shown.view])
    box.controls, box.view = shown.controls, shown.view
    return box
