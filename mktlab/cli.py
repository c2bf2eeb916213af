"""The command line: ``mktlab release``, ``mktlab translate``, ``mktlab new-exercise`` and ``mktlab grade``,
and the class exchange (``mktlab exchange open``, ``handout``, ``submit``, ``return``).

It only parses arguments and calls the exercise engine or :mod:`mktlab.exchange`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .exercises.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent


def _folder(name):
    """``name`` beside the package in a source checkout; for an installed wheel, ``name`` in the current folder."""
    return ROOT / name if (ROOT / name).is_dir() else Path(name)


def _release(args):
    from .exercises.check import KEYS_DIR
    from .exercises.release import ReleaseError, release_all

    from .exercises.translate import release_editions

    try:
        stale = release_all(args.solutions, args.notebooks, KEYS_DIR, check=args.check)
        edited, problems = release_editions(args.solutions, args.notebooks, check=args.check,
                                            documents=_documents(args))
    except ReleaseError as err:
        print(f"mktlab release: {err}", file=sys.stderr)
        return 2
    stale += edited
    for problem in problems:
        print(f"translation: {problem}", file=sys.stderr)
    if problems:
        print(f"mktlab release: {len(problems)} translation(s) missing, fuzzy or out of date: "
              "run `mktlab translate`, translate them in the catalogs, then `mktlab release`", file=sys.stderr)
    if args.check:
        for path in stale:
            print(f"out of date: {path}")
        print("student copies are in sync" if not stale else
              "run `mktlab release` to update them (it also strips run-to-run noise from solutions/)")
        return 1 if stale or problems else 0
    print(f"released {len(stale)} changed file(s)" if stale else "nothing to release: all in sync")
    return 1 if problems else 0


def _documents(args):
    """The Markdown documents that have editions too: the case texts and the instructor's teaching notes."""
    return {"casework": _folder("casework"), "teaching_notes": Path(args.solutions) / "teaching_notes"}


def _translate(args):
    from .exercises.translate import status_table, update_catalogs

    try:
        update_catalogs(args.solutions, args.lessons, args.language, documents=_documents(args))
    except FileNotFoundError as err:
        print(f"mktlab translate: {err}", file=sys.stderr)
        return 2
    table, untranslated = status_table(args.solutions, args.language, documents=_documents(args))
    print(table)
    print(f"{untranslated} string(s) still to translate" if untranslated else "every string is translated")
    return 1 if untranslated and args.check else 0


def _lesson_stem(folder, lesson, suffix=".ipynb"):
    """The file stem of lesson ``lesson`` ("1", "01" or the stem) among the ``suffix`` files in ``folder``."""
    from .exercises.grade import find_lesson_path

    return find_lesson_path(folder, lesson, suffix).stem


def _exchange_command(run):
    """Run ``run(args)``; an :class:`~mktlab.exchange.ExchangeError` or OS error becomes a message and exit 2."""
    def command(args):
        from .exchange import ExchangeError

        try:
            return run(args)
        except (ExchangeError, OSError) as err:
            print(f"mktlab {args.command}: {err}", file=sys.stderr)
            return 2
    return command


@_exchange_command
def _open(args):
    from .exchange import exchange_root, open_lesson
    from .exercises.check import KEYS_DIR

    stem = _lesson_stem(KEYS_DIR, args.lesson, ".json")
    deadline = open_lesson(exchange_root(args.exchange), stem, args.deadline, args.group)
    print(f"{stem} is open for submissions in {exchange_root(args.exchange)}; "
          + (f"deadline {deadline:%Y-%m-%d %H:%M UTC}" if deadline else "no deadline"))
    return 0


@_exchange_command
def _handout(args):
    from . import exchange

    stem = _lesson_stem(args.notebooks, args.lesson)
    root = args.exchange or os.environ.get(exchange.EXCHANGE_ENV)
    users = [exchange.account(name) for name in args.users]
    states = exchange.handout(Path(args.notebooks) / f"{stem}.ipynb", users, root, args.group)
    for name, (state, path) in states.items():
        print(f"{name}: {state} ({path})" if state != "kept" else
              f"{name}: kept their copy ({path} exists; it is never overwritten)")
    return 1 if any(state.startswith("failed") for state, _ in states.values()) else 0


