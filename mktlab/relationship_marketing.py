"""Relationship versus transaction marketing (关系营销与交易营销): lesson 03.

Data tables in ``datasets/`` (load them with :func:`mktlab.data.load_dataset`):

* ``rm_comparison``: transaction vs relationship marketing, dimension by dimension;
* ``rm_six_markets``: the six markets of Christopher, Payne & Ballantyne (1991);
* ``rm_relational_exchanges``: Morgan & Hunt's (1994) ten forms of relational exchange;
* ``rm_business_cases``: ten businesses, to judge where relationship marketing fits.

The functions are pure: a checklist for when relationship marketing fits, and
a ten-year simulation of a customer base under a transaction strategy (the
budget buys new customers) and a relationship strategy (the budget mostly buys
retention and service).

Assumptions of the simulation (stated again in the lesson):

1. Each year, ``customers = retention_rate × last year's customers + new customers``,
   and ``new customers = acquisition_share × budget / acquisition_cost``.
2. The retention rate a strategy achieves is an *input*: the model does not
   say how spending produces retention.  The same budget is spent every year.
3. Every customer brings the same revenue each year, and the gross margin is a
   fixed share of revenue; there is no growth in spending with tenure and no
   referrals.
4. Profit = margin × revenue − budget.  Cash flows arrive at the end of each
   year and are discounted by ``(1 + discount_rate) ** year``.
5. Customers are counted as expected values, so they need not be whole numbers.
6. The horizon ends after ``years`` years; the customers still on the books
   then are given no value.
"""
from __future__ import annotations

__all__ = ["FIT_RULES", "relationship_fit_score", "simulate_strategy", "compare_strategies",
           "strategy_chart"]

#: The checklist of :func:`relationship_fit_score`: column -> (test, meaning).
FIT_RULES = {
    "annual_spend_cny": (lambda x: x >= 10_000, "high value per customer (≥ ¥10,000 a year)"),
    "purchases_per_year": (lambda x: x >= 4, "repeated purchases (≥ 4 a year)"),
    "switching_cost": (lambda x: x >= 4, "high switching costs (rated ≥ 4 of 5)"),
    "customisation": (lambda x: x >= 3, "customised or complex offer (rated ≥ 3 of 5)"),
    "wants_continuity": (lambda x: x == True, "the customer wants a continuing supplier"),  # noqa: E712
}


def relationship_fit_score(annual_spend_cny, purchases_per_year, switching_cost, customisation,
                           wants_continuity):
    """How many of five signs that relationship marketing pays off are present (0–5).

    A teaching checklist built from the conditions in the literature (high
    value, repeat purchase, high switching costs, non-commodity offers,
    customers who want continuity); the thresholds are the course's, not a
    published scale.  Three or more signs suggest a relationship strategy.

    Parameters
    ----------
    annual_spend_cny : float
        Typical spend of one customer per year, in yuan.
    purchases_per_year : float
        Typical number of purchases per customer per year.
    switching_cost, customisation : int
        Ratings from 1 (none) to 5 (very high).
    wants_continuity : bool
        Whether customers want a continuing supplier.

    Returns
    -------
    int, or pandas.Series when the arguments are Series (e.g. columns of ``rm_business_cases``)

    Examples
    --------
    >>> relationship_fit_score(2_000_000, 50, 5, 4, True)   # an industrial supplier
    5
    >>> relationship_fit_score(300, 100, 1, 1, False)       # a bottled-water brand
    1
    >>> from mktlab.data import load_dataset
    >>> cases = load_dataset("rm_business_cases").set_index("case")
    >>> relationship_fit_score(**{c: cases[c] for c in FIT_RULES}).head(3)
    case
    industrial fastener supplier    5
    bottled-water brand             1
    private bank                    5
    dtype: int64
    """
    values = {"annual_spend_cny": annual_spend_cny, "purchases_per_year": purchases_per_year,
              "switching_cost": switching_cost, "customisation": customisation,
              "wants_continuity": wants_continuity}
    signs = [test(values[name]) for name, (test, _) in FIT_RULES.items()]
    total = signs[0].astype(int) if hasattr(signs[0], "astype") else int(signs[0])
    for sign in signs[1:]:
        total = total + (sign.astype(int) if hasattr(sign, "astype") else int(sign))
    return total


