"""Per-student variants: each student computes with their own values, and copied numbers show.

A solution declares the values an exercise may use, in a visible cell::

    p = ex.vary("simple_clv", margin=[80, 100, 120], retention=[0.6, 0.7, 0.8], rate=[0.08, 0.1])

and registers the answer as a function of those values in its hidden cell
(``ex.number("simple_clv", lambda p: ..., decimals=2)``).  Release computes the
answer of every one of the :data:`VARIANTS` parameter sets and stores one
hashed key per set.  A student's set is :func:`variant_index` of the lesson
and the student's identity (:func:`identity`), the same on every machine.

The grader judges each submission against the submitter's own variant and
notes, per question, the other variants a wrong answer is right for
(:func:`copied_from`): the gradebook and the report name whose values those are.

Choice questions vary the other way: ``ex.options(qid, texts)`` shows the
options lettered in the student's own order (:func:`option_orders`), so the
right letters, and the key, differ from student to student.  Order and
matching questions, answered with labels, show their labels in the student's
own order (``ex.shuffle``); their keys do not depend on it.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import random
import re

__all__ = ["VARIANTS", "GRADING_ENV", "LETTERS", "normal_student", "identity", "variant_index", "parameter_sets",
           "option_orders", "letters_in", "picked_options", "for_variant", "declared_student"]

#: How many parameter sets a variant exercise has.
VARIANTS = 20
#: Set by the grader in the kernel it runs a submission in: the submitter, whatever the notebook says.
GRADING_ENV = "MKTLAB_GRADING_STUDENT"
#: The letters of a choice question's options, in the order a student sees them.
LETTERS = "abcdefghijkl"
_DECLARED = re.compile(r"""(?:student\s*=|set_student\s*\()\s*(['"])(.*?)\1""")


def normal_student(name):
    """A student's identity as compared everywhere: stripped and lower case, or ``None`` when empty.

    Examples
    --------
    >>> normal_student("  Wang_Li "), normal_student(""), normal_student(None)
    ('wang_li', None, None)
    """
    text = str(name or "").strip().lower()
    return text or None


def identity(student=None, environ=None):
    """Who is working: the grader's submitter, else the hub user, else ``student`` (the LMS username typed in).

    Examples
    --------
    >>> identity("Wang_Li", environ={})
    'wang_li'
    >>> identity("wang_li", environ={"JUPYTERHUB_USER": "chen"})
    'chen'
    >>> identity(None, environ={}) is None
    True
    """
    environ = os.environ if environ is None else environ
    for name in (environ.get(GRADING_ENV), environ.get("JUPYTERHUB_USER"), student):
        if normal_student(name):
            return normal_student(name)
    return None


def variant_index(lesson, student, k=VARIANTS):
    """The variant of ``student`` in ``lesson``: a salted SHA-256 of both, modulo ``k``.

    Examples
    --------
    >>> variant_index("05_loyalty_and_clv", "wang_li"), variant_index("05_loyalty_and_clv", " Wang_Li")
    (6, 6)
    """
    text = f"mktlab-variant|{lesson}|{normal_student(student)}"
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % k


def parameter_sets(lesson, qid, choices, k=VARIANTS):
    """``k`` parameter sets for question ``qid``: all combinations of ``choices``, shuffled by a fixed seed.

    The sets are all different when there are at least ``k`` combinations.

    Examples
    --------
    >>> sets = parameter_sets("05", "clv", {"margin": [80, 100], "rate": [0.08, 0.1, 0.12]}, k=4)
    >>> len(sets), len({tuple(s.items()) for s in sets}), sorted(sets[0])
    (4, 4, ['margin', 'rate'])
    >>> sets == parameter_sets("05", "clv", {"margin": [80, 100], "rate": [0.08, 0.1, 0.12]}, k=4)
    True
    """
    names = list(choices)
    combos = list(itertools.product(*(list(choices[n]) for n in names)))
    random.Random(f"mktlab-parameters|{lesson}|{qid}").shuffle(combos)
    return [dict(zip(names, combos[i % len(combos)])) for i in range(k)]


def option_orders(lesson, qid, n, k=VARIANTS):
    """``k`` orders of ``n`` options (lists of their written positions); the first is the written order.

    Variant 0 is what a student without a username sees, and what the solution
    notebook shows; the others are shuffled by a fixed seed.

    Examples
    --------
    >>> orders = option_orders("01", "q", 4)
    >>> len(orders), orders[0], sorted(orders[7]), orders == option_orders("01", "q", 4)
    (20, [0, 1, 2, 3], [0, 1, 2, 3], True)
    """
    rng = random.Random(f"mktlab-options|{lesson}|{qid}")
    orders = [list(range(n))]
    for _ in range(k - 1):
        orders.append(rng.sample(range(n), n))
    return orders


def letters_in(order, written):
    """The letters under which ``order`` shows the options ``written`` (letters of the written order).

    ``written`` is one letter (single choice) or a list of them (multiple choice).

    Examples
    --------
    >>> letters_in([2, 0, 1], "a"), letters_in([2, 0, 1], ["a", "c"])
    ('b', ['a', 'b'])
    """
    if type(written) is str:
        return LETTERS[order.index(LETTERS.index(written))]
    return sorted(letters_in(order, w) for w in written)


def picked_options(texts, order, answer):
    """The texts of the options that a lettered ``answer`` picks, in their written order (``[]`` if not letters).

    ``order`` is how the student saw the options (see :func:`option_orders`), so
    answers given in different students' letters compare as options.

    Examples
    --------
    >>> picked_options(["x", "y", "z"], [2, 0, 1], ["a", "C"]), picked_options(["x", "y"], [1, 0], "q")
    (['y', 'z'], [])
    >>> picked_options(["x", "y"], [1, 0], None), picked_options(["x", "y"], [1, 0], [1, "a"])
    ([], [])
    """
    letters = [a.strip().lower() if type(a) is str else a for a in (answer if type(answer) is list else [answer])]
    if not letters or not all(type(a) is str and a in LETTERS[:len(order)] for a in letters):
        return []
    return [texts[j] for j in sorted({order[LETTERS.index(a)] for a in letters})]


def for_variant(key, index):
    """The plain key of variant ``index`` of ``key`` (``key`` itself when it has no variants).

    Examples
    --------
    >>> for_variant({"qid": "q", "hash": "a", "variants": [{"hash": "a"}, {"hash": "b"}]}, 1)
    {'qid': 'q', 'hash': 'b'}
    """
    if "variants" not in key:
        return key
    plain = {k: v for k, v in key.items() if k != "variants"}
    return {**plain, **key["variants"][index % len(key["variants"])]}


def declared_student(sources):
    """The student a notebook was set up for (``student="…"`` or ``set_student("…")`` in its code), or ``None``.

    Examples
    --------
    >>> declared_student(['ex = Exercises("05_loyalty_and_clv", student="Wang_Li")'])
    'wang_li'
    >>> declared_student(["x = 1"]) is None
    True
    """
    for source in sources:
        found = _DECLARED.search(source)
        if found and normal_student(found.group(2)):
            return normal_student(found.group(2))
    return None
