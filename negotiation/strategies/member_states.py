"""How a member state picks its stance each round: with the bloc, with the bloc on a condition,
a US bilateral deal, or China.

The member states' file (`actors/member_states.py`) values the options for every state at once
(numpy, states x options); a strategy only adjusts those values by its own outlook, and the state
takes the best adjusted option. Ties go to the bloc, then bilateral. Columns of the value matrix
are `BLOC`, `BILATERAL`, `CHINA`; an option not on offer is -inf. `CONDITIONAL` (back the bloc if
the Commission pays a price) is decided after the strategy, from the gap it reveals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

BLOC, BILATERAL, CHINA, CONDITIONAL = 0, 1, 2, 3
STANCES = ("bloc", "bilateral", "china", "conditional")


@dataclass(frozen=True, slots=True)
class StanceContext:
    """Per-state numbers a strategy may weigh (arrays over the states it decides for)."""

    pressure_cost: np.ndarray
    """The retaliation China's current pressure threatens each state with on a US track."""
    us_alignment: np.ndarray


class StanceStrategy:
    """Base class: `adjust(values, ctx)` returns the values as this kind of state sees them."""

    name: ClassVar[str] = ""
    params: ClassVar[dict[str, float]] = {}

    def adjust(self, values: np.ndarray, ctx: StanceContext) -> np.ndarray:
        raise NotImplementedError


class Opportunist(StanceStrategy):
    """Opportunist: the rational-choice baseline of the EU bargaining literature (e.g. Thomson,
    Stokman et al., "The European Union Decides", 2006): take whichever option is worth most this
    round, with no weight for bloc solidarity beyond the loyalty cost already in the values."""

    name = "opportunist"

    def adjust(self, values: np.ndarray, ctx: StanceContext) -> np.ndarray:
        return values


class Loyalist(StanceStrategy):
    """Loyalist: holds to the common position unless another option is better by a clear gap
    (`threshold`, in utility). Models the "sincere cooperation" duty of Art. 4(3) TEU and the
    habits of consensus in the Council that Heisenberg (2005) and Lewis (2005) describe."""

    name = "loyalist"
    params: ClassVar[dict[str, float]] = {"threshold": 0.1}

    def __init__(self, threshold: float | None = None):
        self.threshold = float(self.params["threshold"] if threshold is None else threshold)

    def adjust(self, values: np.ndarray, ctx: StanceContext) -> np.ndarray:
        out = values.copy()
        out[:, BLOC] += self.threshold
        return out


class Atlanticist(StanceStrategy):
    """Atlanticist: a state whose security rests on the US alliance (the "new Europe" of the
    2003 Iraq split; Poland and the Baltic states in 2026) never leans to China, whatever China
    offers. Its US alignment is already in the value of a US deal; it is not counted twice."""

    name = "atlanticist"

    def adjust(self, values: np.ndarray, ctx: StanceContext) -> np.ndarray:
        out = values.copy()
        out[:, CHINA] = -np.inf
        return out


class ChinaHedger(StanceStrategy):
    """China-hedger: a state that fears retaliation more than it values the deal (Hungary's
    "Eastern opening"; the hedging strategies in the small-state literature, Kuik 2008) counts
    China's pressure `fear` times over on any US track."""

    name = "china_hedger"
    params: ClassVar[dict[str, float]] = {"fear": 1.0}

    def __init__(self, fear: float | None = None):
        self.fear = float(self.params["fear"] if fear is None else fear)

    def adjust(self, values: np.ndarray, ctx: StanceContext) -> np.ndarray:
        out = values.copy()
        out[:, BLOC] -= self.fear * ctx.pressure_cost
        out[:, BILATERAL] -= self.fear * ctx.pressure_cost
        return out


STANCE_STRATEGIES: dict[str, type[StanceStrategy]] = {
    cls.name: cls for cls in (Opportunist, Loyalist, Atlanticist, ChinaHedger)
}
