"""Tests for mktlab.selling: the four outdated styles, SPIN, the rubric and the role-play data."""
import math

import pandas as pd
import pytest

from mktlab import selling
from mktlab.data import load_dataset


@pytest.fixture(scope="module")
def lines():
    return load_dataset("selling_dialogue_lines")


# --- the styles and SPIN as data ------------------------------------------------------------

def test_four_outdated_styles_in_source_order_with_chinese_names():
    """FACTS §18: product-centred, knocking competitors, "old friend", argumentative, in that order."""
    styles = selling.selling_styles()
    assert styles["key"].tolist() == ["product-centred", "knocking competitors", "old friend", "argumentative"]
    assert styles["style_zh"].tolist() == ["以产品为中心的销售方式", "打击竞争对手的销售方式",
                                           "老朋友式的销售方式", "辩论式销售方式"]
    assert styles[["why_it_fails", "better_practice"]].notna().all().all()


def test_spin_has_rackhams_four_question_types_in_order():
    """Rackham (1988): Situation, Problem, Implication, Need-payoff."""
    assert selling.SPIN_KEYS == ("situation", "problem", "implication", "need-payoff")
    assert selling.spin_questions()["question_type_zh"].tolist() == ["背景问题", "难点问题", "暗示问题",
                                                                     "需求—效益问题"]


def test_rubric_totals_15_points_and_each_criterion_has_three_levels():
    """2 + 3 + 3 + 3 + 2 + 2 = 15; levels are 0 < partial < max for every criterion."""
    rubric = selling.spin_rubric()
    assert rubric["max_points"].sum() == 15
    assert ((rubric["partial"] > 0) & (rubric["partial"] < rubric["max_points"])).all()
    assert rubric[["full", "partial_credit", "none"]].notna().all().all()


# --- rubric_score -----------------------------------------------------------------------------

def test_rubric_score_full_marks_is_100_percent():
    """Every criterion at its maximum gives 15/15 = 100.0 %."""
    full = {row["criterion"]: row["max_points"] for row in selling.SPIN_RUBRIC}
    assert selling.rubric_score(full) == {"points": 15, "max_points": 15, "percent": 100.0}


def test_rubric_score_missing_criteria_count_as_zero():
    """Only implication (3) and flow (1) given: 4/15 = 26.7 %."""
    assert selling.rubric_score({"implication questions": 3, "flow and plausibility": 1}) == {
        "points": 4, "max_points": 15, "percent": 26.7}


@pytest.mark.parametrize("scores", [{"implication questions": 2}, {"charm": 1}, {"situation questions": -1}])
def test_rubric_score_refuses_levels_and_criteria_the_rubric_does_not_have(scores):
    """A score between levels, an unknown criterion or a negative score is a ValueError."""
    with pytest.raises(ValueError):
        selling.rubric_score(scores)


# --- question detection ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("We print 45 pages a minute.", False),
    ("What slows your team down?", True),
    ("投标那几周最让您头疼的是什么？", True),
    ("", False),
])
def test_is_question_looks_for_a_question_mark(text, expected):
    """A turn is a question when it has '?' or the full-width '？'."""
    assert selling.is_question(text) is expected


def test_question_share_hand_count():
    """Seller turns: 'A?', 'B.', 'C?', 'D.' → 2 of 4 = 0.5; customer: 1 of 1 = 1.0."""
    talk = pd.DataFrame({"speaker": ["seller", "customer", "seller", "seller", "seller"],
                         "text_en": ["A?", "Why?", "B.", "C?", "D."]})
    assert selling.question_share(talk) == 0.5
    assert selling.question_share(talk, speaker="customer") == 1.0


def test_question_share_is_nan_without_turns():
    """No seller turns → nan, not a division error."""
    talk = pd.DataFrame({"speaker": ["customer"], "text_en": ["Hello."]})
    assert math.isnan(selling.question_share(talk))


# --- the role-play dataset -------------------------------------------------------------------

def test_dataset_has_a_scene_for_each_outdated_style_and_a_customer_centred_one(lines):
    """One scene per style, plus the self-centred opening and the SPIN scene (6 scenes)."""
    assert set(lines["style"]) == set(selling.STYLE_KEYS) | {"self-centred", "customer-centred"}
    assert lines.groupby("scene_id")["style"].nunique().eq(1).all()
    assert lines["scene_id"].nunique() == 6


def test_only_chen_shu_and_manager_wang_speak(lines):
    """The role-play of the source: 陈树 (seller) and 王经理 (customer)."""
    pairs = set(zip(lines["speaker"], lines["speaker_name_zh"]))
    assert pairs == {("seller", "陈树"), ("customer", "王经理")}


def test_argumentative_scene_exists_and_ends_with_the_customer_leaving(lines):
    """The source has no dialogue for style 4; ours ends with the customer breaking off."""
    scene = lines[lines["scene_id"] == "argumentative"].sort_values("turn")
    assert len(scene) >= 5
    assert scene["speaker"].iloc[-1] == "customer"


def test_spin_scene_uses_all_four_question_types_in_spin_order(lines):
    """The customer-centred scene's seller turns are S, P, I, I, N: every type, never out of order."""
    scene = lines[(lines["scene_id"] == "customer_centred") & (lines["speaker"] == "seller")]
    order = scene.sort_values("turn")["spin_type"].tolist()
    assert set(order) == set(selling.SPIN_KEYS)
    ranks = [selling.SPIN_KEYS.index(t) for t in order]
    assert ranks == sorted(ranks)


def test_every_spin_seller_turn_is_a_question_in_both_languages(lines):
    """All five SPIN turns end in a question mark in English and Chinese."""
    scene = lines[(lines["scene_id"] == "customer_centred") & (lines["speaker"] == "seller")]
    assert scene["text_en"].map(selling.is_question).all()
    assert scene["text_zh"].map(selling.is_question).all()


def test_product_centred_seller_asks_no_question(lines):
    """The feature dump has a question share of 0; the SPIN scene has 1."""
    shares = {s: selling.question_share(g) for s, g in lines.groupby("scene_id")}
    assert shares["product_centred"] == 0.0
    assert shares["customer_centred"] == 1.0


def test_no_seed_defects_copied(lines):
    """FACTS §18: no '14 cylinders / 16 valves', no '内臵', no MP3 example, no named real rival."""
    text = " ".join(lines["text_en"]) + " ".join(lines["text_zh"])
    for bad in ("14 cylinders", "16 valves", "内臵", "MP3", "吉达", "天音"):
        assert bad not in text


def test_scene_script_formats_both_languages(lines):
    """Chinese lines use the full-width colon and the Chinese names."""
    assert selling.scene_script(lines, "old_friend", "zh").splitlines()[0].startswith("陈树：王经理")
    with pytest.raises(KeyError):
        selling.scene_script(lines, "no_such_scene")
    with pytest.raises(ValueError):
        selling.scene_script(lines, "old_friend", "fr")
