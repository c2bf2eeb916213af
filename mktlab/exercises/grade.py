"""Grade a class: run each submission in a fresh kernel, judge its answers outside.

For every student folder the grader

1. finds the notebook (a missing one, several candidates, a file too large or
   one that is not a notebook each get their own status);
2. restores locked cells from the release, matched by cell id or, for old
   notebook formats without ids, by content, flagging any that were edited or
   deleted; a notebook of another lesson is refused;
3. replaces each check cell by a *capture* that shows the answer as plain JSON;
4. runs the notebook in a fresh, confined kernel (see :mod:`.isolation`) in a
   temporary folder, with a per-cell and a per-submission time limit, a memory
   limit and a cap on the output kept;
5. judges the captured plain answers here, in the grading process, with the
   full keys (including hidden cases), so nothing in the kernel can change
   how an answer is judged.

Finished results are cached by the submission file's SHA-256, so a grader
that is stopped halfway picks up where it stopped, and an unchanged
submission is never graded twice.
"""
from __future__ import annotations

import ast
import asyncio
import hashlib
import json
import math
import os
import shutil
import tempfile
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .answers import UNANSWERED
from .check import ANSWER_MIME
from .csvfile import csv_text
from .kinds import Verdict, judge, not_plain_message, protect
from .notes import note
from ..i18n import LANGUAGES, N_
from .release import LOCKED_ROLES, cell_role, check_qid, question_specs, release_notebook
from .translate import edition_copy, edition_lessons
from .variants import GRADING_ENV, VARIANTS, declared_student, for_variant, normal_student, variant_index

__all__ = ["Lesson", "Limits", "Result", "find_lesson", "find_lesson_path", "read_submission", "grade_submission",
           "grade_class", "gradebook_csv", "write_atomic", "default_jobs", "git_work_tree", "excuse_new_questions",
           "ENGINE_VERSION"]

#: Part of every cache key: bump it when a change to the grader can change a result.
ENGINE_VERSION = "5"
_CAPTURE_IMPORT = "from mktlab.exercises.check import capture as _mktlab_capture"
_TIMEOUT_ERROR = "CellTimeout"
_CACHE_DIR = ".cache"


@dataclass(frozen=True)
class Limits:
    """What one submission may use.  Times in seconds, sizes in MiB or KiB."""

    cell_timeout: float = 30  #: a cell that runs longer is interrupted; the rest still runs
    total_timeout: float = 120  #: the whole notebook; cells after this are not run
    memory_mb: float = 2048  #: address space of the kernel process (0: no limit)
    notebook_mb: float = 50  #: a larger notebook file is not graded
    output_kb: int = 256  #: text output kept per submission (the rest is dropped and flagged)
    answer_kb: int = 256  #: a larger captured answer is refused
    message_mb: int = 64  #: a larger kernel message is dropped before it reaches the grader
    sandbox: bool = True  #: confine kernels with Landlock where the system has it


@dataclass
class Lesson:
    """What the grader knows of a lesson: the released copy and the full keys."""

    stem: str
    reference: object  # the student copy, as released
    keys: dict  # qid -> protected key with hidden cases
    salt: str
    preload: tuple = ()  # modules the lesson imports, imported once per worker
    editions: dict = field(default_factory=dict)  # language -> the student copy of that edition

    def copy_for(self, language):
        """The released copy in ``language`` (English when the lesson has no such edition)."""
        return self.editions.get(language, self.reference)

    def tr(self, language):
        """The translator that judges and reports speak in for a notebook in ``language``."""
        from ..i18n import translator

        return translator(language if language in self.editions else "en", self.stem)
    history: dict = field(default_factory=dict)  # release id -> {"questions": [...], "locked": [cell ids]}

    @property
    def max_points(self):
        return sum(k["points"] for k in self.keys.values())

    def fingerprint(self, limits):
        """What a cached result depends on besides the submission: engine, keys, reference, limits."""
        data = {"engine": ENGINE_VERSION, "keys": self.keys, "limits": asdict(limits),
                "cells": [[c.cell_type, c.source] for c in self.reference.cells],
                "editions": {lang: [c.source for c in nb.cells] for lang, nb in sorted(self.editions.items())}}
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Result:
    """One gradebook row, plus the verdicts for the feedback and the plain answers for the report."""

    student: str
    status: str = "ok"
    verdicts: dict = field(default_factory=dict)  # qid -> Verdict
    points: dict = field(default_factory=dict)  # qid -> points earned
    flags: list = field(default_factory=list)
    seconds: float = 0.0
    answers: dict = field(default_factory=dict)  # qid -> the plain answer captured
    notebook: str = ""  # the file graded, relative to the student's folder
    sha256: str = ""
    language: str = "en"  # the edition of the student's notebook: feedback is written in it
    new_questions: list = field(default_factory=list)  # added to the lesson since the student's copy was released
    out_of: float = 0.0  # the points this student could earn (less when new questions are excused)
    variant: int | None = None  # the submitter's variant, when the lesson has variant exercises
    copied: dict = field(default_factory=dict)  # qid -> the other variants a wrong answer is right for
    cached: bool = False

    @property
    def total(self):
        return round(sum(self.points.values()), 3)

    @property
    def pending(self):
        return [q for q, v in self.verdicts.items() if v[1] == "pending"]

    def to_json(self):
        data = asdict(self)
        data["verdicts"] = {q: list(v) for q, v in self.verdicts.items()}
        data.pop("cached")
        return data

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        data["verdicts"] = {q: Verdict(*v) for q, v in data["verdicts"].items()}
        return cls(**data)


