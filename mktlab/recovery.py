"""Service recovery (服务补救): a transparent model of the hotel complaint case (酒店投诉).

The case: a guest in a large hotel's restaurant refuses to pay a ¥2,500 bill
because one dish arrived only as he was leaving.  A service employee must
answer him.  The role-play has four steps, each with a few options
(:data:`STEPS`):

1. the first response: listen and apologise, apologise quickly, or defend;
2. the explanation: honest, none, or an invented excuse;
3. the bill: charge in full, remove the late dish, remove it and discount the
   rest, or waive the whole bill;
4. a goodwill gesture: none, a dessert now, or a voucher for the next visit.

Escalation is a rule, not a step: when the concessions exceed what a
front-line employee may give (``authority_limit``), the duty manager must be
fetched, and the guest waits.

Every number the model uses sits in **one table**, :func:`default_assumptions`,
with its unit and meaning.  Change a copy of it and pass it to any function.
The model is deliberately simple and additive, so that each result can be
worked out by hand:

* **satisfaction** (0–10) = the level after the failure + the effect of each
  choice (+ the waiting penalty if a manager is needed), kept between 0 and a
  ceiling: the no-failure level plus ``paradox_headroom`` (0 by default, i.e.
  no *service recovery paradox* unless you allow one);
* **chance the guest returns** rises in a straight line from ``return_at_0``
  (satisfaction 0) to ``return_at_10`` (satisfaction 10);
* **cost today** = revenue given up on the bill + the food cost of a free
  dessert + the voucher's face value times the chance it is redeemed (the
  guest returns) + the manager's time if needed;
* **CLV change**: customer lifetime value (:func:`mktlab.loyalty.customer_lifetime_value`,
  margin at the end of each year) with the chance of return as the yearly
  retention rate, compared with the CLV had the dish come on time;
* **net value** = CLV change − cost today.

The effects are teaching assumptions, not estimates from a study: their signs
follow justice theory (Tax, Brown & Chandrashekaran 1998), their sizes were
chosen by the course authors.
"""
from __future__ import annotations

from .i18n import N_, translator

__all__ = ["STEPS", "STEP_NAMES", "choice_name", "default_assumptions", "bill_reduction", "satisfaction_breakdown",
           "recovery_outcome", "all_paths", "break_even_gesture", "best_path"]

#: The four steps and their options, in order.  Each option: (label, 中文, what the guest does next).
STEPS = {
    "first_response": {
        "listen_apologise": ("Let him finish without interrupting, then apologise sincerely",
                             "耐心倾听,真诚道歉",
                             N_("He calms down a little: at least someone is listening.")),
        "apologise_quickly": ("Say sorry at once and move straight to a solution",
                              "马上道歉,急于解决",
                              N_("He is still annoyed: you cut him short.")),
        "defend": ("Explain that the kitchen is very busy tonight",
                   "解释厨房今晚很忙",
                   N_("He grows angrier: the hotel's busy night is not his problem.")),
    },
    "explanation": {
        "honest": ("Say plainly that the order was missed in the kitchen, and that it will be looked into",
                   "如实说明:厨房漏单,会查明原因",
                   N_("He nods: mistakes happen, and you did not hide it.")),
        "none": ("Give no explanation",
                 "不作解释",
                 N_("He shrugs; the question of why remains.")),
        "invented_excuse": ("Say the ingredients had to come from another branch (not true)",
                            "编造理由:食材从分店调来(并非事实)",
                            N_("He may believe it, or he may know better, and then trust is gone.")),
    },
    "bill": {
        "charge_full": ("Ask him to pay the full ¥2,500", "要求全额付款",
                        N_("He feels the failure was simply ignored.")),
        "remove_dish": ("Take the late dish off the bill at once", "立即免去迟上的菜",
                        N_("That is fair: he pays for what he ate.")),
        "remove_dish_and_discount": ("Take the dish off and 15% off the rest", "免去该菜并对其余打八五折",
                                     N_("Generous, but above your authority: the duty manager must approve.")),
        "waive_all": ("Waive the whole bill", "全部免单",
                      N_("He accepts, but only the duty manager can approve it, and it sets a precedent.")),
    },
    "gesture": {
        "none": ("No goodwill gesture", "不另作表示", N_("The matter is settled, no more.")),
        "dessert": ("Offer a dessert and tea on the house now", "当场赠送甜品和茶",
                    N_("A small, immediate kindness.")),
        "voucher": ("Give a ¥300 voucher for his next dinner here", "赠送下次用餐的300元代金券",
                    N_("An invitation to come back, which costs the hotel only if he does.")),
    },
}

