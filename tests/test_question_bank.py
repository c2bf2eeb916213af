"""Tests for the true/false bank, the glossary and mktlab.question_bank."""
import json
import re
from pathlib import Path

import pytest

from mktlab import question_bank as qb

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- the bank as data ---------------------------------------------------------------------------

def test_every_lesson_has_at_least_ten_items(bank):
    """Lessons 01–10 each have ≥ 10 items, and there is no other lesson."""
    counts = bank["lesson"].value_counts()
    assert sorted(counts.index) == list(range(1, 11))
    assert counts.min() >= 10


def test_keys_are_booleans(bank):
    """The key column reads as a boolean column, True or False only."""
    assert bank["key"].dtype == bool
    assert set(bank["key"]) == {True, False}


def test_every_row_is_complete(bank):
    """No empty cell anywhere: statements in both languages, key, explanation, lesson, source."""
    assert not bank.isna().any().any()
    for column in ("item_id", "statement_zh", "statement_en", "explanation", "source", "facts_ref"):
        assert (bank[column].str.strip() != "").all(), column


def test_statements_are_in_the_right_language(bank):
    """Chinese statements contain Chinese; English statements are mostly Latin letters."""
    assert bank["statement_zh"].map(lambda s: bool(CJK.search(s))).all()
    latin_share = bank["statement_en"].map(lambda s: len(re.findall(r"[A-Za-z]", s)) / len(s))
    assert (latin_share > 0.4).all()
    cjk_share = bank["statement_en"].map(lambda s: len(CJK.findall(s)) / len(s))
    assert (cjk_share < 0.15).all()


def test_item_ids_are_unique_and_name_their_lesson(bank):
    """item_id is Lnn-kk with nn the lesson number."""
    assert bank["item_id"].is_unique
    assert bank["statement_zh"].is_unique and bank["statement_en"].is_unique
    for item_id, lesson in zip(bank["item_id"], bank["lesson"]):
        assert re.fullmatch(r"L\d\d-\d\d", item_id) and int(item_id[1:3]) == lesson


def test_dropped_seed_items_are_absent(bank):
    """Seed items 1 (吉斯特 1973) and 23 (truncated) are dropped (FACTS §19)."""
    assert not bank["source"].isin(["S0 #1", "S0 #23"]).any()
    assert not bank["statement_zh"].str.contains("吉斯特").any()


def test_seed_items_kept_rewritten_or_dropped_as_planned(bank):
    """Seeds 2–17, 19, 22 kept; 18, 20, 21 rewritten; each appears exactly once."""
    seeds = bank.loc[bank["source"].str.startswith("S0"), "source"]
    expected = {f"S0 #{n}" for n in [*range(2, 18), 19, 22]} | \
        {f"S0 #{n} (rewritten)" for n in (18, 20, 21)}
    assert sorted(seeds) == sorted(expected)


def test_seed_keys_agree_with_the_facts_audit(bank):
    """FACTS §19: the keys of the kept seed items; the rewritten 18, 20, 21 are all true."""
    audited = {2: True, 3: False, 4: True, 5: False, 6: True, 7: True, 8: False, 9: True, 10: False,
               11: False, 12: False, 13: False, 14: False, 15: False, 16: True, 17: True, 19: False,
               22: True, 18: True, 20: True, 21: True}
    seeds = bank[bank["source"].str.startswith("S0")]
    got = {int(re.search(r"#(\d+)", s).group(1)): bool(k) for s, k in zip(seeds["source"], seeds["key"])}
    assert got == audited


def test_rewritten_items_remove_the_ambiguity(bank):
    """18 names the customer's cost; 21 says customer (顾客), not market; 20 has no typo 理介."""
    rewritten = bank[bank["source"].str.endswith("(rewritten)")].set_index("source")
    assert "顾客总成本" in rewritten.loc["S0 #18 (rewritten)", "statement_zh"]
    assert "顾客" in rewritten.loc["S0 #21 (rewritten)", "statement_zh"]
    assert "市场是" not in rewritten.loc["S0 #21 (rewritten)", "statement_zh"]
    assert "理介" not in rewritten.loc["S0 #20 (rewritten)", "statement_zh"]


