"""One browser session's game: the controller between the pages and the engine.

`GameSession` owns a `NegotiationModel` built from a `GameSetup` (scenario, seed, the seats people
play). It steps the game, hands a person's move to the engine and keeps every move the engine took
from a person, so the debrief can replay the game from any round with the agents taking over
("what if"). It exports the game log as CSV and JSON. Nothing here knows about Solara: the pages
call these methods and re-render, and tests drive the same methods directly.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from negotiation.gamelog import game_document, to_jsonable
from negotiation.model import NegotiationModel
from negotiation.moves import BY_HUMAN, Decision, IllegalMove
from negotiation.outcome import outcome_words
from negotiation.scenario import ScenarioSpec


@dataclass(frozen=True)
class GameSetup:
    """What the start page chose: a scenario (strategies already applied), a seed, human seats."""

    spec: ScenarioSpec
    seed: int
    humans: tuple[str, ...] = ()
    source: str = ""
    """The scenario file it came from, for the log."""

    def build(self) -> NegotiationModel:
        return NegotiationModel.from_spec(self.spec, seed=self.seed, humans=self.humans)


@dataclass(frozen=True)
class HumanMove:
    """A move a person sent and the engine accepted."""

    round: int
    actor: str
    kind: str
    move: dict[str, Any]
    agent_move: dict[str, Any] = field(default_factory=dict)
    """What the seat's agent would have played instead."""
    options: list[str] = field(default_factory=list)
    """The kinds of move the engine offered the seat (e.g. bloc, bilateral, china, conditional)."""


@dataclass
class WhatIf:
    """A replay of this game from `from_round` on, with the agents playing every seat."""

    from_round: int
    model: NegotiationModel


def _key(decision: Decision) -> tuple[int, str, str]:
    """What names a decision: its round, kind and seat."""
    return decision.round, decision.kind, decision.actor


@dataclass
class GameSession:
    """A game in progress (or over) and what people did in it."""

    setup: GameSetup
    model: NegotiationModel = field(init=False)
    human_moves: list[HumanMove] = field(default_factory=list, init=False)
    what_if: WhatIf | None = field(default=None, init=False)
    briefing_read: bool = field(default=False, init=False)
    """Has the person closed the briefing shown before the first move?"""
    token: str = field(default="", init=False)
    """The key of this game in the server's registry (see `sessions`), for its address."""
    _agents_only: NegotiationModel | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.model = self.setup.build()

    # --- where the game is -----------------------------------------------------------------------

    @property
    def pending(self) -> Decision | None:
        return self.model.pending

    @property
    def finished(self) -> bool:
        return self.model.finished

    @property
    def waiting_for_person(self) -> bool:
        return self.model.pending is not None

    @property
    def watching(self) -> bool:
        return not self.setup.humans

    def status(self) -> str:
        """One line for the top of the page: round, day and what the game waits for."""
        m = self.model
        if m.finished:
            outcome = m.outcome
            assert outcome is not None
            when = f" in round {outcome.round}" if outcome.round else ""
            signers = len(outcome.bilateral_deals)
            return f"Game over: {outcome_words(outcome.type, signers)}{when}"
        if m.round == 0:
            return f"Ready: {m.rounds} rounds of {m.spec.days_per_round} days. Press Next round."
        head = f"Round {m.round} of {m.rounds} · day {m.day}"
        if m.pending is not None:
            return f"{head} · your move: {m.pending.actor_name} ({kind_words(m.pending.kind)})"
        return f"{head} · round over"

    # --- driving it ----------------------------------------------------------------------------

    def step(self) -> bool:
        """Play one round (or up to a person's move). False if the game waits or is over."""
        with self._lock:
            if self.model.finished or self.model.pending is not None:
                return False
            self.model.step()
            return True

    def run_to_end(self) -> None:
        """Play on until the game ends or a person must move."""
        with self._lock:
            self.model.run()

    def submit(self, move: dict[str, Any], answers: Decision | None = None) -> str | None:
        """Give the waiting seat a person's move. Returns None, or the reason the rules refuse it
        (the game is then left exactly as it was). `answers`: the decision the panel that sends
        it was drawn for; a panel the game has moved past (another tab of the same game, say)
        is refused rather than answering a later decision."""
        with self._lock:
            decision = self.model.pending
            if answers is not None and (decision is None or _key(answers) != _key(decision)):
                now = (
                    f"it now waits for {decision.actor_name} ({kind_words(decision.kind)}) in "
                    f"round {decision.round}"
                    if decision is not None
                    else "it waits for no move now"
                )
                return (
                    f"this panel was for the move of {answers.actor_name} in round {answers.round}, "
                    f"and the game has moved on: {now}. Reload the page to see it."
                )
            if decision is None:
                return "no move is awaited now"
            try:
                self.model.submit(move, actor=decision.actor)
            except IllegalMove as err:
                return str(err)
            self.human_moves.append(
                HumanMove(
                    decision.round,
                    decision.actor,
                    decision.kind,
                    to_jsonable(move),
                    to_jsonable(decision.agent_move),
                    list(getattr(decision, "options", None) or []),
                )
            )
            return None

    def reset(self) -> None:
        """Start the same game again (same scenario, seed and seats)."""
        with self._lock:
            self.model = self.setup.build()
            self.human_moves = []
            self.what_if = None

    def agents_only(self) -> NegotiationModel:
        """The same scenario and seed with the agents in every seat, played to the end (once)."""
        if self._agents_only is None:
            model = GameSetup(self.setup.spec, self.setup.seed, (), self.setup.source).build()
            model.run()
            self._agents_only = model
        return self._agents_only

    def replay_from(self, from_round: int) -> WhatIf:
        """Replay the game with people's moves before `from_round` and agents from then on."""
        model = replay(self.setup, self.human_moves, from_round)
        self.what_if = WhatIf(from_round, model)
        return self.what_if

    # --- the log ---------------------------------------------------------------------------------

    def moves_csv(self) -> str:
        """Every move, one row each; the numbers and details as JSON text in their columns."""
        frame = self.model.moves_frame()
        for column in ("numbers", "detail"):
            if column in frame:
                frame[column] = frame[column].map(lambda v: json.dumps(to_jsonable(v)))
        return frame.to_csv(index=False)

    def log_json(self) -> str:
        """The whole game (as `negotiation run --json` prints it), with the scenario file and the
        people's moves."""
        log = game_document(self.model)
        log["scenario_file"] = self.setup.source
        log["human_moves"] = to_jsonable([asdict(h) for h in self.human_moves])
        return json.dumps(log, indent=1)


