"""The game as a Mesa model: one step is one round, with the phases of GAME.md in order.

1. China sets its pressure and inducements.
2. The US accepts the Commission's standing counter-offer, or makes a bloc offer (and bilateral
   offers to the states it courts).
3. The member states choose their stance: bloc, a US bilateral deal (signed, final), or China.
4. The Commission accepts the US offer (if it is admissible, meets its target and should pass
   the Council) or counter-offers.
5. If the US and the Commission agree, the Council votes by qualified majority. Pass: the bloc
   deal is signed and the game ends. Fail: talks go on.
6. After the last round without a bloc deal: a patchwork of bilateral deals, or no deal.

A seat played by a person pauses the round at that seat's decision (`model.pending`) until
`model.submit(move)` supplies a move the rules allow. The round is a generator, so the same code
runs an agents-only game and one with people in it.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from negotiation import rules, seats
from negotiation.actors import China, Commission, MemberStates, UnitedStates
from negotiation.council import CouncilVote, QmvRule, qualified_majority
from negotiation.issues import DealSpace, Issue, Package
from negotiation.moves import Decision, IllegalMove, Move
from negotiation.outcome import Outcome, measure_outcome
from negotiation.scenario import GameScenario, ScenarioSpec, load_scenario
from negotiation.strategies.china import ChinaView
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, STANCES

_ROUND_END = object()
_STANCE_LABEL = {BLOC: "the bloc", BILATERAL: "the US bilateral deal", CHINA: "China's offer"}
_STANCE_VERB = {  # [stance][same as before?]
    BLOC: ("returns to the bloc", "stays with the bloc"),
    BILATERAL: ("takes the US bilateral deal", "takes the US bilateral deal"),
    CHINA: ("leans to China", "keeps leaning to China"),
}
Round = Generator[Decision | object, Any, None]


class NegotiationModel(mesa.Model):
    """The critical-minerals negotiation: build it from a `GameScenario` (spec, seed, human seats)."""

    def __init__(self, scenario: GameScenario):
        super().__init__(scenario=scenario)
        spec: ScenarioSpec = scenario.spec
        self.spec = spec
        self.seed = scenario.rng
        self.mode = spec.territorial_constraint
        self.rounds = spec.rounds
        self._days = spec.days_per_round
        self.noise = spec.noise
        self.rule = QmvRule(
            spec.council.states_share,
            spec.council.population_share,
            spec.council.blocking_min_states,
        )
        self.space = DealSpace(
            [
                Issue(k, v.label, v.unit, v.low, v.high, v.bilateral, v.targets_china)
                for k, v in spec.issues.items()
            ]
        )
        self._n_china = int(self.space.china_mask.sum())
        self.states = MemberStates(self)
        self.us = UnitedStates(self)
        self.commission = Commission(self)
        self.china = China(self)
        self._names = {
            "us": self.us.name,
            "commission": self.commission.name,
            "china": self.china.name,
            **dict(zip(self.states.codes, self.states.names, strict=True)),
        }
        self.humans = self._resolve_humans(scenario.humans)
        self.record_moves = scenario.record_moves or bool(self.humans)

        self.round = 0
        self.phase = "start"
        self.moves: list[Move] = []
        self.us_offer: Package | None = None
        self.counter: Package | None = None
        self.bilateral_offer: Package | None = None
        self.courted = np.zeros(self.states.n, dtype=bool)
        self.agreement: Package | None = None
        self.votes: list[tuple[int, CouncilVote]] = []
        self.signed: Package | None = None
        self.signed_round: int | None = None
        self.outcome: Outcome | None = None
        self.pending: Decision | None = None
        self._by: dict[str, str] = {}  # who made each human seat's latest move
        self.datacollector = mesa.DataCollector(model_reporters=self._reporters())
        self._game: Round = self._play()

    # --- construction helpers --------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path, seed: int | None = None, humans=()) -> NegotiationModel:
        spec = load_scenario(path)
        return cls.from_spec(spec, seed, humans)

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
        return self._names[actor] if actor in self._names else self._names[actor.upper()]

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

    # --- the round ---------------------------------------------------------------------------------

    def _play(self) -> Round:
        for r in range(1, self.rounds + 1):
            self.round = r
            self.agreement = None
            yield from self._china_phase()
            yield from self._us_phase()
            yield from self._stance_phase()
            if self.agreement is None:
                yield from self._commission_phase()
            if self.agreement is not None:
                yield from self._ratification()
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

    def _record(self, actor: str, action: str, why: str, **extra: Any) -> None:
        if not self.record_moves:
            return
        self.moves.append(
            Move(
                self.round,
                self.round * self._days,
                self.phase,
                actor,
                self._names[actor],
                action,
                why,
                by=self._by.get(actor, "human") if actor in self.humans else "agent",
                **extra,
            )
        )

    def expected_package(self) -> Package | None:
        """What the states expect the bloc to get: the middle of the US offer and the Commission's
        standing position (its counter-offer, or its mandate before it has made one)."""
        if self.agreement is not None:
            return self.agreement
        com = self.commission
        position = self.counter or Package(com.mandate_position, True)
        if self.us_offer is None:
            return position
        return Package((self.us_offer.values + position.values) / 2, position.clause)

    def coordination(self, package: Package | None) -> float:
        """How much a package coordinates against China: the mean of its China-targeting terms."""
        if package is None:
            return 0.0
        mask = self.space.china_mask
        return float(package.values[mask].sum() / self._n_china) if self._n_china else 0.5

    def pressure_cost(self, pressure: float | None = None) -> np.ndarray:
        p = self.china.pressure if pressure is None else pressure
        return self.states.pressure_cost(p, self.china.leverage)

    # phase 1 -----------------------------------------------------------------------------------------

    def _china_phase(self) -> Round:
        self.phase = "china"
        china = self.china
        states = self.states
        previous = china.pressure
        free = ~states.signed
        view_values = states.stance_values(
            self.expected_package(),
            self.bilateral_offer,
            self.courted & free,
            self.pressure_cost(china.base_pressure),
            np.zeros(states.n),
        )
        track = np.where(states.signed, states.held_value, view_values[:, :2].max(axis=1))
        closeness = 0.0
        if self.us_offer is not None:
            standing = self.counter.values if self.counter else self.commission.mandate_position
            closeness = float(1 - np.abs(self.us_offer.values - standing).mean())
        view = ChinaView(
            base_pressure=china.base_pressure,
            max_pressure=china.max_pressure,
            budget=china.budget,
            closeness=closeness,
            coordination=self.coordination(self.expected_package()),
            bloc_value=track,
            china_value=states.reservation - states.loyalty,
            populations=states.population,
            rule=self.rule,
        )
        pressure, inducements = china.strategy.decide(view)
        if "china" in self.humans:
            agent_move = {
                "pressure": round(float(pressure), 4),
                "inducements": {
                    states.codes[i]: round(float(inducements[i]), 4)
                    for i in np.nonzero(inducements)[0]
                },
            }
            info = {
                "pressure_now": previous,
                "base_pressure": china.base_pressure,
                "budget": china.budget,
                "closeness": closeness,
                "coordination": view.coordination,
                "inducement_needed": {
                    c: round(float(max(0.0, track[i] - view.china_value[i])), 4)
                    for i, c in enumerate(states.codes)
                },
                "populations": dict(zip(states.codes, states.population.tolist(), strict=True)),
            }
            prompt = (
                f"Round {self.round}: China. Pressure now {previous:.2f} (0..1). A deal is "
                f"{closeness:.0%} close, coordinating {view.coordination:.0%} against you. "
                f"Budget for inducements: {china.budget:.2f}."
            )
            pressure, inducements = yield Decision(
                "china",
                china.name,
                "china",
                self.round,
                prompt,
                info,
                agent_move,
                lambda m: seats.parse_china(m, codes=states.codes, budget=china.budget),
            )
        china.pressure = float(pressure)
        china.pressure_path.append(china.pressure)
        states.inducement = inducements
        direction = (
            "raises"
            if pressure > previous + 1e-9
            else "lowers"
            if pressure < previous - 1e-9
            else "holds"
        )
        reason = (
            f"a deal is {closeness:.0%} close and coordinates {view.coordination:.0%} against China"
            if self.round > 1
            else "the controls already in force"
        )
        self._record(
            "china",
            "pressure",
            f"China {direction} export-control pressure to {pressure:.2f} ({reason}).",
            numbers={
                "pressure": round(pressure, 4),
                "previous": round(previous, 4),
                "closeness": round(closeness, 4),
                "coordination": round(view.coordination, 4),
            },
        )
        rewarded, threatened = np.nonzero(inducements > 0)[0], np.nonzero(inducements < 0)[0]
        if rewarded.size:
            names = ", ".join(states.names[i] for i in rewarded)
            blocks = qualified_majority(inducements <= 0, states.population, self.rule)
            self._record(
                "china",
                "inducements",
                f"China offers {names} inducements worth {inducements[rewarded].sum():.2f} in all "
                f"to lean its way: {rewarded.size} states with {1 - blocks.population_share:.0%} "
                f"of the EU population, {'enough' if blocks.blocking_minority else 'not enough'} "
                "to block.",
                numbers={states.codes[i]: round(float(inducements[i]), 4) for i in rewarded},
            )
        if threatened.size:
            names = ", ".join(states.names[i] for i in threatened)
            self._record(
                "china",
                "threats",
                f"China threatens {names}: staying on the US track will cost "
                f"{-inducements[threatened].sum():.2f} in all; leaning to China avoids it.",
                numbers={states.codes[i]: round(float(inducements[i]), 4) for i in threatened},
            )

    # phase 2 -----------------------------------------------------------------------------------------

    def _us_phase(self) -> Round:
        self.phase = "us"
        us, com = self.us, self.commission
        counter_utils = [us.utility(c) for c in com.counters]
        target = us.target(self.progress, counter_utils, com.clause_options)
        us.targets.append(target)
        free = ~self.states.signed
        courted = us.courted(self.round, self.states.codes, free)
        bilateral = (
            us.bilateral_offer(courted, self.states.position, self.mode) if courted.any() else None
        )
        if self.counter is not None and us.utility(self.counter) >= target - 1e-9:
            action, package = "accept", self.counter
        else:
            action, package = "offer", us.bloc_offer(target, com.side, com.clause_options)
        if "us" in self.humans:
            base = package if action == "offer" else (self.us_offer or package)
            bil_base = bilateral or us.bilateral_offer(
                free if free.any() else ~free, self.states.position, self.mode
            )
            agent_move: dict[str, Any] = {"action": action}
            if action == "offer":
                agent_move.update(terms=self._terms(package), clause=package.clause)
            if bilateral is not None:
                agent_move["bilateral"] = {
                    "states": [c for c, x in zip(self.states.codes, courted, strict=True) if x],
                    "terms": self._terms(bilateral, only_bilateral=True),
                    "clause": bilateral.clause,
                }
            info = self._table_info()
            info.update(
                {
                    "target": target,
                    "free_states": [c for c, f in zip(self.states.codes, free, strict=True) if f],
                    "red_line": com.red_line,
                    "bilateral_issues": [i.id for i in self.space.issues if i.bilateral],
                }
            )
            prompt = self._table_prompt("the United States") + (
                f"\nYour agent would ask for utility {target:.2f} this round"
                + (" and would accept the counter-offer." if action == "accept" else ".")
            )
            action, package, bil = yield Decision(
                "us",
                us.name,
                "us",
                self.round,
                prompt,
                info,
                agent_move,
                lambda m: seats.parse_us(
                    m,
                    space=self.space,
                    mode=self.mode,
                    base=base,
                    counter=self.counter,
                    codes=self.states.codes,
                    free=free,
                    bilateral_base=bil_base,
                    red_line=com.red_line,
                ),
            )
            courted, bilateral = bil if bil is not None else (np.zeros_like(free), None)

        if action == "accept":
            self.agreement = package
            u = us.utility(package)
            self._record(
                "us",
                "accept",
                f"The US accepts the Commission's counter-offer: worth {u:.2f} to it against a "
                f"target of {target:.2f}.",
                numbers={"utility": round(u, 4), "target": round(target, 4)},
                margin=round(u - target, 4),
                detail={"terms": self.space.to_real(package)},
            )
        else:
            self.us_offer = package
            us.offers.append(package)
            u_us, u_c = us.utility(package), com.utility(package)
            self._record(
                "us",
                "offer",
                f"The US offers the bloc: {self.space.describe(package)}. Worth {u_us:.2f} to the "
                f"US (its target {target:.2f}) and {u_c:.2f} to the Commission.",
                numbers={
                    "utility": round(u_us, 4),
                    "target": round(target, 4),
                    "commission_utility": round(u_c, 4),
                },
                detail={"terms": self.space.to_real(package)},
            )
        self.courted = courted
        self.bilateral_offer = bilateral
        if bilateral is not None and courted.any():
            names = ", ".join(self.states.names[i] for i in np.nonzero(courted)[0])
            self._record(
                "us",
                "bilateral_offer",
                f"The US offers bilateral deals to {names}: "
                f"{self.space.describe(bilateral, only_bilateral=True)}. Worth "
                f"{us.bilateral_utility(bilateral):.2f} to the US per deal.",
                numbers={"utility": round(us.bilateral_utility(bilateral), 4)},
                detail={
                    "terms": self.space.to_real(bilateral),
                    "states": [self.states.codes[i] for i in np.nonzero(courted)[0]],
                },
            )

    # phase 3 -----------------------------------------------------------------------------------------

    def _stance_phase(self) -> Round:
        self.phase = "stance"
        states = self.states
        free = ~states.signed
        cost = self.pressure_cost()
        values = states.stance_values(
            self.expected_package(),
            self.bilateral_offer,
            self.courted & free,
            cost,
            states.inducement,
        )
        values += self.rng.normal(0.0, self.noise, values.shape) if self.noise else 0.0
        choice, seen = states.choose(values, cost)
        for i in np.nonzero(free)[0]:
            code = states.codes[i]
            if code in self.humans:
                available = [STANCES[k] for k in range(3) if np.isfinite(values[i, k])]
                info = {
                    "values": {
                        STANCES[k]: round(float(values[i, k]), 4)
                        for k in range(3)
                        if np.isfinite(values[i, k])
                    },
                    "pressure_cost": round(float(cost[i]), 4),
                    "inducement": round(float(states.inducement[i]), 4),
                    "loyalty": float(states.loyalty[i]),
                    **self._table_info(),
                }
                prompt = (
                    self._table_prompt(states.names[i])
                    + "\nYour options: "
                    + ", ".join(f"{k} {v:.2f}" for k, v in info["values"].items())
                )
                choice[i] = yield Decision(
                    code,
                    states.names[i],
                    "stance",
                    self.round,
                    prompt,
                    info,
                    {"stance": STANCES[int(choice[i])]},
                    lambda m, available=available: seats.parse_stance(m, available=available),
                )
                seen[i] = values[i]
        if self.record_moves:
            previous = states.stance.tolist()
            rows, seen_rows, costs = values.tolist(), seen.tolist(), cost.tolist()
            for i in np.nonzero(free)[0].tolist():
                self._record_stance(i, int(choice[i]), previous[i], rows[i], seen_rows[i], costs[i])
        states.stance = np.where(free, choice, BILATERAL)
        states.sign(np.nonzero(free & (choice == BILATERAL))[0], self.bilateral_offer, self.round)

    def _record_stance(
        self, i: int, k: int, before: int, values: list, seen: list, cost: float
    ) -> None:
        """Record a stance with the values as the state's strategy saw them, and the margin."""
        states = self.states
        others = [j for j in (0, 1, 2) if j != k and seen[j] != -np.inf]
        text = f"{states.names[i]} {_STANCE_VERB[k][before == k]}: {seen[k]:.2f}"
        if others:
            j = max(others, key=seen.__getitem__)
            margin = seen[k] - seen[j]
            text += f" against {seen[j]:.2f} for {_STANCE_LABEL[j]}"
        if cost >= 0.005 and k != CHINA:
            text += f", after China's pressure costs it {cost:.2f}"
        code = states.codes[i]
        text += f" ({'a person' if code in self.humans else states.strategy_names[i]})"
        if others:
            text += f"; {_STANCE_LABEL[j]} would have needed +{margin:.2f} to win."
        else:
            margin = None
            text += "; nothing else on offer."
        numbers = {STANCES[j]: values[j] for j in (0, 1, 2) if values[j] != -np.inf}
        numbers["seen"] = seen[k]
        self._record(code, STANCES[k], text, numbers=numbers, margin=margin)

    # phase 4 -----------------------------------------------------------------------------------------

    def share_behind(self) -> tuple[float, float]:
        """Share of states and of population with the bloc stance."""
        behind = self.states.stance == BLOC
        return float(behind.mean()), float(
            self.states.population[behind].sum() / self.states.population.sum()
        )

    def forecast(self, package: Package) -> CouncilVote:
        """The Council vote the Commission expects: today's stances, no surprises."""
        yes, alt = self.states.vote_values(
            package, self.pressure_cost(), self.coordination(package)
        )
        return qualified_majority(yes > alt, self.states.population, self.rule)

    def _commission_phase(self) -> Round:
        self.phase = "commission"
        com, us = self.commission, self.us
        _, pop_behind = self.share_behind()
        com.update_reservation(pop_behind)
        target = com.target(self.progress, [com.utility(o) for o in us.offers])
        com.targets.append(target)
        offer = self.us_offer
        forecast = self.forecast(offer) if offer is not None else None
        # The agent's answer: accept an admissible offer that meets the target and should pass.
        action, package, withheld = "counter", None, None
        if (
            forecast is not None
            and rules.is_admissible(offer, self.mode)
            and com.mandate_allows(offer)
            and com.utility(offer) >= target - 1e-9
        ):
            if forecast.passed:
                action, package = "accept", offer
            else:
                withheld = forecast
        if package is None:
            package = self._council_proof_counter(target)
        if "commission" in self.humans:
            agent_move: dict[str, Any] = {"action": action}
            if action == "counter":
                agent_move.update(terms=self._terms(package), clause=package.clause)
            base = package if action == "counter" else (self.counter or package)
            info = self._table_info()
            info.update(
                {
                    "target": target,
                    "reservation": com.reservation,
                    "forecast": self._vote_info(forecast) if forecast else None,
                    "red_line": com.red_line,
                }
            )
            prompt = self._table_prompt("the Commission")
            if forecast is not None:
                prompt += "\nIf you accept the US offer: " + forecast.explain()
            action, package = yield Decision(
                "commission",
                com.name,
                "commission",
                self.round,
                prompt,
                info,
                agent_move,
                lambda m: seats.parse_commission(
                    m,
                    space=self.space,
                    mode=self.mode,
                    base=base,
                    offer=offer,
                    red_line=com.red_line,
                ),
            )
            withheld = None
        u = com.utility(package)
        if action == "accept":  # only the US offer can be accepted: its forecast stands
            self.agreement = package
            vote = forecast
            self._record(
                "commission",
                "accept",
                f"The Commission accepts the US offer: worth {u:.2f} to it against a target of "
                f"{target:.2f}; it expects {vote.yes_states} of {vote.total_states} states with "
                f"{vote.population_share:.0%} of the population to vote yes.",
                numbers={
                    "utility": round(u, 4),
                    "target": round(target, 4),
                    "forecast_states": round(vote.states_share, 4),
                    "forecast_population": round(vote.population_share, 4),
                },
                margin=round(u - target, 4),
                detail={"terms": self.space.to_real(package)},
            )
            return
        if withheld is not None:
            self._record(
                "commission",
                "withhold",
                f"The US offer meets the Commission's target ({com.utility(offer):.2f} against "
                f"{target:.2f}) but the Council would not pass it. {withheld.explain()}",
                numbers={"utility": round(com.utility(offer), 4), "target": round(target, 4)},
            )
        self.counter = package
        com.counters.append(package)
        why_not = f" The US offer is worth only {com.utility(offer):.2f} to it." if offer else ""
        self._record(
            "commission",
            "counter",
            f"The Commission counter-offers: {self.space.describe(package)}. Worth {u:.2f} to it "
            f"(target {target:.2f}, walk-away {com.reservation:.2f} with {pop_behind:.0%} of the "
            f"population behind it) and {us.utility(package):.2f} to the US.{why_not}",
            numbers={
                "utility": round(u, 4),
                "target": round(target, 4),
                "reservation": round(com.reservation, 4),
                "us_utility": round(us.utility(package), 4),
            },
            margin=None if offer is None else round(target - com.utility(offer), 4),
            detail={"terms": self.space.to_real(package)},
        )

    def _council_proof_counter(self, target: float) -> Package:
        """The Commission's counter-offer at its target, or, if the Council would reject that, the
        least demanding counter between its target and its best that the Council would pass."""
        com, us = self.commission, self.us
        package = com.counter_offer(target, us.side)
        if self.forecast(package).passed:
            return package
        low, high = target, com.utility(com.counter_offer(1.0, us.side))
        best = com.counter_offer(high, us.side)
        if not self.forecast(best).passed:
            return package
        for _ in range(6):  # to 1/64 of the room between target and best
            mid = (low + high) / 2
            trial = com.counter_offer(mid, us.side)
            if self.forecast(trial).passed:
                high, best = mid, trial
            else:
                low = mid
        return best

    # phase 5 -----------------------------------------------------------------------------------------

    def _ratification(self) -> Round:
        self.phase = "council"
        states = self.states
        package = self.agreement
        assert package is not None
        rules.check_admissible(package, self.mode, "the bloc deal")
        yes_v, alt_v = states.vote_values(package, self.pressure_cost(), self.coordination(package))
        noise = self.rng.normal(0.0, self.noise, states.n) if self.noise else np.zeros(states.n)
        yes = yes_v + noise > alt_v
        for i, code in enumerate(states.codes):
            if code in self.humans:
                others = qualified_majority(yes, states.population, self.rule)
                info = {
                    "yes_value": round(float(yes_v[i]), 4),
                    "alternative": round(float(alt_v[i]), 4),
                    "forecast": self._vote_info(others),
                    "terms": self.space.to_real(package),
                }
                prompt = (
                    f"Round {self.round}: the Council votes on {self.space.describe(package)}.\n"
                    f"For you: yes {yes_v[i]:.2f}, against your alternative {alt_v[i]:.2f}.\n"
                    f"As the others lean: {others.explain()}"
                )
                yes[i] = yield Decision(
                    code,
                    states.names[i],
                    "vote",
                    self.round,
                    prompt,
                    info,
                    {"vote": "yes" if yes[i] else "no"},
                    seats.parse_vote,
                )
        for i, code in enumerate(states.codes if self.record_moves else ()):
            gap = float(yes_v[i] + noise[i] - alt_v[i])
            word = "yes" if yes[i] else "no"
            alt_name = (
                "its bilateral deal"
                if i in states.deals
                else ("China's offer" if states.stance[i] == CHINA else "no deal")
            )
            self._record(
                code,
                f"vote_{word}",
                f"{states.names[i]} votes {word}: {yes_v[i]:.2f} for the package against "
                f"{alt_v[i]:.2f} for {alt_name}.",
                numbers={
                    "yes": round(float(yes_v[i]), 4),
                    "alternative": round(float(alt_v[i]), 4),
                },
                margin=round(abs(gap), 4),
            )
        vote = qualified_majority(yes, states.population, self.rule)
        self.votes.append((self.round, vote))
        self._record(
            "commission",
            "council_vote",
            vote.explain(),
            numbers=self._vote_info(vote),
            detail={"yes": [c for c, y in zip(states.codes, yes, strict=True) if y]},
        )
        if vote.passed:
            self.signed = package
            self.signed_round = self.round
        else:
            self.agreement = None
            self.counter = None  # the failed package is off the table; the Commission re-drafts

    # --- what a seat sees --------------------------------------------------------------------------

    def _vote_info(self, vote: CouncilVote) -> dict[str, float]:
        return {
            "yes_states": vote.yes_states,
            "total_states": vote.total_states,
            "states_share": round(vote.states_share, 4),
            "population_share": round(vote.population_share, 4),
            "passed": vote.passed,
            "blocking_minority": vote.blocking_minority,
        }

    def _terms(self, package: Package, only_bilateral: bool = False) -> dict[str, float]:
        """A package's issue terms in real units (without the clause), for a move dict."""
        real = self.space.to_real(package)
        return {i.id: real[i.id] for i in self.space.issues if i.bilateral or not only_bilateral}

    def _table_info(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "rounds": self.rounds,
            "us_offer": self.space.to_real(self.us_offer) if self.us_offer else None,
            "counter": self.space.to_real(self.counter) if self.counter else None,
            "us_utility": {
                "us_offer": self.us.utility(self.us_offer) if self.us_offer else None,
                "counter": self.us.utility(self.counter) if self.counter else None,
            },
            "commission_utility": {
                "us_offer": self.commission.utility(self.us_offer) if self.us_offer else None,
                "counter": self.commission.utility(self.counter) if self.counter else None,
            },
            "pressure": self.china.pressure,
            "mode": self.mode,
        }

    def _table_prompt(self, who: str) -> str:
        lines = [f"Round {self.round} of {self.rounds} (day {self.day}): {who} to move."]
        if self.us_offer is not None:
            lines.append(
                f"US offer: {self.space.describe(self.us_offer)} "
                f"(US {self.us.utility(self.us_offer):.2f}, Commission {self.commission.utility(self.us_offer):.2f})"
            )
        if self.counter is not None:
            lines.append(
                f"Commission counter: {self.space.describe(self.counter)} "
                f"(US {self.us.utility(self.counter):.2f}, Commission {self.commission.utility(self.counter):.2f})"
            )
        lines.append(f"China's pressure: {self.china.pressure:.2f}.")
        return "\n".join(lines)

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
        "commission_reservation",
        "states_with_bloc",
        "population_with_bloc",
        "bilateral_deals",
        "leaning_china",
        "agreement",
        "signed",
    )

    def _reporters(self) -> dict[str, Any]:
        """DataCollector reporters, one column each, read from the snapshot taken at round end."""
        return {name: (lambda m, name=name: m._snapshot[name]) for name in self._COLUMNS}

    def _take_snapshot(self) -> None:
        us, com = self.us, self.commission
        offer, counter = self.us_offer, self.counter
        states_share, pop_share = self.share_behind()
        self._snapshot = {
            "round": self.round,
            "day": self.day,
            "pressure": self.china.pressure,
            "inducements": float(self.states.inducement.sum()),
            "us_target": us.targets[-1] if us.targets else np.nan,
            "commission_target": com.targets[-1] if com.targets else np.nan,
            "us_offer_us_utility": us.utility(offer) if offer else np.nan,
            "us_offer_commission_utility": com.utility(offer) if offer else np.nan,
            "counter_us_utility": us.utility(counter) if counter else np.nan,
            "counter_commission_utility": com.utility(counter) if counter else np.nan,
            "commission_reservation": com.reservation,
            "states_with_bloc": states_share,
            "population_with_bloc": pop_share,
            "bilateral_deals": len(self.states.deals),
            "leaning_china": int((self.states.stance == CHINA).sum()),
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
