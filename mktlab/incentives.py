"""A property insurer's shift from transactions to relationships (产险公司的关系营销转型): case 09.

The four changes a property insurer makes when it moves from transaction to
relationship marketing, and two bonus schemes for its agents, computed over the
``insurer_agents`` table (one row per agent):

* the **volume-based** scheme pays a flat rate on all premium written;
* the **retention-weighted** scheme scales the same rate by how well the agent
  keeps clients at renewal.

Every function takes the table and returns a new value; none changes it.
"""
from __future__ import annotations

__all__ = ["FOUR_CHANGES", "relationship_shift", "written_premium", "volume_bonus",
           "retention_multiplier", "budget_neutral_target", "retention_weighted_bonus",
           "compare_schemes", "marginal_bonus", "scheme_chart"]

#: The four changes that turn a transactional property insurer into a relational one, in the order
#: the source text gives them.  ``transactional`` is the starting point, ``relational`` the goal.
FOUR_CHANGES = (
    {"change": "organisation structure", "change_zh": "企业组织结构的改变",
     "transactional": "sales platforms built around product lines (motor, property, liability...)",
     "relational": "sales platforms built around customer groups: individuals, public institutions, "
                   "companies, intermediaries"},
    {"change": "role of the salesperson", "change_zh": "销售人员角色的转变",
     "transactional": "salespeople (业务员, 代理人) who range everywhere for new business (跑马圈地)",
     "relational": "account managers (客户经理) who look after a defined set of clients"},
    {"change": "sales appraisal", "change_zh": "销售考核方式的改变",
     "transactional": "business volume is almost the only measure of a salesperson",
     "relational": "the retention rate (or churn rate) carries real weight; replacing lost clients "
                   "with new ones is no longer rewarded"},
    {"change": "service content", "change_zh": "服务内容的改变",
     "transactional": "clients meet the insurer only when they sign and when they renew",
     "relational": "differentiated service all year round (e.g. claims follow-up), which compensates "
                   "for not being the cheapest"},
)


def relationship_shift():
    """The four changes as a table, one row per change.

    Returns
    -------
    pandas.DataFrame
        Columns ``change``, ``change_zh``, ``transactional`` and ``relational``.

    Examples
    --------
    >>> relationship_shift()["change_zh"].tolist()
    ['企业组织结构的改变', '销售人员角色的转变', '销售考核方式的改变', '服务内容的改变']
    """
    import pandas as pd

    return pd.DataFrame(list(FOUR_CHANGES))


def written_premium(agents):
    """Premium written by each agent in the year: new business plus renewals (¥).

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({"new_premium": [300_000], "renewal_premium": [600_000]})
    >>> written_premium(agents).tolist()
    [900000]
    """
    return (agents["new_premium"] + agents["renewal_premium"]).rename("written_premium")


def volume_bonus(agents, rate=0.05):
    """The volume-based bonus: ``rate`` × premium written, whatever its source (¥).

    A renewed policy and a new policy of the same premium earn the same bonus,
    so an agent who loses clients and replaces them with new ones is paid as
    much as one who keeps them.

    Parameters
    ----------
    agents : pandas.DataFrame
        Columns ``new_premium`` and ``renewal_premium`` (¥).
    rate : float
        Bonus per yuan of premium written.

    Returns
    -------
    pandas.Series
        Named ``volume_bonus``, with the index of ``agents``.

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({"new_premium": [300_000, 100_000], "renewal_premium": [600_000, 800_000]})
    >>> volume_bonus(agents).tolist()
    [45000.0, 45000.0]
    """
    return (rate * written_premium(agents)).astype(float).rename("volume_bonus")


def retention_multiplier(retention_rate, weight=0.5, target=0.75):
    """The factor that scales the volume bonus in the retention-weighted scheme.

    ``multiplier = (1 − weight) + weight × retention_rate / target``: the
    volume part keeps ``1 − weight`` of the bonus, and the retention part pays
    ``weight`` of it in proportion to how close the agent comes to ``target``.
    An agent exactly on target has a multiplier of 1.

    Parameters
    ----------
    retention_rate : float or pandas.Series
        Renewals ÷ policies due for renewal (0 to 1).
    weight : float
        Share of the bonus that depends on retention (0 = the volume scheme).
    target : float
        The retention rate that earns the full volume rate.

    Examples
    --------
    >>> retention_multiplier(0.75, weight=0.5, target=0.75)
    1.0
    >>> round(retention_multiplier(0.60, weight=0.5, target=0.75), 6)
    0.9
    >>> retention_multiplier(0.60, weight=0.0, target=0.75)
    1.0
    """
    if not 0 <= weight <= 1:
        raise ValueError("weight must be between 0 and 1")
    if target <= 0:
        raise ValueError("target must be positive")
    return (1 - weight) + weight * retention_rate / target


