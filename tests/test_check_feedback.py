"""The student's check: no stale grading, mistyped names, rounded points and the running score."""
from types import SimpleNamespace as NS

from mktlab.exercises import check
from mktlab.exercises.check import Exercises, after_cell


def lesson():
    ex = Exercises("no_such_lesson_for_tests")
    ex._problem = ""  # behave as a lesson whose keys are the registered specs
    ex.number("share", 0.725, decimals=3)
    ex.truefalse("claims", [True, False, True, True, True, True, True])
    ex.manual("essay")
    return ex


def run_cell(source, error=None):
    after_cell(NS(info=NS(raw_cell=source), error_before_exec=None, error_in_exec=error))


def test_a_failed_answer_cell_is_not_graded_on_its_older_value():
    """share = 0.725 ran, then share = [true] raised: the check reports the error, not the old value."""
    ex = lesson()
    run_cell("share = 0.725")
    assert ex.verdict("share", {"share": 0.725})[1] == "correct"
    run_cell("share = true", NameError("name 'true' is not defined"))
    state, message = ex.verdict("share", {"share": 0.725})[1:]
    assert state == "invalid" and "NameError" in message and "capital letter" in message
    run_cell("share = 0.725")
    assert ex.verdict("share", {"share": 0.725})[1] == "correct"


def test_a_mistyped_question_name_gets_a_suggestion():
    ex = lesson()
    message = ex.verdict("shares", {})[2]
    assert "no exercise called 'shares'" in message and "did you mean 'share'?" in message
    assert "up to date" not in message


def test_partial_credit_is_rounded_and_progress_counts(capsys):
    """6 of 7 prints 0.86/1; progress shows answered, correct, pending and points."""
    ex = lesson()
    for name in ("share", "claims", "essay"):
        check._FAILED.pop(name, None)
    globals().update(share=0.725, claims=[True, False, True, True, True, True, False], essay="Trust first.")
    ex.check("claims")
    assert "[0.86/1]" in capsys.readouterr().out
    ex.progress()
    out = capsys.readouterr().out
    assert "✔ share [1/1]" in out and "✎ essay [?/1]" in out
    assert "3 of 3 answered, 1 correct, 1 waiting for your instructor; 1.86 of 3 points so far." in out
    del globals()["essay"]
    ex.progress()
    assert "2 of 3 answered" in capsys.readouterr().out


def test_progress_speaks_of_the_instructor_only_when_the_lesson_has_written_answers(capsys):
    ex = Exercises("no_such_lesson_for_tests")
    ex._problem = ""
    ex.number("share", 0.725, decimals=3)
    globals().update(share=0.725)
    check._FAILED.pop("share", None)
    ex.progress()
    out = capsys.readouterr().out
    assert "1 of 1 answered, 1 correct; 1 of 1 points so far." in out and "instructor" not in out


def test_progress_reminds_a_student_without_a_username_that_the_grader_uses_their_own_values(capsys):
    ex = Exercises("01_marketing_concepts")  # its choices are lettered per student
    ex.progress()
    assert "ex.set_student(" in capsys.readouterr().out
    Exercises("01_marketing_concepts", student="ann").progress()
    assert "ex.set_student(" not in capsys.readouterr().out
