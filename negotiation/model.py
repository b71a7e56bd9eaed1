"""The game as a Mesa model: the protocol. One step is one round:

1. China sets its pressure and offers rewards or threats to single member states.
2. The US accepts the Commission's standing counter-offer or makes a bloc offer; it may court
   states with a bilateral offer and threaten tariffs.
3. Every member state takes a stance: the bloc, the bloc on a condition (EU funds), the US
   bilateral deal (signed, final) or China; a signed state may still ask for EU funds.
4. The Commission promises EU funds and accepts the US offer (if it meets its target and should
   pass the Council) or counter-offers.
5. If the US and the Commission agree, the Council votes by qualified majority. Pass: the bloc
   deal is signed and the game ends. Fail: talks go on.
6. After the last round without a bloc deal: a patchwork of bilateral deals, or no deal.

Each actor decides in its own class (`actors/`) and returns a typed move (`moves.py`); a seat
played by a person is asked the same question through `_seat`, which pauses the round at a
`Decision` until `submit` supplies a legal move. The log's sentences are written by `narrate.py`
from the typed moves, only when moves are recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from negotiation import narrate, rules, seats
from negotiation.actors import China, Commission, MemberStates, UnitedStates
from negotiation.actors.commission import PAYMENT_STEP
from negotiation.actors.member_states import Climate
from negotiation.actors.us import USView
from negotiation.beliefs import BeliefGrid
from negotiation.council import CouncilVote, QmvRule, qualified_majority
from negotiation.frontier import best_utility
from negotiation.issues import DealSpace, Issue, Package
from negotiation.moves import (
    ChinaMove,
    CommissionMove,
    Decision,
    IllegalMove,
    Move,
    StanceMove,
    USMove,
    VoteMove,
)
from negotiation.outcome import Outcome, measure_outcome
from negotiation.scenario import GameScenario, ScenarioSpec, load_scenario, range_of
from negotiation.strategies.china import ChinaView
from negotiation.strategies.courting import CourtingView
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, CONDITIONAL, STANCES

_ROUND_END = object()
PERSON_TARIFF = 0.1
"""What a tariff threat costs when a person in the US seat makes one and the scenario sets none."""
Round = Generator[Decision | object, Any, Any]


class NegotiationModel(mesa.Model):
    """The critical-minerals negotiation: build it from a `GameScenario` (spec, seed, human seats)."""

    def __init__(self, scenario: GameScenario):
        super().__init__(scenario=scenario)
        spec: ScenarioSpec = scenario.spec
        self.spec = spec
        self.seed = scenario.rng
        self.mode = spec.territorial_constraint
        self.rounds = spec.rounds
        self.noise = spec.noise
        self.space = DealSpace(
            [
                Issue(
                    k,
                    v.label,
                    v.unit,
                    v.low,
                    v.high,
                    v.bilateral,
                    v.targets_china,
                    v.supply_security,
                )
                for k, v in spec.issues.items()
            ]
        )
        # Private values are drawn first, from their own stream, so the noise draws of a game do
        # not shift them (docs/game.md, "Incomplete information").
        self._private_rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, 1])
        self.states = MemberStates(self)
        self.rule = QmvRule.for_table(
            self.states.population,
            spec.council.states_share,
            spec.council.population_share,
            spec.council.blocking_min_states,
        )
        self.us = UnitedStates(self, self.private_value(spec.us.reservation))
        self.commission = Commission(
            self,
            self.private_value(spec.commission.reservation),
            self.private_value(spec.commission.budget),
        )
        self.china = China(self, self.private_value(spec.china.inducement_budget))
        spread = spec.member_states.reservation_spread
        if spread > 0:  # drawn last, so the other private values do not depend on it
            self.states.reservation = np.clip(
                self.states.reservation + self._private_rng.uniform(-spread, spread, self.states.n),
                0.0,
                1.0,
            )
        self.us.belief = BeliefGrid(*range_of(spec.commission.reservation))
        self.commission.belief = BeliefGrid(*range_of(spec.us.reservation))
        self.narrator = narrate.Narrator(self.space, self.states.codes, self.states.names)
        self.humans = self._resolve_humans(scenario.humans)
        self.record_moves = scenario.record_moves or bool(self.humans)

        self.round = 0
        self.phase = "start"
        self.moves: list[Move] = []
        self.us_offer: Package | None = None
        self.counter: Package | None = None
        self.bilateral_offers: dict[int, Package] = {}
        """The US's standing bilateral offers: {state row: terms}."""
        self.courted = np.zeros(self.states.n, dtype=bool)
        self.agreement: Package | None = None
        self.votes: list[tuple[int, CouncilVote]] = []
        self.last_yes: np.ndarray | None = None
        self.signed: Package | None = None
        self.signed_round: int | None = None
        self.outcome: Outcome | None = None
        self.pending: Decision | None = None
        self._by: dict[str, str] = {}  # who made each human seat's latest move
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self._game: Round = self._play()

    def private_value(self, value) -> float:
        """A scenario value that may be private: a number, or a draw from its range."""
        low, high = range_of(value)
        return float(low if high <= low else self._private_rng.uniform(low, high))

    # --- construction helpers --------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path, seed: int | None = None, humans=()) -> NegotiationModel:
        return cls.from_spec(load_scenario(path), seed, humans)

    @classmethod
    def from_spec(
        cls, spec: ScenarioSpec, seed: int | None = None, humans=(), record_moves: bool = True
    ) -> NegotiationModel:
        """A game of this scenario and seed. `record_moves=False` (agents-only games, for sweeps
        that need only the outcome) skips writing the move log; the game itself is the same."""
        seed = spec.seed if seed is None else int(seed)
        return cls(
            GameScenario(rng=seed, spec=spec, humans=frozenset(humans), record_moves=record_moves)
        )

    def actor_ids(self) -> list[str]:
        return ["us", "commission", "china", *self.states.codes]

    def actor_name(self, actor: str) -> str:
        return self.narrator.name(actor)

    def _resolve_humans(self, humans) -> frozenset[str]:
        known = {a.lower(): a for a in self.actor_ids()}
        resolved = set()
        for h in humans:
            if str(h).lower() not in known:
                raise ValueError(f"unknown seat {h!r}; seats are {', '.join(self.actor_ids())}")
            resolved.add(known[str(h).lower()])
        return frozenset(resolved)

    # --- driving the game ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    def step(self) -> None:
        """Play until the current round ends, or until a human seat must move."""
        if self.pending is None:
            self._resume(None)

    def run(self) -> Outcome | None:
        """Play to the end (an agents-only game) or until a human seat must move."""
        while self.running and self.pending is None:
            self._resume(None)
        return self.outcome

    def submit(
        self, move: dict[str, Any], actor: str | None = None, by: str = "human"
    ) -> Decision | None:
        """Give the waiting seat its move. An illegal move raises IllegalMove and changes nothing.

        `actor`, if given, must be the waiting seat. `by` labels the move in the log (e.g.
        "agent (seat idle)" when a seat's agent plays for an absent person). Returns the next
        decision the game waits for (or None once the round or game is over).
        """
        decision = self.pending
        if decision is None:
            raise IllegalMove("no move is awaited now")
        if actor is not None and actor.lower() != decision.actor.lower():
            raise IllegalMove(
                f"it is {decision.actor_name}'s move ({decision.actor}), not {actor}'s"
            )
        parsed = decision.validate(move)
        self._by[decision.actor] = by
        self.pending = None
        self._resume(parsed)
        return self.pending

    def hand_over(self, seats: tuple[str, ...] | None = None) -> None:
        """Let the agents play these seats (every seat if none are named) from now on. A decision
        already waiting for one of them is played at once by that seat's agent."""
        leaving = self._resolve_humans(self.humans if seats is None else seats)
        self.humans = self.humans - leaving
        if self.pending is not None and self.pending.actor in leaving:
            self.submit(self.pending.agent_move)

    def _resume(self, value: Any) -> None:
        """Run the round until it waits for a person or the round ends."""
        try:
            item = self._game.send(value)
        except StopIteration:
            return
        if isinstance(item, Decision):
            self.pending = item

    def _seat(self, actor: str, kind: str, move: Any, **ask: Any) -> Round:
        """The one path for every seat: an agent's move stands; a person is asked, with the
        agent's move as the suggestion, and answers with a move of the same kind."""
        if actor not in self.humans:
            return move
        encoded = seats.encode(kind, move, self.space, self.states.codes)
        decision = Decision(
            actor, self.actor_name(actor), kind, self.round, agent_move=encoded, **ask
        )
        return (yield decision)

    # --- the round -------------------------------------------------------------------------------

    def _play(self) -> Round:
        for r in range(1, self.rounds + 1):
            self.round = r
            self.agreement = None
            yield from self._china_turn()
            yield from self._us_turn()
            yield from self._stance_turn()
            if self.agreement is None:
                yield from self._commission_turn()
            if self.agreement is not None:
                yield from self._council_vote()
            self._take_snapshot()
            self.datacollector.collect(self)
            if self.signed is not None:
                break
            if r < self.rounds:
                yield _ROUND_END
        self.phase = "end"
        self.outcome = measure_outcome(self)
        self.running = False

    @property
    def day(self) -> int:
        return self.round * self.spec.days_per_round

    @property
    def progress(self) -> float:
        return (self.round - 1) / (self.rounds - 1) if self.rounds > 1 else 1.0

    def _record(self, actor: str, entry: narrate.Entry | None) -> None:
        if entry is None:
            return
        by = self._by.get(actor, "human") if actor in self.humans else "agent"
        self.moves.append(
            Move(self.round, self.day, self.phase, actor, self.actor_name(actor), by=by, **entry)
        )

    # --- what everyone can see -------------------------------------------------------------------

    def climate(self, pressure: float | None = None) -> Climate:
        return Climate(
            pressure=self.china.pressure if pressure is None else pressure,
            leverage=self.china.leverage,
            tariff=self.us.tariff_size or PERSON_TARIFF,
            isolated_retaliation=self.china.isolated_retaliation,
        )

    def expected_package(self) -> Package:
        """What the states expect the bloc to get: the middle of the US offer and the Commission's
        standing position (its counter-offer, or its mandate before it has made one)."""
        if self.agreement is not None:
            return self.agreement
        position = self.counter or Package(self.commission.mandate_position, True)
        if self.us_offer is None:
            return position
        return Package((self.us_offer.values + position.values) / 2, position.clause)

    def closeness(self) -> float:
        """1 minus the mean gap between the US offer and the Commission's standing position."""
        if self.us_offer is None:
            return 0.0
        standing = self.counter.values if self.counter else self.commission.mandate_position
        return float(1 - np.abs(self.us_offer.values - standing).mean())

    def p_bloc(self) -> float:
        """The chance of a bloc deal every state sees: the population share behind the
        Commission, discounted while the two sides are far apart."""
        return self.states.share_behind() * (0.5 + 0.5 * self.closeness())

    def offers_now(self) -> dict[int, Package]:
        signed = self.states.signed
        return {i: p for i, p in self.bilateral_offers.items() if not signed[i]}

    def us_walkaway(self) -> float:
        return self.us.walkaway(self.states.share, self.states.deals)

    def us_value(self, package: Package) -> float:
        return self.us.bloc_value(package, self.states.share, self.states.deals)

    def forecast(self, package: Package, pay: np.ndarray | None = None) -> CouncilVote:
        """The Council vote the Commission expects from today's stances. It is cautious: it
        counts a state as a yes only if the state prefers the deal by more than the day-to-day
        swing of its judgement (the scenario's `noise`, which every side knows)."""
        yes, no = self.commission_view_of_votes(package)
        if pay is not None:
            yes = yes + pay
        return qualified_majority(yes > no, self.states.population, self.rule)

    def commission_view_of_votes(self, package: Package) -> tuple[np.ndarray, np.ndarray]:
        """(yes, no) values as the cautious Commission reads them: yes less one swing."""
        yes, no = self.states.vote_values(package, self.climate())
        return yes - self.noise, no

    def _vote(self, yes: np.ndarray) -> CouncilVote:
        return qualified_majority(yes, self.states.population, self.rule)

    # phase 1 -----------------------------------------------------------------------------------

    def _china_turn(self) -> Round:
        self.phase = "china"
        china, states = self.china, self.states
        previous = china.pressure
        states.inducement = np.zeros(states.n)  # last round's offers lapse
        climate = self.climate(china.base_pressure)
        expected, p = self.expected_package(), self.p_bloc()
        values = states.stance_values(expected, self.offers_now(), p, climate)
        free = ~states.signed
        view = ChinaView(
            base_pressure=china.base_pressure,
            max_pressure=china.max_pressure,
            budget=china.budget,
            closeness=self.closeness(),
            coordination=states.coordination(expected),
            bloc_value=values[:, :2].max(axis=1),
            china_value=states.china_base(expected, p, climate),
            populations=states.population,
            rule=self.rule,
            free=free,
            exposure=states.exposure,
            vote_gap=lambda pressure: states.china_vote_gap(expected, self.climate(pressure)),
        )
        pressure, inducements = china.strategy.decide(view)
        move = ChinaMove(float(pressure), np.where(free, inducements, 0.0))
        move = yield from self._seat(
            "china",
            "china",
            move,
            prompt=self.narrator.china_prompt(self.round, previous, view),
            info={
                "pressure_now": previous,
                "base_pressure": china.base_pressure,
                "max_pressure": china.max_pressure,
                "budget": china.budget,
                "closeness": view.closeness,
                "coordination": view.coordination,
                "free_states": [c for c, f in zip(states.codes, free, strict=True) if f],
                "inducement_needed": {
                    c: round(float(max(0.0, view.bloc_value[i] - view.china_value[i])), 4)
                    for i, c in enumerate(states.codes)
                    if free[i]
                },
                "populations": dict(zip(states.codes, states.population.tolist(), strict=True)),
            },
            validate=lambda m: seats.parse_china(
                m,
                codes=states.codes,
                budget=china.budget,
                max_pressure=china.max_pressure,
                free=free,
            ),
            options=["pressure", "reward", "threaten"],
        )
        china.pressure = move.pressure
        china.pressure_path.append(move.pressure)
        states.inducement = move.inducements
        if self.record_moves:
            for entry in self.narrator.china(
                move, previous, view, self.round, self._vote(move.inducements <= 0)
            ):
                self._record("china", entry)

    # phase 2 -----------------------------------------------------------------------------------------

    def _us_turn(self) -> Round:
        self.phase = "us"
        us, com, states = self.us, self.commission, self.states
        free = ~states.signed
        walkaway = self.us_walkaway()
        candidates = us.bilateral_offers(np.nonzero(free)[0], states.position, self.mode)
        values = states.stance_values(
            self.expected_package(), candidates, self.p_bloc(), self.climate()
        )
        gain = states.share * np.maximum(
            0.0, us.bilateral_utilities(candidates, states.n) - us.side.reservation
        )
        gain[~free] = 0.0
        view = USView(
            progress=self.progress,
            counter=self.counter,
            counter_utils=[us.utility(c) for c in com.counters],
            commission=com.side,
            commission_scale=states.share_behind(),
            clause_options=com.clause_options,
            courting=CourtingView(
                codes=states.codes,
                free=free,
                walkaway_gain=gain,
                gap=np.maximum(values[:, BLOC], values[:, CHINA]) - values[:, BILATERAL],
                populations=states.population,
                rule=self.rule,
            ),
            positions=states.position,
            refused=self.courted & free,
            threatened=states.tariff.copy(),
            candidates=candidates,
        )
        move, target = us.decide(view, walkaway, self.us_value)
        us.targets.append(target)

        def parse(m: Any) -> USMove:
            return seats.parse_us(
                m,
                space=self.space,
                mode=self.mode,
                base=self.us_offer or move.package,
                counter=self.counter,
                codes=states.codes,
                free=free,
                bilateral_base=candidates,
                red_line=com.red_line,
                threatened=states.tariff,
            )

        move = yield from self._seat(
            "us",
            "us",
            move,
            prompt=self.narrator.table_prompt(self, "the United States")
            + f"\nYour walk-away now: {walkaway:.2f}. Your agent would ask for {move.asked:.2f}"
            + (" and would accept the counter-offer." if move.action == "accept" else "."),
            info={
                **self._table_info(),
                "target": target,
                "walkaway": walkaway,
                "reservation": walkaway,
                "belief_commission_walkaway": us.belief.estimate * view.commission_scale,
                "free_states": [c for c, f in zip(states.codes, free, strict=True) if f],
                "threatened": [c for c, t in zip(states.codes, states.tariff, strict=True) if t],
                "tariff_size": self.climate().tariff,
                "red_line": com.red_line,
                "bilateral_issues": [i.id for i in self.space.issues if i.bilateral],
            },
            validate=parse,
            options=["offer", "accept", "bilateral", "tariffs"]
            if self.counter
            else ["offer", "bilateral", "tariffs"],
            check=lambda m: self._us_warnings(parse(m), walkaway),
        )
        withdrawn = states.tariff & ~move.threatened
        new_threats = move.threatened & ~states.tariff
        states.tariff = move.threatened
        if move.action == "accept":
            self.agreement = move.package
        else:
            self.us_offer = move.package
            us.offers.append(move.package)
            com.belief.update(
                us.utility(move.package), best_utility(us.side, com.clause_options), self.progress
            )
        self.courted = move.courted
        self.bilateral_offers = dict(move.bilateral)
        if self.record_moves:
            for entry in self.narrator.us(
                move,
                target,
                walkaway,
                self.us_value(move.package),
                com.utility(move.package),
                us.bilateral_utility,
                us.side.reservation,
                new_threats,
                withdrawn,
            ):
                self._record("us", entry)

    def _us_warnings(self, move: USMove, walkaway: float) -> list[str]:
        """What a person in the US seat is warned of before sending: a bloc offer below its
        walk-away at the bloc table, bilateral terms below its walk-away for a single state."""
        warnings = self._below_walkaway("the US", self.us_value, walkaway, move.package)
        below = [
            self.states.codes[i]
            for i, offer in move.bilateral.items()
            if self.us.bilateral_utility(offer) < self.us.side.reservation - 1e-9
        ]
        if below:
            warnings.append(
                f"The bilateral terms for {', '.join(below)} are worth less to the US than its "
                f"walk-away for a single state ({self.us.side.reservation:.2f}): no deal with "
                "that state would be better."
            )
        return warnings

    def _below_walkaway(
        self, who: str, value: Callable[[Package], float], walkaway: float, package: Package
    ) -> list[str]:
        u = value(package)
        if u < walkaway - 1e-9:
            return [
                f"This package is worth {u:.2f} to {who}, below its walk-away of {walkaway:.2f}: "
                "no deal at all would be better."
            ]
        return []

    # phase 3 -----------------------------------------------------------------------------------------

    def _stance_turn(self) -> Round:
        self.phase = "stance"
        states, com = self.states, self.commission
        climate, expected, p = self.climate(), self.expected_package(), self.p_bloc()
        offers = self.offers_now()
        values = states.stance_values(expected, offers, p, climate)
        noise = (
            self.rng.normal(0.0, self.noise, values.shape) if self.noise else np.zeros(values.shape)
        )
        choice, seen = states.choose(values + noise, climate)
        yes_v, no_v = states.vote_values(expected, climate)
        budget = com.budget_left
        ask = np.zeros(states.n)
        free = ~states.signed
        # A state that would leave the bloc, or vote no, by less than the EU funds left asks for
        # the difference instead (it backs the bloc on that condition).
        leave_gap = seen.max(axis=1) - seen[:, BLOC]
        vote_gap = no_v - yes_v
        gap = np.where(choice != BLOC, leave_gap, vote_gap)
        asking = (gap > 0) & (gap + PAYMENT_STEP <= budget) & (free | (vote_gap > 0))
        asking &= (choice != BILATERAL) | free
        ask[asking] = np.ceil((gap[asking] + PAYMENT_STEP) / PAYMENT_STEP) * PAYMENT_STEP
        choice = np.where(asking, CONDITIONAL, np.where(free, choice, BILATERAL))
        for i in range(states.n):
            code = states.codes[i]
            if code not in self.humans:
                continue
            options = (
                [STANCES[k] for k in range(3) if np.isfinite(values[i, k])]
                if free[i]
                else ["bilateral"]
            )
            options.append("conditional")
            move = yield from self._seat(
                code,
                "stance",
                StanceMove(int(choice[i]), float(ask[i])),
                prompt=self.narrator.stance_prompt(self, i, values[i], yes_v[i], no_v[i]),
                info={
                    **self._table_info(),
                    "values": {
                        STANCES[k]: round(float(values[i, k]), 4)
                        for k in range(3)
                        if np.isfinite(values[i, k])
                    },
                    "vote_now": {"yes": round(float(yes_v[i]), 4), "no": round(float(no_v[i]), 4)},
                    "pressure_cost": round(float(states.retaliation(climate)[i]), 4),
                    "inducement": round(float(states.inducement[i]), 4),
                    "loyalty": float(states.loyalty[i]),
                    "eu_payment": round(float(states.eu_payment[i]), 4),
                    "eu_funds_left": round(budget, 4),
                    "signed": bool(states.signed[i]),
                    "tariff_threat": bool(states.tariff[i]),
                },
                validate=lambda m, options=options: seats.parse_stance(m, available=options),
                options=options,
            )
            choice[i], ask[i] = move.stance, move.ask
            noise[i] = 0.0
            seen[i] = values[i]
        if self.record_moves:
            previous = states.stance.copy()
            for i in range(states.n):
                self._record(
                    states.codes[i],
                    self.narrator.stance(
                        i,
                        int(choice[i]),
                        int(previous[i]),
                        values[i],
                        noise[i],
                        seen[i],
                        float(ask[i]),
                        bool(states.signed[i]),
                        states.codes[i] in self.humans,
                        states.strategy_names[i],
                        float(yes_v[i]),
                        float(no_v[i]),
                    ),
                )
        states.stance = choice
        states.ask = ask
        signing = np.nonzero(free & (choice == BILATERAL))[0]
        states.sign(signing, offers, self.round)

    # phase 4 -----------------------------------------------------------------------------------------

    def _commission_turn(self) -> Round:
        self.phase = "commission"
        com, us, states = self.commission, self.us, self.states
        share = states.share_behind()
        com.update_reservation(share)
        target = com.target(self.progress, [com.utility(o) for o in us.offers])
        com.targets.append(target)
        counter_target = max(target, min(com.belief_floor(us.side), 1.0))
        offer = self.us_offer
        action, package, pay, withheld = "counter", None, np.zeros(states.n), None
        if offer is not None:
            yes_v, no_v = self.commission_view_of_votes(offer)
            pay = com.payments_to_pass(yes_v, no_v, states.ask, self._vote, states.population)
            forecast = self._vote(yes_v + pay > no_v)
            if (
                rules.is_admissible(offer, self.mode)
                and com.mandate_allows(offer)
                and com.utility(offer) >= target - 1e-9
            ):
                if forecast.passed:
                    action, package = "accept", offer
                else:
                    withheld = forecast
        if package is None:
            package = com.council_proof_counter(
                counter_target, us.side, lambda p: self.forecast(p).passed
            )
            yes_v, no_v = self.commission_view_of_votes(package)
            asks = np.where(states.ask > 0, states.ask, 0.0)
            pay = com.payments_to_pass(
                yes_v, no_v, asks, lambda yes: self._vote(np.ones_like(yes)), states.population
            )
        move = yield from self._seat(
            "commission",
            "commission",
            CommissionMove(action, package, pay),
            prompt=self.narrator.table_prompt(self, "the Commission")
            + f"\nYour walk-away now: {com.reservation:.2f} ({share:.0%} of the population behind you)."
            + (
                f"\nIf you accept the US offer: {self.forecast(offer).explain()}"
                if offer is not None
                else ""
            ),
            info={
                **self._table_info(),
                "target": target,
                "reservation": com.reservation,
                "walkaway": com.reservation,
                "belief_us_walkaway": com.belief.estimate,
                "forecast": self._vote_info(self.forecast(offer)) if offer is not None else None,
                "red_line": com.red_line,
                "eu_funds_left": com.budget_left,
                "asks": {
                    c: round(float(a), 4)
                    for c, a in zip(states.codes, states.ask, strict=True)
                    if a > 0
                },
                "vote_gaps": {
                    c: round(float(g), 4)
                    for c, g in zip(states.codes, no_v - yes_v, strict=True)
                    if g > 0
                },
            },
            validate=lambda m: seats.parse_commission(
                m,
                space=self.space,
                mode=self.mode,
                base=package,
                offer=offer,
                red_line=com.red_line,
                codes=states.codes,
                budget=com.budget_left,
            ),
            options=["counter", "accept", "payments"]
            if offer is not None
            else ["counter", "payments"],
            check=lambda m: self._below_walkaway(
                "the Commission",
                com.utility,
                com.reservation,
                seats.parse_commission(
                    m,
                    space=self.space,
                    mode=self.mode,
                    base=package,
                    offer=offer,
                    red_line=com.red_line,
                    codes=states.codes,
                    budget=com.budget_left,
                ).package,
            ),
        )
        if "commission" in self.humans:
            withheld = None  # the agent's note to itself; a person is not second-guessed
        states.eu_payment = states.eu_payment + move.payments
        com.budget_left -= float(move.payments.sum())
        states.ask = np.where(move.payments > 0, 0.0, states.ask)
        if move.action == "accept":
            self.agreement = move.package
        else:
            self.counter = move.package
            com.counters.append(move.package)
            us.belief.update(
                com.utility(move.package),
                best_utility(com.side, com.clause_options),
                self.progress,
                scale=share,
            )
        if self.record_moves:
            forecast = self.forecast(move.package)
            for entry in self.narrator.commission(
                move,
                target,
                com,
                us.utility(move.package),
                share,
                withheld,
                com.utility(offer) if offer is not None else None,
                forecast,
            ):
                self._record("commission", entry)

    # phase 5 -----------------------------------------------------------------------------------------

    def _council_vote(self) -> Round:
        self.phase = "council"
        states = self.states
        package = self.agreement
        assert package is not None
        rules.check_admissible(package, self.mode, "the bloc deal")
        yes_v, no_v = states.vote_values(package, self.climate())
        noise = self.rng.normal(0.0, self.noise, states.n) if self.noise else np.zeros(states.n)
        yes = yes_v + noise > no_v
        for i, code in enumerate(states.codes):
            if code not in self.humans:
                continue
            others = self._vote(yes)
            move = yield from self._seat(
                code,
                "vote",
                VoteMove(bool(yes[i])),
                prompt=self.narrator.vote_prompt(self, i, yes_v[i], no_v[i], others),
                info={
                    "yes_value": round(float(yes_v[i]), 4),
                    "alternative": round(float(no_v[i]), 4),
                    "forecast": self._vote_info(others),
                    "terms": self.space.to_real(package),
                },
                validate=seats.parse_vote,
                options=["yes", "no"],
            )
            yes[i] = move.yes
            noise[i] = 0.0
        vote = self._vote(yes)
        self.votes.append((self.round, vote))
        self.last_yes = yes.copy()
        if self.record_moves:
            for i, code in enumerate(states.codes):
                self._record(
                    code,
                    self.narrator.vote(
                        i,
                        bool(yes[i]),
                        float(yes_v[i]),
                        float(no_v[i]),
                        float(noise[i]),
                        code in self.humans,
                        bool(states.signed[i]),
                        states.stance[i] == CHINA,
                        float(states.eu_payment[i]),
                    ),
                )
            self._record("commission", self.narrator.council(vote, self._vote_info(vote), yes))
        if vote.passed:
            self.signed = package
            self.signed_round = self.round
        else:
            self.agreement = None
            self.counter = None  # the failed package is off the table; the Commission re-drafts

    # --- what a seat sees --------------------------------------------------------------------------

    def _vote_info(self, vote: CouncilVote) -> dict[str, Any]:
        return {
            "yes_states": vote.yes_states,
            "total_states": vote.total_states,
            "states_share": round(vote.states_share, 4),
            "population_share": round(vote.population_share, 4),
            "passed": vote.passed,
            "blocking_minority": vote.blocking_minority,
            "blocking_min_states": self.rule.blocking_min_states,
        }

    def _table_info(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "rounds": self.rounds,
            "us_offer": self.space.to_real(self.us_offer) if self.us_offer else None,
            "counter": self.space.to_real(self.counter) if self.counter else None,
            "us_utility": {
                "us_offer": self.us_value(self.us_offer) if self.us_offer else None,
                "counter": self.us_value(self.counter) if self.counter else None,
            },
            "commission_utility": {
                "us_offer": self.commission.utility(self.us_offer) if self.us_offer else None,
                "counter": self.commission.utility(self.counter) if self.counter else None,
            },
            "pressure": self.china.pressure,
            "mode": self.mode,
        }

    # --- data ------------------------------------------------------------------------------------------

    _COLUMNS = (
        "round",
        "day",
        "pressure",
        "inducements",
        "us_target",
        "commission_target",
        "us_offer_us_utility",
        "us_offer_commission_utility",
        "counter_us_utility",
        "counter_commission_utility",
        "us_walkaway",
        "commission_reservation",
        "states_with_bloc",
        "population_with_bloc",
        "bilateral_deals",
        "leaning_china",
        "conditional",
        "eu_funds_promised",
        "tariff_threats",
        "agreement",
        "signed",
    )

    def _reporters(self) -> dict[str, Any]:
        """DataCollector reporters, one column each, read from the snapshot taken at round end."""
        return {name: (lambda m, name=name: m._snapshot[name]) for name in self._COLUMNS}

    def _take_snapshot(self) -> None:
        us, com, states = self.us, self.commission, self.states
        offer, counter = self.us_offer, self.counter
        behind = states.behind
        self._snapshot = {
            "round": self.round,
            "day": self.day,
            "pressure": self.china.pressure,
            "inducements": float(np.abs(states.inducement).sum()),
            "us_target": us.targets[-1] if us.targets else np.nan,
            "commission_target": com.targets[-1] if com.targets else np.nan,
            "us_offer_us_utility": self.us_value(offer) if offer else np.nan,
            "us_offer_commission_utility": com.utility(offer) if offer else np.nan,
            "counter_us_utility": self.us_value(counter) if counter else np.nan,
            "counter_commission_utility": com.utility(counter) if counter else np.nan,
            "us_walkaway": self.us_walkaway(),
            "commission_reservation": com.reservation,
            "states_with_bloc": float(behind.mean()),
            "population_with_bloc": float(states.share[behind].sum()),
            "bilateral_deals": len(states.deals),
            "leaning_china": int((states.stance == CHINA).sum()),
            "conditional": int((states.stance == CONDITIONAL).sum()),
            "eu_funds_promised": float(states.eu_payment.sum()),
            "tariff_threats": int(states.tariff.sum()),
            "agreement": self.agreement is not None,
            "signed": self.signed is not None,
        }

    def rounds_frame(self) -> pd.DataFrame:
        """One row per round played (Mesa DataCollector)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    def moves_frame(self) -> pd.DataFrame:
        return pd.DataFrame([m.to_dict() for m in self.moves])


def run_game(spec: ScenarioSpec, seed: int | None = None) -> NegotiationModel:
    """Play an agents-only game to the end and return the finished model."""
    model = NegotiationModel.from_spec(spec, seed)
    model.run()
    return model


__all__ = ["BILATERAL", "BLOC", "NegotiationModel", "run_game"]
