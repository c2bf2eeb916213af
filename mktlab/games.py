"""Competitors and the pirate game (竞争者与博弈): lesson 10.

Two parts:

* **Competitors as data.** Kotler's four levels of competition (竞争的四个层次),
  Porter's (1980, 1985) generic strategies (一般竞争战略), the benefits Porter
  (1985) sees in "good" competitors (良性竞争者) and Kotler's types of competitor
  reaction.  Small functions classify a rival or a strategy.
* **The pirate puzzle** (海盗分宝石).  :func:`pirate_equilibria` solves it by
  backward induction (逆向归纳) for any number of pirates and gems under
  explicit rules, and returns *every* equilibrium split.  The puzzle teaches
  backward induction and minimal winning coalitions; it is not a model of
  relationship marketing.

The pirate rules
----------------
``proposer_votes``
    Does the proposer vote on his own plan (and always for it)?  Stewart (1999)
    says yes; the course's source text says only "the others" (其余的人) vote.
``ties_pass``
    Does a plan pass with *half or more* of the votes (``True``: a tie passes,
    "半数和超过半数") or only with *more than half* (``False``: strict majority)?
``indifferent``
    What a voter does when the plan gives him exactly what he would get if it
    failed: ``"against"`` (he votes no; Stewart's bloodthirsty pirates) or
    ``"for"`` (he votes yes).

Every pirate is rational and knows the others are: staying alive comes first,
then more gems, then the indifference rule.  Gems are whole, and side deals are
impossible.  A pirate left alone keeps all the gems (there is nobody to vote).
"""
from __future__ import annotations

from itertools import combinations
from math import ceil

__all__ = [
    "COMPETITION_LEVELS", "GENERIC_STRATEGIES", "GOOD_COMPETITOR_BENEFITS", "COMPETITOR_REACTIONS",
    "COMPETITOR_ANALYSIS_STEPS", "PIRATE_VARIANTS", "SOURCE_RULES",
    "competition_levels", "competition_level", "generic_strategies", "generic_strategy",
    "votes_needed", "pirate_equilibria", "pirate_backward_induction", "pirate_variants",
    "format_split",
]

# --------------------------------------------------------------------------------------------
# Competitors
# --------------------------------------------------------------------------------------------

#: Kotler's four levels of competition, narrowest first, for a mid-priced coffee-shop chain.
COMPETITION_LEVELS = (
    {"level": "brand competition", "level_zh": "品牌竞争者",
     "who": "firms offering similar products and services to the same customers at similar prices",
     "example": "another mid-priced coffee-shop chain on the same street"},
    {"level": "industry competition", "level_zh": "行业竞争者",
     "who": "all firms making the same product or class of products",
     "example": "premium cafés, convenience-store coffee"},
    {"level": "form competition", "level_zh": "形式竞争者",
     "who": "firms whose different products satisfy the same need",
     "example": "tea houses and bubble-tea shops, energy drinks"},
    {"level": "generic competition", "level_zh": "一般竞争者",
     "who": "all firms competing for the same customers' money",
     "example": "a cinema ticket, a book, a gym visit"},
)

#: Porter's generic strategies: competitive advantage × competitive scope.
GENERIC_STRATEGIES = (
    {"strategy": "cost leadership", "strategy_zh": "总成本领先战略", "advantage": "low cost",
     "scope": "broad", "idea": "be the lowest-cost producer in the whole industry"},
    {"strategy": "differentiation", "strategy_zh": "差异化战略", "advantage": "uniqueness",
     "scope": "broad", "idea": "offer something the whole industry's buyers value and will pay more for"},
    {"strategy": "cost focus", "strategy_zh": "成本集中战略", "advantage": "low cost",
     "scope": "narrow", "idea": "serve one segment at lower cost than broad competitors can"},
    {"strategy": "differentiation focus", "strategy_zh": "差异集中战略", "advantage": "uniqueness",
     "scope": "narrow", "idea": "serve one segment's special needs better than broad competitors can"},
)