#: How tables name each step.
STEP_NAMES = {"first_response": N_("first response"), "explanation": N_("explanation"), "bill": N_("bill"),
              "gesture": N_("gesture")}

# name: (group, value, unit, meaning)
_ASSUMPTIONS = {
    "bill": ("case", 2500.0, "¥", "tonight's bill (from the case)"),
    "late_dish_price": ("case", 180.0, "¥", "menu price of the late dish (assumed; the case does not say)"),
    "visits_per_year": ("case", 6.0, "visits per year", "how often the guest hosts a dinner here (assumed)"),
    "margin_rate": ("case", 0.30, "share of revenue", "the restaurant's margin on what the guest spends"),
    "discount_rate": ("case", 0.10, "per year", "discount rate d in the CLV formula"),
    "food_cost_rate": ("case", 0.35, "share of menu price", "food cost of a dish given away"),
    "dessert_price": ("case", 80.0, "¥", "menu price of the dessert and tea"),
    "voucher_value": ("case", 300.0, "¥", "face value of the voucher; redeemed only if the guest returns"),
    "extra_discount": ("case", 0.15, "share", "discount on the rest of the bill in option remove_dish_and_discount"),
    "authority_limit": ("case", 500.0, "¥", "largest concession (bill reduction + menu value of gestures) a "
                        "front-line employee may give without the duty manager"),
    "manager_time_cost": ("case", 50.0, "¥", "cost of the duty manager's time when fetched"),
    "satisfaction_no_failure": ("model", 7.0, "0–10", "the guest's satisfaction had the dish come on time"),
    "satisfaction_after_failure": ("model", 2.5, "0–10", "his satisfaction when he complains"),
    "paradox_headroom": ("model", 0.0, "0–10 points", "how far above the no-failure level a recovery can lift "
                         "satisfaction (0 = no service recovery paradox)"),
    "return_at_0": ("model", 0.05, "probability", "chance of return (yearly retention) at satisfaction 0"),
    "return_at_10": ("model", 0.90, "probability", "chance of return (yearly retention) at satisfaction 10"),
    "wait_for_manager": ("model", -0.5, "0–10 points", "effect of waiting for the duty manager"),
    "excuse_detect_chance": ("model", 0.3, "probability", "chance the guest sees through an invented excuse"),
    "first_response.listen_apologise": ("effect", 1.5, "0–10 points", "interactional justice: heard and respected"),
    "first_response.apologise_quickly": ("effect", 0.5, "0–10 points", "an apology, but he is cut short"),
    "first_response.defend": ("effect", -1.0, "0–10 points", "the hotel puts its own problems first"),
    "explanation.honest": ("effect", 1.0, "0–10 points", "interactional justice: honesty"),
    "explanation.none": ("effect", 0.0, "0–10 points", "nothing gained, nothing lost"),
    "explanation.invented_excuse.believed": ("effect", 0.5, "0–10 points", "the excuse, if believed"),
    "explanation.invented_excuse.detected": ("effect", -2.5, "0–10 points", "the excuse, if seen through"),
    "bill.charge_full": ("effect", -0.5, "0–10 points", "distributive justice: the failure is not redressed"),
    "bill.remove_dish": ("effect", 1.0, "0–10 points", "distributive justice: pay for what was enjoyed"),
    "bill.remove_dish_and_discount": ("effect", 1.5, "0–10 points", "more redress, with diminishing effect"),
    "bill.waive_all": ("effect", 2.0, "0–10 points", "the most redress, with diminishing effect"),
    "gesture.none": ("effect", 0.0, "0–10 points", "no gesture"),
    "gesture.dessert": ("effect", 0.5, "0–10 points", "a small kindness now"),
    "gesture.voucher": ("effect", 1.0, "0–10 points", "an invitation to come back"),
}

_PROBABILITIES = ("return_at_0", "return_at_10", "excuse_detect_chance", "margin_rate", "food_cost_rate",
                  "extra_discount")


