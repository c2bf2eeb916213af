"""Every lesson, end to end: its solution earns full marks and its untouched student copy earns nothing.

Each lesson is graded once, as a class of two (the solution notebook and the
released copy), in one worker: on a busy 2-core machine that was faster than
two workers, whose start-up costs more than the second notebook (all 11
lessons: 90 s with one job, 160 s with two).  The README's course map is
checked against the keys, so its exercise counts cannot go stale.
"""
import json
import re
import shutil
from pathlib import Path

import pytest

from mktlab.exercises.check import KEYS_DIR
from mktlab.exercises.grade import Limits, find_lesson, grade_class

ROOT = Path(__file__).resolve().parent.parent
STEMS = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Per lesson, the results of the solution and of the untouched copy, by student name."""
    results = {}
    for stem in STEMS:
        folder = tmp_path_factory.mktemp(stem)
        for student, source in (("solution", ROOT / "solutions"), ("untouched", ROOT / "notebooks")):
            (folder / student).mkdir()
            shutil.copy(source / f"{stem}.ipynb", folder / student / f"{stem}.ipynb")
        lesson = find_lesson(ROOT / "solutions", stem)
        graded_class = grade_class(lesson, folder, jobs=1, limits=Limits(cell_timeout=60, total_timeout=300))
        results[stem] = (lesson, {r.student: r for r in graded_class})
    return results


@pytest.mark.parametrize("stem", STEMS)
def test_the_solution_earns_full_marks(graded, stem):
    """Every auto-graded question is correct; a written answer waits for the instructor (pending)."""
    lesson, results = graded[stem]
    result = results["solution"]
    assert result.status == "ok", result.flags
    wrong = {q: v for q, v in result.verdicts.items() if v[1] not in ("correct", "pending")}
    assert not wrong
    manual = sum(k["points"] for k in lesson.keys.values() if k["kind"] == "manual")
    assert result.total == pytest.approx(lesson.max_points - manual)


@pytest.mark.parametrize("stem", STEMS)
def test_the_untouched_student_copy_runs_and_earns_nothing(graded, stem):
    """Run All on the released copy reaches the end with every question unanswered."""
    lesson, results = graded[stem]
    result = results["untouched"]
    assert result.status == "ok" and not result.flags
    assert {v[1] for v in result.verdicts.values()} == {"unanswered"} and result.total == 0
    assert set(result.verdicts) == set(lesson.keys)


def test_the_readme_course_map_counts_every_lesson_exercises():
    """Each course-map row names its lesson and says how many exercises its keys hold."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\d\d_\w+)` \|.*?(\d+) exercises", readme, re.M))
    counts = {stem: str(len(json.loads((KEYS_DIR / f"{stem}.json").read_text(encoding="utf-8"))["questions"]))
              for stem in STEMS}
    assert rows == counts
