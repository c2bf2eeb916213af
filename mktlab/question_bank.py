"""The true/false question bank (判断题) and the bilingual glossary (名词解释) of the course.

Both are data in ``datasets/``: ``true_false_bank`` (one row per statement,
with its key, explanation and lesson) and ``glossary`` (one row per key term).
The functions here take those tables and return new tables or plain values;
none of them changes its input or reads files, so they can be tested without
Jupyter.  Load the tables with :func:`mktlab.data.load_dataset`.

A quiz is a reproducible sample of the bank: the same lessons, size and seed
always give the same statements in the same order, so a quiz can be handed out,
discussed and graded like any other exercise.

The practice widgets in :mod:`mktlab.widgets.question_bank` show what
:func:`item_feedback`, :func:`quiz_progress`, :func:`statement_html` and
:func:`glossary_html` return; all the logic is here.
"""
from __future__ import annotations

import html
import random
import re
from functools import lru_cache

from .i18n import N_

__all__ = ["LESSONS", "bank_items", "quiz", "quiz_text", "quiz_key", "score_quiz",
           "item_feedback", "quiz_progress", "statement_html",
           "glossary_terms", "search_glossary", "find_term", "matching_pairs", "glossary_html"]

#: The course's lessons, by number.
LESSONS = {
    1: N_("marketing concepts"), 2: N_("marketing mix"), 3: N_("relationship vs transaction marketing"),
    4: N_("levels and types of relationships"), 5: N_("loyalty, lifecycle and CLV"), 6: N_("service marketing"),
    7: N_("hotel complaint and service recovery"), 8: N_("customer-centred selling"),
    9: N_("the insurer's shift to relationships"), 10: N_("competitors and the pirate game"),
}


def _lessons(lessons):
    """``None`` → all lessons; an int → [int]; an iterable → list of ints."""
    if lessons is None:
        return sorted(LESSONS)
    if isinstance(lessons, int):
        lessons = [lessons]
    lessons = [int(x) for x in lessons]
    unknown = [x for x in lessons if x not in LESSONS]
    if unknown:
        raise ValueError(f"no lesson {unknown[0]}; lessons are numbered 1 to {max(LESSONS)}")
    return lessons


def bank_items(bank, lessons=None, source=None):
    """The bank's items for some lessons, in bank order.

    Parameters
    ----------
    bank : pandas.DataFrame
        The ``true_false_bank`` dataset.
    lessons : int or list of int, optional
        Lesson number(s); all lessons if omitted.
    source : {"seed", "new"}, optional
        Only items from the source text's exam bank (``"seed"``, kept or
        rewritten) or only the course's own (``"new"``).

    Returns
    -------
    pandas.DataFrame
        A copy, with a fresh 0-based index.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> bank = load_dataset("true_false_bank")
    >>> len(bank_items(bank, 10)) >= 10
    True
    >>> bool(bank_items(bank, source="seed")["source"].str.startswith("S0").all())
    True
    >>> bank_items(bank, 11)
    Traceback (most recent call last):
    ...
    ValueError: no lesson 11; lessons are numbered 1 to 10
    """
    chosen = bank[bank["lesson"].isin(_lessons(lessons))]
    if source == "seed":
        chosen = chosen[chosen["source"].str.startswith("S0")]
    elif source == "new":
        chosen = chosen[chosen["source"] == "new"]
    elif source is not None:
        raise ValueError(f"source must be 'seed', 'new' or None, not {source!r}")
    return chosen.reset_index(drop=True)