def test_seed_19_is_about_the_societal_marketing_concept(bank):
    """FACTS §1 #5: the alternative labels of seed #19 belong to the societal marketing concept
    (社会市场营销观念), a business philosophy, not to social marketing (社会营销, Kotler & Zaltman 1971)."""
    item = bank.set_index("source").loc["S0 #19"]
    assert item["statement_zh"].startswith("“社会市场营销观念”")
    assert item["statement_en"].startswith("The societal marketing concept")


def test_every_item_cites_a_facts_section(bank):
    """Each key rests on a named section of FACTS.md."""
    assert bank["facts_ref"].str.match(r"§\d").all()


# --- bank helpers -------------------------------------------------------------------------------

def test_bank_items_filters_by_lesson_and_source(bank):
    """Filtering keeps only the asked-for lessons; seed + new = all."""
    assert set(qb.bank_items(bank, [3, 4])["lesson"]) == {3, 4}
    assert len(qb.bank_items(bank, source="seed")) + len(qb.bank_items(bank, source="new")) == len(bank)
    assert len(qb.bank_items(bank, source="seed")) == 21
    with pytest.raises(ValueError):
        qb.bank_items(bank, source="other")


def test_quiz_is_reproducible_and_seed_dependent(bank):
    """Same seed → same items in the same order; another seed → another order."""
    a = qb.quiz(bank, lessons=[1, 2], n=8, seed=7)
    b = qb.quiz(bank, lessons=[1, 2], n=8, seed=7)
    c = qb.quiz(bank, lessons=[1, 2], n=8, seed=8)
    assert a["item_id"].tolist() == b["item_id"].tolist()
    assert a["item_id"].tolist() != c["item_id"].tolist()
    assert list(a.index) == list(range(1, 9)) and a["item_id"].is_unique
    assert set(a["lesson"]) <= {1, 2}


def test_quiz_with_n_none_or_too_large_takes_every_item(bank):
    """n=None or n larger than the pool gives the whole lesson, shuffled."""
    lesson_ids = set(qb.bank_items(bank, 10)["item_id"])
    assert set(qb.quiz(bank, 10, n=None)["item_id"]) == lesson_ids
    assert set(qb.quiz(bank, 10, n=999)["item_id"]) == lesson_ids


def test_scoring_the_key_gets_everything_right_and_its_negation_nothing(bank):
    """score_quiz(quiz, quiz_key(quiz)) is all correct; the flipped key is all wrong."""
    items = qb.quiz(bank, n=12, seed=3)
    key = qb.quiz_key(items)
    assert all(type(k) is bool for k in key)
    assert qb.score_quiz(items, key)["correct"].all()
    assert not qb.score_quiz(items, [not k for k in key])["correct"].any()
    with pytest.raises(ValueError):
        qb.score_quiz(items, ["yes"] * 12)


def test_quiz_text_numbers_every_statement(bank):
    """One numbered line per statement in English, plus its Chinese line with 'both'."""
    items = qb.quiz(bank, 5, n=4, seed=0)
    assert qb.quiz_text(items, "en").splitlines()[3].startswith("4. ")
    assert len(qb.quiz_text(items, "both").splitlines()) == 8


# --- the glossary -------------------------------------------------------------------------------

def test_glossary_has_at_least_sixty_complete_unique_terms(glossary):
    """≥ 60 rows, no empty required cell, English and Chinese terms unique, lessons 1–10 present."""
    assert len(glossary) >= 60
    required = ["term_en", "term_zh", "definition_en", "definition_zh", "lesson", "reference"]
    assert not glossary[required].isna().any().any()
    assert glossary["term_en"].str.lower().is_unique and glossary["term_zh"].is_unique
    assert sorted(glossary["lesson"].unique()) == list(range(1, 11))
    assert glossary["term_zh"].map(lambda s: bool(CJK.search(s)) or s.isascii()).all()
    assert glossary["definition_zh"].map(lambda s: bool(CJK.search(s))).all()


def test_aliases_never_point_to_another_term(glossary):
    """An alias finds its own row, never a different term's row."""
    for _, row in glossary[glossary["aliases"].notna()].iterrows():
        for alias in row["aliases"].split(";"):
            assert qb.find_term(glossary, alias.strip())["term_en"] == row["term_en"], alias


