"""Benchmark: seconds per submission for `mktlab grade` (--jobs 1 and 2) and for nbgrader's autograde.

Generates N submissions of a lesson (the student copy with a seeded random half
of the answers filled in from the solution), grades them with the command line
as an instructor would (`python -m mktlab grade LESSON SUBS --out OUT --fresh
--jobs J`, start-up included; the best of ``--repeat`` interleaved runs, since
other work on the machine adds noise), and then grades *equivalent* submissions with
nbgrader's `autograde` in the same run, on the same machine load:

* the nbgrader version of the lesson has the same cells; each check cell becomes
  an nbgrader test cell that asserts the same answer key (hidden cases included);
* the submissions fill in the same answer cells as ours;
* both graders run the same Python kernel (this project's environment).

nbgrader is never a dependency of the course: the benchmark installs it into a
throw-away virtual environment of its own (``--nbgrader-venv``, default
``/tmp/nbg-venv``) with pip.  If that cannot be done, it says so and prints the
rest.

    python bench/grade_speed.py --n 30
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from mktlab.exercises.grade import find_lesson
from mktlab.exercises.release import cell_role, check_qid, question_specs

ROOT = Path(__file__).resolve().parent.parent
NBGRADER = "nbgrader==0.9.6"


def choices(solution, n, seed=1):
    """For each student, the set of answer-cell positions they fill in (a seeded random half)."""
    answers = [i for i, c in enumerate(solution.cells) if cell_role(c) == "answer"]
    rng = random.Random(seed)
    return [{i for i in answers if rng.random() < 0.5} for _ in range(n)]


def filled_copy(lesson, picked):
    """The student copy of `lesson`, with the answer cells at positions `picked` replaced by the solution's."""
    solution = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    by_id = {c.get("id"): i for i, c in enumerate(solution.cells)}
    nb = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        i = by_id.get(cell.get("id"))
        if i in picked:
            cell.source = solution.cells[i].source
    return nb


def make_submissions(folder, lesson, picks):
    """Our format: one folder per student, holding the student copy filled in as `picks` says."""
    for k, picked in enumerate(picks):
        (folder / f"student{k:03d}").mkdir(parents=True)
        nbformat.write(filled_copy(lesson, picked), folder / f"student{k:03d}" / f"{lesson}.ipynb")


def time_ours(lesson, subs, out, jobs):
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "mktlab", "grade", lesson, str(subs), "--out", str(out), "--fresh",
                          "--jobs", str(jobs)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(handle)]
    return seconds, rows, {row["status"] for row in rows}


# --- nbgrader ------------------------------------------------------------------------


def _same_src():
    return ("def _same(a, b, d):\n"
            "    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):\n"
            "        return len(a) == len(b) and all(_same(x, y, d) for x, y in zip(a, b))\n"
            "    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):\n"
            "        return round(float(a), d) == round(float(b), d)\n"
            "    if isinstance(a, str) and isinstance(b, str):\n"
            "        return ' '.join(a.split()).lower() == ' '.join(b.split()).lower()\n"
            "    return a == b\n")


def test_source(spec):
    """An nbgrader test cell asserting the same key as our judge (for the kinds lesson 01 uses)."""
    q, kind, answer = spec["qid"], spec["kind"], spec.get("answer")
    if kind == "number":
        return f"assert abs(float({q}) - {answer!r}) <= 10 ** -{spec.get('decimals', 0)}"
    if kind == "choice" and isinstance(answer, list):
        return f"assert sorted(s.lower() for s in {q}) == sorted(s.lower() for s in {answer!r})"
    if kind == "choice":
        return f"assert str({q}).strip().lower() == {answer!r}.lower()"
    if kind in ("truefalse", "order"):
        return f"assert list({q}) == {answer!r}"
    if kind == "match":
        return f"assert dict({q}) == {answer!r}"
    if kind == "table":
        d = spec.get("decimals", 6)
        return (_same_src() + f"_t = {q}\n_t = _t.to_frame() if not hasattr(_t, 'columns') else _t\n"
                f"assert list(map(str, _t.columns)) == list(map(str, {answer['columns']!r}))\n"
                f"assert _same(_t.values.tolist(), {answer['data']!r}, {d})")
    if kind == "function":
        cases = spec["cases"] + spec.get("hidden", [])
        return (_same_src() + f"for _args, _expected in {cases!r}:\n"
                f"    assert _same({q}(*_args), _expected, {spec.get('decimals', 6)})")
    return "pass"  # a written answer: graded by hand in nbgrader too


def nbgrader_source(lesson):
    """The lesson as an nbgrader source notebook: solution cells, and test cells in place of checks."""
    solution = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    specs = question_specs(solution)
    cells, positions = [], {}
    for i, cell in enumerate(solution.cells):
        role = cell_role(cell)
        if role == "hidden":
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if role == "answer":
            cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                         "grade_id": f"answer_{i}", "schema_version": 3}
            positions[f"answer_{i}"] = i
        elif role == "check":
            spec = specs[check_qid(cell.source)]
            cell.source = test_source(spec)
            cell.metadata["nbgrader"] = {"solution": False, "grade": True, "locked": True, "points": spec["points"],
                                         "grade_id": f"test_{spec['qid']}", "schema_version": 3}
        cells.append(cell)
    solution.cells = cells
    solution.metadata["kernelspec"] = {"name": "mktlab-bench", "display_name": "mktlab bench", "language": "python"}
    return solution, positions


