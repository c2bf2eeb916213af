"""The class report, the LMS file, hand-graded questions and the progress display.

A tiny made-up lesson (one number question and one written answer) keeps this
fast; it lives in a temporary ``solutions/`` folder given with ``--solutions``.
"""
import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from mktlab.cli import main
from mktlab.exercises.check import QUESTION_MIME, source_digest
from mktlab.exercises.progress import Progress
from mktlab.exercises.release import release_notebook

STEM = "01_tiny"
SPECS = [{"qid": "year", "kind": "number", "points": 1, "hint": "", "answer": 1983, "decimals": 0},
         {"qid": "essay", "kind": "manual", "points": 2, "hint": "", "rubric": "two reasons"}]


def hidden_cell(source, spec):
    """A hidden cell with the key it stores when run (the key records the digest of its source)."""
    output = nbformat.v4.new_output("display_data", data={QUESTION_MIME: {**spec, "cell": source_digest(source)}})
    return nbformat.v4.new_code_cell(source, outputs=[output])


def solution():
    v4 = nbformat.v4
    cells = [v4.new_markdown_cell("# A tiny lesson"),
             v4.new_code_cell(f'from mktlab.exercises import Exercises\nex = Exercises("{STEM}")'),
             v4.new_markdown_cell("When was relationship marketing coined? A number."),
             v4.new_code_cell("### BEGIN SOLUTION\nyear = 1983\n### END SOLUTION"),
             hidden_cell('### HIDDEN\nex.number("year", 1983)', SPECS[0]),
             v4.new_code_cell('ex.check("year")'),
             v4.new_markdown_cell("Why keep customers? Text."),
             v4.new_code_cell('### BEGIN SOLUTION\nessay = "Because ..."\n### END SOLUTION'),
             hidden_cell('### HIDDEN\nex.manual("essay", points=2)', SPECS[1]),
             v4.new_code_cell('ex.check("essay")')]
    return v4.new_notebook(cells=cells)


def student(year=None, essay=None):
    nb, _ = release_notebook(solution(), STEM)
    for cell in nb.cells:
        if cell.source.endswith("year = ...") and year is not None:
            cell.source = f"year = {year}"
        if cell.source.endswith("essay = ...") and essay is not None:
            cell.source = f"essay = {essay!r}"
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    (root / "solutions").mkdir()
    nbformat.write(solution(), root / "solutions" / f"{STEM}.ipynb")
    subs = root / "submissions"
    for name, nb in {"ann": student(1983, "Loyal customers cost less to serve."),
                     "bo": student(1960, "Because."), "cy": student(1960), "di": student(1970),
                     "ed": student()}.items():
        (subs / name).mkdir(parents=True)
        nbformat.write(nb, subs / name / f"{STEM}.ipynb")
    (subs / "fay").mkdir()
    return root


def grade(course, *extra):
    out = io.StringIO()
    args = ["--solutions", str(course / "solutions"), "grade", "1", str(course / "submissions"),
            "--out", str(course / "out"), "--jobs", "2", "--timeout", "10", *extra]
    from contextlib import redirect_stdout

    with redirect_stdout(out):
        assert main(args) == 0
    rows = list(csv.DictReader(open(course / "out" / "gradebook.csv", newline="", encoding="utf-8")))
    return {r["student"]: r for r in rows}, out.getvalue()


@pytest.fixture(scope="module")
def first(course):
    return grade(course)


def test_written_answers_stay_pending_until_scored(first, course):
    """Ann and Bo wrote an essay: 'pending' in the gradebook, a row each in manual_scores.csv, no LMS grade."""
    rows, printed = first
    assert rows["ann"]["essay"] == "pending" and rows["ann"]["year"] == "1" and rows["ann"]["total"] == "1"
    assert rows["cy"]["essay"] == "0"  # nothing written: nothing to grade
    assert "pending: 1 question(s)" in rows["bo"]["flags"]
    scores = list(csv.DictReader(open(course / "out" / "manual_scores.csv", encoding="utf-8")))
    assert [(r["student"], r["question"], r["points"], r["max"]) for r in scores] == \
        [("ann", "essay", "", "2"), ("bo", "essay", "", "2")]
    assert scores[0]["answer"] == "Loyal customers cost less to serve."
    lms = (course / "out" / "lms.csv").read_text(encoding="utf-8").splitlines()
    assert lms[0] == f"Username,{STEM},Feedback"
    assert lms[1].startswith("ann,,")  # an empty grade: Moodle records none yet
    assert "written answers to grade" in printed


