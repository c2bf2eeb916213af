"""Tests for mktlab.relationship_levels: bonds, Kotler's levels and matrix, market share and share of wallet."""
import pandas as pd
import pytest

from mktlab import relationship_levels as rl
from mktlab.data import load_dataset


def test_three_bond_levels_in_order_of_durability():
    """Berry & Parasuraman (1991): financial < social < structural, durability low < medium < high."""
    bonds = rl.bond_levels()
    assert bonds["bond"].tolist() == ["financial", "social", "structural"]
    assert bonds["durability"].tolist() == ["low", "medium", "high"]
    assert bonds["bond_zh"].tolist() == ["财务纽带", "社交纽带", "结构纽带"]


def test_kotler_five_levels_order():
    """Kotler: basic → reactive → accountable → proactive → partnership."""
    assert rl.kotler_levels()["level"].tolist() == ["basic", "reactive", "accountable", "proactive", "partnership"]


@pytest.mark.parametrize("customers, margin, level", [
    ("many", "high", "accountable"), ("many", "medium", "reactive"), ("many", "low", "basic or reactive"),
    ("medium", "high", "proactive"), ("medium", "medium", "accountable"), ("medium", "low", "reactive"),
    ("few", "high", "partnership"), ("few", "medium", "proactive"), ("few", "low", "accountable"),
])
def test_every_matrix_cell(customers, margin, level):
    """Each of the nine cells as in FACTS §8 (textbook reproduction of Kotler's matrix)."""
    assert rl.suggested_relationship_level(customers, margin) == level
    assert rl.relationship_level_matrix().loc[customers, margin] == level


def test_matrix_level_never_falls_with_fewer_customers_or_higher_margin():
    """Theory: investment in a relationship should rise as customers get fewer and margins higher."""
    order = rl.kotler_levels()["level"].tolist()
    rank = {lvl: order.index(lvl.split(" or ")[0]) for lvl in rl.relationship_level_matrix().stack()}
    m = rl.relationship_level_matrix().map(lambda lvl: rank[lvl])
    assert (m.diff(axis=0).iloc[1:] >= 0).all().all()            # many → medium → few
    assert (m.diff(axis=1).iloc[:, 1:] <= 0).all().all()         # high → medium → low margin


def test_only_the_partnership_corner_is_sourced():
    """Only (few, high) rests on Kotler's own 1993 statement; the other 8 cells are textbook convention."""
    bases = {(c, m): rl.matrix_cell_basis(c, m) for c in rl.CUSTOMER_COUNTS for m in rl.MARGINS}
    convention = [cell for cell, basis in bases.items() if basis.startswith("textbook convention")]
    assert len(convention) == 8
    assert "Kotler (1993)" in bases[("few", "high")]


def test_matrix_rejects_unknown_labels():
    """An unknown label raises ValueError naming the allowed ones."""
    with pytest.raises(ValueError, match="many, medium, few"):
        rl.suggested_relationship_level("thousands", "high")
    with pytest.raises(ValueError, match="high, medium, low"):
        rl.suggested_relationship_level("few", "huge")


def test_matrix_chart_highlights_one_cell():
    """The chosen cell gets the thick red edge; 8 of the 9 cells are hatched as convention."""
    fig = rl.relationship_matrix_chart("medium", "low")
    patches = fig.axes[0].patches
    assert sum(p.get_linewidth() == 4 for p in patches) == 1
    assert sum(bool(p.get_hatch()) for p in patches) == 8


def test_share_of_wallet_hand_worked():
    """FACTS §11: ¥3,000 with us out of ¥12,000 on the category → 25%."""
    assert rl.share_of_wallet(3000, 12000) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        rl.share_of_wallet(500, 400)


def test_market_share_hand_worked():
    """¥30m of a ¥120m market → 25%."""
    assert rl.market_share(30, 120) == pytest.approx(0.25)


def _toy():
    # customer 1: A 30, B 10; customer 2: A 20; customer 3: B 40  (total 100)
    return pd.DataFrame({"customer_id": [1, 1, 2, 3], "seller": ["A", "B", "A", "B"],
                         "amount_yuan": [30, 10, 20, 40]})


def test_share_comparison_hand_worked():
    """Toy data: market shares A 50/100, B 50/100; SOW A = (0.75 + 1)/2 = 0.875, B = (0.25 + 1)/2 = 0.625;
    penetration 2 of 3 customers for each."""
    table = rl.share_comparison(_toy())
    assert table.loc["A"].tolist() == pytest.approx([0.5, 2 / 3, 0.875])
    assert table.loc["B"].tolist() == pytest.approx([0.5, 2 / 3, 0.625])


def test_share_of_wallet_rows_add_to_one():
    """Each customer's shares across sellers add up to 1 (on the constructed coffee data)."""
    table = rl.share_of_wallet_table(load_dataset("levels_category_purchases"))
    assert len(table) == 400
    assert table.sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_coffee_data_market_share_differs_from_share_of_wallet():
    """The constructed data show the lesson's point: the chain leads on market share, the roastery on
    share of wallet, and market shares add up to 1."""
    table = rl.share_comparison(load_dataset("levels_category_purchases"))
    assert table["market_share"].sum() == pytest.approx(1.0)
    assert table["market_share"].idxmax() == "Chain Cafe"
    assert table["share_of_wallet"].idxmax() == "Corner Roastery"
    assert table["market_share"].idxmin() == "Corner Roastery"


def test_spend_concentration_hand_worked():
    """Spend 50, 30, 10, 5, 5: the top 20% (one customer) holds 50/100 = 0.5; the top 40% holds 0.8."""
    assert rl.spend_concentration([5, 30, 50, 10, 5], top=0.2) == pytest.approx(0.5)
    assert rl.spend_concentration([5, 30, 50, 10, 5], top=0.4) == pytest.approx(0.8)


def test_cdnow_top_decile_holds_about_half_of_revenue():
    """CDNOW: the top 236 of 2,357 customers (10%) bought 50.8% of the dollar value."""
    spend = load_dataset("cdnow_purchases").groupby("customer_id")["dollar_value"].sum()
    assert rl.spend_concentration(spend, top=0.1) == pytest.approx(0.5081, abs=1e-4)


def test_value_tiers_sizes():
    """10 / 40 / 50 per cent of 2,357 customers: cumulative 235.7 → 236 and 1,178.5 → 1,179 (halves up),
    so 236 / 943 / 1,178 customers."""
    spend = load_dataset("cdnow_purchases").groupby("customer_id")["dollar_value"].sum()
    counts = rl.customer_value_tiers(spend).value_counts()
    assert counts.to_dict() == {"base": 1178, "middle": 943, "top": 236}


def test_reference_tables():
    """IDIC has 4 ordered steps; 6I has six words; the satisfaction model ends in overall satisfaction."""
    assert rl.idic_steps()["step"].tolist() == ["identify", "differentiate", "interact", "customize"]
    assert len(rl.six_i()) == 6
    model = rl.satisfaction_model()
    assert model.sort_values("stage")["construct"].iloc[-1] == "overall satisfaction"
    assert model["stage"].value_counts().sort_index().tolist() == [3, 2, 2, 1]
