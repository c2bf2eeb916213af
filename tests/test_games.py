"""Tests for mktlab.games: the pirate solver against published answers, and the competitor data."""
import pytest

from mktlab import games


# --- the pirate puzzle: published answers (FACTS §20) ---------------------------------------

def test_stewart_1999_rules_give_98_0_1_0_1():
    """Stewart (1999): everyone votes, half or more passes, indifferent pirates vote against."""
    assert games.pirate_equilibria(5, 100, proposer_votes=True, ties_pass=True,
                                   indifferent="against") == [(98, 0, 1, 0, 1)]


def test_strict_majority_chinese_version_gives_97_0_1_2_0_or_97_0_1_0_2():
    """Classic 海盗分金 (variant B): everyone votes, more than half passes → two equilibria."""
    assert games.pirate_equilibria(5, 100, proposer_votes=True, ties_pass=False) == [
        (97, 0, 1, 2, 0), (97, 0, 1, 0, 2)]


def test_source_text_rules_give_the_same_two_splits_as_the_strict_majority_version():
    """Variant C (the source: only the others vote, half or more of them) is equivalent to B."""
    source = games.pirate_equilibria(5, 100, **games.SOURCE_RULES, indifferent="against")
    assert source == [(97, 0, 1, 2, 0), (97, 0, 1, 0, 2)]


def test_others_vote_strict_majority_gives_97_0_1_1_1():
    """Variant D: the others vote and need more than half of them → P1 buys P3, P4 and P5."""
    assert games.pirate_equilibria(5, 100, proposer_votes=False, ties_pass=False) == [(97, 0, 1, 1, 1)]


@pytest.mark.parametrize("proposer_votes", [True, False])
@pytest.mark.parametrize("ties_pass", [True, False])
def test_indifferent_pirates_voting_for_let_the_proposer_keep_everything(proposer_votes, ties_pass):
    """Primed variants: a yes costs nothing when indifference means yes, so P1 keeps 100."""
    assert games.pirate_equilibria(5, 100, proposer_votes=proposer_votes, ties_pass=ties_pass,
                                   indifferent="for") == [(100, 0, 0, 0, 0)]


def test_variants_table_matches_the_facts_sheet():
    """Each named variant gives the split listed in FACTS §20."""
    got = dict(zip(games.pirate_variants()["variant"], games.pirate_variants()["equilibria"]))
    assert got == {
        "A (Stewart 1999)": "98-0-1-0-1", "A'": "100-0-0-0-0",
        "B (classic 海盗分金)": "97-0-1-2-0 or 97-0-1-0-2", "B'": "100-0-0-0-0",
        "C (source text)": "97-0-1-2-0 or 97-0-1-0-2", "C'": "100-0-0-0-0",
        "D": "97-0-1-1-1", "D'": "100-0-0-0-0"}


# --- the pirate puzzle: hand-worked small cases -----------------------------------------------

def test_a_lone_pirate_keeps_everything():
    """With one pirate there is nobody to vote against him."""
    for rules in games.PIRATE_VARIANTS.values():
        assert games.pirate_equilibria(1, 7, **rules) == [(7,)]


def test_two_pirates_under_stewart_the_proposer_wins_on_his_own_casting_vote():
    """Everyone votes and a tie passes: P4's own vote is half of two, so he keeps 100."""
    assert games.pirate_equilibria(2, 100) == [(100, 0)]


def test_two_pirates_under_the_source_rules_the_proposer_is_thrown():
    """Only P5 votes; he gets everything if P4 goes, so he rejects and P4 is thrown (None)."""
    assert games.pirate_equilibria(2, 100, proposer_votes=False) == [(None, 100)]


def test_three_pirates_under_the_source_rules_the_doomed_pirate_votes_for_nothing():
    """P4 would die if P3 were thrown, so he accepts 0 gems: (100, 0, 0)."""
    assert games.pirate_equilibria(3, 100, proposer_votes=False) == [(100, 0, 0)]


def test_backward_induction_table_for_the_source_rules():
    """Hand calculation: 1 left 100; 2 left P4 thrown; 3 left 100-0-0; 4 left 98-0-1-1; 5 left 97."""
    table = games.pirate_backward_induction(5, 100, proposer_votes=False)
    assert table["pirates_left"].tolist() == [1, 2, 3, 4, 5, 5]
    assert table["proposer_survives"].tolist() == [True, False, True, True, True, True]
    four = table[table["pirates_left"] == 4][["P2", "P3", "P4", "P5"]].iloc[0].tolist()
    assert four == [98, 0, 1, 1]
    assert table["P1"].iloc[-1] == 97
    assert table["votes_needed"].tolist() == [0, 1, 1, 2, 2, 2]


