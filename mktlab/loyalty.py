"""Loyalty, the relationship lifecycle and customer lifetime value (忠诚、生命周期与客户终生价值): lesson 05.

Three kinds of helpers, all pure functions:

* reference tables: Dick & Basu's loyalty matrix, Chen's lifecycle stages
  built on Dwyer, Schurr & Oh (1987), the seven loyalty measures of the
  source texts mapped to standard metrics, and the retention claims with
  their status;
* metrics: :func:`retention_rate`, :func:`churn_rate`,
  :func:`repeat_purchase_rate`, :func:`share_of_wallet`,
  :func:`net_promoter_score`, :func:`customer_lifetime_value`,
  :func:`expected_lifetime`;
* purchase-data tools for the CDNOW sample: :func:`cohort_retention_table`,
  :func:`rfm_table`, :func:`period_activity` and, for the optional section,
  the BG/NBD model (:func:`bgnbd_summary`, :func:`fit_bgnbd`, ...).

Chart functions return a matplotlib ``Figure`` and never draw at import time.
"""
from __future__ import annotations

from .relationship_levels import share_of_wallet

__all__ = [
    "dick_basu_matrix", "dick_basu_type", "lifecycle_stages", "loyalty_measures", "retention_claims",
    "retention_rate", "churn_rate", "repeat_purchase_rate", "share_of_wallet", "nps_group",
    "net_promoter_score", "CLV_TIMINGS", "customer_lifetime_value", "expected_lifetime", "clv_schedule",
    "clv_retention_chart", "cohort_retention_table", "cohort_retention_chart", "rfm_table", "rfm_scores",
    "rfm_heatmap", "period_activity",
    "bgnbd_summary", "bgnbd_log_likelihood", "fit_bgnbd", "bgnbd_expected_purchases",
    "bgnbd_conditional_expected", "bgnbd_tracking", "bgnbd_tracking_chart", "bgnbd_holdout_table",
    "bgnbd_holdout_chart", "PUBLISHED_BGNBD_CDNOW",
]


def _frame(rows, columns):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


# --- reference tables -----------------------------------------------------------------------

def dick_basu_matrix():
    """Dick & Basu's (1994) loyalty matrix: relative attitude x repeat patronage.

    Returns
    -------
    pandas.DataFrame
        Columns ``relative_attitude``, ``repeat_patronage``, ``loyalty``,
        ``loyalty_zh`` and ``what_it_means``.

    Examples
    --------
    >>> dick_basu_matrix()[["relative_attitude", "repeat_patronage", "loyalty"]]
      relative_attitude repeat_patronage          loyalty
    0              high             high     true loyalty
    1              high              low   latent loyalty
    2               low             high spurious loyalty
    3               low              low       no loyalty
    """
    return _frame([
        ("high", "high", "true loyalty", "真正忠诚", "likes the brand more than the alternatives and keeps buying it"),
        ("high", "low", "latent loyalty", "潜在忠诚",
         "likes the brand, but price, access or habit keep purchases low"),
        ("low", "high", "spurious loyalty", "虚假忠诚(惰性忠诚)",
         "buys often out of habit, convenience or lock-in, with no real preference; easy to lose"),
        ("low", "low", "no loyalty", "不忠诚", "neither prefers nor buys the brand"),
    ], ["relative_attitude", "repeat_patronage", "loyalty", "loyalty_zh", "what_it_means"])


def dick_basu_type(relative_attitude, repeat_patronage):
    """The Dick & Basu (1994) loyalty type for a customer.

    Parameters
    ----------
    relative_attitude, repeat_patronage : {"high", "low"}

    Examples
    --------
    >>> dick_basu_type("low", "high")
    'spurious loyalty'
    """
    a, p = str(relative_attitude).strip().lower(), str(repeat_patronage).strip().lower()
    if a not in ("high", "low") or p not in ("high", "low"):
        raise ValueError("relative_attitude and repeat_patronage must each be 'high' or 'low'")
    table = dick_basu_matrix()
    row = table[(table["relative_attitude"] == a) & (table["repeat_patronage"] == p)]
    return row["loyalty"].iloc[0]


