"""Student-controlled text that starts like a formula arrives in every CSV the grader writes as plain text.

The tiny lesson of ``test_grade_report`` (a number and a written answer) is
graded for students whose folder names and essays start like spreadsheet
formulas; then the instructor's scores are entered and read back.
"""
import csv
import io
from contextlib import redirect_stdout

import nbformat
import pytest

from mktlab.cli import main
from mktlab.exercises.csvfile import FORMULA_STARTS, from_spreadsheet
from test_grade_report import STEM, solution, student

STUDENTS = {"=1+1": "=cmd|' /c calc'!A0", "@SUM(A1)": "+1+1", "＝HYPERLINK(1)": "\t=2", "-2+3": "-", "ann": "Fine."}
CSV_FILES = ("gradebook.csv", "lms.csv", "manual_scores.csv")


def grade(root):
    with redirect_stdout(io.StringIO()):
        assert main(["--solutions", str(root / "solutions"), "grade", "1", str(root / "submissions"),
                     "--out", str(root / "out"), "--jobs", "2", "--timeout", "10"]) == 0
    return {name: list(csv.reader(open(root / "out" / name, newline="", encoding="utf-8"))) for name in CSV_FILES}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    (root / "solutions").mkdir()
    nbformat.write(solution(), root / "solutions" / f"{STEM}.ipynb")
    for name, essay in STUDENTS.items():
        (root / "submissions" / name).mkdir(parents=True)
        nbformat.write(student(1983, essay), root / "submissions" / name / f"{STEM}.ipynb")
    return root, grade(root)


def looks_like_a_formula(cell):
    return cell != "" and cell[0] in FORMULA_STARTS and not cell.lstrip("+-").replace(".", "", 1).isdigit()


def test_no_cell_of_any_csv_starts_like_a_formula(graded):
    """Every cell of the three files is a number or starts with something other than = + - @ tab CR (or ＝＋－＠)."""
    _, files = graded
    for name, rows in files.items():
        assert len(rows) == 1 + len(STUDENTS), name
        bad = [cell for row in rows for cell in row if looks_like_a_formula(cell.lstrip())]
        assert bad == [], name


def test_formula_text_is_kept_behind_a_single_quote_and_numbers_are_unchanged(graded):
    """Names and essays arrive as `'` + the text; points and totals stay plain numbers."""
    _, files = graded
    book = {row[0]: row for row in files["gradebook.csv"][1:]}
    assert set(book) == {"'=1+1", "'@SUM(A1)", "'＝HYPERLINK(1)", "'-2+3", "ann"}
    assert book["'=1+1"][2:6] == ["1", "pending", "1", "3"]  # year, essay, total, max
    lms = {row[0]: row for row in files["lms.csv"][1:]}
    assert set(lms) == set(book) and lms["ann"][1] == ""
    essays = {row[0]: row[4] for row in files["manual_scores.csv"][1:]}
    assert essays == {"'=1+1": "'=cmd|' /c calc'!A0", "'@SUM(A1)": "'+1+1", "'＝HYPERLINK(1)": "'\t=2",
                      "'-2+3": "'-", "ann": "Fine."}
    assert {from_spreadsheet(k): from_spreadsheet(v) for k, v in essays.items()} == STUDENTS


def test_scores_entered_in_the_quoted_file_are_read_back(graded):
    """The instructor fills in `points` next to the quoted names; the next run merges them into every file."""
    root, files = graded
    points = {"'-2+3": "1", "'=1+1": "2", "'@SUM(A1)": "1.5", "ann": "0", "'＝HYPERLINK(1)": "2"}
    rows = [files["manual_scores.csv"][0]] + [[r[0], r[1], points[r[0]], *r[3:]] for r in files["manual_scores.csv"][1:]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (root / "out" / "manual_scores.csv").write_text(buffer.getvalue(), encoding="utf-8")
    again = grade(root)
    assert {row[0]: row[3] for row in again["gradebook.csv"][1:]} == points
    assert {row[0]: row[1] for row in again["lms.csv"][1:]}["'=1+1"] == "3"
    assert {row[0]: row[2] for row in again["manual_scores.csv"][1:]} == points