def test_total_customer_cost_names_kotlers_four_costs(glossary):
    """Kotler's total customer cost is monetary, time, energy and psychic cost, in both languages,
    as in lesson 02 (`mktlab.mix.COST_COMPONENTS`)."""
    from mktlab.mix import COST_COMPONENTS

    row = qb.find_term(glossary, "total customer cost")
    for english, chinese in COST_COMPONENTS.items():
        assert english in row["definition_en"] and chinese in row["definition_zh"]


def test_relationship_marketing_credits_each_part_to_its_author(glossary):
    """Berry (1983) spoke of attracting, maintaining and enhancing *customer* relationships; other partners
    and the benefit of all sides come later (Grönroos 1990, 1994; Morgan & Hunt 1994)."""
    row = qb.find_term(glossary, "relationship marketing")
    berry = row["definition_en"].split(";")[0]
    assert "(Berry 1983)" in berry and "partner" not in berry and "benefit" not in berry
    assert "Grönroos" in row["reference"] and "Morgan & Hunt 1994" in row["reference"]


def test_origin_credits_do_not_overstate_a_later_author(glossary):
    """Services marketing predates Shostack (1977): Rathmell wrote in 1966. Customer lifetime value is older
    than Gupta & Lehmann (2003), one source of a formula. Lovelock & Gummesson (2004) proposed lack of
    ownership as the dividing line; they did not first describe it."""
    reference = glossary.set_index("term_en")["reference"]
    assert reference["services marketing"].startswith("Rathmell 1966")
    assert reference["customer lifetime value (CLV)"].startswith("textbook convention; one formula:")
    assert reference["lack of ownership"].startswith("textbook convention; proposed as the dividing line")


def test_search_and_find_work_in_both_languages(glossary):
    """'关系营销' finds relationship marketing first; find_term accepts either language."""
    assert qb.search_glossary(glossary, "关系营销")["term_en"].iloc[0] == "relationship marketing"
    assert qb.find_term(glossary, "SERVQUAL")["lesson"] == 6
    assert qb.find_term(glossary, "逆向归纳法")["term_en"] == "backward induction"
    assert qb.find_term(glossary, "no such thing") is None


def test_matching_pairs_are_real_translations(glossary):
    """Every pair drawn for a matching exercise is one glossary row, in the asked direction."""
    pairs = qb.matching_pairs(glossary, lessons=[6, 7], n=6, seed=2)
    rows = glossary.set_index("term_en")
    assert len(pairs) == 6
    for en, zh in pairs.items():
        assert rows.loc[en, "term_zh"] == zh and rows.loc[en, "lesson"] in (6, 7)
    back = qb.matching_pairs(glossary, lessons=[6, 7], n=6, seed=2, direction="zh→en")
    assert back == {zh: en for en, zh in pairs.items()}


# --- every Summary term is in the glossary ------------------------------------------------------

def _summary_terms(path):
    """(English, Chinese) pairs from the first two columns of a notebook's Summary table."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    terms = []
    for cell in cells:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] != "markdown" or not re.search(r"^##\s+Summary", text, re.M):
            continue
        body = text[re.search(r"^##\s+Summary", text, re.M).end():]
        body = re.split(r"^##\s", body, flags=re.M)[0]
        for line in body.splitlines():
            cols = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.lstrip().startswith("|") and len(cols) >= 2 and not set(cols[0]) <= set("-: "):
                terms.append((cols[0].strip("*"), cols[1]))
        return terms[1:]  # drop the header row
    return terms


SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_every_summary_term_is_in_the_glossary(path, glossary):
    """Each key term of a lesson's Summary is found in the glossary, by its English or Chinese name."""
    missing = [(en, zh) for en, zh in _summary_terms(path)
               if qb.find_term(glossary, en) is None
               and all(qb.find_term(glossary, part) is None for part in re.split(r"\s*/\s*", zh))]
    assert not missing, f"add these to datasets/glossary.csv: {missing}"


# --- feedback and layout for the practice widgets ---------------------------------------------

