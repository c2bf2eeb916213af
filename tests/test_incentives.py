"""Tests for mktlab.incentives: the two bonus schemes, hand-calculated, and the constructed agents table."""

import pandas as pd
import pytest
from matplotlib.figure import Figure

from mktlab import incentives as inc


@pytest.fixture
def two_agents():
    """A hunter who writes ¥1,000,000 with 60 % retention and a keeper who writes ¥800,000 with 90 %."""
    return pd.DataFrame({"agent_id": ["H", "K"], "work_style": ["hunter", "keeper"],
                         "new_premium": [600_000, 200_000], "renewal_premium": [400_000, 600_000],
                         "policies_due": [200, 250], "retention_rate": [0.6, 0.9]})


# --- the four changes ---------------------------------------------------------------------

def test_four_changes_in_source_order():
    """Organisation by customer group, agents to account managers, retention in targets, service content."""
    shift = inc.relationship_shift()
    assert shift["change"].tolist() == ["organisation structure", "role of the salesperson",
                                        "sales appraisal", "service content"]
    assert "客户经理" in shift.loc[1, "relational"]


# --- hand calculations ---------------------------------------------------------------------

def test_volume_bonus_is_rate_times_all_premium(two_agents):
    """5 % of ¥1,000,000 = 50,000; 5 % of ¥800,000 = 40,000."""
    assert inc.volume_bonus(two_agents).tolist() == [50_000.0, 40_000.0]


def test_volume_bonus_ignores_where_the_premium_comes_from(two_agents):
    """Moving ¥100,000 from renewals to new business leaves the volume bonus unchanged."""
    moved = two_agents.assign(new_premium=two_agents["new_premium"] + 100_000,
                              renewal_premium=two_agents["renewal_premium"] - 100_000)
    pd.testing.assert_series_equal(inc.volume_bonus(moved), inc.volume_bonus(two_agents))


@pytest.mark.parametrize("retention, weight, target, expected", [
    (0.75, 0.5, 0.75, 1.0),     # on target
    (0.60, 0.5, 0.75, 0.9),     # 0.5 + 0.5 × 0.8
    (0.90, 0.5, 0.75, 1.1),     # 0.5 + 0.5 × 1.2
    (0.30, 0.0, 0.75, 1.0),     # weight 0 is the volume scheme
    (0.60, 1.0, 0.80, 0.75),    # all on retention: 0.6 / 0.8
])
def test_retention_multiplier_hand_values(retention, weight, target, expected):
    """multiplier = (1 − weight) + weight × retention / target."""
    assert inc.retention_multiplier(retention, weight, target) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("weight, target", [(-0.1, 0.75), (1.1, 0.75), (0.5, 0)])
def test_retention_multiplier_refuses_impossible_settings(weight, target):
    """A weight outside 0–1 or a non-positive target is a ValueError."""
    with pytest.raises(ValueError):
        inc.retention_multiplier(0.7, weight, target)


def test_budget_neutral_target_is_premium_weighted_retention(two_agents):
    """(1,000,000 × 0.6 + 800,000 × 0.9) / 1,800,000 = 1,320,000 / 1,800,000 = 0.7333…"""
    assert inc.budget_neutral_target(two_agents) == pytest.approx(1_320_000 / 1_800_000)


def test_retention_weighted_bonus_hand_values(two_agents):
    """Target 0.75, weight 0.5: H = 50,000 × 0.9 = 45,000; K = 40,000 × 1.1 = 44,000."""
    bonus = inc.retention_weighted_bonus(two_agents, rate=0.05, weight=0.5, target=0.75)
    assert bonus.tolist() == pytest.approx([45_000, 44_000])


def test_default_target_makes_both_schemes_cost_the_same(two_agents, agents):
    """At the budget-neutral target the totals are equal (to the cent), for any weight."""
    for table in (two_agents, agents):
        for weight in (0.2, 0.5, 1.0):
            assert inc.retention_weighted_bonus(table, weight=weight).sum() == pytest.approx(
                inc.volume_bonus(table).sum(), abs=0.01)


def test_budget_neutral_scheme_moves_money_from_low_to_high_retention(two_agents):
    """Same total (90,000): the hunter (60 %) loses and the keeper (90 %) gains."""
    table = inc.compare_schemes(two_agents)
    assert table.set_index("agent_id")["change"].gt(0).to_dict() == {"H": False, "K": True}
    assert table["change"].sum() == pytest.approx(0, abs=1e-6)


