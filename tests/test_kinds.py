"""Each exercise kind: correct, partly correct, wrong, the wrong type, and not answered."""
import pandas as pd
import pytest

from mktlab.exercises.answers import UNANSWERED, to_plain
from mktlab.exercises.check import gather
from mktlab.exercises.kinds import judge, protect

SALT = "test"


def verdict(spec, answer, hidden=False):
    return judge(protect(spec, SALT, hidden=hidden), SALT, answer)


def test_number_accepts_one_unit_of_the_last_decimal():
    """With decimals=2 and answer 0.25: 0.25 and 0.26 pass, 0.28 fails, text is invalid."""
    spec = {"qid": "share", "kind": "number", "answer": 0.25, "decimals": 2}
    assert verdict(spec, 0.25).state == "correct"
    assert verdict(spec, 0.2549).state == "correct"
    assert verdict(spec, 0.26).state == "correct"
    assert verdict(spec, 0.28).state == "incorrect"
    assert verdict(spec, "0.25").state == "invalid"
    assert verdict(spec, True).state == "invalid"


def test_choice_single_and_multiple():
    """Multiple choice needs exactly the right set; unknown labels get a clear message."""
    multi = {"qid": "ps", "kind": "choice", "options": ["a", "b", "c"], "answer": ["b", "c"]}
    assert verdict(multi, ["c", "b"]).state == "correct"
    assert verdict(multi, ["b"]).state == "incorrect"
    bad = verdict(multi, ["z"])
    assert bad.state == "invalid" and "'z' is not one of the option letters" in bad.message
    single = {"qid": "one", "kind": "choice", "options": ["a", "b"], "answer": "b"}
    assert verdict(single, " B ").state == "correct"
    assert verdict(single, ["b"]).state == "invalid"


def test_truefalse_gives_partial_credit():
    """Three of four statements right earns 0.75 of the points."""
    spec = {"qid": "tf", "kind": "truefalse", "answer": [True, False, True, True]}
    assert verdict(spec, [True, False, True, False]).fraction == 0.75
    assert verdict(spec, [1, 0, 1, 1]).state == "invalid"
    assert verdict(spec, [True]).state == "invalid"


def test_order_is_all_or_nothing_with_a_count():
    """A swapped pair earns nothing but says how many items are in place."""
    spec = {"qid": "o", "kind": "order", "answer": ["a", "b", "c"]}
    assert verdict(spec, ["a", "b", "c"]).state == "correct"
    wrong = verdict(spec, ["a", "c", "b"])
    assert wrong.fraction == 0 and "1 of 3 are in the right place" in wrong.message
    assert verdict(spec, ["a", "b"]).state == "invalid"


def test_match_scores_each_pair():
    """Two of three pairs right earns two thirds."""
    spec = {"qid": "m", "kind": "match", "answer": {"x": "1", "y": "2", "z": "3"}}
    assert verdict(spec, {"x": "1", "y": "2", "z": "1"}).fraction == pytest.approx(2 / 3)
    assert verdict(spec, {"x": "1"}).state == "invalid"


def test_table_compares_labels_and_values():
    """The same values under other row labels are reported as such; other columns too."""
    expected = pd.DataFrame({"n": [1.0, 2.0]}, index=pd.Index([1, 2], name="year"))
    spec = {"qid": "t", "kind": "table", "answer": to_plain(expected), "decimals": 6}
    assert verdict(spec, to_plain(expected.copy())).state == "correct"
    relabelled = verdict(spec, to_plain(expected.reset_index(drop=True)))
    assert relabelled.state == "incorrect" and "row labels" in relabelled.message
    assert "expected the columns" in verdict(spec, to_plain(expected.rename(columns={"n": "m"}))).message
    assert verdict(spec, to_plain(expected["n"])).state == "invalid"


