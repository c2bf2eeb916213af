"""Service quality (服务质量) and SERVQUAL: lesson 06.

SERVQUAL (Parasuraman, Zeithaml & Berry 1988; refined 1991) asks each
customer 22 questions twice: what they *expect* (E, 期望) and what they
*perceive* of this firm (P, 感知), each on a scale from 1 (strongly disagree)
to 7 (strongly agree).  The 1988 expectation items asked what firms in the
industry *should* offer; the 1991 refinement asks what the customer expects
of an *excellent* firm in the industry.  The quality score of
an item is the gap **P − E**: negative when the service falls short of what
was expected.  The 22 items fall into five dimensions (RATER):

=============  ======  =====
dimension      items   中文
=============  ======  =====
tangibles      1–4     有形性
reliability    5–9     可靠性
responsiveness 10–13   响应性
assurance      14–17   保证性
empathy        18–22   移情性
=============  ======  =====

A survey is a DataFrame with one row per respondent and the columns ``E1`` …
``E22`` and ``P1`` … ``P22`` (any subset of items, as long as E and P cover the
same items).  Other columns (segment, age, …) are ignored.  Every function
checks its input and says clearly what is wrong; none changes the survey.
"""
from __future__ import annotations

import operator
import re

from .i18n import N_

__all__ = ["SERVQUAL_DIMENSIONS", "DIMENSIONS_ZH", "LESSON_CHART_TITLES", "SCALE", "servqual_items",
           "item_dimension", "item_gaps", "dimension_gaps", "importance_weights", "servqual_score", "gap_chart"]

#: The five dimensions and their item numbers, in the order of the questionnaire.
SERVQUAL_DIMENSIONS = {
    "tangibles": (1, 2, 3, 4),
    "reliability": (5, 6, 7, 8, 9),
    "responsiveness": (10, 11, 12, 13),
    "assurance": (14, 15, 16, 17),
    "empathy": (18, 19, 20, 21, 22),
}

#: Chinese names of the dimensions.
DIMENSIONS_ZH = {"tangibles": "有形性", "reliability": "可靠性", "responsiveness": "响应性",
                 "assurance": "保证性", "empathy": "移情性"}

#: Chart titles that the lessons pass to :func:`gap_chart`, marked so that the runtime catalog translates them.
LESSON_CHART_TITLES = (N_("Mean SERVQUAL gap by guest segment"),)

#: The answer scale: 1 = strongly disagree … 7 = strongly agree.
SCALE = (1, 7)

# What each item asks about, adapted to a hotel and written in our own words
# (a paraphrase of the 1991 item content, not the published wording).
_ITEM_ABOUT = {
    1: "modern-looking rooms and equipment",
    2: "visually appealing buildings and public areas",
    3: "neat, well-presented staff",
    4: "appealing printed and digital materials (menus, bills, app)",
    5: "does what it promises by the time it promises",
    6: "shows sincere interest in solving a guest's problem",
    7: "gets the service right the first time",
    8: "delivers services at the time promised",
    9: "keeps error-free records (bookings, bills)",
    10: "tells guests exactly when services will be done",
    11: "gives prompt service",
    12: "staff are always willing to help",
    13: "staff are never too busy to respond to a request",
    14: "staff behaviour inspires confidence",
    15: "guests feel safe in their dealings with the hotel",
    16: "staff are consistently courteous",
    17: "staff have the knowledge to answer questions",
    18: "gives each guest individual attention",
    19: "opening hours convenient for all guests",
    20: "staff give guests personal attention",
    21: "has the guest's best interests at heart",
    22: "staff understand each guest's specific needs",
}

_COLUMN = re.compile(r"^([EP])(\d+)$")


def item_dimension(item):
    """The SERVQUAL dimension of item number ``item`` (1–22).

    Examples
    --------
    >>> item_dimension(9), item_dimension(10), item_dimension(22)
    ('reliability', 'responsiveness', 'empathy')
    >>> item_dimension(23)
    Traceback (most recent call last):
    ...
    ValueError: SERVQUAL item numbers run from 1 to 22; got 23
    """
    try:
        number = operator.index(item)
    except TypeError:
        number = None
    if number is None or isinstance(item, bool):
        raise TypeError(f"a SERVQUAL item number must be a whole number from 1 to 22; got {item!r}")
    for dimension, items in SERVQUAL_DIMENSIONS.items():
        if number in items:
            return dimension
    raise ValueError(f"SERVQUAL item numbers run from 1 to 22; got {item!r}")


