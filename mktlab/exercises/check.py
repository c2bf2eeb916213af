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

import difflib
import hashlib
import json
import re
import sys
from pathlib import Path

from .. import i18n
from .answers import NotPlain, canonical, to_plain
from .kinds import join_text, judge, not_plain_message, protect
from .variants import LETTERS, for_variant, identity, letters_in, option_orders, parameter_sets, variant_index

__all__ = ["Exercises", "gather", "capture", "source_digest", "QUESTION_MIME", "ANSWER_MIME", "KEYS_DIR"]

QUESTION_MIME = "application/vnd.mktlab.question+json"
ANSWER_MIME = "application/vnd.mktlab.answer+json"
KEYS_DIR = Path(__file__).resolve().parent.parent / "keys"
_MISSING = object()
_SYMBOLS = {"correct": "✔", "partial": "✘", "incorrect": "✘", "invalid": "✘", "unanswered": "…", "pending": "✎"}
#: The names whose cell raised an error the last time it ran -> that error (kept by :func:`after_cell`).
_FAILED = {}
_ASSIGNS = re.compile(r"^(?:def\s+([A-Za-z_]\w*)|([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=))",
                      re.MULTILINE)


def assigned_names(source):
    r"""The names a cell's top-level lines assign or define (read as text, so a cell with a typo works too).

    Examples
    --------
    >>> assigned_names("a, b = 1, 2\ndef f(x):\n    y = x\nc == 3\nd: int = 4\nbad = [true")
    ['a', 'b', 'f', 'd', 'bad']
    """
    names = []
    for func, targets in _ASSIGNS.findall(source):
        names += [func] if func else [t.strip() for t in targets.split(",")]
    return names


def after_cell(result):
    """IPython's ``post_run_cell`` event: remember which answers' cells failed, forget those that ran cleanly.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> after_cell(NS(info=NS(raw_cell="share = [true]"), error_before_exec=None,
    ...               error_in_exec=NameError("name 'true' is not defined")))
    >>> _FAILED["share"]
    "NameError: name 'true' is not defined"
    >>> after_cell(NS(info=NS(raw_cell="share = [True]"), error_before_exec=None, error_in_exec=None))
    >>> "share" in _FAILED
    False
    """
    error = result.error_before_exec or result.error_in_exec
    for name in assigned_names(getattr(result.info, "raw_cell", "") or ""):
        if error is None:
            _FAILED.pop(name, None)
        else:
            _FAILED[name] = f"{type(error).__name__}: {error}"[:200]