def quiz(bank, lessons=None, n=10, seed=0):
    """A reproducible quiz: ``n`` items drawn from the given lessons and shuffled with ``seed``.

    The draw uses Python's own :class:`random.Random`, so the same arguments
    give the same quiz on every machine and pandas version.

    Parameters
    ----------
    bank : pandas.DataFrame
        The ``true_false_bank`` dataset.
    lessons : int or list of int, optional
        Lesson number(s); all lessons if omitted.
    n : int or None, default 10
        How many items; ``None`` (or more than there are) takes them all, shuffled.
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
        The chosen rows in quiz order, indexed 1, 2, … (the question numbers).

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> bank = load_dataset("true_false_bank")
    >>> first = quiz(bank, lessons=10, n=5, seed=42)
    >>> list(first.index)
    [1, 2, 3, 4, 5]
    >>> first["item_id"].tolist() == quiz(bank, lessons=10, n=5, seed=42)["item_id"].tolist()
    True
    >>> set(first["lesson"])
    {10}
    """
    pool = bank_items(bank, lessons)
    ids = sorted(pool["item_id"])
    rng = random.Random(seed)
    take = len(ids) if n is None else min(int(n), len(ids))
    if take < 0:
        raise ValueError("n must be at least 0")
    chosen = rng.sample(ids, take)
    result = pool.set_index("item_id").loc[chosen].reset_index()
    result.index = range(1, len(result) + 1)
    return result


def quiz_text(quiz_items, language="both"):
    """The quiz's statements as a numbered Markdown list (``"en"``, ``"zh"`` or ``"both"``).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"statement_en": ["Berry coined the term in 1983."],
    ...                       "statement_zh": ["贝里在1983年提出了这个术语。"]}, index=[1])
    >>> print(quiz_text(items))
    1. Berry coined the term in 1983.
       贝里在1983年提出了这个术语。
    >>> print(quiz_text(items, language="zh"))
    1. 贝里在1983年提出了这个术语。
    """
    if language not in ("en", "zh", "both"):
        raise ValueError("language must be 'en', 'zh' or 'both'")
    lines = []
    for number, row in zip(quiz_items.index, quiz_items.itertuples()):
        first = row.statement_zh if language == "zh" else row.statement_en
        lines.append(f"{number}. {first}")
        if language == "both":
            lines.append(f"   {row.statement_zh}")
    return "\n".join(lines)


def quiz_key(quiz_items):
    """The quiz's answer key as a list of plain ``True``/``False`` values, in quiz order.

    Examples
    --------
    >>> import pandas as pd
    >>> quiz_key(pd.DataFrame({"key": [True, False, True]}))
    [True, False, True]
    """
    return [bool(k) for k in quiz_items["key"]]


def score_quiz(quiz_items, answers):
    """Mark a list of True/False answers against a quiz, item by item, with the explanations.

    Meant for practice: it shows the keys.  (A graded quiz registers
    :func:`quiz_key` with ``ex.truefalse`` instead.)

    Returns
    -------
    pandas.DataFrame
        Columns ``item_id``, ``answer``, ``key``, ``correct``, ``explanation``,
        indexed by question number.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"item_id": ["a", "b"], "key": [True, False],
    ...                       "explanation": ["why a", "why b"]}, index=[1, 2])
    >>> score_quiz(items, [True, True])["correct"].tolist()
    [True, False]
    >>> score_quiz(items, [True])
    Traceback (most recent call last):
    ...
    ValueError: give one True/False answer per statement: 2 expected, 1 given
    """
    answers = list(answers)
    if len(answers) != len(quiz_items):
        raise ValueError(f"give one True/False answer per statement: {len(quiz_items)} expected, "
                         f"{len(answers)} given")
    if not all(isinstance(a, bool) for a in answers):
        raise ValueError("each answer must be True or False")
    result = quiz_items[["item_id", "key", "explanation"]].copy()
    result.insert(1, "answer", answers)
    result["key"] = result["key"].astype(bool)
    result.insert(3, "correct", result["answer"] == result["key"])
    return result[["item_id", "answer", "key", "correct", "explanation"]]


def item_feedback(item, answer, tr=str):
    """One line of instant feedback on a True/False answer to one bank item, with its explanation.

    ``tr`` translates the line and the explanation (see :mod:`mktlab.i18n`); English by default.

    Parameters
    ----------
    item : pandas.Series or dict
        One row of the bank (it needs ``key`` and ``explanation``).
    answer : bool or None
        The student's answer; ``None`` means not answered yet.

    Returns
    -------
    str
        ``""`` when not answered; otherwise ``✔ Right`` or ``✘ Not quite``, the
        key in words, and the explanation.

    Examples
    --------
    >>> item = {"key": False, "explanation": "Berry coined it in 1983."}
    >>> item_feedback(item, False)
    '✔ Right: the statement is false. Berry coined it in 1983.'
    >>> item_feedback(item, True)
    '✘ Not quite: the statement is false. Berry coined it in 1983.'
    >>> item_feedback(item, None)
    ''
    """
    if answer is None:
        return ""
    if type(answer) is not bool:
        raise ValueError("the answer must be True, False or None")
    key = bool(item["key"])
    if answer == key:
        line = tr("✔ Right: the statement is true.") if key else tr("✔ Right: the statement is false.")
    else:
        line = tr("✘ Not quite: the statement is true.") if key else tr("✘ Not quite: the statement is false.")
    return f"{line} {tr(item['explanation'])}"


