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

BY_AGENT = "agent"
"""A move's `by` when an agent's seat made it."""
BY_HUMAN = "human"
"""A person's own move."""
BY_IDLE = "agent (seat idle)"
"""A move a seat's agent made for the person in it: the round's time ran out."""
BY_TEACHER = "agent (teacher advanced)"
"""A move a seat's agent made for the person in it: the teacher advanced the round."""
BY_RULES = "rules"
"""An entry no seat made: the Council's count of the votes, national ratification."""
BY_SCENARIO = "scenario"
"""A scheduled event: the scenario made it happen, not the seat of the actor it concerns."""


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
    by: str = BY_AGENT
    """Who made it: one of the `BY_` labels above."""

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
    options: list[str] = field(default_factory=list)
    """The kinds of move open to the seat now (e.g. offer, accept, bilateral, tariffs)."""
    check: Callable[[dict[str, Any]], list[str]] | None = None
    """Warnings a legal move still deserves (an offer below the seat's own walk-away): show them
    to the person before the move is sent."""

    def warnings(self, move: dict[str, Any]) -> list[str]:
        """Warnings for a move (empty if none, or if the move is illegal: `validate` says why)."""
        if self.check is None:
            return []
        try:
            self.validate(move)
        except IllegalMove:
            return []
        return self.check(move)


# --- typed moves: what each actor decides, with the numbers that decided it -----------------------


@dataclass(slots=True)
class ChinaMove:
    pressure: float
    inducements: Any
    """Per state: a reward (> 0) or a threat (< 0)."""


@dataclass(slots=True)
class USMove:
    action: str
    """"offer" (a bloc offer) or "accept" (the Commission's counter-offer)."""
    package: Any
    courted: Any
    """Mask of the states offered a bilateral deal this round (the keys of `bilateral`)."""
    bilateral: Any
    """The bilateral terms offered to each courted state: {state row: Package}."""
    threatened: Any
    """Mask of the states under a US tariff threat after this move."""
    asked: float | None = None
    """The utility the US's agent asked for with its offer (None for a person's move: a person
    asks what the offer is worth)."""


@dataclass(slots=True)
class CommissionMove:
    action: str
    """"accept" (the US offer) or "counter"."""
    package: Any
    payments: Any
    """EU funds promised to each state this round (0 for most)."""


@dataclass(frozen=True, slots=True)
class Withheld:
    """Why the Commission did not accept a US offer that met its target: the Council vote it
    forecast, the reason (`council`: the vote fails; `ratification`: a mixed agreement that would
    probably not be ratified by every state; `parliament`: no consent), and, for a mixed
    agreement, the states it expects to say no."""

    vote: Any
    reason: str
    blockers: list[str]


@dataclass(slots=True)
class StanceMove:
    stance: int
    """An index into STANCES: bloc, bilateral, china, conditional."""
    ask: float = 0.0
    """The EU funds asked for, with the conditional stance."""


@dataclass(slots=True)
class VoteMove:
    yes: bool


@dataclass(slots=True)
class ParliamentMove:
    suspend: bool
    """Does the Parliament hold its consent procedure suspended this round?"""
    threat: bool = False
    """What decided it: is the US threatening a member state's territory?"""


@dataclass(slots=True)
class ConsentMove:
    consent: bool


@dataclass(frozen=True, slots=True)
class EventMove:
    """A scheduled event as it happened: its kind, actor, the state rows it touched, its value."""

    kind: str
    actor: str
    rows: tuple[int, ...]
    value: float | None
    note: str