def find_lesson_path(solutions_dir, lesson, suffix=".ipynb"):
    """The file of lesson ``lesson`` ("1", "01" or the file stem) in ``solutions_dir``: its solution notebook,
    or with another ``suffix`` its keys (``.json``) or catalog (``.po``)."""
    lesson = str(lesson)
    matches = [p for p in sorted(Path(solutions_dir).glob(f"[0-9][0-9]_*{suffix}"))
               if p.stem == lesson or (lesson.isdigit() and p.stem[:2] == f"{int(lesson):02d}")]
    if len(matches) != 1:
        raise FileNotFoundError(f"no lesson {lesson!r} in {solutions_dir}")
    return matches[0]


def find_lesson(solutions_dir, lesson):
    """Load lesson ``lesson`` ("1", "01" or the file stem) from ``solutions_dir``."""
    path = find_lesson_path(solutions_dir, lesson)
    solution = _nbformat().read(path, as_version=4)
    stem = path.stem
    reference, _ = release_notebook(solution, stem)
    specs = question_specs(solution)
    keys = {qid: protect(spec, stem, hidden=True) for qid, spec in specs.items()}
    editions = {}
    for language in LANGUAGES:
        if stem in edition_lessons(language):
            edition, problems = edition_copy(reference, specs, stem, language)
            if not problems:  # an incomplete edition is never released, so nobody can hand one in
                editions[language] = edition
    log = path.parent / "releases" / f"{stem}.json"
    history = {e["release"]: e for e in json.loads(log.read_text(encoding="utf-8"))} if log.exists() else {}
    return Lesson(stem, reference, keys, stem, preload=_imports(reference), editions=editions, history=history)


def excuse_new_questions(results, lesson):
    """Questions added since a student's copy was released no longer count for that student.

    They leave the student's verdicts, points and maximum (``out_of``); the
    gradebook shows them as ``excused``.
    """
    for r in results:
        for qid in r.new_questions:
            if r.verdicts.pop(qid, None) is not None:
                r.out_of -= lesson.keys[qid]["points"]
            r.points.pop(qid, None)


def git_work_tree(path):
    """The git work tree that holds ``path`` (a folder with ``.git``), or ``None``.

    Student work and grades are personal data (PIPL, GDPR, FERPA): the grader
    warns when they sit where a ``git add`` could put them in a repository.

    Examples
    --------
    >>> git_work_tree("/nonexistent/results") is None
    True
    """
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return str(folder)
    return None


def _imports(nb):
    """The modules imported by the lesson's own code cells (to import once, before any submission)."""
    names = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython.display",
             "mktlab.exercises.check"]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names]  # submodules, if any
    if any(n.split(".")[0] in ("matplotlib", "mktlab") for n in names):
        names += ["matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline"]
    return tuple(dict.fromkeys(names))


def _nbformat():
    """Import nbformat, without the IRI grammar that jsonschema builds at import (seconds, never used here)."""
    import sys

    if "nbformat" not in sys.modules and "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # jsonschema then skips the optional "iri" format check
        try:
            import nbformat
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbformat

    return nbformat


# --- reading a submission ---------------------------------------------------------


class InvalidNotebook(ValueError):
    """A file that cannot be read as a notebook."""


def read_submission(data):
    """Parse notebook bytes into a version-4 notebook, without its outputs.

    Outputs are dropped before anything else (the grader never needs them), so a
    notebook full of images costs one JSON parse.  Format 4.0–4.4 notebooks (no
    cell ids) and format 3 notebooks are accepted.

    Examples
    --------
    >>> nb = read_submission(b'{"nbformat": 4, "nbformat_minor": 0, "metadata": {}, "cells": '
    ...                      b'[{"cell_type": "code", "source": ["x = ", "1"], "metadata": {}, "outputs": []}]}')
    >>> nb.cells[0].source, "id" in nb.cells[0]
    ('x = 1', False)
    >>> read_submission(b"not json")
    Traceback (most recent call last):
    ...
    mktlab.exercises.grade.InvalidNotebook: not a notebook (the file is not JSON)
    """
    nbformat = _nbformat()
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        raise InvalidNotebook("not a notebook (the file is not JSON)") from None
    if type(raw) is not dict or type(raw.get("nbformat")) is not int:
        raise InvalidNotebook("not a notebook (no format version)")
    try:
        if raw["nbformat"] == 4:
            for cell in raw.get("cells", []):
                if type(cell) is dict:
                    cell.pop("outputs", None)
                    cell.pop("attachments", None)
            from nbformat.v4.rwbase import rejoin_lines

            nb = rejoin_lines(nbformat.from_dict(raw))
        elif raw["nbformat"] in (1, 2, 3):
            nb = nbformat.reads(json.dumps(raw), as_version=4)
        else:
            raise InvalidNotebook(f"not a notebook this grader can read (format {raw['nbformat']})")
        cells = nb.get("cells")
        if type(cells) is not list:
            raise InvalidNotebook("not a notebook (no cells)")
        for cell in cells:
            if not (isinstance(cell, dict) and cell.get("cell_type") in ("code", "markdown", "raw")
                    and type(cell.get("source")) is str):
                raise InvalidNotebook("not a notebook (a cell without type or source)")
            cell.setdefault("metadata", {})
            if cell["cell_type"] == "code":
                cell["outputs"] = []
        nb.setdefault("metadata", {})
    except InvalidNotebook:
        raise
    except Exception as err:  # any malformed structure
        raise InvalidNotebook(f"not a notebook ({type(err).__name__})") from None
    return nb