def servqual_items():
    """The 22 items as a table: number, dimension (English and Chinese) and what it asks about.

    Returns
    -------
    pandas.DataFrame
        Columns ``item``, ``dimension``, ``dimension_zh``, ``about`` (a hotel
        adaptation in our own words, not the published wording).

    Examples
    --------
    >>> items = servqual_items()
    >>> len(items), int(items["dimension"].value_counts()["reliability"])
    (22, 5)
    >>> items.loc[items["item"] == 11, "about"].item()
    'gives prompt service'
    """
    import pandas as pd

    rows = [(i, d, DIMENSIONS_ZH[d], _ITEM_ABOUT[i]) for d, items in SERVQUAL_DIMENSIONS.items() for i in items]
    return pd.DataFrame(rows, columns=["item", "dimension", "dimension_zh", "about"])


def _answers(survey, letter):
    """The ``E`` or ``P`` answers of ``survey`` as a float DataFrame with item-number columns, validated."""
    import numpy as np
    import pandas as pd

    if not isinstance(survey, pd.DataFrame):
        raise TypeError(f"the survey should be a pandas DataFrame, not {type(survey).__name__}")
    found = {}
    for column in survey.columns:
        match = _COLUMN.match(str(column))
        if match and match[1] == letter:
            number = int(match[2])
            if not 1 <= number <= 22:
                raise ValueError(f"column {column!r}: SERVQUAL item numbers run from 1 to 22")
            if number in found:
                raise ValueError(f"item {number} appears twice among the {letter} columns")
            found[number] = column
    if not found:
        name = "expectation" if letter == "E" else "perception"
        raise ValueError(f"the survey has no {name} columns: expected names like {letter}1 … {letter}22")
    answers = survey[[found[i] for i in sorted(found)]]
    for column in answers.columns:
        if not pd.api.types.is_numeric_dtype(answers[column]) or pd.api.types.is_bool_dtype(answers[column]):
            raise TypeError(f"column {column!r} should hold numbers from 1 to 7, "
                            f"but its type is {answers[column].dtype}")
    values = answers.to_numpy(dtype=float)
    low, high = SCALE
    bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        raise ValueError(f"{answers.columns[col]} of row {survey.index[row]!r} is {values[row, col]:g}: "
                         f"answers must be whole numbers from {low} to {high} "
                         f"({int(bad.sum())} such value(s) in the {letter} columns)")
    return pd.DataFrame(values, index=survey.index, columns=sorted(found))


def item_gaps(survey):
    """The gap P − E of every item for every respondent.

    Parameters
    ----------
    survey : pandas.DataFrame
        One row per respondent with columns ``E<n>`` and ``P<n>`` for the same
        item numbers ``n`` (1–22), each holding whole numbers from 1 to 7 or
        missing values (NaN, which stay missing).

    Returns
    -------
    pandas.DataFrame
        Same index as ``survey``; one column per item number (int), in item order.

    Raises
    ------
    ValueError
        An item number outside 1–22, E and P items that differ, or an answer
        outside the 1–7 scale or not a whole number.
    TypeError
        A column that does not hold numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> two = pd.DataFrame({"E1": [7, 6], "P1": [5, 6], "E5": [7, 7], "P5": [4, 7]}, index=["g1", "g2"])
    >>> item_gaps(two)
          1    5
    g1 -2.0 -3.0
    g2  0.0  0.0
    >>> item_gaps(pd.DataFrame({"E1": [8], "P1": [5]}))
    Traceback (most recent call last):
    ...
    ValueError: E1 of row 0 is 8: answers must be whole numbers from 1 to 7 (1 such value(s) in the E columns)
    >>> item_gaps(pd.DataFrame({"E1": [7], "P2": [5]}))
    Traceback (most recent call last):
    ...
    ValueError: expectations and perceptions must cover the same items: only E for [1]; only P for [2]
    """
    expected, perceived = _answers(survey, "E"), _answers(survey, "P")
    if list(expected.columns) != list(perceived.columns):
        only_e = sorted(set(expected.columns) - set(perceived.columns))
        only_p = sorted(set(perceived.columns) - set(expected.columns))
        raise ValueError("expectations and perceptions must cover the same items: "
                         f"only E for {only_e}; only P for {only_p}")
    return perceived - expected


