"""China, outside the room: sets export-control pressure each round and may offer inducements to
single member states to keep them off the US track."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation.issues import Package
from negotiation.per_spec import frozen, shared
from negotiation.strategies import make_strategy
from negotiation.strategies.china import ChinaStrategy
from negotiation.utility import Side

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


def _china_setup(model: NegotiationModel) -> tuple[Side, ChinaStrategy, float]:
    """What China brings to every game of a scenario: its preferences (a game draws the
    walk-away), its strategy and its leverage (the mean of its supply shares unless the
    scenario sets it)."""
    spec = model.spec.china
    side = Side.from_prefs(model.space, spec, 0.0, False)
    frozen(side.position)
    frozen(side.salience)
    shares = list(spec.supply_shares.values())
    leverage = (
        spec.leverage if spec.leverage is not None else (float(np.mean(shares)) if shares else 0.7)
    )
    return side, make_strategy("china", spec.strategy.name, spec.strategy.params), leverage


class China(mesa.Agent):
    """The China seat. Its leverage (how hard pressure bites) is the mean of its shares of EU
    supply unless the scenario sets it."""

    id = "china"
    name = "China"

    def __init__(self, model: NegotiationModel, budget: float):
        super().__init__(model)
        spec = model.spec.china
        side, self.strategy, self.leverage = shared(
            model.spec, "china", lambda: _china_setup(model)
        )
        self.side = Side(
            side.position, side.salience, 0.0, False, model.private_value(spec.reservation)
        )
        self.base_pressure = spec.base_pressure
        self.max_pressure = spec.max_pressure
        self.budget = budget
        self.isolated_retaliation = spec.isolated_retaliation
        self.pressure = self.base_pressure
        self.pressure_path: list[float] = []

    def utility(self, package: Package) -> float:
        return self.side.utility(package.values, package.clause)

    def partial_utility(self, package: Package) -> float:
        return self.side.partial_utility(
            package.values, package.clause, self.model.space.bilateral_mask
        )
