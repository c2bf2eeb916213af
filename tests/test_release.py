"""Release turns a solution notebook into a student copy with stubs, locks and no keys."""
import json
from pathlib import Path

import nbformat
import pytest

from mktlab.exercises.check import KEYS_DIR, QUESTION_MIME
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
        assert locked == (role in ("text", "setup", "check")), (role, cell.source[:60])
        if role in ("answer", "check"):
            assert cell.outputs == [] and cell.execution_count is None
        assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.get("outputs", []))
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
