"""Tests for mktlab.mix: the marketing-mix frameworks as data, the 4P→4C reading and delivered value."""
import pandas as pd
import pytest

from mktlab import mix
from mktlab.data import load_dataset


@pytest.fixture(scope="module")
def frameworks():
    return load_dataset("mix_frameworks")


@pytest.fixture(scope="module")
def elements():
    return load_dataset("mix_elements")


@pytest.fixture(scope="module")
def p_to_c():
    return load_dataset("mix_p_to_c")


# --- the frameworks as data -------------------------------------------------------------------

def test_originators_and_years_match_the_fact_sheet(frameworks):
    """FACTS §3: Borden 1953, McCarthy 1960, Booms & Bitner 1981, Kotler 1986, Lauterborn 1990, CPB 1991,
    Ettenberg 2002; the Schultz 4R is only attributed, and the 4V has no verified year."""
    table = frameworks.set_index("framework")
    expected = {"Borden": ("Borden", 1953), "4P": ("McCarthy", 1960), "7P": ("Booms", 1981),
                "6P": ("Kotler", 1986), "4C": ("Lauterborn", 1990), "RM mix": ("Payne", 1991),
                "4R-Ettenberg": ("Ettenberg", 2002)}
    for key, (name, year) in expected.items():
        assert name in table.loc[key, "originator"]
        assert table.loc[key, "year"] == year
        assert table.loc[key, "year_status"] == "verified"
    assert table.loc["4R-Schultz", "year_status"] == "unverified"
    assert "attributed" in table.loc["4R-Schultz", "originator"]
    assert pd.isna(table.loc["4V", "year"]) and table.loc["4V", "year_status"] == "unverified"
    assert "Chinese" in table.loc["4V", "publication"]


def test_megamarketing_is_not_described_as_global_marketing(frameworks):
    """FACTS §1 #4: megamarketing opens blocked markets; the note says it is *not* global marketing."""
    note = frameworks.set_index("framework").loc["6P", "note"]
    assert "blocked or protected" in note and "not 'global marketing'" in note


def test_every_element_has_english_chinese_and_a_meaning(elements, frameworks):
    """Each element row is complete, and every framework in the elements table is described."""
    assert elements[["framework", "position", "element", "element_zh", "meaning"]].notna().all().all()
    assert set(elements["framework"]) == set(frameworks["framework"])
    assert not elements.duplicated(["framework", "element"]).any()


@pytest.mark.parametrize("framework, size", [("Borden", 12), ("4P", 4), ("6P", 6), ("7P", 7), ("RM mix", 7),
                                             ("4C", 4), ("4R-Schultz", 4), ("4R-Ettenberg", 4), ("4V", 4)])
def test_framework_sizes(elements, framework, size):
    """Borden listed 12 ingredients; 4P + 2 = 6P; 4P + 3 = 7P and the RM mix; the others have four."""
    assert len(mix.elements_of(elements, framework)) == size


def test_7p_and_relationship_mix_differ_only_in_physical_evidence_vs_customer_service(elements):
    """FACTS §3: Booms & Bitner add physical evidence; Christopher, Payne & Ballantyne add customer service."""
    seven = set(mix.elements_of(elements, "7P"))
    relationship = set(mix.elements_of(elements, "RM mix"))
    assert seven - relationship == {"physical evidence"}
    assert relationship - seven == {"customer service"}


def test_the_two_four_rs_are_different_lists(elements):
    """Schultz (attributed): relevance, reaction, relationship, reward; Ettenberg: relationships,
    retrenchment, relevancy, rewards."""
    assert mix.elements_of(elements, "4R-Schultz") == ["relevance", "reaction", "relationship", "reward"]
    assert mix.elements_of(elements, "4R-Ettenberg") == ["relationships", "retrenchment", "relevancy", "rewards"]


# --- lookups ----------------------------------------------------------------------------------

@pytest.mark.parametrize("element, expected", [
    ("physical evidence", ["7P"]),
    ("customer service", ["RM mix"]),
    ("political power", ["6P"]),
    ("  PUBLIC   relations ", ["6P"]),
    ("participants", ["7P", "RM mix"]),
    ("processes", ["7P", "RM mix"]),
    ("price", ["4P", "7P", "6P", "RM mix"]),
    ("有形展示", ["7P"]),
    ("便利", ["4C"]),
    ("retrenchment", ["4R-Ettenberg"]),
    ("vibration", ["4V"]),
    ("global marketing", []),
])
def test_framework_of_finds_english_alias_and_chinese_names(elements, element, expected):
    """The lookup is case- and space-blind, knows aliases and Chinese names, and returns [] when absent."""
    assert mix.framework_of(elements, element) == expected


def test_elements_of_unknown_framework_is_a_key_error(elements):
    """There is no framework called 'global marketing'."""
    with pytest.raises(KeyError):
        mix.elements_of(elements, "global marketing")


# --- 4P -> 4C ---------------------------------------------------------------------------------

