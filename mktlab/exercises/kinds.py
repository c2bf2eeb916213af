"""Exercise kinds: how an answer key is protected, and how an answer is judged.

A *spec* is the instructor's full answer key for one question (plain data,
written by a hidden cell of the solution notebook).  ``protect`` turns it into
a *key* that holds only salted hashes of the answers; the student's check and
the grader both judge with :func:`judge` on such a key, so the two always
agree.  The grader's key also holds the hidden cases of function questions.

Every kind is judged on plain data (see :mod:`mktlab.exercises.answers`).
"""
from __future__ import annotations

from typing import NamedTuple

from .answers import UNANSWERED, canonical, describe, digest

__all__ = ["KINDS", "protect", "judge", "Verdict"]


class Verdict(NamedTuple):
    """The share of the points earned; one of ``correct``, ``partial``,
    ``incorrect``, ``unanswered``, ``invalid`` or ``pending`` (a written answer
    the instructor grades); one friendly line for the student."""

    fraction: float
    state: str
    message: str


def _not_yet(key, detail=""):
    parts = [p for p in (detail, key.get("hint", "")) if p]
    return "not yet: " + " ".join(parts) if parts else "not yet"


def _right(fraction, key, detail):
    if fraction >= 1:
        return Verdict(1, "correct", "correct")
    return Verdict(fraction, "partial" if fraction > 0 else "incorrect", _not_yet(key, detail))


def _is_number(v):
    return type(v) in (int, float)


# --- number ---------------------------------------------------------------

def _number_index(x, decimals):
    return round(float(x) * 10 ** decimals)


def _protect_number(spec, salt):
    k = _number_index(spec["answer"], spec.get("decimals", 0))
    return {"decimals": spec.get("decimals", 0), "hash": digest(salt, spec["qid"], k)}


def _judge_number(key, salt, answer):
    if not _is_number(answer):
        return Verdict(0, "invalid", f"not yet: the answer should be a number, but it is {describe(answer)}.")
    k = _number_index(answer, key["decimals"])
    ok = any(digest(salt, key["qid"], k + j) == key["hash"] for j in (-1, 0, 1))
    return _right(1 if ok else 0, key, "")


# --- choice (single or multiple) -------------------------------------------

def _choices(answer):
    return sorted(answer) if type(answer) is list else [answer]


def _protect_choice(spec, salt):
    multiple = type(spec["answer"]) is list
    return {"options": list(spec["options"]), "multiple": multiple,
            "hash": digest(salt, spec["qid"], canonical(_choices(spec["answer"])))}


def _judge_choice(key, salt, answer):
    options = {canonical(o): o for o in key["options"]}
    if key["multiple"] and type(answer) is str:
        answer = [answer]
    if key["multiple"] and not (type(answer) is list and all(type(a) is str for a in answer)):
        return Verdict(0, "invalid", f"not yet: give a list of option labels, e.g. {key['options'][:2]!r}.")
    if not key["multiple"] and type(answer) is not str:
        return Verdict(0, "invalid", "not yet: give one option label as text, e.g. "
                       f"{key['options'][0]!r}.")
    unknown = [a for a in _choices(answer) if canonical(a) not in options]
    if unknown:
        return Verdict(0, "invalid", f"not yet: {unknown[0]!r} is not one of the options "
                       f"{', '.join(map(repr, key['options']))}.")
    given = sorted({options[canonical(a)] for a in _choices(answer)})
    ok = digest(salt, key["qid"], canonical(given)) == key["hash"]
    return _right(1 if ok else 0, key, "")


# --- true/false statements --------------------------------------------------

def _protect_truefalse(spec, salt):
    return {"hashes": [digest(salt, spec["qid"], f"{i}:{bool(b)}") for i, b in enumerate(spec["answer"])]}