#: The benefits of "good" competitors, after Porter (1985, ch. 6).
GOOD_COMPETITOR_BENEFITS = (
    {"benefit": "increase competitive advantage", "benefit_zh": "增加竞争优势",
     "how": "they absorb demand swings, serve segments the firm does not want and hold a price umbrella"},
    {"benefit": "improve industry structure", "benefit_zh": "改善当前产业结构",
     "how": "they raise demand, add sources of supply and keep the industry's rules stable"},
    {"benefit": "aid market development", "benefit_zh": "协助市场开发",
     "how": "they share the cost of teaching buyers about a new product and legitimise it"},
    {"benefit": "deter entry", "benefit_zh": "产生行业壁垒",
     "how": "they fill the niches a newcomer could use and raise the odds of retaliation"},
)

#: Kotler's four patterns of competitor reaction.
COMPETITOR_REACTIONS = (
    {"reaction": "laid-back", "reaction_zh": "从容型", "behaviour": "reacts slowly or not at all"},
    {"reaction": "selective", "reaction_zh": "选择型", "behaviour": "reacts to some attacks (e.g. price cuts) but not others"},
    {"reaction": "tiger", "reaction_zh": "凶猛型", "behaviour": "reacts swiftly and strongly to any attack"},
    {"reaction": "stochastic", "reaction_zh": "随机型", "behaviour": "reacts unpredictably"},
)

#: The steps of competitor analysis in the source text (after Kotler; Porter 1980, ch. 3).
COMPETITOR_ANALYSIS_STEPS = (
    "identify the competitors' strategies",
    "determine the competitors' objectives",
    "assess the competitors' strengths and weaknesses",
    "estimate the competitors' reaction patterns",
)


def competition_levels():
    """Kotler's four levels of competition as a DataFrame, narrowest first.

    Examples
    --------
    >>> competition_levels()["level_zh"].tolist()
    ['品牌竞争者', '行业竞争者', '形式竞争者', '一般竞争者']
    """
    import pandas as pd

    return pd.DataFrame(list(COMPETITION_LEVELS))


def competition_level(same_product_class, same_customers_and_price, same_need=True):
    """Which of Kotler's four levels a rival competes at.

    Parameters
    ----------
    same_product_class : bool
        Does the rival sell the same product or class of products?
    same_customers_and_price : bool
        Does it sell to the same customers at similar prices?
    same_need : bool, default True
        Does it satisfy the same need?  (A rival in the same product class
        always does.)

    Returns
    -------
    str
        ``"brand competition"``, ``"industry competition"``,
        ``"form competition"`` or ``"generic competition"``.

    Examples
    --------
    For a mid-priced coffee-shop chain:

    >>> competition_level(True, True)        # the chain across the street
    'brand competition'
    >>> competition_level(True, False)       # an upmarket café at twice the price
    'industry competition'
    >>> competition_level(False, False)      # a bubble-tea shop
    'form competition'
    >>> competition_level(False, False, same_need=False)   # a cinema
    'generic competition'
    """
    if same_product_class:
        return "brand competition" if same_customers_and_price else "industry competition"
    return "form competition" if same_need else "generic competition"


def generic_strategies():
    """Porter's generic strategies as a DataFrame (advantage × scope).

    Porter (1980) named three (cost leadership, differentiation, focus); in
    1985 he split focus into cost focus and differentiation focus.

    Examples
    --------
    >>> generic_strategies().pivot(index="scope", columns="advantage", values="strategy")
    advantage        low cost             uniqueness
    scope
    broad     cost leadership        differentiation
    narrow         cost focus  differentiation focus
    """
    import pandas as pd

    return pd.DataFrame(list(GENERIC_STRATEGIES))


