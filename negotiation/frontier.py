"""Exact bargaining geometry for two sides with additive spatial utilities.

- `concede`: the package that gives the other side most while keeping this side at a target
  utility. With linear utilities on each issue this is a fractional knapsack: give up issues in
  order of (their salience / my salience), the ones I care least about and they care most about
  first. It is the "trade-off, not a uniform slide" of GAME.md.
- `pareto_frontier`: the exact Pareto frontier in the utility plane, as line segments. For one
  frame (a value of the clause and a legal form, each scaling the two sides' utilities) it is the
  path of full concessions in that same order; with several frames allowed it is the upper
  envelope of their paths.
- `nash_point`: the Nash bargaining solution on that frontier, and distances to both.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from negotiation.memo import IdentityMemo
from negotiation.utility import Side, spatial

Point = tuple[float, float]
Segment = tuple[Point, Point]


_ORDERS: dict[tuple[bytes, bytes], list[int]] = {}


def concession_order(me: Side, them: Side) -> list[int]:
    """Issues in the order this side should give them up: their salience per unit of mine
    (memoised: the same two sides meet round after round)."""
    key = (me.salience.tobytes(), them.salience.tobytes())
    order = _ORDERS.get(key)
    if order is None:
        ratio = np.where(me.salience > 0, them.salience / np.maximum(me.salience, 1e-300), np.inf)
        order = np.argsort(-ratio, kind="stable").tolist()
        if len(_ORDERS) >= 256:
            _ORDERS.clear()
        _ORDERS[key] = order
    return list(order)


_PAIRS = IdentityMemo(256)
"""Per side, or pair of sides, what does not change while they meet round after round."""


def _as_lists(me: Side, them: Side) -> tuple[list[float], list[float], list[float]]:
    """(their position minus mine, their position, my saliences) as plain floats, memoised
    for the pair (the same two sides meet round after round)."""
    return _PAIRS.get(
        (me, them),
        "lists",
        lambda: (
            (them.position - me.position).tolist(),
            them.position.tolist(),
            me.salience.tolist(),
        ),
    )


def concede(me: Side, them: Side, budget: float, order: list[int] | None = None) -> np.ndarray:
    """Move from my ideal toward theirs, spending at most `budget` of my spatial utility."""
    x = me.position.copy()
    # Plain floats: the same arithmetic as on numpy scalars, without their overhead.
    gap, theirs, salience = _as_lists(me, them)
    for i in concession_order(me, them) if order is None else order:
        full_cost = salience[i] * abs(gap[i])
        if full_cost <= budget:
            x[i] = theirs[i]
            budget -= full_cost
        else:
            if salience[i] > 0:
                sign = 1.0 if gap[i] > 0 else -1.0 if gap[i] < 0 else 0.0
                x[i] += sign * budget / salience[i]
            break
    return x


Frame = tuple[bool, str | None]
"""The terms of a package that are not on a scale: the clause (in or out) and the legal form."""


def _clause_in_first(frames: Sequence[Frame]) -> Sequence[Frame]:
    """The frames with the clause in first (a stable sort; memoised per tuple of frames)."""
    if not isinstance(frames, tuple):
        return sorted(frames, key=lambda f: not f[0])
    return _clause_in_first_of(frames)


@functools.lru_cache(maxsize=256)
def _clause_in_first_of(frames: tuple[Frame, ...]) -> tuple[Frame, ...]:
    return tuple(sorted(frames, key=lambda f: not f[0]))


def offer_at(
    me: Side,
    them: Side,
    target: float,
    frames: Sequence[Frame],
    order: list[int] | None = None,
) -> tuple[np.ndarray, bool, str | None]:
    """The admissible package best for them that keeps me at `target` or above.

    For each allowed frame (clause value and legal form) the spatial budget is what the target
    leaves; the frame that gives them more wins (ties keep the clause in, then the earlier form).
    If no frame reaches the target, I offer my ideal with the frame best for me.
    """
    best: tuple[float, np.ndarray, Frame] | None = None
    if order is None and len(frames) > 1:
        order = concession_order(me, them)  # the same for every frame
    compare = len(frames) > 1  # with one frame, its package is the answer whatever it is worth
    for frame in _clause_in_first(frames):
        factor = me.factor(*frame)
        if factor <= 0 or target / factor > 1.0 + 1e-12:
            continue
        x = concede(me, them, max(0.0, 1.0 - target / factor), order)
        value = them.utility(x, *frame) if compare else 0.0
        if best is None or value > best[0] + 1e-12:
            best = (value, x, frame)
    if best is None:
        frame = max(frames, key=lambda f: me.factor(*f))
        return me.position.copy(), *frame
    return best[1], *best[2]


def best_utility(side: Side, frames: Sequence[Frame]) -> float:
    """The most a side can get from an admissible package: its ideal in its best frame
    (memoised per side and tuple of frames: a side's preferences are fixed for a game)."""
    if not isinstance(frames, tuple):
        return max(side.factor(*f) for f in frames)
    return _PAIRS.get((side,), frames, lambda: max(side.factor(*f) for f in frames))


def _path(a: Side, b: Side, frame: Frame) -> list[Point]:
    """Utility points (u_a, u_b) as side a gives up issue after issue in trade-off order, with the
    clause and legal form of `frame`."""
    fa, fb = a.factor(*frame), b.factor(*frame)
    sa, sb = 1.0, float(spatial(a.position, b.position, b.salience))
    points = [(fa * sa, fb * sb)]
    for i in concession_order(a, b):
        d = abs(b.position[i] - a.position[i])
        if d == 0:
            continue
        sa -= a.salience[i] * d
        sb += b.salience[i] * d
        points.append((fa * sa, fb * sb))
    return points


def _value_at(path: list[Point], u: float) -> float:
    """Best b-utility reachable on a path with a-utility at least u (-inf if none)."""
    us = [p[0] for p in path]  # decreasing
    if u > us[0] + 1e-12:
        return -np.inf
    if u <= us[-1]:
        return path[-1][1]
    for (u0, v0), (u1, v1) in itertools.pairwise(path):
        if u1 <= u <= u0:
            return v0 if u0 == u1 else v0 + (v1 - v0) * (u0 - u) / (u0 - u1)
    return path[-1][1]


def pareto_frontier(a: Side, b: Side, frames: Sequence[Frame]) -> list[Segment]:
    """The exact Pareto frontier of admissible packages, as segments in the (u_a, u_b) plane:
    the undominated parts of each allowed frame's (clause and legal form) trade-off path."""
    paths = {f: _path(a, b, f) for f in frames}
    segments: list[Segment] = []
    for c, path in paths.items():
        others = [p for k, p in paths.items() if k != c]
        for p0, p1 in itertools.pairwise(path):
            segments.extend(_undominated_parts(p0, p1, others))
        if len(path) == 1:
            segments.extend(_undominated_parts(path[0], path[0], others))
    return segments


def _undominated_parts(p0: Point, p1: Point, others: list[list[Point]]) -> list[Segment]:
    """The parts of segment p0-p1 that no point of the other paths dominates.

    The segment is cut at every other path's vertices, so on each part each other path's best
    b-utility is linear and so is this segment's margin over it; a part keeps the interval where
    its margin over every other path is at least zero (each such set is an interval)."""
    if not others:
        return [(p0, p1)]
    cuts = {0.0, 1.0}
    for other in others:
        for u, _ in other:
            if min(p0[0], p1[0]) < u < max(p0[0], p1[0]):
                cuts.add((p0[0] - u) / (p0[0] - p1[0]))
    ts = sorted(cuts)
    keep: list[Segment] = []

    def at(t: float) -> Point:
        return (p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1]))

    def margin(t: float, other: list[Point]) -> float:
        u, v = at(t)
        return v - _value_at(other, u)

    for t0, t1 in itertools.pairwise(ts):
        lo, hi = t0, t1
        for other in others:
            m0, m1 = margin(t0, other), margin(t1, other)
            if np.isinf(m0) or np.isinf(m1):
                continue  # this part lies beyond the other path's reach: it dominates nothing
            if m0 < -1e-12 and m1 < -1e-12:
                lo, hi = 1.0, 0.0
                break
            if m0 < -1e-12 or m1 < -1e-12:
                root = t0 + (t1 - t0) * m0 / (m0 - m1)
                if m0 > m1:
                    hi = min(hi, root)
                else:
                    lo = max(lo, root)
        if lo <= hi:
            keep.append((at(lo), at(hi)))
    return keep


