"""Which member states the US courts with bilateral offers each round.

A courting strategy sees a `CourtingView` (which states are still free, what a signature from each
would add to the US's walk-away at the bloc table, how far each is from signing) and returns a mask
of the states to court. `fixed` courts a list named in the scenario (the 4 Feb 2026 ministerial),
`pivotal` courts where a signature moves the bloc talks most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from negotiation.council import QmvRule
from negotiation.strategies.china import cheapest_blocking_set


@dataclass(frozen=True, slots=True)
class CourtingView:
    """What the US knows when it picks whom to court (arrays over all member states)."""

    codes: list[str]
    free: np.ndarray
    """States not yet holding a bilateral deal."""
    walkaway_gain: np.ndarray | None
    """How much the US's walk-away at the bloc table rises if the state signs (None for a
    strategy that does not read it: `CourtingStrategy.reads_values`)."""
    gap: np.ndarray | None
    """How much better a state's best other option is than the US bilateral offer (<= 0: it
    would sign today; None as `walkaway_gain`)."""
    populations: np.ndarray
    rule: QmvRule


class CourtingStrategy:
    """Base class: `court(view)` returns a boolean mask of the states courted this round."""

    name: ClassVar[str] = ""
    params: ClassVar[dict[str, float]] = {}
    reads_values: ClassVar[bool] = True
    """Does `court` read the view's walk-away gains and gaps? (They cost a valuation of every
    state's options; a strategy that ignores them is given None.)"""

    def court(self, v: CourtingView) -> np.ndarray:
        raise NotImplementedError


class CourtNone(CourtingStrategy):
    """No courting: the US talks only to the Commission (the bloc channel of the EU treaties)."""

    name = "none"
    reads_values = False

    def court(self, v: CourtingView) -> np.ndarray:
        return np.zeros_like(v.free)


class CourtAll(CourtingStrategy):
    """Court every free state at once: the "bilateral frameworks with willing partners" approach
    the US pressed at the 4 Feb 2026 Washington ministerial, extended to every member state."""

    name = "all"
    reads_values = False

    def court(self, v: CourtingView) -> np.ndarray:
        return v.free.copy()


class CourtFixed(CourtingStrategy):
    """Court a fixed list of states, as the US did at the 4 Feb 2026 ministerial (13 EU states
    present: BE, CZ, EE, FI, FR, DE, EL, IT, LT, NL, PL, RO, SE; scenario-facts.md)."""

    name = "fixed"
    reads_values = False

    def __init__(self, states: list[str] | None = None):
        self.states = list(states or [])

    def court(self, v: CourtingView) -> np.ndarray:
        wanted = np.array([c in self.states for c in v.codes], dtype=bool)
        return wanted & v.free


class CourtPivotal(CourtingStrategy):
    """Pivotal courting, after Riker's (1962) size principle and the pivotal-player logic of
    vote buying (Groseclose & Snyder 1996): court the `size` free states whose signature is most
    likely and raises the US's walk-away most, and first of all any state that completes a
    blocking minority of defectors within reach (states that would sign today or nearly so)."""

    name = "pivotal"
    params: ClassVar[dict[str, float]] = {"size": 4}

    def __init__(self, size: float | None = None):
        self.size = max(1, int(self.params["size"] if size is None else size))

    def court(self, v: CourtingView) -> np.ndarray:
        # Likelihood of signing falls off with the gap (in utility points of 0.05).
        likely = np.exp(-np.maximum(v.gap, 0.0) / 0.05)
        score = np.where(v.free, v.walkaway_gain * likely, -np.inf)
        # States in the cheapest set of defectors that could block a bloc deal come first.
        cost = np.where(v.free, np.maximum(v.gap, 0.0), np.inf)
        blocking = cheapest_blocking_set(
            np.where(np.isfinite(cost), cost, 1e6), v.populations, v.rule
        )
        if blocking is not None:
            score = np.where(blocking & v.free, score + 1.0, score)
        chosen = np.zeros_like(v.free)
        order = np.argsort(-score, kind="stable")[: self.size]
        chosen[order] = np.isfinite(score[order])
        return chosen


COURTING_STRATEGIES: dict[str, type[CourtingStrategy]] = {
    cls.name: cls for cls in (CourtNone, CourtAll, CourtFixed, CourtPivotal)
}
