"""The command line: ``mktlab release`` and ``mktlab grade``.

It only parses arguments and calls the exercise engine.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _release(args):
    from .exercises.check import KEYS_DIR
    from .exercises.release import ReleaseError, release_all

    try:
        stale = release_all(args.solutions, args.notebooks, KEYS_DIR, check=args.check)
    except ReleaseError as err:
        print(f"mktlab release: {err}", file=sys.stderr)
        return 2
    if args.check:
        for path in stale:
            print(f"out of date: {path}")
        print("student copies are in sync" if not stale else "run `mktlab release` to update them")
        return 1 if stale else 0
    print(f"released {len(stale)} changed file(s)" if stale else "nothing to release: all in sync")
    return 0


def _grade(args):
    from .exercises.feedback import feedback_html
    from .exercises.grade import find_lesson, grade_class, gradebook_csv, write_atomic

    submissions = Path(args.submissions)
    if not submissions.is_dir():
        print(f"mktlab grade: no such folder: {submissions}", file=sys.stderr)
        return 2
    try:
        lesson = find_lesson(args.solutions, args.lesson)
    except FileNotFoundError as err:
        print(f"mktlab grade: {err}", file=sys.stderr)
        return 2
    done = []

    def progress(result, total):
        done.append(result)
        print(f"[{len(done)}/{total}] {result.student}: {result.status}, {result.total:g}/{lesson.max_points:g}",
              flush=True)

    results = grade_class(lesson, submissions, jobs=args.jobs, timeout=args.timeout, on_result=progress)
    out = Path(args.out)
    for result in results:
        write_atomic(out / "feedback" / f"{result.student}.html", feedback_html(result, lesson))
    write_atomic(out / "gradebook.csv", gradebook_csv(results, lesson))
    print(f"graded {len(results)} submission(s): {out / 'gradebook.csv'}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mktlab", description="Release and grade the mktlab course.")
    parser.add_argument("--solutions", default=ROOT / "solutions", type=Path, help="instructor notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="write the student copies in notebooks/ from solutions/")
    release.add_argument("--notebooks", default=ROOT / "notebooks", type=Path, help="where student copies go")
    release.add_argument("--check", action="store_true", help="exit 1 if any student copy is out of date")
    release.set_defaults(run=_release)
    grade = sub.add_parser("grade", help="grade a class's submissions of one lesson")
    grade.add_argument("lesson", help="lesson number (1 or 01) or file stem")
    grade.add_argument("submissions", help="folder with one sub-folder per student")
    grade.add_argument("--out", required=True, help="folder for gradebook.csv and feedback/")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    grade.add_argument("--timeout", type=float, default=30, help="seconds allowed per cell")
    grade.set_defaults(run=_grade)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
