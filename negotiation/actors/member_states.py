"""The member states: each a Mesa agent, all evaluated at once with numpy (states x issues).

A state chooses a stance every round (with the bloc, a US bilateral deal, or China's inducement)
and votes in the Council. The values it compares are computed here for all states together; its
strategy (see `strategies/member_states.py`) only adjusts them by its outlook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation import rules
from negotiation.issues import Package
from negotiation.strategies import make_strategy
from negotiation.strategies.member_states import (
    BILATERAL,
    BLOC,
    CHINA,
    STANCES,
    StanceContext,
)
from negotiation.utility import clause_factor, partial_deal, spatial

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


class MemberState(mesa.Agent):
    """One member state. Its numbers live in the `MemberStates` arrays at row `index`."""

    def __init__(self, model: NegotiationModel, index: int, code: str, name: str, population: int):
        super().__init__(model)
        self.index = index
        self.id = code
        self.name = name
        self.population = population

    @property
    def stance(self) -> str:
        return STANCES[self.model.states.stance[self.index]]

    @property
    def bilateral_deal(self) -> Package | None:
        return self.model.states.deals.get(self.index)


class MemberStates:
    """The member states' parameters and state as arrays, plus their agents."""

    def __init__(self, model: NegotiationModel):
        spec = model.spec
        space = model.space
        self.codes = list(spec.member_states.states)
        fields = [spec.state_fields(c) for c in self.codes]
        self.names = [f["name"] for f in fields]
        self.population = np.array([f["population"] for f in fields], dtype=float)
        self.position = np.array([space.from_real(f["position"], True).values for f in fields])
        self.salience = np.array([[f["salience"][i] for i in space.ids] for f in fields])
        self.reservation = np.array([f["reservation"] for f in fields])
        self.exposure = np.array([f["china_exposure"] for f in fields])
        self.us_alignment = np.array([f["us_alignment"] for f in fields])
        self.loyalty = np.array([f["loyalty"] for f in fields])
        self.territorial_salience = np.array([f["territorial_salience"] for f in fields])
        self.clause_weight = rules.clause_weight_for_states(
            spec.territorial_constraint, self.territorial_salience
        )
        self.bilateral_mask = space.bilateral_mask
        # Strategy groups: one strategy object per distinct (name, params), with its rows.
        groups: dict[tuple, list[int]] = {}
        refs: dict[tuple, object] = {}
        for i, f in enumerate(fields):
            ref = f["strategy"]
            key = (ref["name"], tuple(sorted(ref["params"].items())))
            groups.setdefault(key, []).append(i)
            refs[key] = ref
        self.strategy_names = [f["strategy"]["name"] for f in fields]
        self.groups = [
            (make_strategy("member_state", refs[k]["name"], refs[k]["params"]), np.array(rows))
            for k, rows in groups.items()
        ]
        self.n = len(self.codes)
        self.stance = np.full(self.n, BLOC, dtype=int)
        self.inducement = np.zeros(self.n)
        self.deals: dict[int, Package] = {}
        self.deal_round: dict[int, int] = {}
        self.held_value = np.zeros(self.n)
        """What each signed bilateral deal is worth to its holder (with its US alignment)."""
        self.agents = [
            MemberState(model, i, c, nm, int(p))
            for i, (c, nm, p) in enumerate(
                zip(self.codes, self.names, self.population, strict=True)
            )
        ]
        self.index = {c.upper(): i for i, c in enumerate(self.codes)}

    def sign(self, rows: np.ndarray, deal: Package, round_: int) -> None:
        """These states sign the US bilateral deal (final)."""
        if len(rows) == 0:
            return
        value = self.bilateral_utility(deal) + self.us_alignment
        for i in rows:
            self.deals[int(i)] = deal
            self.deal_round[int(i)] = round_
            self.held_value[i] = value[i]

    @property
    def signed(self) -> np.ndarray:
        """States holding a bilateral deal with the US (final: they cannot take it back)."""
        mask = np.zeros(self.n, dtype=bool)
        mask[list(self.deals)] = True
        return mask

    # --- what options are worth ------------------------------------------------------------------

    def deal_utility(self, package: Package) -> np.ndarray:
        """Every state's utility for a bloc package (clause counted as the constraint mode says)."""
        return clause_factor(package.clause, self.clause_weight, True) * spatial(
            package.values, self.position, self.salience
        )

    def bilateral_utility(self, package: Package) -> np.ndarray:
        """Every state's utility for a bilateral package (uncovered issues at reservation)."""
        return clause_factor(package.clause, self.clause_weight, True) * partial_deal(
            package.values, self.position, self.salience, self.bilateral_mask, self.reservation
        )

    def pressure_cost(self, pressure: float, leverage: float) -> np.ndarray:
        return pressure * self.exposure * leverage

    def stance_values(
        self,
        expected: Package | None,
        bilateral: Package | None,
        courted: np.ndarray,
        pressure_cost: np.ndarray,
        inducement: np.ndarray,
    ) -> np.ndarray:
        """States x (bloc, bilateral, china): what each option is worth this round.

        bloc: the expected bloc package, minus China's pressure cost.
        bilateral (if offered): the US terms on the bilateral issues, minus the loyalty cost of
        breaking ranks, plus the state's US alignment, minus China's pressure cost.
        china (if China made the state an offer or a threat): its reservation plus the
        inducement, minus the loyalty cost; China spares its friends the pressure.
        A threat (a negative inducement) costs the state its size on either US track.
        """
        values = np.full((self.n, 3), -np.inf)
        threat = np.minimum(inducement, 0.0)
        bloc = self.deal_utility(expected) if expected is not None else self.reservation
        values[:, BLOC] = bloc - pressure_cost + threat
        if bilateral is not None:
            bil = (
                self.bilateral_utility(bilateral)
                - self.loyalty
                + self.us_alignment
                - pressure_cost
                + threat
            )
            values[:, BILATERAL] = np.where(courted, bil, -np.inf)
        values[:, CHINA] = np.where(
            inducement != 0, self.reservation + np.maximum(inducement, 0.0) - self.loyalty, -np.inf
        )
        return values

    def choose(
        self, values: np.ndarray, pressure_cost: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each state's chosen stance and the values as its strategy saw them."""
        seen = np.empty_like(values)
        for strategy, rows in self.groups:
            ctx = StanceContext(
                pressure_cost=pressure_cost[rows], us_alignment=self.us_alignment[rows]
            )
            seen[rows] = strategy.adjust(values[rows], ctx)
        return np.argmax(seen, axis=1), seen

    def vote_values(
        self, package: Package, pressure_cost: np.ndarray, coordination: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """(value of yes, value of the alternative) for every state.

        Yes: the package, minus the retaliation China's pressure threatens against a deal that
        coordinates against it, minus any threat China made the state. The alternative: the state's bilateral deal if it holds one, what
        China offered if it leans that way, else no deal (its reservation).
        """
        yes = (
            self.deal_utility(package)
            - pressure_cost * coordination
            + np.minimum(self.inducement, 0)
        )
        alt = self.reservation.copy()
        leaning = self.stance == CHINA
        alt[leaning] += np.maximum(self.inducement[leaning], 0.0)
        if self.deals:
            held = self.signed
            alt[held] = self.held_value[held]
        return yes, alt