def quiz_progress(quiz_items, answers, tr=str):
    """How far a student has got with a quiz: answered so far, and how many of those are right (through ``tr``).

    Parameters
    ----------
    quiz_items : pandas.DataFrame
        A quiz from :func:`quiz` (it needs the ``key`` column).
    answers : list of bool or None
        One entry per statement, in quiz order; ``None`` for not answered yet.

    Returns
    -------
    str
        e.g. ``"2 of 3 answered, 1 right"``; once every statement is answered,
        the score as a percentage is added.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"key": [True, False, True]}, index=[1, 2, 3])
    >>> quiz_progress(items, [None, None, None])
    '0 of 3 answered, 0 right'
    >>> quiz_progress(items, [True, True, None])
    '2 of 3 answered, 1 right'
    >>> quiz_progress(items, [True, False, True])
    '3 of 3 answered, 3 right: 100%'
    """
    answers = list(answers)
    keys = quiz_key(quiz_items)
    if len(answers) != len(keys):
        raise ValueError(f"one answer (or None) per statement: {len(keys)} expected, {len(answers)} given")
    answered = [(a, k) for a, k in zip(answers, keys) if a is not None]
    right = sum(a == k for a, k in answered)
    if keys and len(answered) == len(keys):
        return tr("{answered} of {n} answered, {right} right: {percent}%").format(
            answered=len(answered), n=len(keys), right=right, percent=round(100 * right / len(keys)))
    return tr("{answered} of {n} answered, {right} right").format(answered=len(answered), n=len(keys), right=right)


def statement_html(number, item, language="both"):
    """One quiz statement as HTML: its number, the English and/or Chinese text (escaped).

    Examples
    --------
    >>> item = {"statement_en": "4P < 4C?", "statement_zh": "4P少于4C吗？"}
    >>> statement_html(3, item)
    '<b>3.</b> 4P &lt; 4C?<br><span style="color:#555">4P少于4C吗？</span>'
    >>> statement_html(3, item, language="zh")
    '<b>3.</b> 4P少于4C吗？'
    """
    if language not in ("en", "zh", "both"):
        raise ValueError("language must be 'en', 'zh' or 'both'")
    first = item["statement_zh"] if language == "zh" else item["statement_en"]
    text = f"<b>{int(number)}.</b> {html.escape(str(first))}"
    if language == "both":
        text += f'<br><span style="color:#555">{html.escape(str(item["statement_zh"]))}</span>'
    return text


# --------------------------------------------------------------------------------------------
# Glossary
# --------------------------------------------------------------------------------------------

_FULLWIDTH = str.maketrans("（）：，；", "():,;")


def _norm(text):
    """Lower case, single spaces, ASCII brackets: the form terms are compared in."""
    return " ".join(str(text).translate(_FULLWIDTH).split()).lower()


@lru_cache(maxsize=4096)
def _variants(name):
    """Spellings of one name that should match: without quotes, articles or hyphen style, singular."""
    plain = re.sub(r"[\"'“”‘’]", "", name)
    plain = re.sub(r"[-–—‐]", "-", plain)
    plain = re.sub(r"\s*-\s*", "-", plain)
    words = [w for w in plain.replace("-", " ").split() if w not in ("the", "a", "an")]
    spaced = " ".join(words)
    joined = re.sub(r"(?<=[\u4e00-\u9fff]) | (?=[\u4e00-\u9fff])", "", spaced)
    found = {name, plain, spaced, joined}
    found |= {v[:-1] for v in list(found) if v.endswith("s") and not v.endswith("ss")}
    return frozenset(found)


