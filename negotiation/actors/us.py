"""The United States: bloc offers to the Commission, bilateral offers to member states it courts,
tariff threats, and whether to concede the territorial clause (it pays `territorial_ambition`
when it does). Its walk-away at the bloc table rises with every bilateral deal it holds."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation import legal_form
from negotiation.beliefs import BeliefGrid
from negotiation.frontier import best_utility, concession_order, offer_at
from negotiation.issues import Package
from negotiation.moves import USMove
from negotiation.per_spec import frozen, shared
from negotiation.strategies import make_courting, make_strategy
from negotiation.strategies.courting import CourtingStrategy, CourtingView
from negotiation.strategies.offers import ConcessionState, OfferStrategy
from negotiation.utility import Side, partial_deal

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel

BELIEF_MARGIN = 0.02
"""How much above its estimate of the other side's walk-away a side offers it near the end."""


@dataclass(frozen=True, slots=True)
class USView:
    """What the US sees when it moves."""

    progress: float
    counter: Package | None
    counter_utils: list[float]
    commission: Side
    commission_scale: float
    """The share of the population behind the Commission (its walk-away scales with it)."""
    frames: tuple[tuple[bool, str], ...]
    """The (clause, legal form) pairs a bloc package may take."""
    courting: CourtingView | None
    positions: np.ndarray
    refused: np.ndarray
    """States courted last round that did not sign."""
    threatened: np.ndarray
    candidates: dict[int, Package]
    """The bilateral terms the US would offer each state not yet signed."""


def _us_setup(model: NegotiationModel) -> tuple[Side, OfferStrategy, CourtingStrategy | None]:
    """What the US brings to every game of a scenario: its side (with the scenario's public
    walk-away, which a game replaces by its private one), its offer and courting strategies."""
    spec = model.spec.us
    side = Side.from_prefs(model.space, spec, spec.territorial_ambition, False)
    side = Side(
        frozen(side.position),
        frozen(side.salience),
        side.clause_weight,
        False,
        side.reservation,
        legal_form.form_factors(
            spec.binding_premium,
            side.salience,
            model.space.bilateral_mask,
            tuple(model.spec.legal_forms),
        ),
    )
    return (
        side,
        make_strategy("offer", spec.strategy.name, spec.strategy.params),
        make_courting(spec.courting),
    )