def default_assumptions():
    """The model's assumptions: one table, one row per number, with unit and meaning.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name``; columns ``group`` (``case``, ``model`` or
        ``effect``), ``value``, ``unit`` and ``meaning``.  Change ``value`` in a
        copy and pass the table to the other functions.

    Examples
    --------
    >>> table = default_assumptions()
    >>> table.loc["bill", "value"], table.loc["authority_limit", "unit"]
    (np.float64(2500.0), '¥')
    >>> table.loc["gesture.voucher", "group"], float(table.loc["gesture.voucher", "value"])
    ('effect', 1.0)
    """
    import pandas as pd

    table = pd.DataFrame.from_dict(_ASSUMPTIONS, orient="index", columns=["group", "value", "unit", "meaning"])
    table.index.name = "name"
    return table


def _values(assumptions):
    """The assumptions as ``{name: float}``: defaults, a full table, or a dict of overrides; checked."""
    import pandas as pd

    values = {name: row[1] for name, row in _ASSUMPTIONS.items()}
    if assumptions is None:
        given = {}
    elif isinstance(assumptions, pd.DataFrame):
        if "value" not in assumptions.columns:
            raise ValueError("the assumptions table needs a 'value' column, as in default_assumptions()")
        given = assumptions["value"].to_dict()
        missing = sorted(set(values) - set(given))
        if missing:
            raise KeyError(f"the assumptions table lacks {missing}; start from default_assumptions()")
    elif isinstance(assumptions, dict):
        given = dict(assumptions)
    else:
        raise TypeError(f"assumptions should be None, a dict or a DataFrame, not {type(assumptions).__name__}")
    unknown = sorted(set(given) - set(values))
    if unknown:
        raise KeyError(f"unknown assumption(s) {unknown}; the names are those of default_assumptions()")
    for name, value in given.items():
        try:
            values[name] = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"assumption {name!r} should be a number, not {value!r}") from None
    for name in _PROBABILITIES:
        if not 0 <= values[name] <= 1:
            raise ValueError(f"assumption {name!r} is a share or probability and must lie in [0, 1]; "
                             f"got {values[name]:g}")
    if values["return_at_10"] >= 1 + values["discount_rate"]:
        raise ValueError("return_at_10 must be below 1 + discount_rate, or lifetime value is infinite")
    return values


def _check_option(step, option):
    if step not in STEPS:
        raise KeyError(f"unknown step {step!r}; the steps are {list(STEPS)}")
    if option not in STEPS[step]:
        raise ValueError(f"{option!r} is not an option for {step}; choose one of {list(STEPS[step])}")


def _check_path(first_response, explanation, bill, gesture):
    for step, option in zip(STEPS, (first_response, explanation, bill, gesture)):
        _check_option(step, option)


def choice_name(step, option, language="en"):
    """How tables name a choice: its key in English, its Chinese label (from :data:`STEPS`) in Chinese.

    Examples
    --------
    >>> choice_name("bill", "remove_dish"), choice_name("bill", "remove_dish", "zh")
    ('remove_dish', '立即免去迟上的菜')
    """
    _check_option(step, option)
    return option if language == "en" else STEPS[step][option][1]


def bill_reduction(bill, assumptions=None):
    """How much of tonight's bill the hotel gives up (¥) under a bill option.

    Examples
    --------
    >>> bill_reduction("remove_dish")
    180.0
    >>> round(bill_reduction("remove_dish_and_discount"), 2)   # 180 + 15% of 2,320
    528.0
    >>> bill_reduction("waive_all"), bill_reduction("charge_full")
    (2500.0, 0.0)
    """
    v = _values(assumptions)
    _check_option("bill", bill)
    return {"charge_full": 0.0,
            "remove_dish": v["late_dish_price"],
            "remove_dish_and_discount": v["late_dish_price"] + v["extra_discount"] * (v["bill"] - v["late_dish_price"]),
            "waive_all": v["bill"]}[bill]


def _gesture_value(gesture, v):
    """Menu (face) value of a gesture, which counts towards the employee's authority."""
    return {"none": 0.0, "dessert": v["dessert_price"], "voucher": v["voucher_value"]}[gesture]


