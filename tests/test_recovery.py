"""Tests for mktlab.recovery: the transparent model of the hotel complaint role-play."""
import pytest

from mktlab import recovery
from mktlab.loyalty import customer_lifetime_value

GOOD = ("listen_apologise", "honest", "remove_dish", "dessert")


def test_one_path_hand_worked():
    """Listen, honest, remove the ¥180 dish, dessert (¥80 menu, 35% food cost).

    satisfaction = 2.5 + 1.5 + 1.0 + 1.0 + 0.5 = 6.5 (below the ceiling 7, no manager: 260 ≤ 500)
    chance of return = 0.05 + 0.85 × 0.65 = 0.6025
    cost today = 180 + 0.35 × 80 = 208
    yearly margin = 2,500 × 6 × 0.30 = 4,500
    CLV now = 4,500 × 0.6025 / (1.10 − 0.6025) = 2,711.25 / 0.4975 = 5,449.7487
    CLV without the failure (satisfaction 7, return 0.645) = 2,902.5 / 0.455 = 6,379.1209
    CLV change = −929.3721; net value = −929.3721 − 208 = −1,137.3721
    """
    out = recovery.recovery_outcome(*GOOD)
    assert out["satisfaction"] == pytest.approx(6.5)
    assert out["chance_of_return"] == pytest.approx(0.6025)
    assert out["cost_today"] == pytest.approx(208.0)
    assert out["clv_change"] == pytest.approx(2711.25 / 0.4975 - 2902.5 / 0.455)
    assert out["clv_change"] == pytest.approx(-929.3721, abs=1e-4)
    assert out["net_value"] == pytest.approx(-1137.3721, abs=1e-4)
    assert out["needs_manager"] is False
    assert out["concession"] == pytest.approx(260.0)


def test_escalation_path_hand_worked():
    """Remove the dish and 15% off the rest: concession 180 + 348 + 300 (voucher) = 828 > 500 → manager.

    satisfaction = 2.5 + 1.5 + 1.0 + 1.5 + 1.0 − 0.5 (waiting) = 7.0, return 0.645, CLV change 0;
    cost = 528 + 300 × 0.645 + 50 = 771.5.
    """
    out = recovery.recovery_outcome("listen_apologise", "honest", "remove_dish_and_discount", "voucher")
    assert out["needs_manager"] is True
    assert out["satisfaction"] == pytest.approx(7.0)
    assert out["cost_today"] == pytest.approx(771.5)
    assert out["clv_change"] == pytest.approx(0.0)


def test_clv_comes_from_the_loyalty_module():
    """The model's CLV is m·r/(1+d−r) from mktlab.loyalty with m = 4,500 and d = 0.10."""
    out = recovery.recovery_outcome(*GOOD)
    expected = (customer_lifetime_value(4500, 0.6025, 0.10, timing="end")
                - customer_lifetime_value(4500, 0.645, 0.10, timing="end"))
    assert out["clv_change"] == pytest.approx(expected)


def test_invented_excuse_counts_its_expected_effect():
    """(1 − 0.3) × 0.5 + 0.3 × (−2.5) = −0.4, worse than an honest explanation's +1.0."""
    table = recovery.satisfaction_breakdown("listen_apologise", "invented_excuse", "remove_dish", "none")
    assert table.loc[2, "points"] == pytest.approx(-0.4)
    honest = recovery.recovery_outcome("listen_apologise", "honest", "remove_dish", "none")
    excuse = recovery.recovery_outcome("listen_apologise", "invented_excuse", "remove_dish", "none")
    assert honest["net_value"] > excuse["net_value"]


def test_satisfaction_is_capped_at_the_no_failure_level_by_default():
    """Waive all + voucher sums to 7.5 but is capped at 7.0 with paradox_headroom = 0."""
    out = recovery.recovery_outcome("listen_apologise", "honest", "waive_all", "voucher")
    assert out["satisfaction"] == pytest.approx(7.0)
    allowed = recovery.recovery_outcome("listen_apologise", "honest", "waive_all", "voucher",
                                        assumptions={"paradox_headroom": 1.0})
    assert allowed["satisfaction"] == pytest.approx(7.5)
    assert allowed["clv_change"] > 0


