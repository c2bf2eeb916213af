"""Release: make the student copy of a lesson from its solution notebook.

Cell roles, read from plain-text markers so they survive any editor:

* **answer**: a code cell with ``### BEGIN SOLUTION`` … ``### END SOLUTION``.
  In the student copy each region becomes stubs: ``name = ...`` for every
  assignment and ``def f(...): return ...`` for every function.
* **hidden**: a code cell whose first line is ``### HIDDEN``.  It registers the
  answer key and is removed; release reads the key from its stored output.
* **check**: a code cell that is exactly ``ex.check("name")``.
* **setup**: the code cell that creates ``Exercises(...)``.
* **text**: markdown.  Text, setup and check cells are locked in the copy.
"""
from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path

from .check import QUESTION_MIME
from .kinds import protect

__all__ = ["BEGIN", "END", "HIDDEN", "LOCKED_ROLES", "ReleaseError", "cell_role", "check_qid",
           "stub_source", "question_specs", "release_notebook", "release_all"]

BEGIN, END, HIDDEN = "### BEGIN SOLUTION", "### END SOLUTION", "### HIDDEN"
LOCKED_ROLES = ("text", "setup", "check")
_CHECK = re.compile(r"""\s*ex\.check\(\s*(['"])(?P<qid>[A-Za-z_]\w*)\1\s*\)\s*""")
_STUB_NOTE = "# Your answer: replace each ... below."
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class ReleaseError(ValueError):
    """A solution notebook that cannot be released, with the reason."""


def check_qid(source):
    """The question name in a check cell's source, or ``None``.

    Examples
    --------
    >>> check_qid('ex.check("coined_year")')
    'coined_year'
    >>> check_qid('print(1)') is None
    True
    """
    match = _CHECK.fullmatch(source)
    return match["qid"] if match else None


def cell_role(cell):
    """One of ``answer``, ``hidden``, ``check``, ``setup``, ``text`` or ``code``."""
    source = cell.source
    if cell.cell_type != "code":
        return "text"
    if source.lstrip().startswith(HIDDEN):
        return "hidden"
    if BEGIN in source:
        return "answer"
    if check_qid(source):
        return "check"
    if "Exercises(" in source:
        return "setup"
    return "code"


def _stubs(solution):
    """Stub lines for the statements of one solution region."""
    try:
        tree = ast.parse(solution)
    except SyntaxError as err:
        raise ReleaseError(f"solution region does not parse: {err}") from None
    lines = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            lines += [f"{t.id} = ..." for t in node.targets]
        elif isinstance(node, ast.FunctionDef):
            head = solution.splitlines()[node.lineno - 1].strip()
            doc = ast.get_docstring(node)
            body = [f'    """{doc}"""'] if doc else []
            lines += [head, *body, "    return ..."]
        elif not isinstance(node, (ast.Import, ast.ImportFrom, ast.Expr)):
            raise ReleaseError(f"cannot make a stub for line {node.lineno} of a solution: "
                               "use assignments and function definitions only")
    return lines


def stub_source(source):
    """Replace every solution region of ``source`` with stubs.

    Examples
    --------
    >>> print(stub_source('x = 1\\n### BEGIN SOLUTION\\nanswer = x + 1\\n### END SOLUTION'))
    x = 1
    # Your answer: replace each ... below.
    answer = ...
    """
    out, region = [], None
    for line in source.splitlines():
        if line.strip() == BEGIN:
            if region is not None:
                raise ReleaseError("BEGIN SOLUTION inside another solution region")
            region = []
        elif line.strip() == END:
            if region is None:
                raise ReleaseError("END SOLUTION without BEGIN SOLUTION")
            indent = re.match(r"\s*", region[0] if region else "").group()
            body = "\n".join(r[len(indent):] for r in region)
            out += [indent + s for s in [_STUB_NOTE, *_stubs(body)]]
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise ReleaseError("BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out)


def question_specs(nb):
    """The answer keys registered by the hidden cells, read from their stored outputs."""
    specs = {}
    for cell in nb.cells:
        if cell_role(cell) != "hidden":
            continue
        found = [o["data"][QUESTION_MIME] for o in cell.get("outputs", [])
                 if QUESTION_MIME in o.get("data", {})]
        if not found:
            raise ReleaseError("a hidden cell has no stored answer key: run the whole solution "
                               "notebook and save it before releasing\n" + cell.source[:200])
        for spec in found:
            specs[spec["qid"]] = spec
    checked = [check_qid(c.source) for c in nb.cells if cell_role(c) == "check"]
    unknown = sorted(set(checked) - set(specs))
    unchecked = sorted(set(specs) - set(checked))
    if unknown or unchecked:
        raise ReleaseError(f"check cells without a hidden key: {unknown}; keys without a check cell: {unchecked}")
    if len(set(checked)) != len(checked):
        raise ReleaseError("a question is checked twice")
    return specs


def _shows_widget(cell):
    """Saved widget views cannot be shown without the live kernel, so the copy drops them."""
    return any(_WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", []))


def release_notebook(solution, lesson):
    """Return ``(student notebook, protected keys)`` for a solution notebook.

    ``lesson`` is the file stem; it is also the salt of the hashed keys.
    """
    specs = question_specs(solution)
    student = copy.deepcopy(solution)
    student.metadata.pop("widgets", None)
    student.metadata["mktlab"] = {"lesson": lesson, "generated": f"by `mktlab release` from solutions/{lesson}.ipynb"}
    cells = []
    for cell in student.cells:
        role = cell_role(cell)
        if role == "hidden":
            continue
        cell.metadata.pop("execution", None)
        if role == "answer":
            cell.source = stub_source(cell.source)
        if role in ("answer", "check") or _shows_widget(cell):
            cell.outputs, cell.execution_count = [], None
        if role in LOCKED_ROLES:
            cell.metadata.update(editable=False, deletable=False)
        cell.metadata["mktlab"] = {"role": role}
        cells.append(cell)
    student.cells = cells
    keys = {"lesson": lesson, "salt": lesson, "questions": [protect(s, lesson) for s in specs.values()]}
    return student, keys


def release_all(solutions_dir, notebooks_dir, keys_dir, check=False):
    """Release every ``NN_*.ipynb`` in ``solutions_dir``.

    With ``check=True`` nothing is written; returns the list of files that are
    missing or out of date (empty when all is in sync).
    """
    import nbformat  # slow to import; only release and grade need it

    stale = []
    for path in sorted(Path(solutions_dir).glob("[0-9][0-9]_*.ipynb")):
        lesson = path.stem
        try:
            solution = nbformat.read(path, as_version=4)
            student, keys = release_notebook(solution, lesson)
        except ReleaseError as err:
            raise ReleaseError(f"{path}: {err}") from None
        outputs = {Path(notebooks_dir) / path.name: nbformat.writes(student) + "\n",
                   Path(keys_dir) / f"{lesson}.json": json.dumps(keys, indent=1, ensure_ascii=False) + "\n"}
        for target, text in outputs.items():
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
                if not check:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
    return stale
