"""Tests for mktlab.services: SERVQUAL scoring, its input checks and the gap chart."""
import math

import numpy as np
import pandas as pd
import pytest

from mktlab import services
from mktlab.data import load_dataset


def two_guests():
    """Two guests who answered all 22 items; every item in a dimension has the same answers.

    Guest A expects 7 everywhere and perceives tangibles 6, reliability 4,
    responsiveness 5, assurance 6, empathy 5.  Guest B expects 6 everywhere and
    perceives 6, 6, 3, 7, 6.  Hand-worked gaps P − E:

    ========  =====  =====  =====  =====  =====
    guest     tang.  rel.   resp.  assur. emp.
    ========  =====  =====  =====  =====  =====
    A          -1     -3     -2     -1     -2
    B           0      0     -3     +1      0
    ========  =====  =====  =====  =====  =====
    """
    perceived = {"A": (6, 4, 5, 6, 5), "B": (6, 6, 3, 7, 6)}
    expected = {"A": 7, "B": 6}
    rows = {}
    for guest in "AB":
        row = {}
        for k, items in enumerate(services.SERVQUAL_DIMENSIONS.values()):
            for i in items:
                row[f"E{i}"] = expected[guest]
                row[f"P{i}"] = perceived[guest][k]
        rows[guest] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def test_item_map_has_22_items_in_the_published_ranges():
    """Tangibles 1–4, reliability 5–9, responsiveness 10–13, assurance 14–17, empathy 18–22."""
    assert services.SERVQUAL_DIMENSIONS == {
        "tangibles": (1, 2, 3, 4), "reliability": (5, 6, 7, 8, 9), "responsiveness": (10, 11, 12, 13),
        "assurance": (14, 15, 16, 17), "empathy": (18, 19, 20, 21, 22)}
    items = services.servqual_items()
    assert items["item"].tolist() == list(range(1, 23))
    assert [services.item_dimension(i) for i in (1, 4, 5, 9, 10, 13, 14, 17, 18, 22)] == [
        "tangibles", "tangibles", "reliability", "reliability", "responsiveness", "responsiveness",
        "assurance", "assurance", "empathy", "empathy"]


@pytest.mark.parametrize("bad", [0, 23, -1])
def test_item_dimension_rejects_numbers_outside_1_to_22(bad):
    with pytest.raises(ValueError, match="1 to 22"):
        services.item_dimension(bad)


@pytest.mark.parametrize("bad", [2.5, "3", True])
def test_item_dimension_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="whole number"):
        services.item_dimension(bad)


def test_item_gaps_two_guests_hand_worked():
    """Item 5 (reliability): A 4 − 7 = −3, B 6 − 6 = 0; item 10 (responsiveness): A −2, B −3."""
    gaps = services.item_gaps(two_guests())
    assert list(gaps.columns) == list(range(1, 23))
    assert gaps.loc["A", 5] == -3 and gaps.loc["B", 5] == 0
    assert gaps.loc["A", 10] == -2 and gaps.loc["B", 10] == -3
    assert gaps.loc["B", 14] == 1


def test_dimension_gaps_two_guests_hand_worked():
    """The table in two_guests(): A = (−1, −3, −2, −1, −2), B = (0, 0, −3, 1, 0)."""
    dims = services.dimension_gaps(two_guests())
    assert list(dims.columns) == ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
    assert dims.loc["A"].tolist() == [-1, -3, -2, -1, -2]
    assert dims.loc["B"].tolist() == [0, 0, -3, 1, 0]


def test_dimension_gap_is_mean_of_its_items_not_of_all_items():
    """Tangibles from items 1–4 with gaps −1, −2, 0, −1 → mean −1.0; reliability only item 5 → −3."""
    survey = pd.DataFrame({"E1": [7], "P1": [6], "E2": [7], "P2": [5], "E3": [6], "P3": [6],
                           "E4": [5], "P4": [4], "E5": [7], "P5": [4]})
    dims = services.dimension_gaps(survey)
    assert dims.loc[0, "tangibles"] == -1.0
    assert dims.loc[0, "reliability"] == -3.0
    assert list(dims.columns) == ["tangibles", "reliability"]


def test_unweighted_score_two_guests_hand_worked():
    """Mean of the five dimension gaps: A = −9/5 = −1.8, B = −2/5 = −0.4."""
    score = services.servqual_score(two_guests())
    assert score.name == "servqual_unweighted"
    assert score.tolist() == pytest.approx([-1.8, -0.4])


def test_weighted_score_two_guests_hand_worked():
    """Weights 10/30/20/20/20: A = −0.1 − 0.9 − 0.4 − 0.2 − 0.4 = −2.0; B = −0.6 + 0.2 = −0.4."""
    weights = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}
    score = services.servqual_score(two_guests(), weights=weights)
    assert score.name == "servqual_weighted"
    assert score.tolist() == pytest.approx([-2.0, -0.4])