def test_satisfaction_never_below_zero():
    out = recovery.recovery_outcome("defend", "invented_excuse", "charge_full", "none",
                                    assumptions={"satisfaction_after_failure": 0.0})
    assert out["satisfaction"] == 0.0
    assert out["chance_of_return"] == pytest.approx(0.05)


def test_best_path_under_default_assumptions_is_not_a_full_waiver():
    """Best: listen, honest, remove the dish, voucher; net −373.5 = −(180 + 300 × 0.645)."""
    best = recovery.best_path()
    assert [best[s] for s in recovery.STEPS] == ["listen_apologise", "honest", "remove_dish", "voucher"]
    assert best["net_value"] == pytest.approx(-373.5)
    waive = recovery.best_path(bill="waive_all")
    assert waive["net_value"] < best["net_value"] - 2000


def test_all_paths_has_every_combination_sorted_by_net_value():
    paths = recovery.all_paths()
    assert len(paths) == 3 * 3 * 4 * 3
    assert not paths.duplicated(list(recovery.STEPS)).any()
    assert paths["net_value"].is_monotonic_decreasing


def test_raising_the_authority_limit_removes_the_wait():
    """With authority ¥1,000 the 828 concession needs no manager: satisfaction 7.5 → capped 7, cost −50."""
    path = ("listen_apologise", "honest", "remove_dish_and_discount", "voucher")
    out = recovery.recovery_outcome(*path, assumptions={"authority_limit": 1000})
    assert out["needs_manager"] is False
    assert out["cost_today"] == pytest.approx(721.5)


def test_break_even_gesture_hand_worked():
    """Voucher on listen/honest/remove: CLV 6,379.12 (sat. 7) − 4,666.67 (sat. 6, r = 0.56) = 1,712.45."""
    value = recovery.break_even_gesture("listen_apologise", "honest", "remove_dish", "voucher")
    assert value == pytest.approx(2902.5 / 0.455 - 4500 * 0.56 / 0.54)
    assert recovery.break_even_gesture("listen_apologise", "honest", "remove_dish", "none") == 0.0


def test_changed_assumption_table_is_used():
    table = recovery.default_assumptions()
    table.loc["late_dish_price", "value"] = 300
    assert recovery.bill_reduction("remove_dish", table) == 300
    assert recovery.default_assumptions().loc["late_dish_price", "value"] == 180  # defaults untouched


def test_assumption_table_documents_every_number():
    table = recovery.default_assumptions()
    assert list(table.columns) == ["group", "value", "unit", "meaning"]
    assert table["meaning"].str.len().min() > 5
    for step, options in recovery.STEPS.items():
        for option in options:
            if option != "invented_excuse":
                assert f"{step}.{option}" in table.index


def test_unknown_assumption_and_option_are_refused():
    with pytest.raises(KeyError, match="unknown assumption"):
        recovery.recovery_outcome(*GOOD, assumptions={"tip": 10})
    with pytest.raises(ValueError, match="not an option for bill"):
        recovery.recovery_outcome("listen_apologise", "honest", "half_price", "none")
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        recovery.recovery_outcome(*GOOD, assumptions={"excuse_detect_chance": 1.5})


def test_every_option_has_a_label_a_chinese_label_and_a_reaction():
    for options in recovery.STEPS.values():
        for label, label_zh, reaction in options.values():
            assert label and reaction and any("\u4e00" <= ch <= "\u9fff" for ch in label_zh)


def test_role_play_widget_reaches_an_outcome():
    """Choosing one option per step shows the outcome table (no browser needed)."""
    from mktlab.widgets.recovery import role_play

    game = role_play()
    for step, option in zip(recovery.STEPS, GOOD):
        game.choose(step, option)
    assert "net value" in game.summary.value.lower()
    assert "-1,137" in game.summary.value
