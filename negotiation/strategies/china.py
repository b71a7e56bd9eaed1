"""China's tactics from outside the room: how hard to press with export controls each round, and
which member states to reward for staying out of the US track.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import isfinite
from typing import ClassVar

import numpy as np

from negotiation.council import QmvRule
from negotiation.rules import THREAT_PRICE


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
    free: np.ndarray
    """States China may pay or threaten: those not holding a bilateral deal with the US."""
    exposure: np.ndarray
    """Each state's exposure to Chinese supply (0..1)."""
    vote_gap: Callable[[float], np.ndarray] | None = None
    """At a given pressure, how much more a state leaning to China gains from a yes than from a
    no on the likely deal (what a reward must beat to buy its no vote); None: price the stance
    only."""


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
    """Divide and rule: buy the cheapest set of member states that can block in the Council, each
    paid just enough (`margin` above the gap, priced on today's values) to make leaning to China
    worth more than the US track and a no vote worth more than a yes. China's courting of single states through the 16+1 / 14+1
    format and its reported rewards to Hungary and Greece are the model. The cheapest set is found
    exactly by dynamic programming over states. China never pays a state that has signed with the
    US. When the whole set costs more than the budget it still spends it, on the states that bring
    the most population per unit paid (no all-or-nothing cliff). With `coercion` 1, states whose
    exposure is at least 0.6 are threatened instead of rewarded (China's 2021 trade coercion of
    Lithuania); a threat is charged to the budget at half its size, since it costs China only if
    it must be carried out."""

    name = "divide_and_rule"
    params: ClassVar[dict[str, float]] = {"margin": 0.05, "coercion": 0.0}

    def __init__(self, margin: float | None = None, coercion: float | None = None):
        self.margin = float(self.params["margin"] if margin is None else margin)
        self.coercion = float(self.params["coercion"] if coercion is None else coercion)

    def decide(self, v: ChinaView) -> tuple[float, np.ndarray]:
        return v.base_pressure, self.inducements(v, v.base_pressure)

    def inducements(self, v: ChinaView, pressure: float) -> np.ndarray:
        """Rewards (> 0) and threats (< 0) per state, priced at the pressure China sets."""
        gap = np.maximum(0.0, v.bloc_value - v.china_value)
        if v.vote_gap is not None:  # a bought state must also vote no, or China paid for nothing
            gap = np.maximum(gap, v.vote_gap(pressure))
        gap = gap + self.margin
        threat = (v.exposure >= 0.6) & (self.coercion > 0)
        price = np.where(threat, gap * THREAT_PRICE, gap)
        price = np.where(v.free, price, np.inf)
        buyable = np.where(np.isfinite(price), price, 1e6)
        chosen = None
        # Any blocking set holds at least `blocking_min_states` states: when even the cheapest
        # that many cost more than the budget, the exact search cannot find one China affords.
        floor = np.sort(buyable)[: v.rule.blocking_min_states].sum()
        if floor <= v.budget:
            chosen = cheapest_blocking_set(buyable, v.populations, v.rule)
        if chosen is None or price[chosen].sum() > v.budget:
            chosen = _most_population_for(price, v.populations, v.budget)
        inducements = np.zeros_like(v.populations, dtype=float)
        inducements[chosen] = np.where(threat[chosen], -gap[chosen], gap[chosen])
        return inducements


class EscalateAndDivide(ChinaStrategy):
    """Escalate and divide: both at once, as China did in 2025-2026: export controls tightened
    as a Western deal came near (the October 2025 expansion) while single capitals were courted
    (Hungary's "Eastern opening", the 14+1 format). Pressure as `escalation`, inducements and
    threats as `divide_and_rule`."""

    name = "escalate_and_divide"
    params: ClassVar[dict[str, float]] = {"intensity": 1.0, "margin": 0.05, "coercion": 0.0}

    def __init__(
        self,
        intensity: float | None = None,
        margin: float | None = None,
        coercion: float | None = None,
    ):
        self.escalation = Escalation(intensity)
        self.divide = DivideAndRule(margin, coercion)

    def decide(self, v: ChinaView) -> tuple[float, np.ndarray]:
        pressure, _ = self.escalation.decide(v)
        return pressure, self.divide.inducements(v, pressure)


def _most_population_for(price: np.ndarray, populations: np.ndarray, budget: float) -> np.ndarray:
    """Greedy: states in order of population per unit of price, while the budget lasts."""
    chosen = np.zeros(price.size, dtype=bool)
    left = budget
    prices = price.tolist()  # plain floats: the same arithmetic, without numpy scalars
    for i in (-(populations / np.maximum(price, 1e-9))).argsort(kind="stable").tolist():
        if isfinite(prices[i]) and prices[i] <= left:
            chosen[i] = True
            left -= prices[i]
    return chosen


def _isclose(x: float, y: float) -> bool:
    """`np.isclose(x, y)` for two floats (rtol 1e-5, atol 1e-8), without numpy's overhead."""
    return (abs(x - y) <= 1e-08 + 1e-05 * abs(y) and isfinite(y)) or x == y


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
    costs = cost.tolist()
    for i in range(n - 1, -1, -1):
        now, before = float(tables[i + 1][c, p]), float(tables[i][c, p])
        if now == before:
            continue
        chosen[i] = True
        b = min(int(bins[i]), need)
        prev_cs = [c - 1] if c < m else [m - 1, m]
        prev_ps = [p - b] if p < need else range(max(0, need - b), need + 1)
        table = tables[i].tolist()
        c, p = next(
            (pc, pp)
            for pc in prev_cs
            for pp in prev_ps
            if pp >= 0 and _isclose(table[pc][pp] + costs[i], now)
        )
    return chosen


CHINA_STRATEGIES: dict[str, type[ChinaStrategy]] = {
    cls.name: cls for cls in (Restraint, Escalation, DivideAndRule, EscalateAndDivide)
}