def lifecycle_stages():
    """Chen Mingliang's four stages of the customer relationship lifecycle (客户关系生命周期).

    Chen built the stages on the phases of Dwyer, Schurr & Oh (1987). In the
    exploration stage the parties test **goal compatibility** (目标的相容性),
    each other's integrity and performance.

    Returns
    -------
    pandas.DataFrame
        Columns ``order``, ``stage``, ``stage_zh``, ``dwyer_phase`` and ``features``.

    Examples
    --------
    >>> lifecycle_stages()["stage_zh"].tolist()
    ['考察期', '形成期', '稳定期', '退化期']
    """
    return _frame([
        (1, "exploration", "考察期", "exploration",
         "each side tests goal compatibility, the other's integrity and performance; small trial purchases"),
        (2, "formation", "形成期", "expansion",
         "trust and interdependence grow quickly; purchases rise"),
        (3, "stability", "稳定期", "commitment",
         "the highest stage: high satisfaction, large tangible and intangible investments, the most transactions"),
        (4, "decline", "退化期", "dissolution",
         "the relationship goes into reverse: falling purchases, a search for alternatives, signals of exit"),
    ], ["order", "stage", "stage_zh", "dwyer_phase", "features"])


def loyalty_measures():
    """The seven loyalty measures of the source texts, each with the standard metric it maps to.

    Examples
    --------
    >>> loyalty_measures().set_index("measure_zh").loc["需求满足率", "standard_metric"]
    'share of wallet (share of requirements)'
    """
    return _frame([
        ("重复购买率", "repeat-purchase rate", "customers with 2 or more purchases / all customers in the period"),
        ("需求满足率", "share of wallet (share of requirements)", "spend with us / the customer's category spend"),
        ("对本企业商品或品牌的关注程度", "relative attitude (Dick & Basu)", "survey scales"),
        ("对竞争产品或品牌的关注程度", "relative attitude (Dick & Basu)", "survey scales (reversed)"),
        ("购买挑选时间", "decision time", "no standard formula; shorter suggests a habitual or loyal choice"),
        ("对价格的敏感程度", "price sensitivity", "price elasticity %change in quantity / %change in price; "
         "willingness to pay a premium"),
        ("对产品质量问题的承受能力", "tolerance of failures", "complaint rather than exit after a failure; surveys"),
    ], ["measure_zh", "standard_metric", "how_measured"])


def retention_claims():
    """Popular claims about retention economics, with what the evidence supports.

    Examples
    --------
    >>> retention_claims()["status"].tolist()
    ['illustration, range by industry', 'rule of thumb', 'empirical estimate']
    """
    return _frame([
        ("cutting defections by 5 percentage points raises profits by 25% to 85%",
         "Reichheld & Sasser (1990), HBR", "illustration, range by industry",
         "85% for bank branch deposits, 50% insurance brokerage, 30% auto service; per-customer NPV "
         "calculations from a consultancy illustration. Sharp calls the headline a thought experiment. "
         "Never quote one number alone."),
        ("winning a new customer costs 5 times as much as keeping one", "no traceable primary study",
         "rule of thumb", "published figures range from 5x to 25x by industry; Ehrenberg-Bass researchers "
         "question the framing"),
        ("a 1% improvement in retention raises firm value by about 5%", "Gupta, Lehmann & Stuart (2004), JMR",
         "empirical estimate", "about 1% for a 1% better margin and about 0.1% for a 1% lower acquisition cost, "
         "estimated on five firms' customer data"),
    ], ["claim", "source", "status", "detail"])


# --- customer metrics -----------------------------------------------------------------------

def retention_rate(customers_start, customers_end, new_customers):
    """The **retention rate** (顾客保留率) of a period, from customer counts.

    r = (customers at the end - new customers won during the period) / customers at the start.

    Parameters
    ----------
    customers_start : int
        Customers at the start of the period.
    customers_end : int
        Customers at the end of the period.
    new_customers : int
        Customers acquired during the period (included in ``customers_end``).

    Examples
    --------
    >>> retention_rate(1000, 1050, 200)
    0.85
    """
    if customers_start <= 0:
        raise ValueError("customers_start must be positive")
    kept = customers_end - new_customers
    if not 0 <= kept <= customers_start:
        raise ValueError("customers_end - new_customers must lie between 0 and customers_start")
    return kept / customers_start


def churn_rate(customers_start, customers_end, new_customers):
    """The **churn** (defection) rate (顾客流失率) of a period: 1 - retention rate.

    Examples
    --------
    >>> round(churn_rate(1000, 1050, 200), 2)
    0.15
    """
    return 1 - retention_rate(customers_start, customers_end, new_customers)


