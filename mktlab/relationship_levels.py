"""Levels and types of customer relationships (关系的层次与类型): lesson 04.

Small reference tables (Berry & Parasuraman's three levels of bonds, Kotler's
five relationship levels and the matrix that picks one, the satisfaction model
of Spreng, MacKenzie & Olshavsky 1996, IDIC, the 6I mnemonic, relationship
marketing versus CRM) and pure functions for **market share** (市场份额) and
**share of wallet** (钱包份额, also called share of customer, 顾客份额).

Every function returns a new value or table; none changes its input.
"""
from __future__ import annotations

from .i18n import N_

__all__ = [
    "CUSTOMER_COUNTS", "MARGINS",
    "bond_levels", "kotler_levels", "relationship_level_matrix", "suggested_relationship_level",
    "matrix_cell_basis", "relationship_matrix_chart",
    "market_share", "share_of_wallet", "market_shares", "share_of_wallet_table",
    "average_share_of_wallet", "share_comparison", "share_comparison_chart",
    "spend_concentration", "customer_value_tiers", "concentration_chart",
    "satisfaction_model", "idic_steps", "six_i", "market_vs_customer_share", "rm_versus_crm",
]

#: Rows of the relationship-level matrix: how many customers (or distributors) the firm has.
CUSTOMER_COUNTS = (N_("many"), N_("medium"), N_("few"))
#: Columns of the matrix: the profit margin per customer.
MARGINS = (N_("high"), "medium", N_("low"))

_LEVELS = [
    # level, 中文, what the seller does
    ("basic", "基本型", N_("sells the product and does not follow up")),
    ("reactive", "被动型(反应型)", N_("sells the product and invites the customer to call with questions or complaints")),
    ("accountable", "负责型", N_("calls the customer soon after the sale to check satisfaction and ask for suggestions")),
    ("proactive", "主动型(能动型)", N_("contacts the customer from time to time with usage tips or news of new products")),
    ("partnership", "伙伴型", N_("works continuously with the customer to find ways of delivering better value")),
]

# Kotler's selection matrix as reproduced in textbooks (Marketing Management, 8th-10th eds.).
_MATRIX = {
    "many": {"high": "accountable", "medium": "reactive", "low": "basic or reactive"},
    "medium": {"high": "proactive", "medium": "accountable", "low": "reactive"},
    "few": {"high": "partnership", "medium": "proactive", "low": "accountable"},
}
_SOURCED = {("few", "high"): N_("Kotler (1993) said that partnership suits firms with few customers and high margins")}
_CONVENTION = N_("textbook convention: the cell is reproduced from textbook versions of Kotler's matrix, "
                 "but its exact placement has not been verified against a primary source")


def _frame(rows, columns):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def bond_levels():
    """Berry & Parasuraman's (1991) three levels of relationship marketing (三级关系营销).

    Each level adds a bond on top of the ones below it, and the higher the
    level, the harder it is for a competitor to copy.

    Returns
    -------
    pandas.DataFrame
        One row per level: ``level`` (1-3), ``bond``, ``bond_zh``, ``how``,
        ``examples`` and ``durability`` (how long the advantage lasts).

    Examples
    --------
    >>> bond_levels()[["level", "bond", "durability"]]
       level        bond durability
    0      1   financial        low
    1      2      social     medium
    2      3  structural       high
    """
    return _frame([
        (1, "financial", "财务纽带", "price incentives for buying more or staying (frequency marketing, 频繁营销)",
         "discounts, loyalty points, free nights after ten stays", "low"),
        (2, "social", "社交纽带", "financial bond + personal, social ties with the customer",
         "a named contact person, customer clubs and events, user communities", "medium"),
        (3, "structural", "结构纽带", "financial + social bonds + structural ties that raise switching costs",
         "shared ordering systems, equipment or software the customer relies on, "
         "customised service not available elsewhere", "high"),
    ], ["level", "bond", "bond_zh", "how", "examples", "durability"])


def kotler_levels():
    """Kotler's five levels of customer relationship (顾客关系的五种类型), from least to most involved.

    Returns
    -------
    pandas.DataFrame
        Columns ``order`` (1-5), ``level``, ``level_zh`` and ``seller_does``.

    Examples
    --------
    >>> kotler_levels()["level"].tolist()
    ['basic', 'reactive', 'accountable', 'proactive', 'partnership']
    """
    return _frame([(i, *row) for i, row in enumerate(_LEVELS, start=1)],
                  ["order", "level", "level_zh", "seller_does"])


