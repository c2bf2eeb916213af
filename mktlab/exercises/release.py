"""Release: make the student copy of a lesson from its solution notebook.

Cell roles, read from plain-text markers so they survive any editor:

* **answer**: a code cell with ``### BEGIN SOLUTION`` … ``### END SOLUTION``.
  In the student copy each region becomes stubs: ``name = ...`` for every
  assignment and ``def f(...): return ...`` for every function.
* **hidden**: a code cell with a ``### HIDDEN`` line above its code (comments
  may come first).  It registers the answer key and is removed; release reads
  the key from its stored output, and refuses it when the cell was edited
  after it ran (the output records a digest of the cell that made it).
* **check**: a code cell that is only ``ex.check("name")``, comments allowed.
* **progress**: a code cell that is only ``ex.progress()`` (the running score), comments allowed.
* **setup**: the code cell that creates ``Exercises(...)``.
* **text**: markdown.  Text, setup and check cells are locked in the copy.

Release checks each question end to end: one hidden key, one check cell, an
answer cell before the check that assigns the question's name (or defines
it, for a function), and a key whose options agree with its answer.  Each
error names the cell and the question and says how to fix it.
"""
from __future__ import annotations

import ast
import copy
import hashlib
import json
import re
from pathlib import Path

from .check import QUESTION_MIME, source_digest
from .kinds import KINDS, judge, protect

__all__ = ["BEGIN", "END", "HIDDEN", "TODO", "LOCKED_ROLES", "ReleaseError", "cell_role", "check_qid",
           "stub_source", "assigned_names", "question_specs", "normalize", "release_entry",
           "with_release", "release_notebook", "release_all"]

BEGIN, END, HIDDEN = "### BEGIN SOLUTION", "### END SOLUTION", "### HIDDEN"
TODO = "TODO"  # the placeholders of a new exercise (see mktlab.exercises.authoring); release refuses them
LOCKED_ROLES = ("text", "setup", "check", "progress")
_STUB_NOTE = "# Your answer: replace each ... below."
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_RERUN = "re-run the solution notebook top to bottom, save it, and release again"


class ReleaseError(ValueError):
    """A solution notebook that cannot be released, with the reason."""


def check_qid(source):
    """The question name in a check cell's source, or ``None``; comments are allowed.

    Examples
    --------
    >>> check_qid('ex.check("coined_year")')
    'coined_year'
    >>> check_qid('# the year\\nex.check("coined_year")  # run me')
    'coined_year'
    >>> check_qid('print(1)') is None
    True
    """
    node = _only_statement(source) if "ex.check" in source else None
    call = node.value if isinstance(node, ast.Expr) else None
    if (isinstance(call, ast.Call) and ast.unparse(call.func) == "ex.check" and not call.keywords
            and len(call.args) == 1 and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str) and call.args[0].value.isidentifier()):
        return call.args[0].value
    return None


def is_progress(source):
    r"""``True`` for a cell that is only ``ex.progress()``; comments are allowed.

    Examples
    --------
    >>> is_progress("# your running score\nex.progress()"), is_progress("ex.progress(); x = 1")
    (True, False)
    """
    node = _only_statement(source) if "ex.progress" in source else None
    return isinstance(node, ast.Expr) and ast.unparse(node.value) == "ex.progress()"


def _only_statement(source):
    """The single statement of ``source`` (comments may surround it), or ``None``."""
    try:
        (node,) = ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return node


def _is_hidden(source):
    """``True`` if a ``### HIDDEN`` line comes before any code (blank and comment lines may precede it).

    Examples
    --------
    >>> _is_hidden("# key for clv\\n### HIDDEN\\nex.number('clv', 1)"), _is_hidden("x = 1\\n### HIDDEN")
    (True, False)
    """
    for line in source.splitlines():
        if line.strip() == HIDDEN:
            return True
        if line.strip() and not line.lstrip().startswith("#"):
            return False
    return False


#: A cell that shows one student's own values, options or labels (ex.vary, ex.options, ex.shuffle).
_PER_STUDENT = re.compile(r"\bex\.(?:vary|options|shuffle)\(")