def _judge_truefalse(key, salt, answer):
    n = len(key["hashes"])
    if not (type(answer) is list and len(answer) == n and all(type(a) is bool for a in answer)):
        return Verdict(0, "invalid", f"not yet: give a list of {n} values, each True or False.")
    right = sum(digest(salt, key["qid"], f"{i}:{a}") == h for i, (a, h) in enumerate(zip(answer, key["hashes"])))
    return _right(right / n, key, f"{right} of {n} statements are right.")


# --- ordering ---------------------------------------------------------------

def _protect_order(spec, salt):
    items = spec["answer"]
    return {"items": sorted(items),
            "hash": digest(salt, spec["qid"], canonical(items)),
            "positions": [digest(salt, spec["qid"], f"{i}:{canonical(x)}") for i, x in enumerate(items)]}


def _judge_order(key, salt, answer):
    items = key["items"]
    if not (type(answer) is list and all(type(a) is str for a in answer)):
        return Verdict(0, "invalid", f"not yet: give a list of the {len(items)} items in order.")
    if sorted(map(canonical, answer)) != sorted(map(canonical, items)):
        return Verdict(0, "invalid", "not yet: use each of these items exactly once: " + ", ".join(items) + ".")
    if digest(salt, key["qid"], canonical(answer)) == key["hash"]:
        return Verdict(1, "correct", "correct")
    placed = sum(digest(salt, key["qid"], f"{i}:{canonical(a)}") == h
                 for i, (a, h) in enumerate(zip(answer, key["positions"])))
    return _right(0, key, f"{placed} of {len(items)} are in the right place.")


# --- matching ---------------------------------------------------------------

def _protect_match(spec, salt):
    answer = spec["answer"]
    return {"left": list(answer), "right": sorted(set(answer.values())),
            "hashes": {k: digest(salt, spec["qid"], f"{canonical(k)}:{canonical(v)}") for k, v in answer.items()}}


def _judge_match(key, salt, answer):
    left = key["left"]
    if type(answer) is not dict or sorted(map(canonical, answer)) != sorted(map(canonical, left)):
        return Verdict(0, "invalid", "not yet: give a dictionary with exactly these keys: " + ", ".join(left) + ".")
    given = {canonical(k): v for k, v in answer.items()}
    right = sum(digest(salt, key["qid"], f"{canonical(k)}:{canonical(given[canonical(k)])}") == key["hashes"][k]
                for k in left)
    return _right(right / len(left), key, f"{right} of {len(left)} pairs are right.")


# --- pandas table -----------------------------------------------------------

def _protect_table(spec, salt):
    table, d = spec["answer"], spec.get("decimals", 6)
    text = canonical({"columns": table["columns"], "index": table["index"], "data": table["data"]}, d)
    return {"table": table["__table__"], "columns": table["columns"], "rows": len(table["index"]),
            "decimals": d, "hash": digest(salt, spec["qid"], text),
            "values_hash": digest(salt, spec["qid"], canonical(table["data"], d))}


def _judge_table(key, salt, answer):
    wanted = "a DataFrame" if key["table"] == "frame" else "a Series"
    if not (type(answer) is dict and "__table__" in answer):
        return Verdict(0, "invalid", f"not yet: the answer should be {wanted}, but it is {describe(answer)}.")
    if answer["__table__"] != key["table"]:
        return Verdict(0, "invalid", f"not yet: the answer should be {wanted}, but it is {describe(answer)}.")
    d = key["decimals"]
    if key["table"] == "frame" and canonical(answer["columns"]) != canonical(key["columns"]):
        return _right(0, key, f"expected the columns {key['columns']}, got {answer['columns']}.")
    if len(answer["index"]) != key["rows"]:
        return _right(0, key, f"expected {key['rows']} rows, got {len(answer['index'])}.")
    text = canonical({"columns": answer["columns"], "index": answer["index"], "data": answer["data"]}, d)
    if digest(salt, key["qid"], text) == key["hash"]:
        return Verdict(1, "correct", "correct")
    if digest(salt, key["qid"], canonical(answer["data"], d)) == key["values_hash"]:
        return _right(0, key, "the values are right but the row labels (index) or names differ.")
    return _right(0, key, "some values differ.")