def glossary_terms(glossary, lessons=None):
    """The glossary rows introduced in some lessons, sorted by lesson then English term.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> terms = glossary_terms(load_dataset("glossary"), 10)
    >>> "backward induction" in set(terms["term_en"])
    True
    """
    chosen = glossary[glossary["lesson"].isin(_lessons(lessons))]
    order = chosen.assign(_key=chosen["term_en"].str.lower()).sort_values(["lesson", "_key"])
    return order.drop(columns="_key").reset_index(drop=True)


def search_glossary(glossary, text, lessons=None, definitions=True):
    """Glossary rows whose term (or, with ``definitions``, definition) contains ``text``.

    The search ignores case, extra spaces and full-width brackets, and works in
    English and Chinese.  Rows whose *term* matches come first.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> glossary = load_dataset("glossary")
    >>> search_glossary(glossary, "逆向归纳")["term_en"].tolist()
    ['backward induction']
    >>> search_glossary(glossary, "LOYALTY", definitions=False)["term_zh"].tolist()[:2]
    ['顾客忠诚', '潜在忠诚']
    """
    needle = _norm(text)
    pool = glossary_terms(glossary, lessons)
    in_term = pool["term_en"].map(_norm).str.contains(needle, regex=False) | \
        pool["term_zh"].map(_norm).str.contains(needle, regex=False)
    hits = in_term
    if definitions:
        hits = hits | pool["definition_en"].map(_norm).str.contains(needle, regex=False) | \
            pool["definition_zh"].map(_norm).str.contains(needle, regex=False)
    found = pool[hits].assign(_first=~in_term[hits])
    return found.sort_values("_first", kind="stable").drop(columns="_first").reset_index(drop=True)


def find_term(glossary, term):
    """The glossary row for ``term`` (English or Chinese), or ``None`` if it is not there.

    A term matches a row's English or Chinese name or one of its ``aliases``,
    ignoring case, quotes, articles, hyphen and bracket style and a plural
    *s*; a name written with alternatives (``"a / b"``, ``"a (b)"``,
    ``"4P: product, …"``, ``"a, b"``) matches on any of them.  So ``"share of wallet"``
    and ``"钱包份额"`` both find *share of wallet (share of customer)*.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> glossary = load_dataset("glossary")
    >>> find_term(glossary, "Share of Wallet")["term_zh"]
    '顾客份额（钱包份额）'
    >>> find_term(glossary, "钱包份额")["term_en"]
    'share of wallet (share of customer)'
    >>> find_term(glossary, "need-payoff question")["term_zh"]
    '需求—效益问题'
    >>> find_term(glossary, "blue ocean") is None
    True
    """
    rows = []
    for _, row in glossary.iterrows():
        aliases = str(row.get("aliases", "") or "")
        aliases = [] if aliases == "nan" else [a for a in aliases.split(";") if a.strip()]
        rows.append((row, [row["term_en"], row["term_zh"], *aliases]))
    exact = _variants(_norm(term))
    term = str(term)
    for row, names in rows:  # a whole name first, so "a, b" prefers the row named "a, b"
        if exact & frozenset().union(*(_variants(_norm(name)) for name in names)):
            return row
    wanted = _names(term)
    for row, names in rows:
        if wanted & frozenset().union(*(_names(str(name)) for name in names)):
            return row
    return None


@lru_cache(maxsize=4096)
def _names(value):
    """Every spelling under which ``value`` counts as found."""
    full = _norm(value)
    parts = {full, re.sub(r"\s*\(.*?\)\s*", " ", full).strip(), full.split(":")[0].strip()}
    parts.update(p.strip() for p in re.findall(r"\((.*?)\)", full))
    parts.update(p.strip() for p in re.split(r"[/,、]", full))
    return frozenset(v for p in parts if p for v in _variants(p))