def dimension_gaps(survey):
    """The mean gap P − E of each dimension for every respondent (missing answers skipped).

    Only dimensions with at least one item in the survey appear, in RATER order.

    Examples
    --------
    Two guests, two items per dimension (hand-worked: tangibles are the mean of
    the gaps of items 1 and 2, and so on):

    >>> import pandas as pd
    >>> two = pd.DataFrame({"E1": [7, 6], "P1": [5, 6], "E2": [6, 6], "P2": [6, 5],
    ...                     "E5": [7, 7], "P5": [4, 6], "E6": [7, 7], "P6": [6, 5]})
    >>> dimension_gaps(two)
       tangibles  reliability
    0       -1.0         -2.0
    1       -0.5         -1.5
    """
    import pandas as pd

    gaps = item_gaps(survey)
    out = {d: gaps[[i for i in items if i in gaps.columns]].mean(axis=1)
           for d, items in SERVQUAL_DIMENSIONS.items() if any(i in gaps.columns for i in items)}
    return pd.DataFrame(out, index=gaps.index)


def importance_weights(weights):
    """Importance weights of the dimensions, scaled to sum to 1 (per respondent, or one set for all).

    PZB (1991) asked respondents to share 100 points among the five dimensions
    by how important each is to them.

    Parameters
    ----------
    weights : dict or pandas.DataFrame
        A dict ``{dimension: points}`` used for everyone, or a DataFrame with one
        column per dimension (or columns ``weight_<dimension>``; other columns
        are ignored), one row per respondent.  Points must be non-negative and
        not all zero.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        The weights divided by their (row) total, with dimension names as labels.

    Examples
    --------
    >>> importance_weights({"tangibles": 10, "reliability": 30, "responsiveness": 20,
    ...                     "assurance": 20, "empathy": 20}).tolist()
    [0.1, 0.3, 0.2, 0.2, 0.2]
    >>> importance_weights({"tangibles": 10, "comfort": 90})
    Traceback (most recent call last):
    ...
    ValueError: unknown dimension(s) ['comfort']; the five are tangibles, reliability, responsiveness, assurance, empathy
    """
    import pandas as pd

    if isinstance(weights, dict):
        table = pd.Series(weights, dtype=float)
        names = list(table.index)
    elif isinstance(weights, pd.DataFrame):
        table = weights.rename(columns=lambda c: str(c).removeprefix("weight_"))
        table = table[[c for c in table.columns if c in SERVQUAL_DIMENSIONS]
                      or list(table.columns)].astype(float)
        names = list(table.columns)
    else:
        raise TypeError(f"weights should be a dict or a DataFrame, not {type(weights).__name__}")
    unknown = [n for n in names if n not in SERVQUAL_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}; the five are {', '.join(SERVQUAL_DIMENSIONS)}")
    order = [d for d in SERVQUAL_DIMENSIONS if d in names]
    if isinstance(table, pd.Series):
        table = table[order]
        if (table < 0).any() or table.sum() <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        return table / table.sum()
    table = table[order]
    if (table < 0).to_numpy().any() or (table.sum(axis=1) <= 0).any():
        raise ValueError("weights must be non-negative and not all zero in every row")
    return table.div(table.sum(axis=1), axis=0)