def _text_key(cell):
    return cell.get("cell_type"), "\n".join(line.rstrip() for line in cell.get("source", "").strip().splitlines())


def _language_of(submission, lesson):
    """The edition a submission was made from (its notebook metadata), if the lesson has it; else English."""
    meta = submission.get("metadata", {}).get("mktlab", {})
    language = meta.get("language") if isinstance(meta, dict) else None
    return language if language in lesson.editions else "en"


def _lesson_of(submission, lesson):
    """``None`` if ``submission`` is for ``lesson``, else why it is not."""
    meta = submission.get("metadata", {}).get("mktlab", {})
    other = meta.get("lesson") if isinstance(meta, dict) else None
    if isinstance(other, str) and other != lesson.stem:
        return f"this is the notebook of lesson {other}"
    return None


def _earlier_release(submission, lesson):
    """The history entry of the earlier release ``submission`` was made from, or ``None``."""
    meta = submission.get("metadata", {}).get("mktlab", {})
    stamp = meta.get("release") if isinstance(meta, dict) else None
    current = lesson.reference.metadata.get("mktlab", {}).get("release")
    return lesson.history.get(stamp) if isinstance(stamp, str) and stamp != current else None


def _prepare(submission, lesson, language="en", student=""):
    """The notebook to run, the flags, and which cell index captures which question.

    Each cell of the released copy in the submission's language is matched by
    id, or else by its exact text (old formats have no ids).  Locked cells
    always come from the release; the student's other cells keep their place
    after the cell they followed.
    """
    nbformat = _nbformat()
    ref_cells = lesson.copy_for(language).cells
    by_id = {c.get("id"): i for i, c in enumerate(ref_cells) if c.get("id")}
    by_text = defaultdict(deque)
    for i, c in enumerate(ref_cells):
        by_text[_text_key(c)].append(i)
    mine, extra, anchor = {}, defaultdict(list), None
    for cell in submission.cells:
        i = by_id.get(cell.get("id"))
        if i is None or i in mine or ref_cells[i].cell_type != cell.cell_type:
            queue, i = by_text.get(_text_key(cell)), None
            while queue and queue[0] in mine:
                queue.popleft()
            if queue:
                i = queue.popleft()
        if i is not None:
            mine[i] = cell
            anchor = i
        elif cell.cell_type == "code":
            extra[anchor].append(cell)
    locked = [i for i, ref in enumerate(ref_cells) if cell_role(ref) in LOCKED_ROLES]
    if locked and not any(i in mine for i in locked):
        return None, ["no cell of this lesson was found"], {}, []
    flags, cells = [], list(extra[None])
    edited = deleted = 0
    earlier = _earlier_release(submission, lesson)
    checks = {check_qid(c.source): i for i, c in enumerate(ref_cells) if cell_role(c) == "check"}
    # a question is new to this student only if their notebook lacks its check cell (a stamp alone proves nothing)
    new = [q for q in lesson.keys if earlier and q not in earlier["questions"] and checks.get(q) not in mine]
    if earlier:
        flags.append(note(N_("earlier release {release} (missing: {questions})"), release=earlier["release"],
                          questions=", ".join(new)) if new else note(N_("earlier release {release}"),
                                                                        release=earlier["release"]))
    for i, ref in enumerate(ref_cells):
        theirs = mine.get(i)
        if cell_role(ref) in LOCKED_ROLES:
            if theirs is None:
                deleted += earlier is None or ref.get("id") in earlier["locked"]
            elif theirs.source != ref.source:
                edited += 1
            cells.append(ref)
        elif theirs is not None:
            cells.append(theirs)
        cells += extra.get(i, [])
    if deleted:
        flags.append(note(N_("locked cell deleted ({n}, restored)"), n=deleted))
    if edited:
        flags.append(note(N_("locked cell edited ({n}, restored)"), n=edited))
    declared = declared_student(c.source for c in submission.cells if c.cell_type == "code")
    if declared and declared != normal_student(student):
        flags.append(note(N_("set up for another student ({declared}); graded with the values of {student}"),
                          declared=declared, student=student))

    def code(source):  # built directly: nbformat's constructors validate every cell, which is slow
        return nbformat.from_dict({"cell_type": "code", "id": f"c{len(run)}", "source": source, "metadata": {},
                                   "outputs": [], "execution_count": None})

    run, captures = [], {}
    run.append(code(f"{_CAPTURE_IMPORT}\nimport os as _mktlab_os\n"
                    f"_mktlab_os.environ[{GRADING_ENV!r}] = {str(student)!r}"))  # the submitter's own values
    for cell in cells:
        if cell.cell_type != "code":
            continue
        qid = check_qid(cell.source) if cell_role(cell) == "check" else None
        if qid and qid in lesson.keys:
            key = lesson.keys[qid]
            cases = [c["args"] for c in key["cases"]] if key["kind"] == "function" else None
            captures[len(run)] = qid
            run.append(code(f"_mktlab_capture({qid!r}, {cases!r})" if cases else f"_mktlab_capture({qid!r})"))
        else:
            run.append(code(cell.source))
    nb = nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "cells": run,
                             "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}})
    return nb, flags, captures, new


