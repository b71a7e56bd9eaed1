"""The Council's qualified majority (Art. 16(4) TEU; Art. 238(3)(a) TFEU for fewer states)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from negotiation.council import (
    QmvRule,
    VoteCounter,
    can_block,
    minimum_blocking_states,
    qualified_majority,
)

RULE = QmvRule()
EU27 = np.array(
    [
        83577100,
        68635900,
        58934200,
        49078000,
        36497500,
        19036400,
        18044000,
        11900100,
        10909500,
        10749600,
        10587700,
        10409500,
        9539500,
        9197200,
        6437400,
        5992700,
        5636000,
        5439900,
        5419500,
        3874400,
        2890700,
        2130900,
        1856900,
        1370000,
        979900,
        682000,
        574300,
    ],
    dtype=float,
)  # DE FR IT ES PL RO NL BE CZ PT SE EL HU AT BG DK FI IE SK HR LT SI LV EE CY LU MT
CODES = [
    "DE",
    "FR",
    "IT",
    "ES",
    "PL",
    "RO",
    "NL",
    "BE",
    "CZ",
    "PT",
    "SE",
    "EL",
    "HU",
    "AT",
    "BG",
    "DK",
    "FI",
    "IE",
    "SK",
    "HR",
    "LT",
    "SI",
    "LV",
    "EE",
    "CY",
    "LU",
    "MT",
]


def votes(yes_idx, n=27):
    yes = np.zeros(n, dtype=bool)
    yes[list(yes_idx)] = True
    return yes


def test_fifteen_states_with_enough_population_pass():
    # The 15 most populous states hold well over 65% of the people.
    vote = qualified_majority(votes(range(15)), EU27, RULE)
    assert vote.yes_states == 15 and vote.states_share >= 0.55
    assert vote.population_share > 0.65
    assert vote.passed


def test_fourteen_states_fall_short_on_numbers_even_with_the_people():
    # 14 states of 27 is 51.9%: below 55%, and the 13 against can block.
    vote = qualified_majority(votes(range(14)), EU27, RULE)
    assert vote.population_share > 0.65
    assert vote.states_share < 0.55
    assert not vote.passed


def test_many_small_states_fall_short_on_population():
    # The 20 smallest states: plenty of states, far too few people.
    vote = qualified_majority(votes(range(7, 27)), EU27, RULE)
    assert vote.states_share > 0.55 and vote.population_share < 0.65
    assert vote.blocking_minority and not vote.passed


def test_three_big_states_cannot_block_alone():
    # DE+FR+IT hold 46.9% of the people, but a blocking minority needs four states.
    vote = qualified_majority(~votes([0, 1, 2]), EU27, RULE)
    assert vote.population_share < 0.65
    assert vote.no_states == 3
    assert vote.passed
    assert "blocking minority needs 4 states" in vote.explain()


def test_four_big_states_block():
    vote = qualified_majority(~votes([0, 1, 2, 3]), EU27, RULE)
    assert vote.blocking_minority and not vote.passed


def test_six_states_present_use_the_same_percentages():
    pops = EU27[[0, 1, 2, 4, 12, 15]]  # DE FR IT PL HU DK
    rule = QmvRule.for_table(pops)
    # 4 of 6 is 66.7% of the states; DE+FR+IT+PL hold 94% of these six states' people.
    assert qualified_majority(votes([0, 1, 2, 3], n=6), pops, rule).passed
    # Two yes and four no: four states block.
    assert not qualified_majority(votes([0, 1], n=6), pops, rule).passed


def test_can_block_names_a_blocking_coalition():
    assert can_block(votes([0, 1, 2, 3]), EU27, RULE)
    assert not can_block(votes([0, 1, 2]), EU27, RULE)
    assert not can_block(votes([24, 25, 26, 23]), EU27, RULE)


@given(st.lists(st.booleans(), min_size=27, max_size=27), st.integers(0, 26))
def test_an_extra_yes_vote_never_turns_a_pass_into_a_fail(yes, k):
    yes = np.array(yes)
    before = qualified_majority(yes, EU27, RULE).passed
    yes[k] = True
    assert qualified_majority(yes, EU27, RULE).passed or not before


@given(
    st.lists(st.booleans(), min_size=27, max_size=27),
    st.integers(1, 27),
    st.sampled_from(["eu27", "table", "unanimity"]),
)
def test_the_fast_count_passes_exactly_when_the_vote_does(yes, n, kind):
    """`VoteCounter.passes` (the Commission's many forecasts) agrees with the full count, for
    the 27 and for smaller tables, under qualified majority and unanimity."""
    populations = EU27[:n]
    rule = {"eu27": RULE, "table": QmvRule.for_table(populations), "unanimity": QmvRule.unanimity()}
    counter = VoteCounter(populations, rule[kind])
    yes = np.array(yes[:n])
    assert counter.passes(yes) == qualified_majority(yes, populations, rule[kind]).passed
    assert counter.passes(yes) == counter(yes).passed


# --- the rule derived from the states present ---------------------------------------------------


def test_the_27_states_follow_art_16_4_teu():
    rule = QmvRule.for_table(EU27)
    assert (rule.states_share, rule.population_share, rule.blocking_min_states) == (0.55, 0.65, 4)
    assert rule.basis == "Art. 16(4) TEU"
    assert rule == QmvRule()


def test_the_238_3_a_formula_gives_four_for_the_27_states():
    # DE+FR hold 33.8% (not more than 35%), DE+FR+IT 46.9%: three states, plus one.
    assert EU27[:2].sum() / EU27.sum() < 0.35 < EU27[:3].sum() / EU27.sum()
    assert minimum_blocking_states(EU27) == 4


def test_thresholds_for_27_states_at_the_edges():
    rule = QmvRule.for_table(EU27)
    # 15 of 27 states is 55.6%, 14 is 51.9%: the smallest 15 hold far too few people.
    assert qualified_majority(votes(range(15)), EU27, rule).passed
    assert not qualified_majority(votes(range(14)), EU27, rule).passed
    # Four states that hold more than 35% block; three (DE FR IT, 46.9%) cannot.
    assert not qualified_majority(~votes([0, 1, 2, 26]), EU27, rule).passed
    assert qualified_majority(~votes([0, 1, 2]), EU27, rule).passed


def test_small_class_table_blocks_with_three_of_six():
    # scenarios/small_class.yaml: DE FR IT PL HU DK. Seed 22 used to ratify with FR, HU and DK
    # voting yes (32% of the people) because a blocking minority was always four states.
    pops = EU27[[0, 1, 2, 4, 12, 15]]
    rule = QmvRule.for_table(pops)
    # 35% of 263m is 92m: DE alone holds 31.8%, DE+FR 57.9%: two states, plus one.
    assert rule.blocking_min_states == 3
    assert rule.basis == "Art. 238(3)(a) TFEU"
    yes = votes([1, 4, 5], n=6)  # FR HU DK
    vote = qualified_majority(yes, pops, rule)
    assert round(vote.population_share, 2) == 0.32
    assert vote.blocking_minority and not vote.passed
    # The old fixed rule let it through: the regression this guards against.
    assert qualified_majority(yes, pops, QmvRule()).passed


def test_small_table_two_states_cannot_block_when_three_are_needed():
    pops = EU27[[0, 1, 2, 4, 12, 15]]  # DE FR IT PL HU DK
    rule = QmvRule.for_table(pops)
    # DE and FR against (57.9% of the people) fall one state short of a blocking minority.
    vote = qualified_majority(~votes([0, 1], n=6), pops, rule)
    assert vote.population_share < 0.65
    assert vote.passed
    assert "a blocking minority needs 3 states, Art. 238(3)(a) TFEU" in vote.explain()


def test_equal_states_need_more_than_35_percent_plus_one():
    # Ten equal states: 35% is 3.5 states, so 4 states hold more than 35%; plus one is 5.
    assert QmvRule.for_table(np.full(10, 1e6)).blocking_min_states == 5
    # Four equal states: two hold 50%; plus one is 3.
    assert QmvRule.for_table(np.full(4, 1e6)).blocking_min_states == 3


def test_a_scenario_may_fix_the_blocking_number():
    pops = EU27[[0, 1, 2, 4, 12, 15]]
    rule = QmvRule.for_table(pops, blocking_min_states=4)
    assert rule.blocking_min_states == 4
    assert qualified_majority(votes([1, 4, 5], n=6), pops, rule).passed


def test_bad_tables_are_refused_with_a_reason():
    for pops, kwargs, word in [
        (np.array([]), {}, "at least one state"),
        (np.array([1.0, -2.0]), {}, "positive"),
        (EU27, {"population_share": 1.5}, "population_share"),
        (EU27, {"blocking_min_states": 0}, "blocking_min_states"),
    ]:
        try:
            QmvRule.for_table(pops, **kwargs)
        except ValueError as err:
            assert word in str(err)
        else:
            raise AssertionError(f"accepted {pops!r} {kwargs}")


def test_explain_uses_the_singular_for_one_state():
    # A one-state table: 35% is held by that state alone, so a blocking minority needs two.
    lone = np.array([1e6])
    rule = QmvRule.for_table(lone)
    assert rule.blocking_min_states == 2
    text = qualified_majority(np.array([False]), lone, rule).explain()
    assert "0 of 1 state (" in text and "1 states" not in text
    assert "only 1 against: a blocking minority needs 2 states" in text


# --- a real vote: duties on Chinese electric cars, 4 Oct 2024 -------------------------------------
# ../shared/member-state-facts.md section 5a; populations of 1 Jan 2025 (scenario-facts.md).
EV_FOR = ["IT", "FR", "PL", "NL", "IE", "LV", "LT", "EE", "BG", "DK"]
EV_AGAINST = ["DE", "HU", "MT", "SI", "SK"]
EV_ABSTAIN = ["BE", "HR", "CZ", "EL", "ES", "CY", "LU", "AT", "PT", "RO", "SE", "FI"]


def _mask(codes):
    return np.isin(CODES, codes)


def test_ev_duty_vote_the_ten_for_are_no_qualified_majority():
    assert len(EV_FOR) + len(EV_AGAINST) + len(EV_ABSTAIN) == 27
    vote = qualified_majority(_mask(EV_FOR), EU27, QmvRule.for_table(EU27))
    assert vote.yes_states == 10
    assert round(vote.population_share * 100, 1) == 45.8  # the facts file: 45.76%
    assert not vote.passed


def test_ev_duty_vote_the_seventeen_against_or_abstaining_are_no_qualified_majority():
    # Abstentions count as not-yes: even all 17 together hold only 54.2% of the people.
    vote = qualified_majority(_mask(EV_AGAINST + EV_ABSTAIN), EU27, QmvRule.for_table(EU27))
    assert vote.yes_states == 17 and vote.states_share >= 0.55
    assert round(vote.population_share * 100, 1) == 54.2
    assert not vote.passed