def test_function_hidden_cases_count_but_are_never_described():
    """A function right on the shown cases but wrong on a hidden one gets 3/4 and no hidden detail."""
    spec = {"qid": "f", "kind": "function", "decimals": 6,
            "cases": [[[1, 1], 2], [[2, 3], 5], [[0, 0], 0]], "hidden": [[[-7, 2], -5]]}
    key = protect(spec, SALT, hidden=True)
    almost = gather(lambda a, b: abs(a) + b, [c["args"] for c in key["cases"]])
    result = judge(key, SALT, almost)
    assert result.fraction == 0.75
    assert "-7" not in result.message and "hidden" in result.message
    student_key = protect(spec, SALT)
    assert len(student_key["cases"]) == 3


def _values(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _values(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _values(v)
    else:
        yield obj


def test_keys_hold_no_answer_in_plain_text():
    """The protected key of every kind holds hashes; no value in it is the answer."""
    specs = [({"qid": "n", "kind": "number", "answer": 1983}, 1983),
             ({"qid": "c", "kind": "choice", "options": ["a", "b"], "answer": ["b"]}, ["b"]),
             ({"qid": "o", "kind": "order", "answer": ["b", "a"]}, ["b", "a"]),
             ({"qid": "f", "kind": "function", "cases": [[[1], "secret-result"]]}, "secret-result")]
    for spec, answer in specs:
        key = protect(spec, SALT)
        assert answer not in list(_values(key)) and answer not in key.values()
    match = protect({"qid": "m", "kind": "match", "answer": {"x": "p", "y": "q"}}, SALT)
    assert match["right"] == ["p", "q"] and "p" not in match["hashes"].values()


def test_unanswered_stub_is_not_answered():
    """The `...` stub reads as 'not answered yet' for every kind."""
    spec = {"qid": "n", "kind": "number", "answer": 1}
    assert verdict(spec, UNANSWERED).state == "unanswered"
    fspec = {"qid": "f", "kind": "function", "cases": [[[1], 1]]}
    assert verdict(fspec, gather(lambda x: ..., [[1]])).state == "unanswered"


def test_written_answers_are_pending_for_the_instructor():
    """Text is 'pending' with no points yet; an empty string or a number is invalid."""
    spec = {"qid": "memo", "kind": "manual", "rubric": "see rubric", "points": 4}
    assert verdict(spec, "We listen, apologise and fix the bill.").state == "pending"
    assert verdict(spec, "We listen").fraction == 0
    assert verdict(spec, "   ").state == "invalid"
    assert verdict(spec, 3).state == "invalid"


def test_a_chinese_written_answer_is_counted_in_characters():
    """Chinese is not written in space-separated words: the pending message counts its characters."""
    key = protect({"qid": "memo", "kind": "manual"}, SALT)
    assert "(14 Chinese characters)" in judge(key, SALT, "顾客投诉是一次挽回关系的机会。").message
    assert "(3 words)" in judge(key, SALT, "Listen, then act.").message


def test_a_declared_mistake_gets_its_targeted_hint_in_the_check_and_is_stored_hashed():
    """The check and the grader (same judge) show the mistake's hint; the key holds no plain wrong answer."""
    import json

    from mktlab.exercises import Exercises

    ex = Exercises("99_demo")
    ex.number("clv", 1234.5, decimals=1, hint="m r / (1 + d - r)",
              mistakes={12345: "the discount rate is a fraction: 0.08, not 8"})
    ex.choice("bond", ["financial", "social", "structural"], "structural",
              mistakes={"Social": "a shared IT system is more than friendship"})
    assert ex.verdict("clv", {"clv": 12345.04})[2] == "not yet: the discount rate is a fraction: 0.08, not 8"
    assert ex.verdict("clv", {"clv": 99})[2] == "not yet: m r / (1 + d - r)"
    assert ex.verdict("clv", {"clv": 1234.5})[1] == "correct"
    assert ex.verdict("bond", {"bond": " social"})[2] == "not yet: a shared IT system is more than friendship"
    keys = json.dumps([protect(ex._specs[q], SALT) for q in ("clv", "bond")])
    assert "12345" not in keys and "friendship" in keys


def test_order_and_truefalse_mistakes_match_the_whole_answer():
    """A listed wrong order gets its hint; another wrong order gets the general one."""
    spec = {"qid": "o", "kind": "order", "answer": ["a", "b", "c"], "hint": "general",
            "mistakes": [[["c", "b", "a"], "reversed"]]}
    assert verdict(spec, ["C", "b", "a"]).message == "not yet: reversed"
    assert verdict(spec, ["b", "a", "c"]).message.endswith("general")


# --- common mistakes, named before any hint -------------------------------------------

def test_numbers_name_percent_sign_and_rounding():
    """72.5 for 0.725, a flipped sign and too few decimals each get their own message, not the hint."""
    spec = {"qid": "share", "kind": "number", "answer": 0.725, "decimals": 3, "hint": "Sum, then divide."}
    assert "percentage" in verdict(spec, 72.5).message
    assert "sign" in verdict(spec, -0.725).message
    rounded = verdict(spec, 0.73)
    assert "3 decimal places" in rounded.message and "Sum" not in rounded.message
    assert verdict(spec, 0.5).message == "not yet: Sum, then divide."
    pct = {"qid": "p", "kind": "number", "answer": 40, "decimals": 0}
    assert "as a percentage" in verdict(pct, 0.4).message


def test_labels_outside_the_set_are_named_and_harmless_variants_pass():
    """A typo names the label and the allowed ones; case, spacing, plural and British spelling are accepted."""
    spec = {"qid": "m", "kind": "match",
            "answer": {"price war": "transaction", "referral": "referral markets", "firm": "organization"}}
    right = {"price war": "Transaction", "referral": "referral  market", "firm": "organisation"}
    assert verdict(spec, right).state == "correct"
    typo = verdict(spec, {**right, "price war": "transactoin"})
    assert typo.state == "invalid" and "'transactoin' is not one of the allowed labels" in typo.message
    assert "Did you mean 'transaction'?" in typo.message
    order = {"qid": "o", "kind": "order", "answer": ["awareness", "loyalty"]}
    assert "'loyality'" in verdict(order, ["awareness", "loyality"]).message
    assert verdict(order, ["Awareness", "loyalties"]).state == "correct"


def test_ambiguous_variants_are_not_guessed():
    """When two labels share a harmless variant, neither variant is mapped to a label."""
    spec = {"qid": "c", "kind": "choice", "options": ["market", "markets"], "answer": "market"}
    assert verdict(spec, "market").state == "correct"
    assert verdict(spec, "MARKET ").state == "correct"
    assert verdict(spec, "markets").state == "incorrect"


def test_true_false_as_text_is_named():
    """The strings "True"/"False" are told to drop the quotes."""
    spec = {"qid": "tf", "kind": "truefalse", "answer": [True, False]}
    assert "without quotes" in verdict(spec, ["True", "false"]).message


def test_function_mistakes_are_named_with_calls_as_written():
    """None asks about return; an array or a Series is named as such; calls read profit_gap(0.5)."""
    spec = {"qid": "profit_gap", "kind": "function", "cases": [[[0.5], 1.0]]}
    key = protect(spec, SALT)

    def run(func):
        return judge(key, SALT, gather(func, [[0.5]])).message
    assert "profit_gap(0.5) returned None: did you forget `return`?" in run(print)
    np = pytest.importorskip("numpy")
    array = run(lambda x: np.array([x]))
    assert "a NumPy array" in array and "NotPlain" not in array
    series = run(lambda x: pd.Series([x]))
    assert "a Series" in series and "__table__" not in series
    assert "profit_gap(0.5) raised ZeroDivisionError" in run(lambda x: 1 / 0)
    assert "profit_gap(0.5) returned 2.0." in run(lambda x: 2.0)