def cell_role(cell):
    """One of ``answer``, ``hidden``, ``check``, ``progress``, ``setup``, ``text`` or ``code``."""
    source = cell.source
    if cell.cell_type != "code":
        return "text"
    if _is_hidden(source):
        return "hidden"
    if BEGIN in source:
        return "answer"
    if check_qid(source):
        return "check"
    if is_progress(source):
        return "progress"
    if "Exercises(" in source or _PER_STUDENT.search(source):  # a student's own values are set up, not written
        return "setup"
    return "code"


def where(lesson, index, cell, qid=None):
    """How an error names a cell: lesson, cell number (from 1), cell id and question.

    Examples
    --------
    >>> where("05_loyalty_and_clv", 11, {"id": "a1b2"}, "clv_200")
    "05_loyalty_and_clv, cell 12 (id a1b2), question 'clv_200'"
    """
    text = f"{lesson}, cell {index + 1} (id {cell.get('id', 'none')})"
    return f"{text}, question {qid!r}" if qid else text


def _names(target):
    """The names a plain target binds (``m, (r, d)``: m, r, d), or ``None`` for ``x[0]`` or ``x.y``."""
    if isinstance(target, ast.Starred):
        target = target.value
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        parts = [_names(t) for t in target.elts]
        return None if None in parts else [n for part in parts for n in part]
    return None


def _stubs(solution):
    """Stub lines for the statements of one solution region."""
    try:
        tree = ast.parse(solution)
    except SyntaxError as err:
        raise ReleaseError(f"the solution region does not parse ({err.msg}, line {err.lineno}): "
                           "fix the Python between the markers") from None
    lines = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AnnAssign) and node.value is not None else []
        names = [_names(t) for t in targets]
        if targets and None not in names:
            lines += [f"{name} = ..." for name in dict.fromkeys(n for part in names for n in part)]
        elif isinstance(node, ast.FunctionDef):
            head = solution.splitlines()[node.lineno - 1].strip()
            doc = ast.get_docstring(node)
            body = [f'    """{doc}"""'] if doc else []
            lines += [head, *body, "    return ..."]
        elif not isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr)):
            code = solution.splitlines()[node.lineno - 1].strip()
            raise ReleaseError(f"cannot make a stub for line {node.lineno} of the solution region ({code!r}): "
                               "between the markers put only assignments to names (x = ..., or m, r = ...) "
                               "and function definitions; move other code above the BEGIN SOLUTION line "
                               "or inside a function")
    return lines


def _split(source):
    """``source`` as a list of plain lines and ``(indent, region)`` pairs, one per solution region."""
    out, region = [], None
    for line in source.splitlines():
        if line.strip() == BEGIN:
            if region is not None:
                raise ReleaseError("BEGIN SOLUTION inside another solution region: close the first with "
                                   "### END SOLUTION")
            region = []
        elif line.strip() == END:
            if region is None:
                raise ReleaseError("END SOLUTION without BEGIN SOLUTION: add the ### BEGIN SOLUTION line")
            indent = re.match(r"\s*", region[0] if region else "").group()
            out.append((indent, "\n".join(r[len(indent):] for r in region)))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise ReleaseError("BEGIN SOLUTION without END SOLUTION: add the ### END SOLUTION line")
    return out


def stub_source(source):
    """Replace every solution region of ``source`` with stubs.

    Examples
    --------
    >>> print(stub_source('x = 1\\n### BEGIN SOLUTION\\nanswer = x + 1\\n### END SOLUTION'))
    x = 1
    # Your answer: replace each ... below.
    answer = ...
    >>> print(stub_source('### BEGIN SOLUTION\\nm, r, d = 200, 0.9, 0.08\\n### END SOLUTION'))
    # Your answer: replace each ... below.
    m = ...
    r = ...
    d = ...
    """
    out = []
    for part in _split(source):
        if isinstance(part, str):
            out.append(part)
        else:
            indent, body = part
            out += [indent + s for s in [_STUB_NOTE, *_stubs(body)]]
    return "\n".join(out)


