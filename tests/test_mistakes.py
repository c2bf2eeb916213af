"""The regression suite of common mistakes (tests/mistakes.csv), run against the released checks in both editions.

Each row is an answer a student gives and the kind of feedback it must get: the check must use the
message template that names that mistake (recorded as it passes through the translator), and in the
Chinese edition that message must read in Chinese.  ``accepted`` rows are harmless variants of the
right answer, which must be correct.
"""
import ast
import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mktlab import i18n
from mktlab.exercises.answers import canonical
from mktlab.exercises.check import Exercises
from mktlab.exercises.kinds import labels

ROWS = list(csv.DictReader((Path(__file__).parent / "mistakes.csv").open(encoding="utf-8")))
#: The kind of feedback -> the English template of the message that names it.
TEMPLATES = {
    "label": "{given} is not one of the allowed labels: {allowed}.",
    "letter": "{given} is not one of the option letters: {allowed}.",
    "several": "more than one option may be right: give a list, e.g. {example}.",
    "guess": "Did you mean {guess}?",
    "percent": "your answer looks like a percentage; give it as a fraction of 1 (0.25, not 25).",
    "fraction": "your answer looks like a fraction; give it as a percentage (25, not 0.25).",
    "sign": "check the sign: your number has the right size but the wrong sign.",
    "decimals": "round to {decimals} decimal places: your answer has only {places}.",
    "quoted_bool": "write True and False without quotes: they are Python values, not text.",
    "return_none": "{call} returned None: did you forget `return`? A function that only prints gives back None.",
    "not_plain": "{call} returned {what}; return plain Python data instead (a number, text, True/False or a list).",
    "raised": "{call} raised {error}.",
    "not_a_number": "the answer should be a number, but it is {what}.",
    "count": "give a list of {n} values, each True or False.",
}


def answer_of(text):
    """The student's answer: a Python literal, or a function written as a lambda."""
    if text.startswith("lambda"):
        return eval(text, {"np": np, "pd": pd, "print": lambda *a: None})  # noqa: S307 (test data)
    return ast.literal_eval(text)


def in_edition(answer, key, tr):
    """The answer as a student of this edition types it: every exact answer label in its language."""
    names = {canonical(label): tr(label) for label in labels(key)}

    def swap(value):
        return names.get(canonical(value), value) if type(value) is str else value
    if type(answer) is dict:
        return {swap(k): swap(v) for k, v in answer.items()}
    return [swap(v) for v in answer] if type(answer) is list else swap(answer)


def test_the_suite_covers_every_lesson_with_forty_mistakes():
    assert len(ROWS) >= 40 and len({r["lesson"] for r in ROWS}) == 11
    assert {r["expect"] for r in ROWS} <= set(TEMPLATES) | {"accepted", "hint"}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("row", ROWS, ids=[f"{r['lesson'][:2]}-{r['question']}-{r['expect']}" for r in ROWS])
def test_a_common_mistake_gets_feedback_that_names_it(row, language):
    ex = Exercises(row["lesson"], language=language)
    try:
        used, plain_tr = [], ex._tr

        def recording(text):
            used.append(text)
            return plain_tr(text)
        ex._tr = recording
        key = ex._keys[row["question"]]
        answer = answer_of(row["answer"])
        if not callable(answer):
            answer = in_edition(answer, key, plain_tr)
        fraction, state, message = ex.verdict(row["question"], {row["question"]: answer})
    finally:
        i18n.set_language("en")
    if row["expect"] == "accepted":
        assert state == "correct", message
        return
    assert state != "correct"
    expected = key["hint"] if row["expect"] == "hint" else TEMPLATES[row["expect"]]
    assert expected in used, message
    if language == "zh":
        assert re.search(r"[\u4e00-\u9fff]", message) and plain_tr(expected) != expected, message