def generic_strategy(advantage, scope):
    """Porter's generic strategy for a source of advantage and a competitive scope.

    Parameters
    ----------
    advantage : {"low cost", "uniqueness"}
        Where the firm's competitive advantage comes from.
    scope : {"broad", "narrow"}
        Whether it targets the whole industry or one segment.

    Returns
    -------
    str

    Examples
    --------
    >>> generic_strategy("low cost", "broad")
    'cost leadership'
    >>> generic_strategy("uniqueness", "narrow")
    'differentiation focus'
    >>> generic_strategy("both", "broad")
    Traceback (most recent call last):
    ...
    ValueError: advantage must be 'low cost' or 'uniqueness', not 'both' (trying to be both is what Porter calls stuck in the middle)
    """
    if advantage not in ("low cost", "uniqueness"):
        raise ValueError(f"advantage must be 'low cost' or 'uniqueness', not {advantage!r} "
                         "(trying to be both is what Porter calls stuck in the middle)")
    if scope not in ("broad", "narrow"):
        raise ValueError(f"scope must be 'broad' or 'narrow', not {scope!r}")
    for row in GENERIC_STRATEGIES:
        if row["advantage"] == advantage and row["scope"] == scope:
            return row["strategy"]


# --------------------------------------------------------------------------------------------
# The pirate puzzle
# --------------------------------------------------------------------------------------------

#: Named rule sets (FACTS §20).  A = Stewart (1999); B = the classic Chinese 海盗分金;
#: C = the literal reading of the source text; D = others vote, strict majority of them.
#: A primed variant has indifferent pirates vote *for*.
PIRATE_VARIANTS = {
    "A (Stewart 1999)": dict(proposer_votes=True, ties_pass=True, indifferent="against"),
    "A'": dict(proposer_votes=True, ties_pass=True, indifferent="for"),
    "B (classic 海盗分金)": dict(proposer_votes=True, ties_pass=False, indifferent="against"),
    "B'": dict(proposer_votes=True, ties_pass=False, indifferent="for"),
    "C (source text)": dict(proposer_votes=False, ties_pass=True, indifferent="against"),
    "C'": dict(proposer_votes=False, ties_pass=True, indifferent="for"),
    "D": dict(proposer_votes=False, ties_pass=False, indifferent="against"),
    "D'": dict(proposer_votes=False, ties_pass=False, indifferent="for"),
}

#: What the source text (S3) states: "其余的人进行表决" and "半数和超过半数". It says nothing
#: about indifferent pirates; "against" is the usual reading.
SOURCE_RULES = dict(proposer_votes=False, ties_pass=True)


def votes_needed(living, proposer_votes=True, ties_pass=True):
    """The number of yes votes a plan needs when ``living`` pirates are left.

    The proposer's own vote counts when ``proposer_votes`` is true.

    Examples
    --------
    Five pirates, everyone votes: half or more is 3 of 5, more than half is 3 of 5.

    >>> votes_needed(5), votes_needed(5, ties_pass=False)
    (3, 3)

    Four pirates: a tie (2 of 4) passes only when ``ties_pass`` is true.

    >>> votes_needed(4), votes_needed(4, ties_pass=False)
    (2, 3)

    Only the other four vote (the source text): half or more of them is 2.

    >>> votes_needed(5, proposer_votes=False)
    2
    """
    if living < 1:
        raise ValueError("there must be at least one pirate")
    voters = living if proposer_votes else living - 1
    return ceil(voters / 2) if ties_pass else voters // 2 + 1


def _check_rules(pirates, gems, indifferent):
    if int(pirates) != pirates or pirates < 1:
        raise ValueError(f"pirates must be a whole number of at least 1, not {pirates!r}")
    if int(gems) != gems or gems < 0:
        raise ValueError(f"gems must be a whole number of at least 0, not {gems!r}")
    if indifferent not in ("against", "for"):
        raise ValueError(f"indifferent must be 'against' or 'for', not {indifferent!r}")