# --- running a notebook --------------------------------------------------------------


def _client_class():
    from nbclient import NotebookClient

    class GradingClient(NotebookClient):
        """nbclient, keeping only small text, errors and captured answers, within a budget."""

        def __init__(self, nb, km, limits, **kw):
            super().__init__(nb, km=km, **kw)
            self.text_budget = limits.output_kb * 1024
            self.answer_limit = limits.answer_kb * 1024
            self.truncated = False
            self.idle = True

        def process_message(self, msg, cell, cell_index):
            content = msg.get("content", {})
            if msg.get("msg_type") == "status" and content.get("execution_state") == "idle":
                self.idle = True
            return super().process_message(msg, cell, cell_index)

        def _text(self, text, limit):
            """Keep at most ``limit`` characters of ``text`` within the budget; a spent budget is flagged."""
            text = text if isinstance(text, str) else str(text)
            if len(text) > self.text_budget:
                self.truncated = True  # more output than is kept for a whole submission
            keep = max(0, min(len(text), limit, self.text_budget))
            self.text_budget -= len(text)
            return text[:keep]

        def output(self, outs, msg, display_id, cell_index):
            kind, content = msg["msg_type"], msg.get("content", {})
            if kind == "stream":
                text = self._text(content.get("text", ""), 1 << 30)
                if not text:
                    return None
                content = {"name": content.get("name", "stdout"), "text": text}
            elif kind in ("display_data", "execute_result"):
                data = content.get("data", {}) if isinstance(content.get("data"), dict) else {}
                kept = {}
                if ANSWER_MIME in data:
                    answer = data[ANSWER_MIME]
                    if len(json.dumps(answer)) > self.answer_limit:
                        qid = answer.get("qid") if isinstance(answer, dict) else None
                        answer = {"qid": qid, "answer": {"__invalid__": "the answer is too large to grade"}}
                    kept[ANSWER_MIME] = answer
                if "text/plain" in data:
                    kept["text/plain"] = self._text(data["text/plain"], 2000)
                if not kept:
                    return None
                content = {**{k: v for k, v in content.items() if k == "execution_count"}, "data": kept,
                           "metadata": {}}
            elif kind == "error":
                content = {"ename": str(content.get("ename", ""))[:200],
                           "evalue": self._text(content.get("evalue", ""), 500), "traceback": []}
            else:
                return None
            return super().output(outs, {**msg, "content": content}, None, cell_index)

        def _update_display_id(self, display_id, msg):
            return None  # updates of earlier displays are not kept

        def handle_comm_msg(self, outs, msg, cell_index):
            return None  # widget state is not kept

    return GradingClient


def _run_notebook(nb, limits, factory):
    """Run ``nb`` in a fresh kernel in a fresh folder; returns ``(status, notes)``."""
    loop = _worker_loop()
    return loop.run_until_complete(_run_async(nb, limits, factory))


async def _run_async(nb, limits, factory):
    notes = []
    deadline = time.monotonic() + limits.total_timeout
    try:
        km, kc, workdir = await factory.acquire(message_limit=limits.message_mb * 2**20)
    except Exception as err:  # no kernel could be started
        return f"run failed: {type(err).__name__}", notes
    try:
        return await _run_in(nb, limits, km, kc, workdir, deadline, notes)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def _run_in(nb, limits, km, kc, workdir, deadline, notes):
    from nbclient.exceptions import DeadKernelError

    timed_out = []

    def note_timeout(cell, cell_index, execute_reply):
        if (execute_reply or {}).get("content", {}).get("ename") == _TIMEOUT_ERROR:
            timed_out.append(cell_index)

    client = _client_class()(
        nb, km, limits, timeout=max(1, math.ceil(limits.cell_timeout)), allow_errors=True,
        interrupt_on_timeout=True, record_timing=False, on_cell_executed=note_timeout, store_widget_state=False,
        error_on_timeout={"ename": _TIMEOUT_ERROR, "evalue": "time limit", "traceback": []},
        shutdown_kernel="immediate", iopub_timeout=3, startup_timeout=60, kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}})
    client.kc = kc  # started and ready already
    group = getattr(getattr(km, "provisioner", None), "pgid", None)  # the kernel's process group
    status = "ok"
    try:
        async with client.async_setup_kernel(cwd=str(workdir)):
            for index, cell in enumerate(nb.cells):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    status = "time limit"
                    break
                per_cell = min(limits.cell_timeout, remaining)
                client.timeout = max(1, math.ceil(per_cell))
                client.idle = False
                before = len(timed_out)
                await client.async_execute_cell(cell, index, execution_count=index + 1)
                if len(timed_out) > before:
                    if per_cell < limits.cell_timeout or time.monotonic() >= deadline:
                        status = "time limit"
                        break
                    status = "timeout"
                    if not client.idle:  # the interrupt did not stop it: give up on this kernel
                        notes.append(note(N_("a cell ignored the interrupt; the rest was not run")))
                        break
    except DeadKernelError:
        status = "kernel died"
    except Exception as err:  # the kernel could not start, or the run broke down
        status = f"run failed: {type(err).__name__}"
    finally:
        if group and hasattr(os, "killpg"):
            try:
                os.killpg(group, 9)  # the kernel and anything it started in its session
            except OSError:
                pass
    if client.truncated:
        notes.append(note(N_("output truncated (kept {kb} KB)"), kb=limits.output_kb))
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if any(o.get("ename") == "MemoryError" for o in errors):
        if status in ("ok", "kernel died"):
            status = "memory limit"
        else:
            notes.append(note(N_("memory limit reached")))
    return status, notes


