"""The Commission: negotiates for the bloc under its mandate, answers the US (accept or counter),
and puts an agreed package to the Council only when it expects the package to pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation import rules
from negotiation.frontier import best_utility, concession_order, offer_at
from negotiation.issues import Package
from negotiation.strategies import make_strategy
from negotiation.strategies.offers import ConcessionState
from negotiation.utility import Side

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


class Commission(mesa.Agent):
    """The Commission seat. Its position and saliences are the mandate (the compromise model of
    the member states, or a hand-set override); its walk-away value falls as states defect."""

    id = "commission"
    name = "Commission"

    def __init__(self, model: NegotiationModel):
        super().__init__(model)
        spec = model.spec
        states = model.states
        position, salience = rules.compromise_mandate(
            states.position, states.salience, states.population
        )
        if spec.commission.mandate is not None:
            position = model.space.from_real(spec.commission.mandate, True).values
        mode = spec.territorial_constraint
        weights = rules.clause_weight_for_states(mode, states.territorial_salience)
        # Under `hard` every deal has the clause anyway; under `off` nobody in the EU counts it.
        self.red_line = mode == "soft" and rules.clause_red_line(
            states.territorial_salience,
            states.population,
            model.rule,
            spec.council.red_line_salience,
        )
        self.clause_options = rules.clause_options(mode, self.red_line)
        self.side = Side(
            position=position,
            salience=salience,
            clause_weight=float((weights * states.population).sum() / states.population.sum()),
            wants_clause=True,
            reservation=spec.commission.reservation,
        )
        self.base_reservation = spec.commission.reservation
        self.reservation = self.base_reservation
        self.strategy = make_strategy(
            "offer", spec.commission.strategy.name, spec.commission.strategy.params
        )
        self.targets: list[float] = []
        self.counters: list[Package] = []
        self._order: list[int] | None = None

    def utility(self, package: Package) -> float:
        return self.side.utility(package.values, package.clause)

    def mandate_allows(self, package: Package) -> bool:
        """Does the mandate let the Commission sign this? (No clause-free deal under a red line.)"""
        return package.clause or False in self.clause_options

    def update_reservation(self, share_behind: float) -> None:
        self.reservation = rules.commission_reservation(self.base_reservation, share_behind)

    def target(self, progress: float, offer_utils: list[float]) -> float:
        state = ConcessionState(
            progress=progress,
            u_max=best_utility(self.side, self.clause_options),
            u_res=self.reservation,
            previous_target=self.targets[-1] if self.targets else None,
            opponent_utils=offer_utils,
        )
        return self.strategy.target(state)

    def counter_offer(self, target: float, us: Side) -> Package:
        if self._order is None:
            self._order = concession_order(self.side, us)
        values, clause = offer_at(self.side, us, target, self.clause_options, self._order)
        return Package(values, clause)

    @property
    def mandate_position(self) -> np.ndarray:
        return self.side.position