class UnitedStates(mesa.Agent):
    """The US seat. Its offer strategy sets how much it asks for each round; the trade-off in
    `frontier.offer_at` picks the terms; its courting strategy picks whom to court."""

    id = "us"
    name = "United States"

    def __init__(self, model: NegotiationModel, reservation: float):
        super().__init__(model)
        spec = model.spec.us
        side, self.strategy, self.courting = shared(model.spec, "us", lambda: _us_setup(model))
        self.side = Side(
            side.position, side.salience, side.clause_weight, False, reservation, side.forms
        )
        self.courting_from = spec.courting_from_round
        self.generosity = spec.bilateral_generosity
        self.tariff_size = spec.tariff_threat
        self.bilateral_mask = model.space.bilateral_mask
        self.targets: list[float] = []
        self.offers: list[Package] = []
        self._order: list[int] | None = None
        self._utility_memo: dict[tuple[bytes, bool, str | None], float] = {}
        self.belief: BeliefGrid | None = None  # about the Commission's walk-away, set by the model
        # The US's preferences are fixed for a game, so values of terms are memoised.
        self._bilateral_memo: dict[tuple[bytes, bool], float] = {}
        self._offers_memo: dict[tuple, dict[int, Package]] = {}
        self._utilities_memo: dict[tuple, tuple[tuple[Package, ...], np.ndarray]] = {}

    def utility(self, package: Package) -> float:
        """The side's utility for a package (memoised: its preferences are fixed for a game)."""
        key = (package.values.tobytes(), package.clause, package.form)
        u = self._utility_memo.get(key)
        if u is None:
            u = self._utility_memo[key] = self.side.utility(
                package.values, package.clause, package.form
            )
        return u

    def bilateral_utility(self, package: Package) -> float:
        """The US's value for a deal with one state: its terms on the bilateral issues, the rest
        at its walk-away."""
        key = (package.values.tobytes(), package.clause)
        u = self._bilateral_memo.get(key)
        if u is None:
            u = self.side.partial_utility(package.values, package.clause, self.bilateral_mask)
            self._bilateral_memo[key] = u
        return u

    def walkaway(self, shares: np.ndarray, deals: dict[int, Package]) -> float:
        """What the US gets with no bloc deal: its bilateral deals for the states that signed,
        its reservation for the rest (population-weighted)."""
        covered = sum(shares[i] for i in deals)
        held = sum(shares[i] * self.bilateral_utility(d) for i, d in deals.items())
        return float((1 - covered) * self.side.reservation + held)

    def bloc_value(self, package: Package, shares: np.ndarray, deals: dict[int, Package]) -> float:
        """The US's value for a bloc deal: for states holding a bilateral deal, that deal's terms
        stand on the bilateral issues."""
        if not deals:
            return self.utility(package)
        covered = sum(shares[i] for i in deals)
        total = (1 - covered) * self.utility(package)
        for i, deal in deals.items():
            x = np.where(self.bilateral_mask, deal.values, package.values)
            total += shares[i] * self.side.utility(x, package.clause and deal.clause, package.form)
        return float(total)

    # --- deciding ------------------------------------------------------------------------------------

    def target(self, v: USView, walkaway: float) -> float:
        state = ConcessionState(
            progress=v.progress,
            u_max=best_utility(self.side, v.frames),
            u_res=walkaway,
            previous_target=self.targets[-1] if self.targets else None,
            opponent_utils=v.counter_utils,
        )
        return max(self.strategy.target(state), walkaway)

    def belief_floor(self, v: USView) -> float:
        """The most the US can get while leaving the Commission just above the walk-away the US
        believes it has: the US never offers more than that."""
        if self.belief is None:
            return 0.0
        wanted = min(1.0, self.belief.estimate * v.commission_scale + BELIEF_MARGIN)
        return self.utility(Package(*offer_at(v.commission, self.side, wanted, v.frames)))

    def bloc_offer(self, target: float, commission: Side, frames) -> Package:
        if self._order is None:
            self._order = concession_order(self.side, commission)
        return Package(*offer_at(self.side, commission, target, frames, self._order))

    def bilateral_offers(
        self, rows: np.ndarray, positions: np.ndarray, mode: str
    ) -> dict[int, Package]:
        """Terms tailored to each state in `rows`: on the bilateral issues the US's ideal moves
        toward that state's own position by its generosity, but never so far that the deal is
        worth less to the US than walking away from that state (its reservation). The US's value
        falls linearly along that path, so the most generous terms it can afford are exact. The
        US keeps the clause out unless the constraint is hard or it does not mind the clause."""
        rows = np.asarray(rows, dtype=int)
        key = (rows.tobytes(), positions.tobytes(), mode)
        memo = self._offers_memo.get(key)
        if memo is not None:
            return dict(memo)
        clause = mode == "hard" or self.side.clause_weight == 0
        base = self.side.position
        ideal = self.bilateral_utility(Package(base, clause))
        step = np.where(self.bilateral_mask, positions[rows] - base, 0.0)
        slope = self.side.factor(clause) * (np.abs(step) @ self.side.salience)
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.where(slope > 0, (ideal - self.side.reservation) / slope, self.generosity)
        g = np.minimum(self.generosity, np.maximum(0.0, room * (1 - 1e-9)))
        values = base + g[:, None] * step
        offers = {int(i): Package(values[k], clause) for k, i in enumerate(rows.tolist())}
        self._offers_memo[key] = offers
        return dict(offers)

    def bilateral_utilities(self, offers: dict[int, Package], n: int) -> np.ndarray:
        """The US's value for each state's bilateral offer (0 where it has none), at once.
        Memoised (read-only) while the same offer objects stand."""
        packages = tuple(offers.values())
        key = (tuple(offers), tuple(map(id, packages)), n)
        hit = self._utilities_memo.get(key)
        if hit is not None and all(map(operator.is_, hit[0], packages)):
            return hit[1]
        out = np.zeros(n)
        if offers:
            rows = np.fromiter(offers, dtype=int)
            x = np.array([offers[i].values for i in rows])
            factor = np.array([self.side.factor(offers[i].clause) for i in rows])
            out[rows] = factor * partial_deal(
                x,
                self.side.position,
                self.side.salience,
                self.bilateral_mask,
                self.side.reservation,
            )
        out.flags.writeable = False
        self._utilities_memo = {key: (packages, out)}  # only the latest: offers change rarely
        return out

    def decide(self, v: USView, walkaway: float, bloc_value) -> tuple[USMove, float]:
        """The US's move this round and the target that decided it."""
        target = self.target(v, walkaway)
        offer_target = max(target, min(self.belief_floor(v), best_utility(self.side, v.frames)))
        courted = np.zeros(v.positions.shape[0], dtype=bool)
        if v.courting is not None and self.model.round >= self.courting_from:
            courted = self.courting.court(v.courting)
        bilateral = {i: v.candidates[i] for i in np.nonzero(courted)[0].tolist()}
        threatened = v.threatened.copy()
        if self.tariff_size > 0:
            threatened |= v.refused
        if v.counter is not None and bloc_value(v.counter) >= target - 1e-9:
            move = USMove("accept", v.counter, courted, bilateral, threatened, offer_target)
        else:
            package = self.bloc_offer(offer_target, v.commission, v.frames)
            move = USMove("offer", package, courted, bilateral, threatened, offer_target)
        return move, target
