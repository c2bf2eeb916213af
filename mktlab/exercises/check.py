"""The student's side of an exercise: register questions (solutions only) and check answers.

A lesson's first code cell makes ``ex = Exercises("01_marketing_concepts")``.
In the instructor's solution notebook, hidden cells register each question's
full answer key (``ex.number(...)``, ``ex.choice(...)``, …); release removes
those cells and writes the protected keys to ``mktlab/keys/<lesson>.json``,
which is what a student's copy checks against.

``ex.check("name")`` looks up the variable ``name`` in the notebook, judges it
and prints one line.  It never raises.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from .. import i18n
from .answers import NotPlain, to_plain
from .kinds import judge, protect

__all__ = ["Exercises", "gather", "capture", "source_digest", "QUESTION_MIME", "ANSWER_MIME", "KEYS_DIR"]

QUESTION_MIME = "application/vnd.mktlab.question+json"
ANSWER_MIME = "application/vnd.mktlab.answer+json"
KEYS_DIR = Path(__file__).resolve().parent.parent / "keys"
_MISSING = object()
_SYMBOLS = {"correct": "✔", "partial": "✘", "incorrect": "✘", "invalid": "✘", "unanswered": "…", "pending": "✎"}


def gather(value, cases=None):
    """The plain answer for ``value``; for a function, its plain results on ``cases`` (lists of arguments).

    Examples
    --------
    >>> gather(2.5)
    2.5
    >>> gather(lambda a, b: a - b, cases=[[5, 2]])
    {'__function__': True, 'results': [3]}
    >>> gather(lambda: 1 / 0, cases=[[]])["results"]
    [{'__error__': 'ZeroDivisionError: division by zero'}]
    """
    if cases is None:
        return to_plain(value)
    if not callable(value):
        return to_plain(value) if value is Ellipsis else {"__notfunction__": True}
    results = []
    for args in cases:
        try:
            results.append(to_plain(value(*args)))
        except Exception as err:  # the student's function may fail in any way
            results.append({"__error__": f"{type(err).__name__}: {err}"[:200]})
    return {"__function__": True, "results": results}


def source_digest(source):
    """A short SHA-256 of a cell's source, blind to trailing spaces and blank lines at either end.

    A hidden cell stores it with its key, so release can tell a key made by the
    cell as it stands from one made by an earlier version of it.

    Examples
    --------
    >>> source_digest("### HIDDEN\\nex.number('x', 1)") == source_digest("### HIDDEN  \\nex.number('x', 1)\\n\\n")
    True
    >>> len(source_digest("x = 1"))
    16
    """
    text = "\n".join(line.rstrip() for line in source.strip().splitlines())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _running_cell_digest():
    """The digest of the notebook cell being run (the code of the kernel's current request), or ``None``."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    request = kernel.get_parent() if kernel is not None and hasattr(kernel, "get_parent") else None
    code = (request or {}).get("content", {}).get("code")
    return source_digest(code) if isinstance(code, str) else None


class _Registered:
    """What a hidden cell shows: the spec as JSON, which release reads."""

    def __init__(self, spec):
        self.spec = spec

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"hidden answer key for '{self.spec['qid']}' ({self.spec['kind']}); not in the student copy"
        return {QUESTION_MIME: self.spec, "text/plain": text}


class Exercises:
    """The exercises of one lesson.

    Parameters
    ----------
    lesson : str
        The notebook's file stem, e.g. ``"01_marketing_concepts"``.
    language : str
        The edition, ``"en"`` or ``"zh"``: the checks, widgets and charts of
        this notebook speak it (see :mod:`mktlab.i18n`).
    """

    def __init__(self, lesson, language="en"):
        self.lesson, self.language = lesson, language
        i18n.set_language(language)
        self._tr = i18n.translator(language, lesson)
        self._specs = {}
        self._keys, self._salt, self._problem = {}, lesson, ""
        path = KEYS_DIR / f"{lesson}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self._keys, self._salt = {k["qid"]: k for k in data["questions"]}, data["salt"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            self._problem = f"the answer keys for {lesson} could not be read ({type(err).__name__})"

    # -- registration, used by the hidden cells of a solution notebook ---------
    def _register(self, kind, qid, points, hint, mistakes=None, **fields):
        spec = {"qid": qid, "kind": kind, "points": points, "hint": hint, **fields}
        if mistakes:  # predictable wrong answers, each with a targeted hint; the key stores them hashed
            pairs = mistakes.items() if isinstance(mistakes, dict) else mistakes
            spec["mistakes"] = [[to_plain(wrong), why] for wrong, why in pairs]
        cell = _running_cell_digest()
        if cell:
            spec["cell"] = cell  # what made this key: release refuses a key whose cell has changed since
        self._specs[qid] = spec
        return _Registered(spec)

    def number(self, qid, answer, decimals=0, points=1, hint="", mistakes=None):
        """A number, accepted within one unit of its last asked-for decimal place.

        ``mistakes`` maps predictable wrong answers to a targeted hint, e.g.
        ``{12345: "the discount rate is a fraction: 0.08, not 8"}``; the key
        stores them hashed, like the answer.
        """
        return self._register("number", qid, points, hint, mistakes, answer=to_plain(answer), decimals=decimals)

    def choice(self, qid, options, answer, points=1, hint="", mistakes=None):
        """One option label, or a list of labels when ``answer`` is a list (multiple choice).

        ``mistakes`` maps a wrong label (or list of labels) to a targeted hint, as for :meth:`number`.
        """
        return self._register("choice", qid, points, hint, mistakes, options=list(options), answer=to_plain(answer))

    def truefalse(self, qid, answer, points=1, hint="", mistakes=None):
        """A list of True/False values, one per statement; partial credit per statement."""
        return self._register("truefalse", qid, points, hint, mistakes, answer=[bool(a) for a in answer])

    def order(self, qid, answer, points=1, hint="", mistakes=None):
        """Items in the right order; full credit only for the whole order."""
        return self._register("order", qid, points, hint, mistakes, answer=list(answer))

    def match(self, qid, answer, points=1, hint="", mistakes=None):
        """A dict pairing each left item with its right item; partial credit per pair."""
        return self._register("match", qid, points, hint, mistakes, answer=dict(answer))

    def table(self, qid, answer, decimals=6, points=1, hint=""):
        """A pandas Series or DataFrame, compared on labels and values rounded to ``decimals``."""
        return self._register("table", qid, points, hint, answer=to_plain(answer), decimals=decimals)

    def function(self, qid, cases, hidden=(), decimals=6, points=1, hint=""):
        """A function, tested on ``cases`` (shown to students) and ``hidden`` (grader only).

        Each case is ``(args, expected)``, with ``args`` a list of arguments.
        """
        def plain(pairs):
            return [[to_plain(list(args)), to_plain(expected)] for args, expected in pairs]
        return self._register("function", qid, points, hint, cases=plain(cases), hidden=plain(hidden),
                              decimals=decimals)

    def manual(self, qid, points=1, rubric=""):
        """A written answer (text) that the instructor grades; the gradebook shows it as pending."""
        return self._register("manual", qid, points, "", rubric=rubric)

    # -- the student's check -------------------------------------------------
    def verdict(self, qid, namespace):
        """Judge the variable ``qid`` in ``namespace``; returns ``(fraction, state, message)``."""
        if qid in self._specs:
            key = protect(self._specs[qid], self._salt)
        elif qid in self._keys:
            key = self._keys[qid]
        else:
            why = self._problem or self._tr("there is no question called {qid} in {lesson}").format(
                qid=repr(qid), lesson=self.lesson)
            return 0.0, "invalid", self._tr("cannot check this answer: {why}. Is mktlab up to date?").format(why=why)
        value = namespace.get(qid, _MISSING)
        if value is _MISSING:
            return 0.0, "unanswered", self._tr("not answered yet: run the answer cell above first.")
        try:
            answer = gather(value, [c["args"] for c in key["cases"]] if key["kind"] == "function" else None)
        except NotPlain as err:
            return 0.0, "invalid", self._tr("not yet: {detail}").format(detail=f"{err}.")
        return judge(key, self._salt, answer, self._tr)

    def check(self, qid):
        """Print one line on the answer stored in the variable ``qid``. Never raises."""
        try:
            namespace = sys._getframe(1).f_globals
            fraction, state, message = self.verdict(qid, namespace)
        except Exception as err:  # a check must never stop Run All
            fraction, state, message = 0.0, "invalid", self._tr("could not check this answer ({error})").format(
                error=f"{type(err).__name__}: {err}")
        points = (self._specs.get(qid) or self._keys.get(qid) or {}).get("points", 1)
        score = "?" if state == "pending" else f"{fraction * points:g}"
        print(f"{_SYMBOLS.get(state, '✘')} {qid}: {message} [{score}/{points:g}]")

    def submit(self):
        """Hand in this notebook's last *saved* version to the class exchange (:mod:`mktlab.exchange`).

        Prints one line and never raises.
        """
        try:
            from ..exchange import submit_line

            line = submit_line(self.lesson, tr=self._tr)
        except Exception as err:  # submitting must never stop Run All
            line = self._tr("✘ not submitted: {error}").format(error=f"{type(err).__name__}: {err}")
        print(line)


def capture(qid, cases=None):
    """Grading only: show the plain answer ``qid`` as JSON for the judge outside the kernel."""
    namespace = sys._getframe(1).f_globals
    try:
        answer = gather(namespace[qid], cases) if qid in namespace else to_plain(...)
    except Exception as err:  # refused types arrive at the judge as an explained refusal
        answer = {"__invalid__": f"{err}"[:200]}
    from IPython.display import display

    display({ANSWER_MIME: {"qid": qid, "answer": answer}}, raw=True)
