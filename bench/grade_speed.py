"""Benchmark: seconds per submission when grading lesson 01, with --jobs 1 and --jobs 2.

Generates N submissions (the student copy with a random, seeded half of the
answers filled in from the solution) and grades them twice in the same run,
so the two figures are measured under the same machine load.

    python bench/grade_speed.py --n 20
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import nbformat

from mktlab.exercises.grade import find_lesson, grade_class
from mktlab.exercises.release import cell_role

ROOT = Path(__file__).resolve().parent.parent


def make_submissions(folder, lesson, n, seed=1):
    """Write ``n`` student folders, each answering a random half of the questions correctly."""
    solution = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    answers = {c.id: c.source for c in solution.cells if cell_role(c) == "answer"}
    student = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", as_version=4)
    rng = random.Random(seed)
    for i in range(n):
        nb = nbformat.from_dict(student)
        for cell in nb.cells:
            if cell.get("id") in answers and rng.random() < 0.5:
                cell.source = answers[cell.id]
        (folder / f"student{i:03d}").mkdir(parents=True)
        nbformat.write(nb, folder / f"student{i:03d}" / f"{lesson}.ipynb")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="number of submissions")
    parser.add_argument("--lesson", default="01_marketing_concepts")
    args = parser.parse_args()
    lesson = find_lesson(ROOT / "solutions", args.lesson)
    with tempfile.TemporaryDirectory() as tmp:
        make_submissions(Path(tmp), lesson.stem, args.n)
        figures = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            results = grade_class(lesson, tmp, jobs=jobs, timeout=30)
            figures[jobs] = (time.perf_counter() - start) / len(results)
            assert all(r.status == "ok" for r in results), [r.status for r in results]
            print(f"--jobs {jobs}: {figures[jobs]:.2f} s per submission "
                  f"({1 / figures[jobs]:.2f} submissions/s, {len(results)} submissions)")
    print(f"speed-up of --jobs 2 over --jobs 1: {figures[1] / figures[2]:.2f}x")


if __name__ == "__main__":
    main()
