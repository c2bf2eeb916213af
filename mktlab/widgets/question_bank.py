"""Widgets for the review lesson: a practice quiz with instant feedback, and a searchable glossary.

Both are thin wiring: what they show comes from :mod:`mktlab.question_bank`
(``quiz``, ``item_feedback``, ``quiz_progress``, ``statement_html`` and
``glossary_html``), which is tested without a browser.  The controls are also
kept as attributes of the returned box, so a test or a curious student can
drive them from code (``w.answers[0].value = True``, ``w.search.value = "忠诚"``).
"""
from __future__ import annotations

import html

import ipywidgets as widgets

from .. import question_bank as qb
from ..i18n import _, get_language

__all__ = ["practice_quiz", "glossary_explorer"]


def _lesson_options():
    """Dropdown options: the whole course (0, since a Dropdown shows ``None`` as "nothing selected"), or one lesson."""
    return [(_("all lessons"), 0)] + [(f"{n:02d} · {_(name)}", n) for n, name in qb.LESSONS.items()]


def _text_html(text):
    return f"<p>{html.escape(text)}</p>" if text else ""


def practice_quiz(bank, lesson=None, n=10, seed=0):
    """A true/false practice quiz from the bank: answer each statement and see at once if you are right.

    Parameters
    ----------
    bank : pandas.DataFrame
        The ``true_false_bank`` dataset.
    lesson : int or None
        Start with the statements of one lesson (``None``: the whole course).
    n : int, default 10
        How many statements.
    seed : int, default 0
        The shuffle; the same lesson, size and seed give the same quiz as ``qb.quiz``.

    Returns
    -------
    ipywidgets.VBox
        With the controls as attributes: ``lesson`` (Dropdown; 0 for all lessons), ``size``
        (IntSlider), ``seed`` (IntText), ``new_quiz`` (Button: the next seed),
        ``score`` (HTML); and, rebuilt with each new quiz, ``items`` (the quiz
        DataFrame), ``answers`` (one True/False ToggleButtons per statement)
        and ``feedback`` (one HTML per statement).
    """
    language = "zh" if get_language() == "zh" else "both"
    lesson_box = widgets.Dropdown(options=_lesson_options(), value=lesson or 0, description=_("lesson"))
    size = widgets.IntSlider(value=n, min=1, max=20, description=_("statements"), continuous_update=False)
    seed_box = widgets.IntText(value=seed, description=_("seed"), layout=widgets.Layout(width="160px"))
    new_quiz = widgets.Button(description=_("new quiz"), tooltip=_("draw another quiz (the next seed)"))
    score = widgets.HTML()
    statements = widgets.VBox()
    box = widgets.VBox([widgets.HBox([lesson_box, size, seed_box, new_quiz]), score, statements])

    def show_score():
        score.value = f"<b>{html.escape(qb.quiz_progress(box.items, [t.value for t in box.answers], tr=_))}</b>"

    def answered(change, item, feedback):
        feedback.value = _text_html(qb.item_feedback(item, change["new"], tr=_))
        show_score()

    def build(*_change):
        box.items = qb.quiz(bank, lesson_box.value or None, n=size.value, seed=seed_box.value)
        box.answers, box.feedback, rows = [], [], []
        for number, item in box.items.iterrows():
            answer = widgets.ToggleButtons(options=[(_("True"), True), (_("False"), False)], value=None,
                                           style={"button_width": "80px"})
            feedback = widgets.HTML()
            answer.observe(lambda change, item=item, feedback=feedback: answered(change, item, feedback),
                           names="value")
            box.answers.append(answer)
            box.feedback.append(feedback)
            rows.append(widgets.VBox([widgets.HTML(qb.statement_html(number, item, language)), answer, feedback]))
        statements.children = rows
        show_score()

    def next_seed(_button):
        seed_box.value += 1

    for control in (lesson_box, size, seed_box):
        control.observe(build, names="value")
    new_quiz.on_click(next_seed)
    box.lesson, box.size, box.seed, box.new_quiz, box.score = lesson_box, size, seed_box, new_quiz, score
    build()
    return box


def glossary_explorer(glossary, text="", lesson=None):
    """A search box over the bilingual glossary: matching terms in English and Chinese, with definitions.

    Parameters
    ----------
    glossary : pandas.DataFrame
        The ``glossary`` dataset.
    text : str, default ""
        What to search for at the start.
    lesson : int or None
        Only terms introduced in one lesson (``None``: the whole course).

    Returns
    -------
    ipywidgets.VBox
        With the controls as attributes: ``search`` (Text), ``lesson``
        (Dropdown; 0 for all lessons), ``definitions`` (Checkbox: search the definitions too) and
        ``results`` (HTML).
    """
    search = widgets.Text(value=text, description=_("search"), placeholder=_("e.g. loyalty, 忠诚, SERVQUAL"),
                          continuous_update=True)
    lesson_box = widgets.Dropdown(options=_lesson_options(), value=lesson or 0, description=_("lesson"))
    definitions = widgets.Checkbox(value=True, description=_("search definitions too"))
    results = widgets.HTML()

    def show(*_change):
        results.value = qb.glossary_html(glossary, search.value, lessons=lesson_box.value or None,
                                         definitions=definitions.value, tr=_)

    for control in (search, lesson_box, definitions):
        control.observe(show, names="value")
    show()
    box = widgets.VBox([widgets.HBox([search, lesson_box, definitions]), results])
    box.search, box.lesson, box.definitions, box.results = search, lesson_box, definitions, results
    return box