def _best_plans(living, continuation, gems, proposer_votes, ties_pass, indifferent):
    """All optimal plans of the proposer when ``continuation`` is what the others get if he is thrown.

    ``continuation`` holds the payoffs of the other ``living - 1`` pirates, with
    ``None`` for a pirate who would be thrown overboard.  Returns a set of
    tuples of length ``living`` (proposer first); the proposer is ``None`` if
    no plan can pass.
    """
    # The price of each voter's yes: a pirate who would die anyway says yes to any plan that
    # passes, even for nothing; otherwise he needs what he would get, plus one if an
    # indifferent pirate votes against.
    extra = 1 if indifferent == "against" else 0
    prices = [0 if c is None else c + extra for c in continuation]
    k = votes_needed(living, proposer_votes, ties_pass) - (1 if proposer_votes else 0)
    if living == 1:
        k = 0  # alone: nobody to vote
    ranked = sorted(prices)
    if k > len(prices) or sum(ranked[:k]) > gems:
        return {(None, *continuation)}
    if k == 0:
        return {(gems, *[0] * len(prices))}
    cutoff = ranked[k - 1]
    must = [i for i, p in enumerate(prices) if p < cutoff]
    tied = [i for i, p in enumerate(prices) if p == cutoff]
    plans = set()
    for extra_members in combinations(tied, k - len(must)):
        split = [0] * len(prices)
        for i in (*must, *extra_members):
            split[i] = prices[i]
        plans.add((gems - sum(split), *split))
    return plans


def _sort_key(split):
    return tuple(-1 if g is None else g for g in split)


def _solve(pirates, gems, proposer_votes, ties_pass, indifferent, limit):
    """Equilibrium outcomes for every number of pirates left: ``{m: set of splits}``."""
    outcomes = {1: {(gems,)}}
    for living in range(2, pirates + 1):
        found = set()
        for continuation in outcomes[living - 1]:
            found |= _best_plans(living, continuation, gems, proposer_votes, ties_pass, indifferent)
            if len(found) > limit:
                raise ValueError(f"more than {limit} equilibrium splits with {living} pirates; "
                                 "raise `limit` if you really want them all")
        outcomes[living] = found
    return outcomes


def pirate_equilibria(pirates=5, gems=100, proposer_votes=True, ties_pass=True,
                      indifferent="against", limit=10_000):
    """Every subgame-perfect equilibrium split of the pirate puzzle, by backward induction.

    Pirate 1 proposes first; if he is thrown overboard, pirate 2 proposes to the
    rest, and so on.

    Parameters
    ----------
    pirates : int, default 5
    gems : int, default 100
    proposer_votes : bool, default True
        Whether the proposer votes (for his own plan).
    ties_pass : bool, default True
        ``True``: half or more of the votes passes a plan; ``False``: more than half.
    indifferent : {"against", "for"}, default "against"
        How a pirate votes when the plan gives him exactly what he would get otherwise.
    limit : int, default 10_000
        Stop with an error if more splits than this turn up (they multiply with many pirates).

    Returns
    -------
    list of tuple
        One tuple per equilibrium, pirate 1 first, largest first.  An entry is
        ``None`` for a pirate who is thrown overboard in that equilibrium.

    Examples
    --------
    Stewart's (1999) rules: everyone votes and a tie passes.

    >>> pirate_equilibria(5, 100)
    [(98, 0, 1, 0, 1)]

    The source text's rules: only the others vote, half or more of them passes.

    >>> pirate_equilibria(5, 100, proposer_votes=False, ties_pass=True)
    [(97, 0, 1, 2, 0), (97, 0, 1, 0, 2)]

    If indifferent pirates vote for a plan, the proposer keeps everything.

    >>> pirate_equilibria(5, 100, indifferent="for")
    [(100, 0, 0, 0, 0)]

    Two pirates under the source's rules: the second rejects, the first is thrown.

    >>> pirate_equilibria(2, 100, proposer_votes=False)
    [(None, 100)]
    """
    _check_rules(pirates, gems, indifferent)
    outcomes = _solve(int(pirates), int(gems), bool(proposer_votes), bool(ties_pass), indifferent, limit)
    return sorted(outcomes[int(pirates)], key=_sort_key, reverse=True)