def repeat_purchase_rate(purchases_per_customer):
    """The **repeat-purchase rate** (重复购买率): the share of customers with 2 or more purchases.

    Parameters
    ----------
    purchases_per_customer : sequence of int or pandas.Series
        The number of purchases of each customer in the period, e.g.
        ``purchases.groupby("customer_id").size()``.

    Examples
    --------
    >>> repeat_purchase_rate([1, 3, 1, 2, 1])
    0.4
    """
    import numpy as np

    counts = np.asarray(purchases_per_customer)
    if counts.size == 0:
        raise ValueError("no customers")
    return float((counts >= 2).mean())


def nps_group(score):
    """Promoter (9-10), passive (7-8) or detractor (0-6) for one 0-10 recommendation score.

    Examples
    --------
    >>> [nps_group(s) for s in (10, 7, 6)]
    ['promoter', 'passive', 'detractor']
    """
    if isinstance(score, bool) or score != int(score) or not 0 <= score <= 10:
        raise ValueError(f"a recommendation score is a whole number from 0 to 10; got {score!r}")
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def net_promoter_score(scores):
    """The **Net Promoter Score** (净推荐值, Reichheld 2003) from 0-10 answers to "would you recommend us?".

    NPS = % promoters (9-10) - % detractors (0-6), in points from -100 to +100.

    Examples
    --------
    >>> net_promoter_score([10, 9, 8, 7, 6, 3, 10, 9, 0, 8])
    10.0
    """
    groups = [nps_group(s) for s in scores]
    if not groups:
        raise ValueError("no scores")
    return 100 * (groups.count("promoter") - groups.count("detractor")) / len(groups)


#: The timing options of :func:`customer_lifetime_value`, with the formula each one selects.
CLV_TIMINGS = {
    "end": "m*r/(1+d-r)",
    "start": "m*(1+d)/(1+d-r)",
    "end_certain": "m/(1+d-r)",
}


def customer_lifetime_value(margin, retention, discount, timing="end"):
    """**Customer lifetime value** (CLV, 客户终生价值) with a constant margin and retention rate.

    The infinite-horizon textbook formulas differ only in *when* the margins
    arrive (Fader & Hardie 2012). With m = ``margin`` per period, r =
    ``retention`` per period and d = ``discount`` rate per period:

    ``timing="end"`` (default): **CLV = m r / (1 + d - r)**.
        Margins arrive at the *end* of each period, and only if the customer
        has stayed for that period: the first is m at t = 1 with probability
        r. This is the value of a customer you have today, before they renew
        (Gupta & Lehmann 2003; Kotler & Keller).
    ``timing="start"``: **CLV = m (1 + d) / (1 + d - r)**.
        Margins arrive at the *start* of each period; the first, m, is received
        now (t = 0) and not discounted, so this equals m + the "end" value
        (Blattberg et al. 2008).
    ``timing="end_certain"``: **CLV = m / (1 + d - r)**.
        The first margin arrives at the end of period 1 *for certain*; later
        ones depend on retention. This equals the "start" value discounted by
        one period (Ofek 2002).

    Parameters
    ----------
    margin : float or array
        Margin per customer per period (m).
    retention : float or array
        Retention rate per period (r), between 0 and 1.
    discount : float or array
        Discount rate per period (d), 0 or more.
    timing : {"end", "start", "end_certain"}
        When margins arrive; see above.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(customer_lifetime_value(100, 0.8, 0.1), 2)
    266.67
    >>> round(customer_lifetime_value(100, 0.8, 0.1, timing="start"), 2)
    366.67
    >>> round(customer_lifetime_value(100, 0.8, 0.1, timing="end_certain"), 2)
    333.33
    >>> customer_lifetime_value(100, 0.8, 0.1, timing="middle")
    Traceback (most recent call last):
    ...
    ValueError: timing must be one of 'end', 'start', 'end_certain'; got 'middle'
    """
    import numpy as np

    if timing not in CLV_TIMINGS:
        raise ValueError(f"timing must be one of {', '.join(map(repr, CLV_TIMINGS))}; got {timing!r}")
    r, d = np.asarray(retention, dtype=float), np.asarray(discount, dtype=float)
    if np.any((r < 0) | (r > 1)):
        raise ValueError("retention must lie between 0 and 1")
    if np.any(d < 0):
        raise ValueError("discount must be 0 or more")
    if np.any(1 + d - r <= 0):
        raise ValueError("with retention 1 and no discounting the value is infinite")
    numerator = {"end": r, "start": 1 + d, "end_certain": 1.0}[timing]
    value = margin * numerator / (1 + d - r)
    return float(value) if np.ndim(value) == 0 else value


