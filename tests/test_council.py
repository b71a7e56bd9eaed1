"""The Council's qualified majority (Art. 16(4) TEU; Art. 238(3) TFEU for fewer states)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from negotiation.council import QmvRule, can_block, qualified_majority

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
    # 4 of 6 is 66.7% of the states; DE+FR+IT+PL hold 92% of these six states' people.
    assert qualified_majority(votes([0, 1, 2, 3], n=6), pops, RULE).passed
    # 3 of 6 states is 50%: short of 55%, but only three vote no, and blocking needs four.
    three = qualified_majority(votes([0, 1, 2], n=6), pops, RULE)
    assert three.states_share < 0.55 and three.passed
    # Two yes and four no: four states block.
    assert not qualified_majority(votes([0, 1], n=6), pops, RULE).passed


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