def distance_to_frontier(point: Point, frontier: list[Segment]) -> float:
    """Euclidean distance in the utility plane from a point to the nearest frontier point.
    (The clip to [0, 1] and the norm, sqrt of the dot product, are written out: the same
    arithmetic as `np.clip` and `np.linalg.norm`, without their dispatch.)"""
    p = np.asarray(point)
    best = np.inf
    for s0, s1 in frontier:
        a, b = np.asarray(s0), np.asarray(s1)
        ab = b - a
        denom = float(ab @ ab)
        t = 0.0 if denom == 0 else min(max(float((p - a) @ ab / denom), 0.0), 1.0)
        v = p - (a + t * ab)
        best = min(best, math.sqrt(float(v.dot(v))))
    return best


@dataclass(frozen=True, slots=True)
class NashPoint:
    u_a: float
    u_b: float
    product: float


def nash_point(frontier: list[Segment], disagreement: Point) -> NashPoint | None:
    """The frontier point that maximises (u_a - d_a)(u_b - d_b), or None if no point beats d."""
    da, db = disagreement
    best: NashPoint | None = None
    for (u0, v0), (u1, v1) in frontier:
        du, dv = u1 - u0, v1 - v0
        a, b = u0 - da, v0 - db
        ts = [0.0, 1.0]
        if du * dv != 0:
            ts.append(-(du * b + dv * a) / (2 * du * dv))
        for t in ts:
            if not 0.0 <= t <= 1.0:
                continue
            x, y = a + t * du, b + t * dv
            if x < 0 or y < 0:
                continue
            if best is None or x * y > best.product:
                best = NashPoint(da + x, db + y, x * y)
    return best
