"""Tests for mktlab.loyalty: loyalty metrics, CLV, the CDNOW data and the BG/NBD model."""
import numpy as np
import pandas as pd
import pytest

from mktlab import loyalty as lo
from mktlab.data import load_dataset


@pytest.fixture(scope="module")
def cdnow():
    return load_dataset("cdnow_purchases", parse_dates=["date"])


@pytest.fixture(scope="module")
def summary(cdnow):
    return lo.bgnbd_summary(cdnow, calibration_end="1997-09-30", holdout_end="1998-06-30")


# --- CLV ------------------------------------------------------------------------------------------

def test_clv_end_hand_worked():
    """m = 100, r = 0.8, d = 0.1: m·r/(1+d−r) = 80 / 0.3 = 266.67."""
    assert lo.customer_lifetime_value(100, 0.8, 0.1, timing="end") == pytest.approx(800 / 3)
    assert lo.customer_lifetime_value(100, 0.8, 0.1) == pytest.approx(266.67, abs=0.005)   # "end" is the default


def test_clv_start_hand_worked():
    """m = 100, r = 0.8, d = 0.1: m·(1+d)/(1+d−r) = 110 / 0.3 = 366.67."""
    assert lo.customer_lifetime_value(100, 0.8, 0.1, timing="start") == pytest.approx(1100 / 3)
    assert lo.customer_lifetime_value(100, 0.8, 0.1, timing="start") == pytest.approx(366.67, abs=0.005)


def test_clv_end_certain_hand_worked():
    """m = 100, r = 0.8, d = 0.1: m/(1+d−r) = 100 / 0.3 = 333.33."""
    assert lo.customer_lifetime_value(100, 0.8, 0.1, timing="end_certain") == pytest.approx(1000 / 3)
    assert lo.customer_lifetime_value(100, 0.8, 0.1, timing="end_certain") == pytest.approx(333.33, abs=0.005)


def test_clv_timings_are_related():
    """start = m + end (one extra undiscounted margin now); end_certain = start / (1 + d)."""
    m, r, d = 250, 0.7, 0.08
    end = lo.customer_lifetime_value(m, r, d, "end")
    start = lo.customer_lifetime_value(m, r, d, "start")
    assert start == pytest.approx(m + end)
    assert lo.customer_lifetime_value(m, r, d, "end_certain") == pytest.approx(start / (1 + d))


@pytest.mark.parametrize("timing", ["end", "start", "end_certain"])
def test_clv_equals_the_sum_of_discounted_expected_margins(timing):
    """The closed form is the limit of the period-by-period sum (2,000 periods at r = 0.8, d = 0.1)."""
    table = lo.clv_schedule(100, 0.8, 0.1, periods=2000, timing=timing)
    assert table["cumulative_value"].iloc[-1] == pytest.approx(lo.customer_lifetime_value(100, 0.8, 0.1, timing))


def test_clv_truncated_at_five_years():
    """FACTS §13: Σ_{t=1..5} 100·0.8^t/1.1^t = 212.41."""
    assert lo.clv_schedule(100, 0.8, 0.1, periods=5)["cumulative_value"].iloc[-1] == pytest.approx(212.41, abs=0.005)


@pytest.mark.parametrize("r, end, start, certain, life", [
    (0.80, 266.67, 366.67, 333.33, 5.0), (0.85, 340.00, 440.00, 400.00, 6.67),
    (0.90, 450.00, 550.00, 500.00, 10.0), (0.95, 633.33, 733.33, 666.67, 20.0),
])
def test_clv_table_of_facts_section_13(r, end, start, certain, life):
    """The worked table of FACTS §13 (m = 100, d = 0.10)."""
    assert lo.customer_lifetime_value(100, r, 0.1, "end") == pytest.approx(end, abs=0.005)
    assert lo.customer_lifetime_value(100, r, 0.1, "start") == pytest.approx(start, abs=0.005)
    assert lo.customer_lifetime_value(100, r, 0.1, "end_certain") == pytest.approx(certain, abs=0.005)
    assert lo.expected_lifetime(r) == pytest.approx(life, abs=0.005)


def test_clv_gain_from_better_retention():
    """r 0.80 → 0.85: +27.5% in the m·r form (340/266.67), +20.0% in the (1+d) form (440/366.67)."""
    gain_end = lo.customer_lifetime_value(100, 0.85, 0.1) / lo.customer_lifetime_value(100, 0.8, 0.1) - 1
    gain_start = (lo.customer_lifetime_value(100, 0.85, 0.1, "start")
                  / lo.customer_lifetime_value(100, 0.8, 0.1, "start") - 1)
    assert gain_end == pytest.approx(0.275)
    assert gain_start == pytest.approx(0.20)


