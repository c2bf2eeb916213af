"""Per-student variants: own values, own keys, judged by the submitter's variant, copying flagged."""
import csv
import io
import re

import pytest

from mktlab.exercises.check import Exercises
from mktlab.exercises.grade import Lesson, Result, _finish, _prepare, find_lesson, gradebook_csv
from mktlab.exercises.kinds import protect
from mktlab.exercises.report import report_html
from mktlab.exercises.variants import GRADING_ENV, for_variant, letters_in, option_orders, variant_index
from submissions import LESSON, ROOT, student_copy

STEM = "05_loyalty_and_clv"
CHOICES = {"margin": [80, 100, 120, 150], "retention": [0.6, 0.7, 0.8], "rate": [0.08, 0.1, 0.12]}


def clv(p):
    return p["margin"] * (1 + p["rate"]) / (1 + p["rate"] - p["retention"])


@pytest.fixture(autouse=True)
def laptop(monkeypatch):
    """No hub and no grader: the identity comes from the notebook."""
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv(GRADING_ENV, raising=False)


def student(name):
    ex = Exercises(STEM, student=name)
    values = ex.vary("clv_q", **CHOICES)
    ex.number("clv_q", clv, decimals=2)
    return ex, values


def lesson():
    ex = Exercises(STEM)
    ex.vary("clv_q", **CHOICES)
    ex.number("clv_q", clv, decimals=2)
    keys = {"clv_q": protect(ex._specs["clv_q"], STEM, hidden=True)}
    return Lesson(STEM, None, keys, STEM)


def graded(name, answer, lesson):
    return _finish(Result(name), lesson, {"clv_q": answer})


def test_the_same_student_always_gets_the_same_variant():
    assert variant_index(STEM, "wang_li") == 6  # fixed: the same on every machine and every run
    assert variant_index(STEM, " Wang_Li ") == 6
    assert Exercises(STEM, student="wang_li").variant == 6


def test_two_students_get_different_values_and_keys(capsys):
    ann, ann_values = student("ann")
    bob, bob_values = student("bob")
    assert ann.variant != bob.variant and ann_values != bob_values
    assert "margin = " in capsys.readouterr().out
    key = protect(ann._specs["clv_q"], STEM)
    assert for_variant(key, ann.variant)["hash"] != for_variant(key, bob.variant)["hash"]
    assert f"{clv(ann_values):.2f}" not in str(key) and str(round(clv(ann_values), 2)) not in str(key)
    assert ann.verdict("clv_q", {"clv_q": clv(ann_values)})[1] == "correct"
    assert ann.verdict("clv_q", {"clv_q": clv(bob_values)})[1] == "incorrect"


def test_each_correct_answer_scores_full_and_the_swapped_answers_are_flagged_as_copied():
    lesson_ = lesson()
    _, ann_values = student("ann")
    _, bob_values = student("bob")
    ann, bob = graded("ann", clv(ann_values), lesson_), graded("bob", clv(bob_values), lesson_)
    assert (ann.total, bob.total, ann.copied, bob.copied) == (1, 1, {}, {})
    ann_copy, bob_copy = graded("ann", clv(bob_values), lesson_), graded("bob", clv(ann_values), lesson_)
    assert ann_copy.total == bob_copy.total == 0
    assert ann_copy.copied == {"clv_q": [bob.variant]} and bob_copy.copied == {"clv_q": [ann.variant]}
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(gradebook_csv([ann, bob_copy], lesson_)))}
    assert "copied? clv_q is right for the values of ann" in rows["bob"]["flags"]
    assert "copied" not in rows["ann"]["flags"]


def test_the_report_lists_copied_pairs_and_shared_wrong_answers_escaped():
    lesson_ = lesson()
    _, ann_values = student("<script>ann</script>")
    results = [graded("<script>ann</script>", clv(ann_values), lesson_), graded("bob", clv(ann_values), lesson_),
               graded("chen", 1.5, lesson_), graded("dan", 1.5, lesson_)]
    page = report_html(results, lesson_)
    assert "<script>ann</script>" not in page and "&lt;script&gt;ann&lt;/script&gt; (variant" in page
    copying = page.split("<h2>Copying</h2>")[1].split("<h2>")[0]
    assert "<td>bob</td>" in copying and "chen, dan" in copying and "1.50" in copying


