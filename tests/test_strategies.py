"""Each strategy pinned to its documented behaviour, Axelrod-style: one test (or a few) a class."""

import itertools

import numpy as np
import pytest

from negotiation import rules
from negotiation.council import QmvRule, can_block
from negotiation.strategies import (
    UnknownStrategy,
    check_strategy,
    make_courting,
    make_strategy,
    strategy_names,
)
from negotiation.strategies.china import ChinaView, cheapest_blocking_set
from negotiation.strategies.courting import CourtFixed, CourtingView
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, StanceContext
from negotiation.strategies.offers import ConcessionState


def state(progress, prev=None, opp=()):
    return ConcessionState(progress, 1.0, 0.4, prev, list(opp))


# --- offers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["boulware", "conceder", "linear"])
def test_time_dependent_runs_from_best_to_reservation(name):
    s = make_strategy("offer", name)
    assert s.target(state(0.0)) == pytest.approx(1.0)
    assert s.target(state(1.0)) == pytest.approx(0.4)


def test_faratin_formula_and_the_shape_of_each_family():
    t = 0.5
    boulware = make_strategy("offer", "boulware").target(state(t))
    linear = make_strategy("offer", "linear").target(state(t))
    conceder = make_strategy("offer", "conceder").target(state(t))
    assert linear == pytest.approx(1.0 - 0.6 * 0.5)
    assert boulware == pytest.approx(1.0 - 0.6 * 0.5 ** (1 / 0.2))
    assert conceder == pytest.approx(1.0 - 0.6 * 0.5 ** (1 / 2.0))
    assert boulware > linear > conceder  # Boulware holds firm, Conceder gives early


def test_time_dependent_takes_its_exponent_from_the_scenario():
    assert make_strategy("offer", "boulware", {"e": 0.5}).target(state(0.5)) == pytest.approx(
        1.0 - 0.6 * 0.25
    )


def test_tit_for_tat_mirrors_the_other_sides_last_concession():
    s = make_strategy("offer", "tit_for_tat")
    assert s.target(state(0.0)) == 1.0
    assert s.target(state(0.1, prev=1.0, opp=[0.5])) == pytest.approx(0.98)  # opening step
    assert s.target(state(0.2, prev=0.98, opp=[0.5, 0.6])) == pytest.approx(0.88)
    assert s.target(state(0.3, prev=0.88, opp=[0.6, 0.55])) == pytest.approx(0.88)  # no reward
    assert s.target(state(0.4, prev=0.45, opp=[0.2, 0.9])) == pytest.approx(0.4)  # floor


def test_hardliner_never_concedes():
    s = make_strategy("offer", "hardliner")
    assert {s.target(state(t, prev=1.0, opp=[0.1, 0.9])) for t in (0, 0.5, 1)} == {1.0}


# --- member states ------------------------------------------------------------------------------

VALUES = np.array([[0.60, 0.65, 0.55]])
CTX = StanceContext(pressure_cost=np.array([0.1]), us_alignment=np.array([0.1]))


def choose(name, values=VALUES, **params):
    seen = make_strategy("member_state", name, params).adjust(values, CTX)
    return int(np.argmax(seen, axis=1)[0])


def test_opportunist_takes_the_best_value():
    assert choose("opportunist") == BILATERAL


def test_loyalist_stays_unless_the_gap_is_large():
    assert choose("loyalist") == BLOC
    assert choose("loyalist", np.array([[0.6, 0.75, 0.5]])) == BILATERAL
    assert choose("loyalist", threshold=0.01) == BILATERAL


def test_atlanticist_never_leans_to_china_and_counts_its_alignment_once():
    assert choose("atlanticist", np.array([[0.5, -np.inf, 0.9]])) == BLOC
    # its US alignment is already in the value of the US deal: no second bonus
    assert choose("atlanticist", np.array([[0.7, 0.62, 0.1]])) == BLOC
    assert choose("atlanticist", np.array([[0.6, 0.65, 0.9]])) == BILATERAL


def test_china_hedger_fears_pressure():
    values = np.array([[0.60, 0.50, 0.55]])
    assert choose("opportunist", values) == BLOC
    assert choose("china_hedger", values) == CHINA


# --- China ---------------------------------------------------------------------------------------

POPS = np.array([83.6, 68.6, 58.9, 49.1, 36.5, 19.0, 18.0, 11.9, 10.9, 10.7, 10.6, 10.4, 9.5])


def view(**kw):
    base = dict(
        base_pressure=0.3,
        max_pressure=0.9,
        budget=5.0,
        closeness=0.5,
        coordination=0.8,
        bloc_value=np.full(len(POPS), 0.7),
        china_value=np.full(len(POPS), 0.4),
        populations=POPS,
        rule=QmvRule(),
        free=np.ones(len(POPS), dtype=bool),
        exposure=np.full(len(POPS), 0.5),
    )
    base.update(kw)
    return ChinaView(**base)


def test_restraint_holds_the_base_pressure_and_pays_nobody():
    pressure, inducements = make_strategy("china", "restraint").decide(view())
    assert pressure == 0.3 and not inducements.any()