def relationship_level_matrix():
    """Kotler's matrix: the relationship level suggested by number of customers and margin.

    Only the *partnership* corner (few customers, high margin) rests on something
    Kotler is on record as saying (1993); the other cells are **textbook
    convention** (see :func:`matrix_cell_basis`).

    Returns
    -------
    pandas.DataFrame
        Rows ``many``/``medium``/``few`` customers, columns ``high``/``medium``/``low`` margin.

    Examples
    --------
    >>> relationship_level_matrix()
                   high       medium                low
    customers
    many    accountable     reactive  basic or reactive
    medium    proactive  accountable           reactive
    few     partnership    proactive        accountable
    """
    import pandas as pd

    table = pd.DataFrame([[_MATRIX[c][m] for m in MARGINS] for c in CUSTOMER_COUNTS],
                         index=pd.Index(list(CUSTOMER_COUNTS), name="customers"), columns=list(MARGINS))
    table.columns.name = None
    return table


def _check_cell(customers, margin):
    c, m = str(customers).strip().lower(), str(margin).strip().lower()
    if c not in CUSTOMER_COUNTS:
        raise ValueError(f"customers must be one of {', '.join(CUSTOMER_COUNTS)}; got {customers!r}")
    if m not in MARGINS:
        raise ValueError(f"margin must be one of {', '.join(MARGINS)}; got {margin!r}")
    return c, m


def suggested_relationship_level(customers, margin):
    """The relationship level Kotler's matrix suggests for a (customers, margin) pair.

    Parameters
    ----------
    customers : {"many", "medium", "few"}
        How many customers (or distributors) the firm serves.
    margin : {"high", "medium", "low"}
        The profit margin per customer.

    Returns
    -------
    str
        A level from :func:`kotler_levels`; the many-customers, low-margin cell
        reads ``"basic or reactive"``.

    Examples
    --------
    >>> suggested_relationship_level("few", "high")
    'partnership'
    >>> suggested_relationship_level("many", "medium")
    'reactive'
    >>> suggested_relationship_level("lots", "high")
    Traceback (most recent call last):
    ...
    ValueError: customers must be one of many, medium, few; got 'lots'
    """
    c, m = _check_cell(customers, margin)
    return _MATRIX[c][m]


def matrix_cell_basis(customers, margin):
    """What a cell of the matrix rests on: a statement by Kotler, or textbook convention.

    Examples
    --------
    >>> matrix_cell_basis("few", "high")
    'Kotler (1993) said that partnership suits firms with few customers and high margins'
    >>> matrix_cell_basis("medium", "low").startswith("textbook convention")
    True
    """
    return _SOURCED.get(_check_cell(customers, margin), _CONVENTION)