def matching_pairs(glossary, lessons=None, n=5, seed=0, direction="en→zh"):
    """A reproducible set of term pairs for a matching exercise.

    Parameters
    ----------
    direction : {"en→zh", "zh→en"}
        Map English terms to Chinese ones, or the other way round.

    Returns
    -------
    dict
        ``{term: translation}`` for ``n`` terms drawn with ``seed``.

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> pairs = matching_pairs(load_dataset("glossary"), lessons=10, n=3, seed=1)
    >>> len(pairs)
    3
    >>> pairs == matching_pairs(load_dataset("glossary"), lessons=10, n=3, seed=1)
    True
    """
    if direction not in ("en→zh", "zh→en"):
        raise ValueError("direction must be 'en→zh' or 'zh→en'")
    pool = glossary_terms(glossary, lessons)
    rows = random.Random(seed).sample(list(pool.itertuples()), min(int(n), len(pool)))
    if direction == "en→zh":
        return {r.term_en: r.term_zh for r in rows}
    return {r.term_zh: r.term_en for r in rows}


def glossary_html(glossary, text, lessons=None, definitions=True, limit=15, tr=str):
    """The glossary entries that match ``text``, as an HTML table in English and Chinese.

    The search is :func:`search_glossary`; this function only lays out what it
    finds: a line saying how many terms match (and any lesson or names-only
    limit), then term, 中文, the two definitions, who the term is credited to
    and the lesson that introduces it, at most ``limit`` rows, every cell escaped.

    Parameters
    ----------
    glossary : pandas.DataFrame
        The ``glossary`` dataset.
    text : str
        What to look for; blank text gives a short prompt instead of a table.
    lessons : int or list of int, optional
        Only terms introduced in these lessons.
    definitions : bool, default True
        Search the definitions as well as the terms.
    limit : int, default 15
        Show at most this many rows (and say how many more there are).
    tr : callable
        Translates the page's own words (see :mod:`mktlab.i18n`); English by default.

    Returns
    -------
    str

    Examples
    --------
    >>> from mktlab.data import load_dataset
    >>> glossary = load_dataset("glossary")
    >>> page = glossary_html(glossary, "逆向归纳")
    >>> page.startswith("<p>1 term matches")
    True
    >>> "backward induction" in page and "逆向归纳法" in page
    True
    >>> glossary_html(glossary, "blue ocean")
    '<p>No term matches <b>blue ocean</b>.</p>'
    >>> glossary_html(glossary, "忠诚", lessons=10, definitions=False)
    '<p>No term matches <b>忠诚</b> (lesson 10; names only).</p>'
    >>> glossary_html(glossary, "   ").startswith("<p>Type part of a term")
    True
    """
    if not str(text).strip():
        return "<p>" + tr("Type part of a term or of a definition, in English or Chinese "
                          "(for example <i>loyalty</i> or <i>忠诚</i>).") + "</p>"
    found = search_glossary(glossary, text, lessons=lessons, definitions=definitions)
    shown = "<b>" + html.escape(" ".join(str(text).split())) + "</b>"
    chosen = [] if lessons is None else _lessons(lessons)
    numbers = ", ".join(f"{n:02d}" for n in chosen)
    limits = [(tr("lesson {numbers}") if len(chosen) == 1 else tr("lessons {numbers}")).format(numbers=numbers)] \
        if chosen else []
    limits += [] if definitions else [tr("names only")]
    scope = f" ({'; '.join(limits)})" if limits else ""
    if found.empty:
        return "<p>" + tr("No term matches {text}").format(text=shown) + f"{scope}.</p>"
    count = (tr("{n} terms match {text}") if len(found) > 1 else tr("1 term matches {text}")).format(
        n=len(found), text=shown) + scope
    if len(found) > limit:
        count += tr("; the first {limit} are shown, so type more to narrow the search").format(limit=limit)
    header = "".join(f'<th style="text-align:left">{h}</th>'
                     for h in (tr("term"), "中文", tr("definition"), "定义", tr("credited to"), tr("lesson")))
    rows = []
    for row in found.head(limit).itertuples():
        cells = [f"<b>{html.escape(row.term_en)}</b>", f'<span style="white-space:nowrap">{html.escape(row.term_zh)}</span>',
                 html.escape(row.definition_en), html.escape(row.definition_zh), html.escape(row.reference),
                 f"{int(row.lesson):02d}"]
        rows.append("<tr>" + "".join(f'<td style="text-align:left">{c}</td>' for c in cells) + "</tr>")
    return f"<p>{count}.</p><table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