def test_escalation_rises_with_closeness_and_coordination():
    s = make_strategy("china", "escalation")
    assert s.decide(view(closeness=0.0))[0] == pytest.approx(0.3)
    assert s.decide(view(closeness=0.5, coordination=0.8))[0] == pytest.approx(0.3 + 0.6 * 0.4)
    assert s.decide(view(closeness=1.0, coordination=1.0))[0] == pytest.approx(0.9)


def test_divide_and_rule_buys_a_set_that_can_block_within_budget():
    rng = np.random.default_rng(3)
    bloc = 0.5 + 0.4 * rng.random(len(POPS))
    pressure, paid = make_strategy("china", "divide_and_rule").decide(view(bloc_value=bloc))
    assert pressure == 0.3
    assert can_block(paid > 0, POPS, QmvRule())
    assert paid[paid > 0] == pytest.approx(bloc[paid > 0] - 0.4 + 0.05)


def test_divide_and_rule_spends_a_small_budget_where_it_moves_most_people():
    """No all-or-nothing cliff: a budget too small for a blocking set still buys votes, the most
    population per unit of money first, within the budget."""
    bloc = np.full(len(POPS), 0.5)
    _, paid = make_strategy("china", "divide_and_rule").decide(view(bloc_value=bloc, budget=0.3))
    assert paid.any() and paid.sum() <= 0.3 + 1e-9
    assert not can_block(paid > 0, POPS, QmvRule())
    # Every state costs the same here, so the most populous are bought.
    assert set(np.nonzero(paid)[0]) == set(np.argsort(-POPS)[: int(paid.astype(bool).sum())])


def test_divide_and_rule_never_pays_a_state_that_signed_with_the_us():
    free = np.ones(len(POPS), dtype=bool)
    free[np.argsort(-POPS)[:3]] = False  # the three largest have signed
    _, paid = make_strategy("china", "divide_and_rule").decide(view(free=free))
    assert paid.any() and not paid[~free].any()


def test_divide_and_rule_with_coercion_threatens_exposed_states_at_half_the_price():
    exposure = np.where(np.arange(len(POPS)) % 2 == 0, 0.8, 0.3)
    _, moves = make_strategy("china", "divide_and_rule", {"coercion": 1}).decide(
        view(exposure=exposure)
    )
    assert (moves[exposure >= 0.6] <= 0).all() and (moves[exposure < 0.6] >= 0).all()
    assert (moves < 0).any()
    assert rules.china_spending(moves) <= 5.0


# --- courting -----------------------------------------------------------------------------------


def courting_view(**kw):
    n = len(POPS)
    base = dict(
        codes=[f"S{i}" for i in range(n)],
        free=np.ones(n, dtype=bool),
        walkaway_gain=POPS / POPS.sum() * 0.2,
        gap=np.full(n, 0.2),
        populations=POPS,
        rule=QmvRule(),
    )
    base.update(kw)
    return CourtingView(**base)


def test_fixed_courting_courts_the_list_but_not_states_that_signed():
    v = courting_view()
    free = v.free.copy()
    free[1] = False
    chosen = CourtFixed(["S0", "S1", "S2"]).court(courting_view(free=free))
    assert chosen.tolist()[:4] == [True, False, True, False] and chosen.sum() == 2


def test_pivotal_courting_prefers_likely_signers_that_raise_the_walkaway():
    gap = np.full(len(POPS), 0.3)
    small = int(np.argmin(POPS))
    gap[small] = -0.1  # the smallest state would sign today
    chosen = make_strategy("courting", "pivotal", {"size": 2}).court(courting_view(gap=gap))
    assert chosen.sum() == 2 and chosen[small]
    chosen_all = make_courting("all").court(courting_view())
    assert chosen_all.all() and not make_courting("none").court(courting_view()).any()


def test_cheapest_blocking_set_matches_brute_force():
    rng = np.random.default_rng(7)
    rule = QmvRule()
    for _ in range(20):
        n = 9
        pops = rng.integers(1, 100, n).astype(float)
        cost = rng.random(n)
        found = cheapest_blocking_set(cost, pops, rule)
        best = min(
            (
                cost[list(c)].sum()
                for k in range(1, n + 1)
                for c in itertools.combinations(range(n), k)
                if can_block(np.isin(np.arange(n), c), pops, rule)
            ),
            default=None,
        )
        assert found is not None and can_block(found, pops, rule)
        # population is counted in 0.1% steps, rounded down: never cheaper than the true optimum,
        # and on these small problems it finds it.
        assert cost[found].sum() == pytest.approx(best)


# --- the registry -------------------------------------------------------------------------------


def test_unknown_strategy_lists_the_known_ones():
    with pytest.raises(UnknownStrategy, match="known offer strategies: boulware, conceder"):
        make_strategy("offer", "stubborn")
    assert "unknown strategy 'sly'" in check_strategy("china", "sly")
    assert "has no parameter 'speed'" in check_strategy("offer", "linear", {"speed": 1})


def test_every_strategy_says_where_it_comes_from():
    for role in ("offer", "member_state", "china", "courting"):
        for name in strategy_names(role):
            cls = type(make_strategy(role, name))
            assert cls.__doc__ and len(cls.__doc__.split()) > 15, name