def assigned_names(source):
    """The names that the solution regions of ``source`` assign, and the functions they define.

    Examples
    --------
    >>> assigned_names("### BEGIN SOLUTION\\nm, r = 200, 0.9\\ndef f(x):\\n    return x\\n### END SOLUTION")
    (['m', 'r'], ['f'])
    """
    names, functions = [], []
    for part in _split(source):
        for line in [] if isinstance(part, str) else _stubs(part[1]):
            match = re.match(r"(?:def (\w+)\(|(\w+) = \.\.\.$)", line)
            if match and match[1]:
                functions.append(match[1])
            elif match:
                names.append(match[2])
    return names, functions


def _spec_problem(spec):
    """What is wrong with a registered key, or ``""``: the kind, the answer and its options must agree.

    Examples
    --------
    >>> _spec_problem({"qid": "c", "kind": "choice", "options": ["a", "b"], "answer": "c", "points": 1})
    "the answer 'c' is not one of the options ['a', 'b']: fix the options or the answer"
    """
    if spec.get("variants"):
        return next(filter(None, (_spec_problem({**{k: v for k, v in spec.items() if k != "variants"}, **one})
                                  for one in spec["variants"])), "")
    kind, answer = spec.get("kind"), spec.get("answer")
    if kind not in KINDS:
        return f"unknown kind {kind!r}: use one of {', '.join(KINDS)}"
    if not (type(spec.get("points", 1)) in (int, float) and spec.get("points", 1) > 0):
        return "points must be a positive number"
    if kind == "number" and type(answer) not in (int, float):
        return f"ex.number needs a number as its answer, not {answer!r}"
    if kind == "choice":
        options = spec.get("options", [])
        if len(set(options)) != len(options) or len(options) < 2:
            return f"ex.choice needs two or more different options, not {options}"
        missing = [a for a in (answer if type(answer) is list else [answer]) if a not in options]
        if missing or answer == []:
            return f"the answer {missing[0] if missing else answer!r} is not one of the options {options}: " \
                   "fix the options or the answer"
    if kind in ("truefalse", "order", "match") and not answer:
        return f"ex.{kind} needs a non-empty answer"
    if kind == "order" and len(set(answer)) != len(answer):
        return "ex.order needs different items"
    if kind == "function" and not spec.get("cases"):
        return "ex.function needs at least one shown case, cases=[(args, expected)]"
    try:
        key = protect(spec, "check")
    except Exception as err:  # any malformed field
        return f"this key cannot be stored ({type(err).__name__}: {err}): check the arguments of ex.{kind}"
    right = [wrong for wrong, _ in spec.get("mistakes", []) if judge(key, "check", wrong).state == "correct"]
    if right:
        return f"the listed mistake {right[0]!r} is accepted as the right answer: remove it from mistakes"
    return ""


def _hidden_specs(nb, lesson):
    """The keys stored by the hidden cells, refusing any made by an earlier version of their cell."""
    specs, at_cell = {}, {}
    for index, cell in enumerate(nb.cells):
        if cell_role(cell) != "hidden":
            continue
        found = [o["data"][QUESTION_MIME] for o in cell.get("outputs", []) if QUESTION_MIME in o.get("data", {})]
        if not found:
            raise ReleaseError(f"{where(lesson, index, cell)}: this hidden cell has no stored answer key: {_RERUN}")
        for spec in found:
            qid = spec.get("qid")
            at = where(lesson, index, cell, qid)
            if "cell" not in spec:
                raise ReleaseError(f"{at}: the stored key does not say which cell made it (an older mktlab made it, "
                                   f"or it was not run in a notebook kernel): {_RERUN}")
            if spec["cell"] != source_digest(cell.source):
                raise ReleaseError(f"{at}: the stored key was made by an earlier version of this hidden cell "
                                   f"(it was edited and not run again), so students would get an old key or hint: "
                                   f"{_RERUN}")
            if qid in specs:
                raise ReleaseError(f"{at}: a second key for this question (the first is in cell "
                                   f"{at_cell[qid] + 1}): keep only one")
            problem = _spec_problem(spec)
            if problem:
                raise ReleaseError(f"{at}: {problem}")
            specs[qid], at_cell[qid] = spec, index
    return specs, at_cell


