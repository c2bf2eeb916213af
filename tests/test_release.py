"""Release turns a solution notebook into a student copy with stubs, locks and no keys."""
import json
from pathlib import Path

import nbformat
import pytest

from mktlab.exercises.check import KEYS_DIR, QUESTION_MIME, source_digest
from mktlab.exercises.release import (BEGIN, HIDDEN, ReleaseError, cell_role, release_all,
                                      release_notebook, stub_source)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def test_stubs_replace_assignments_and_function_bodies():
    """`x = 1` becomes `x = ...`; a def keeps its signature and docstring and returns `...`."""
    source = f'{BEGIN}\nx = 1\ndef f(a, b=2):\n    """Add."""\n    return a + b\n### END SOLUTION\nprint(x)'
    assert stub_source(source).splitlines()[1:] == [
        "x = ...", "def f(a, b=2):", '    """Add."""', "    return ...", "print(x)"]


@pytest.mark.parametrize("source", [f"{BEGIN}\nx = 1", "x = 1\n### END SOLUTION",
                                    f"{BEGIN}\nfor i in range(3):\n    x = i\n### END SOLUTION"])
def test_malformed_solution_regions_are_refused(source):
    """Unclosed markers and statements that cannot be stubbed stop the release with a reason."""
    with pytest.raises(ReleaseError):
        stub_source(source)


def test_a_hidden_cell_without_its_stored_key_stops_release():
    """An unexecuted solution cannot be released: the key comes from the stored output."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"{HIDDEN}\nex.number('x', 1)"),
                                         nbformat.v4.new_code_cell('ex.check("x")')])
    with pytest.raises(ReleaseError, match="no stored answer key"):
        release_notebook(nb, "99_demo")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_student_copy_has_stubs_locks_and_no_keys(path):
    """No solution markers, hidden cells or key outputs survive; prompts and checks are locked."""
    student, keys = release_notebook(nbformat.read(path, as_version=4), path.stem)
    text = nbformat.writes(student)
    assert BEGIN not in text and HIDDEN not in text and QUESTION_MIME not in text
    for cell in student.cells:
        role = cell_role(cell)
        locked = cell.metadata.get("editable") is False and cell.metadata.get("deletable") is False
        assert locked == (role in ("text", "setup", "check", "progress")), (role, cell.source[:60])
        if role in ("answer", "check", "progress"):
            assert cell.outputs == [] and cell.execution_count is None
        assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.get("outputs", []))
    assert cell_role(student.cells[-1]) == "progress"  # every lesson ends with the running score
    for q in keys["questions"]:
        if q["kind"] == "manual":  # a written answer: its key names the rubric and holds no answer
            assert set(q) == {"qid", "kind", "points", "hint", "rubric"}, q
        else:
            assert "hash" in q or "hashes" in q or "cases" in q, q


def test_release_is_in_sync():
    """`mktlab release --check` finds nothing to update: the committed copies are current."""
    assert release_all(ROOT / "solutions", ROOT / "notebooks", KEYS_DIR, check=True) == []


def test_every_lesson_has_a_student_copy_and_keys():
    """Each solution has a same-named student notebook and key file, and nothing extra."""
    stems = {p.stem for p in SOLUTIONS}
    assert {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")} == stems
    assert {p.stem for p in KEYS_DIR.glob("*.json")} == stems
    for stem in stems:
        assert json.loads((KEYS_DIR / f"{stem}.json").read_text(encoding="utf-8"))["lesson"] == stem


# --- an instructor's traps: each is refused with the lesson, cell, question and what to do ----------------

def tiny_solution(answer="clv_200 = 200 * 0.9 / (1 + 0.08 - 0.9)", hidden='ex.number("clv_200", 1000, hint="h")',
                  check='ex.check("clv_200")', spec=None):
    """A one-question solution whose hidden cell stores the key it would store when run."""
    v4 = nbformat.v4
    hidden = f"{HIDDEN}\n{hidden}"
    spec = spec or {"qid": "clv_200", "kind": "number", "points": 1, "hint": "h", "answer": 1000, "decimals": 0}
    cells = [v4.new_code_cell('from mktlab.exercises import Exercises\nex = Exercises("99_demo")'),
             v4.new_markdown_cell("The CLV at m = 200?"),
             v4.new_code_cell(f"{BEGIN}\n{answer}\n### END SOLUTION"),
             v4.new_code_cell(hidden, outputs=[v4.new_output(
                 "display_data", data={QUESTION_MIME: {**spec, "cell": source_digest(hidden)}})]),
             v4.new_code_cell(check)]
    return v4.new_notebook(cells=cells)


def test_a_key_made_by_an_earlier_version_of_its_hidden_cell_stops_release():
    """A hint edited but not re-run would ship the old hint: release names the cell and says re-run."""
    nb = tiny_solution()
    nb.cells[3].source = nb.cells[3].source.replace('hint="h"', 'hint="a better hint"')
    with pytest.raises(ReleaseError, match=r"99_demo, cell 4 \(id .+\), question 'clv_200': .*earlier version.*"
                                           r"re-run the solution notebook top to bottom, save it"):
        release_notebook(nb, "99_demo")


def test_a_key_stored_without_the_digest_of_its_cell_stops_release():
    """A key saved by an older mktlab, or not from a notebook kernel, cannot be trusted to be current."""
    nb = tiny_solution()
    del nb.cells[3].outputs[0]["data"][QUESTION_MIME]["cell"]
    with pytest.raises(ReleaseError, match="does not say which cell made it .*re-run the solution notebook"):
        release_notebook(nb, "99_demo")


def test_a_hidden_cell_run_in_a_kernel_stores_the_digest_of_its_source(tmp_path):
    """Run in a real kernel, a hidden cell records what made its key; an edit after the run is caught."""
    from nbclient import NotebookClient

    nb = tiny_solution()
    for cell in nb.cells:
        cell.outputs = []
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    assert release_notebook(nb, "99_demo")[1]["questions"][0]["qid"] == "clv_200"
    nb.cells[3].source += "  # edited"
    with pytest.raises(ReleaseError, match="earlier version"):
        release_notebook(nb, "99_demo")


@pytest.mark.parametrize("answer, message", [
    ("clv200 = 1000", r"cell 5 .*question 'clv_200': the answer \(cell 3\) assigns \['clv200'\], not clv_200.*"
                      "not answered yet"),
    ("def clv_200():\n    return 1000", "it defines a function clv_200, so register the key with ex.function"),
    ("for i in range(3):\n    clv_200 = i", r"cell 3 \(id .+\): cannot make a stub for line 1 .*'for i in range"),
])
def test_an_answer_that_does_not_assign_the_question_stops_release(answer, message):
    """The answer region must assign the question's name; the error names the cells and the fix."""
    with pytest.raises(ReleaseError, match=message):
        release_notebook(tiny_solution(answer=answer), "99_demo")