def satisfaction_breakdown(first_response, explanation, bill, gesture, assumptions=None, language="en"):
    """Each term of the guest's satisfaction for one path, as a table that adds up.

    ``language`` ("en" or "zh") is the language of the terms' names (see :mod:`mktlab.i18n`).

    Returns
    -------
    pandas.DataFrame
        Columns ``term`` and ``points``; the last row, ``satisfaction``, is the
        sum kept between 0 and the ceiling.  An invented excuse counts its
        *expected* effect: (1 − p)·believed + p·detected.

    Examples
    --------
    >>> table = satisfaction_breakdown("listen_apologise", "honest", "remove_dish", "dessert")
    >>> table["points"].tolist()
    [2.5, 1.5, 1.0, 1.0, 0.5, 0.0, 6.5]
    >>> satisfaction_breakdown("defend", "invented_excuse", "charge_full", "none")["points"].round(2).tolist()
    [2.5, -1.0, -0.4, -0.5, 0.0, 0.0, 0.6]
    >>> table["term"][1]
    'first response: listen_apologise'
    """
    import pandas as pd

    _check_path(first_response, explanation, bill, gesture)
    tr = translator(language)
    path = dict(zip(STEPS, (first_response, explanation, bill, gesture)))
    names = {step: tr("{step}: {choice}").format(step=tr(STEP_NAMES[step]),
                                                 choice=choice_name(step, option, language))
             for step, option in path.items()}
    v = _values(assumptions)
    if explanation == "invented_excuse":
        p = v["excuse_detect_chance"]
        explained = ((1 - p) * v["explanation.invented_excuse.believed"]
                     + p * v["explanation.invented_excuse.detected"])
    else:
        explained = v[f"explanation.{explanation}"]
    concession = bill_reduction(bill, v) + _gesture_value(gesture, v)
    waits = concession > v["authority_limit"]
    terms = [(tr("after the failure"), v["satisfaction_after_failure"]),
             (names["first_response"], v[f"first_response.{first_response}"]),
             (names["explanation"], explained),
             (names["bill"], v[f"bill.{bill}"]),
             (names["gesture"], v[f"gesture.{gesture}"]),
             (tr("waiting for the duty manager") if waits else tr("no manager needed"),
              v["wait_for_manager"] if waits else 0.0)]
    total = sum(points for _, points in terms)
    ceiling = min(10.0, v["satisfaction_no_failure"] + v["paradox_headroom"])
    terms.append((tr("satisfaction"), min(max(total, 0.0), ceiling)))
    return pd.DataFrame(terms, columns=["term", "points"])


def _return_chance(satisfaction, v):
    return v["return_at_0"] + (v["return_at_10"] - v["return_at_0"]) * satisfaction / 10


def _clv(retention, v):
    from .loyalty import customer_lifetime_value

    margin = v["bill"] * v["visits_per_year"] * v["margin_rate"]
    return float(customer_lifetime_value(margin, retention, v["discount_rate"], timing="end"))