def test_second_run_merges_the_instructors_scores(first, course):
    """Entering 2 for Ann and 0.5 for Bo and running again: totals 3 and 0.5, all from the cache."""
    path = course / "out" / "manual_scores.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("ann,essay,,2", "ann,essay,2,2").replace("bo,essay,,2", "bo,essay,0.5,2")
    path.write_text(text, encoding="utf-8")
    rows, printed = grade(course)
    assert (rows["ann"]["essay"], rows["ann"]["total"]) == ("2", "3")
    assert (rows["bo"]["essay"], rows["bo"]["total"]) == ("0.5", "0.5")
    assert "5 unchanged and reused" in printed
    assert "ann,essay,2,2" in path.read_text(encoding="utf-8")  # the scores are kept
    lms = list(csv.reader(open(course / "out" / "lms.csv", encoding="utf-8")))
    assert lms[1][:2] == ["ann", "3"] and lms[-1][:2] == ["fay", "0"]
    feedback = (course / "out" / "feedback" / "ann.html").read_text(encoding="utf-8")
    assert "graded by your instructor: 2 of 2 points" in feedback


def test_report_shows_distribution_success_rates_and_common_wrong_answers(first, course):
    """report.html: one page, charts inline, 1960 is the most common wrong year (2 students), fay is missing."""
    page = (course / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert not re.search(r'(src|href)="(http|/|file:)', page)
    wrong = page.split("Most common wrong answers")[1]
    assert re.search(r"<code>1960</code></td><td class=n>2<", wrong)
    assert re.search(r"<code>1970</code></td><td class=n>1<", wrong)
    assert "fay</td><td>missing notebook" in page
    assert re.search(r"<code>year</code></td><td>number</td><td class=n>0.20 / 1</td><td class=n>20%", page)


def test_progress_bar_on_a_terminal():
    """On a terminal the bar is redrawn in place with the count, failures and an ETA."""
    stream = io.StringIO()
    clock = iter([0, 0, 10, 10, 20, 20]).__next__
    bar = Progress(4, stream=stream, tty=True, clock=clock)
    bar.update(SimpleNamespace(student="a", status="ok", total=1, seconds=1, cached=False))
    bar.update(SimpleNamespace(student="b", status="kernel died", total=0, seconds=1, cached=False))
    text = stream.getvalue()
    assert text.startswith("\r[") and "2/4" in text and "failed 1" in text and "ETA 0:" in text
    assert "\n" not in text


def test_plain_log_lines_when_not_a_terminal(course, tmp_path):
    """Run as a subprocess with output to a pipe: one line per student with the count, failures and ETA."""
    run = subprocess.run([sys.executable, "-m", "mktlab", "--solutions", str(course / "solutions"), "grade", "1",
                          str(course / "submissions"), "--out", str(tmp_path / "out"), "--jobs", "1"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 6 and "\r" not in run.stderr
    assert re.fullmatch(r"\[6/6\] .+; failed so far: 1; ETA 0:00", lines[-1])


def test_an_empty_class_gives_empty_files(course, tmp_path, capsys):
    """No student folder at all: exit 0, a gradebook and an LMS file with only their header rows, and a warning."""
    (tmp_path / "none").mkdir()
    assert main(["--solutions", str(course / "solutions"), "grade", "1", str(tmp_path / "none"),
                 "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8").count("\n") == 1
    assert (tmp_path / "out" / "lms.csv").read_text(encoding="utf-8") == f"Username,{STEM},Feedback\n"
    assert "has no student folders" in capsys.readouterr().err


def test_the_grader_warns_when_student_data_is_inside_a_git_work_tree(course, tmp_path, capsys):
    """Submissions and grades inside a repository could be committed: the grader says so and why."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "submissions").mkdir()
    assert main(["--solutions", str(course / "solutions"), "grade", "1", str(tmp_path / "submissions"),
                 "--out", str(tmp_path / "results")]) == 0
    err = capsys.readouterr().err
    assert f"--out folder is inside the git work tree {tmp_path}" in err and "PIPL, GDPR, FERPA" in err
    assert f"the submissions folder is inside the git work tree {tmp_path}" in err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_readme_example_folders_are_ignored_by_git():
    """`submissions/` and `results/` of the README's grading example never reach a commit."""
    root = Path(__file__).resolve().parent.parent
    paths = ["submissions/wang_li/01_marketing_concepts.ipynb", "results/gradebook.csv"]
    run = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=root, capture_output=True, text=True)
    assert run.stdout.split() == paths


def test_feedback_shows_the_students_own_answer_and_never_the_key(first, course):
    """Di answered 1970: her page shows 1970 beside the verdict, and nowhere the key's 1983."""
    page = (course / "out" / "feedback" / "di.html").read_text(encoding="utf-8")
    assert re.search(r"<td>year</td><td><code>1970</code></td><td>0 / 1</td>", page)
    assert "1983" not in page


def test_a_notebook_from_an_earlier_release_is_recognised_and_new_questions_are_excused(tmp_path):
    """Lesson revised after hand-out (an essay added): the old copy is flagged 'earlier release (missing: essay)',
    no locked cell counts as deleted, and the essay is excused unless --count-new-questions is given."""
    from mktlab.exercises.release import release_all

    sols, copies, keys, subs = (tmp_path / d for d in ("solutions", "notebooks", "keys", "submissions"))
    sols.mkdir()
    revised = solution()
    first = nbformat.v4.new_notebook(cells=revised.cells[:6])  # the year question only
    nbformat.write(first, sols / f"{STEM}.ipynb")
    release_all(sols, copies, keys)
    handed_out = nbformat.read(copies / f"{STEM}.ipynb", as_version=4)
    next(c for c in handed_out.cells if c.source.endswith("year = ...")).source = "year = 1983"
    (subs / "ann").mkdir(parents=True)
    nbformat.write(handed_out, subs / "ann" / f"{STEM}.ipynb")
    nbformat.write(revised, sols / f"{STEM}.ipynb")
    release_all(sols, copies, keys)
    history = json.loads((sols / "releases" / f"{STEM}.json").read_text(encoding="utf-8"))
    assert [e["questions"] for e in history] == [["year"], ["year", "essay"]]
    assert handed_out.metadata["mktlab"]["release"] == history[0]["release"]
    forged = nbformat.read(copies / f"{STEM}.ipynb", as_version=4)  # the new copy claiming the old stamp
    forged.metadata["mktlab"]["release"] = history[0]["release"]
    (subs / "bo").mkdir()
    nbformat.write(forged, subs / "bo" / f"{STEM}.ipynb")

    def row(*extra):
        assert main(["--solutions", str(sols), "grade", "1", str(subs), "--out", str(tmp_path / "out"), *extra]) == 0
        rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "out" / "gradebook.csv", newline="",
                                                              encoding="utf-8"))}
        assert (rows["bo"]["essay"], rows["bo"]["max"]) == ("0", "3")  # it has the essay's cells: not excused
        return rows["ann"]

    excused = row()
    assert f"earlier release {history[0]['release']} (missing: essay)" in excused["flags"]
    assert "deleted" not in excused["flags"]
    assert (excused["year"], excused["essay"], excused["total"], excused["max"]) == ("1", "excused", "1", "1")
    assert "<b>1</b> of <b>1</b> points" in (tmp_path / "out" / "feedback" / "ann.html").read_text(encoding="utf-8")
    counted = row("--count-new-questions")
    assert (counted["essay"], counted["total"], counted["max"]) == ("0", "1", "3")


def test_an_excused_question_does_not_lower_its_mean_or_success_rate():
    """bo's copy predates the second question: the report judges that question on ann alone."""
    from mktlab.exercises.grade import Lesson, Result, _finish, excuse_new_questions
    from mktlab.exercises.kinds import protect
    from mktlab.exercises.report import report_html

    keys = {q: protect({"qid": q, "kind": "number", "answer": 1983}, "s") for q in ("year", "later")}
    lesson = Lesson("01_demo", None, keys, "s")
    ann = _finish(Result("ann"), lesson, {"year": 1983, "later": 1983})
    bo = _finish(Result("bo", new_questions=["later"]), lesson, {"year": 1983})
    excuse_new_questions([ann, bo], lesson)
    page = report_html([ann, bo], lesson)
    later = re.search(r"<tr><td><code>later</code>.*?</tr>", page).group(0)
    assert "1.00 / 1" in later and ">100%<" in later and later.count("<td class=n>0</td>") == 5
