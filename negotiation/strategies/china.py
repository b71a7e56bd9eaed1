"""China's tactics from outside the room: how hard to press with export controls each round, and
which member states to reward for staying out of the US track.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from negotiation.council import QmvRule


@dataclass(frozen=True, slots=True)
class ChinaView:
    """What China sees at the start of a round."""

    base_pressure: float
    max_pressure: float
    budget: float
    closeness: float
    """How near a US-Commission deal is: 1 minus the mean gap between the US offer and the
    Commission's standing position (its counter-offer, or its mandate); 0 before any US offer."""
    coordination: float
    """How much the likely deal targets China (0..1, its export-exemption/coordination terms)."""
    bloc_value: np.ndarray
    """Each state's value for staying on the US track (bloc or its bilateral deal)."""
    china_value: np.ndarray
    """Each state's value for leaning to China with no inducement."""
    populations: np.ndarray
    rule: QmvRule


class ChinaStrategy:
    """Base class: `decide(view)` returns (pressure 0..1, inducement per state)."""

    name: ClassVar[str] = ""
    params: ClassVar[dict[str, float]] = {}

    def decide(self, v: ChinaView) -> tuple[float, np.ndarray]:
        raise NotImplementedError


class Restraint(ChinaStrategy):
    """Restraint: keeps the controls already in force (the April 2025 rare-earth licensing that
    outlasted the Busan truce of October 2025) and offers nobody anything: pressure stays at its
    base level."""

    name = "restraint"

    def decide(self, v: ChinaView) -> tuple[float, np.ndarray]:
        return v.base_pressure, np.zeros_like(v.populations)


class Escalation(ChinaStrategy):
    """Escalation: tightens export controls as a Western deal that coordinates against China
    comes near, as China did in 2023-2025 (gallium and germanium after the Dutch and Japanese
    chip controls, the October 2025 rare-earth expansion). Pressure = base + (max - base) *
    closeness * coordination, scaled by `intensity`."""

    name = "escalation"
    params: ClassVar[dict[str, float]] = {"intensity": 1.0}

    def __init__(self, intensity: float | None = None):
        self.intensity = float(self.params["intensity"] if intensity is None else intensity)

    def decide(self, v: ChinaView) -> tuple[float, np.ndarray]:
        rise = (v.max_pressure - v.base_pressure) * v.closeness * v.coordination * self.intensity
        return min(v.max_pressure, v.base_pressure + rise), np.zeros_like(v.populations)


class DivideAndRule(ChinaStrategy):
    """Divide and rule: buy the cheapest set of member states that can block in the Council
    (at least four states and enough population), paying each just enough (`margin` above the
    gap) to make leaning to China worth more than the US track. The cheapest set is found exactly
    by dynamic programming over states (population counted in 0.1% steps). China's courting of
    single states through the 16+1 / 14+1 format and its reported rewards to Hungary and Greece
    are the model. The default margin (0.12) outbids a loyalist's attachment to the bloc (0.1).
    If the set costs more than the budget, it pays nobody."""

    name = "divide_and_rule"
    params: ClassVar[dict[str, float]] = {"margin": 0.12}

    def __init__(self, margin: float | None = None):
        self.margin = float(self.params["margin"] if margin is None else margin)

    def decide(self, v: ChinaView) -> tuple[float, np.ndarray]:
        cost = np.maximum(0.0, v.bloc_value - v.china_value) + self.margin
        chosen = cheapest_blocking_set(cost, v.populations, v.rule)
        inducements = np.zeros_like(v.populations, dtype=float)
        if chosen is not None and cost[chosen].sum() <= v.budget:
            inducements[chosen] = cost[chosen]
        return v.base_pressure, inducements


def cheapest_blocking_set(
    cost: np.ndarray, populations: np.ndarray, rule: QmvRule
) -> np.ndarray | None:
    """The cheapest states (a boolean mask) that block a package by voting no, or None.

    They block through population (no-voters above 1 - population_share of the people, and at
    least `blocking_min_states` states) or through numbers (enough states that the yes side falls
    below states_share); whichever is cheaper. Population is counted in whole 0.1% steps, rounded
    down, so a set found always blocks.
    """
    n = len(cost)
    m = rule.blocking_min_states
    best: np.ndarray | None = None
    best_cost = np.inf
    k = max(int(np.floor(n * (1 - rule.states_share))) + 1, m)
    if k <= n:  # by numbers: the k cheapest states
        best = np.zeros(n, dtype=bool)
        best[np.argsort(cost, kind="stable")[:k]] = True
        best_cost = float(cost[best].sum())
    bins = np.floor(populations / populations.sum() * 1000).astype(int)
    need = int(np.floor((1 - rule.population_share) * 1000)) + 1
    if m > n or bins.sum() < need:
        return best
    # dp[c, p]: least cost of a set of min(c, m) states holding min(p, need) population bins.
    dp = np.full((m + 1, need + 1), np.inf)
    dp[0, 0] = 0.0
    tables = [dp]
    for i in range(n):
        b = min(int(bins[i]), need)
        grown = np.full_like(dp, np.inf)
        grown[1:, b:need] = dp[:-1, : need - b]
        grown[1:, need] = dp[:-1, need - b :].min(axis=1)
        grown[m, b:need] = np.minimum(grown[m, b:need], dp[m, : need - b])
        grown[m, need] = min(grown[m, need], dp[m, need - b :].min())
        dp = np.minimum(dp, grown + cost[i])
        tables.append(dp)
    if not dp[m, need] < best_cost:
        return best
    # Walk back: a state was taken where the table changed at that step.
    chosen = np.zeros(n, dtype=bool)
    c, p = m, need
    for i in range(n - 1, -1, -1):
        now, before = tables[i + 1][c, p], tables[i][c, p]
        if now == before:
            continue
        chosen[i] = True
        b = min(int(bins[i]), need)
        prev_cs = [c - 1] if c < m else [m - 1, m]
        prev_ps = [p - b] if p < need else range(max(0, need - b), need + 1)
        c, p = next(
            (pc, pp)
            for pc in prev_cs
            for pp in prev_ps
            if pp >= 0 and np.isclose(tables[i][pc, pp] + cost[i], now)
        )
    return chosen


CHINA_STRATEGIES: dict[str, type[ChinaStrategy]] = {
    cls.name: cls for cls in (Restraint, Escalation, DivideAndRule)
}