# --- a function the student writes --------------------------------------------

def _protect_function(spec, salt, hidden=False):
    d = spec.get("decimals", 6)
    cases = spec["cases"] + (spec.get("hidden", []) if hidden else [])
    return {"decimals": d, "hidden": len(spec.get("hidden", [])) if hidden else 0,
            "cases": [{"args": args, "hash": digest(salt, spec["qid"], canonical(expected, d))}
                      for args, expected in cases]}


def _judge_function(key, salt, answer):
    if not (type(answer) is dict and answer.get("__function__")):
        return Verdict(0, "invalid", "not yet: this answer should be a function (def …).")
    results, cases = answer["results"], key["cases"]
    if len(results) != len(cases):
        return Verdict(0, "invalid", "not yet: the function could not be run on every test case.")
    if UNANSWERED in results:
        return Verdict(0, "unanswered", "not answered yet: finish the function body (replace the ...).")
    shown = len(cases) - key.get("hidden", 0)
    passed, example = 0, ""
    for i, (case, result) in enumerate(zip(cases, results)):
        if type(result) is dict and "__error__" in result:
            problem = f"calling it with {case['args']} raised {result['__error__']}."
        elif digest(salt, key["qid"], canonical(result, key["decimals"])) == case["hash"]:
            passed += 1
            continue
        else:
            problem = f"for {case['args']} it returned {result!r}."
        if i < shown and not example:  # never describe a hidden case
            example = " For example, " + problem
    hidden = f" ({key['hidden']} of them hidden)" if key.get("hidden") else ""
    return _right(passed / len(cases), key, f"{passed} of {len(cases)} test cases pass{hidden}.{example}")


# --- a written answer, graded by the instructor -------------------------------

def _protect_manual(spec, salt):
    return {"rubric": spec.get("rubric", "")}


def _judge_manual(key, salt, answer):
    if type(answer) is not str or not answer.strip():
        return Verdict(0, "invalid", "not yet: write your answer as text between the quotes.")
    words = len(answer.split())
    return Verdict(0, "pending", f"answer saved ({words} words); your instructor will grade it.")


KINDS = {
    "number": (_protect_number, _judge_number),
    "choice": (_protect_choice, _judge_choice),
    "truefalse": (_protect_truefalse, _judge_truefalse),
    "order": (_protect_order, _judge_order),
    "match": (_protect_match, _judge_match),
    "table": (_protect_table, _judge_table),
    "function": (_protect_function, _judge_function),
    "manual": (_protect_manual, _judge_manual),
}


def protect(spec, salt, hidden=False):
    """The key for ``spec``: answers hashed with ``salt``, hidden cases only if ``hidden``.

    Examples
    --------
    >>> key = protect({"qid": "year", "kind": "number", "answer": 1983}, salt="x")
    >>> "1983" in str(key)
    False
    >>> judge(key, "x", 1983).state, judge(key, "x", 1960).state
    ('correct', 'incorrect')
    """
    make, _ = KINDS[spec["kind"]]
    body = make(spec, salt, hidden) if spec["kind"] == "function" else make(spec, salt)
    return {"qid": spec["qid"], "kind": spec["kind"], "points": spec.get("points", 1),
            "hint": spec.get("hint", ""), **body}


def judge(key, salt, answer):
    """Judge a plain ``answer`` against a protected ``key``; returns a :class:`Verdict`.

    Examples
    --------
    >>> key = protect({"qid": "q", "kind": "truefalse", "answer": [True, False]}, "s")
    >>> judge(key, "s", [True, True])
    Verdict(fraction=0.5, state='partial', message='not yet: 1 of 2 statements are right.')
    >>> judge(key, "s", {"__unanswered__": True}).state
    'unanswered'
    """
    if answer == UNANSWERED:
        return Verdict(0, "unanswered", "not answered yet: replace the ... in the answer cell and run it.")
    _, check = KINDS[key["kind"]]
    return check(key, salt, answer)