def format_split(split):
    """A split as text, e.g. ``'98-0-1-0-1'``; ``'✗'`` marks a pirate thrown overboard.

    Examples
    --------
    >>> format_split((97, 0, 1, 2, 0))
    '97-0-1-2-0'
    >>> format_split((None, 100))
    '✗-100'
    """
    return "-".join("✗" if g is None else str(g) for g in split)


def pirate_backward_induction(pirates=5, gems=100, proposer_votes=True, ties_pass=True,
                              indifferent="against"):
    """The backward-induction table: the equilibrium plan(s) with 1, 2, …, ``pirates`` pirates left.

    Returns
    -------
    pandas.DataFrame
        One row per number of pirates left and equilibrium plan, with columns
        ``pirates_left``, ``proposer`` (``"P3"`` …), ``votes_needed``,
        ``proposer_survives`` and one column per pirate ``P1`` … ``Pn`` holding
        his gems (nullable integers: ``<NA>`` when he is no longer on board or
        is thrown overboard).

    Examples
    --------
    The source text's rules (only the others vote; half or more of them passes):

    >>> table = pirate_backward_induction(5, 100, proposer_votes=False)
    >>> table.drop(columns="votes_needed")
       pirates_left proposer  proposer_survives    P1    P2    P3    P4   P5
    0             1       P5               True  <NA>  <NA>  <NA>  <NA>  100
    1             2       P4              False  <NA>  <NA>  <NA>  <NA>  100
    2             3       P3               True  <NA>  <NA>   100     0    0
    3             4       P2               True  <NA>    98     0     1    1
    4             5       P1               True    97     0     1     2    0
    5             5       P1               True    97     0     1     0    2
    """
    import pandas as pd

    _check_rules(pirates, gems, indifferent)
    pirates, gems = int(pirates), int(gems)
    outcomes = _solve(pirates, gems, bool(proposer_votes), bool(ties_pass), indifferent, 10_000)
    rows = []
    for living in range(1, pirates + 1):
        first = pirates - living  # index of the proposer
        for split in sorted(outcomes[living], key=_sort_key, reverse=True):
            gems_of = [None] * first + list(split)
            row = {"pirates_left": living, "proposer": f"P{first + 1}",
                   "votes_needed": 0 if living == 1 else votes_needed(living, proposer_votes, ties_pass),
                   "proposer_survives": split[0] is not None}
            row.update({f"P{i + 1}": g for i, g in enumerate(gems_of)})
            rows.append(row)
    table = pd.DataFrame(rows)
    for i in range(pirates):
        table[f"P{i + 1}"] = table[f"P{i + 1}"].astype("Int64")
    return table


def pirate_variants(pirates=5, gems=100):
    """The equilibrium splits under each named rule set of :data:`PIRATE_VARIANTS`.

    Examples
    --------
    >>> table = pirate_variants()
    >>> table.loc[table["variant"].str.startswith("A ("), "equilibria"].item()
    '98-0-1-0-1'
    >>> table.loc[table["variant"] == "D", "equilibria"].item()
    '97-0-1-1-1'
    """
    import pandas as pd

    rows = []
    for name, rules in PIRATE_VARIANTS.items():
        splits = pirate_equilibria(pirates, gems, **rules)
        rows.append({"variant": name,
                     "who_votes": "everyone" if rules["proposer_votes"] else "the others",
                     "passes_with": "half or more" if rules["ties_pass"] else "more than half",
                     "indifferent_votes": rules["indifferent"],
                     "proposer_keeps": splits[0][0],
                     "equilibria": " or ".join(format_split(s) for s in splits)})
    return pd.DataFrame(rows)
