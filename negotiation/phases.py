"""The first phases of a round (China, the US, the member states' stances): what each turn asks
of its actor, how a person's seat is asked the same question, what is legal. `NegotiationModel`
(model.py) holds the schedule (`_play`), what every side can see and the data; these methods are
its turns (the Commission's turn and the Council vote are in `commission_turns.py`).

Each turn builds the actor's view, lets the actor decide (a typed move with the numbers that
decided it), hands the same question to a person if the seat is human (`_seat`), applies the move
and, when moves are recorded, has the narrator write its sentences.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from negotiation import seats
from negotiation.actors.commission import PAYMENT_STEP
from negotiation.actors.us import USView
from negotiation.frontier import best_utility
from negotiation.issues import Package
from negotiation.moves import (
    BY_HUMAN,
    ChinaMove,
    Decision,
    StanceMove,
    USMove,
)
from negotiation.strategies.china import ChinaView
from negotiation.strategies.courting import CourtingView
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, CONDITIONAL, STANCES

_ROUND_END = object()
PERSON_TARIFF = 0.1
"""What a tariff threat costs when a person in the US seat makes one and the scenario sets none."""
Round = Generator[Decision | object, Any, Any]


class Phases:
    """The turns of a round, mixed into `NegotiationModel` (they use its state and views)."""

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
            lambda: dict(
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
            ),
        )
        china.pressure = move.pressure
        china.pressure_path.append(move.pressure)
        states.inducement = move.inducements
        if self.record_moves:
            self._record_later(
                "china",
                self.narrator.china_count(move),
                partial(
                    self.narrator.china,
                    move,
                    previous,
                    view,
                    self.round,
                    self._vote(move.inducements <= 0),
                    self._played_by("china"),
                ),
            )

    # phase 2 -----------------------------------------------------------------------------------------

    def _us_turn(self) -> Round:
        self.phase = "us"
        us, com, states = self.us, self.commission, self.states
        free = ~states.signed
        walkaway = self.us_walkaway()
        candidates = us.bilateral_offers(np.nonzero(free)[0], states.position, self.mode)
        gain = gap = None
        if us.courting.reads_values:  # what a signature would bring, and how near each state is
            values = states.stance_values(
                self.expected_package(), candidates, self.p_bloc(), self.climate()
            )
            gap = np.maximum(values[:, BLOC], values[:, CHINA]) - values[:, BILATERAL]
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
            frames=self._frames_on_the_table(),
            courting=CourtingView(
                codes=states.codes,
                free=free,
                walkaway_gain=gain,
                gap=gap,
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
        suggested = move

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
                forms=com.forms,
            )

        move = yield from self._seat(
            "us",
            "us",
            move,
            lambda: dict(
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
                    "threatened": [
                        c for c, t in zip(states.codes, states.tariff, strict=True) if t
                    ],
                    "tariff_size": self.climate().tariff,
                    "red_line": com.red_line,
                    "bilateral_issues": [i.id for i in self.space.issues if i.bilateral],
                },
                validate=parse,
                options=["offer", "accept", "bilateral", "tariffs"]
                if self.counter
                else ["offer", "bilateral", "tariffs"],
                check=lambda m: self._us_warnings(parse(m), walkaway),
            ),
        )
        if move is not suggested and self._played_by("us") != BY_HUMAN:
            move = replace(move, asked=suggested.asked)  # its agent's move: what it asked for
        withdrawn = states.tariff & ~move.threatened
        new_threats = move.threatened & ~states.tariff
        states.tariff = move.threatened
        if move.action == "accept":
            self.agreement = move.package
        else:
            self.us_offer = move.package
            us.offers.append(move.package)
            com.belief.update(
                us.utility(move.package), best_utility(us.side, com.frames), self.progress
            )
        self.courted = move.courted
        self.bilateral_offers = dict(move.bilateral)
        if self.record_moves:
            self._record_later(
                "us",
                self.narrator.us_count(move, new_threats, withdrawn),
                partial(
                    self.narrator.us,
                    move,
                    target,
                    walkaway,
                    self.us_value(move.package),
                    com.utility(move.package),
                    us.bilateral_utility,
                    us.side.reservation,
                    new_threats,
                    withdrawn,
                    self._played_by("us"),
                ),
            )

    def _frames_on_the_table(self) -> tuple[tuple[bool, str], ...]:
        """The (clause, form) pairs the US offers in: any the scenario allows until the
        Commission has countered, then the form of its standing counter (the form the Commission
        expects to pass; the two sides then bargain over the terms)."""
        frames = self.commission.frames
        if self.counter is None:
            return frames
        return tuple(f for f in frames if f[1] == self.counter.form) or frames

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

        # What every state's question shares, built once for the phase and only if a person
        # is asked (an agents-only game never pays for it).
        shared = functools.cache(lambda: (self._table_info(), states.retaliation(climate)))

        def options_of(i: int) -> list[str]:
            options = (
                [STANCES[k] for k in range(3) if np.isfinite(values[i, k])]
                if free[i]
                else ["bilateral"]  # a signed state keeps its deal
            )
            if budget >= PAYMENT_STEP:  # a condition needs EU funds left to ask for
                options.append("conditional")
            return options

        def question(i: int) -> dict[str, Any]:
            options = options_of(i)
            table, pressure_cost = shared()
            return dict(
                prompt=self.narrator.stance_prompt(self, i, values[i], yes_v[i], no_v[i]),
                info={
                    **table,
                    "values": {
                        STANCES[k]: round(float(values[i, k]), 4)
                        for k in range(3)
                        if np.isfinite(values[i, k])
                    },
                    "agent_sees": {  # with the day's swing and its strategy's outlook
                        STANCES[k]: round(float(seen[i, k]), 4)
                        for k in range(3)
                        if np.isfinite(seen[i, k])
                    },
                    "vote_now": {
                        "yes": round(float(yes_v[i]), 4),
                        "no": round(float(no_v[i]), 4),
                    },
                    "pressure_cost": round(float(pressure_cost[i]), 4),
                    "inducement": round(float(states.inducement[i]), 4),
                    "loyalty": float(states.loyalty[i]),
                    "eu_payment": round(float(states.eu_payment[i]), 4),
                    "eu_funds_left": round(budget, 4),
                    "signed": bool(states.signed[i]),
                    "tariff_threat": bool(states.tariff[i]),
                },
                validate=lambda m: seats.parse_stance(m, available=options, funds=budget),
                options=options,
            )

        def answer(i: int, move: StanceMove) -> None:
            choice[i], ask[i] = move.stance, move.ask
            if self._played_by(states.codes[i]) == BY_HUMAN:  # a person's own: no swing, no outlook
                noise[i] = 0.0
                seen[i] = values[i]

        yield from self._ask_states(
            "stance",
            lambda i: StanceMove(int(choice[i]), float(ask[i])),
            question,
            answer,
            asked=lambda i: len(options_of(i)) > 1,
        )
        if self.record_moves:
            self._record_stances(choice, values, noise, seen, ask, yes_v, no_v)
        states.stance = choice
        states.ask = ask
        signing = np.nonzero(free & (choice == BILATERAL))[0]
        states.sign(signing, offers, self.round)

    # --- what a seat sees --------------------------------------------------------------------------

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