def test_clv_works_on_arrays():
    """Arrays of retention rates give an array of values."""
    values = lo.customer_lifetime_value(100, np.array([0.8, 0.9]), 0.1)
    assert values == pytest.approx([800 / 3, 450.0])


def test_clv_rejects_bad_input():
    """Unknown timing, retention outside [0, 1], negative discount and r = 1 with d = 0 raise ValueError."""
    with pytest.raises(ValueError, match="timing must be one of"):
        lo.customer_lifetime_value(100, 0.8, 0.1, timing="beginning")
    with pytest.raises(ValueError):
        lo.customer_lifetime_value(100, 1.2, 0.1)
    with pytest.raises(ValueError):
        lo.customer_lifetime_value(100, 0.8, -0.1)
    with pytest.raises(ValueError):
        lo.customer_lifetime_value(100, 1.0, 0.0)
    with pytest.raises(ValueError):
        lo.expected_lifetime(1.0)


# --- customer metrics ----------------------------------------------------------------------------

def test_retention_rate_from_counts_hand_worked():
    """FACTS §11: start 1,000, end 1,050, 200 new → (1,050 − 200)/1,000 = 0.85; churn 0.15."""
    assert lo.retention_rate(1000, 1050, 200) == pytest.approx(0.85)
    assert lo.churn_rate(1000, 1050, 200) == pytest.approx(0.15)


def test_retention_rate_second_example():
    """Start 2,400, end 2,550, 630 new → 1,920 kept / 2,400 = 0.80."""
    assert lo.retention_rate(2400, 2550, 630) == pytest.approx(0.80)


def test_retention_rate_rejects_impossible_counts():
    """More new customers than end customers, or more kept than at the start, is impossible."""
    with pytest.raises(ValueError):
        lo.retention_rate(1000, 100, 200)
    with pytest.raises(ValueError):
        lo.retention_rate(1000, 1500, 200)


def test_repeat_purchase_rate_hand_worked():
    """FACTS §11: 280 of 800 buyers bought twice or more → 35%."""
    counts = [2] * 200 + [5] * 80 + [1] * 520
    assert lo.repeat_purchase_rate(counts) == pytest.approx(0.35)


def test_nps_hand_worked_list():
    """Scores 10, 9, 8, 7, 6, 3, 10, 9, 0, 8: promoters 4 (10, 9, 10, 9), detractors 3 (6, 3, 0) → 40 − 30 = +10."""
    assert lo.net_promoter_score([10, 9, 8, 7, 6, 3, 10, 9, 0, 8]) == pytest.approx(10.0)


def test_nps_facts_survey():
    """FACTS §11: 450 promoters, 350 passives, 200 detractors → 45% − 20% = +25."""
    scores = [9] * 250 + [10] * 200 + [7] * 150 + [8] * 200 + [0] * 50 + [6] * 150
    assert lo.net_promoter_score(scores) == pytest.approx(25.0)


def test_nps_bounds_and_bad_scores():
    """All promoters → +100, all detractors → −100; a score of 11 or 7.5 is rejected."""
    assert lo.net_promoter_score([9, 10]) == 100
    assert lo.net_promoter_score([0, 6]) == -100
    with pytest.raises(ValueError):
        lo.net_promoter_score([11])
    with pytest.raises(ValueError):
        lo.net_promoter_score([7.5])


def test_share_of_wallet_is_available_here_too():
    """Share of wallet is the same function as in lesson 04: 3,000 / 12,000 = 0.25."""
    assert lo.share_of_wallet(3000, 12000) == pytest.approx(0.25)


def test_dick_basu_four_cells():
    """Dick & Basu (1994): high/high true, high/low latent, low/high spurious, low/low none."""
    assert lo.dick_basu_type("high", "high") == "true loyalty"
    assert lo.dick_basu_type("high", "low") == "latent loyalty"
    assert lo.dick_basu_type("low", "high") == "spurious loyalty"
    assert lo.dick_basu_type("low", "low") == "no loyalty"


def test_lifecycle_uses_goal_compatibility():
    """Chen's four stages in order; the exploration stage tests goal compatibility (not the seed's '内容性')."""
    stages = lo.lifecycle_stages()
    assert stages["stage_zh"].tolist() == ["考察期", "形成期", "稳定期", "退化期"]
    assert "goal compatibility" in stages["features"].iloc[0]
    assert not stages.apply(lambda row: row.astype(str).str.contains("内容性").any(), axis=1).any()