def test_marginal_bonus_hand_calculation(two_agents):
    """Hunter H, target 0.75, weight 0.5, policy ¥3,000:
    volume: 150 for either action; retention-weighted: new = 150 × 0.9 = 135;
    renewal = 0.05 × (1,003,000 × (0.5 + 0.5 × 0.605 / 0.75) − 1,000,000 × 0.9)
            = 0.05 × (906,043.33 − 900,000) = 302.17."""
    table = inc.marginal_bonus(two_agents, "H", premium=3000, target=0.75)
    assert table["volume scheme"].tolist() == [150.0, 150.0]
    assert table["retention-weighted scheme"].tolist() == pytest.approx([135.0, 302.17])


def test_marginal_bonus_unknown_agent_is_a_key_error(two_agents):
    with pytest.raises(KeyError):
        inc.marginal_bonus(two_agents, "Z")


def test_functions_do_not_change_the_table(two_agents):
    """Pure functions: the input table is the same afterwards."""
    before = two_agents.copy()
    inc.compare_schemes(two_agents)
    inc.marginal_bonus(two_agents, "K")
    pd.testing.assert_frame_equal(two_agents, before)


# --- the constructed dataset ------------------------------------------------------------------

def test_dataset_columns_and_consistency(agents):
    """36 agents, 12 per work style; renewals ≤ policies due; rates match their counts."""
    assert len(agents) == 36
    assert agents["work_style"].value_counts().to_dict() == {"hunter": 12, "balanced": 12, "keeper": 12}
    assert agents["agent_id"].is_unique
    assert (agents["renewals"] <= agents["policies_due"]).all()
    assert (agents["claims_followed_up"] <= agents["claims_reported"]).all()
    assert (agents["retention_rate"] - agents["renewals"] / agents["policies_due"]).abs().max() <= 0.0005
    assert ((agents["claims_followup_rate"] - agents["claims_followed_up"] / agents["claims_reported"])
            .abs().max() <= 0.0005)


def test_hunters_lead_on_volume_and_keepers_on_the_retention_weighted_scheme(agents):
    """The case's point: the ranking of work styles flips when retention carries weight."""
    table = inc.compare_schemes(agents)
    means = table.groupby("work_style")[["volume_bonus", "retention_bonus"]].mean()
    assert means["volume_bonus"].idxmax() == "hunter"
    assert means["retention_bonus"].idxmax() == "keeper"
    assert means["retention_bonus"].idxmin() == "hunter"


def test_a_renewal_pays_more_than_a_new_policy_only_under_the_retention_weighted_scheme(agents):
    """For every agent: volume pays the same for both actions; retention-weighted pays more for keeping."""
    for agent_id in agents["agent_id"]:
        table = inc.marginal_bonus(agents, agent_id)
        assert table.loc["one more new policy", "volume scheme"] == table.loc["one more renewal", "volume scheme"]
        assert (table.loc["one more renewal", "retention-weighted scheme"]
                > table.loc["one more new policy", "retention-weighted scheme"])


def test_claims_follow_up_and_retention_are_positively_related_by_construction(agents):
    """The build script makes retention rise with claims follow-up; the sample correlation is > 0.5."""
    assert agents["retention_rate"].corr(agents["claims_followup_rate"]) > 0.5


# --- chart ------------------------------------------------------------------------------------

def test_scheme_chart_returns_a_figure_with_two_panels_and_six_bars(agents):
    """Left: change vs retention, one point per agent (36); right: 3 styles × 2 schemes = 6 bars."""
    fig = inc.scheme_chart(agents)
    assert isinstance(fig, Figure)
    left, right = fig.axes
    assert sum(len(c.get_offsets()) for c in left.collections if hasattr(c, "get_offsets")) == 36
    assert len(right.patches) == 6


# --- widget -----------------------------------------------------------------------------------

def test_bonus_explorer_has_a_weight_slider_and_a_target_dropdown(agents):
    """The widget wires two controls to scheme_chart; it starts at weight 0.5 and the budget-neutral target."""
    from mktlab.widgets.incentives import bonus_explorer

    explorer = bonus_explorer(agents)
    weight, target = explorer.children[:2]
    assert (weight.description, weight.value) == ("Weight", 0.5)
    assert target.description == "Target" and target.value.startswith("same total cost")