def servqual_score(survey, weights=None):
    """The overall SERVQUAL score of every respondent: unweighted or weighted by importance.

    *Unweighted*: the mean of the dimension gaps (each dimension counts once,
    whatever its number of items).  *Weighted*: the sum of each dimension gap
    times its importance weight, the weights scaled to sum to 1.

    Parameters
    ----------
    survey : pandas.DataFrame
        As for :func:`item_gaps`.
    weights : None, dict or pandas.DataFrame
        ``None`` for the unweighted score; otherwise as for
        :func:`importance_weights`.  Weights must be given for every dimension
        that the survey measures.

    Returns
    -------
    pandas.Series
        One score per respondent, named ``servqual_unweighted`` or ``servqual_weighted``.

    Examples
    --------
    >>> import pandas as pd
    >>> two = pd.DataFrame({"E1": [7, 6], "P1": [5, 6], "E5": [7, 7], "P5": [4, 6]})
    >>> servqual_score(two).tolist()
    [-2.5, -0.5]
    >>> servqual_score(two, weights={"tangibles": 25, "reliability": 75}).tolist()
    [-2.75, -0.75]
    """
    import pandas as pd

    dims = dimension_gaps(survey)
    if weights is None:
        return dims.mean(axis=1).rename("servqual_unweighted")
    w = importance_weights(weights)
    labels = w.index if isinstance(w, pd.Series) else w.columns
    missing = [d for d in dims.columns if d not in labels]
    if missing:
        raise ValueError(f"weights are missing for {missing}")
    if isinstance(w, pd.DataFrame):
        if not w.index.equals(dims.index):
            raise ValueError("per-respondent weights must have the same index (rows) as the survey")
        w = w[list(dims.columns)]
        w = w.div(w.sum(axis=1), axis=0)
        return (dims * w).sum(axis=1, min_count=1).rename("servqual_weighted")
    w = w[list(dims.columns)] / w[list(dims.columns)].sum()
    return (dims * w).sum(axis=1, min_count=1).rename("servqual_weighted")


def gap_chart(gaps, title=None):
    """A bar chart of SERVQUAL gaps by dimension, one bar per group (e.g. per guest segment).

    Bars to the left of zero are shortfalls: perceptions below expectations.

    Parameters
    ----------
    gaps : pandas.Series or pandas.DataFrame
        A Series indexed by dimension (e.g. ``dimension_gaps(survey).mean()``),
        or a DataFrame with one row per group and one column per dimension
        (e.g. ``dimension_gaps(survey).groupby(survey["segment"]).mean()``).
    title : str, optional
        The chart title; one in the runtime catalog (e.g. :data:`LESSON_CHART_TITLES`) is shown in the
        notebook's language, as are group names that are dataset texts (:data:`mktlab.i18n.DATA_TEXTS`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> means = pd.DataFrame({"tangibles": [-0.2, -0.6], "reliability": [-1.1, -0.4]},
    ...                      index=["business", "family"])
    >>> fig = gap_chart(means)
    >>> len(fig.axes[0].patches)
    4
    >>> fig.axes[0].get_xlabel()[:17]
    'gap P − E (scale '
    """
    import numpy as np
    import pandas as pd

    from .plotting import bilingual, chart_text, new_figure

    if isinstance(gaps, pd.Series):
        gaps = gaps.to_frame(name=gaps.name if gaps.name is not None else "all respondents").T
    if not isinstance(gaps, pd.DataFrame):
        raise TypeError(f"gaps should be a pandas Series or DataFrame, not {type(gaps).__name__}")
    unknown = [c for c in gaps.columns if c not in SERVQUAL_DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {unknown}; the five are {', '.join(SERVQUAL_DIMENSIONS)}")
    dims = [d for d in SERVQUAL_DIMENSIONS if d in gaps.columns]
    groups = list(gaps.index)
    fig, ax = new_figure(figsize=(8, max(3.0, 1.2 + 0.22 * len(dims) * len(groups))))
    height = 0.8 / len(groups)
    positions = np.arange(len(dims))
    for k, group in enumerate(groups):
        values = gaps.loc[group, dims].to_numpy(dtype=float)
        ax.barh(positions + (k - (len(groups) - 1) / 2) * height, values, height=height * 0.95,
                label=chart_text(str(group)))
    ax.set_yticks(positions, [bilingual(d, DIMENSIONS_ZH[d], sep=" ") for d in dims])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(chart_text("gap P − E (scale points; below 0 = perceptions fall short of expectations)"))
    ax.set_title(chart_text(title) if title else bilingual("SERVQUAL gaps by dimension", "服务质量差距", sep=" "),
                 fontsize=10)
    if len(groups) > 1:
        ax.legend(fontsize=8, loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    return fig
