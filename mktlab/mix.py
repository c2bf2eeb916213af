"""Marketing-mix frameworks (营销组合) and customer delivered value (顾客让渡价值): lesson 02.

The frameworks are data, in three tables in ``datasets/``:

* ``mix_frameworks``: one row per framework (4P, 6P, 7P, 4C, …) with its
  originator, year and source;
* ``mix_elements``: one row per element of each framework, in English and
  Chinese, with a one-line meaning;
* ``mix_p_to_c``: how each of McCarthy's four Ps reads as one of
  Lauterborn's four Cs.

The functions take those tables (loaded with :func:`mktlab.data.load_dataset`)
and return new values; none of them changes a table.

Customer delivered value follows Kotler: total customer value (product,
service, personnel and image value) minus total customer cost (monetary, time,
energy and psychic cost).
"""
from __future__ import annotations

from collections.abc import Mapping

__all__ = ["VALUE_COMPONENTS", "COST_COMPONENTS", "FOUR_P", "elements_of", "framework_of",
           "four_c_reading", "delivered_value", "framework_timeline", "delivered_value_chart"]

#: The four parts of total customer value (顾客总价值), English -> Chinese.
VALUE_COMPONENTS = {"product": "产品价值", "service": "服务价值", "personnel": "人员价值", "image": "形象价值"}
#: The four parts of total customer cost (顾客总成本), English -> Chinese.
COST_COMPONENTS = {"monetary": "货币成本", "time": "时间成本", "energy": "体力成本", "psychic": "精神成本"}
#: McCarthy's four Ps, in his order.
FOUR_P = ("product", "price", "place", "promotion")


def _norm(text):
    """Lower-case text with single spaces, for matching names."""
    return " ".join(str(text).split()).lower()


def elements_of(elements, framework):
    """The English names of a framework's elements, in the framework's own order.

    Parameters
    ----------
    elements : pandas.DataFrame
        The ``mix_elements`` dataset.
    framework : str
        A framework key such as ``"4P"``, ``"7P"`` or ``"RM mix"`` (case-blind).

    Returns
    -------
    list of str

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> elements = load_dataset("mix_elements")
    >>> elements_of(elements, "6P")
    ['product', 'price', 'place', 'promotion', 'political power', 'public relations']
    >>> elements_of(elements, "4c")
    ['consumer wants and needs', 'cost', 'convenience', 'communication']
    >>> elements_of(elements, "global marketing")
    Traceback (most recent call last):
    ...
    KeyError: "no framework called 'global marketing'; choose one of: Borden, 4P, 7P, 6P, 4C, ..."
    """
    keys = {_norm(k): k for k in elements["framework"].unique()}
    key = keys.get(_norm(framework))
    if key is None:
        raise KeyError(f"no framework called {framework!r}; choose one of: {', '.join(keys.values())}")
    rows = elements[elements["framework"] == key].sort_values("position")
    return rows["element"].tolist()


def framework_of(elements, element):
    """The frameworks that contain an element, found by English name, alias or Chinese name.

    Parameters
    ----------
    elements : pandas.DataFrame
        The ``mix_elements`` dataset.
    element : str
        An element name such as ``"physical evidence"``, ``"customer service"``
        or ``"有形展示"`` (case-blind; aliases such as ``"participants"`` work too).

    Returns
    -------
    list of str
        Framework keys in the order of the table; empty if no framework has it.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> elements = load_dataset("mix_elements")
    >>> framework_of(elements, "physical evidence")
    ['7P']
    >>> framework_of(elements, "customer service")
    ['RM mix']
    >>> framework_of(elements, "People")
    ['7P', 'RM mix']
    >>> framework_of(elements, "共鸣")
    ['4V']
    >>> framework_of(elements, "global marketing")
    []
    """
    key = _norm(element)

    def names(row):
        aliases = row["aliases"] if isinstance(row["aliases"], str) else ""
        return {_norm(row["element"]), _norm(row["element_zh"]),
                *(_norm(a) for a in aliases.split(";") if a.strip())}

    found = [row["framework"] for _, row in elements.iterrows() if key in names(row)]
    return list(dict.fromkeys(found))


def four_c_reading(p_to_c, plan):
    """Read a 4P plan as Lauterborn's 4C: for each P, the C it becomes and the customer's question.

    Parameters
    ----------
    p_to_c : pandas.DataFrame
        The ``mix_p_to_c`` dataset.
    plan : dict
        The seller's decisions, keyed by ``product``, ``price``, ``place`` and
        ``promotion`` (missing keys are shown as empty).

    Returns
    -------
    pandas.DataFrame
        Indexed by the four Ps, with columns ``plan`` (the seller's decision),
        ``c`` and ``c_zh`` (the C it is read as) and ``customer_question``.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> plan = {"product": "double room with breakfast", "price": "¥680 a night"}
    >>> reading = four_c_reading(load_dataset("mix_p_to_c"), plan)
    >>> reading[["plan", "c"]]
                                     plan                         c
    p
    product    double room with breakfast  consumer wants and needs
    price                    ¥680 a night                      cost
    place                                               convenience
    promotion                                         communication
    >>> four_c_reading(load_dataset("mix_p_to_c"), {"pricing": "¥680"})
    Traceback (most recent call last):
    ...
    KeyError: "a 4P plan has the keys product, price, place, promotion; got 'pricing'"
    """
    unknown = [k for k in plan if _norm(k) not in FOUR_P]
    if unknown:
        raise KeyError(f"a 4P plan has the keys {', '.join(FOUR_P)}; got {unknown[0]!r}")
    given = {_norm(k): str(v) for k, v in plan.items()}
    table = p_to_c.set_index("p").loc[list(FOUR_P)]
    reading = table[["c", "c_zh", "customer_question"]].copy()
    reading.insert(0, "plan", [given.get(p, "") for p in FOUR_P])
    return reading


