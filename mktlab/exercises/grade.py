"""Grade a class: run each submission in a fresh kernel, judge its answers outside.

For every student folder the grader

1. reads the notebook (a file that is not a notebook gets status ``invalid notebook``);
2. restores locked cells from the release, flagging any that were edited or deleted;
3. replaces each check cell by a *capture* that shows the answer as plain JSON;
4. runs the notebook in a fresh kernel in a temporary folder, with a per-cell timeout;
5. judges the captured plain answers here, in the grading process, with the
   full keys (including hidden cases), so nothing in the kernel can change
   how an answer is judged.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .answers import UNANSWERED
from .check import ANSWER_MIME
from .kinds import Verdict, judge, protect
from .release import LOCKED_ROLES, cell_role, check_qid, question_specs, release_notebook

__all__ = ["Lesson", "Result", "find_lesson", "grade_submission", "grade_class", "gradebook_csv"]

_CAPTURE_IMPORT = "from mktlab.exercises.check import capture as _mktlab_capture"
_TIMEOUT_ERROR = "CellTimeout"


@dataclass
class Lesson:
    """What the grader knows of a lesson: the released copy and the full keys."""

    stem: str
    reference: object  # the student copy, as released
    keys: dict  # qid -> protected key with hidden cases
    salt: str

    @property
    def max_points(self):
        return sum(k["points"] for k in self.keys.values())


@dataclass
class Result:
    """One gradebook row, plus the verdicts for the feedback report."""

    student: str
    status: str = "ok"
    verdicts: dict = field(default_factory=dict)  # qid -> Verdict
    points: dict = field(default_factory=dict)  # qid -> points earned
    flags: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self):
        return round(sum(self.points.values()), 3)


def find_lesson(solutions_dir, lesson):
    """Load lesson ``lesson`` ("1", "01" or the file stem) from ``solutions_dir``."""
    import nbformat

    lesson = str(lesson)
    matches = [p for p in sorted(Path(solutions_dir).glob("[0-9][0-9]_*.ipynb"))
               if p.stem == lesson or (lesson.isdigit() and p.stem[:2] == f"{int(lesson):02d}")]
    if len(matches) != 1:
        raise FileNotFoundError(f"no lesson {lesson!r} in {solutions_dir}")
    solution = nbformat.read(matches[0], as_version=4)
    stem = matches[0].stem
    reference, _ = release_notebook(solution, stem)
    keys = {qid: protect(spec, stem, hidden=True) for qid, spec in question_specs(solution).items()}
    return Lesson(stem, reference, keys, stem)


def _prepare(submission, lesson):
    """The notebook to run, the flags, and which cell index captures which question."""
    ref_cells = lesson.reference.cells
    known = {c.get("id") for c in ref_cells}
    mine = {}  # reference id -> the student's version
    extra = {None: []}  # reference id -> student-added cells that follow it
    after = None
    for cell in submission.cells:
        cid = cell.get("id")
        if cid in known and cid not in mine:
            mine[cid] = cell
            after = cid
            extra.setdefault(cid, [])
        elif cell.cell_type == "code":
            extra.setdefault(after, []).append(cell)
    flags, cells = [], list(extra[None])
    edited = deleted = 0
    for ref in ref_cells:
        role, theirs = cell_role(ref), mine.get(ref.get("id"))
        if role in LOCKED_ROLES:
            if theirs is None:
                deleted += 1
            elif theirs.source != ref.source:
                edited += 1
            cells.append(ref)
        elif theirs is not None:
            cells.append(theirs)
        cells += extra.get(ref.get("id"), [])
    if deleted:
        flags.append(f"locked cell deleted ({deleted}, restored)")
    if edited:
        flags.append(f"locked cell edited ({edited}, restored)")
    run, captures = [], {}
    import nbformat

    run.append(nbformat.v4.new_code_cell(_CAPTURE_IMPORT))
    for cell in cells:
        if cell.cell_type != "code":
            continue
        qid = check_qid(cell.source) if cell_role(cell) == "check" else None
        if qid:
            key = lesson.keys[qid]
            cases = [c["args"] for c in key["cases"]] if key["kind"] == "function" else None
            captures[len(run)] = qid
            source = f"_mktlab_capture({qid!r}, {cases!r})" if cases else f"_mktlab_capture({qid!r})"
            run.append(nbformat.v4.new_code_cell(source))
        else:
            run.append(nbformat.v4.new_code_cell(cell.source))
    nb = nbformat.v4.new_notebook(cells=run, metadata={"kernelspec": lesson.reference.metadata.get("kernelspec", {})})
    return nb, flags, captures


def _execute(nb, timeout):
    """Run ``nb`` in a fresh kernel in a temporary folder; returns a status."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    timed_out = []

    def note_timeout(cell, cell_index, execute_reply):
        if (execute_reply or {}).get("content", {}).get("ename") == _TIMEOUT_ERROR:
            timed_out.append(cell_index)

    with tempfile.TemporaryDirectory(prefix="mktlab-grade-") as workdir:
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", allow_errors=True,
            interrupt_on_timeout=True, record_timing=False, on_cell_executed=note_timeout,
            error_on_timeout={"ename": _TIMEOUT_ERROR, "evalue": f"a cell ran longer than {timeout:g} s",
                              "traceback": []},
            resources={"metadata": {"path": workdir}},
        )
        try:
            client.execute(cwd=workdir)
        except DeadKernelError:
            return "kernel died"
        except Exception as err:  # the kernel could not start or the run broke down
            return f"run failed: {type(err).__name__}"
    return "timeout" if timed_out else "ok"