def budget_neutral_target(agents):
    """The retention target at which both schemes cost the insurer the same in total.

    Setting the total retention-weighted bonus equal to the total volume bonus,
    ``Σ P·((1 − w) + w·r/t) = Σ P``, gives ``t = Σ P·r / Σ P``: the
    premium-weighted average retention rate.  It does not depend on the rate or
    the weight, so comparing the schemes at this target shows only how the
    money moves between agents, not how much more is paid.

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({"new_premium": [100, 300], "renewal_premium": [0, 0],
    ...                        "retention_rate": [0.5, 0.9]})
    >>> round(budget_neutral_target(agents), 3)
    0.8
    """
    premium = written_premium(agents)
    return float((premium * agents["retention_rate"]).sum() / premium.sum())


def retention_weighted_bonus(agents, rate=0.05, weight=0.5, target=None):
    """The retention-weighted bonus: the volume bonus × :func:`retention_multiplier` (¥).

    Parameters
    ----------
    agents : pandas.DataFrame
        Columns ``new_premium``, ``renewal_premium`` (¥) and ``retention_rate``.
    rate : float
        Bonus per yuan of premium written, as in the volume scheme.
    weight : float
        Share of the bonus that depends on retention.
    target : float, optional
        The retention rate that earns the full rate; by default the
        :func:`budget_neutral_target` of ``agents``, so that both schemes pay
        the same total.

    Returns
    -------
    pandas.Series
        Named ``retention_bonus``, with the index of ``agents``.

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({"new_premium": [300_000, 100_000], "renewal_premium": [600_000, 800_000],
    ...                        "retention_rate": [0.6, 0.9]})
    >>> retention_weighted_bonus(agents, target=0.75).round(2).tolist()
    [40500.0, 49500.0]
    >>> bool(round(retention_weighted_bonus(agents).sum(), 2) == round(volume_bonus(agents).sum(), 2))
    True
    """
    if target is None:
        target = budget_neutral_target(agents)
    factor = retention_multiplier(agents["retention_rate"], weight, target)
    return (volume_bonus(agents, rate) * factor).rename("retention_bonus")


def compare_schemes(agents, rate=0.05, weight=0.5, target=None):
    """Both bonuses for every agent, and the change from the volume to the retention-weighted scheme.

    Returns
    -------
    pandas.DataFrame
        One row per agent: ``agent_id``, ``work_style``, ``written_premium``,
        ``retention_rate``, ``volume_bonus``, ``retention_bonus`` and
        ``change`` (retention bonus − volume bonus, ¥).

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> table = compare_schemes(load_dataset("insurer_agents"))
    >>> abs(round(float(table["change"].sum()), 6))     # budget-neutral by default
    0.0
    >>> table.groupby("work_style")["change"].mean().gt(0).to_dict()
    {'balanced': True, 'hunter': False, 'keeper': True}
    """
    if target is None:
        target = budget_neutral_target(agents)
    volume = volume_bonus(agents, rate)
    retention = retention_weighted_bonus(agents, rate, weight, target)
    return agents[["agent_id", "work_style"]].assign(
        written_premium=written_premium(agents), retention_rate=agents["retention_rate"],
        volume_bonus=volume, retention_bonus=retention, change=retention - volume)


def marginal_bonus(agents, agent_id, premium=3000, rate=0.05, weight=0.5, target=None):
    """What one more policy adds to an agent's bonus under each scheme (¥).

    Two actions are compared for the agent ``agent_id``: winning **one more new
    policy**, or keeping **one more renewal** (one client fewer lost), each worth
    ``premium``.  The target stays where it was set (by default the
    budget-neutral target of the whole table), as a target announced before the
    year would.

    Returns
    -------
    pandas.DataFrame
        Index ``one more new policy``, ``one more renewal``; columns
        ``volume scheme`` and ``retention-weighted scheme``.

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({"agent_id": ["X"], "new_premium": [300_000], "renewal_premium": [450_000],
    ...                        "policies_due": [200], "retention_rate": [0.75]})
    >>> marginal_bonus(agents, "X", premium=3000, target=0.75)
                         volume scheme  retention-weighted scheme
    one more new policy          150.0                      150.0
    one more renewal             150.0                      275.5

    By hand: the new policy earns 0.05 × 3,000 × 1.0 = 150 in both schemes.  The
    renewal also lifts retention by 1/200, which raises the multiplier on all
    ¥750,000 the agent writes: 0.05 × (3,000 × 1.00333 + 750,000 × 0.5 × 0.005 / 0.75)
    = 150.5 + 125 = 275.5.
    """
    import pandas as pd

    if target is None:
        target = budget_neutral_target(agents)
    rows = agents[agents["agent_id"] == agent_id]
    if rows.empty:
        raise KeyError(f"no agent called {agent_id!r}")
    me = rows.iloc[[0]]
    more_new = me.assign(new_premium=me["new_premium"] + premium)
    more_renewed = me.assign(renewal_premium=me["renewal_premium"] + premium,
                             retention_rate=me["retention_rate"] + 1 / me["policies_due"])

    def extra(after, scheme):
        return round(float(scheme(after).iloc[0] - scheme(me).iloc[0]), 2)

    def volume(t):
        return volume_bonus(t, rate)

    def retention(t):
        return retention_weighted_bonus(t, rate, weight, target)

    return pd.DataFrame(
        {"volume scheme": [extra(more_new, volume), extra(more_renewed, volume)],
         "retention-weighted scheme": [extra(more_new, retention), extra(more_renewed, retention)]},
        index=["one more new policy", "one more renewal"])


