"""Exercise kinds: how an answer key is protected, and how an answer is judged.

A *spec* is the instructor's full answer key for one question (plain data,
written by a hidden cell of the solution notebook).  ``protect`` turns it into
a *key* that holds only salted hashes of the answers; the student's check and
the grader both judge with :func:`judge` on such a key, so the two always
agree.  The grader's key also holds the hidden cases of function questions.

Every kind is judged on plain data (see :mod:`mktlab.exercises.answers`).
"""
from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from .answers import UNANSWERED, NotPlain, canonical, describe, digest

__all__ = ["KINDS", "protect", "judge", "labels", "source_labels", "variant", "object_name", "join_text", "Verdict"]


class Verdict(NamedTuple):
    """The share of the points earned; one of ``correct``, ``partial``,
    ``incorrect``, ``unanswered``, ``invalid`` or ``pending`` (a written answer
    the instructor grades); one friendly line for the student."""

    fraction: float
    state: str
    message: str


def _same(text):
    return text


def join_text(*parts):
    """Sentences joined by a space, or by nothing after Chinese punctuation or before a full-width bracket.

    Examples
    --------
    >>> join_text("对了 3 组。", "逐一检查。"), join_text("correct", "", "(a note)"), join_text("正确", "（按示例）")
    ('对了 3 组。逐一检查。', 'correct (a note)', '正确（按示例）')
    """
    text = ""
    for part in filter(None, parts):
        text += part if not text or text[-1] in "。！？；：，）" or part[0] == "（" else " " + part
    return text


def _not_yet(key, detail, tr):
    joined = join_text(detail, tr(key["hint"]) if key.get("hint") else "")
    return tr("not yet: {detail}").format(detail=joined) if joined else tr("not yet")


def _invalid(template, tr, **args):
    return Verdict(0, "invalid", tr("not yet: {detail}").format(detail=tr(template).format(**args)))


def _right(fraction, key, detail, tr):
    if fraction >= 1:
        return Verdict(1, "correct", tr("correct"))
    return Verdict(fraction, "partial" if fraction > 0 else "incorrect", _not_yet(key, detail, tr))


def _is_number(v):
    return type(v) in (int, float)


# --- number ---------------------------------------------------------------

def _number_index(x, decimals):
    return round(float(x) * 10 ** decimals)


def _protect_number(spec, salt):
    k = _number_index(spec["answer"], spec.get("decimals", 0))
    return {"decimals": spec.get("decimals", 0), "hash": digest(salt, spec["qid"], k)}


def _judge_number(key, salt, answer, tr):
    if not _is_number(answer):
        return _invalid("the answer should be a number, but it is {what}.", tr, what=describe(answer, tr))
    if _number_hits(key, salt, answer):
        return Verdict(1, "correct", tr("correct"))
    mistake = _number_mistake(key, salt, answer, tr)  # a named mistake replaces the method hint
    return Verdict(0, "incorrect", tr("not yet: {detail}").format(detail=mistake)) if mistake else _right(0, key, "", tr)


def _number_hits(key, salt, x):
    k = _number_index(x, key["decimals"])
    return any(digest(salt, key["qid"], k + j) == key["hash"] for j in (-1, 0, 1))


def _places(x, most):
    """The decimal places ``x`` is written with, up to ``most``."""
    return next((p for p in range(most) if round(x, p) == x), most)


def _number_mistake(key, salt, x, tr):
    """What a wrong number most likely gets wrong: a percent, a sign, or too few decimals; else ``""``."""
    d = key["decimals"]
    if x and _number_hits(key, salt, -x):
        return tr("check the sign: your number has the right size but the wrong sign.")
    if x and _number_hits(key, salt, x / 100):
        return tr("your answer looks like a percentage; give it as a fraction of 1 (0.25, not 25).")
    if x and _number_hits(key, salt, x * 100):
        return tr("your answer looks like a fraction; give it as a percentage (25, not 0.25).")
    p = _places(x, d)
    if p < d <= p + 4:  # a rounded answer: is the right one among the numbers it rounds from?
        low = _number_index(x - 0.5 * 10 ** -p, d)
        if any(digest(salt, key["qid"], k) == key["hash"] for k in range(low, low + 10 ** (d - p) + 1)):
            return tr("round to {decimals} decimal places: your answer has only {places}.").format(decimals=d,
                                                                                                places=p)
    return ""


