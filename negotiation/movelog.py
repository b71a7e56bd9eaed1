"""A game's move log: its moves in order, with the sentences of most moves written when the log
is first read.

Sentences are most of a log's cost; a game whose log nobody reads (a benchmark, a run that keeps
only the outcome and the move count) need not write them. For the member states' stances the log
keeps a copy of the numbers that decide them (`Stances`); for the moves of the US, China, the
Commission and the Council vote the narrator's call with its arguments and the number of entries
it will write (`Later`). Each waits in its place among the moves, and the first read of `moves`
writes them: the very same moves, in the same order, as if they had been written during the
round. A deferred call's arguments must not change after its turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negotiation.moves import Move
from negotiation.narrate import Entry
from negotiation.narrate_stances import stance_entries


@dataclass(frozen=True, slots=True)
class Stances:
    """One round's stances as the log will write them (the arrays are copies of the round's)."""

    round: int
    day: int
    phase: str
    actors: list[str]
    actor_names: list[str]
    by: list[str]
    strategies: list[str]
    choice: np.ndarray
    before: np.ndarray
    values: np.ndarray
    noise: np.ndarray
    seen: np.ndarray
    ask: np.ndarray
    holds_deal: np.ndarray
    yes: np.ndarray
    no: np.ndarray

    def write(self) -> list[Move]:
        entries = stance_entries(
            self.actor_names,
            self.choice,
            self.before,
            self.values,
            self.noise,
            self.seen,
            self.ask,
            self.holds_deal,
            self.by,
            self.strategies,
            self.yes,
            self.no,
        )
        return [
            Move(
                self.round,
                self.day,
                self.phase,
                actor,
                name,
                e["action"],
                e["why"],
                e["numbers"],
                e["margin"],
                e["detail"],
                by,
            )
            for actor, name, by, e in zip(
                self.actors, self.actor_names, self.by, entries, strict=True
            )
        ]


@dataclass(frozen=True, slots=True)
class Later:
    """One actor's entries of a turn: `write` (a narrator's call) returns `count` entries."""

    round: int
    day: int
    phase: str
    actor: str
    actor_name: str
    by: str
    count: int
    entries: Callable[[], list[Entry]]

    def write(self) -> list[Move]:
        entries = self.entries()
        if len(entries) != self.count:
            raise RuntimeError(
                f"the narrator wrote {len(entries)} entries for {self.actor} in round "
                f"{self.round}, not the {self.count} counted"
            )
        return [
            Move(
                self.round,
                self.day,
                self.phase,
                self.actor,
                self.actor_name,
                e["action"],
                e["why"],
                e["numbers"],
                e["margin"],
                e["detail"],
                self.by,
            )
            for e in entries
        ]


class MoveLog:
    """The moves of a game in order; `Stances` are written into moves on the first read."""

    def __init__(self) -> None:
        self._moves: list[Move] = []
        self._pending: list[tuple[int, Stances | Later]] = []
        self._count = 0

    def append(self, move: Move) -> None:
        self._moves.append(move)
        self._count += 1

    def add_stances(self, stances: Stances) -> None:
        self._pending.append((len(self._moves), stances))
        self._count += len(stances.actors)

    def add_later(self, later: Later) -> None:
        self._pending.append((len(self._moves), later))
        self._count += later.count

    def __len__(self) -> int:
        return self._count

    @property
    def moves(self) -> list[Move]:
        """Every move so far (the same list object each time, brought up to date)."""
        if self._pending:
            moves, done = self._moves, 0
            written: list[Move] = []
            for at, stances in self._pending:
                written += moves[done:at]
                written += stances.write()
                done = at
            written += moves[done:]
            moves[:] = written
            self._pending = []
        return self._moves
