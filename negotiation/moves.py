"""What the game records and asks: moves with their reasons, and the decisions people make.

Every move keeps the numbers it compared and one plain sentence that says why, plus its margin:
how much better the best option not taken would have had to be to win. A `Decision` is what the
engine hands a human seat when the game reaches it; the same object serves the terminal, the
browser and test bots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


class IllegalMove(ValueError):
    """A move the rules forbid. The message says what is wrong and what is allowed; the game
    state is left exactly as it was."""


@dataclass(slots=True)
class Move:
    """One actor's move in one phase of one round, with its reason."""

    round: int
    day: int
    phase: str
    actor: str
    actor_name: str
    action: str
    why: str
    numbers: dict[str, float] = field(default_factory=dict)
    margin: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    by: str = "agent"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Decision:
    """A move the engine waits for from a person.

    `kind` is one of china, us, commission, stance, vote. `info` holds what the seat needs to
    decide (the offers on the table in real units, its utility for each choice, the Council
    arithmetic); `prompt` says the same in words; `agent_move` is the move the seat's own agent
    would make (a valid example, and what plays for an idle seat). `validate` turns a move (a dict)
    into what the engine applies, or raises IllegalMove.
    """

    actor: str
    actor_name: str
    kind: str
    round: int
    prompt: str
    info: dict[str, Any]
    agent_move: dict[str, Any]
    validate: Callable[[dict[str, Any]], Any]
