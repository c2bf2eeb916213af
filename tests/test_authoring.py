"""`mktlab new-exercise`: from a blank exercise to a released one, as CONTRIBUTING.md tells an instructor."""
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from mktlab.cli import main
from mktlab.exercises.release import ReleaseError, release_all

ROOT = Path(__file__).resolve().parent.parent
STEM = "01_tiny"


def lesson():
    v4 = nbformat.v4
    return v4.new_notebook(cells=[
        v4.new_code_cell(f'from mktlab.exercises import Exercises\nex = Exercises("{STEM}")'),
        v4.new_markdown_cell("When was relationship marketing coined?"),
        v4.new_code_cell("### BEGIN SOLUTION\nyear = 1983\n### END SOLUTION"),
        v4.new_code_cell('### HIDDEN\nex.number("year", 1983)'),
        v4.new_code_cell('ex.check("year")'),
        v4.new_markdown_cell("## Summary")])


def test_a_new_exercise_goes_from_placeholders_to_a_released_question(tmp_path, capsys):
    """Cells land after the named question; release refuses the TODOs, then the unrun key; then it releases."""
    sols = tmp_path / "solutions"
    sols.mkdir()
    path = sols / f"{STEM}.ipynb"
    nbformat.write(lesson(), path)
    assert main(["--solutions", str(sols), "new-exercise", "1", "number", "clv_200", "--after", "year"]) == 0
    assert "replace each TODO" in capsys.readouterr().out
    nb = nbformat.read(path, as_version=4)
    assert [c.source.splitlines()[-1] for c in nb.cells[5:9]] == [
        "**Exercise.** TODO: the question. Store it in `clv_200`.", "### END SOLUTION",
        'ex.number("clv_200", 0, decimals=2, hint="TODO: a hint for a wrong answer")', 'ex.check("clv_200")']
    out = [tmp_path / "notebooks", tmp_path / "keys"]
    with pytest.raises(ReleaseError, match=r"01_tiny, cell 6 .*still says TODO"):
        release_all(sols, *out)

    nb.cells[5].source = "The CLV of a customer with margin 200, retention 0.9 and discount rate 0.08?"
    nb.cells[6].source = "### BEGIN SOLUTION\nm, r, d = 200, 0.9, 0.08\nclv_200 = m * r / (1 + d - r)\n### END SOLUTION"
    nb.cells[7].source = '### HIDDEN\nex.number("clv_200", 1000, decimals=2, mistakes={12.5: "d is 0.08, not 8"})'
    nbformat.write(nb, path)
    with pytest.raises(ReleaseError, match="no stored answer key: re-run the solution notebook top to bottom"):
        release_all(sols, *out)

    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    nbformat.write(nb, path)
    release_all(sols, *out)
    student = nbformat.read(tmp_path / "notebooks" / f"{STEM}.ipynb", as_version=4)
    assert "m = ...\nr = ...\nd = ...\nclv_200 = ..." in student.cells[5].source
    keys = json.loads((tmp_path / "keys" / f"{STEM}.json").read_text(encoding="utf-8"))
    assert [q["qid"] for q in keys["questions"]] == ["year", "clv_200"] and "1000" not in json.dumps(keys)


def test_a_new_exercise_needs_a_new_name_and_an_existing_question_to_follow(tmp_path, capsys):
    """A taken name or an unknown --after is refused with the names to choose from; nothing is written."""
    sols = tmp_path / "solutions"
    sols.mkdir()
    nbformat.write(lesson(), sols / f"{STEM}.ipynb")
    before = (sols / f"{STEM}.ipynb").read_text(encoding="utf-8")
    assert main(["--solutions", str(sols), "new-exercise", "1", "choice", "year", "--after", "year"]) == 2
    assert main(["--solutions", str(sols), "new-exercise", "1", "choice", "bond", "--after", "nope"]) == 2
    err = capsys.readouterr().err
    assert "already has a question 'year'" in err and "no question 'nope' to add after: use one of year" in err
    assert (sols / f"{STEM}.ipynb").read_text(encoding="utf-8") == before


def test_a_new_choice_exercise_shows_each_student_their_own_letters(tmp_path):
    """The choice template shuffles: release refuses the TODO options, then stores one key per student order."""
    sols = tmp_path / "solutions"
    sols.mkdir()
    path = sols / f"{STEM}.ipynb"
    nbformat.write(lesson(), path)
    assert main(["--solutions", str(sols), "new-exercise", "1", "choice", "bond", "--after", "year"]) == 0
    nb = nbformat.read(path, as_version=4)
    out = [tmp_path / "notebooks", tmp_path / "keys"]
    nb.cells[5].source = "Which bond is hardest to copy? Run the cell below for your options."
    nbformat.write(nb, path)
    with pytest.raises(ReleaseError, match=r"01_tiny, cell 7 .*still says TODO"):  # the options
        release_all(sols, *out)

    nb.cells[6].source = 'ex.options("bond", ["financial", "social", "structural"])'
    nb.cells[7].source = '### BEGIN SOLUTION\nbond = ex.letters("bond", "c")\n### END SOLUTION'
    nb.cells[8].source = '### HIDDEN\nex.choice("bond", ["a", "b", "c"], "c")'
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    nbformat.write(nb, path)
    release_all(sols, *out)
    keys = json.loads((tmp_path / "keys" / f"{STEM}.json").read_text(encoding="utf-8"))
    bond = next(q for q in keys["questions"] if q["qid"] == "bond")
    assert len({v["hash"] for v in bond["variants"]}) == 3  # the right letter moves with the order
    student = nbformat.read(tmp_path / "notebooks" / f"{STEM}.ipynb", as_version=4)
    assert student.cells[5].metadata["mktlab"]["role"] == "setup" and student.cells[5].outputs == []
    assert student.cells[6].source.splitlines()[1] == "bond = ..."