def _total(amount, parts, what):
    """A number, or the sum of a mapping whose keys are in ``parts``."""
    if isinstance(amount, Mapping):
        unknown = [k for k in amount if k not in parts]
        if unknown:
            raise KeyError(f"{unknown[0]!r} is not a part of total customer {what}; "
                           f"use {', '.join(parts)}")
        return sum(amount.values())
    return amount


def delivered_value(total_value, total_cost):
    """Customer delivered value (顾客让渡价值) = total customer value − total customer cost.

    Parameters
    ----------
    total_value : float or dict
        Total customer value (顾客总价值), or its parts as a dict with keys from
        :data:`VALUE_COMPONENTS` (product, service, personnel, image).
    total_cost : float or dict
        Total customer cost (顾客总成本), or its parts as a dict with keys from
        :data:`COST_COMPONENTS` (monetary, time, energy, psychic).  The
        monetary cost is the price; the others are what the customer gives up
        besides money.

    Returns
    -------
    float
        The value the customer keeps.  Numbers or pandas Series work alike.

    Examples
    --------
    >>> delivered_value(1500, 930)
    570
    >>> value = {"product": 900, "service": 300, "personnel": 200, "image": 100}
    >>> cost = {"monetary": 680, "time": 120, "energy": 80, "psychic": 50}
    >>> delivered_value(value, cost)
    570
    >>> delivered_value(value, {"price": 680})
    Traceback (most recent call last):
    ...
    KeyError: "'price' is not a part of total customer cost; use monetary, time, energy, psychic"
    """
    return _total(total_value, VALUE_COMPONENTS, "value") - _total(total_cost, COST_COMPONENTS, "cost")


def framework_timeline(frameworks):
    """A timeline of the frameworks by the year usually cited; frameworks without a year are listed apart.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> fig = framework_timeline(load_dataset("mix_frameworks"))
    >>> len(fig.axes[0].collections[0].get_offsets())  # the 4V has no verified year
    8
    >>> fig = framework_timeline(load_dataset("mix_frameworks", dtype={"year": "Int64"}))
    """
    from .plotting import bilingual, chart_text, new_figure

    dated = frameworks.dropna(subset=["year"]).astype({"year": float}).sort_values("year")
    undated = frameworks[frameworks["year"].isna()]
    fig, ax = new_figure(figsize=(9, 3.6))
    colours = dated["year_status"].map({"verified": "#2f6f9f"}).fillna("#b0b0b0")
    ys = list(range(len(dated)))
    ax.scatter(dated["year"], ys, color=colours, zorder=3)
    for y, (_, row) in zip(ys, dated.iterrows()):
        label = bilingual(f"{row['framework']} ({row['originator'].split(' (')[0]})", row["name_zh"], sep=" ")
        ax.annotate(f"{int(row['year'])}  {label}", (row["year"], y), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks([])
    ax.set_xlim(dated["year"].min() - 3, dated["year"].max() + 28)
    ax.set_xlabel(chart_text("year usually cited (grey: attribution or year not verified)"))
    if len(undated):
        ax.set_title(chart_text("Marketing-mix frameworks; without a verified year: {names}").format(
            names=", ".join(undated["framework"])), fontsize=10)
    ax.spines[["top", "right", "left"]].set_visible(False)
    return fig


def delivered_value_chart(total_value, total_cost, title=None):
    """Two stacked bars, total customer value and total customer cost; the gap is delivered value.

    Parameters
    ----------
    total_value, total_cost : dict
        The parts, keyed as in :data:`VALUE_COMPONENTS` and :data:`COST_COMPONENTS`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> value = {"product": 900, "service": 300, "personnel": 200, "image": 100}
    >>> cost = {"monetary": 680, "time": 120, "energy": 80, "psychic": 50}
    >>> fig = delivered_value_chart(value, cost)
    >>> len(fig.axes[0].patches)  # four value parts and four cost parts
    8
    """
    from .plotting import bilingual, chart_text, new_figure

    gap = delivered_value(total_value, total_cost)
    fig, ax = new_figure(figsize=(7.5, 4))
    bars = [(0, total_value, VALUE_COMPONENTS, "Blues"), (1, total_cost, COST_COMPONENTS, "Oranges")]
    import matplotlib

    for x, parts, names, cmap in bars:
        bottom = 0
        colours = matplotlib.colormaps[cmap]([0.8, 0.6, 0.45, 0.3])
        for colour, part in zip(colours, names):
            amount = parts.get(part, 0)
            ax.bar(x, amount, bottom=bottom, color=colour, width=0.6, edgecolor="white",
                   label=f"{bilingual(part, names[part], sep=' ')}: {amount:g}")
            bottom += amount
        ax.text(x, bottom, f"{bottom:g}", ha="center", va="bottom", fontsize=9)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.set_xticks([0, 1], [bilingual("total customer value", "顾客总价值"),
                           bilingual("total customer cost", "顾客总成本")])
    ax.set_ylabel(chart_text("¥ (money equivalent)"))
    ax.set_title(f"{title or chart_text('Customer delivered value')}: {gap:g}", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