def expected_lifetime(retention):
    """The expected number of periods a customer stays, counting the current one: 1 / (1 - r).

    Examples
    --------
    >>> round(expected_lifetime(0.8), 2)
    5.0
    >>> round(expected_lifetime(0.85), 2)
    6.67
    """
    if not 0 <= retention < 1:
        raise ValueError("retention must be at least 0 and less than 1")
    return 1 / (1 - retention)


def clv_schedule(margin, retention, discount, periods, timing="end"):
    """Period-by-period cash flows behind :func:`customer_lifetime_value`, truncated after ``periods``.

    The ``cumulative_value`` column approaches the infinite-horizon CLV as
    ``periods`` grows.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``p_still_customer``, ``discount_factor``,
        ``expected_discounted_margin`` and ``cumulative_value``.

    Examples
    --------
    >>> table = clv_schedule(100, 0.8, 0.1, periods=5)
    >>> round(float(table["cumulative_value"].iloc[-1]), 2)
    212.41
    >>> round(float(clv_schedule(100, 0.8, 0.1, periods=400)["cumulative_value"].iloc[-1]), 2)
    266.67
    """
    import numpy as np
    import pandas as pd

    customer_lifetime_value(margin, retention, discount, timing)  # validates the arguments
    t = np.arange(0 if timing == "start" else 1, periods + 1)
    alive = retention ** (t - 1 if timing == "end_certain" else t)
    factor = (1 + discount) ** -t.astype(float)
    flows = margin * alive * factor
    return pd.DataFrame({"period": t, "p_still_customer": alive, "discount_factor": factor,
                         "expected_discounted_margin": flows, "cumulative_value": flows.cumsum()})


