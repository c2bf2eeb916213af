"""Tests for mktlab.relationship_marketing: the data tables, the fit checklist and the ten-year simulation.

The simulation tests use cases worked out by hand: zero budget, retention 0, retention 1 and no
discounting.  Defaults: revenue ¥1,000 per customer-year, margin 30 %, 1,000 customers at the start.
"""
import pytest

from mktlab import relationship_marketing as rm
from mktlab.data import load_dataset


# --- the data tables --------------------------------------------------------------------------

def test_comparison_covers_the_dimensions_the_lesson_teaches():
    """FACTS §5: focus, time scale, customer service, commitment, quality, buyer role and value, among others."""
    table = load_dataset("rm_comparison").set_index("dimension")
    for dimension in ["focus", "time scale", "customer service", "customer commitment", "quality",
                      "buyer role", "value"]:
        assert dimension in table.index
    assert table.loc["focus", "relationship"] == "keeping the customer"
    assert table.loc["quality", "relationship"] == "the concern of all staff"
    assert table.notna().all().all()


def test_six_markets_are_christopher_payne_ballantyne_with_referral_not_intermediaries():
    """FACTS §1 #6: customer, referral, supplier & alliance, recruitment, influence, internal; no competitors
    and no 'intermediary market'; referral sources include accountants and advocate customers."""
    markets = load_dataset("rm_six_markets").set_index("market")
    assert markets.index.tolist() == ["customer markets", "referral markets", "supplier and alliance markets",
                                      "recruitment markets", "influence markets", "internal markets"]
    assert markets.loc["referral markets", "market_zh"] == "推荐者市场"
    assert "accountants" in markets.loc["referral markets", "who"]
    assert "advocate customers" in markets.loc["referral markets", "who"]
    assert not markets.index.str.contains("competitor|intermediar").any()


def test_morgan_hunt_ten_forms_in_four_partnership_groups():
    """Morgan & Hunt (1994): 2 supplier, 3 lateral (competitors, non-profits, government), 2 buyer, 3 internal."""
    forms = load_dataset("rm_relational_exchanges")
    assert forms["number"].tolist() == list(range(1, 11))
    assert forms["partnership"].value_counts().to_dict() == {"lateral": 3, "internal": 3, "supplier": 2, "buyer": 2}
    lateral = forms.loc[forms["partnership"] == "lateral", "partner"].tolist()
    assert lateral == ["competitors", "non-profit organisations", "government"]


# --- when relationship marketing fits ----------------------------------------------------------

def test_fit_score_extremes():
    """All five signs present gives 5; none gives 0."""
    assert rm.relationship_fit_score(2_000_000, 50, 5, 4, True) == 5
    assert rm.relationship_fit_score(80, 1, 1, 1, False) == 0


def test_fit_score_thresholds_are_inclusive():
    """Exactly ¥10,000, 4 purchases, switching 4 and customisation 3 each count as a sign: 4 + continuity 0."""
    assert rm.relationship_fit_score(10_000, 4, 4, 3, False) == 4
    assert rm.relationship_fit_score(9_999, 3, 3, 2, False) == 0


def test_fit_scores_of_the_business_cases():
    """Hand count per case: industrial supplier, private bank, ERP vendor 5; cleaning 4; hotel 3;
    wedding photographer and mobile carrier 2; bottled water 1; petrol station and souvenir stall 0."""
    cases = load_dataset("rm_business_cases").set_index("case")
    scores = rm.relationship_fit_score(**{column: cases[column] for column in rm.FIT_RULES})
    assert scores.to_dict() == {
        "industrial fastener supplier": 5, "bottled-water brand": 1, "private bank": 5,
        "highway petrol station": 0, "ERP software vendor": 5, "tourist souvenir stall": 0,
        "business hotel": 3, "wedding photographer": 2, "office-cleaning contractor": 4,
        "mobile phone carrier": 2}


# --- the simulation: hand-worked cases -----------------------------------------------------------

def test_zero_budget_the_base_decays_geometrically():
    """No budget, retention 0.8, no discounting: customers 800, 640, 512; profit = 0.3 × ¥1,000 × customers,
    so 240,000, 192,000, 153,600 and a cumulative 585,600."""
    sim = rm.simulate_strategy(0.8, budget=0, acquisition_cost=250, discount_rate=0, years=3)
    assert sim["customers"].tolist() == pytest.approx([800, 640, 512])
    assert sim["new_customers"].tolist() == [0, 0, 0]
    assert sim["profit"].tolist() == pytest.approx([240_000, 192_000, 153_600])
    assert sim["cumulative_discounted_profit"].iloc[-1] == pytest.approx(585_600)


def test_retention_zero_the_base_is_just_this_years_new_customers():
    """Retention 0: 100,000 / 250 = 400 customers every year; profit 0.3 × 400,000 − 100,000 = 20,000;
    discounted at 10 %: 20,000/1.1 + 20,000/1.21 = 34,710.74 after two years."""
    sim = rm.simulate_strategy(0.0, budget=100_000, acquisition_cost=250, years=2)
    assert sim["customers"].tolist() == [400, 400]
    assert sim["profit"].tolist() == pytest.approx([20_000, 20_000])
    assert sim["cumulative_discounted_profit"].iloc[-1] == pytest.approx(34_710.7438, abs=1e-3)