# --- answer labels ----------------------------------------------------------------

def _unknown(given, allowed, tr):
    """An ``invalid`` verdict naming the first of ``given`` that is not an ``allowed`` label, or ``None``."""
    known = {canonical(a) for a in allowed}
    bad = next((g for g in given if type(g) is str and canonical(g) not in known), None)
    if bad is None:
        return None
    shown = {**{a: a for a in allowed}, **{tr(a): a for a in allowed}}  # a guess from either language
    guess = difflib.get_close_matches(bad, list(shown), n=1, cutoff=0.6)
    lettered = all(len(a) == 1 for a in allowed)  # a choice whose options are shown lettered (ex.options)
    detail = (tr("{given} is not one of the option letters: {allowed}.") if lettered else
              tr("{given} is not one of the allowed labels: {allowed}.")).format(
        given=repr(bad), allowed=", ".join(repr(tr(a)) for a in allowed))
    if guess:
        detail = join_text(detail, tr("Did you mean {guess}?").format(guess=repr(tr(shown[guess[0]]))))
    return Verdict(0, "invalid", tr("not yet: {detail}").format(detail=detail))


def variant(label):
    """A label with harmless differences removed: case, spacing, hyphens, a plural, British spelling.

    Examples
    --------
    >>> variant("Referral  markets") == variant("referral market")
    True
    >>> variant("organisation") == variant("Organization"), variant("behaviour") == variant("behavior")
    (True, True)
    >>> variant("product-centred") == variant("Product centered"), variant("theatres") == variant("theater")
    (True, True)
    """
    words = re.sub(r"[\s_\-]+", " ", canonical(label).strip('"')).split()
    words = [re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", w) for w in words]
    words = [re.sub(r"tre(s?)$", r"ter\1", re.sub(r"tred$", "tered", w)) for w in words]
    words = [re.sub(r"our(s?)$", r"or\1", re.sub(r"ies$", "y", w)) for w in words]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


# --- choice (single or multiple) -------------------------------------------

def _choices(answer):
    return sorted(answer) if type(answer) is list else [answer]


def _protect_choice(spec, salt):
    multiple = type(spec["answer"]) is list
    return {"options": list(spec["options"]), "multiple": multiple,
            "hash": digest(salt, spec["qid"], canonical(_choices(spec["answer"])))}


def _judge_choice(key, salt, answer, tr):
    options = {canonical(o): o for o in key["options"]}
    bare = key["multiple"] and type(answer) is str  # one option given as text where a list is asked
    if bare:
        answer = [answer]
    if key["multiple"] and not (type(answer) is list and all(type(a) is str for a in answer)):
        return _invalid("give a list of option labels, e.g. {example}.", tr,
                        example=repr([tr(o) for o in key["options"][:2]]))
    if not key["multiple"] and type(answer) is not str:
        return _invalid("give one option label as text, e.g. {example}.", tr, example=repr(tr(key["options"][0])))
    unknown = _unknown(_choices(answer), key["options"], tr)
    if unknown:
        return unknown
    given = sorted({options[canonical(a)] for a in _choices(answer)})
    ok = digest(salt, key["qid"], canonical(given)) == key["hash"]
    several = tr("more than one option may be right: give a list, e.g. {example}.").format(
        example=repr([tr(o) for o in key["options"][:2]])) if bare else ""
    return _right(1 if ok else 0, key, several, tr)


# --- true/false statements --------------------------------------------------

def _protect_truefalse(spec, salt):
    return {"hashes": [digest(salt, spec["qid"], f"{i}:{bool(b)}") for i, b in enumerate(spec["answer"])]}


def _judge_truefalse(key, salt, answer, tr):
    n = len(key["hashes"])
    if type(answer) is list and any(type(a) is str and a.strip().lower() in ("true", "false") for a in answer):
        return _invalid("write True and False without quotes: they are Python values, not text.", tr)
    if not (type(answer) is list and len(answer) == n and all(type(a) is bool for a in answer)):
        return _invalid("give a list of {n} values, each True or False.", tr, n=n)
    right = sum(digest(salt, key["qid"], f"{i}:{a}") == h for i, (a, h) in enumerate(zip(answer, key["hashes"])))
    return _right(right / n, key, tr("{right} of {n} statements are right.").format(right=right, n=n), tr)


# --- ordering ---------------------------------------------------------------

def _protect_order(spec, salt):
    items = spec["answer"]
    return {"items": sorted(items),
            "hash": digest(salt, spec["qid"], canonical(items)),
            "positions": [digest(salt, spec["qid"], f"{i}:{canonical(x)}") for i, x in enumerate(items)]}


def _judge_order(key, salt, answer, tr):
    items = key["items"]
    if not (type(answer) is list and all(type(a) is str for a in answer)):
        return _invalid("give a list of the {n} items in order.", tr, n=len(items))
    unknown = _unknown(answer, items, tr)
    if unknown:
        return unknown
    if sorted(map(canonical, answer)) != sorted(map(canonical, items)):
        return _invalid("use each of these items exactly once: {items}.", tr,
                        items=", ".join(tr(i) for i in items))
    if digest(salt, key["qid"], canonical(answer)) == key["hash"]:
        return Verdict(1, "correct", tr("correct"))
    placed = sum(digest(salt, key["qid"], f"{i}:{canonical(a)}") == h
                 for i, (a, h) in enumerate(zip(answer, key["positions"])))
    return _right(0, key, tr("{placed} of {n} are in the right place.").format(placed=placed, n=len(items)), tr)


# --- matching ---------------------------------------------------------------

def _protect_match(spec, salt):
    answer = spec["answer"]
    return {"left": list(answer), "right": sorted(set(answer.values())),
            "hashes": {k: digest(salt, spec["qid"], f"{canonical(k)}:{canonical(v)}") for k, v in answer.items()}}


def _judge_match(key, salt, answer, tr):
    left = key["left"]
    unknown = type(answer) is dict and (_unknown(list(answer), left, tr) or
                                        _unknown([v for v in answer.values() if type(v) is str], key["right"], tr))
    if unknown:
        return unknown
    if type(answer) is not dict or sorted(map(canonical, answer)) != sorted(map(canonical, left)):
        return _invalid("give a dictionary with exactly these keys: {keys}.", tr, keys=", ".join(tr(k) for k in left))
    given = {canonical(k): v for k, v in answer.items()}
    right = sum(digest(salt, key["qid"], f"{canonical(k)}:{canonical(given[canonical(k)])}") == key["hashes"][k]
                for k in left)
    return _right(right / len(left), key, tr("{right} of {n} pairs are right.").format(right=right, n=len(left)), tr)


# --- pandas table -----------------------------------------------------------

def _protect_table(spec, salt):
    table, d = spec["answer"], spec.get("decimals", 6)
    text = canonical({"columns": table["columns"], "index": table["index"], "data": table["data"]}, d)
    return {"table": table["__table__"], "columns": table["columns"], "rows": len(table["index"]),
            "decimals": d, "hash": digest(salt, spec["qid"], text),
            "values_hash": digest(salt, spec["qid"], canonical(table["data"], d))}


def _judge_table(key, salt, answer, tr):
    wanted = tr("a DataFrame") if key["table"] == "frame" else tr("a Series")
    if not (type(answer) is dict and answer.get("__table__") == key["table"]):
        return _invalid("the answer should be {wanted}, but it is {what}.", tr, wanted=wanted,
                        what=describe(answer, tr))
    d = key["decimals"]
    if key["table"] == "frame" and canonical(answer["columns"]) != canonical(key["columns"]):
        return _right(0, key, tr("expected the columns {expected}, got {got}.").format(
            expected=key["columns"], got=answer["columns"]), tr)
    if len(answer["index"]) != key["rows"]:
        return _right(0, key, tr("expected {expected} rows, got {got}.").format(
            expected=key["rows"], got=len(answer["index"])), tr)
    text = canonical({"columns": answer["columns"], "index": answer["index"], "data": answer["data"]}, d)
    if digest(salt, key["qid"], text) == key["hash"]:
        return Verdict(1, "correct", tr("correct"))
    if digest(salt, key["qid"], canonical(answer["data"], d)) == key["values_hash"]:
        return _right(0, key, tr("the values are right but the row labels (index) or names differ."), tr)
    return _right(0, key, tr("some values differ."), tr)


# --- a function the student writes --------------------------------------------

def _protect_function(spec, salt, hidden=False):
    d = spec.get("decimals", 6)
    cases = spec["cases"] + (spec.get("hidden", []) if hidden else [])
    return {"decimals": d, "hidden": len(spec.get("hidden", [])) if hidden else 0,
            "cases": [{"args": args, "hash": digest(salt, spec["qid"], canonical(expected, d))}
                      for args, expected in cases]}


def _judge_function(key, salt, answer, tr):
    if not (type(answer) is dict and answer.get("__function__")):
        return _invalid("this answer should be a function (def …).", tr)
    results, cases = answer["results"], key["cases"]
    if len(results) != len(cases):
        return _invalid("the function could not be run on every test case.", tr)
    if UNANSWERED in results:
        return Verdict(0, "unanswered", tr("not answered yet: finish the function body (replace the ...)."))
    shown = len(cases) - key.get("hidden", 0)
    passed, example = 0, ""
    for i, (case, result) in enumerate(zip(cases, results)):
        failed = type(result) is dict and ("__error__" in result or "__object__" in result)
        if not failed and digest(salt, key["qid"], canonical(result, key["decimals"])) == case["hash"]:
            passed += 1
            continue
        problem = _function_problem(_call(key["qid"], case["args"]), result, tr)
        if i < shown and not example:  # never describe a hidden case
            example = tr("For example, {problem}").format(problem=problem)
    summary = (tr("{passed} of {n} test cases pass ({hidden} of them hidden).") if key.get("hidden") else
               tr("{passed} of {n} test cases pass.")).format(passed=passed, n=len(cases), hidden=key.get("hidden", 0))
    return _right(passed / len(cases), key, join_text(summary, example), tr)


def _call(name, args):
    """A call as a student writes it.

    Examples
    --------
    >>> _call("profit_gap", [0.5, "a"])
    "profit_gap(0.5, 'a')"
    """
    return f"{name}({', '.join(map(repr, args))})"


def _function_problem(call, result, tr):
    """One sentence on what the call ``call`` gave back (``result``, plain data) that is wrong."""
    if type(result) is dict and "__error__" in result:
        return tr("{call} raised {error}.").format(call=call, error=result["__error__"])
    if result is None:
        return tr("{call} returned None: did you forget `return`? A function that only prints gives back None.").format(
            call=call)
    if type(result) is dict and "__table__" in result or type(result) is dict and "__object__" in result:
        what = describe(result, tr) if "__table__" in result else object_name(result["__object__"], tr)
        return tr("{call} returned {what}; return plain Python data instead (a number, text, True/False or a list).").format(
            call=call, what=what)
    return tr("{call} returned {result}.").format(call=call, result=repr(result))


def object_name(type_name, tr):
    """How a student would name an object of Python type ``type_name``."""
    if type_name == "ndarray":
        return tr("a NumPy array")
    return tr("an object of type {name}").format(name=type_name)


def not_plain_message(what, whole, tr, fallback=""):
    """Why an answer that is not plain data (a Python type ``what``; ``whole``: the answer itself, not a part of it)
    cannot be checked; the check and the grader both say it this way.

    Examples
    --------
    >>> not_plain_message("ndarray", True, str)
    'this answer is a NumPy array, which cannot be checked: use a number, text, True/False, a list, a dictionary or a pandas table.'
    """
    if not what:
        return f"{fallback}."
    name = object_name(str(what)[:60], tr)
    if whole:
        return tr("this answer is {what}, which cannot be checked: use a number, text, True/False, a list, "
                  "a dictionary or a pandas table.").format(what=name)
    return tr("this answer contains {what}, which cannot be checked: use numbers, text, True/False, "
              "lists, dictionaries or pandas tables.").format(what=name)


# --- a written answer, graded by the instructor -------------------------------

def _protect_manual(spec, salt):
    return {"rubric": spec.get("rubric", "")}


def _judge_manual(key, salt, answer, tr):
    if type(answer) is not str or not answer.strip():
        return _invalid("write your answer as text between the quotes.", tr)
    hanzi = len(re.findall(r"[\u4e00-\u9fff]", answer))
    if hanzi:  # Chinese is not written in words separated by spaces
        return Verdict(0, "pending", tr("answer saved ({n} Chinese characters); your instructor will grade it.").format(
            n=hanzi))
    return Verdict(0, "pending", tr("answer saved ({words} words); your instructor will grade it.").format(
        words=len(answer.split())))


# --- author-declared mistakes: a predictable wrong answer and its targeted hint ------

def _mistake_forms(kind, answer, decimals=0):
    """The texts under which a wrong ``answer`` is hashed, its own first (a number also matches one unit off)."""
    if kind == "number":
        return [str(_number_index(answer, decimals) + j) for j in (0, -1, 1)] if _is_number(answer) else []
    if kind == "choice" and all(type(a) is str for a in _choices(answer)):
        return [canonical(sorted(canonical(a) for a in _choices(answer)))]
    return [canonical(answer)]


def _protect_mistakes(spec, salt):
    decimals = spec.get("decimals", 0)
    return [{"hash": digest(salt, spec["qid"], "mistake:" + _mistake_forms(spec["kind"], value, decimals)[0]),
             "hint": hint} for value, hint in spec.get("mistakes", [])]


def _mistake_hint(key, salt, answer):
    """The hint of the declared mistake that ``answer`` matches, or ``""``."""
    try:
        forms = {digest(salt, key["qid"], "mistake:" + f) for f in _mistake_forms(key["kind"], answer,
                                                                               key.get("decimals", 0))}
    except (TypeError, ValueError, NotPlain):  # an answer of the wrong shape matches no mistake
        return ""
    return next((m["hint"] for m in key.get("mistakes", []) if m["hash"] in forms), "")


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

    A spec with ``variants`` (one answer per parameter set) gets one hashed key per variant:

    >>> key = protect({"qid": "n", "kind": "number", "variants": [{"answer": 10}, {"answer": 12}]}, "x")
    >>> [v["hash"] == digest("x", "n", a) for v, a in zip(key["variants"], (10, 12))], "12" in str(key)
    ([True, True], False)
    """
    make, _ = KINDS[spec["kind"]]
    if spec.get("variants"):  # one hashed key per parameter set (see mktlab.exercises.variants)
        bodies = []
        for one in ({**spec, **v} for v in spec["variants"]):
            bodies.append(make(one, salt))
            if one.get("mistakes"):
                bodies[-1]["mistakes"] = _protect_mistakes(one, salt)
        shown = {"texts": spec["texts"]} if "texts" in spec else {}  # the options a shuffled choice shows
        return {"qid": spec["qid"], "kind": spec["kind"], "points": spec.get("points", 1),
                "hint": spec.get("hint", ""), **shown, **bodies[0], "variants": bodies}
    body = make(spec, salt, hidden) if spec["kind"] == "function" else make(spec, salt)
    if spec.get("mistakes"):
        body["mistakes"] = _protect_mistakes(spec, salt)
    return {"qid": spec["qid"], "kind": spec["kind"], "points": spec.get("points", 1),
            "hint": spec.get("hint", ""), **body}


def labels(key):
    """The answer labels of a key that a student types (options, items, matching keys and values).

    Examples
    --------
    >>> labels(protect({"qid": "m", "kind": "match", "answer": {"price war": "transaction"}}, "s"))
    ['price war', 'transaction']
    """
    return list(key.get("options", [])) + list(key.get("items", [])) + list(key.get("left", [])) + \
        list(key.get("right", []))


def source_labels(key, answer, tr):
    """``answer`` with each label typed in the notebook's language replaced by its English label.

    The keys hash the English labels, so a Chinese edition is judged with the same keys.  The
    keys of a matching are looked up among its left labels and its values among its right
    labels, so a label may translate to text that is a label on the other side.

    Examples
    --------
    >>> key = protect({"qid": "m", "kind": "match", "answer": {"price war": "transaction"}}, "s")
    >>> zh = {"price war": "价格战", "transaction": "交易营销"}.get
    >>> source_labels(key, {"价格战": "交易营销"}, lambda t: zh(t, t))
    {'price war': 'transaction'}
    """
    def table(names):
        exact = {canonical(tr(label)): label for label in names}
        loose = {}
        for label in names:
            for form in {variant(label), variant(tr(label))}:
                loose.setdefault(form, set()).add(label)
        return exact, {form: found.pop() for form, found in loose.items() if len(found) == 1}

    def swap(value, back):
        exact, loose = back
        if type(value) is not str:
            return value
        return exact.get(canonical(value)) or loose.get(variant(value), value)
    if type(answer) is dict and "__table__" not in answer:
        left, right = table(key.get("left", [])), table(key.get("right", []))
        return {swap(k, left): swap(v, right) for k, v in answer.items()}
    back = table(labels(key))
    if type(answer) is list:
        return [swap(v, back) for v in answer]
    return swap(answer, back)


def judge(key, salt, answer, tr=_same):
    """Judge a plain ``answer`` against a protected ``key``; returns a :class:`Verdict`.

    Every line a student reads passes through ``tr`` (English text in, the
    notebook's language out; see :mod:`mktlab.i18n`), so the engine itself
    knows no language.

    Examples
    --------
    >>> key = protect({"qid": "q", "kind": "truefalse", "answer": [True, False]}, "s")
    >>> judge(key, "s", [True, True])
    Verdict(fraction=0.5, state='partial', message='not yet: 1 of 2 statements are right.')
    >>> judge(key, "s", {"__unanswered__": True}).state
    'unanswered'

    A declared mistake gets its own hint instead of the general one:

    >>> key = protect({"qid": "clv", "kind": "number", "answer": 1234.5, "decimals": 1, "hint": "see the formula",
    ...                "mistakes": [[12345, "the discount rate is a fraction: 0.08, not 8"]]}, "s")
    >>> "12345" in str(key), judge(key, "s", 12345.0).message, judge(key, "s", 99).message
    (False, 'not yet: the discount rate is a fraction: 0.08, not 8', 'not yet: see the formula')
    """
    if answer == UNANSWERED:
        return Verdict(0, "unanswered", tr("not answered yet: replace the ... in the answer cell and run it."))
    _, check = KINDS[key["kind"]]
    answer = source_labels(key, answer, tr)
    verdict = check(key, salt, answer, tr)
    hint = _mistake_hint(key, salt, answer) if verdict.state in ("incorrect", "partial") else ""
    return verdict._replace(message=tr("not yet: {detail}").format(detail=tr(hint))) if hint else verdict