def clv_retention_chart(margin=100, discount=0.1, highlight=None):
    """CLV against the retention rate for the three timing conventions.

    Parameters
    ----------
    margin, discount : float
        As in :func:`customer_lifetime_value`.
    highlight : float, optional
        A retention rate to mark on each curve.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> len(clv_retention_chart(highlight=0.8).axes[0].lines)
    4
    """
    import numpy as np
    from matplotlib.figure import Figure

    from .plotting import bilingual, chart_text

    r = np.linspace(0, 0.95, 96)
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    for timing, formula in CLV_TIMINGS.items():
        ax.plot(r, customer_lifetime_value(margin, r, discount, timing), label=f"{timing}: {formula}")
    if highlight is not None:
        values = [customer_lifetime_value(margin, highlight, discount, t) for t in CLV_TIMINGS]
        ax.plot([highlight] * 3, values, "o", color="black")
        for v in values:
            ax.annotate(f"{v:,.2f}", (highlight, v), xytext=(-40, 4), textcoords="offset points", fontsize=8)
    ax.set_xlabel(bilingual("retention rate r per period", "保留率", sep=" "))
    ax.set_ylabel(bilingual("CLV", "客户终生价值", sep=" "))
    ax.set_title(chart_text("CLV rises steeply as retention approaches 1 (m = {margin}, d = {discount})").format(
        margin=f"{margin:g}", discount=f"{discount:g}"), fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# --- purchase data ------------------------------------------------------------------------------

def _month_number(dates):
    return dates.dt.year * 12 + dates.dt.month - 1


def _month_label(number):
    return f"{number // 12}-{number % 12 + 1:02d}"


def cohort_retention_table(purchases, customer="customer_id", date="date"):
    """Monthly **cohort retention** (同期群留存): the share of each cohort buying in each later month.

    A customer's cohort is the calendar month of their first purchase; month 0
    is that month, so column 0 is always 1. Months after the last date in the
    data are left empty (NaN), not counted as zero.

    Returns
    -------
    pandas.DataFrame
        Index ``cohort`` ("yyyy-mm"), columns ``months_since_first`` (0, 1, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2, 3, 3],
    ...                      "date": ["2024-01-05", "2024-02-10", "2024-01-20", "2024-02-03", "2024-03-01"]})
    >>> cohort_retention_table(buys)
    months_since_first    0    1    2
    cohort
    2024-01             1.0  0.5  0.0
    2024-02             1.0  1.0  NaN
    """
    import pandas as pd

    month = _month_number(pd.to_datetime(purchases[date]))
    first = month.groupby(purchases[customer]).transform("min")
    active = pd.DataFrame({"cohort": first, "age": month - first, "who": purchases[customer]}).drop_duplicates()
    counts = active.groupby(["cohort", "age"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(int(month.max() - first.min()) + 1), fill_value=0)
    table = counts.div(counts[0], axis=0).astype(float)
    last = month.max()
    for cohort in table.index:
        table.loc[cohort, table.columns > last - cohort] = float("nan")
    table.index = pd.Index([_month_label(int(c)) for c in table.index], name="cohort")
    table.columns = pd.Index([int(c) for c in table.columns], name="months_since_first")
    return table


def cohort_retention_chart(table, skip_first=True):
    """Retention curves, one line per cohort, from :func:`cohort_retention_table`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame([[1, 0.3, 0.2], [1, 0.25, None]], index=["2024-01", "2024-02"])
    >>> len(cohort_retention_chart(table).axes[0].lines)
    2
    """
    from matplotlib.figure import Figure

    from .plotting import bilingual, chart_text

    shown = table.iloc[:, 1:] if skip_first else table
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for cohort, row in shown.iterrows():
        ax.plot(shown.columns, row.to_numpy(dtype=float), marker="o", markersize=3,
                label=chart_text("cohort {cohort}").format(cohort=cohort))
    ax.set_xlabel(bilingual("months since first purchase", "首购后月数", sep=" "))
    ax.set_ylabel(bilingual("share of cohort buying", "购买比例", sep=" "))
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def rfm_table(purchases, customer="customer_id", date="date", amount="dollar_value", as_of=None):
    """**RFM** (recency, frequency, monetary value; 最近一次消费、消费频率、消费金额) per customer.

    Parameters
    ----------
    purchases : pandas.DataFrame
        One row per purchase.
    as_of : str or Timestamp, optional
        The day of the analysis; purchases after it are ignored. Defaults to
        the last date in the data.

    Returns
    -------
    pandas.DataFrame
        Index = customer; ``recency_days`` (days from the last purchase to
        ``as_of``), ``frequency`` (number of purchases) and ``monetary``
        (total spend).

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2], "date": ["2024-01-01", "2024-03-01", "2024-02-01"],
    ...                      "dollar_value": [10.0, 30.0, 5.0]})
    >>> rfm_table(buys, as_of="2024-03-31")
                 recency_days  frequency  monetary
    customer_id
    1                      30          2      40.0
    2                      59          1       5.0
    """
    import pandas as pd

    dates = pd.to_datetime(purchases[date])
    as_of = dates.max() if as_of is None else pd.Timestamp(as_of)
    kept = purchases[dates <= as_of].assign(_date=dates[dates <= as_of])
    grouped = kept.groupby(customer)
    return pd.DataFrame({
        "recency_days": (as_of - grouped["_date"].max()).dt.days,
        "frequency": grouped.size(),
        "monetary": grouped[amount].sum(),
    })


def _score(values, bins):
    import numpy as np

    return np.ceil(values.rank(method="min", pct=True) * bins).clip(1, bins).astype(int)


def rfm_scores(rfm, bins=5):
    """Add R, F and M scores from 1 (worst) to ``bins`` (best) by rank, and an ``rfm_code`` such as "545".

    Recency is scored so that the most recent buyers get the highest R. Tied
    customers share a score, the one of the lowest-ranked among them, so a
    score may be skipped when many customers tie (e.g. all one-time buyers).

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency_days": [5, 50, 500], "frequency": [9, 3, 1],
    ...                     "monetary": [300.0, 80.0, 10.0]}, index=[1, 2, 3])
    >>> rfm_scores(rfm, bins=3)[["R", "F", "M", "rfm_code"]]
       R  F  M rfm_code
    1  3  3  3      333
    2  2  2  2      222
    3  1  1  1      111
    """
    scored = rfm.copy()
    scored["R"] = _score(-rfm["recency_days"], bins)
    scored["F"] = _score(rfm["frequency"], bins)
    scored["M"] = _score(rfm["monetary"], bins)
    scored["rfm_code"] = scored["R"].astype(str) + scored["F"].astype(str) + scored["M"].astype(str)
    return scored


def rfm_heatmap(scored):
    """Customers by R and F score, each cell coloured by the mean monetary value.

    Parameters
    ----------
    scored : pandas.DataFrame
        The result of :func:`rfm_scores`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({"recency_days": [5, 50, 500, 40], "frequency": [9, 3, 1, 2],
    ...                     "monetary": [300.0, 80.0, 10.0, 20.0]})
    >>> len(rfm_heatmap(rfm_scores(rfm, bins=2)).axes)
    2
    """
    from matplotlib.figure import Figure

    from .plotting import bilingual, chart_text

    bins = int(max(scored["R"].max(), scored["F"].max()))
    grid = scored.pivot_table(index="R", columns="F", values="monetary", aggfunc="mean")
    grid = grid.reindex(index=range(bins, 0, -1), columns=range(1, bins + 1))
    counts = scored.groupby(["R", "F"]).size()
    fig = Figure(figsize=(6.5, 4.6), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="Blues", aspect="auto")
    for i, r in enumerate(grid.index):
        for j, f in enumerate(grid.columns):
            n = int(counts.get((r, f), 0))
            if n:
                ax.text(j, i, f"n={n}\n${grid.loc[r, f]:,.0f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(bins), grid.columns)
    ax.set_yticks(range(bins), grid.index)
    ax.set_xlabel(bilingual("F score (frequency)", "消费频率", sep=" "))
    ax.set_ylabel(bilingual("R score (recency)", "最近一次消费", sep=" "))
    ax.set_title(chart_text("Customers by R and F score; colour = mean monetary value"), fontsize=10)
    fig.colorbar(image, ax=ax, label=chart_text("mean monetary value"))
    return fig


def period_activity(purchases, customer="customer_id", date="date", amount="dollar_value", months=6):
    """Active customers, period-to-period retention and spend, in calendar periods of ``months`` months.

    A customer is *active* in a period if they bought in it; the retention of
    a period is the share of the previous period's active customers who are
    active again. In a non-contractual business a customer who skips a period
    may come back, so this "retention" understates how long customers stay.

    Returns
    -------
    pandas.DataFrame
        Index ``period`` ("yyyy-mm", the first month); columns ``active``,
        ``retained`` (also active in the previous period), ``retention_rate``
        and ``spend_per_active``.

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 2, 1, 3], "dollar_value": [10.0, 20.0, 30.0, 40.0],
    ...                      "date": ["2024-01-05", "2024-02-01", "2024-08-01", "2024-09-09"]})
    >>> period_activity(buys)
             active  retained  retention_rate  spend_per_active
    period
    2024-01       2         0             NaN              15.0
    2024-07       2         1             0.5              35.0
    """
    import pandas as pd

    if 12 % months:
        raise ValueError("months must divide 12 (1, 2, 3, 4, 6 or 12)")
    dates = pd.to_datetime(purchases[date])
    month = _month_number(dates)
    period = month - month % months
    frame = pd.DataFrame({"period": period, "who": purchases[customer], "amount": purchases[amount]})
    who = frame.groupby("period")["who"].apply(set)
    periods = list(who.index)
    retained = [0] + [len(who[a] & who[b]) for a, b in zip(periods, periods[1:])]
    active = [len(who[p]) for p in periods]
    spend = frame.groupby("period")["amount"].sum().to_numpy()
    table = pd.DataFrame({"active": active, "retained": retained,
                          "retention_rate": [float("nan")] + [k / a for k, a in zip(retained[1:], active)],
                          "spend_per_active": spend / active},
                         index=pd.Index([_month_label(int(p)) for p in periods], name="period"))
    return table


# --- the BG/NBD model (optional section) -----------------------------------------------------------

#: BG/NBD estimates for the CDNOW sample published by Fader, Hardie & Lee (2005), with the log-likelihood.
PUBLISHED_BGNBD_CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}


def bgnbd_summary(purchases, customer="customer_id", date="date", calibration_end="1997-09-30",
                  holdout_end=None):
    """Each customer's (x, t_x, T) in the calibration period, in weeks, as the BG/NBD model needs.

    Purchases on the same day count as one transaction (Fader, Hardie & Lee
    2005). Time runs in days / 7 from each customer's first purchase.

    Returns
    -------
    pandas.DataFrame
        Index = customer; ``x`` (repeat transactions up to ``calibration_end``),
        ``t_x`` (weeks from the first purchase to the last one in the
        calibration period), ``T`` (weeks from the first purchase to
        ``calibration_end``), and, if ``holdout_end`` is given, ``x_holdout``
        (transactions after ``calibration_end`` up to ``holdout_end``).
        Customers whose first purchase comes after ``calibration_end`` are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2],
    ...                      "date": ["1997-01-01", "1997-01-15", "1997-01-15", "1997-02-05", "1997-01-08"]})
    >>> bgnbd_summary(buys, calibration_end="1997-01-29", holdout_end="1997-02-26")
                 x  t_x    T  x_holdout
    customer_id
    1            1  2.0  4.0          1
    2            0  0.0  3.0          0
    """
    import pandas as pd

    days = pd.DataFrame({"who": purchases[customer], "day": pd.to_datetime(purchases[date])}).drop_duplicates()
    end = pd.Timestamp(calibration_end)
    first = days.groupby("who")["day"].min()
    first = first[first <= end]
    calibration = days[(days["day"] <= end) & days["who"].isin(first.index)].groupby("who")["day"]
    week = pd.Timedelta(days=7)
    summary = pd.DataFrame({"x": calibration.size() - 1,
                            "t_x": (calibration.max() - first) / week,
                            "T": (end - first) / week})
    if holdout_end is not None:
        later = days[(days["day"] > end) & (days["day"] <= pd.Timestamp(holdout_end))]
        summary["x_holdout"] = later.groupby("who").size().reindex(summary.index, fill_value=0)
    summary.index.name = customer
    return summary


def bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T):
    """The BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6), summed over customers.

    For one customer with x repeat transactions, the last at t_x, observed for T,

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] * B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x)),

    with B the beta function and G the gamma function; logs are taken term by term
    for numerical safety.

    Examples
    --------
    >>> round(bgnbd_log_likelihood(1.0, 1.0, 1.0, 1.0, [0], [0.0], [1.0]), 4)   # log(1/2)
    -0.6931
    """
    import numpy as np
    from scipy.special import betaln, gammaln

    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    still_active = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(x > 0, betaln(a + 1, b + x - 1) - betaln(a, b) - (r + x) * np.log(alpha + t_x),
                           -np.inf)
    return float(np.sum(common + np.logaddexp(still_active, dropped)))


def fit_bgnbd(x, t_x, T, start=(1.0, 1.0, 1.0, 1.0)):
    """Fit the BG/NBD model by maximum likelihood; returns ``{"r", "alpha", "a", "b"}``.

    The parameters are optimised on the log scale (so they stay positive):
    scipy's L-BFGS-B finds the peak, and a tight Nelder-Mead search polishes it.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> summary = bgnbd_summary(load_dataset("cdnow_purchases"), calibration_end="1997-09-30")
    >>> params = fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    >>> {name: round(value, 3) for name, value in params.items()}
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    """
    import numpy as np
    from scipy.optimize import minimize

    def negative(log_params):
        with np.errstate(all="ignore"):
            value = -bgnbd_log_likelihood(*np.exp(log_params), x, t_x, T)
        return value if np.isfinite(value) else 1e300

    rough = minimize(negative, np.log(start), method="L-BFGS-B",
                     options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 2000})
    # The likelihood is flat near its peak; a tight Nelder-Mead polish makes the estimates
    # agree to about 1e-6 whatever the starting values.
    result = minimize(negative, rough.x, method="Nelder-Mead",
                      options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    return {"r": r, "alpha": alpha, "a": a, "b": b}


def bgnbd_expected_purchases(params, t):
    """E[X(t)]: expected repeat transactions of a new customer in the first ``t`` weeks (FHL 2005, eq. 7).

    Examples
    --------
    >>> params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> [round(float(v), 3) for v in bgnbd_expected_purchases(params, [1, 39, 78])]
    [0.053, 1.197, 1.861]
    """
    import numpy as np
    from scipy.special import hyp2f1

    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def bgnbd_conditional_expected(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected transactions in the next ``t`` weeks of a customer with history (x, t_x, T).

    Fader, Hardie & Lee (2005), eq. 10.

    Examples
    --------
    >>> params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> bool(bgnbd_conditional_expected(params, 39, 5, 30, 38) > bgnbd_conditional_expected(params, 39, 0, 0, 38))
    True
    """
    import numpy as np
    from scipy.special import hyp2f1

    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
    return head * body / (1 + tail)


def bgnbd_tracking(purchases, params, customer="customer_id", date="date", weeks=78):
    """Actual and predicted cumulative repeat transactions, week by week, for the whole cohort.

    Week k covers the first 7k days from the earliest purchase in the data.
    The prediction adds up E[X(t)] for each customer from their own first
    purchase (Fader, Hardie & Lee 2005, figure 1).

    Returns
    -------
    pandas.DataFrame
        Index ``week`` (1..weeks); columns ``actual`` and ``predicted``.

    Examples
    --------
    >>> import pandas as pd
    >>> buys = pd.DataFrame({"customer_id": [1, 1, 2], "date": ["1997-01-01", "1997-01-09", "1997-01-02"]})
    >>> bgnbd_tracking(buys, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, weeks=2)["actual"].tolist()
    [0, 1]
    """
    import numpy as np
    import pandas as pd

    days = pd.DataFrame({"who": purchases[customer], "day": pd.to_datetime(purchases[date])}).drop_duplicates()
    origin = days["day"].min()
    day = (days["day"] - origin).dt.days
    first = day.groupby(days["who"]).transform("min")
    repeat_days = np.sort(day[day > first].to_numpy())
    first_days = day.groupby(days["who"]).min().to_numpy()
    week = np.arange(1, weeks + 1)
    last_day = 7 * week - 1
    actual = np.searchsorted(repeat_days, last_day, side="right")
    exposure = np.clip((last_day[:, None] - first_days[None, :]) / 7, 0, None)
    predicted = bgnbd_expected_purchases(params, exposure).sum(axis=1)
    return pd.DataFrame({"actual": actual, "predicted": predicted}, index=pd.Index(week, name="week"))


def bgnbd_tracking_chart(tracking, calibration_weeks=39):
    """Cumulative repeat transactions, actual against BG/NBD prediction, with the calibration end marked.

    Examples
    --------
    >>> import pandas as pd
    >>> tracking = pd.DataFrame({"actual": [1, 3, 4], "predicted": [1.2, 2.5, 4.1]}, index=[1, 2, 3])
    >>> len(bgnbd_tracking_chart(tracking, calibration_weeks=2).axes[0].lines)
    3
    """
    from matplotlib.figure import Figure

    from .plotting import bilingual, chart_text

    fig = Figure(figsize=(7.5, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(tracking.index, tracking["actual"], color="black", label=chart_text("actual"))
    ax.plot(tracking.index, tracking["predicted"], color="#d62728", linestyle="--",
            label=chart_text("BG/NBD prediction"))
    ax.axvline(calibration_weeks, color="grey", linewidth=1)
    ax.annotate(chart_text("end of calibration"), (calibration_weeks, 0), xytext=(4, 4), textcoords="offset points",
                fontsize=8, color="grey")
    ax.set_xlabel(bilingual("week", "周", sep=" "))
    ax.set_ylabel(bilingual("cumulative repeat transactions", "累计重复购买次数", sep=" "))
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def bgnbd_holdout_table(summary, params, holdout_weeks=39, top=7):
    """Average actual and predicted holdout transactions, grouped by calibration repeat purchases x.

    Customers with x of ``top`` or more are pooled in the last row, labelled ``"7+"``
    (Fader, Hardie & Lee 2005, figure 3).

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"x": [0, 0, 1, 8], "t_x": [0, 0, 20, 35], "T": [38, 38, 38, 38],
    ...                         "x_holdout": [0, 1, 1, 6]})
    >>> table = bgnbd_holdout_table(summary, {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    >>> table.index.tolist(), table["customers"].tolist()
    (['0', '1', '7+'], [2, 1, 1])
    """
    import numpy as np
    import pandas as pd

    predicted = bgnbd_conditional_expected(params, holdout_weeks, summary["x"], summary["t_x"], summary["T"])
    group = np.where(summary["x"] >= top, f"{top}+", summary["x"].clip(upper=top).astype(int).astype(str))
    frame = pd.DataFrame({"x": group, "actual": summary["x_holdout"].to_numpy(), "predicted": predicted})
    table = frame.groupby("x").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                   predicted=("predicted", "mean"))
    order = sorted(table.index, key=lambda s: int(s.rstrip("+")))
    table = table.loc[order]
    table.index.name = "x_calibration"
    return table


def bgnbd_holdout_chart(holdout_table):
    """Actual against predicted average holdout transactions by calibration frequency.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"customers": [5, 3], "actual": [0.2, 1.1], "predicted": [0.25, 1.0]},
    ...                      index=["0", "1"])
    >>> len(bgnbd_holdout_chart(table).axes[0].lines)
    2
    """
    from matplotlib.figure import Figure

    from .plotting import bilingual, chart_text

    fig = Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.add_subplot()
    xs = range(len(holdout_table))
    ax.plot(xs, holdout_table["actual"], marker="o", color="black", label=chart_text("actual"))
    ax.plot(xs, holdout_table["predicted"], marker="s", color="#d62728", linestyle="--",
            label=chart_text("BG/NBD conditional expectation"))
    ax.set_xticks(list(xs), holdout_table.index)
    ax.set_xlabel(bilingual("repeat transactions in the calibration period", "校准期重复购买次数", sep=" "))
    ax.set_ylabel(bilingual("average transactions in the holdout period", "验证期平均购买次数", sep=" "))
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