def replay(setup: GameSetup, human_moves: list[HumanMove], from_round: int) -> NegotiationModel:
    """A finished game: the recorded human moves of rounds before `from_round` are sent again,
    and from `from_round` on the agents play every seat. Same scenario and seed, so the rounds
    before `from_round` repeat exactly.

    The agents take over between two rounds (`model.hand_over()`); a seat's agent plays exactly
    the move it would have suggested.
    """
    model = setup.build()
    recorded = iter(h for h in human_moves if h.round < from_round)
    while model.running:
        decision = model.pending
        if decision is None:
            if model.round + 1 >= from_round:
                model.hand_over()
            model.step()
            continue
        earlier = next(recorded, None)
        if earlier is None or (earlier.actor, earlier.kind) != (decision.actor, decision.kind):
            raise RuntimeError(
                f"the replay diverged in round {decision.round}: no recorded move by "
                f"{decision.actor} ({decision.kind})"
            )
        model.submit(earlier.move, actor=decision.actor)
    return model


KIND_PHASES = {"vote": ("council",)}
"""The phases of the move log in which a decision of this kind is recorded (default: the kind)."""


def logged_for(move: Any, h: HumanMove) -> bool:
    """Is this logged move written for the person's decision `h` (its round, seat and the phase
    in which a decision of its kind is recorded)?"""
    return (
        h.round == move.round
        and h.actor == move.actor
        and move.phase in KIND_PHASES.get(h.kind, (h.kind,))
    )


def persons_move(move: Any, human_moves: list[HumanMove]) -> bool:
    """Did a person make this logged move? A move the log marks as a person's own (`by`) and
    written for one of the person's decisions (its round, seat and phase)."""
    if getattr(move, "by", "") != BY_HUMAN:
        return False
    return any(logged_for(move, h) for h in human_moves)


KIND_WORDS = {
    "us": "offer to the Commission",
    "commission": "answer to the US",
    "china": "pressure and inducements",
    "stance": "stance",
    "vote": "Council vote",
    "parliament": "consent procedure",
    "consent": "consent to the agreement",
}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)