def test_per_guest_weights_are_scaled_to_sum_to_one():
    """A puts all 100 points on reliability (score −3); B's 50/50 on responsiveness and assurance → −1."""
    weights = pd.DataFrame({"weight_tangibles": [0, 0], "weight_reliability": [100, 0],
                            "weight_responsiveness": [0, 50], "weight_assurance": [0, 50],
                            "weight_empathy": [0, 0]}, index=["A", "B"])
    score = services.servqual_score(two_guests(), weights=weights)
    assert score.tolist() == pytest.approx([-3.0, -1.0])


def test_weights_must_cover_every_measured_dimension():
    with pytest.raises(ValueError, match="missing"):
        services.servqual_score(two_guests(), weights={"tangibles": 50, "reliability": 50})


def test_negative_weights_are_refused():
    with pytest.raises(ValueError, match="non-negative"):
        services.importance_weights({"tangibles": -10, "reliability": 110})


@pytest.mark.parametrize("value", [0, 8, 3.5])
def test_answers_off_the_1_to_7_scale_are_refused_with_the_cell_named(value):
    survey = two_guests().astype(float)
    survey.loc["B", "P7"] = value
    with pytest.raises(ValueError, match=r"P7 of row 'B' is .*whole numbers from 1 to 7"):
        services.item_gaps(survey)


def test_item_number_23_is_refused():
    survey = two_guests().assign(E23=5, P23=5)
    with pytest.raises(ValueError, match="'E23'.*1 to 22"):
        services.item_gaps(survey)


def test_mismatched_items_are_refused():
    survey = two_guests().drop(columns="P3")
    with pytest.raises(ValueError, match=r"only E for \[3\]"):
        services.item_gaps(survey)


def test_text_answers_are_refused():
    survey = two_guests().astype({"E2": str})
    with pytest.raises(TypeError, match="'E2' should hold numbers"):
        services.item_gaps(survey)


def test_no_servqual_columns_is_refused():
    with pytest.raises(ValueError, match="no expectation columns"):
        services.item_gaps(pd.DataFrame({"segment": ["business"]}))


def test_missing_answers_stay_missing_and_are_skipped_in_dimension_means():
    """A's item 5 missing: reliability is the mean of items 6–9, still −3; item gap 5 is NaN."""
    survey = two_guests().astype(float)
    survey.loc["A", "P5"] = np.nan
    assert math.isnan(services.item_gaps(survey).loc["A", 5])
    assert services.dimension_gaps(survey).loc["A", "reliability"] == -3


def test_input_survey_is_not_changed():
    survey = two_guests()
    before = survey.copy()
    services.servqual_score(survey, weights={d: 20 for d in services.SERVQUAL_DIMENSIONS})
    pd.testing.assert_frame_equal(survey, before)


def test_gap_chart_draws_one_bar_per_group_and_dimension():
    """Two segments × five dimensions = 10 bars; the widths are the gaps."""
    dims = services.dimension_gaps(two_guests())
    fig = services.gap_chart(dims)
    ax = fig.axes[0]
    assert len(ax.patches) == 10
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == sorted(dims.to_numpy().ravel().tolist())
    assert ax.get_legend() is not None


def test_gap_chart_accepts_a_series_of_means():
    fig = services.gap_chart(services.dimension_gaps(two_guests()).mean())
    assert len(fig.axes[0].patches) == 5


def test_gap_chart_refuses_unknown_dimensions():
    with pytest.raises(ValueError, match="unknown dimension"):
        services.gap_chart(pd.Series({"comfort": -1.0}))


def test_survey_dataset_is_valid_and_has_the_designed_weakest_dimensions():
    """240 guests, all answers on 1–7, weights summing to 100; weakest dimension differs by segment."""
    survey = load_dataset("servqual_hotel_survey")
    assert len(survey) == 240 and survey["guest_id"].is_unique
    dims = services.dimension_gaps(survey)  # raises if any answer is off the scale
    weights = survey.filter(like="weight_")
    assert (weights.sum(axis=1) == 100).all()
    weakest = dims.groupby(survey["segment"]).mean().idxmin(axis=1).to_dict()
    assert weakest == {"business": "responsiveness", "family": "reliability", "leisure": "empathy",
                       "tour_group": "tangibles"}
    assert dims.mean().idxmin() == "reliability"


def test_hotel_bookings_extract_matches_its_data_dictionary():
    """3,000 real bookings; repeat-guest flag is 0/1; corporate bookings repeat most often."""
    bookings = load_dataset("hotel_bookings_resort")
    assert len(bookings) == 3000 and bookings["booking"].is_unique
    assert set(bookings["is_repeated_guest"]) == {0, 1}
    share = bookings.groupby("market_segment")["is_repeated_guest"].mean()
    assert share.idxmax() == "corporate"


def test_gap_explorer_offers_the_survey_groupings():
    """The widget's dropdown lists 'all guests' and the grouping columns present, starting at segment."""
    from mktlab.widgets.services import gap_explorer

    widget = gap_explorer(load_dataset("servqual_hotel_survey"))
    dropdown = widget.children[0]
    assert [value for _label, value in dropdown.options] == ["all guests", "segment", "age_group",
                                                             "booking_channel", "loyalty_member"]
    assert dropdown.value == "segment"