def test_untouched_and_always_equal_answers_earn_nothing_and_are_not_copies():
    lesson_ = lesson()
    untouched = graded("ann", {"__unanswered__": True}, lesson_)
    sneaky = graded("ann", {"__invalid__": "expected plain data, got Sneaky", "what": "Sneaky", "whole": True},
                    lesson_)
    assert (untouched.total, untouched.copied, untouched.verdicts["clv_q"].state) == (0, {}, "unanswered")
    assert (sneaky.total, sneaky.copied, sneaky.verdicts["clv_q"].state) == (0, {}, "invalid")

    class Always(float):
        def __eq__(self, other):
            return True

    ex, _ = student("ann")
    assert ex.verdict("clv_q", {"clv_q": Always(1.0)})[:2] == (0.0, "invalid")


def test_an_unset_identity_still_lets_run_all_finish_with_a_clear_message(capsys):
    ex = Exercises(STEM)
    values = ex.vary("clv_q", **CHOICES)
    ex.number("clv_q", clv, decimals=2)
    assert ex.student is None and "ex.set_student(" in capsys.readouterr().out
    ex.check("clv_q")  # never raises
    fraction, state, message = ex.verdict("clv_q", {"clv_q": clv(values)})
    assert state == "correct" and "ex.set_student(" in message  # the check says it too


def test_the_hub_user_wins_over_the_typed_name_and_the_grader_over_both(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "chen")
    assert Exercises(STEM, student="ann").student == "chen"
    monkeypatch.setenv(GRADING_ENV, "bob")
    assert Exercises(STEM, student="ann").student == "bob"


def test_a_notebook_set_up_for_another_student_is_flagged_and_run_as_the_submitter():
    import nbformat

    nb = student_copy()
    nb.cells.insert(2, nbformat.v4.new_code_cell('ex.set_student("bob")'))
    run, flags, _, _ = _prepare(nb, find_lesson(ROOT / "solutions", LESSON), "en", "ann")
    assert "set up for another student (bob); graded with the values of ann" in flags
    assert f"environ['{GRADING_ENV}'] = 'ann'" in run.cells[0].source
    _, flags, _, _ = _prepare(nb, find_lesson(ROOT / "solutions", LESSON), "en", "Bob")
    assert not any("another student" in f for f in flags)


def test_variants_render_in_both_editions(capsys):
    Exercises(STEM, student="ann").vary("clv_q", **CHOICES)
    Exercises(STEM, language="zh", student="ann").vary("clv_q", **CHOICES)
    english, chinese = capsys.readouterr().out.split("你在 clv_q 中使用的数值：")
    assert english.startswith("Your values for clv_q:")
    assert english.split(":", 1)[1] == chinese  # the same values, each line as the student types them