@pytest.mark.parametrize("spec, message", [
    ({"qid": "clv_200", "kind": "choice", "options": ["a", "b"], "answer": "c"}, "'c' is not one of the options"),
    ({"qid": "clv_200", "kind": "number", "answer": "1000"}, "needs a number"),
    ({"qid": "clv_200", "kind": "essay"}, "unknown kind 'essay'"),
])
def test_a_key_whose_kind_and_options_disagree_stops_release(spec, message):
    """A choice whose answer is not an option, or a number key that is text, is caught before students see it."""
    with pytest.raises(ReleaseError, match=f"question 'clv_200': .*{message}"):
        release_notebook(tiny_solution(spec={"points": 1, "hint": "", **spec}), "99_demo")


def test_a_check_without_key_and_a_key_without_check_are_named():
    """A misspelt check names both cells' questions."""
    with pytest.raises(ReleaseError, match=r"cell 5 .*question 'clv200': no hidden key for this check"):
        release_notebook(tiny_solution(check='ex.check("clv200")'), "99_demo")
    nb = tiny_solution()
    nb.cells.append(nbformat.v4.new_code_cell('ex.check("clv_200")'))
    with pytest.raises(ReleaseError, match="already checked in cell 5"):
        release_notebook(nb, "99_demo")


def test_tuple_assignments_and_comments_on_hidden_and_check_cells_are_accepted():
    """`m, r, d = ...` gives a stub per name; a comment above ### HIDDEN or after the check is fine."""
    nb = tiny_solution(answer="m, r, d = 200, 0.9, 0.08\nclv_200 = m * r / (1 + d - r)",
                       check='ex.check("clv_200")  # run me')
    hidden = f"# the key of the CLV question\n{nb.cells[3].source}"
    nb.cells[3].source = hidden
    nb.cells[3].outputs[0]["data"][QUESTION_MIME]["cell"] = source_digest(hidden)
    student, keys = release_notebook(nb, "99_demo")
    assert [c.source for c in student.cells][2].splitlines()[1:] == ["m = ...", "r = ...", "d = ...", "clv_200 = ..."]
    assert HIDDEN not in nbformat.writes(student) and [q["qid"] for q in keys["questions"]] == ["clv_200"]


def test_normalising_makes_a_re_run_a_no_op():
    """Timestamps, widget state and ids and shifted execution counts vanish; a second pass changes nothing."""
    from mktlab.exercises.release import normalize

    path = ROOT / "solutions" / "02_marketing_mix.ipynb"
    clean = nbformat.writes(normalize(nbformat.read(path, as_version=4)))
    rerun = nbformat.read(path, as_version=4)
    rerun.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}}}
    widgets = 0
    for n, cell in enumerate(rerun.cells):
        cell.metadata["execution"] = {"iopub.status.busy": f"2026-11-30T18:{n % 60:02d}:00Z"}
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count += 40
        if cell.source.startswith("# NBVAL_IGNORE_OUTPUT"):  # a widget: a view with a new model id on each run
            view = {"model_id": f"{n:032x}", "version_major": 2, "version_minor": 0}
            cell.outputs.append(nbformat.v4.new_output("display_data", data={
                "application/vnd.jupyter.widget-view+json": view, "text/plain": "VBox(children=(...))"}))
            widgets += 1
    assert widgets and "model_id" in nbformat.writes(rerun)
    assert nbformat.writes(normalize(rerun)) == clean
    assert "model_id" not in clean and "iopub" not in clean and "widget-state" not in clean


def test_a_mistake_that_is_the_right_answer_stops_release():
    """Listing the right answer among the mistakes would tell a correct student they are wrong."""
    spec = {"qid": "clv_200", "kind": "number", "points": 1, "hint": "", "answer": 1000, "decimals": 0,
            "mistakes": [[1000.4, "use a fraction"]]}
    with pytest.raises(ReleaseError, match="question 'clv_200': the listed mistake 1000.4 is accepted as the right"):
        release_notebook(tiny_solution(spec=spec), "99_demo")