def _check_answer(spec, answers, at, lesson):
    """Refuse a question whose answer cells (since the previous check) do not assign its name."""
    qid, kind = spec["qid"], spec["kind"]
    if not answers:
        raise ReleaseError(f"{at}: no answer cell (### BEGIN SOLUTION … ### END SOLUTION) between the previous "
                           f"check cell and this one: add one that assigns {qid}")
    names, functions = [], []
    for index, cell in answers:
        try:
            assigned, defined = assigned_names(cell.source)
        except ReleaseError as err:
            raise ReleaseError(f"{where(lesson, index, cell)}: {err}") from None
        names, functions = names + assigned, functions + defined
    cells = ", ".join(f"cell {i + 1}" for i, _ in answers)
    if kind == "function" and qid not in functions:
        raise ReleaseError(f"{at}: the answer ({cells}) defines {functions or 'no function'}, not {qid}: "
                           f"write def {qid}(...) between the markers, or rename the question")
    if kind != "function" and qid not in names:
        also = f"; it defines a function {qid}, so register the key with ex.function" if qid in functions else ""
        raise ReleaseError(f"{at}: the answer ({cells}) assigns {names or 'nothing'}, not {qid}, so students would "
                           f"see 'not answered yet' for ever: name the variable {qid}, or rename the question in "
                           f"the hidden and check cells{also}")


def _unfinished(nb, lesson):
    """Refuse a prompt, options, answer or key cell that still holds a TODO placeholder."""
    for index, cell in enumerate(nb.cells):
        if TODO in cell.source and cell_role(cell) in ("text", "setup", "answer", "hidden"):
            raise ReleaseError(f"{where(lesson, index, cell)}: this cell still says {TODO}: replace each "
                               f"placeholder, then {_RERUN}")


def question_specs(nb, lesson=""):
    """The answer keys registered by the hidden cells, read from their stored outputs.

    Each question is checked end to end (see the module's notes); a
    :class:`ReleaseError` names the lesson, cell and question and says what to do.
    """
    _unfinished(nb, lesson)
    specs, at_cell = _hidden_specs(nb, lesson)
    checks, answers = {}, []
    for index, cell in enumerate(nb.cells):
        role = cell_role(cell)
        if role == "answer":
            answers.append((index, cell))
        if role != "check":
            continue
        qid = check_qid(cell.source)
        at = where(lesson, index, cell, qid)
        if qid in checks:
            raise ReleaseError(f"{at}: this question is already checked in cell {checks[qid] + 1}: delete one")
        if qid not in specs:
            raise ReleaseError(f"{at}: no hidden key for this check: add a cell above it that starts with "
                               f"{HIDDEN} and registers {qid!r} (e.g. ex.number({qid!r}, …)), then {_RERUN}")
        _check_answer(specs[qid], answers, at, lesson)
        checks[qid], answers = index, []
    for qid, index in at_cell.items():
        if qid not in checks:
            raise ReleaseError(f"{where(lesson, index, nb.cells[index], qid)}: this key has no check cell: "
                               f"add a cell ex.check({qid!r}) after the answer")
    return specs


def normalize(nb):
    """Drop from ``nb``, in place, what changes on every run and means nothing; returns ``nb``.

    Gone: execution timestamps, saved widget state, and the outputs that show
    a widget (their model ids are new on every run, and a saved view cannot
    be shown without the live kernel anyway).  Execution counts become those of a clean
    top-to-bottom run (1, 2, … over the code cells that ran), so re-running a
    notebook changes only what its cells show, and a one-word edit is a
    one-line diff.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", execution_count=7)])
    >>> nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-11-30T18:00:00Z"}
    >>> cell = normalize(nb).cells[0]
    >>> cell.execution_count, dict(cell.metadata)
    (1, {})
    """
    nb.metadata.pop("widgets", None)
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.outputs = [o for o in cell.outputs if _WIDGET_MIME not in o.get("data", {})]
        for output in cell.outputs:
            if "execution_count" in output:
                output["execution_count"] = count
        if cell.execution_count is not None:
            cell.execution_count = count
    return nb


