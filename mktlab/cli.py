"""The command line: ``mktlab release``, ``mktlab new-exercise`` and ``mktlab grade``.

It only parses arguments and calls the exercise engine.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .exercises.kinds import KINDS

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
        print("student copies are in sync" if not stale else
              "run `mktlab release` to update them (it also strips run-to-run noise from solutions/)")
        return 1 if stale else 0
    print(f"released {len(stale)} changed file(s)" if stale else "nothing to release: all in sync")
    return 0


def _grade(args):
    from .exercises.feedback import feedback_html
    from .exercises.grade import (Limits, excuse_new_questions, find_lesson, git_work_tree, grade_class,
                                  gradebook_csv, write_atomic)
    from .exercises.progress import Progress
    from .exercises.report import (apply_manual_scores, lms_csv, manual_scores_csv, read_manual_scores,
                                   report_html)

    submissions = Path(args.submissions)
    if not submissions.is_dir():
        print(f"mktlab grade: no such folder: {submissions}", file=sys.stderr)
        return 2
    try:
        lesson = find_lesson(args.solutions, args.lesson)
    except FileNotFoundError as err:
        print(f"mktlab grade: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.resolve() == submissions.resolve() or submissions.resolve() in out.resolve().parents:
        print("mktlab grade: --out must not be inside the submissions folder", file=sys.stderr)
        return 2
    if not args.no_sandbox:
        from .exercises.isolation import readable_root

        for what, path in (("--out", out), ("the submissions", submissions), ("--solutions", Path(args.solutions))):
            root = readable_root(path)
            if root:
                print(f"mktlab grade: warning: {what} folder is inside {root}, which students' code may read",
                      file=sys.stderr)
    for what, path in (("--out", out), ("the submissions", submissions)):
        root = git_work_tree(path)
        if root:
            print(f"mktlab grade: warning: {what} folder is inside the git work tree {root}: student work and "
                  "grades are personal data (PIPL, GDPR, FERPA); keep them out of the repository (move them, "
                  "or make sure .gitignore covers them)", file=sys.stderr)
    limits = Limits(cell_timeout=args.timeout, total_timeout=args.total_timeout, memory_mb=args.memory,
                    notebook_mb=args.max_notebook_mb, sandbox=not args.no_sandbox)
    progress = []

    def on_start(total, _):
        progress.append(Progress(total, max_points=lesson.max_points))
        print(f"grading {total} student folder(s) of {lesson.stem} with {args.jobs} job(s)", file=sys.stderr,
              flush=True)

    results = grade_class(lesson, submissions, jobs=args.jobs, limits=limits, on_start=on_start,
                          on_result=lambda result, total: progress[0].update(result),
                          cache_dir=out / ".cache", reuse=not args.fresh)
    progress and progress[0].close()
    if not args.count_new_questions:
        excuse_new_questions(results, lesson)
    if not results:
        print(f"mktlab grade: warning: {submissions} has no student folders", file=sys.stderr)
    manual = any(k["kind"] == "manual" for k in lesson.keys.values())
    scores_path = out / "manual_scores.csv"
    if manual:
        scores = read_manual_scores(scores_path.read_text(encoding="utf-8-sig")) if scores_path.exists() else {}
        for problem in apply_manual_scores(results, lesson, scores):
            print(f"mktlab grade: manual_scores.csv: {problem}", file=sys.stderr)
        write_atomic(scores_path, manual_scores_csv(results, lesson, scores), durable=True)
    for result in results:
        write_atomic(out / "feedback" / f"{result.student}.html", feedback_html(result, lesson))
    write_atomic(out / "report.html", report_html(results, lesson, grade_class.isolation))
    write_atomic(out / "lms.csv", lms_csv(results, lesson))
    write_atomic(out / "gradebook.csv", gradebook_csv(results, lesson), durable=True)
    failed = sum(r.status != "ok" for r in results)
    reused = sum(r.cached for r in results)
    pending = sum(bool(r.pending) for r in results)
    if grade_class.isolation:
        print(f"isolation: {grade_class.isolation}", file=sys.stderr)
    print(f"graded {len(results)} submission(s) ({failed} not ok, {reused} unchanged and reused): "
          f"{out / 'gradebook.csv'}, {out / 'report.html'}, {out / 'lms.csv'}")
    if pending:
        print(f"{pending} submission(s) have written answers to grade: fill in {scores_path} and run again")
    return 0


def _new_exercise(args):
    import nbformat

    from .exercises.authoring import add_exercise
    from .exercises.grade import find_lesson_path

    try:
        path = find_lesson_path(args.solutions, args.lesson)
        nb = add_exercise(nbformat.read(path, as_version=4), args.kind, args.name, args.after)
    except (FileNotFoundError, ValueError) as err:
        print(f"mktlab new-exercise: {err}", file=sys.stderr)
        return 2
    nbformat.write(nb, path)
    print(f"added a {args.kind} exercise {args.name!r} after {args.after!r} in {path}: open it, replace each TODO, "
          "run it top to bottom, save it, then run `mktlab release`")
    return 0


def _cores():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mktlab", description="Release and grade the mktlab course.")
    parser.add_argument("--solutions", default=ROOT / "solutions", type=Path, help="instructor notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="write the student copies in notebooks/ from solutions/")
    release.add_argument("--notebooks", default=ROOT / "notebooks", type=Path, help="where student copies go")
    release.add_argument("--check", action="store_true", help="exit 1 if any student copy is out of date")
    release.set_defaults(run=_release)
    new = sub.add_parser("new-exercise", help="add the cells of a new exercise to a solution notebook")
    new.add_argument("lesson", help="lesson number (5 or 05) or file stem")
    new.add_argument("kind", choices=list(KINDS), help="the kind of exercise")
    new.add_argument("name", help="the question's name, also the variable students assign (e.g. clv_200)")
    new.add_argument("--after", required=True, help="the question after whose check cell it goes")
    new.set_defaults(run=_new_exercise)
    grade = sub.add_parser("grade", help="grade a class's submissions of one lesson")
    grade.add_argument("lesson", help="lesson number (1 or 01) or file stem")
    grade.add_argument("submissions", help="folder with one sub-folder per student")
    grade.add_argument("--out", required=True, help="folder for gradebook.csv, feedback/, report.html, lms.csv")
    grade.add_argument("--jobs", type=int, default=_cores(), help="submissions graded at once (default: the cores)")
    grade.add_argument("--timeout", type=float, default=30, help="seconds allowed per cell (default 30)")
    grade.add_argument("--total-timeout", type=float, default=120,
                       help="seconds allowed per submission, all cells together (default 120)")
    grade.add_argument("--memory", type=float, default=2048, help="MiB of memory per submission (default 2048)")
    grade.add_argument("--max-notebook-mb", type=float, default=50,
                       help="larger notebook files are not graded (default 50)")
    grade.add_argument("--fresh", action="store_true", help="grade everything again (OUT/.cache is not reused)")
    grade.add_argument("--no-sandbox", action="store_true", help="do not confine kernels with Landlock")
    grade.add_argument("--count-new-questions", action="store_true",
                       help="questions added since a student's copy was released count (default: excused)")
    grade.set_defaults(run=_grade)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