def _answers(nb, captures):
    found = {}
    for index, qid in captures.items():
        for output in nb.cells[index].get("outputs", []):
            data = output.get("data", {})
            if ANSWER_MIME in data and data[ANSWER_MIME].get("qid") == qid:
                # a JSON round trip leaves only plain dicts, lists, strings, numbers
                found[qid] = json.loads(json.dumps(data[ANSWER_MIME].get("answer")))
                break
    return found


def _judge_all(lesson, answers):
    verdicts = {}
    for qid, key in lesson.keys.items():
        answer = answers.get(qid, UNANSWERED)
        if type(answer) is dict and "__invalid__" in answer:
            verdicts[qid] = Verdict(0, "invalid", f"not yet: {answer['__invalid__']}.")
        else:
            try:
                verdicts[qid] = judge(key, lesson.salt, answer)
            except Exception as err:  # malformed data from the kernel
                verdicts[qid] = Verdict(0, "invalid", f"the answer could not be judged ({type(err).__name__}).")
    return verdicts


def grade_submission(student, path, lesson, timeout=30):
    """Grade one student's notebook file; returns a :class:`Result`. Never raises."""
    import nbformat

    start = time.monotonic()
    result = Result(student)
    try:
        submission = nbformat.read(path, as_version=4)
    except Exception as err:
        result.status = "invalid notebook"
        result.flags.append(f"{type(err).__name__}")
        submission = None
    answers = {}
    if submission is not None:
        nb, result.flags, captures = _prepare(submission, lesson)
        result.status = _execute(nb, timeout)
        answers = _answers(nb, captures)
        errors = sum(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
        if errors and result.status == "ok":
            result.flags.append(f"cells raised errors ({errors})")
    result.verdicts = _judge_all(lesson, answers)
    result.points = {q: round(v.fraction * lesson.keys[q]["points"], 3) for q, v in result.verdicts.items()}
    result.seconds = round(time.monotonic() - start, 2)
    return result


def _student_notebook(folder, stem):
    path = folder / f"{stem}.ipynb"
    return path if path.exists() else None


def _grade_folder(args):
    folder, lesson, timeout = args
    path = _student_notebook(folder, lesson.stem)
    if path is None:
        result = Result(folder.name, status="missing notebook")
        result.verdicts = _judge_all(lesson, {})
        result.points = {q: 0.0 for q in lesson.keys}
        return result
    return grade_submission(folder.name, path, lesson, timeout)


def grade_class(lesson, submissions_dir, jobs=1, timeout=30, on_result=None):
    """Grade every student folder in ``submissions_dir``; returns results sorted by student."""
    folders = sorted(p for p in Path(submissions_dir).iterdir() if p.is_dir())
    tasks = [(folder, lesson, timeout) for folder in folders]
    results = []
    if jobs <= 1:
        for task in tasks:
            results.append(_grade_folder(task))
            on_result and on_result(results[-1], len(tasks))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(_grade_folder, tasks):
                results.append(result)
                on_result and on_result(result, len(tasks))
    return sorted(results, key=lambda r: r.student)


def gradebook_csv(results, lesson):
    """The gradebook as CSV text: one row per student."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "status", *lesson.keys, "total", "max", "flags", "seconds"])
    for r in results:
        writer.writerow([r.student, r.status, *(f"{r.points[q]:g}" for q in lesson.keys),
                         f"{r.total:g}", f"{lesson.max_points:g}", "; ".join(r.flags), f"{r.seconds:.2f}"])
    return buffer.getvalue()


def write_atomic(path, text):
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)