def simulate_strategy(retention_rate, budget, acquisition_cost, acquisition_share=1.0,
                      revenue_per_customer=1000.0, margin=0.3, discount_rate=0.10,
                      initial_customers=1000.0, years=10):
    """Follow a customer base year by year under one marketing strategy.

    Each year ``customers = retention_rate × customers last year + new``, with
    ``new = acquisition_share × budget / acquisition_cost``; profit is
    ``margin × revenue − budget``, discounted to today at ``discount_rate``.
    See the module's docstring for all assumptions.

    Parameters
    ----------
    retention_rate : float
        Share of last year's customers who stay (0 to 1).
    budget : float
        Marketing budget spent every year (¥).
    acquisition_cost : float
        Cost of winning one new customer (¥).
    acquisition_share : float, default 1.0
        Share of the budget spent on winning new customers; the rest goes to
        retention and service.  1.0 is a pure transaction strategy.
    revenue_per_customer : float, default 1000.0
        Revenue from one customer in one year (¥).
    margin : float, default 0.3
        Gross margin as a share of revenue.
    discount_rate : float, default 0.10
        Annual discount rate.
    initial_customers : float, default 1000.0
        Customers at the start (end of year 0).
    years : int, default 10
        Length of the horizon.

    Returns
    -------
    pandas.DataFrame
        One row per year (index ``year`` = 1 … ``years``) with columns
        ``customers``, ``new_customers``, ``revenue``, ``marketing_spend``,
        ``profit``, ``discounted_profit`` and ``cumulative_discounted_profit``.

    Examples
    --------
    Half the customers leave each year and the budget buys 400 new ones:

    >>> sim = simulate_strategy(0.5, budget=100_000, acquisition_cost=250, years=3)
    >>> sim[["customers", "revenue", "profit"]]
          customers   revenue    profit
    year
    1         900.0  900000.0  170000.0
    2         850.0  850000.0  155000.0
    3         825.0  825000.0  147500.0
    >>> round(float(sim.loc[1, "cumulative_discounted_profit"]), 2)   # 170000 / 1.1
    154545.45
    """
    import pandas as pd

    if not 0 <= retention_rate <= 1:
        raise ValueError(f"retention_rate must be between 0 and 1, got {retention_rate}")
    if not 0 <= acquisition_share <= 1:
        raise ValueError(f"acquisition_share must be between 0 and 1, got {acquisition_share}")
    if acquisition_cost <= 0:
        raise ValueError(f"acquisition_cost must be positive, got {acquisition_cost}")
    new = acquisition_share * budget / acquisition_cost
    rows, customers, cumulative = [], float(initial_customers), 0.0
    for year in range(1, years + 1):
        customers = retention_rate * customers + new
        revenue = customers * revenue_per_customer
        profit = margin * revenue - budget
        discounted = profit / (1 + discount_rate) ** year
        cumulative += discounted
        rows.append({"year": year, "customers": customers, "new_customers": new, "revenue": revenue,
                     "marketing_spend": float(budget), "profit": profit, "discounted_profit": discounted,
                     "cumulative_discounted_profit": cumulative})
    return pd.DataFrame(rows).set_index("year")


def compare_strategies(relationship_retention, transaction_retention=0.5, budget=100_000,
                       acquisition_cost=250, relationship_acquisition_share=0.25,
                       revenue_per_customer=1000.0, margin=0.3, discount_rate=0.10,
                       initial_customers=1000.0, years=10):
    """Simulate the transaction and the relationship strategy with the same budget, side by side.

    The transaction strategy spends the whole budget on acquisition and keeps
    ``transaction_retention`` of its customers; the relationship strategy
    spends ``relationship_acquisition_share`` of it on acquisition, the rest on
    retention and service, and keeps ``relationship_retention``.

    Returns
    -------
    pandas.DataFrame
        Long format: columns ``strategy`` (``"transaction"`` or
        ``"relationship"``), ``year`` and the columns of :func:`simulate_strategy`.

    Examples
    --------
    With the defaults, the transaction base falls towards its steady state
    400 / (1 − 0.5) = 800; at 90% retention the relationship base stays at
    100 / (1 − 0.9) = 1000, where it started:

    >>> both = compare_strategies(0.9)
    >>> year10 = both[both["year"] == 10].set_index("strategy")
    >>> year10["customers"].round(1)
    strategy
    transaction      800.2
    relationship    1000.0
    Name: customers, dtype: float64
    """
    import pandas as pd

    common = dict(budget=budget, acquisition_cost=acquisition_cost,
                  revenue_per_customer=revenue_per_customer, margin=margin,
                  discount_rate=discount_rate, initial_customers=initial_customers, years=years)
    runs = {"transaction": simulate_strategy(transaction_retention, acquisition_share=1.0, **common),
            "relationship": simulate_strategy(relationship_retention,
                                              acquisition_share=relationship_acquisition_share, **common)}
    frames = [run.reset_index().assign(strategy=name) for name, run in runs.items()]
    both = pd.concat(frames, ignore_index=True)
    return both[["strategy", "year", *runs["transaction"].columns]]


def strategy_chart(comparison):
    """Customers and cumulative discounted profit by year, one line per strategy.

    Parameters
    ----------
    comparison : pandas.DataFrame
        The result of :func:`compare_strategies`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = strategy_chart(compare_strategies(0.9))
    >>> [len(ax.get_legend_handles_labels()[0]) for ax in fig.axes]
    [2, 2]
    """
    from .plotting import bilingual, chart_text, new_figure

    fig, axes = new_figure(ncols=2, figsize=(10, 3.8))
    styles = {"transaction": ("#9c6b30", bilingual("transaction", "交易营销", sep=" ")),
              "relationship": ("#2f6f9f", bilingual("relationship", "关系营销", sep=" "))}
    for name, run in comparison.groupby("strategy", sort=False):
        colour, label = styles.get(name, ("grey", name))
        axes[0].plot(run["year"], run["customers"], marker="o", color=colour, label=label)
        axes[1].plot(run["year"], run["cumulative_discounted_profit"] / 1000, marker="o",
                     color=colour, label=label)
    axes[0].set_title(chart_text("customers at the end of each year"), fontsize=10)
    axes[1].set_title(chart_text("cumulative discounted profit (¥ thousand)"), fontsize=10)
    for ax in axes:
        ax.set_xlabel(chart_text("year"))
        ax.spines[["top", "right"]].set_visible(False)
    axes[1].axhline(0, color="grey", linewidth=0.8, label="_zero")
    for ax in axes:
        ax.legend(frameon=False)
    return fig