_LOOP = None


def _worker_loop():
    global _LOOP
    if _LOOP is None or _LOOP.is_closed():
        _LOOP = asyncio.new_event_loop()
        asyncio.set_event_loop(_LOOP)
    return _LOOP


def _answers(nb, captures):
    found = {}
    for index, qid in captures.items():
        for output in nb.cells[index].get("outputs", []):
            data = output.get("data", {})
            payload = data.get(ANSWER_MIME)
            if isinstance(payload, dict) and payload.get("qid") == qid:
                try:  # a JSON round trip leaves only plain dicts, lists, strings, numbers
                    found[qid] = json.loads(json.dumps(payload.get("answer"), allow_nan=False))
                except (TypeError, ValueError, RecursionError):
                    found[qid] = {"__invalid__": "the answer is not plain data"}
                break
    return found


def _judge_all(lesson, answers, tr, variant=None):
    verdicts = {}
    for qid, key in lesson.keys.items():
        key = for_variant(key, variant or 0)
        answer = answers.get(qid, UNANSWERED)
        if type(answer) is dict and "__invalid__" in answer:
            detail = not_plain_message(answer.get("what"), answer.get("whole") is True, tr,
                                       fallback=str(answer["__invalid__"])[:200])
            verdicts[qid] = Verdict(0, "invalid", tr("not yet: {detail}").format(detail=detail))
        else:
            try:
                verdicts[qid] = judge(key, lesson.salt, answer, tr)
            except Exception as err:  # malformed data from the kernel
                verdicts[qid] = Verdict(0, "invalid", tr("the answer could not be judged ({error}).").format(
                    error=type(err).__name__))
    return verdicts


def copied_from(key, salt, answer, own):
    """The variants other than ``own`` for which ``answer`` is right: where a wrong answer was copied from.

    Variant 0 never counts: it is the example that every student sees before
    setting a username, so an answer that fits it is no sign of copying a
    classmate (:func:`example_values_flag` reports it instead).

    Examples
    --------
    >>> key = protect({"qid": "n", "kind": "number", "variants": [{"answer": a} for a in (10, 12, 14)]}, "s")
    >>> copied_from(key, "s", 12, own=2), copied_from(key, "s", 12, own=1), copied_from(key, "s", 10, own=1)
    ([1], [], [])
    """
    if "variants" not in key or type(answer) is dict and ("__invalid__" in answer or answer == UNANSWERED):
        return []
    if judge(for_variant(key, own), salt, answer).state == "correct":
        return []
    return [v for v in range(1, len(key["variants"])) if v != own
            and judge(for_variant(key, v), salt, answer).state == "correct"]


def luck(key):
    """The chance that a wrong answer to ``key`` is right for one given other variant by luck alone.

    Practically nil for a number or a table; for a choice question whose
    options are shuffled per student, one in (the number of possible answers - 1).

    Examples
    --------
    >>> luck({"kind": "number"}), luck({"kind": "choice", "options": list("abcd"), "multiple": False})
    (0.0, 0.3333333333333333)
    >>> round(luck({"kind": "choice", "options": list("abcde"), "multiple": True}), 3)
    0.033
    """
    if key["kind"] != "choice":
        return 0.0
    answers = 2 ** len(key["options"]) - 1 if key["multiple"] else len(key["options"])
    return 1 / max(answers - 1, 1)


def beyond_luck(keys, found, level=0.01):
    """Of ``found`` (question -> the other variants a wrong answer is right for), what luck does not explain.

    A wrong letter in a shuffled choice is often right for some other variant
    by chance, so a variant counts only when the chance that all the answers
    pointing to it do so by luck, times the number of other variants, is
    below ``level``: one number is enough, four-option single choices alone
    never are, a few multiple choices together can be.

    Examples
    --------
    >>> single = {"kind": "choice", "options": list("abcd"), "multiple": False}
    >>> keys = {"n": {"kind": "number"}, "s": single, "t": single}
    >>> beyond_luck(keys, {"s": [3, 5], "t": [3]}), beyond_luck(keys, {"n": [3], "s": [3, 5]})
    ({}, {'n': [3], 's': [3]})
    """
    kept = {}
    for v in sorted({v for variants in found.values() for v in variants}):
        pointing = [q for q, variants in found.items() if v in variants]
        if math.prod(luck(keys[q]) for q in pointing) * (VARIANTS - 1) < level:
            for q in pointing:
                kept.setdefault(q, []).append(v)
    return kept