def test_item_feedback_marks_the_answer_against_the_key_and_explains(bank):
    """For every item: the key itself gets '✔ Right', its negation '✘ Not quite'; both end with the explanation."""
    for _, item in bank.iterrows():
        right, wrong = qb.item_feedback(item, bool(item["key"])), qb.item_feedback(item, not item["key"])
        assert right.startswith("✔ Right") and wrong.startswith("✘ Not quite")
        assert right.endswith(item["explanation"]) and wrong.endswith(item["explanation"])
        assert ("is true" in right) == bool(item["key"])
    assert qb.item_feedback(bank.iloc[0], None) == ""
    with pytest.raises(ValueError):
        qb.item_feedback(bank.iloc[0], "True")


def test_quiz_progress_counts_only_answered_statements(bank):
    """Hand count on a 4-statement quiz: key answers on 1 and 2, the wrong one on 3, 4 open → '3 of 4, 2 right'."""
    items = qb.quiz(bank, 2, n=4, seed=5)
    key = qb.quiz_key(items)
    answers = [key[0], key[1], not key[2], None]
    assert qb.quiz_progress(items, answers) == "3 of 4 answered, 2 right"
    assert qb.quiz_progress(items, [*answers[:3], key[3]]) == "4 of 4 answered, 3 right: 75%"
    assert qb.quiz_progress(items, key) == "4 of 4 answered, 4 right: 100%"
    with pytest.raises(ValueError):
        qb.quiz_progress(items, [True])


def test_statement_html_escapes_and_numbers():
    """'<' in a statement becomes '&lt;'; the number comes first; 'en' leaves the Chinese out."""
    item = {"statement_en": "A <b> tag", "statement_zh": "一个<标签>"}
    assert qb.statement_html(7, item).startswith("<b>7.</b> A &lt;b&gt; tag<br>")
    assert "一个&lt;标签&gt;" in qb.statement_html(7, item)
    assert qb.statement_html(7, item, language="en") == "<b>7.</b> A &lt;b&gt; tag"
    with pytest.raises(ValueError):
        qb.statement_html(1, item, language="fr")


def test_glossary_html_lists_each_hit_in_both_languages_with_its_lesson(glossary):
    """'SERVQUAL' in the terms only: one table row per hit, each with its Chinese name and lesson 06."""
    hits = qb.search_glossary(glossary, "SERVQUAL", definitions=False)
    page = qb.glossary_html(glossary, "SERVQUAL", definitions=False)
    assert page.count("<tr>") == len(hits) + 1  # the header row, then one per term
    for row in hits.itertuples():
        assert f"<b>{row.term_en}</b>" in page and row.term_zh in page
    assert page.count("<td style=\"text-align:left\">06</td>") == len(hits)


def test_glossary_html_limits_rows_and_says_so(glossary):
    """A search for 'e' matches more than 3 terms; limit=3 shows exactly 3 rows and says more exist."""
    total = len(qb.search_glossary(glossary, "e"))
    page = qb.glossary_html(glossary, "e", limit=3)
    assert total > 3
    assert page.startswith(f"<p>{total} terms match <b>e</b>; the first 3 are shown")
    assert page.count("<tr>") == 4


def test_glossary_html_escapes_the_query(glossary):
    """A query with markup is shown as text, never as HTML."""
    assert qb.glossary_html(glossary, "<script>") == "<p>No term matches <b>&lt;script&gt;</b>.</p>"


def test_glossary_html_states_its_limits(glossary):
    """The first line names the lesson filter and 'names only', so a changed filter always shows."""
    assert qb.glossary_html(glossary, "loyalty", lessons=[4, 5]).startswith(
        f"<p>{len(qb.search_glossary(glossary, 'loyalty', lessons=[4, 5]))} terms match <b>loyalty</b> "
        "(lessons 04, 05).</p>")
    assert qb.glossary_html(glossary, "zzz", definitions=False) == "<p>No term matches <b>zzz</b> (names only).</p>"


def test_glossary_search_finds_a_term_by_its_english_or_its_chinese_name(glossary):
    """Issue 12: the lesson 11 glossary finds the same term whether the student types English or Chinese."""
    for english, chinese in [("customer loyalty", "顾客忠诚"), ("service recovery", "服务补救"),
                             ("relationship marketing", "关系营销")]:
        by_english = qb.search_glossary(glossary, english, definitions=False)["term_en"].tolist()
        by_chinese = qb.search_glossary(glossary, chinese, definitions=False)["term_en"].tolist()
        assert english in by_english and english in by_chinese, (english, by_english, by_chinese)