def test_stewart_survival_pattern_2g_plus_powers_of_two():
    """Stewart (1999): with G gems, beyond 2G + 2 pirates the proposer survives only when the
    number of pirates is 2G + 2**k; for G = 1 that is up to 4, then 6, 10 and 18."""
    survivors = [n for n in range(1, 20) if games.pirate_equilibria(n, 1)[0][0] is not None]
    assert survivors == [1, 2, 3, 4, 6, 10, 18]


def test_every_split_shares_out_all_gems_and_passes():
    """Each equilibrium gives out exactly the gems and collects enough yes votes."""
    for rules in games.PIRATE_VARIANTS.values():
        for split in games.pirate_equilibria(7, 50, **rules):
            assert sum(g for g in split if g is not None) == 50
            assert split[0] is not None


def test_zero_gems_means_the_proposer_needs_voters_who_would_otherwise_die():
    """No gems, Stewart's rules.  3 pirates: P3 needs one more vote, but P4 and P5 would get 0
    anyway and vote against when indifferent, so P3 is thrown.  4 pirates: P3 would be thrown,
    so he backs P2 for nothing."""
    assert games.pirate_equilibria(3, 0) == [(None, 0, 0)]
    assert games.pirate_equilibria(4, 0) == [(0, 0, 0, 0)]  # P3 would die, so he says yes


def test_too_many_equilibria_raise_a_clear_error():
    """The number of splits multiplies with many pirates; `limit` stops runaway work."""
    with pytest.raises(ValueError, match="more than 10 equilibrium splits"):
        games.pirate_equilibria(12, 100, ties_pass=False, limit=10)


@pytest.mark.parametrize("bad", [dict(pirates=0), dict(gems=-1), dict(indifferent="random"),
                                 dict(pirates=2.5)])
def test_bad_rules_are_refused(bad):
    """Nonsense inputs raise ValueError instead of returning a wrong answer."""
    with pytest.raises(ValueError):
        games.pirate_equilibria(**{"pirates": 5, "gems": 100, **bad})


@pytest.mark.parametrize("living, proposer_votes, ties_pass, expected", [
    (5, True, True, 3), (4, True, True, 2), (4, True, False, 3),
    (5, False, True, 2), (5, False, False, 3), (2, False, True, 1), (3, False, False, 2)])
def test_votes_needed(living, proposer_votes, ties_pass, expected):
    """Half or more of v voters is ceil(v/2); more than half is floor(v/2) + 1."""
    assert games.votes_needed(living, proposer_votes, ties_pass) == expected


# --- competitors ------------------------------------------------------------------------------

def test_four_levels_of_competition_narrowest_first():
    """Kotler: brand → industry → form → generic, with the source's Chinese names."""
    table = games.competition_levels()
    assert table["level"].tolist() == ["brand competition", "industry competition",
                                       "form competition", "generic competition"]
    assert table["level_zh"].tolist() == ["品牌竞争者", "行业竞争者", "形式竞争者", "一般竞争者"]


@pytest.mark.parametrize("args, expected", [
    ((True, True, True), "brand competition"), ((True, False, True), "industry competition"),
    ((False, True, True), "form competition"), ((False, False, True), "form competition"),
    ((False, False, False), "generic competition")])
def test_competition_level(args, expected):
    """Same product class + same customers and price = brand; same class only = industry;
    other product, same need = form; anything else for the same money = generic."""
    assert games.competition_level(*args) == expected


def test_porter_generic_strategies_cover_the_two_by_two():
    """Advantage (low cost, uniqueness) × scope (broad, narrow) gives four distinct strategies."""
    got = {(a, s): games.generic_strategy(a, s) for a in ("low cost", "uniqueness") for s in ("broad", "narrow")}
    assert got == {("low cost", "broad"): "cost leadership", ("uniqueness", "broad"): "differentiation",
                   ("low cost", "narrow"): "cost focus", ("uniqueness", "narrow"): "differentiation focus"}
    with pytest.raises(ValueError, match="stuck in the middle"):
        games.generic_strategy("both", "broad")
    with pytest.raises(ValueError):
        games.generic_strategy("low cost", "global")


def test_good_competitor_benefits_are_porters_four():
    """Porter (1985): competitive advantage, industry structure, market development, entry deterrence."""
    assert [b["benefit_zh"] for b in games.GOOD_COMPETITOR_BENEFITS] == [
        "增加竞争优势", "改善当前产业结构", "协助市场开发", "产生行业壁垒"]
    assert len(games.COMPETITOR_REACTIONS) == 4 and len(games.COMPETITOR_ANALYSIS_STEPS) == 4