def _finish(result, lesson, answers=None):
    varied = [q for q, k in lesson.keys.items() if "variants" in k]
    result.variant = variant_index(lesson.stem, result.student) if varied else None
    result.verdicts = _judge_all(lesson, answers or {}, lesson.tr(result.language), result.variant)
    result.copied = beyond_luck(lesson.keys, {
        q: found for q in varied
        if (found := copied_from(lesson.keys[q], lesson.salt, (answers or {}).get(q), result.variant))})
    result.points = {q: round(v.fraction * lesson.keys[q]["points"], 3) for q, v in result.verdicts.items()}
    result.answers = {q: a for q, a in (answers or {}).items() if q in lesson.keys}
    result.out_of = lesson.max_points
    return result


def example_values_flag(result, lesson, answers, sources):
    """A flag for a notebook that sets no username and whose answers fit the example values better, else ``None``.

    A student who works on a laptop without ``ex.set_student`` sees variant 0
    (the written order of the options, the first parameter set): the grader,
    which judges the submitter's own variant, says what the answers score
    with the example values.  On a hub every student sees their own values,
    so there the answers came from someone who saw the example.
    ``sources`` are the notebook's code cells.
    """
    if not result.variant or declared_student(sources):
        return None
    verdicts = _judge_all(lesson, answers, str, variant=0)
    example = round(sum(verdicts[q].fraction * lesson.keys[q]["points"] for q in result.points), 3)
    if example <= result.total:
        return None
    return note(N_("the answers fit the example options and values (variant 0) better: {example} of {max} with them, "
                   "and the notebook sets no username"), example=f"{example:g}", max=f"{result.out_of:g}")


def grade_notebook(student, nb, lesson, limits, factory):
    """Grade one parsed notebook; returns a :class:`Result`. Never raises."""
    start = time.monotonic()
    result = Result(student, language=_language_of(nb, lesson))
    wrong = _lesson_of(nb, lesson)
    prepared = (None, [wrong], {}, []) if wrong else _prepare(nb, lesson, result.language, student)
    run, flags, captures, result.new_questions = prepared
    answers = {}
    if run is None:
        result.status, result.flags = "wrong lesson", flags
    else:
        result.flags = flags
        result.status, notes = _run_notebook(run, limits, factory)
        answers = _answers(run, captures)
        errors = sum(o.get("output_type") == "error" for c in run.cells for o in c.get("outputs", []))
        if errors and result.status == "ok":
            result.flags.append(note(N_("cells raised errors ({n})"), n=errors))
        result.flags += notes
    _finish(result, lesson, answers)
    flag = run is not None and example_values_flag(result, lesson, answers,
                                                   [c.source for c in nb.cells if c.cell_type == "code"])
    if flag:
        result.flags.append(flag)
    result.seconds = round(time.monotonic() - start, 2)
    return result


def grade_submission(student, path, lesson, timeout=30, limits=None, factory=None):
    """Grade one student's notebook file; returns a :class:`Result`. Never raises.

    Starts its own kernel template when no ``factory`` is given (slow: use
    :func:`grade_class` for more than one notebook).
    """
    limits = limits or Limits(cell_timeout=timeout)
    own = factory is None
    root = tempfile.mkdtemp(prefix=f"mktlab-grade-{os.getpid()}-")
    try:
        if own:
            from .isolation import KernelFactory

            factory = KernelFactory(lesson.preload, memory_mb=limits.memory_mb, cpu_seconds=limits.total_timeout + 60,
                                    sandbox=limits.sandbox, root=root, prestart=False)
        task = _Task(student, Path(path).parent, Path(path), *_digest(Path(path)))
        return _grade_task(task, lesson, limits, factory, root)
    finally:
        if own and factory is not None:
            factory.close()
        shutil.rmtree(root, ignore_errors=True)


# --- one student folder ---------------------------------------------------------------


@dataclass
class _Task:
    student: str
    folder: Path
    path: Path | None = None
    sha256: str = ""
    size: int = 0
    status: str = ""  # set when there is nothing to run
    flags: list = field(default_factory=list)


