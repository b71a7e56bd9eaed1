"""Exact bargaining geometry: the trade-off offer, the Pareto frontier and the Nash point, checked
against brute force on random two-sided problems."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation.frontier import (
    concede,
    distance_to_frontier,
    nash_point,
    offer_at,
    pareto_frontier,
)
from negotiation.utility import Side


def side(position, salience, weight=0.0, wants=True, reservation=0.3):
    salience = np.asarray(salience, dtype=float)
    return Side(
        np.asarray(position, dtype=float), salience / salience.sum(), weight, wants, reservation
    )


BOTH = ((False, None), (True, None))  # the clause in or out, one legal form

sides = st.integers(2, 5).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 1), min_size=n, max_size=n),
        st.lists(st.floats(0.05, 1), min_size=n, max_size=n),
        st.lists(st.floats(0, 1), min_size=n, max_size=n),
        st.lists(st.floats(0.05, 1), min_size=n, max_size=n),
        st.floats(0, 0.6),
        st.floats(0, 0.6),
    )
)


def test_concede_gives_up_what_i_care_least_and_they_most_first():
    me = side([0, 0, 0], [0.6, 0.3, 0.1])
    them = side([1, 1, 1], [0.1, 0.3, 0.6])
    x = concede(me, them, budget=0.1)  # exactly the cost of giving up issue 2 entirely
    np.testing.assert_allclose(x, [0, 0, 1])
    x = concede(me, them, budget=0.25)  # then half of issue 1 (cost 0.3 per unit)
    np.testing.assert_allclose(x, [0, 0.5, 1])


@settings(max_examples=60, deadline=None)
@given(sides, st.floats(0.3, 1.0))
def test_offer_at_keeps_my_target_and_beats_random_packages_for_them(problem, target):
    pa, sa, pb, sb, wa, wb = problem
    me, them = side(pa, sa, wa, False), side(pb, sb, wb, True)
    x, clause, _ = offer_at(me, them, target, ((False, None), (True, None)))
    best_possible = max(me.factor(c) for c in (False, True))
    if target <= best_possible:
        assert me.utility(x, clause) >= target - 1e-9
        rng = np.random.default_rng(0)
        for _ in range(300):
            y = rng.random(len(pa))
            for c in (False, True):
                if me.utility(y, c) >= target:
                    assert them.utility(y, c) <= them.utility(x, clause) + 1e-9


@settings(max_examples=40, deadline=None)
@given(sides)
def test_no_random_package_lies_beyond_the_frontier(problem):
    pa, sa, pb, sb, wa, wb = problem
    a, b = side(pa, sa, wa, False), side(pb, sb, wb, True)
    frontier = pareto_frontier(a, b, BOTH)
    assert frontier
    rng = np.random.default_rng(1)
    for _ in range(200):
        y = rng.random(len(pa))
        for c in (False, True):
            u, v = a.utility(y, c), b.utility(y, c)
            # some frontier point gives a at least u and b at least v
            assert max(_best_b(seg, u) for seg in frontier) >= v - 1e-9


def _best_b(segment, u):
    """The most b-utility on a frontier segment among its points giving a at least u."""
    (u0, v0), (u1, v1) = segment
    if max(u0, u1) < u - 1e-12:
        return -np.inf
    if u0 == u1:
        return max(v0, v1)
    t = (u - u0) / (u1 - u0)  # where a's utility equals u along the segment
    ends = [0.0, 1.0] + ([t] if 0 < t < 1 else [])
    reach = [v0 + s * (v1 - v0) for s in ends if u0 + s * (u1 - u0) >= u - 1e-9]
    return max(reach, default=-np.inf)


@settings(max_examples=40, deadline=None)
@given(sides)
def test_frontier_points_are_not_dominated_by_each_other(problem):
    pa, sa, pb, sb, wa, wb = problem
    a, b = side(pa, sa, wa, False), side(pb, sb, wb, True)
    points = [p for seg in pareto_frontier(a, b, BOTH) for p in seg]
    for p in points:
        for q in points:
            assert not (q[0] > p[0] + 1e-7 and q[1] > p[1] + 1e-7)


@settings(max_examples=40, deadline=None)
@given(sides)
def test_nash_point_beats_a_dense_sample_of_the_frontier(problem):
    pa, sa, pb, sb, wa, wb = problem
    a, b = side(pa, sa, wa, False), side(pb, sb, wb, True)
    frontier = pareto_frontier(a, b, BOTH)
    d = (0.2, 0.2)
    nash = nash_point(frontier, d)
    best = max(
        (
            (u0 + t * (u1 - u0) - d[0]) * (v0 + t * (v1 - v0) - d[1])
            for (u0, v0), (u1, v1) in frontier
            for t in np.linspace(0, 1, 101)
            if u0 + t * (u1 - u0) >= d[0] and v0 + t * (v1 - v0) >= d[1]
        ),
        default=None,
    )
    if best is None:
        assert nash is None
    else:
        assert nash is not None
        assert nash.product >= best - 1e-9


def test_distance_to_frontier_is_zero_on_it_and_positive_below():
    a, b = side([0, 0], [0.5, 0.5], 0, False), side([1, 1], [0.5, 0.5], 0, True)
    frontier = pareto_frontier(a, b, ((True, None),))
    assert distance_to_frontier((0.5, 0.5), frontier) == pytest.approx(0.0, abs=1e-12)
    assert distance_to_frontier((0.4, 0.4), frontier) == pytest.approx(0.2 / np.sqrt(2))


forms = st.tuples(st.floats(0.5, 1), st.floats(0.5, 1), st.floats(0.5, 1), st.floats(0.5, 1))


@settings(max_examples=40, deadline=None)
@given(sides, forms)
def test_the_frontier_covers_every_legal_form(problem, factors):
    """With two legal forms that scale the sides differently, no package in either form (clause
    in or out) lies beyond the frontier, and the frontier reaches the best form of each side."""
    pa, sa, pb, sb, wa, wb = problem
    fa1, fa2, fb1, fb2 = factors
    a = side(pa, sa, wa, False)
    b = side(pb, sb, wb, True)
    a = Side(a.position, a.salience, wa, False, 0.3, {"one": fa1, "two": fa2})
    b = Side(b.position, b.salience, wb, True, 0.3, {"one": fb1, "two": fb2})
    frames = [(c, f) for c in (False, True) for f in ("one", "two")]
    frontier = pareto_frontier(a, b, frames)
    rng = np.random.default_rng(2)
    for _ in range(100):
        y = rng.random(len(pa))
        for frame in frames:
            u, v = a.utility(y, *frame), b.utility(y, *frame)
            assert max(_best_b(seg, u) for seg in frontier) >= v - 1e-9
    top_a = max(p[0] for seg in frontier for p in seg)
    assert top_a == pytest.approx(max(a.factor(*f) for f in frames))
