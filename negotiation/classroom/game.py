"""One room's live game: the engine's model, driven by the moves the room has stored.

The model is never saved. It is rebuilt from the scenario, the seed and the stored moves: the game
asks for decisions in a fixed order and each stored move answers the decision with its round, seat
and kind. Replaying stops at the first decision nobody has made yet: that is the live point.

The engine asks the human seats of one phase one after another (every member state's stance, say),
but a class should not wait for each student in turn. The model shows, from the start of such a
phase, the decision of every human seat it will ask (`NegotiationModel.phase_decisions`), so every
seat of the current phase sees its decision at once; a student's move is checked against that
decision, stored, and applied when the game reaches the seat. A seat's decision in a phase does not
depend on the moves of the seats before it in that phase (the engine computes the options of a
phase before asking), so the check is the same one the model makes. Only the Council forecast
differs: the voter the game waits for sees the live forecast, a voter the game has not reached yet
the forecast of the phase's start (every other voter as its agent would vote).

When a phase's time runs out, the agents play for the open decisions of that phase
(`open_moves`). When the teacher advances the round, they play for every human decision left in
the round, later phases included: those decisions depend on the moves before them, so a *shadow*
game (a replay that lets the agents answer for the seats still to move) finds them
(`idle_moves`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from negotiation.gamelog import to_jsonable
from negotiation.model import NegotiationModel
from negotiation.moves import Decision, IllegalMove
from negotiation.scenario import ScenarioSpec

MOVE_FIELDS = {
    "us": ("action", "terms", "clause", "bilateral"),
    "commission": ("action", "terms", "clause"),
    "china": ("pressure", "inducements"),
    "stance": ("stance",),
    "vote": ("vote",),
}
"""The fields a move of each kind may have, besides those the engine shows in its suggestion
(`Decision.agent_move`) or lists in ``Decision.info["fields"]``: only these are ever stored."""

Key = tuple[int, str, str]
"""A decision's identity in a game: (round, actor, kind)."""


@dataclass(frozen=True, slots=True)
class Played:
    """A move the room has stored for one decision, and who made it."""

    move: dict[str, Any]
    by: str


class Shown:
    """A decision as the seat's page shows it: encoded as JSON (`encode`), and as plain JSON
    values when a page in this process asks (`plain`, converted once). Shared by every reader:
    read it, never change it."""

    __slots__ = ("_plain", "decision", "encoded")

    def __init__(self, decision: Decision):
        self.decision = decision
        self.encoded = encode(_decision_fields(decision))
        self._plain: dict[str, Any] | None = None

    @property
    def plain(self) -> dict[str, Any]:
        if self._plain is None:
            self._plain = to_jsonable(_decision_fields(self.decision))
        return self._plain


def _decision_fields(decision: Decision) -> dict[str, Any]:
    return {
        "kind": decision.kind,
        "round": decision.round,
        "prompt": decision.prompt,
        "info": decision.info,
        "agent_move": decision.agent_move,
    }


SHOWN_KEPT = 256
"""How many decisions' JSON a game keeps before it drops those of earlier rounds."""


def key_of(decision: Decision) -> Key:
    return (decision.round, decision.actor, decision.kind)