def test_retention_claims_never_give_a_single_reichheld_number():
    """The Reichheld & Sasser claim is stated as the 25–85% range; the 5× claim is a rule of thumb."""
    claims = lo.retention_claims()
    assert "25% to 85%" in claims["claim"].iloc[0]
    assert claims.set_index("status").index.tolist()[1] == "rule of thumb"
    assert "Sharp" in claims["detail"].iloc[0]


# --- the CDNOW data ------------------------------------------------------------------------------

def test_cdnow_counts_match_the_published_sample(cdnow):
    """Fader, Hardie & Lee (2005) sample: 6,919 purchases by 2,357 customers, 1997-01-01 to 1998-06-30,
    $244,091.94 in total; every customer's first purchase is in Q1 1997."""
    assert len(cdnow) == 6919
    assert cdnow["customer_id"].nunique() == 2357
    assert cdnow["customer_id"].min() == 1 and cdnow["customer_id"].max() == 2357
    assert cdnow["date"].min() == pd.Timestamp("1997-01-01")
    assert cdnow["date"].max() == pd.Timestamp("1998-06-30")
    assert round(cdnow["dollar_value"].sum(), 2) == 244091.94
    assert cdnow.groupby("customer_id")["date"].min().max() <= pd.Timestamp("1997-03-31")
    assert list(cdnow.columns) == ["customer_id", "master_customer_id", "date", "cds_bought", "dollar_value"]


def test_cdnow_repeat_purchase_rate(cdnow):
    """1,152 of 2,357 customers made 2 or more purchases in the 18 months → 48.88%."""
    counts = cdnow.groupby("customer_id").size()
    assert (counts >= 2).sum() == 1152
    assert lo.repeat_purchase_rate(counts) == pytest.approx(1152 / 2357)


def test_cohort_table_toy_hand_worked():
    """Jan cohort {1, 2}: only 1 buys in Feb → 0.5, nobody in Mar → 0; Feb cohort {3} buys in Mar → 1;
    the Feb cohort's month 2 (April) is after the data ends → NaN."""
    buys = pd.DataFrame({"customer_id": [1, 1, 2, 3, 3],
                         "date": ["2024-01-05", "2024-02-10", "2024-01-20", "2024-02-03", "2024-03-01"]})
    table = lo.cohort_retention_table(buys)
    assert table.loc["2024-01"].tolist() == [1.0, 0.5, 0.0]
    assert table.loc["2024-02", 1] == 1.0 and np.isnan(table.loc["2024-02", 2])


def test_cohort_table_cdnow(cdnow):
    """CDNOW: three cohorts (Jan–Mar 1997), months 0–17; month 0 is 1; the March cohort has 16 months
    of data (0–15) and NaN after; each cell matches a direct count."""
    table = lo.cohort_retention_table(cdnow)
    assert table.index.tolist() == ["1997-01", "1997-02", "1997-03"]
    assert table.columns.tolist() == list(range(18))
    assert (table[0] == 1).all()
    assert table.loc["1997-03"].notna().sum() == 16
    first = cdnow.groupby("customer_id")["date"].transform("min")
    jan = cdnow[first.dt.month == 1]
    in_feb = jan.loc[jan["date"].dt.to_period("M") == pd.Period("1997-02"), "customer_id"].nunique()
    assert table.loc["1997-01", 1] == pytest.approx(in_feb / jan["customer_id"].nunique())


def test_rfm_toy_hand_worked():
    """As of 2024-03-31: customer 1 last bought 2024-03-01 (30 days), 2 purchases, 40.0; customer 2:
    2024-02-01 (59 days), 1 purchase, 5.0. A purchase after as_of is ignored."""
    buys = pd.DataFrame({"customer_id": [1, 1, 2, 2], "date": ["2024-01-01", "2024-03-01", "2024-02-01", "2024-05-01"],
                         "dollar_value": [10.0, 30.0, 5.0, 99.0]})
    rfm = lo.rfm_table(buys, as_of="2024-03-31")
    assert rfm.loc[1].tolist() == [30, 2, 40.0]
    assert rfm.loc[2].tolist() == [59, 1, 5.0]


def test_rfm_scores_cdnow(cdnow):
    """CDNOW: scores lie in 1–5; the 1,205 one-time buyers all share F = 1; monetary totals add up to $244,091.94."""
    scored = lo.rfm_scores(lo.rfm_table(cdnow))
    assert scored[["R", "F", "M"]].isin(range(1, 6)).all().all()
    assert (scored.loc[scored["frequency"] == 1, "F"] == 1).all()
    assert (scored["frequency"] == 1).sum() == 1205
    assert scored["monetary"].sum() == pytest.approx(244091.94)


