"""Lesson 01's topic functions, checked against the dataset and the fact sheet."""
import pytest

from mktlab import concepts as mc
from mktlab.data import load_dataset


@pytest.fixture(scope="module")
def concepts():
    return load_dataset("marketing_concepts")


def test_textbook_order_runs_from_production_to_relationship(concepts):
    """Seven concepts, production first and relationship marketing last."""
    ordered = concepts.sort_values("order")["concept"].tolist()
    assert len(ordered) == 7
    assert ordered[0] == "production concept" and ordered[-1] == "relationship marketing"


def test_inside_out_concepts_are_the_first_three(concepts):
    """Production, product and selling start from the firm; the rest from customers or society."""
    inside = concepts.loc[concepts["focus"] == "inside-out", "order"].tolist()
    assert sorted(inside) == [1, 2, 3]


def test_facts_that_the_source_texts_get_wrong(concepts):
    """Megamarketing is Kotler 1986 (not global marketing); relationship marketing is Berry 1983."""
    rows = concepts.set_index("concept")
    assert "Kotler (1986)" in rows.loc["megamarketing", "anchor"]
    assert "global" not in rows.loc["megamarketing", "core_idea"].lower()
    assert "Berry (1983)" in rows.loc["relationship marketing", "anchor"]
    assert rows.loc["societal marketing concept", "concept_zh"] == "社会市场营销观念"


def test_concepts_accumulate_rather_than_replace(concepts):
    """Every concept in play in 1960 is still in play in 2000."""
    assert set(mc.concepts_in_play(concepts, 1960)) <= set(mc.concepts_in_play(concepts, 2000))
    assert len(mc.concepts_in_play(concepts, 2000)) == 7


def test_concept_card_finds_chinese_names(concepts):
    """The card for 推销观念 is the selling concept's."""
    assert mc.concept_card(concepts, "推销观念").startswith("**Selling concept**")


def test_timeline_has_a_bar_per_concept_ending_today(concepts):
    """Seven bars, each from its `emerged` year to 2020."""
    fig = mc.timeline_chart(concepts, until=2020)
    bars = fig.axes[0].patches
    assert len(bars) == 7
    assert {round(b.get_x() + b.get_width()) for b in bars} == {2020}
    assert sorted(round(b.get_x()) for b in bars) == sorted(concepts["emerged"])


def test_the_1935_definition_is_quoted_in_its_1935_wording():
    """The 1935 definition directs goods and services "from producers to consumers"; "from producer to
    consumer or user" is the wording of the AMA's 1960 glossary, so it must not appear in the 1935 row."""
    definitions = load_dataset("marketing_definitions").set_index("year")
    assert definitions.loc[1935, "definition"].endswith("from producers to consumers.")
    assert "or user" not in definitions.loc[1935, "definition"]