def release_entry(student, questions):
    """What the grader must know of one release: its id, its questions and its locked cells' ids.

    The id is a digest of the copy's cells (ids, types and sources) and its
    questions, so releasing the same lesson twice gives the same id.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title", id="t1")])
    >>> nb.cells[0].metadata["mktlab"] = {"role": "text"}
    >>> entry = release_entry(nb, ["year"])
    >>> entry["questions"], entry["locked"], len(entry["release"])
    (['year'], ['t1'], 12)
    """
    cells = [[c.get("id"), c.cell_type, c.source] for c in student.cells]
    text = json.dumps({"cells": cells, "questions": list(questions)}, ensure_ascii=False)
    return {"release": hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], "questions": list(questions),
            "locked": [c.get("id") for c in student.cells if c.metadata.get("mktlab", {}).get("role") in LOCKED_ROLES]}


def with_release(history, entry):
    """``history`` (a list of release entries, oldest first) with ``entry`` added unless it is there.

    Examples
    --------
    >>> with_release([{"release": "a"}], {"release": "b"})
    [{'release': 'a'}, {'release': 'b'}]
    >>> with_release([{"release": "a"}], {"release": "a"})
    [{'release': 'a'}]
    """
    return history if any(e["release"] == entry["release"] for e in history) else [*history, entry]


def release_notebook(solution, lesson):
    """Return ``(student notebook, protected keys)`` for a solution notebook.

    ``lesson`` is the file stem; it is also the salt of the hashed keys.
    """
    specs = question_specs(solution, lesson)
    student = normalize(copy.deepcopy(solution))
    student.metadata["mktlab"] = {"lesson": lesson, "generated": f"by `mktlab release` from solutions/{lesson}.ipynb"}
    cells = []
    for index, cell in enumerate(student.cells):
        role = cell_role(cell)
        if role == "hidden":
            continue
        if role == "answer":
            try:
                cell.source = stub_source(cell.source)
            except ReleaseError as err:
                raise ReleaseError(f"{where(lesson, index, cell)}: {err}") from None
        # the solution's outputs would give answers away, or show one student's values in one language
        if role in ("answer", "check", "progress") or _PER_STUDENT.search(cell.source):
            cell.outputs, cell.execution_count = [], None
        if role in LOCKED_ROLES:
            cell.metadata.update(editable=False, deletable=False)
        cell.metadata["mktlab"] = {"role": role}
        cells.append(cell)
    student.cells = cells
    student.metadata["mktlab"]["release"] = release_entry(student, specs)["release"]
    keys = {"lesson": lesson, "salt": lesson, "questions": [protect(s, lesson) for s in specs.values()]}
    return student, keys


def release_all(solutions_dir, notebooks_dir, keys_dir, check=False):
    """Release every ``NN_*.ipynb`` in ``solutions_dir``, normalising the solution in place (:func:`normalize`).

    Each release is also recorded in ``solutions_dir/releases/NN_*.json`` (see
    :func:`release_entry`), so the grader recognises a notebook handed out
    before a lesson was revised.

    With ``check=True`` nothing is written; returns the list of files that are
    missing or out of date (empty when all is in sync).
    """
    import nbformat  # slow to import; only release and grade need it

    stale = []
    for path in sorted(Path(solutions_dir).glob("[0-9][0-9]_*.ipynb")):
        lesson = path.stem
        solution = normalize(nbformat.read(path, as_version=4))
        student, keys = release_notebook(solution, lesson)
        log = Path(solutions_dir) / "releases" / f"{lesson}.json"
        history = json.loads(log.read_text(encoding="utf-8")) if log.exists() else []
        history = with_release(history, release_entry(student, [q["qid"] for q in keys["questions"]]))
        outputs = {path: nbformat.writes(solution) + "\n",
                   log: json.dumps(history, indent=1, ensure_ascii=False) + "\n",
                   Path(notebooks_dir) / path.name: nbformat.writes(student) + "\n",
                   Path(keys_dir) / f"{lesson}.json": json.dumps(keys, indent=1, ensure_ascii=False) + "\n"}
        for target, text in outputs.items():
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
                if not check:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
    return stale