def _watch_cells():
    """Call :func:`after_cell` after every cell of this kernel (once, however often the setup cell runs)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and after_cell not in shell.events.callbacks.get("post_run_cell", []):
        shell.events.register("post_run_cell", after_cell)


def score_text(fraction, points):
    """Points earned, rounded for people.

    Examples
    --------
    >>> score_text(6 / 7, 1), score_text(1, 2), score_text(0.5, 3)
    ('0.86', '2', '1.5')
    """
    return f"{round(fraction * points, 2):g}"


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
        except NotPlain as err:  # it returned something that is not plain data, e.g. a NumPy array
            results.append({"__object__": err.what} if err.what else {"__error__": f"{err}"[:200]})
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
    student : str, optional
        The student's LMS username, on a laptop.  On a hub the hub user is
        used instead (see :func:`mktlab.exercises.variants.identity`); it
        chooses the student's values in variant exercises.
    """

    def __init__(self, lesson, language="en", student=None):
        self.lesson, self.language = lesson, language
        i18n.set_language(language)
        self._tr = i18n.translator(language, lesson)
        self._varied, self._shown = {}, {}
        self.set_student(student, quiet=True)
        _watch_cells()
        self._specs = {}
        self._keys, self._salt, self._problem = {}, lesson, ""
        path = KEYS_DIR / f"{lesson}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self._keys, self._salt = {k["qid"]: k for k in data["questions"]}, data["salt"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            self._problem = f"the answer keys for {lesson} could not be read ({type(err).__name__})"

    # -- who is working, and their values -----------------------------------
    def set_student(self, student, quiet=False):
        """Set the student's LMS username (on a laptop): variant exercises then use that student's values."""
        self.student = identity(student)
        self.variant = variant_index(self.lesson, self.student) if self.student else None
        if not quiet:
            print(self._tr("Variant exercises now use the values of {student}; run the cells below again.").format(
                student=self.student) if self.student else self._no_student())

    def _no_student(self):
        return self._tr('Your username is not set, so you see the example options and values, which the grader does '
                        'not use. Add a cell below the setup cell with ex.set_student("your LMS username") and run '
                        'all cells again.')

    def vary(self, qid, **choices):
        """The student's own values for question ``qid``, chosen from ``choices`` (lists of values); prints them.

        The hidden cell then gives the answer as a function of these values,
        e.g. ``ex.number(qid, lambda p: p["margin"] * 2, decimals=2)``.
        """
        self._varied[qid] = parameter_sets(self.lesson, qid, choices)
        values = self._varied[qid][self.variant or 0]
        lines = [self._tr("Your values for {qid}:").format(qid=qid)]
        lines += [f"  {name} = {value!r}" for name, value in values.items()]
        if self.student is None:
            lines.append(self._no_student())
        print("\n".join(lines))
        return dict(values)

    def _order(self, qid, n):
        """The order in which this student sees the ``n`` options or labels of ``qid``."""
        return option_orders(self.lesson, qid, n)[self.variant or 0]

    def options(self, qid, texts):
        """Print the options of choice question ``qid``, lettered in this student's own order.

        ``texts`` are the options in their written order; the hidden cell's
        ``ex.choice`` gives the answer as letters of that written order
        (``"a"`` for the first), and its key then follows each student's order.
        """
        self._shown[qid] = [str(t) for t in texts]
        order = self._order(qid, len(texts))
        lines = [self._tr("Your options for {qid}:").format(qid=qid)]
        lines += [f'  "{LETTERS[i]}": {self._tr(self._shown[qid][j])}' for i, j in enumerate(order)]
        if self.student is None:
            lines.append(self._no_student())
        print("\n".join(lines))

    def letters(self, qid, written):
        """Solutions only: the letters this student sees for the options ``written`` (letters of the written order).

        For example ``megamarketing_ps = ex.letters("megamarketing_ps", ["b", "c"])``.
        """
        return letters_in(self._order(qid, len(self._shown[qid])), written)

    def shuffle(self, qid, labels):
        """Print the labels of order or matching question ``qid`` in this student's own order, ready to copy."""
        order = self._order(qid, len(labels))
        print(self._tr("The labels for {qid}, in no particular order:").format(qid=qid))
        print(", ".join(f'"{self._tr(str(labels[j]))}"' for j in order))

    def _answers(self, qid, answer):
        """``{"answer": …}``, or for an answer given as a function of the varied values, one per variant."""
        if not callable(answer):
            return {"answer": to_plain(answer)}
        if qid not in self._varied:
            raise ValueError(f"{qid!r}: an answer given as a function needs ex.vary({qid!r}, ...) above")
        return {"variants": [{"answer": to_plain(answer(dict(p)))} for p in self._varied[qid]]}

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

        ``answer`` may be a function of the values of :meth:`vary` (a dict):
        the key then holds the answer of every variant, hashed.

        ``mistakes`` maps predictable wrong answers to a targeted hint, e.g.
        ``{12345: "the discount rate is a fraction: 0.08, not 8"}``; the key
        stores them hashed, like the answer.
        """
        return self._register("number", qid, points, hint, mistakes, **self._answers(qid, answer), decimals=decimals)

    def choice(self, qid, options, answer, points=1, hint="", mistakes=None):
        """One option label, or a list of labels when ``answer`` is a list (multiple choice).

        ``mistakes`` maps a wrong label (or list of labels) to a targeted hint, as for :meth:`number`.
        After :meth:`options`, ``options`` and ``answer`` are letters of the written order, and each
        student's key uses the letters that student sees.
        """
        if qid not in self._shown:
            return self._register("choice", qid, points, hint, mistakes, options=list(options),
                                  answer=to_plain(answer))
        texts = self._shown[qid]
        letters = list(LETTERS[:len(texts)])
        pairs = list(mistakes.items() if isinstance(mistakes, dict) else mistakes or [])
        given = [a for one in [answer, *(wrong for wrong, _ in pairs)] for a in (one if isinstance(one, list) else [one])]
        if list(options) != letters or not set(given) <= set(letters):
            raise ValueError(f"{qid!r}: ex.options shows {len(texts)} options, so give ex.choice the options "
                             f"{letters} and the answer (and mistakes) as letters of their written order")
        options = letters
        variants = [{"answer": letters_in(order, to_plain(answer)),
                     "mistakes": [[letters_in(order, to_plain(wrong)), why] for wrong, why in pairs]}
                    for order in option_orders(self.lesson, qid, len(options))]
        return self._register("choice", qid, points, hint, pairs, options=options, texts=texts, variants=variants)

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
        return self._register("table", qid, points, hint, **self._answers(qid, answer), decimals=decimals)

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
        elif self._problem:
            return 0.0, "invalid", self._tr("cannot check this answer: {why}. Is mktlab up to date?").format(
                why=self._problem)
        else:
            return 0.0, "invalid", self._unknown_question(qid)
        varied = "variants" in key
        key = for_variant(key, self.variant or 0)
        if qid in _FAILED:
            return 0.0, "invalid", self._failed_cell(_FAILED[qid])
        value = namespace.get(qid, _MISSING)
        if value is _MISSING:
            return 0.0, "unanswered", self._tr("not answered yet: run the answer cell above first.")
        try:
            answer = gather(value, [c["args"] for c in key["cases"]] if key["kind"] == "function" else None)
        except NotPlain as err:
            return 0.0, "invalid", self._tr("not yet: {detail}").format(detail=self._not_plain(value, err))
        typed = self._option_typed(qid, answer)
        if typed:
            return 0.0, "invalid", self._tr("not yet: {detail}").format(detail=typed)
        verdict = judge(key, self._salt, answer, self._tr)
        if varied and self.student is None:  # judged on the example values, which the grader does not use
            verdict = verdict._replace(message=join_text(verdict.message, self._tr(
                '(checked with the example options and values; ex.set_student("your LMS username") gives you your own)')))
        return verdict

    def _option_typed(self, qid, answer):
        """What to say when a choice answer gives an option's text (either language) instead of its letter, or ``""``."""
        if qid not in self._shown:
            return ""
        order = self._order(qid, len(self._shown[qid]))
        letter_of = {}
        for i, j in enumerate(order):
            for text in (self._shown[qid][j], self._tr(self._shown[qid][j])):
                letter_of[canonical(text)] = LETTERS[i]
        typed = next((a for a in (answer if type(answer) is list else [answer])
                      if type(a) is str and canonical(a) in letter_of), None)
        if typed is None:
            return ""
        return self._tr("give the letter of each option, not its text: {text} is option {letter}.").format(
            text=repr(typed), letter=repr(letter_of[canonical(typed)]))

    def _unknown_question(self, qid):
        names = list(self._keys) + [q for q in self._specs if q not in self._keys]
        guess = difflib.get_close_matches(str(qid), names, n=1, cutoff=0.6)
        if guess:
            return self._tr("there is no exercise called {qid} in this notebook; did you mean {guess}?").format(
                qid=repr(qid), guess=repr(guess[0]))
        return self._tr("there is no exercise called {qid} in this notebook; copy the name from the answer cell.").format(
            qid=repr(qid))

    def _failed_cell(self, error):
        message = self._tr("not yet: {detail}").format(detail=self._tr(
            "the answer cell stopped with an error when it last ran ({error}), so there is no new answer to check: "
            "fix it and run that cell again.").format(error=error))
        if re.search(r"name '(true|false|none)' is not defined", error):
            message = join_text(message, self._tr("In Python, True, False and None start with a capital letter."))
        return message

    def _not_plain(self, value, err):
        return not_plain_message(err.what, type(value).__name__ == err.what, self._tr, fallback=str(err))

    def check(self, qid):
        """Print one line on the answer stored in the variable ``qid``. Never raises."""
        try:
            namespace = sys._getframe(1).f_globals
            fraction, state, message = self.verdict(qid, namespace)
        except Exception as err:  # a check must never stop Run All
            fraction, state, message = 0.0, "invalid", self._tr("could not check this answer ({error})").format(
                error=f"{type(err).__name__}: {err}")
        points = (self._specs.get(qid) or self._keys.get(qid) or {}).get("points", 1)
        score = "?" if state == "pending" else score_text(fraction, points)
        print(f"{_SYMBOLS.get(state, '✘')} {qid}: {message} [{score}/{points:g}]")

    def progress(self):
        """Print the running score of this notebook: each question's state, then the totals. Never raises."""
        namespace = sys._getframe(1).f_globals
        tally = {"answered": 0, "correct": 0, "pending": 0, "written": 0, "earned": 0.0, "max": 0.0}
        lines = []
        for qid in list(self._keys) + [q for q in self._specs if q not in self._keys]:
            key = self._specs.get(qid) or self._keys[qid]
            points = key.get("points", 1)
            tally["written"] += key["kind"] == "manual"
            try:
                fraction, state, _ = self.verdict(qid, namespace)
            except Exception:  # the running score must never stop Run All
                fraction, state = 0.0, "invalid"
            tally["max"] += points
            tally["earned"] += fraction * points
            tally["answered"] += state != "unanswered"
            tally["correct"] += state == "correct"
            tally["pending"] += state == "pending"
            score = "?" if state == "pending" else score_text(fraction, points)
            lines.append(f"{_SYMBOLS.get(state, '✘')} {qid} [{score}/{points:g}]")
        print("\n".join(lines))
        summary = (self._tr("{answered} of {n} answered, {correct} correct, {pending} waiting for your instructor; "
                            "{earned} of {max} points so far.") if tally["written"] else
                   self._tr("{answered} of {n} answered, {correct} correct; {earned} of {max} points so far."))
        print(summary.format(
            answered=tally["answered"], n=len(lines), correct=tally["correct"], pending=tally["pending"],
            earned=score_text(tally["earned"], 1), max=f"{tally['max']:g}"))
        if self.student is None and any("variants" in k for k in [*self._keys.values(), *self._specs.values()]):
            print(self._no_student())

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
    except Exception as err:  # refused types arrive at the judge as an explained refusal, said as the check says it
        what = getattr(err, "what", None)
        answer = {"__invalid__": f"{err}"[:200], "what": what, "whole": type(namespace.get(qid)).__name__ == what}
    from IPython.display import display

    display({ANSWER_MIME: {"qid": qid, "answer": answer}}, raw=True)
