"""How the US and the Commission concede: each strategy turns the state of the talks into a target
utility for this round's offer. The offer itself (which terms to give up first) is the trade-off
in `frontier.py`; the strategy only says how much to give up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class ConcessionState:
    """What an offer strategy sees: time, its own bounds, and the other side's offers so far."""

    progress: float
    """0 in the first round, 1 in the last."""
    u_max: float
    """The best utility this side can get from an admissible package."""
    u_res: float
    """This side's walk-away utility now."""
    previous_target: float | None
    opponent_utils: list[float] = field(default_factory=list)
    """This side's utility for each offer the other side has made, oldest first."""


class OfferStrategy:
    """Base class: `target(state)` is the utility this side insists on this round."""

    name: ClassVar[str] = ""
    params: ClassVar[dict[str, float]] = {}

    def target(self, s: ConcessionState) -> float:
        raise NotImplementedError


class TimeDependent(OfferStrategy):
    """Time-dependent concession of Faratin, Sierra & Jennings (1998), "Negotiation decision
    functions for autonomous agents": the target falls from the best utility to the reservation
    as the deadline nears, u(t) = u_max - (u_max - u_res) * t**(1/e). With e < 1 the side holds
    firm and concedes late (Boulware); with e > 1 it concedes early (Conceder); e = 1 is linear.
    """

    name = "time_dependent"
    params: ClassVar[dict[str, float]] = {"e": 1.0}

    def __init__(self, e: float | None = None):
        self.e = float(self.params["e"] if e is None else e)
        if self.e <= 0:
            raise ValueError("e must be above 0")

    def target(self, s: ConcessionState) -> float:
        if s.u_max <= s.u_res:
            return s.u_max
        return s.u_max - (s.u_max - s.u_res) * s.progress ** (1.0 / self.e)


class Boulware(TimeDependent):
    """Boulware (Faratin et al. 1998, e = 0.2 by default): keeps close to its best offer and
    concedes only as the deadline arrives. Named after the GE negotiator Lemuel Boulware's
    take-it-or-leave-it style."""

    name = "boulware"
    params: ClassVar[dict[str, float]] = {"e": 0.2}


class Conceder(TimeDependent):
    """Conceder (Faratin et al. 1998, e = 2 by default): gives up most of its room in the first
    rounds, then settles near its reservation."""

    name = "conceder"
    params: ClassVar[dict[str, float]] = {"e": 2.0}


class Linear(TimeDependent):
    """Linear concession (Faratin et al. 1998, e = 1): the same step every round, from the best
    utility in round one to the reservation in the last."""

    name = "linear"
    params: ClassVar[dict[str, float]] = {"e": 1.0}


class TitForTat(OfferStrategy):
    """Relative tit-for-tat, after the imitative tactics of Faratin et al. (1998) and Axelrod's
    tit-for-tat: open at the best utility, then concede by as much as the other side's last
    offer improved on its previous one, measured in this side's own utility (plus a small
    `opening` step in round two so that two tit-for-tat players can start moving). Never goes
    below the reservation."""

    name = "tit_for_tat"
    params: ClassVar[dict[str, float]] = {"opening": 0.02}

    def __init__(self, opening: float | None = None):
        self.opening = float(self.params["opening"] if opening is None else opening)

    def target(self, s: ConcessionState) -> float:
        if s.previous_target is None:
            return s.u_max
        u = s.opponent_utils
        step = (u[-1] - u[-2]) if len(u) >= 2 else self.opening
        return max(s.u_res, min(s.u_max, s.previous_target - max(0.0, step)))


class Hardliner(OfferStrategy):
    """Hardliner: the "take it or leave it" tactic of the negotiation literature (Raiffa 1982;
    Genius's HardHeaded family in its purest form): always asks for its best utility and never
    concedes. Useful as a baseline: a deal happens only if the other side gives in."""

    name = "hardliner"

    def target(self, s: ConcessionState) -> float:
        return s.u_max


OFFER_STRATEGIES: dict[str, type[OfferStrategy]] = {
    cls.name: cls for cls in (Boulware, Conceder, Linear, TimeDependent, TitForTat, Hardliner)
}
