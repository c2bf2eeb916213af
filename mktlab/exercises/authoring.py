"""Authoring: add a new exercise to a solution notebook, in the lesson's shape, ready to fill in.

``mktlab new-exercise 05 number clv_200 --after simple_clv`` inserts four cells
after the check cell of ``simple_clv``: a prompt, an answer cell, a hidden key
cell and a check cell.  A choice, order or matching exercise also gets the cell
that shows each student the options or labels in their own order.  Each
placeholder to replace says ``TODO``, and release refuses the lesson while one
is left.
"""
from __future__ import annotations

from .kinds import KINDS
from .release import BEGIN, END, HIDDEN, TODO, cell_role, check_qid

__all__ = ["exercise_cells", "add_exercise"]

#: For each kind: the example answer, and the arguments of its ``ex.<kind>`` call after the name.
_TEMPLATES = {
    "number": ("{q} = 0  # TODO: the calculation", '0, decimals=2, hint="TODO: a hint for a wrong answer"'),
    "choice": ('{q} = ex.letters("{q}", "a")', '["a", "b", "c"], "a", hint="TODO: a hint"'),
    "truefalse": ("{q} = [True, False, True]", '[True, False, True], hint="TODO: a hint"'),
    "order": ('{q} = ["first", "second", "third"]', '["first", "second", "third"], hint="TODO: a hint"'),
    "match": ('{q} = {{"left 1": "right 1", "left 2": "right 2"}}',
              '{{"left 1": "right 1", "left 2": "right 2"}}, hint="TODO: a hint"'),
    "table": ("{q} = None  # TODO: a pandas Series or DataFrame", '{q}, decimals=3, hint="TODO: a hint"'),
    "function": ('def {q}(x):\n    """TODO: what the function returns."""\n    return x',
                 'cases=[([1], 1)], hidden=[([2], 2)], hint="TODO: a hint"'),
    "manual": ('{q} = """TODO: a model answer."""', 'points=2, rubric="TODO: what earns the points"'),
}
#: The cell that shows each student the options (lettered) or labels (to copy) in their own order.
_SHOWN = {
    "choice": 'ex.options("{q}", ["TODO: option a", "TODO: option b", "TODO: option c"])',
    "order": 'ex.shuffle("{q}", ["third", "first", "second"])',
    "match": 'ex.shuffle("{q}", ["right 2", "right 1"])',
}


def exercise_cells(kind, qid):
    """The ``(cell type, source)`` of a new exercise of ``kind`` named ``qid``, with TODO placeholders.

    Examples
    --------
    >>> for cell_type, source in exercise_cells("number", "clv_200"):
    ...     print(f"[{cell_type}]", source)
    [markdown] **Exercise.** TODO: the question. Store it in `clv_200`.
    [code] ### BEGIN SOLUTION
    clv_200 = 0  # TODO: the calculation
    ### END SOLUTION
    [code] ### HIDDEN
    ex.number("clv_200", 0, decimals=2, hint="TODO: a hint for a wrong answer")
    [code] ex.check("clv_200")
    """
    if kind not in _TEMPLATES:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if not qid.isidentifier():
        raise ValueError(f"{qid!r} cannot be a question name: use letters, digits and _ (e.g. clv_200)")
    answer, arguments = (t.format(q=qid) for t in _TEMPLATES[kind])
    what = {"function": "Write the function", "manual": "Write your answer as text in"}.get(kind, "Store it in")
    shown = [("code", _SHOWN[kind].format(q=qid))] if kind in _SHOWN else []
    return [("markdown", f"**Exercise.** {TODO}: the question. {what} `{qid}`."), *shown,
            ("code", f"{BEGIN}\n{answer}\n{END}"),
            ("code", f'{HIDDEN}\nex.{kind}("{qid}", {arguments})'),
            ("code", f'ex.check("{qid}")')]


def add_exercise(nb, kind, qid, after):
    """Insert the cells of a new exercise into ``nb`` after the check cell of question ``after``; returns ``nb``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('ex.check("year")'),
    ...                                      nbformat.v4.new_markdown_cell("## Summary")])
    >>> [c.source[:14] for c in add_exercise(nb, "choice", "bond", after="year").cells]
    ['ex.check("year', '**Exercise.** ', 'ex.options("bo', '### BEGIN SOLU', '### HIDDEN\\nex.', 'ex.check("bond', '## Summary']
    """
    import nbformat

    checks = {check_qid(c.source): i for i, c in enumerate(nb.cells) if cell_role(c) == "check"}
    if qid in checks:
        raise ValueError(f"the lesson already has a question {qid!r}: choose another name")
    if after not in checks:
        raise ValueError(f"no question {after!r} to add after: use one of {', '.join(checks) or '(none yet)'}")
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    at = checks[after] + 1
    nb.cells[at:at] = [make[cell_type](source) for cell_type, source in exercise_cells(kind, qid)]
    return nb