def _digest(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _locate(folder, lesson):
    """Which notebook of ``folder`` to grade, or why there is none."""
    task = _Task(folder.name, folder)
    exact = folder / f"{lesson.stem}.ipynb"
    candidates = sorted(p for p in folder.rglob("*.ipynb")
                        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    if exact.is_file():
        task.path = exact
        others = [p for p in candidates if p != exact]
        if others:
            task.flags.append(note(N_("other notebooks ignored ({n})"), n=len(others)))
    else:
        same = [p for p in candidates if p.stem.startswith(lesson.stem) or p.stem.startswith(lesson.stem[:3])]
        if len(candidates) == 1:
            task.path = candidates[0]
        elif len(same) == 1:
            task.path = same[0]
        elif candidates:
            task.status = "several notebooks"
            task.flags.append("; ".join(str(p.relative_to(folder)) for p in candidates[:5]))
            return task
        else:
            task.status = "missing notebook"
            return task
        task.flags.append(note(N_("graded {path}"), path=task.path.relative_to(folder)))
    try:
        task.sha256, task.size = _digest(task.path)
    except OSError as err:
        task.status, task.path = "invalid notebook", None
        task.flags.append(note(N_("unreadable ({error})"), error=type(err).__name__))
    return task


def _grade_task(task, lesson, limits, factory, root):
    start = time.monotonic()
    if task.size > limits.notebook_mb * 2**20:
        size = f"{task.size / 2**20:.1f} MB; the limit is {limits.notebook_mb:g} MB"
        result = _finish(Result(task.student, status="notebook too large", flags=[*task.flags, size]), lesson)
    else:
        try:
            nb = read_submission(task.path.read_bytes())
        except (InvalidNotebook, OSError) as err:
            nb = None
            result = _finish(Result(task.student, status="invalid notebook", flags=[*task.flags, str(err)]), lesson)
        if nb is not None:
            result = grade_notebook(task.student, nb, lesson, limits, factory)
            result.flags = [*task.flags, *result.flags]
    result.notebook = str(task.path.relative_to(task.folder)) if task.path else ""
    result.sha256 = task.sha256
    result.seconds = round(time.monotonic() - start, 2)
    return result


# --- grading workers ------------------------------------------------------------------

_WORKER = {}


def _watch_parent(parent):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)  # the grader was killed: stop (the kernel template follows when its pipe closes)


def _worker_init(lesson, limits, parent):
    from multiprocessing.util import Finalize

    _nbformat()  # before nbclient imports it the slow way (in a spawned worker)

    from .isolation import KernelFactory

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    root = tempfile.mkdtemp(prefix=f"mktlab-grade-{os.getpid()}-")
    _WORKER.update(lesson=lesson, limits=limits, root=root, factory=None, problem="")
    try:
        _WORKER["factory"] = KernelFactory(lesson.preload, memory_mb=limits.memory_mb,
                                           cpu_seconds=limits.total_timeout + 60, sandbox=limits.sandbox, root=root)
    except Exception as err:  # reported on every row this worker grades
        _WORKER["problem"] = f"run failed: kernels could not start ({type(err).__name__}: {err})"[:200]

    def cleanup():
        if _WORKER.get("factory") is not None:
            _WORKER["factory"].close()
        shutil.rmtree(root, ignore_errors=True)

    Finalize(None, cleanup, exitpriority=10)


def _worker_grade(task):
    try:
        if _WORKER["problem"]:
            raise RuntimeError(_WORKER["problem"])
        return _grade_task(task, _WORKER["lesson"], _WORKER["limits"], _WORKER["factory"], _WORKER["root"])
    except Exception as err:  # a bug or a broken kernel template: one row fails, not the class
        status = str(err) if _WORKER["problem"] else f"run failed: {type(err).__name__}"
        result = _finish(Result(task.student, status=status, flags=list(task.flags)), _WORKER["lesson"])
        result.sha256 = ""  # never cached
        return result


def _worker_isolation():
    return _WORKER["factory"].summary if _WORKER["factory"] is not None else _WORKER["problem"]


def default_jobs():
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def student_folders(submissions_dir):
    """The student folders of ``submissions_dir``, sorted (hidden folders are skipped)."""
    return sorted((p for p in Path(submissions_dir).iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def _cache_path(cache_dir, student):
    return Path(cache_dir) / f"{hashlib.sha256(student.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}.json"


def _cached(cache_dir, task, fingerprint):
    if cache_dir is None or not task.sha256:
        return None
    try:
        data = json.loads(_cache_path(cache_dir, task.student).read_text(encoding="utf-8"))
        if (data["student"], data["sha256"], data["fingerprint"]) != (task.student, task.sha256, fingerprint):
            return None
        result = Result.from_json(data["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    result.cached = True
    return result


def _store(cache_dir, result, fingerprint):
    if cache_dir is None or not result.sha256:
        return
    data = {"student": result.student, "sha256": result.sha256, "fingerprint": fingerprint,
            "result": result.to_json()}
    write_atomic(_cache_path(cache_dir, result.student), json.dumps(data, ensure_ascii=False))


def _clean_stale_roots():
    """Remove temporary folders left by graders that were killed."""
    for path in Path(tempfile.gettempdir()).glob("mktlab-grade-*-*"):
        try:
            pid = int(path.name.split("-")[2])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, IndexError, OSError):
            continue


def grade_class(lesson, submissions_dir, jobs=None, timeout=30, on_result=None, limits=None, cache_dir=None,
                on_start=None, reuse=True):
    """Grade every student folder in ``submissions_dir``; returns results sorted by student.

    ``cache_dir`` (e.g. ``OUT/.cache``) keeps each finished result, keyed by the
    student, the SHA-256 of the notebook file and everything else that could
    change the result; a later run reuses it only when all of these are equal.
    ``on_result(result, total)`` is called as each result arrives;
    ``on_start(total, isolation)`` once, before grading starts.  With
    ``reuse=False`` every submission is graded again (and the cache refreshed).
    """
    limits = limits or Limits(cell_timeout=timeout)
    jobs = max(1, jobs or default_jobs())
    fingerprint = lesson.fingerprint(limits)
    folders = student_folders(submissions_dir)
    total, results, todo = len(folders), [], []

    def done(result):
        results.append(result)
        if on_result:
            on_result(result, total)

    tasks = [_locate(folder, lesson) for folder in folders]
    isolation = None
    if any(not t.status for t in tasks):
        _clean_stale_roots()
    if on_start:
        on_start(total, None)
    for task in tasks:
        if task.status:
            done(_finish(Result(task.student, status=task.status, flags=task.flags), lesson))
            continue
        cached = _cached(cache_dir, task, fingerprint) if reuse else None
        if cached is not None:
            done(cached)
        else:
            todo.append(task)
    suspects = []
    if todo:
        isolation = _run_pool(todo, lesson, limits, min(jobs, len(todo)), fingerprint, cache_dir, done, suspects)
        for task in suspects:  # in a pool that broke: one at a time, to find the one that broke it
            _run_pool([task], lesson, limits, 1, fingerprint, cache_dir, done, [], last_try=True)
    grade_class.isolation = isolation
    return sorted(results, key=lambda r: r.student)


grade_class.isolation = None


def _run_pool(tasks, lesson, limits, jobs, fingerprint, cache_dir, done, suspects, last_try=False):
    """Grade ``tasks`` in ``jobs`` worker processes; tasks in flight when a worker dies go to ``suspects``."""
    import multiprocessing

    # fork is the quickest start; a process with other threads running (e.g. a test runner) spawns instead
    alone = threading.active_count() == 1
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") and alone else "spawn")
    isolation = None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init,
                             initargs=(lesson, limits, os.getpid())) as pool:
        try:
            isolation = pool.submit(_worker_isolation).result()
        except BrokenProcessPool:
            isolation = None
        queue = deque(tasks)
        running = {}
        broken = False
        while queue or running:
            while queue and len(running) < jobs * 2 and not broken:
                task = queue.popleft()
                try:
                    running[pool.submit(_worker_grade, task)] = task
                except BrokenProcessPool:
                    queue.appendleft(task)
                    broken = True
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                task = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    if last_try:
                        result = _finish(Result(task.student, status="run failed: the grading process was killed",
                                                flags=list(task.flags)), lesson)
                        result.notebook = str(task.path.relative_to(task.folder)) if task.path else ""
                        done(result)
                    else:
                        suspects.append(task)
                    continue
                _store(cache_dir, result, fingerprint)
                done(result)
        if broken and queue:  # the rest never started: a fresh pool for them
            again = _run_pool(list(queue), lesson, limits, jobs, fingerprint, cache_dir, done, suspects)
            isolation = again or isolation
    return isolation


# --- the gradebook ------------------------------------------------------------------------


def gradebook_csv(results, lesson):
    """The gradebook as CSV text: one row per student.

    A question the instructor still has to grade by hand shows ``pending``; one
    added since the student's copy was released and not counted, ``excused``
    (the row's ``max`` then leaves it out).
    Text that could start a formula is quoted (:mod:`.csvfile`).
    """
    rows = [["student", "status", *lesson.keys, "total", "max", "flags", "seconds"]]
    holders = variant_holders(results)
    for r in results:
        cells = ["excused" if q not in r.points else "pending" if r.verdicts[q][1] == "pending" else f"{r.points[q]:g}"
                 for q in lesson.keys]
        flags = list(r.flags)
        if r.pending:
            flags.append(f"pending: {len(r.pending)} question(s) to grade by hand")
        flags += [f"copied? {q} is right for the values of {_whose(holders, variants, r.student)}"
                  for q, variants in r.copied.items()]
        rows.append([r.student, r.status, *cells, f"{r.total:g}", f"{r.out_of:g}", "; ".join(flags),
                     f"{r.seconds:.2f}"])
    return csv_text(rows)


def variant_holders(results):
    """``{variant: [students]}`` over ``results`` (students of lessons with variant exercises).

    Examples
    --------
    >>> variant_holders([Result("ann", variant=3), Result("bob", variant=3), Result("chen")])
    {3: ['ann', 'bob']}
    """
    holders = defaultdict(list)
    for r in results:
        if r.variant is not None:
            holders[r.variant].append(r.student)
    return dict(holders)


def _whose(holders, variants, student):
    """Who holds ``variants`` (besides ``student``), e.g. ``"ann (variant 3)"``.

    Examples
    --------
    >>> _whose({3: ["ann", "bob"], 5: ["chen"]}, [3, 7], "bob")
    'ann (variant 3); nobody in this class (variant 7)'
    """
    return "; ".join(f"{', '.join(s for s in holders.get(v, []) if s != student) or 'nobody in this class'} "
                     f"(variant {v})" for v in variants)


def write_atomic(path, text, durable=False):
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half of one.

    A killed process leaves the old file; ``durable=True`` also survives a power cut (fsync).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
