"""How a seat played by a person is asked: the same question as its agent, answered by a move of
the same kind (mixed into `NegotiationModel`, whose state these methods use). `_seat` asks one
seat, `_ask_states` the member states of a phase at once (`phase_decisions`); `submit` gives the
waiting seat its move and records who made it (`_played_by`); `hand_over` lets the agents take
seats back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from negotiation.move_dicts import encode
from negotiation.moves import BY_AGENT, BY_HUMAN, BY_RULES, Decision, IllegalMove
from negotiation.phases import Round


class PersonSeats:
    """The person's side of every seat of `NegotiationModel`."""

    def _resolve_humans(self, humans) -> frozenset[str]:
        if not humans:
            return frozenset()
        known = {a.lower(): a for a in self.actor_ids()}
        resolved = set()
        for h in humans:
            if str(h).lower() not in known:
                raise ValueError(f"unknown seat {h!r}; seats are {', '.join(self.actor_ids())}")
            resolved.add(known[str(h).lower()])
        return frozenset(resolved)

    def submit(
        self, move: dict[str, Any], actor: str | None = None, by: str = BY_HUMAN
    ) -> Decision | None:
        """Give the waiting seat its move. An illegal move raises IllegalMove and changes nothing.

        `actor`, if given, must be the waiting seat. `by` says who made the move (`moves.BY_*`:
        `BY_IDLE` when a seat's agent plays for an absent person): the log labels the move with it,
        and the move's sentence is a person's only for a person's own move (`BY_HUMAN`). Returns
        the next decision the game waits for (or None once the round or game is over).
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
        self.phase_decisions = {a: d for a, d in self.phase_decisions.items() if a not in leaving}
        if self.pending is not None and self.pending.actor in leaving:
            self.submit(self.pending.agent_move)

    def _seat(
        self,
        actor: str,
        kind: str,
        move: Any,
        ask: dict[str, Any] | Callable[[], dict[str, Any]],
    ) -> Round:
        """The one path for every seat: an agent's move stands; a person is asked, with the
        agent's move as the suggestion, and answers with a move of the same kind. `ask` is the
        question (prompt, info, validate, options, check), or a function that builds it only
        when a person is asked (an agent's turn does not pay for it)."""
        if actor not in self.humans:
            return move
        return (yield self._decision(actor, kind, move, ask() if callable(ask) else ask))

    def _ask_states(
        self,
        kind: str,
        agent_move: Callable[[int], Any],
        question: Callable[[int], dict[str, Any]],
        answer: Callable[[int, Any], None],
        live: bool = False,
        asked: Callable[[int], bool] | None = None,
    ) -> Round:
        """The `_seat` of a phase every member state plays (stances, Council votes): the human
        states are asked one after another, in order, but `phase_decisions` shows each of them
        its decision from the start of the phase, so that all may answer at once. An answered
        state leaves it; it is empty again when the phase ends. `agent_move(row)` is the state's
        suggestion, `question(row)` its question as things stand, `answer(row, move)` applies a
        move (a person's, or the agent's for a state no person plays). With `live` a question
        depends on the answers before it (the Council forecast): the state the game reaches is
        asked afresh; the others see the question of the phase's start. A state for which
        `asked(row)` is false (it has one legal move) is not asked: the rules make its move."""
        rows = self._human_states()
        if asked is not None:
            ruled = [i for i in rows if not asked(i)]
            for i in ruled:
                self._by[self.states.codes[i]] = BY_RULES
            rows = [i for i in rows if i not in ruled]
        moves = {i: agent_move(i) for i in rows}
        codes = self.states.codes
        self.phase_decisions = {
            codes[i]: self._decision(codes[i], kind, moves[i], question(i)) for i in rows
        }
        answered = False
        try:
            for i in rows:
                move = moves[i]
                if codes[i] in self.humans:
                    if live and answered:  # the answers so far change the question
                        self.phase_decisions[codes[i]] = self._decision(
                            codes[i], kind, move, question(i)
                        )
                    move = yield self.phase_decisions[codes[i]]
                    self.phase_decisions.pop(codes[i], None)
                answer(i, move)
                answered = True
        finally:
            self.phase_decisions = {}

    def _decision(self, actor: str, kind: str, move: Any, ask: dict[str, Any]) -> Decision:
        """What a person in `actor`'s seat is asked, with `move` (its agent's) as the suggestion."""
        encoded = encode(
            kind, move, self.space, self.states.codes, self.states.tariff, self.commission.forms
        )
        return Decision(actor, self.actor_name(actor), kind, self.round, agent_move=encoded, **ask)

    def _played_by(self, actor: str) -> str:
        """Who made this seat's latest move: `BY_AGENT` for a seat its agent plays, otherwise the
        `by` its latest move was submitted with (`BY_HUMAN` for a person's own)."""
        return self._by.get(actor, BY_HUMAN) if actor in self.humans else BY_AGENT

    def _human_states(self) -> list[int]:
        """The rows of the member states played by a person, in order."""
        if not self.humans:
            return []
        return [i for i, code in enumerate(self.states.codes) if code in self.humans]