def test_p_to_c_is_lauterborns_correspondence(p_to_c):
    """Lauterborn (1990): product→consumer wants and needs, price→cost, place→convenience,
    promotion→communication."""
    assert dict(zip(p_to_c["p"], p_to_c["c"])) == {
        "product": "consumer wants and needs", "price": "cost", "place": "convenience",
        "promotion": "communication"}


def test_four_c_reading_keeps_the_plan_and_adds_the_c(p_to_c):
    """Each decision of the plan stays on its P's row, next to the C it is read as; missing Ps are empty."""
    reading = mix.four_c_reading(p_to_c, {"Price": "¥680", "promotion": "member e-mails"})
    assert reading.index.tolist() == ["product", "price", "place", "promotion"]
    assert reading["plan"].tolist() == ["", "¥680", "", "member e-mails"]
    assert reading.loc["price", "c"] == "cost" and reading.loc["price", "c_zh"] == "顾客成本"
    assert reading["customer_question"].str.endswith("?").all()


def test_four_c_reading_refuses_a_key_that_is_not_a_p(p_to_c):
    """'pricing' is not one of McCarthy's four Ps."""
    with pytest.raises(KeyError):
        mix.four_c_reading(p_to_c, {"pricing": "¥680"})


# --- delivered value --------------------------------------------------------------------------

def test_delivered_value_of_numbers_is_value_minus_cost():
    """1,500 − 930 = 570."""
    assert mix.delivered_value(1500, 930) == 570


def test_delivered_value_sums_the_parts():
    """(900 + 300 + 200 + 100) − (680 + 120 + 80 + 50) = 1,500 − 930 = 570."""
    value = {"product": 900, "service": 300, "personnel": 200, "image": 100}
    cost = {"monetary": 680, "time": 120, "energy": 80, "psychic": 50}
    assert mix.delivered_value(value, cost) == 570


def test_a_lower_price_can_still_deliver_less_value():
    """Cheaper by ¥200 but ¥300 more time, effort and worry: delivered value falls by 100."""
    value = 1500
    dear = {"monetary": 680, "time": 50, "energy": 50, "psychic": 50}
    cheap = {"monetary": 480, "time": 150, "energy": 150, "psychic": 150}
    assert mix.delivered_value(value, dear) - mix.delivered_value(value, cheap) == 100


def test_delivered_value_refuses_unknown_parts():
    """'price' is not a part of total customer cost (the monetary part is)."""
    with pytest.raises(KeyError):
        mix.delivered_value(1000, {"price": 500})


def test_delivered_value_works_on_pandas_series():
    """Element-wise: [1000, 800] − [600, 900] = [400, −100]."""
    result = mix.delivered_value(pd.Series([1000, 800]), pd.Series([600, 900]))
    assert result.tolist() == [400, -100]


def test_hotel_survey_business_hotel_delivers_more_value_despite_its_price():
    """In the constructed survey the business hotel charges more but its mean delivered value is higher."""
    survey = load_dataset("mix_hotel_value")
    assert len(survey) == 40 and survey["guest"].is_unique
    dv = mix.delivered_value(survey.filter(like="value_").sum(axis=1), survey.filter(like="cost_").sum(axis=1))
    means = dv.groupby(survey["hotel"]).mean()
    prices = survey.groupby("hotel")["cost_monetary"].mean()
    assert prices["Riverside business hotel"] > prices["Station budget inn"]
    assert means["Riverside business hotel"] > means["Station budget inn"]
    assert round(means["Riverside business hotel"], 2) == 454.15
    assert round(means["Station budget inn"], 2) == 80.20


# --- charts and widget ------------------------------------------------------------------------

def test_timeline_has_one_point_per_dated_framework(frameworks):
    """Eight frameworks have a year; the 4V is named in the title instead."""
    fig = mix.framework_timeline(frameworks)
    assert len(fig.axes[0].collections[0].get_offsets()) == 8
    assert "4V" in fig.axes[0].get_title()


def test_delivered_value_chart_bar_heights_are_the_totals():
    """The value bar stacks to 1,500 and the cost bar to 930; the title shows 570."""
    value = {"product": 900, "service": 300, "personnel": 200, "image": 100}
    cost = {"monetary": 680, "time": 120, "energy": 80, "psychic": 50}
    ax = mix.delivered_value_chart(value, cost).axes[0]
    tops = {round(p.get_x() + p.get_width() / 2): 0 for p in ax.patches}
    for p in ax.patches:
        tops[round(p.get_x() + p.get_width() / 2)] += p.get_height()
    assert tops == {0: 1500, 1: 930}
    assert ax.get_title().endswith("570")


def test_mix_widget_builds_with_the_hotel_plan(p_to_c, capsys):
    """The widget shows four text boxes (one per P) and eight sliders (four value, four cost parts)."""
    import ipywidgets as widgets
    from mktlab.widgets.mix import HOTEL_PLAN, mix_to_4c

    box = mix_to_4c(p_to_c)
    texts = [w for w in box.children if isinstance(w, widgets.Textarea)]
    assert [t.value for t in texts] == [HOTEL_PLAN[p] for p in mix.FOUR_P]
    sliders = [s for column in box.children[5].children for s in column.children
               if isinstance(s, widgets.IntSlider)]
    assert len(sliders) == 8