def recovery_outcome(first_response, explanation, bill, gesture, assumptions=None):
    """The outcomes of one path through the role-play.

    Parameters
    ----------
    first_response, explanation, bill, gesture : str
        One option of each step in :data:`STEPS`.
    assumptions : None, dict or pandas.DataFrame
        ``None`` for :func:`default_assumptions`; a dict of changed values, e.g.
        ``{"authority_limit": 1000}``; or a full (changed) assumptions table.

    Returns
    -------
    dict
        ``satisfaction`` (0–10), ``chance_of_return`` (0–1), ``cost_today`` (¥),
        ``clv_change`` (¥, against the CLV had the dish come on time),
        ``net_value`` (¥, CLV change − cost today), ``needs_manager`` (bool),
        ``concession`` (¥, bill reduction + menu value of gestures) and
        ``gesture_cost`` (¥, the part of the cost that is the gesture).

    Examples
    --------
    Listen, explain honestly, remove the late dish, offer a dessert
    (hand-worked: satisfaction 2.5 + 1.5 + 1 + 1 + 0.5 = 6.5; chance of return
    0.05 + 0.85 × 0.65 = 0.6025; cost 180 + 0.35 × 80 = 208; yearly margin
    2,500 × 6 × 0.3 = 4,500; CLV 4,500 × 0.6025 / (1.1 − 0.6025) = 5,449.75
    against 4,500 × 0.645 / 0.455 = 6,379.12 without the failure, a change of
    −929.37; net value −929.37 − 208 = −1,137.37):

    >>> out = recovery_outcome("listen_apologise", "honest", "remove_dish", "dessert")
    >>> {k: round(v, 2) for k, v in out.items() if k != "needs_manager"}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'satisfaction': 6.5, 'chance_of_return': 0.6, 'cost_today': 208.0, 'clv_change': -929.37,
     'net_value': -1137.37, 'concession': 260.0, 'gesture_cost': 28.0}
    >>> round(out["chance_of_return"], 4)
    0.6025
    >>> recovery_outcome("listen_apologise", "honest", "waive_all", "none")["needs_manager"]
    True
    """
    v = _values(assumptions)
    breakdown = satisfaction_breakdown(first_response, explanation, bill, gesture, v)
    satisfaction = float(breakdown["points"].iloc[-1])
    chance = _return_chance(satisfaction, v)
    concession = bill_reduction(bill, v) + _gesture_value(gesture, v)
    needs_manager = bool(concession > v["authority_limit"])
    gesture_cost = {"none": 0.0, "dessert": v["dessert_price"] * v["food_cost_rate"],
                    "voucher": v["voucher_value"] * chance}[gesture]
    cost = bill_reduction(bill, v) + gesture_cost + (v["manager_time_cost"] if needs_manager else 0.0)
    no_failure = _return_chance(v["satisfaction_no_failure"], v)
    clv_change = _clv(chance, v) - _clv(no_failure, v)
    return {"satisfaction": satisfaction, "chance_of_return": chance, "cost_today": cost,
            "clv_change": clv_change, "net_value": clv_change - cost, "needs_manager": needs_manager,
            "concession": concession, "gesture_cost": gesture_cost}


def all_paths(assumptions=None):
    """The outcomes of every path (3 × 3 × 4 × 3 = 108), best net value first.

    Examples
    --------
    >>> paths = all_paths()
    >>> len(paths)
    108
    >>> paths.iloc[0][["first_response", "explanation", "bill", "gesture"]].tolist()
    ['listen_apologise', 'honest', 'remove_dish', 'voucher']
    """
    import itertools

    import pandas as pd

    v = _values(assumptions)
    rows = []
    for path in itertools.product(*(list(options) for options in STEPS.values())):
        rows.append({**dict(zip(STEPS, path)), **recovery_outcome(*path, assumptions=v)})
    table = pd.DataFrame(rows)
    return table.sort_values("net_value", ascending=False, kind="stable").reset_index(drop=True)


def best_path(assumptions=None, **fixed):
    """The path with the highest net value, optionally with some steps fixed (e.g. ``bill="waive_all"``).

    Returns
    -------
    dict
        The four choices and their outcomes.

    Examples
    --------
    >>> best = best_path(first_response="listen_apologise", explanation="honest", bill="waive_all")
    >>> best["gesture"], round(best["net_value"], 2)
    ('dessert', -2578.0)
    """
    unknown = sorted(set(fixed) - set(STEPS))
    if unknown:
        raise KeyError(f"unknown step(s) {unknown}; the steps are {list(STEPS)}")
    table = all_paths(assumptions)
    for step, option in fixed.items():
        _check_option(step, option)
        table = table[table[step] == option]
    return table.iloc[0].to_dict()


def break_even_gesture(first_response, explanation, bill, gesture, assumptions=None):
    """The largest cost (¥) at which a goodwill gesture still pays, on a given path.

    It is the net value of the path with the gesture *if the gesture cost
    nothing*, minus the net value of the same path without a gesture.  A
    gesture whose expected cost is below this pays for itself through the
    guest's lifetime value.

    Examples
    --------
    Listen, honest, remove the dish: the voucher lifts satisfaction from 6 to 7,
    worth 6,379.12 − 4,666.67 = 1,712.45 of lifetime value; it is expected to
    cost 300 × 0.645 = 193.50, so it pays.

    >>> round(break_even_gesture("listen_apologise", "honest", "remove_dish", "voucher"), 2)
    1712.45
    """
    if gesture == "none":
        return 0.0
    v = _values(assumptions)
    with_gesture = recovery_outcome(first_response, explanation, bill, gesture, v)
    without = recovery_outcome(first_response, explanation, bill, "none", v)
    return (with_gesture["net_value"] + with_gesture["gesture_cost"]) - without["net_value"]
