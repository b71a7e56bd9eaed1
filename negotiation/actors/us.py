"""The United States: bloc offers to the Commission, bilateral offers to member states, and
whether to concede the territorial clause (it pays `territorial_ambition` when it does)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation.frontier import best_utility, concession_order, offer_at
from negotiation.issues import Package
from negotiation.strategies import make_strategy
from negotiation.strategies.offers import ConcessionState
from negotiation.utility import Side

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


class UnitedStates(mesa.Agent):
    """The US seat. Its offer strategy sets how much it asks for each round; the trade-off in
    `frontier.offer_at` picks the terms."""

    id = "us"
    name = "United States"

    def __init__(self, model: NegotiationModel):
        super().__init__(model)
        spec = model.spec.us
        self.side = Side.from_prefs(model.space, spec, spec.territorial_ambition, False)
        self.strategy = make_strategy("offer", spec.strategy.name, spec.strategy.params)
        self.courting = spec.courting
        self.courting_from = spec.courting_from_round
        self.generosity = spec.bilateral_generosity
        self.targets: list[float] = []
        self.offers: list[Package] = []
        self._order: list[int] | None = None

    def utility(self, package: Package) -> float:
        return self.side.utility(package.values, package.clause)

    def bilateral_utility(self, package: Package) -> float:
        """The US's value for a deal with one state: its terms on the bilateral issues only."""
        return self.side.partial_utility(
            package.values, package.clause, self.model.space.bilateral_mask
        )

    def target(self, progress: float, counter_utils: list[float], clause_options) -> float:
        state = ConcessionState(
            progress=progress,
            u_max=best_utility(self.side, clause_options),
            u_res=self.side.reservation,
            previous_target=self.targets[-1] if self.targets else None,
            opponent_utils=counter_utils,
        )
        return self.strategy.target(state)

    def bloc_offer(self, target: float, commission: Side, clause_options) -> Package:
        if self._order is None:
            self._order = concession_order(self.side, commission)
        values, clause = offer_at(self.side, commission, target, clause_options, self._order)
        return Package(values, clause)

    def courted(self, round_: int, codes: list[str], free: np.ndarray) -> np.ndarray:
        """Which member states the US courts this round (a mask over states)."""
        if self.courting == "none" or round_ < self.courting_from:
            return np.zeros_like(free)
        if self.courting == "all":
            return free.copy()
        wanted = np.array([c in self.courting for c in codes])
        return wanted & free

    def bilateral_offer(
        self, targets: np.ndarray, state_positions: np.ndarray, mode: str
    ) -> Package:
        """One set of bilateral terms for the courted states: the US's ideal moved toward their
        mean position by its generosity, on the bilateral issues. The US keeps the clause out
        unless the constraint is hard or it does not mind the clause."""
        mask = self.model.space.bilateral_mask
        goal = state_positions[targets].mean(axis=0)
        values = self.side.position.copy()
        values[mask] += self.generosity * (goal[mask] - values[mask])
        clause = mode == "hard" or self.side.clause_weight == 0
        return Package(values, clause)