def test_period_activity_cdnow(cdnow):
    """Half-years: 2,357 active in 1997H1; 619 in 1997H2 (all retained, since everyone started in H1);
    322 of those 619 bought again in 1998H1 → 0.5202."""
    table = lo.period_activity(cdnow, months=6)
    assert table["active"].tolist() == [2357, 619, 515]
    assert table["retained"].tolist()[1:] == [619, 322]
    assert table["retention_rate"].iloc[2] == pytest.approx(322 / 619)


# --- BG/NBD ---------------------------------------------------------------------------------------

def test_bgnbd_summary_matches_the_literature(summary):
    """With same-day purchases merged: 2,457 repeat transactions in the 39-week calibration period; the
    first customer (bought 1997-01-01, -18, 08-02, 12-12) has x = 2, t_x = 213/7, T = 272/7 weeks."""
    assert summary["x"].sum() == 2457
    assert summary.loc[1, "x"] == 2
    assert summary.loc[1, "t_x"] == pytest.approx(213 / 7)
    assert summary.loc[1, "T"] == pytest.approx(272 / 7)
    assert summary["x_holdout"].sum() == 1882


def test_bgnbd_log_likelihood_hand_worked():
    """r = α = a = b = 1. x = 0, T = 1: L = 1 · 1/(1+1) = 1/2. x = 1, t_x = 1, T = 2:
    L = B(1,2)·Γ(2)/3² + B(2,1)·Γ(2)/2² = (1/2)(1/9) + (1/2)(1/4) = 0.180556."""
    assert lo.bgnbd_log_likelihood(1, 1, 1, 1, [0], [0], [1]) == pytest.approx(np.log(0.5))
    assert lo.bgnbd_log_likelihood(1, 1, 1, 1, [1], [1], [2]) == pytest.approx(np.log(1 / 18 + 1 / 8))


def test_bgnbd_fit_reproduces_published_estimates(summary):
    """Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 (to 3 decimals)."""
    params = lo.fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    published = lo.PUBLISHED_BGNBD_CDNOW
    for name in ("r", "alpha", "a", "b"):
        assert round(params[name], 3) == published[name], name
    ll = lo.bgnbd_log_likelihood(**params, x=summary["x"], t_x=summary["t_x"], T=summary["T"])
    assert round(ll, 1) == published["log_likelihood"]


def test_bgnbd_expected_purchases_matches_simulation():
    """E[X(39)] from the closed form agrees with a seeded simulation of 200,000 BG/NBD customers
    (λ ~ Gamma(r, α), p ~ Beta(a, b), drop out with probability p after each purchase) within 0.02."""
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    rng = np.random.default_rng(7)
    n, horizon = 200_000, 39.0
    lam = rng.gamma(params["r"], 1 / params["alpha"], n)
    p = rng.beta(params["a"], params["b"], n)
    clock, count, alive = np.zeros(n), np.zeros(n), np.ones(n, dtype=bool)
    while alive.any():
        clock[alive] += rng.exponential(1 / lam[alive])
        buying = alive & (clock <= horizon)
        count[buying] += 1
        alive = buying & (rng.random(n) >= p)
    assert count.mean() == pytest.approx(float(lo.bgnbd_expected_purchases(params, horizon)), abs=0.02)


def test_conditional_expectation_of_a_new_customer_is_the_unconditional_one():
    """With no history (x = 0, t_x = 0, T = 0), E[Y(t) | history] = E[X(t)]."""
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert float(lo.bgnbd_conditional_expected(params, 39, 0, 0, 0)) == pytest.approx(
        float(lo.bgnbd_expected_purchases(params, 39)))


def test_tracking_actuals(cdnow):
    """Cumulative repeat transactions: 2,457 by week 39 (calibration), 2,457 + 1,882 = 4,339 by week 78."""
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    tracking = lo.bgnbd_tracking(cdnow, params, weeks=78)
    assert tracking.loc[39, "actual"] == 2457
    assert tracking.loc[78, "actual"] == 4339
    assert tracking["predicted"].is_monotonic_increasing


def test_holdout_table_groups(summary):
    """Grouping by calibration x (0..6, 7+) keeps every one of the 2,357 customers."""
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    table = lo.bgnbd_holdout_table(summary, params)
    assert table.index.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357
    assert table.loc["0", "customers"] == 1411


def test_bgnbd_fit_does_not_depend_on_the_start(summary):
    """Two different starting points give the same estimates to 1e-5 (the likelihood has one peak here)."""
    one = lo.fit_bgnbd(summary["x"], summary["t_x"], summary["T"])
    two = lo.fit_bgnbd(summary["x"], summary["t_x"], summary["T"], start=(0.5, 3.0, 0.5, 2.0))
    for name in ("r", "alpha", "a", "b"):
        assert one[name] == pytest.approx(two[name], abs=1e-5), name