_SCHEME_COLOURS = {"volume_bonus": "#9c6b30", "retention_bonus": "#2f6f9f"}
_WORK_STYLE_ORDER = ("hunter", "balanced", "keeper")
_WORK_STYLE_COLOURS = {"hunter": "#c0504d", "balanced": "#7f7f7f", "keeper": "#4f81bd"}


def scheme_chart(agents, rate=0.05, weight=0.5, target=None):
    """Compare the two bonus schemes: who gains, who loses, and the average by work style.

    Left: each agent's change in bonus when the insurer moves from the
    volume-based to the retention-weighted scheme, against the agent's
    retention rate; agents above the target gain, agents below it lose.
    Right: the average bonus of each work style under both schemes.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> fig = scheme_chart(load_dataset("insurer_agents"))
    >>> len(fig.axes), len(fig.axes[1].patches)
    (2, 6)
    """
    # pyplot (closed at once) rather than a bare Figure: importing pyplot is what makes Jupyter's
    # inline backend show a returned Figure as an image.
    import matplotlib.pyplot as plt

    from .plotting import bilingual, chart_text

    if target is None:
        target = budget_neutral_target(agents)
    table = compare_schemes(agents, rate, weight, target)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained",
                                      gridspec_kw={"width_ratios": [3, 2]})
    plt.close(fig)
    styles = [s for s in _WORK_STYLE_ORDER if s in set(table["work_style"])]
    styles += sorted(set(table["work_style"]) - set(styles))
    for style in styles:
        mine = table[table["work_style"] == style]
        left.scatter(mine["retention_rate"], mine["change"] / 1000, s=24, label=chart_text(style),
                     color=_WORK_STYLE_COLOURS.get(style, "black"), zorder=3)
    left.axhline(0, color="black", linewidth=0.8)
    left.axvline(target, color="grey", linestyle="--", linewidth=0.8)
    left.annotate(chart_text("target {target}").format(target=f"{target:.3f}"), (target, left.get_ylim()[1]),
                  xytext=(3, -10), textcoords="offset points", fontsize=8, color="grey")
    left.set_xlabel(bilingual("retention rate (renewals ÷ policies due)", "保留率", sep=" "))
    left.set_ylabel(chart_text("retention-weighted − volume bonus (¥ thousand)"))
    left.set_title(chart_text("Who gains from the retention-weighted scheme"), fontsize=10)
    left.legend(title=chart_text("work style"), fontsize=8, title_fontsize=8, frameon=False)
    labels = {"volume_bonus": bilingual("volume-based", "按业务量", sep=" "),
              "retention_bonus": bilingual("retention-weighted", "按保留率加权", sep=" ")}
    means = table.groupby("work_style")[["volume_bonus", "retention_bonus"]].mean().loc[styles] / 1000
    positions = range(len(means))
    for offset, column in ((-0.2, "volume_bonus"), (0.2, "retention_bonus")):
        bars = right.bar([p + offset for p in positions], means[column], width=0.4,
                         color=_SCHEME_COLOURS[column], label=labels[column])
        right.bar_label(bars, fmt="%.1f", fontsize=7)
    right.set_xticks(list(positions), [chart_text(style) for style in means.index])
    right.set_ylim(0, means.to_numpy().max() * 1.25)
    right.set_ylabel(chart_text("average bonus (¥ thousand)"))
    right.set_title(chart_text("Average bonus by work style"), fontsize=10)
    right.legend(fontsize=8, frameon=False, loc="upper center", ncols=2)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(chart_text("Bonus rate {rate} of premium; retention weight {weight}; "
                            "same total cost when the target is {target}").format(
        rate=f"{rate:.0%}", weight=f"{weight:.0%}", target=f"{budget_neutral_target(agents):.3f}"), fontsize=10)
    return fig