@_exchange_command
def _submit(args):
    from .exchange import submit

    sub = submit(args.notebook, args.lesson, args.exchange)
    print(f"submitted {sub.lesson} as {sub.student}: {sub.path.name}" + (" (late)" if sub.late else ""))
    return 0


@_exchange_command
def _return(args):
    from . import exchange
    from .exercises.check import KEYS_DIR

    stem = _lesson_stem(KEYS_DIR, args.lesson, ".json")
    states = exchange.return_feedback(args.results, stem, users=args.users)
    for name, (state, path) in states.items():
        print(f"{name}: {state}" + (f" ({path})" if path else ""))
    if not states:
        print(f"mktlab return: no feedback pages in {Path(args.results) / 'feedback'}", file=sys.stderr)
    return 1 if not states or any(state.startswith("failed") for state, _ in states.values()) else 0


def _collect(args, lesson):
    """Lay out the exchange's submissions in OUT/collected for the grader; returns (folder, flags by student)."""
    from .exchange import ExchangeError, collect, exchange_root

    folder = Path(args.out) / "collected"
    try:
        flags = collect(exchange_root(args.exchange), lesson.stem, folder, include_late=args.include_late)
    except (ExchangeError, OSError) as err:
        print(f"mktlab grade: {err}", file=sys.stderr)
        return None, {}
    print(f"collected {sum(1 for f in flags.values() if f and f[0].startswith('submission'))} of {len(flags)} "
          f"student(s) from {exchange_root(args.exchange)} into {folder}", file=sys.stderr)
    return folder, flags


def _grade(args):
    from .exercises.feedback import feedback_html
    from .i18n import translator
    from .exercises.grade import (Limits, excuse_new_questions, find_lesson, git_work_tree, grade_class,
                                  gradebook_csv, write_atomic)
    from .exercises.progress import Progress
    from .exercises.report import (apply_manual_scores, lms_csv, manual_scores_csv, read_manual_scores,
                                   report_html)

    if not args.submissions and not args.exchange:
        args.exchange = os.environ.get("MKTLAB_EXCHANGE")
    if bool(args.submissions) == bool(args.exchange):
        print("mktlab grade: give a submissions folder (or LMS ZIP file) or --exchange ROOT (one of the two)",
              file=sys.stderr)
        return 2
    try:
        lesson = find_lesson(args.solutions, args.lesson)
    except FileNotFoundError as err:
        print(f"mktlab grade: {err}", file=sys.stderr)
        return 2
    out, extra_flags = Path(args.out), {}
    if args.exchange:
        args.submissions, extra_flags = _collect(args, lesson)
        if args.submissions is None:
            return 2
    submissions = Path(args.submissions)
    if not submissions.exists():
        print(f"mktlab grade: no such folder or ZIP file: {submissions}", file=sys.stderr)
        return 2
    if submissions.is_file():
        if not args.roster and any("variants" in key for key in lesson.keys.values()):
            print(f"mktlab grade: in {lesson.stem} each student has their own options or values, chosen by their "
                  "LMS username, and an LMS download holds no usernames: give --roster (Moodle's grading "
                  "worksheet or Canvas's gradebook export; see the README)", file=sys.stderr)
            return 2
        unpacked = _unpack_lms_download(submissions, out, args)
        if unpacked is None:
            return 2
        submissions, extra_flags = unpacked.folder, unpacked.flags
    elif args.roster:
        print("mktlab grade: --roster is only used with an LMS download (a ZIP file)", file=sys.stderr)
        return 2
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
    language = _instructor_language(args.language)
    tr = translator(language, lesson.stem)  # the lesson's own texts (option texts in the report) too
    progress = []

    def on_start(total, _):
        progress.append(Progress(total, max_points=lesson.max_points, tr=tr))
        print(tr("grading {total} student folder(s) of {lesson} with {jobs} job(s)").format(
            total=total, lesson=lesson.stem, jobs=args.jobs), file=sys.stderr, flush=True)

    results = grade_class(lesson, submissions, jobs=args.jobs, limits=limits, on_start=on_start,
                          on_result=lambda result, total: progress[0].update(result),
                          cache_dir=out / ".cache", reuse=not args.fresh)
    progress and progress[0].close()
    for result in results:  # what the exchange or the LMS download knows: when, late, verified
        result.flags[:0] = extra_flags.get(result.student, [])
    if not args.count_new_questions:
        excuse_new_questions(results, lesson)
    if not results:
        print(f"mktlab grade: warning: {submissions} has no student folders", file=sys.stderr)
    manual = any(k["kind"] == "manual" for k in lesson.keys.values())
    scores_path = out / "manual_scores.csv"
    if manual:
        scores = read_manual_scores(scores_path.read_text(encoding="utf-8-sig")) if scores_path.exists() else {}
        for problem in apply_manual_scores(results, lesson, scores, translator=lesson.tr):
            print(f"mktlab grade: manual_scores.csv: {problem}", file=sys.stderr)
        write_atomic(scores_path, manual_scores_csv(results, lesson, scores), durable=True)
    for result in results:
        write_atomic(out / "feedback" / f"{result.student}.html",
                     feedback_html(result, lesson, lesson.tr(result.language)))
    write_atomic(out / "report.html", report_html(results, lesson, grade_class.isolation, tr, language))
    write_atomic(out / "lms.csv", lms_csv(results, lesson, tr))
    write_atomic(out / "gradebook.csv", gradebook_csv(results, lesson), durable=True)
    failed = sum(r.status != "ok" for r in results)
    reused = sum(r.cached for r in results)
    pending = sum(bool(r.pending) for r in results)
    if grade_class.isolation:
        print(tr("isolation: {isolation}").format(isolation=grade_class.isolation), file=sys.stderr)
    print(tr("graded {n} submission(s) ({failed} not ok, {reused} unchanged and reused): {files}").format(
        n=len(results), failed=failed, reused=reused,
        files=f"{out / 'gradebook.csv'}, {out / 'report.html'}, {out / 'lms.csv'}"))
    if pending:
        print(tr("{pending} submission(s) have written answers to grade: fill in {path} and run again").format(
            pending=pending, path=scores_path))
    return 0