def test_retention_one_the_base_grows_linearly():
    """Retention 1: customers = 1,000 + 400 t; profit = 300 × customers − 100,000 = 200,000 + 120,000 t."""
    sim = rm.simulate_strategy(1.0, budget=100_000, acquisition_cost=250, years=10)
    t = sim.index.to_numpy()
    assert sim["customers"].to_numpy() == pytest.approx(1000 + 400 * t)
    assert sim["profit"].to_numpy() == pytest.approx(200_000 + 120_000 * t)


def test_no_discounting_cumulative_profit_is_the_plain_sum():
    """Retention 0.5, 400 new a year: customers 900, 850, 825; profits 170,000 + 155,000 + 147,500 = 472,500."""
    sim = rm.simulate_strategy(0.5, budget=100_000, acquisition_cost=250, discount_rate=0, years=3)
    assert sim["customers"].tolist() == pytest.approx([900, 850, 825])
    assert (sim["discounted_profit"] == sim["profit"]).all()
    assert sim["cumulative_discounted_profit"].tolist() == pytest.approx([170_000, 325_000, 472_500])


def test_discounting_divides_by_one_plus_rate_to_the_year():
    """Year t's profit is divided by 1.1 ** t: 170,000/1.1 = 154,545.45; 155,000/1.21 = 128,099.17."""
    sim = rm.simulate_strategy(0.5, budget=100_000, acquisition_cost=250, years=2)
    assert sim["discounted_profit"].tolist() == pytest.approx([154_545.4545, 128_099.1736], abs=1e-3)


def test_revenue_and_spend_columns():
    """Revenue = customers × ¥1,000 and the whole budget is spent every year, whatever its split."""
    sim = rm.simulate_strategy(0.7, budget=50_000, acquisition_cost=500, acquisition_share=0.4, years=4)
    assert (sim["revenue"] == sim["customers"] * 1000).all()
    assert (sim["marketing_spend"] == 50_000).all()
    assert (sim["new_customers"] == 40).all()                 # 0.4 × 50,000 / 500
    assert sim.index.tolist() == [1, 2, 3, 4] and sim.index.name == "year"


def test_steady_state_is_new_over_one_minus_retention():
    """Starting at 100 / (1 − 0.9) = 1,000 customers, the base stays at 1,000."""
    sim = rm.simulate_strategy(0.9, budget=100_000, acquisition_cost=250, acquisition_share=0.25)
    assert sim["customers"].to_numpy() == pytest.approx(1000)


@pytest.mark.parametrize("kwargs", [dict(retention_rate=1.2), dict(retention_rate=-0.1),
                                    dict(retention_rate=0.5, acquisition_share=1.5),
                                    dict(retention_rate=0.5, acquisition_cost=0)])
def test_impossible_inputs_are_value_errors(kwargs):
    """Retention and the acquisition share are shares (0 to 1); a customer cannot cost nothing."""
    args = dict(budget=100_000, acquisition_cost=250) | kwargs
    with pytest.raises(ValueError):
        rm.simulate_strategy(**args)


# --- comparing the strategies -----------------------------------------------------------------------

def _gap(relationship_retention):
    both = rm.compare_strategies(relationship_retention)
    last = both[both["year"] == 10].set_index("strategy")["cumulative_discounted_profit"]
    return last["relationship"] - last["transaction"]


def test_compare_strategies_same_budget_different_split():
    """Both spend ¥100,000 a year; transaction buys 400 customers a year, relationship 0.25 × 400 = 100."""
    both = rm.compare_strategies(0.8)
    assert both["strategy"].unique().tolist() == ["transaction", "relationship"]
    assert both.groupby("strategy")["marketing_spend"].sum().to_dict() == {"relationship": 1_000_000,
                                                                          "transaction": 1_000_000}
    new = both.groupby("strategy")["new_customers"].first()
    assert new["transaction"] == 400 and new["relationship"] == 100


def test_relationship_with_transaction_retention_loses():
    """With the same retention (0.5) but fewer new customers, the relationship strategy must earn less."""
    assert _gap(0.5) < 0


def test_gap_rises_with_retention_and_crosses_zero_between_84_and_85_percent():
    """Customers, and so profit, rise with retention in every year, so the gap is increasing; with the
    lesson's defaults it changes sign between 0.84 and 0.85 (the lesson's answer is 0.847)."""
    gaps = [_gap(r / 100) for r in range(50, 101, 5)]
    assert all(a < b for a, b in zip(gaps, gaps[1:]))
    assert _gap(0.84) < 0 < _gap(0.85)
    assert _gap(0.846) < 0 < _gap(0.847)


def test_strategy_chart_has_both_strategies_on_both_panels():
    """Two panels (customers, cumulative discounted profit), each with a line per strategy."""
    fig = rm.strategy_chart(rm.compare_strategies(0.9))
    assert len(fig.axes) == 2
    for ax in fig.axes:
        labels = ax.get_legend_handles_labels()[1]
        assert len(labels) == 2 and labels[0].startswith("transaction") and labels[1].startswith("relationship")


def test_crossover_widget_builds_a_slider(capsys):
    """The widget is a slider from 0.50 to 1.00 for the relationship retention rate."""
    import ipywidgets as widgets
    from mktlab.widgets.relationship_marketing import crossover_explorer

    box = crossover_explorer()
    slider = box.children[0]
    assert isinstance(slider, widgets.FloatSlider)
    assert (slider.min, slider.max) == (0.5, 1.0)