def nbgrader_venv(path):
    """The nbgrader command, installing nbgrader into its own venv when needed; ``None`` if that fails."""
    path = Path(path)
    command = path / "bin" / "nbgrader"
    if command.exists():
        return command
    print(f"setting up nbgrader in a throw-away venv: {path} ({NBGRADER})", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(path / "bin" / "pip"), "install", "-q", NBGRADER], check=True, capture_output=True,
                       timeout=1200)
    except (subprocess.SubprocessError, OSError) as err:
        print(f"nbgrader could not be set up ({type(err).__name__}); skipping the comparison")
        return None
    return command if command.exists() else None


def time_nbgrader(command, lesson, picks, work):
    """Seconds for `nbgrader autograde` of the equivalent submissions; also the scores it gave."""
    course = work / "course"
    source, positions = nbgrader_source(lesson)
    (course / "source" / "lesson").mkdir(parents=True)
    nbformat.write(source, course / "source" / "lesson" / f"{lesson}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\nc.ExecutePreprocessor.timeout = 30\n"
        "c.Execute.timeout = 30\n")
    kernels = work / "jupyter" / "kernels" / "mktlab-bench"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "mktlab bench", "language": "python"}))
    env = {**os.environ, "JUPYTER_PATH": str(work / "jupyter"),
           "PATH": f"{Path(command).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    steps = [["db", "assignment", "add", "lesson"], ["generate_assignment", "lesson", "--force"]]
    for step in steps:
        done = subprocess.run([str(command), *step], cwd=course, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(step)}: {done.stderr[-1500:]}")
    released = nbformat.read(course / "release" / "lesson" / f"{lesson}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    for k, picked in enumerate(picks):
        nb = copy.deepcopy(released)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if positions.get(grade_id) in picked:
                cell.source = solution.cells[positions[grade_id]].source
        folder = course / "submitted" / f"student{k:03d}" / "lesson"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")
    start = time.perf_counter()
    run = subprocess.run([str(command), "autograde", "lesson", "--create", "--force"], cwd=course, env=env,
                         capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(run.stderr[-2000:])
    export = subprocess.run([str(command), "export", "--to", str(work / "grades.csv")], cwd=course, env=env,
                            capture_output=True, text=True)
    scores = {}
    if export.returncode == 0 and (work / "grades.csv").exists():
        with open(work / "grades.csv", encoding="utf-8") as handle:
            scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(handle)}
    return seconds, scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="number of submissions (default 30)")
    parser.add_argument("--lesson", default="01_marketing_concepts")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each --jobs setting; the best counts")
    parser.add_argument("--nbgrader-venv", default="/tmp/nbg-venv", help="where nbgrader is (or gets) installed")
    parser.add_argument("--skip-nbgrader", action="store_true", help="measure mktlab only")
    args = parser.parse_args()
    lesson = find_lesson(ROOT / "solutions", args.lesson).stem
    solution = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    picks = choices(solution, args.n)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), "
          f"Python {platform.python_version()}; {args.n} submissions of {lesson}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_submissions(tmp / "subs", lesson, picks)
        figures, books = {1: [], 2: []}, {}
        for jobs in [1, 2] * args.repeat:  # interleaved, so that a burst of load elsewhere hits both
            seconds, rows, statuses = time_ours(lesson, tmp / "subs", tmp / f"out{jobs}", jobs)
            assert statuses == {"ok"}, statuses
            figures[jobs].append(seconds / args.n)
            books[jobs] = rows
        figures = {jobs: min(times) for jobs, times in figures.items()}
        for jobs in (1, 2):
            print(f"mktlab grade --jobs {jobs}: {figures[jobs]:.2f} s per submission "
                  f"({1 / figures[jobs]:.2f} submissions/s; {figures[jobs] * args.n:.1f} s for {args.n}, "
                  f"start-up included; best of {args.repeat})", flush=True)
        assert books[1] == books[2], "the two runs gave different gradebooks"
        print(f"speed-up of --jobs 2 over --jobs 1: {figures[1] / figures[2]:.2f}x")
        if args.skip_nbgrader:
            print("nbgrader: skipped (--skip-nbgrader)")
            return
        command = nbgrader_venv(args.nbgrader_venv)
        if command is None:
            print("nbgrader: not available; no comparison")
            return
        try:
            seconds, scores = time_nbgrader(command, lesson, picks, tmp / "nbgrader")
        except (subprocess.SubprocessError, RuntimeError, OSError) as err:
            print(f"nbgrader: autograde failed, no comparison ({str(err).strip()[-300:]})")
            return
        per = seconds / args.n
        ours = {r["student"]: float(r["total"]) for r in books[1]}
        agree = sum(abs(scores.get(s, -1) - t) < 1e-6 for s, t in ours.items())
        print(f"nbgrader autograde (sequential): {per:.2f} s per submission ({seconds:.1f} s for {args.n}); "
              f"same total as mktlab for {agree} of {args.n} students")
        print(f"nbgrader / mktlab: {per / figures[1]:.1f}x slower than --jobs 1, {per / figures[2]:.1f}x slower "
              f"than --jobs 2")


if __name__ == "__main__":
    main()