def _instructor_language(chosen):
    """The language of the instructor's report, lms.csv and messages: ``--language``, else the locale's.

    Examples
    --------
    >>> _instructor_language("zh"), _instructor_language(None) in ("en", "zh")
    ('zh', True)
    """
    if chosen:
        return chosen
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if locale.lower().startswith("zh") else "en"


def _unpack_lms_download(path, out, args):
    """Unpack a Moodle or Canvas ZIP into OUT/unpacked/; prints what was skipped.  ``None`` if it cannot be used."""
    from .exercises.lms import LmsError, load_roster, unpack_download

    try:
        roster = load_roster(args.roster) if args.roster else {}
        unpacked = unpack_download(path, out / "unpacked", roster, max_file_mb=args.max_notebook_mb)
    except (OSError, UnicodeDecodeError, LmsError) as err:
        print(f"mktlab grade: {err}", file=sys.stderr)
        return None
    for note in unpacked.notes:
        print(f"mktlab grade: {path.name}: {note}", file=sys.stderr)
    if not roster:
        print("mktlab grade: warning: no --roster, so students are named <name>_<LMS id> and lms.csv will not "
              "match LMS usernames", file=sys.stderr)
    return unpacked


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
    parser = argparse.ArgumentParser(prog="mktlab",
                                     description="Release, hand out, collect and grade the mktlab course.")
    parser.add_argument("--solutions", default=_folder("solutions"), type=Path, help="instructor notebooks")
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="write the student copies in notebooks/ from solutions/")
    release.add_argument("--notebooks", default=_folder("notebooks"), type=Path, help="where student copies go")
    release.add_argument("--check", action="store_true", help="exit 1 if any student copy is out of date")
    release.set_defaults(run=_release)
    translate = sub.add_parser("translate", help="merge new English into the translation catalogs and count "
                               "what is left to translate")
    translate.add_argument("lessons", nargs="*", help="lessons (or `casework`, `teaching_notes`) to add to the "
                           "edition (default: those it has)")
    translate.add_argument("--language", default="zh", help="the edition (default zh)")
    translate.add_argument("--check", action="store_true", help="exit 1 if any string is untranslated")
    translate.set_defaults(run=_translate)
    new = sub.add_parser("new-exercise", help="add the cells of a new exercise to a solution notebook")
    new.add_argument("lesson", help="lesson number (5 or 05) or file stem")
    new.add_argument("kind", choices=list(KINDS), help="the kind of exercise")
    new.add_argument("name", help="the question's name, also the variable students assign (e.g. clv_200)")
    new.add_argument("--after", required=True, help="the question after whose check cell it goes")
    new.set_defaults(run=_new_exercise)
    grade = sub.add_parser("grade", help="grade a class's submissions of one lesson")
    grade.add_argument("lesson", help="lesson number (1 or 01) or file stem")
    grade.add_argument("submissions", nargs="?", help="folder with one sub-folder per student, or a Moodle or "
                       "Canvas 'download all submissions' ZIP file (or use --exchange)")
    grade.add_argument("--roster", help="CSV mapping LMS ids to usernames, for a ZIP: Moodle's grading worksheet "
                                        "or Canvas's gradebook export")
    grade.add_argument("--exchange", help="collect the submissions from this exchange folder instead "
                                          "(into OUT/collected/); see `mktlab exchange`")
    grade.add_argument("--include-late", action="store_true",
                       help="with --exchange: grade the latest submission even if late (flagged late)")
    grade.add_argument("--language", choices=["en", "zh"], help="language of report.html, lms.csv and these "
                       "messages (default: the locale's, e.g. LANG=zh_CN.UTF-8 gives Chinese); each student's "
                       "feedback page is in the language of their notebook")
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
    exchange_help = "exchange folder (default: $MKTLAB_EXCHANGE)"
    group_help = "the instructors' Unix group (default: $MKTLAB_INSTRUCTORS, else your own group)"
    group = os.environ.get("MKTLAB_INSTRUCTORS")
    exchange = sub.add_parser("exchange", help="set up the class exchange").add_subparsers(dest="action",
                                                                                           required=True)
    open_ = exchange.add_parser("open", help="open a lesson for submissions, with an optional deadline")
    open_.add_argument("lesson", help="lesson number (1 or 01) or file stem")
    open_.add_argument("--deadline", help="ISO 8601 time with UTC offset, e.g. 2026-12-01T23:59+08:00")
    open_.add_argument("--exchange", help=exchange_help)
    open_.add_argument("--group", default=group, help=group_help)
    open_.set_defaults(run=_open)
    handout = sub.add_parser("handout", help="copy a student notebook into each user's ~/mktlab/ (as root)")
    handout.add_argument("lesson", help="lesson number (1 or 01) or file stem")
    handout.add_argument("--users", nargs="+", required=True, help="Unix user names of the students")
    handout.add_argument("--notebooks", default=_folder("notebooks"), type=Path, help="the released student copies")
    handout.add_argument("--exchange", help=exchange_help + "; the students' inbound folders are made there")
    handout.add_argument("--group", default=group, help=group_help)
    handout.set_defaults(run=_handout)
    submit = sub.add_parser("submit", help="hand in a saved notebook to the exchange")
    submit.add_argument("notebook", type=Path, help="the .ipynb file")
    submit.add_argument("--lesson", help="lesson file stem (default: from the notebook)")
    submit.add_argument("--exchange", help=exchange_help)
    submit.set_defaults(run=_submit)
    return_ = sub.add_parser("return", help="put each student's feedback page in their ~/mktlab/feedback/ (as root)")
    return_.add_argument("lesson", help="lesson number (1 or 01) or file stem")
    return_.add_argument("results", type=Path, help="the --out folder of `mktlab grade`")
    return_.add_argument("--users", nargs="+", help="only these students")
    return_.set_defaults(run=_return)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
