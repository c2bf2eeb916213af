"""Grading a class of lesson 01 submissions: each case gets the right gradebook row.

The class is graded once with the command line (two jobs); each test reads one row.
"""
import csv

import nbformat
import pytest

from mktlab.cli import main
from mktlab.exercises.release import cell_role
from submissions import LESSON, ROOT, answer, student_copy

QUESTIONS = ["concept_order", "firm_concepts", "is_outside_in", "era_statements", "megamarketing_ps",
             "smoking_campaign", "relationship_marketing_coined", "definition_words", "current_definition"]


def write(folder, name, nb_or_text):
    path = folder / name / f"{LESSON}.ipynb"
    path.parent.mkdir(parents=True)
    if isinstance(nb_or_text, str):
        path.write_text(nb_or_text)
    else:
        nbformat.write(nb_or_text, path)


def build_class(folder):
    write(folder, "full marks", nbformat.read(ROOT / "solutions" / f"{LESSON}.ipynb", as_version=4))
    write(folder, "untouched", student_copy())
    partial = student_copy()
    answer(partial, "relationship_marketing_coined", "relationship_marketing_coined = 1983")
    answer(partial, "era_statements", "era_statements = [False, True, True, True, True]")  # 4 of 5
    answer(partial, "megamarketing_ps", "megamarketing_ps = ['a', 'b']")  # wrong
    write(folder, "partial", partial)
    write(folder, "not a notebook", "this is not JSON")
    looping = student_copy()
    answer(looping, "relationship_marketing_coined", "relationship_marketing_coined = 1983")
    answer(looping, "smoking_campaign", "while True:\n    pass")
    write(folder, "infinite loop", looping)
    deleted = student_copy()
    checks = [c for c in deleted.cells if cell_role(c) == "check"]
    deleted.cells.remove(checks[0])  # the check of concept_order
    deleted.cells.remove(next(c for c in deleted.cells if cell_role(c) == "text"))
    answer(deleted, "concept_order", "concept_order = " + repr([
        "production concept", "product concept", "selling concept", "marketing concept",
        "societal marketing concept", "megamarketing", "relationship marketing"]))
    write(folder, "deleted locked cell", deleted)
    cheat = student_copy()
    answer(cheat, "relationship_marketing_coined", "class Year(float):\n    def __eq__(self, other):\n"
           "        return True\nrelationship_marketing_coined = Year(1)")
    answer(cheat, "smoking_campaign", "class Any:\n    def __eq__(self, other):\n        return True\n"
           "smoking_campaign = Any()\nex.check = lambda name: print('correct')\nex.verdict = None")
    write(folder, "always equal", cheat)


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    build_class(folder / "submissions")
    out = folder / "out"
    assert main(["grade", "1", str(folder / "submissions"), "--out", str(out), "--jobs", "2",
                 "--timeout", "5"]) == 0
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return rows, out


def points(row):
    return {q: float(row[q]) for q in QUESTIONS}


def test_gradebook_has_one_row_per_student_and_the_agreed_columns(gradebook):
    """Seven students, columns student, status, one per question, total, max, flags, seconds."""
    rows, out = gradebook
    assert len(rows) == 7
    header = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["student", "status", *QUESTIONS, "total", "max", "flags", "seconds"]


def test_solution_notebook_earns_full_marks(gradebook):
    """The instructor's own notebook scores 9 of 9 with no flags."""
    row = gradebook[0]["full marks"]
    assert (row["status"], row["total"], row["max"], row["flags"]) == ("ok", "9", "9", "")


def test_untouched_student_copy_earns_zero(gradebook):
    """Every stub is 'not answered': 0 of 9, status ok."""
    row = gradebook[0]["untouched"]
    assert row["status"] == "ok" and float(row["total"]) == 0


def test_partial_answers_earn_partial_marks(gradebook):
    """1 (year) + 0.8 (4 of 5 statements) + 0 (wrong choice) = 1.8."""
    row = gradebook[0]["partial"]
    assert points(row)["relationship_marketing_coined"] == 1
    assert points(row)["era_statements"] == 0.8
    assert points(row)["megamarketing_ps"] == 0
    assert float(row["total"]) == pytest.approx(1.8)


def test_a_file_that_is_not_a_notebook_is_flagged(gradebook):
    """Status 'invalid notebook' and zero, without stopping the others."""
    row = gradebook[0]["not a notebook"]
    assert row["status"] == "invalid notebook" and float(row["total"]) == 0


def test_an_infinite_loop_times_out_and_the_rest_is_still_graded(gradebook):
    """The looping cell is interrupted: status 'timeout', and the year answered earlier still counts."""
    row = gradebook[0]["infinite loop"]
    assert row["status"] == "timeout"
    assert points(row)["relationship_marketing_coined"] == 1


def test_a_deleted_locked_cell_is_flagged_and_restored(gradebook):
    """Deleting a prompt and a check is flagged; the restored check still captures the answer."""
    row = gradebook[0]["deleted locked cell"]
    assert "locked cell deleted (2, restored)" in row["flags"]
    assert points(row)["concept_order"] == 1


def test_objects_that_always_compare_equal_earn_nothing(gradebook):
    """A float subclass and an object whose == is always True are refused; a redefined check changes nothing."""
    rows, out = gradebook
    row = rows["always equal"]
    assert points(row)["relationship_marketing_coined"] == 0
    assert points(row)["smoking_campaign"] == 0
    assert float(row["total"]) == 0
    page = (out / "feedback" / "always equal.html").read_text(encoding="utf-8")
    assert "an object of type Year, which cannot be checked" in page


def test_feedback_pages_never_show_hidden_cases(gradebook):
    """The hidden test inputs of is_outside_in do not appear in any report."""
    _, out = gradebook
    pages = list((out / "feedback").glob("*.html"))
    assert len(pages) == 7
    for page in pages:
        assert "社会市场营销观念" not in page.read_text(encoding="utf-8")


def test_grading_again_gives_the_same_gradebook(gradebook, tmp_path):
    """Re-grading two of the submissions reproduces their rows exactly (apart from the timing)."""
    rows, out = gradebook
    for name in ("partial", "deleted locked cell"):
        src = out.parent / "submissions" / name
        (tmp_path / "subs" / name).mkdir(parents=True)
        (tmp_path / "subs" / name / f"{LESSON}.ipynb").write_bytes((src / f"{LESSON}.ipynb").read_bytes())
    assert main(["grade", LESSON, str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    with open(tmp_path / "out" / "gradebook.csv", newline="", encoding="utf-8") as handle:
        again = {row["student"]: row for row in csv.DictReader(handle)}
    for name, row in again.items():
        assert {k: v for k, v in row.items() if k != "seconds"} == \
            {k: v for k, v in rows[name].items() if k != "seconds"}
    assert not list((tmp_path / "out").glob(".gradebook.csv.*")), "no temporary file is left behind"