def test_a_class_is_graded_by_variant_in_real_kernels(tmp_path):
    """Lesson 05: ann computes with her own values, bob hands in ann's number, chen uses his own values."""
    import nbformat
    from mktlab.cli import main

    stem = "05_loyalty_and_clv"
    ann = Exercises(stem, student="ann").vary("clv_085", margin=[80, 90, 100, 110, 120],
                                              retention=[0.75, 0.8, 0.85, 0.9], discount=[0.08, 0.1, 0.12])
    ann_clv = round(ann["margin"] * ann["retention"] / (1 + ann["discount"] - ann["retention"]), 2)
    for name, source in [("ann", f"clv_085 = {ann_clv}"), ("bob", f"clv_085 = {ann_clv}"),
                         ("chen", 'clv_085 = p["margin"] * p["retention"] / (1 + p["discount"] - p["retention"])')]:
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        cell = next(c for c in nb.cells if c.cell_type == "code" and "clv_085 = ..." in c.source)
        cell.source = cell.source.replace("clv_085 = ...", source)
        (tmp_path / "in" / name).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "in" / name / f"{stem}.ipynb")
    assert main(["grade", "05", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    with open(tmp_path / "out" / "gradebook.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert (rows["ann"]["clv_085"], rows["bob"]["clv_085"], rows["chen"]["clv_085"]) == ("1", "0", "1")
    assert "copied? clv_085 is right for the values of ann" in rows["bob"]["flags"]
    assert "copied" not in rows["ann"]["flags"] + rows["chen"]["flags"]
    assert "<td>bob</td><td><code>clv_085</code></td>" in (tmp_path / "out" / "report.html").read_text()


# --- shuffled options ------------------------------------------------------------------------------------

MEGA = ["global marketing", "political power", "public relations", "packaging", "people"]


def shown_options(out):
    """``{letter: text}`` from what ``ex.options`` printed."""
    return dict(re.findall(r'^  "([a-z])": (.+)$', out, re.M))


def test_choice_options_are_lettered_in_each_students_order_and_the_key_follows(capsys):
    stem, seen = "01_marketing_concepts", {}
    for name in ("ann", "bob"):
        ex = Exercises(stem, student=name)
        ex.options("megamarketing_ps", MEGA)
        ex.choice("megamarketing_ps", list("abcde"), ["b", "c"])
        shown, mine = shown_options(capsys.readouterr().out), ex.letters("megamarketing_ps", ["b", "c"])
        assert sorted(shown.values()) == sorted(MEGA)
        assert {shown[letter] for letter in mine} == {"political power", "public relations"}
        seen[name] = ex, shown, mine
    (ann, ann_shown, ann_letters), (_, bob_shown, bob_letters) = seen["ann"], seen["bob"]
    assert ann_shown != bob_shown and ann_letters != bob_letters
    assert ann.verdict("megamarketing_ps", {"megamarketing_ps": ann_letters})[1] == "correct"
    assert ann.verdict("megamarketing_ps", {"megamarketing_ps": bob_letters})[1] == "incorrect"
    key = protect(ann._specs["megamarketing_ps"], stem)
    assert len({v["hash"] for v in key["variants"]}) > 5 and ann._specs["megamarketing_ps"]["texts"] == MEGA


def test_options_render_in_both_editions(capsys):
    Exercises("01_marketing_concepts", student="ann").options("megamarketing_ps", MEGA)
    Exercises("01_marketing_concepts", language="zh", student="ann").options("megamarketing_ps", MEGA)
    english, chinese = capsys.readouterr().out.split("你的 megamarketing_ps 选项：")
    english, chinese = shown_options(english), shown_options(chinese)
    assert english.keys() == chinese.keys() and chinese["a"] != english["a"]
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in chinese.values())


def test_order_labels_are_listed_in_each_students_order_and_judged_by_label(capsys):
    stem = "06_service_marketing"
    items = ["customer service", "selling", "service quality", "differentiation"]
    orders = []
    for name in ("ann", "bob"):
        Exercises(stem, student=name).shuffle("service_stages", items)
        orders.append(re.findall(r'"([^"]+)"', capsys.readouterr().out.splitlines()[1]))
    assert sorted(orders[0]) == sorted(orders[1]) == sorted(items) and orders[0] != orders[1]
    assert "variants" not in find_lesson(ROOT / "solutions", stem).keys["service_stages"]  # labels, not places


def test_copied_choice_letters_are_flagged_beyond_luck_and_a_lone_wrong_letter_is_not():
    lesson_ = find_lesson(ROOT / "solutions", "03")
    stem, right = lesson_.stem, {"gronroos_adds": ["d", "e", "f"], "suits_relationship": ["a", "c", "e"],
                                 "debate_view": "c"}

    def answers(name):
        return {q: letters_in(option_orders(stem, q, len(lesson_.keys[q]["options"]))[variant_index(stem, name)], w)
                for q, w in right.items()}
    ann, bob = answers("ann"), answers("bob")
    assert all(ann[q] != bob[q] for q in right)  # the two students see different letters for every question
    own = _finish(Result("ann"), lesson_, ann)
    assert [own.verdicts[q].state for q in right] == ["correct"] * 3 and own.copied == {}
    copied = _finish(Result("bob"), lesson_, ann)
    assert copied.copied == {q: [own.variant] for q in right}
    lone = _finish(Result("bob"), lesson_, {"debate_view": ann["debate_view"]})
    assert lone.verdicts["debate_view"].state == "incorrect" and lone.copied == {}  # one letter in four: luck


def test_the_student_copy_shows_options_without_the_solutions_letters():
    import nbformat

    from mktlab.exercises.release import cell_role

    nb = nbformat.read(ROOT / "notebooks" / "01_marketing_concepts.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith('ex.options("megamarketing_ps"'))
    assert cell_role(cell) == "setup" and cell.outputs == [] and cell.metadata["editable"] is False
    assert not any("ex.letters(" in c.source for c in nb.cells)


def test_a_notebook_without_a_username_is_flagged_with_what_the_example_order_scores():
    """A laptop student who never set a username answered in the written order (variant 0): the gradebook says
    what that scores, so the instructor can ask them; answers in the student's own order get no such flag."""
    from mktlab.exercises.grade import example_values_flag

    lesson_ = find_lesson(ROOT / "solutions", "03")
    stem, right = lesson_.stem, {"gronroos_adds": ["d", "e", "f"], "suits_relationship": ["a", "c", "e"]}
    own = {q: letters_in(option_orders(stem, q, 6)[variant_index(stem, "ann")], w) for q, w in right.items()}
    unset = _finish(Result("ann"), lesson_, right)  # the written order's letters
    assert unset.variant != 0 and unset.total == 0
    flag = example_values_flag(unset, lesson_, right, ['ex = Exercises("03_relationship_vs_transaction")'])
    assert flag == f"the answers fit the example options and values (variant 0) better: 2 of {lesson_.max_points:g} " \
                   "with them, and the notebook sets no username"
    assert unset.copied == {}  # variant 0 is everyone's example, never a classmate's answers
    assert example_values_flag(unset, lesson_, right, ['ex.set_student("ann")']) is None
    assert example_values_flag(_finish(Result("ann"), lesson_, own), lesson_, own, []) is None


def test_an_option_typed_as_text_is_answered_with_its_own_letter(capsys):
    for language, text in (("en", "political power"), ("zh", "政治权力")):
        ex = Exercises("01_marketing_concepts", language=language, student="ann")
        ex.options("megamarketing_ps", MEGA)
        ex.choice("megamarketing_ps", list("abcde"), ["b", "c"])
        letter = ex.letters("megamarketing_ps", "b")
        fraction, state, message = ex.verdict("megamarketing_ps", {"megamarketing_ps": [text, "x"]})
        assert (fraction, state) == (0.0, "invalid") and f"'{letter}'" in message and text in message
    assert "选项" in message  # the Chinese check says it in Chinese


def test_the_report_counts_the_same_wrong_options_together_whatever_the_letters():
    from mktlab.exercises.report import copied_pairs, shared_wrong_answers, wrong_answers

    lesson_ = find_lesson(ROOT / "solutions", "03")
    stem, qid = lesson_.stem, "gronroos_adds"
    berry = "attracting or establishing relationships; maintaining relationships; enhancing relationships"

    def letters(name, written, question=qid):
        return letters_in(option_orders(stem, question, 6)[variant_index(stem, name)], written)
    ann, bob = letters("ann", ["a", "b", "c"]), letters("bob", ["a", "b", "c"])
    assert ann != bob  # the same three options, in different letters
    results = [_finish(Result(name), lesson_, {qid: answer}) for name, answer in (("ann", ann), ("bob", bob))]
    assert wrong_answers(results, lesson_)[qid] == [(berry, 2)]
    from mktlab.i18n import translator
    assert wrong_answers(results, lesson_, tr=translator("zh", stem))[qid] == [("吸引或建立关系；维持关系；加强关系", 2)]
    assert shared_wrong_answers(results, lesson_)[qid] == [(berry, ["ann", "bob"])]
    copier = _finish(Result("bob"), lesson_, {qid: letters("ann", ["d", "e", "f"]),
                                             "suits_relationship": letters("ann", ["a", "c", "e"], "suits_relationship")})
    from mktlab.exercises.feedback import feedback_html
    assert f"({berry})" in feedback_html(results[0], lesson_)  # the student's page names the options picked too
    shown = {q: text for _, q, text, _ in copied_pairs([copier], lesson_)}
    assert shown[qid].startswith(str(letters("ann", ["d", "e", "f"])).replace("'", '"')) and "profit" in shown[qid]


def test_a_shuffled_choice_written_with_other_labels_is_refused_with_the_reason():
    ex = Exercises("01_marketing_concepts")
    ex.options("megamarketing_ps", MEGA)
    for options, answer in ((list("abcd"), "b"), (MEGA, "political power"), (list("abcde"), "B")):
        with pytest.raises(ValueError, match=r"give ex.choice the options \['a', 'b', 'c', 'd', 'e'\]"):
            ex.choice("megamarketing_ps", options, answer)