class LiveGame:
    """The model of one room at its live point, plus the moves stored ahead of it."""

    def __init__(
        self,
        spec: ScenarioSpec,
        seed: int,
        humans: tuple[str, ...],
        played: dict[Key, Played] | None = None,
    ):
        self.spec = spec
        self.seed = seed
        self.humans = humans
        self.played: dict[Key, Played] = dict(played or {})
        self._moved: dict[int, set[str]] = {}  # round -> the actors with a stored move in it
        for r, a, _k in self.played:
            self._moved.setdefault(r, set()).add(a)
        self.model = self._replay()
        self._log: list[dict[str, Any]] = []  # the moves as JSON, filled as the game goes
        self._log_json: list[bytes] = []  # the same, encoded
        self._outcome: dict[str, Any] | None = None
        self._shown: dict[Key, Shown] = {}  # decisions as JSON, by key (`_shown_as`)

    # --- replay ----------------------------------------------------------------------------------

    def _fresh(self) -> NegotiationModel:
        return NegotiationModel.from_spec(self.spec, self.seed, self.humans)

    def _replay(self) -> NegotiationModel:
        model = self._fresh()
        _play_stored(model, self.played)
        return model

    def record(self, key: Key, played: Played) -> None:
        """Take a stored move and play on as far as the stored moves reach."""
        self.played[key] = played
        self._moved.setdefault(key[0], set()).add(key[1])
        _play_stored(self.model, self.played)

    def has_moved(self, actor: str, round_: int | None = None) -> bool:
        """Whether `actor` has a stored move in `round_` (by default the current round)."""
        return actor in self.movers(round_)

    def movers(self, round_: int | None = None) -> set[str]:
        """The actors with a stored move in `round_` (by default the current round); read it,
        never change it."""
        return self._moved.get(self.round if round_ is None else round_, set())

    # --- what the game waits for -----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.model.finished

    @property
    def round(self) -> int:
        return self.model.round

    def open_decisions(self) -> dict[str, Decision]:
        """Every human seat that can move now: the seat the game waits for and the seats after it
        in the same round and phase, by actor id; seats that already moved are left out."""
        pending = self.model.pending
        if pending is None:
            return {}
        phase = self.model.phase_decisions or {pending.actor: pending}
        return {a: d for a, d in phase.items() if key_of(d) not in self.played}

    def decision_view(self, actor: str) -> dict[str, Any] | None:
        """`actor`'s open decision as JSON (what its page shows), or None. The same decision
        object gives the same (cached) JSON, shared: thirty pages waking at once convert it once,
        so callers read it and never change it."""
        decision = self.open_decisions().get(actor)
        return None if decision is None else self._shown_as(decision).plain

    def decision_json(self) -> dict[str, bytes]:
        """`decision_view` of every seat that can move now, encoded (`encode`), by actor id: one
        look at the open decisions for all the seats, each decision encoded once."""
        return {actor: self._shown_as(d).encoded for actor, d in self.open_decisions().items()}

    def _shown_as(self, decision: Decision) -> Shown:
        """`decision` as JSON, converted once per decision object and found by its key, one dict
        look-up (a voter's live decision replaces the one shown since the phase's start). Only
        the current round's are kept once there are more than `SHOWN_KEPT`."""
        key = key_of(decision)
        shown = self._shown.get(key)
        if shown is None or shown.decision is not decision:
            if len(self._shown) >= SHOWN_KEPT:
                self._shown = {k: v for k, v in self._shown.items() if k[0] == decision.round}
            shown = self._shown[key] = Shown(decision)
        return shown

    def check(self, actor: str, move: dict[str, Any]) -> tuple[Key, dict[str, Any]]:
        """Check a seat's move against its open decision; returns the decision's key and the
        move as it will be stored (a plain JSON copy of the fields the engine reads).

        Raises IllegalMove (the rules refuse the move, an unknown field, or a value of the wrong
        shape) or LookupError (the seat has no move to make now). Changes nothing.
        """
        decision = self.open_decisions().get(actor)
        if decision is None:
            raise LookupError(self.waiting_text(actor))
        allowed = {
            *MOVE_FIELDS.get(decision.kind, ()),
            *decision.agent_move,
            *(decision.info.get("fields") or ()),
        }
        unknown = sorted(repr(k) for k in move if k not in allowed)  # repr: any text prints
        if unknown:
            raise IllegalMove(
                f"unknown field(s) {', '.join(unknown)} in a {decision.kind} move; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
        clean = json.loads(json.dumps(move))
        try:
            decision.validate(clean)
        except IllegalMove:
            raise
        except Exception as err:  # a value of the wrong shape that the engine did not word
            raise IllegalMove(
                f"the move has a value of the wrong shape ({type(err).__name__}: {err}); "
                f"compare with the suggested move {json.dumps(to_jsonable(decision.agent_move))}"
            ) from None
        return key_of(decision), clean

    def waiting_text(self, actor: str) -> str:
        """Why `actor` cannot move now, in words."""
        if self.finished:
            return "the game is over"
        waiting = sorted(self.open_decisions())
        if not waiting:
            return "the game is not waiting for a move now"
        names = ", ".join(self.model.actor_name(a) for a in waiting)
        return f"it is not {self.model.actor_name(actor)}'s move now; the game waits for {names}"

    def phase(self) -> tuple[int, str] | None:
        """The phase the game waits in: (round, kind of decision), or None."""
        pending = self.model.pending
        return None if pending is None else (pending.round, pending.kind)

    def open_moves(self) -> list[tuple[Key, dict[str, Any]]]:
        """The agents' moves for the decisions open now that no one has made (the seats of the
        current phase): what plays when the phase's time runs out."""
        return [(key_of(d), d.agent_move) for d in self.open_decisions().values()]

    def idle_moves(self) -> list[tuple[Key, dict[str, Any]]]:
        """The agents' moves for every human decision left in the current round that no one has
        made: what plays when the teacher advances the round."""
        if self.model.pending is None:
            return []
        current = self.model.pending.round
        shadow = self._replay()
        out = []
        for decision in _walk(shadow, self.played):
            if decision.round != current:
                break
            if key_of(decision) not in self.played:
                out.append((key_of(decision), decision.agent_move))
        return out

    # --- what people see -------------------------------------------------------------------------

    def log(self, start: int = 0) -> list[dict[str, Any]]:
        """The game's moves from number `start` on, oldest first; a human seat's move that its
        agent played says so in `by`."""
        moves = self.model.moves
        if len(self._log) > len(moves):  # not expected: the model's log only grows
            self._log = []
        self._log += [to_jsonable(m.to_dict()) for m in moves[len(self._log) :]]
        return [dict(entry) for entry in self._log[max(0, start) :]]

    def log_json(self) -> tuple[bytes, ...]:
        """Every move of `log`, each encoded as JSON (`encode`), oldest first."""
        moves = self.model.moves
        if len(self._log_json) > len(moves):  # not expected: the model's log only grows
            self._log_json = []
        self._log_json += [encode(m) for m in moves[len(self._log_json) :]]
        return tuple(self._log_json)

    def outcome_row(self) -> dict[str, Any] | None:
        if self._outcome is None and self.model.outcome:
            self._outcome = to_jsonable(self.model.outcome.row())
        return dict(self._outcome) if self._outcome is not None else None


def encode(value: Any) -> bytes:
    """JSON as the classroom server's responses write it: compact UTF-8, numpy numbers and arrays
    as numbers and lists, NaN and infinities as null, keys as text (what `to_jsonable` makes of
    them), by orjson, about ten times faster than the standard library's encoder."""
    return orjson.dumps(value, option=_OPTIONS)


_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _play_stored(model: NegotiationModel, played: dict[Key, Played]) -> None:
    """Play `model` on, answering each decision with its stored move, up to the first decision
    without one (or the end)."""
    while model.running:
        if model.pending is None:
            model.run()
            continue
        stored = played.get(key_of(model.pending))
        if stored is None:
            return
        model.submit(stored.move, by=stored.by)


def _walk(model: NegotiationModel, played: dict[Key, Played]) -> Iterator[Decision]:
    """From the live point of `model` (a shadow), every decision in turn, answered with its stored
    move or else its agent's, to the end of the game or until the caller stops."""
    while model.running:
        if model.pending is None:
            model.run()
            continue
        decision = model.pending
        yield decision
        stored = played.get(key_of(decision))
        try:
            model.submit(stored.move if stored else decision.agent_move)
        except IllegalMove as err:  # a stored move was checked before it was stored
            raise RuntimeError(f"stored move for {key_of(decision)} refused: {err}") from err
