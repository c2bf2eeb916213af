"""The practice-quiz and glossary widgets, driven from code without a browser.

Setting a control's ``.value`` (or calling ``button.click()``) runs the same
callbacks as a click in JupyterLab, so these tests check the wiring: each
control reaches the tested functions of ``mktlab.question_bank`` and the
shown HTML changes.
"""
import html

import ipywidgets as widgets

from mktlab import question_bank as qb
from mktlab.widgets.question_bank import glossary_explorer, practice_quiz


def test_practice_quiz_shows_the_same_quiz_as_qb_quiz(bank):
    """practice_quiz(lesson=3, n=6, seed=4) shows qb.quiz(bank, 3, n=6, seed=4), one statement per toggle."""
    w = practice_quiz(bank, lesson=3, n=6, seed=4)
    assert isinstance(w, widgets.VBox)
    assert w.items["item_id"].tolist() == qb.quiz(bank, 3, n=6, seed=4)["item_id"].tolist()
    assert len(w.answers) == len(w.feedback) == 6
    assert all(t.value is None for t in w.answers) and all(f.value == "" for f in w.feedback)
    assert "0 of 6 answered, 0 right" in w.score.value


def test_answering_a_statement_gives_instant_feedback_and_updates_the_score(bank):
    """Right answer on 1 → '✔ Right' + explanation; wrong answer on 2 → '✘ Not quite'; score '2 of 5, 1 right'."""
    w = practice_quiz(bank, n=5, seed=7)
    key = qb.quiz_key(w.items)
    w.answers[0].value = key[0]
    assert "✔ Right" in w.feedback[0].value
    assert "1 of 5 answered, 1 right" in w.score.value
    w.answers[1].value = not key[1]
    assert "✘ Not quite" in w.feedback[1].value
    assert w.feedback[1].value == f"<p>{html.escape(qb.item_feedback(w.items.iloc[1], not key[1]))}</p>"
    assert html.escape(w.items["explanation"].iloc[1]) in w.feedback[1].value
    assert "2 of 5 answered, 1 right" in w.score.value
    assert w.feedback[2].value == ""


def test_answering_every_statement_shows_the_percentage(bank):
    """The key on all 4 statements → '4 of 4 answered, 4 right: 100%'."""
    w = practice_quiz(bank, lesson=10, n=4, seed=1)
    for toggle, answer in zip(w.answers, qb.quiz_key(w.items)):
        toggle.value = answer
    assert "4 of 4 answered, 4 right: 100%" in w.score.value


def test_filtering_by_lesson_rebuilds_the_quiz_from_that_lesson(bank):
    """Choosing lesson 6 in the dropdown gives a fresh, unanswered quiz of lesson-6 statements only."""
    w = practice_quiz(bank, n=5, seed=0)
    w.answers[0].value = True
    w.lesson.value = 6
    assert set(w.items["lesson"]) == {6}
    assert w.items["item_id"].tolist() == qb.quiz(bank, 6, n=5, seed=0)["item_id"].tolist()
    assert all(t.value is None for t in w.answers)
    assert "0 of 5 answered" in w.score.value
    w.lesson.value = 0  # back to "all lessons"
    assert w.items["item_id"].tolist() == qb.quiz(bank, None, n=5, seed=0)["item_id"].tolist()


def test_all_lessons_is_a_real_dropdown_option(bank, glossary):
    """'all lessons' starts selected (index 0, never a blank dropdown) in both widgets."""
    for w in (practice_quiz(bank), glossary_explorer(glossary)):
        assert w.lesson.index == 0 and w.lesson.label == "all lessons"


def test_new_quiz_button_moves_to_the_next_seed(bank):
    """Clicking 'new quiz' once turns seed 7 into seed 8 and shows qb.quiz(..., seed=8)."""
    w = practice_quiz(bank, n=5, seed=7)
    before = w.items["item_id"].tolist()
    w.new_quiz.click()
    assert w.seed.value == 8
    assert w.items["item_id"].tolist() == qb.quiz(bank, None, n=5, seed=8)["item_id"].tolist() != before


def test_size_slider_changes_the_number_of_statements(bank):
    """Setting the slider to 3 leaves exactly 3 statements and 3 toggles."""
    w = practice_quiz(bank, n=10, seed=2)
    w.size.value = 3
    assert len(w.items) == len(w.answers) == 3


def test_glossary_explorer_prompts_then_shows_matches(glossary):
    """Blank box → the prompt; typing '忠诚' → a table with 'customer loyalty' and its lesson 05."""
    w = glossary_explorer(glossary)
    assert w.results.value.startswith("<p>Type part of a term")
    w.search.value = "忠诚"
    assert "customer loyalty" in w.results.value and "顾客忠诚" in w.results.value
    assert w.results.value == qb.glossary_html(glossary, "忠诚")


def test_glossary_explorer_lesson_and_definition_filters(glossary):
    """'competit' limited to lesson 10 shows only lesson-10 rows; unticking definitions narrows the hits."""
    w = glossary_explorer(glossary, text="competit")
    w.lesson.value = 10
    assert w.results.value == qb.glossary_html(glossary, "competit", lessons=10)
    assert "<td style=\"text-align:left\">03</td>" not in w.results.value
    with_definitions = w.results.value.count("<tr>")
    w.definitions.value = False
    assert w.results.value.count("<tr>") < with_definitions


def test_glossary_explorer_says_when_nothing_matches(glossary):
    """A term that is not in the glossary gives 'No term matches'."""
    w = glossary_explorer(glossary, text="blue ocean")
    assert w.results.value == "<p>No term matches <b>blue ocean</b>.</p>"
