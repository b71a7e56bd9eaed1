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
played by a person is asked the same question through `_seat` (`person_seats.py`), which pauses
the round at a `Decision` until `submit` supplies a legal move. What every side sees is in `views.py`; the turns
themselves are in `phases.py`, `commission_turns.py` and `parliament_turns.py`. The log's
sentences are written by `narrate.py` (the member states' stances by `narrate_stances.py`) from
the typed moves, only when moves are recorded; all but those of the Parliament and the scheduled
events when the log is first read (`movelog.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from negotiation import legal_form, narrate
from negotiation.actors import China, Commission, MemberStates, Parliament, UnitedStates
from negotiation.actors.member_states import Climate
from negotiation.beliefs import BeliefGrid
from negotiation.commission_turns import CommissionTurns
from negotiation.council import CouncilVote, QmvRule, VoteCounter
from negotiation.issues import DealSpace, Issue, Package
from negotiation.movelog import Later, MoveLog, Stances
from negotiation.moves import (
    Decision,
    Move,
)
from negotiation.outcome import Outcome, measure_outcome
from negotiation.parliament_turns import ParliamentTurns
from negotiation.per_spec import shared
from negotiation.person_seats import PersonSeats
from negotiation.phases import _ROUND_END, Phases, Round
from negotiation.rounds_data import RoundCollector
from negotiation.scenario import GameScenario, ScenarioSpec, load_scenario, range_of
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, CONDITIONAL
from negotiation.views import Views


class NegotiationModel(Views, Phases, CommissionTurns, ParliamentTurns, PersonSeats, mesa.Model):
    """The critical-minerals negotiation: build it from a `GameScenario` (spec, seed, human seats)."""

    def __init__(self, scenario: GameScenario):
        super().__init__(scenario=scenario)
        spec: ScenarioSpec = scenario.spec
        self.spec = spec
        self.seed = scenario.rng
        self.mode = spec.territorial_constraint
        self.rounds = spec.rounds
        self.noise = spec.noise
        self.space = shared(spec, "space", lambda: _deal_space(spec))
        # Private values are drawn first, from their own stream, so the noise draws of a game do
        # not shift them (docs/game.md, "Incomplete information").
        self._private_rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, 1])
        self.states = MemberStates(self)
        self.rule, self._count_votes, self._count_unanimous = shared(
            spec, "council", lambda: _council(spec, self.states.population)
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
        self.parliament = Parliament(self) if spec.parliament is not None else None
        self.territorial_threat = False
        """Is the US threatening a member state's territory (a scheduled event)?"""
        self.us.belief = BeliefGrid(*range_of(spec.commission.reservation))
        self.commission.belief = BeliefGrid(*range_of(spec.us.reservation))
        self.narrator = narrate.Narrator(
            self.space, self.states.codes, self.states.names, self.commission.forms
        )
        self.humans = self._resolve_humans(scenario.humans)
        self.record_moves = scenario.record_moves or bool(self.humans)

        self.round = 0
        self.phase = "start"
        self.log = MoveLog()
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
        self.phase_decisions: dict[str, Decision] = {}
        """While the member states' stances or Council votes are asked: every human state's
        decision not yet answered, by actor id (`_ask_states`); `pending` is one of them."""
        self._closeness: tuple[Package, Package | None, float] | None = None
        self._climate: tuple[tuple, Climate] | None = None
        self._by: dict[str, str] = {}  # who made each human seat's latest move (`_played_by`)
        self.datacollector = RoundCollector(self._COLUMNS)
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
        parliament = ["parliament"] if self.parliament is not None else []
        return ["us", "commission", "china", *parliament, *self.states.codes]

    def actor_name(self, actor: str) -> str:
        return self.narrator.name(actor)

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

    def _resume(self, value: Any) -> None:
        """Run the round until it waits for a person or the round ends."""
        try:
            item = self._game.send(value)
        except StopIteration:
            return
        if isinstance(item, Decision):
            self.pending = item

    # --- the round -------------------------------------------------------------------------------

    def _play(self) -> Round:
        for r in range(1, self.rounds + 1):
            self.round = r
            self.agreement = None
            self._scheduled_events()
            yield from self._china_turn()
            yield from self._us_turn()
            if self.parliament is not None:
                yield from self._parliament_turn()
            yield from self._stance_turn()
            if self.agreement is None:
                yield from self._commission_turn()
            if self.agreement is not None:
                yield from self._council_vote()
            if self.agreement is not None and legal_form.needs_parliament(self.agreement.form):
                yield from self._consent_vote()
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

    def _record(self, actor: str, entry: narrate.Entry | None, by: str | None = None) -> None:
        """Record one entry of this actor; `by` who made it (the seat's `_played_by` if None)."""
        if entry is None:
            return
        self.log.append(
            Move(
                self.round,
                self.round * self.spec.days_per_round,
                self.phase,
                actor,
                self.actor_name(actor),
                entry["action"],
                entry["why"],
                entry["numbers"],
                entry["margin"],
                entry["detail"],
                self._played_by(actor) if by is None else by,
            )
        )

    def _record_later(
        self,
        actor: str,
        count: int,
        entries: Callable[[], list[narrate.Entry]],
        by: str | None = None,
    ) -> None:
        """Record `count` entries of this actor's turn, written by `entries` when the log is
        read (its arguments must not change after the turn); `by` who made them (the seat's
        `_played_by` if None)."""
        self.log.add_later(
            Later(
                self.round,
                self.round * self.spec.days_per_round,
                self.phase,
                actor,
                self.actor_name(actor),
                self._played_by(actor) if by is None else by,
                count,
                entries,
            )
        )

    def _record_stances(
        self,
        choice: np.ndarray,
        values: np.ndarray,
        noise: np.ndarray,
        seen: np.ndarray,
        ask: np.ndarray,
        yes: np.ndarray,
        no: np.ndarray,
    ) -> None:
        """Record every member state's stance of this round (written when the log is read)."""
        states = self.states
        self.log.add_stances(
            Stances(
                self.round,
                self.round * self.spec.days_per_round,
                self.phase,
                states.codes,
                states.names,
                [self._played_by(c) for c in states.codes],
                states.strategy_names,
                choice.copy(),
                states.stance.copy(),
                values.copy(),
                noise.copy(),
                seen.copy(),
                ask.copy(),
                states.signed.copy(),
                yes.copy(),
                no.copy(),
            )
        )

    @property
    def moves(self) -> list[Move]:
        """The move log so far, in order."""
        return self.log.moves

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
            "states_with_bloc": np.count_nonzero(behind) / behind.size,
            "population_with_bloc": states.share_behind(),
            "bilateral_deals": len(states.deals),
            "leaning_china": int(np.count_nonzero(states.stance == CHINA)),
            "conditional": int(np.count_nonzero(states.stance == CONDITIONAL)),
            "eu_funds_promised": float(states.eu_payment.sum()),
            "tariff_threats": int(np.count_nonzero(states.tariff)),
            "agreement": self.agreement is not None,
            "signed": self.signed is not None,
        }

    def rounds_frame(self) -> pd.DataFrame:
        """One row per round played (Mesa DataCollector)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    def moves_frame(self) -> pd.DataFrame:
        return pd.DataFrame([m.to_dict() for m in self.moves])


def _deal_space(spec: ScenarioSpec) -> DealSpace:
    """The scenario's issues (shared by its games: `per_spec.py`)."""
    return DealSpace(
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


def _council(
    spec: ScenarioSpec, populations: np.ndarray
) -> tuple[QmvRule, VoteCounter, VoteCounter]:
    """The Council's rule for the scenario's states and its two counters (qualified majority,
    unanimity), shared by the scenario's games."""
    rule = QmvRule.for_table(
        populations,
        spec.council.states_share,
        spec.council.population_share,
        spec.council.blocking_min_states,
    )
    return rule, VoteCounter(populations, rule), VoteCounter(populations, QmvRule.unanimity())


def run_game(spec: ScenarioSpec, seed: int | None = None) -> NegotiationModel:
    """Play an agents-only game to the end and return the finished model."""
    model = NegotiationModel.from_spec(spec, seed)
    model.run()
    return model


__all__ = ["BILATERAL", "BLOC", "NegotiationModel", "run_game"]
