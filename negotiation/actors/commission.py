"""The Commission: negotiates for the bloc under its mandate, answers the US (accept or counter),
promises EU funds to member states for their support, and puts an agreed package to the Council
only when it expects the package to pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import isfinite
from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation import legal_form, rules
from negotiation.actors.us import BELIEF_MARGIN
from negotiation.beliefs import BeliefGrid
from negotiation.frontier import best_utility, concession_order, offer_at
from negotiation.issues import Package
from negotiation.per_spec import frozen, shared
from negotiation.strategies import make_strategy
from negotiation.strategies.offers import ConcessionState, OfferStrategy
from negotiation.utility import Side

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel

PAYMENT_STEP = 0.005
"""EU funds are promised in steps of this size, just above the gap they close."""


_BOUND_MARGIN = 1e-9
"""Far above the rounding (and the 1e-12 tie margin of `offer_at`) by which a less demanding
counter could seem to give the US less."""


@dataclass(frozen=True, slots=True)
class _Mandate:
    """What the Commission brings to every game of a scenario (its preferences but the private
    walk-away, the clause and forms it may sign, its offer strategy)."""

    position: np.ndarray
    salience: np.ndarray
    clause_weight: float
    form_factors: dict[str, float] | None
    red_line: bool
    clause_options: tuple[bool, ...]
    forms: tuple[str, ...]
    frames: tuple[tuple[bool, str], ...]
    strategy: OfferStrategy

    @classmethod
    def of(cls, model: NegotiationModel) -> _Mandate:
        """The mandate of the model's scenario. Its position and saliences are the compromise
        model of the member states, or a hand-set override."""
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
        red_line = mode == "soft" and rules.clause_red_line(
            states.territorial_salience,
            states.population,
            model.rule,
            spec.council.red_line_salience,
        )
        clause_options = rules.clause_options(mode, red_line)
        forms = tuple(spec.legal_forms)
        population = states.population
        return cls(
            position=frozen(position),
            salience=frozen(salience),
            clause_weight=float((weights * population).sum() / population.sum()),
            form_factors=legal_form.form_factors(
                float((states.binding_premium * population).sum() / population.sum()),
                salience,
                model.space.bilateral_mask,
                forms,
            ),
            red_line=red_line,
            clause_options=clause_options,
            forms=forms,
            frames=rules.frames(clause_options, forms),
            strategy=make_strategy(
                "offer", spec.commission.strategy.name, spec.commission.strategy.params
            ),
        )


class Commission(mesa.Agent):
    """The Commission seat. Its position and saliences are the mandate (the compromise model of
    the member states, or a hand-set override); its walk-away value falls as states defect."""

    id = "commission"
    name = "Commission"

    def __init__(self, model: NegotiationModel, reservation: float, budget: float):
        super().__init__(model)
        mandate = shared(model.spec, "commission", lambda: _Mandate.of(model))
        self.red_line = mandate.red_line
        self.clause_options = mandate.clause_options
        self.forms = mandate.forms
        self.frames = mandate.frames
        self.side = Side(
            position=mandate.position,
            salience=mandate.salience,
            clause_weight=mandate.clause_weight,
            wants_clause=True,
            reservation=reservation,
            forms=mandate.form_factors,
        )
        self.base_reservation = reservation
        self.reservation = reservation
        self.budget = budget
        self.budget_left = budget
        self.strategy = mandate.strategy
        self.targets: list[float] = []
        self.counters: list[Package] = []
        self._order: list[int] | None = None
        self._best_counters: dict[tuple, tuple[Side, float, Package]] = {}
        self._utility_memo: dict[tuple[bytes, bool, str | None], float] = {}
        self.belief: BeliefGrid | None = None  # about the US's walk-away, set by the model

    def utility(self, package: Package) -> float:
        """The side's utility for a package (memoised: its preferences are fixed for a game)."""
        key = (package.values.tobytes(), package.clause, package.form)
        u = self._utility_memo.get(key)
        if u is None:
            u = self._utility_memo[key] = self.side.utility(
                package.values, package.clause, package.form
            )
        return u

    def mandate_allows(self, package: Package) -> bool:
        """Does the mandate let the Commission sign this? (No clause-free deal under a red line,
        no legal form the scenario does not allow.)"""
        return (package.clause or False in self.clause_options) and package.form in self.forms

    def update_reservation(self, share_behind: float) -> None:
        self.reservation = rules.commission_reservation(self.base_reservation, share_behind)

    def target(self, progress: float, offer_utils: list[float]) -> float:
        state = ConcessionState(
            progress=progress,
            u_max=best_utility(self.side, self.frames),
            u_res=self.reservation,
            previous_target=self.targets[-1] if self.targets else None,
            opponent_utils=offer_utils,
        )
        return max(self.strategy.target(state), self.reservation)

    def belief_floor(self, us: Side) -> float:
        """The most the Commission can get while leaving the US just above the walk-away the
        Commission believes it has."""
        if self.belief is None:
            return 0.0
        wanted = min(1.0, self.belief.estimate + BELIEF_MARGIN)
        return self.utility(Package(*offer_at(us, self.side, wanted, self.frames)))

    def counter_offer(self, target: float, us: Side, frames=None) -> Package:
        if self._order is None:
            self._order = concession_order(self.side, us)
        return Package(*offer_at(self.side, us, target, frames or self.frames, self._order))

    def council_proof_counter(
        self, target: float, us: Side, passes: Callable[[Package], bool]
    ) -> Package:
        """The counter-offer at the target, or, if the Council (or the Parliament) would reject
        that, the least demanding counter between the target and the Commission's best that would
        pass. With several legal forms allowed, that search runs in each form, and the counter
        that gives the US the most wins (ties: the scenario's order of forms)."""
        package = self.counter_offer(target, us)
        if passes(package):
            return package
        if len(self.forms) == 1:
            return self._least_demanding(target, us, passes, self.frames) or package
        # What each form's search returns is a counter at the target or above, worth no more to
        # the US than the form's counter at the target (less demanding counters give it more).
        # Searching the forms from the highest such bound down, a form whose bound falls short
        # of a counter already found cannot win, and its search is skipped.
        searches = []
        for form in self.forms:
            frames = tuple(f for f in self.frames if f[1] == form)
            at_target = self.counter_offer(target, us, frames)
            searches.append((us.utility(at_target.values, at_target.clause, form), frames))
        found: list[tuple[float, Package] | None] = [None] * len(searches)
        most = -np.inf
        for i in sorted(range(len(searches)), key=lambda i: -searches[i][0]):
            bound, frames = searches[i]
            if bound < most - _BOUND_MARGIN:
                continue
            counter = self._least_demanding(target, us, passes, frames)
            if counter is not None:
                value = us.utility(counter.values, counter.clause, counter.form)
                found[i] = (value, counter)
                most = max(most, value)
        passing = [f for f in found if f is not None]
        if not passing:
            return package
        return max(passing, key=lambda f: f[0])[1]

    def _least_demanding(
        self, target: float, us: Side, passes: Callable[[Package], bool], frames
    ) -> Package | None:
        low, (high, best) = target, self._best_counter(us, frames)
        if not passes(best):
            return None
        for _ in range(6):  # to 1/64 of the room between target and best
            mid = (low + high) / 2
            trial = self.counter_offer(mid, us, frames)
            if passes(trial):
                high, best = mid, trial
            else:
                low = mid
        return best

    def _best_counter(self, us: Side, frames) -> tuple[float, Package]:
        """The most demanding counter in these frames and its utility to the Commission (fixed
        for a game: memoised)."""
        key = (id(us), frames)
        hit = self._best_counters.get(key)
        if hit is None or hit[0] is not us:
            high = self.utility(self.counter_offer(1.0, us, frames))
            hit = self._best_counters[key] = (us, high, self.counter_offer(high, us, frames))
        return hit[1], hit[2]

    def payments_to_pass(
        self,
        yes_value: np.ndarray,
        no_value: np.ndarray,
        asks: np.ndarray,
        passes: Callable[[np.ndarray], bool],
        populations: np.ndarray,
    ) -> np.ndarray:
        """EU funds to promise: first the asks of states backing the bloc on a condition (the
        most population per unit of money first), then, if the package would still fail, the gap
        of each no-voter, priced exactly on today's values, while that can make it pass within
        the budget. Nothing is promised toward a pass the budget cannot reach. `passes` counts a
        vote (a yes per state) by the package's rule."""
        # The loops run on plain floats (the same arithmetic, without numpy scalars).
        pay = np.zeros(populations.size)
        left = self.budget_left
        asked = asks.tolist()
        if any(a > 0 for a in asked):  # (with no ask, nothing is paid here)
            for i in (-(populations / np.maximum(asks, 1e-9))).argsort(kind="stable").tolist():
                if asked[i] > 0 and asked[i] <= left:
                    pay[i] = asked[i]
                    left -= asked[i]
        yes = yes_value + pay > no_value
        if passes(yes):
            return pay
        gap = np.where(yes, np.inf, no_value - yes_value - pay + PAYMENT_STEP)
        gaps = gap.tolist()
        extra = np.zeros_like(pay)
        for i in (-(populations / np.maximum(gap, 1e-9))).argsort(kind="stable").tolist():
            if not isfinite(gaps[i]) or gaps[i] > left:
                continue
            extra[i] = gaps[i]
            left -= gaps[i]
            yes[i] = True
            if passes(yes):
                return pay + extra
        return pay

    @property
    def mandate_position(self) -> np.ndarray:
        return self.side.position