def relationship_matrix_chart(customers=None, margin=None):
    """Kotler's matrix as a chart; the cell for (``customers``, ``margin``) is highlighted.

    Cells that are textbook convention are hatched; the one cell with a
    primary statement behind it is drawn plain.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = relationship_matrix_chart("few", "high")
    >>> len(fig.axes[0].patches)
    9
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from .plotting import bilingual, chart_text

    if customers is not None or margin is not None:
        customers, margin = _check_cell(customers, margin)
    order = [lvl for lvl, _, _ in _LEVELS]
    names = {lvl: zh for lvl, zh, _ in _LEVELS}
    fig = Figure(figsize=(7.2, 4.4), layout="constrained")
    ax = fig.add_subplot()
    for i, c in enumerate(CUSTOMER_COUNTS):
        for j, m in enumerate(MARGINS):
            level = _MATRIX[c][m]
            depth = order.index(level.split(" or ")[0]) / (len(order) - 1)
            chosen = (c, m) == (customers, margin)
            ax.add_patch(Rectangle((j, 2 - i), 1, 1, facecolor=(0.18, 0.44, 0.62, 0.15 + 0.6 * depth),
                                   edgecolor="#d62728" if chosen else "white", linewidth=4 if chosen else 1,
                                   hatch=None if (c, m) in _SOURCED else "//"))
            label = chart_text(level, " / ".join(names[part] for part in level.split(" or ")))
            ax.text(j + 0.5, 2.5 - i, label, ha="center", va="center", fontsize=11,
                    fontweight="bold" if chosen else "normal")
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    ax.set_xticks([0.5, 1.5, 2.5], [chart_text("{m} margin").format(m=chart_text(m)) for m in MARGINS])
    ax.set_yticks([2.5, 1.5, 0.5], [chart_text("{c} customers").format(c=chart_text(c)) for c in CUSTOMER_COUNTS])
    ax.tick_params(length=0)
    ax.set_title(bilingual("Relationship level by number of customers and margin", "顾客关系水平的选择",
                           sep=" ") + "\n" + chart_text("(hatched cells: textbook convention)"), fontsize=10)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def market_share(our_sales, total_market_sales):
    """**Market share** (市场份额): our sales divided by the sales of the whole market.

    Examples
    --------
    >>> market_share(30, 120)
    0.25
    """
    if total_market_sales <= 0:
        raise ValueError("total market sales must be positive")
    return our_sales / total_market_sales


def share_of_wallet(spend_with_us, category_spend):
    """**Share of wallet** (钱包份额): one customer's spend with us divided by their spend on the category.

    Also called share of customer (顾客份额) or share of requirements (需求满足率).
    Works on numbers or on equal-length arrays/Series.

    Examples
    --------
    >>> share_of_wallet(3000, 12000)
    0.25
    >>> share_of_wallet(0, 0)
    Traceback (most recent call last):
    ...
    ValueError: category spend must be positive
    """
    import numpy as np

    if np.any(np.asarray(category_spend) <= 0):
        raise ValueError("category spend must be positive")
    if np.any(np.asarray(spend_with_us) > np.asarray(category_spend)):
        raise ValueError("spend with us cannot exceed the customer's category spend")
    return spend_with_us / category_spend


def market_shares(purchases, seller="seller", amount="amount_yuan"):
    """Each seller's market share from a purchases table (one row per purchase).

    Returns
    -------
    pandas.Series
        Indexed by seller, named ``market_share``; the shares add up to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2, 3], "seller": ["A", "B", "A", "B"],
    ...                      "amount_yuan": [30, 10, 20, 40]})
    >>> market_shares(buys)
    seller
    A    0.5
    B    0.5
    Name: market_share, dtype: float64
    """
    sales = purchases.groupby(seller)[amount].sum()
    return (sales / sales.sum()).rename("market_share")


def share_of_wallet_table(purchases, customer="customer_id", seller="seller", amount="amount_yuan"):
    """Each customer's share of wallet at each seller (0 where they never bought there).

    Returns
    -------
    pandas.DataFrame
        One row per customer, one column per seller; each row adds up to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2, 3], "seller": ["A", "B", "A", "B"],
    ...                      "amount_yuan": [30, 10, 20, 40]})
    >>> share_of_wallet_table(buys)
    seller          A     B
    customer_id
    1            0.75  0.25
    2            1.00  0.00
    3            0.00  1.00
    """
    spend = purchases.pivot_table(index=customer, columns=seller, values=amount, aggfunc="sum", fill_value=0)
    return spend.div(spend.sum(axis=1), axis=0)


def average_share_of_wallet(purchases, customer="customer_id", seller="seller", amount="amount_yuan"):
    """Each seller's average share of wallet among *its own* customers.

    A seller's customers are those who bought from it at least once; the
    average is the plain mean of their shares (each customer counts once).

    Returns
    -------
    pandas.Series
        Indexed by seller, named ``share_of_wallet``.

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2, 3], "seller": ["A", "B", "A", "B"],
    ...                      "amount_yuan": [30, 10, 20, 40]})
    >>> average_share_of_wallet(buys)
    seller
    A    0.875
    B    0.625
    Name: share_of_wallet, dtype: float64
    """
    table = share_of_wallet_table(purchases, customer, seller, amount)
    bought = purchases.groupby([customer, seller]).size().unstack(fill_value=0) > 0
    return table.where(bought.reindex_like(table).fillna(False).astype(bool)).mean().rename("share_of_wallet")


def share_comparison(purchases, customer="customer_id", seller="seller", amount="amount_yuan"):
    """Market share next to customer share, one row per seller.

    Returns
    -------
    pandas.DataFrame
        Columns ``market_share``, ``penetration`` (share of all customers who
        bought from the seller at least once) and ``share_of_wallet`` (average
        among the seller's own customers).

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2, 3], "seller": ["A", "B", "A", "B"],
    ...                      "amount_yuan": [30, 10, 20, 40]})
    >>> share_comparison(buys).round(3)
            market_share  penetration  share_of_wallet
    seller
    A                0.5        0.667            0.875
    B                0.5        0.667            0.625
    """
    import pandas as pd

    buyers = purchases.groupby(seller)[customer].nunique()
    return pd.DataFrame({
        "market_share": market_shares(purchases, seller, amount),
        "penetration": buyers / purchases[customer].nunique(),
        "share_of_wallet": average_share_of_wallet(purchases, customer, seller, amount),
    })


def share_comparison_chart(comparison):
    """Grouped bars of market share, penetration and share of wallet per seller.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The result of :func:`share_comparison`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"market_share": [0.6, 0.4], "penetration": [0.9, 0.2],
    ...                       "share_of_wallet": [0.5, 0.8]}, index=["A", "B"])
    >>> len(share_comparison_chart(table).axes[0].patches)
    6
    """
    from matplotlib.figure import Figure

    from .plotting import bilingual

    labels = {"market_share": bilingual("market share", "市场份额", sep=" "),
              "penetration": bilingual("penetration", "渗透率", sep=" "),
              "share_of_wallet": bilingual("share of wallet", "钱包份额", sep=" ")}
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / len(labels)
    for k, (column, label) in enumerate(labels.items()):
        xs = [i + (k - 1) * width for i in range(len(comparison))]
        bars = ax.bar(xs, comparison[column], width, label=label)
        ax.bar_label(bars, fmt="{:.0%}", fontsize=8)
    ax.set_xticks(range(len(comparison)), comparison.index)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.legend(frameon=False, fontsize=8, ncols=3, loc="upper center")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def spend_concentration(spend, top=0.1):
    """The share of total spend that comes from the top ``top`` fraction of customers.

    Parameters
    ----------
    spend : sequence of float or pandas.Series
        Total spend per customer.
    top : float
        The fraction of customers to count, e.g. 0.1 for the top 10%
        (rounded to a whole number of customers).

    Examples
    --------
    >>> spend_concentration([50, 30, 10, 5, 5], top=0.2)
    0.5
    """
    import numpy as np

    values = np.sort(np.asarray(spend, dtype=float))[::-1]
    if not 0 < top <= 1:
        raise ValueError("top must be a fraction between 0 and 1")
    n = max(1, int(round(top * len(values))))
    return float(values[:n].sum() / values.sum())


def customer_value_tiers(spend, shares=(0.1, 0.4, 0.5), labels=("top", "middle", "base")):
    """Sort customers into value tiers by spend: the top 10%, the next 40%, the rest.

    Tier sizes are rounded to whole customers (halves up). Customers with
    equal spend are ordered by their position in ``spend``, so the result is
    always the same.

    Parameters
    ----------
    spend : pandas.Series
        Total spend per customer (index = customer id).
    shares : tuple of float
        The fraction of customers in each tier, best first; they must add up to 1.
    labels : tuple of str
        One name per tier.

    Returns
    -------
    pandas.Series
        The tier of each customer, same index as ``spend``, named ``tier``.

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.Series([5, 80, 20, 10, 40, 1, 3, 2, 9, 7], index=range(1, 11))
    >>> customer_value_tiers(spend).value_counts().to_dict()
    {'base': 5, 'middle': 4, 'top': 1}
    >>> customer_value_tiers(spend)[2]
    'top'
    """
    import numpy as np
    import pandas as pd

    if len(shares) != len(labels) or abs(sum(shares) - 1) > 1e-9:
        raise ValueError("give one label per share, and shares that add up to 1")
    rank = spend.rank(method="first", ascending=False)  # 1 = biggest spender
    edges = np.floor(np.cumsum([0, *shares]) * len(spend) + 0.5)  # whole customers, halves rounded up
    tiers = pd.cut(rank, bins=edges, labels=list(labels), include_lowest=True)
    return tiers.astype(str).rename("tier")


def concentration_chart(spend, marks=(0.1, 0.5)):
    """Cumulative share of spend against cumulative share of customers, biggest spenders first.

    A straight diagonal would mean every customer spends the same; the more the
    curve bows upwards, the more the revenue depends on a few customers. The
    ``marks`` are shown as points with their share of spend.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = concentration_chart([50, 30, 10, 5, 5], marks=(0.2,))
    >>> len(fig.axes[0].lines)
    3
    """
    import numpy as np
    from matplotlib.figure import Figure

    from .plotting import bilingual, chart_text

    values = np.sort(np.asarray(spend, dtype=float))[::-1]
    customers = np.arange(0, len(values) + 1) / len(values)
    revenue = np.concatenate([[0.0], values.cumsum() / values.sum()])
    fig = Figure(figsize=(5.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(customers, revenue, color="#2f6f9f", label=chart_text("customers sorted by spend"))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label=chart_text("everyone spends the same"))
    share = [spend_concentration(values, top=m) for m in marks]
    ax.plot(marks, share, "o", color="#d62728")
    for m, v in zip(marks, share):
        ax.annotate(chart_text("top {m}: {v} of spend").format(m=f"{m:.0%}", v=f"{v:.0%}"), (m, v), xytext=(8, -12), textcoords="offset points",
                    fontsize=8)
    ax.set_xlabel(bilingual("share of customers (biggest spenders first)", "顾客占比", sep=" "))
    ax.set_ylabel(bilingual("share of total spend", "消费额占比", sep=" "))
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def satisfaction_model():
    """The determinants of overall satisfaction (Spreng, MacKenzie & Olshavsky 1996), simplified.

    Desires and expectations are each compared with perceived performance; the
    two congruencies feed satisfaction with the product's attributes and with
    the information used to choose it, which together make overall satisfaction.

    Returns
    -------
    pandas.DataFrame
        Columns ``construct``, ``construct_zh``, ``stage`` (1 = inputs ... 4 = outcome)
        and ``formed_from``.

    Examples
    --------
    >>> model = satisfaction_model()
    >>> model.groupby("stage")["construct"].apply(list).tolist()[-1]
    ['overall satisfaction']
    """
    return _frame([
        ("desires", "欲望", 1, ""),
        ("expectations", "期望", 1, ""),
        ("perceived performance", "感知绩效", 1, ""),
        ("desires congruency", "欲望一致", 2, "desires vs perceived performance"),
        ("expectations congruency", "期望一致", 2, "expectations vs perceived performance"),
        ("attribute satisfaction", "属性满意", 3, "the two congruencies"),
        ("information satisfaction", "信息满意", 3, "the two congruencies"),
        ("overall satisfaction", "总体满意", 4, "attribute and information satisfaction"),
    ], ["construct", "construct_zh", "stage", "formed_from"])


def idic_steps():
    """Peppers & Rogers' IDIC steps for one-to-one marketing (一对一营销), in order.

    Examples
    --------
    >>> idic_steps()["step"].tolist()
    ['identify', 'differentiate', 'interact', 'customize']
    """
    return _frame([
        (1, "identify", "识别", "know each customer individually, across every channel and contact"),
        (2, "differentiate", "区分", "rank customers by their value to the firm and by their needs"),
        (3, "interact", "互动", "talk with customers in ways that teach the firm more about each one"),
        (4, "customize", "定制", "adapt some part of the offer to what each customer has said"),
    ], ["order", "step", "step_zh", "meaning"])


def six_i():
    """The "6I" mnemonic for relationship marketing found in Chinese textbooks.

    No original author is known; treat it as a memory aid, not as a theory.

    Examples
    --------
    >>> six_i()["word"].tolist()
    ['Intention', 'Interaction', 'Integration', 'Information', 'Investment', 'Individuality']
    """
    return _frame([
        ("Intention", "意向", "a shared intention to build a lasting relationship"),
        ("Interaction", "互动", "two-way communication with each customer"),
        ("Integration", "整合", "all departments and partners work to one customer view"),
        ("Information", "信息", "customer information collected, shared and used"),
        ("Investment", "投入", "resources invested in the relationship by both sides"),
        ("Individuality", "个性化", "offers adapted to the individual customer"),
    ], ["word", "word_zh", "meaning"])


def market_vs_customer_share():
    """Market-share thinking against customer-share (one-to-one) thinking (Peppers & Rogers 1993).

    Examples
    --------
    >>> market_vs_customer_share().shape
    (4, 3)
    """
    return _frame([
        ("goal", "market share 市场份额: sell to as many customers as possible",
         "share of customer 顾客份额: win more of each customer's business"),
        ("unit", "customer groups and segments 群体客户", "the individual customer 个体客户"),
        ("what is managed", "products 产品管理", "customers 客户管理"),
        ("economics", "economies of scale 规模经济", "economies of scope 范围经济"),
    ], ["aspect", "market_share_thinking", "customer_share_thinking"])


def rm_versus_crm():
    """Relationship marketing (关系营销) and customer relationship management (CRM, 客户关系管理).

    Examples
    --------
    >>> rm_versus_crm()["aspect"].tolist()
    ['what it is', 'focus', 'typical output', 'risk when used alone']
    """
    return _frame([
        ("what it is", "a marketing philosophy: attract, keep and enhance customer relationships (Berry 1983)",
         "the processes and technology a firm uses to manage customer data and contacts"),
        ("focus", "ideas, culture and strategy: how the whole firm treats customers",
         "implementation: databases, software, campaign and service processes"),
        ("typical output", "bonds, trust and commitment (Morgan & Hunt 1994)",
         "a single customer view, segment lists, personalised offers"),
        ("risk when used alone", "good intentions without the data to act on them",
         "software without a customer philosophy; strategic views (Payne & Frow 2005) treat CRM as "
         "strategy plus technology"),
    ], ["aspect", "relationship_marketing", "crm"])
