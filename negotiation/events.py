"""Scheduled events: shocks a scenario fixes in time (a US tariff threat on given states, a
territorial threat, the Parliament suspending its consent procedure, a change in China's pressure).

Each event happens at the start of its round, before China moves, and is logged with its note (the
source, in a history scenario). The schema and its checks are here; what each kind does to the game
is `apply_event`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from negotiation.moves import EventMove
from negotiation.strategies.courting import CourtFixed

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel

KINDS: dict[str, tuple[str, str]] = {
    # kind: (actor, what it does)
    "tariff_threat": ("us", "threatens tariffs on `states` (size `value`, else the scenario's)"),
    "lift_tariffs": ("us", "drops its tariff threats on `states` (every state if none named)"),
    "territorial_threat": ("us", "threatens a member state's territory (Greenland)"),
    "territorial_threat_ends": ("us", "drops its territorial threat"),
    "court": ("us", "courts `states` with bilateral offers from this round on"),
    "suspend_consent": ("parliament", "suspends its consent procedure"),
    "resume_consent": ("parliament", "resumes its consent procedure"),
    "china_pressure": ("china", "sets China's base pressure to `value`"),
}
NEEDS_STATES = {"tariff_threat", "court"}
NEEDS_VALUE = {"china_pressure"}


class EventSpec(BaseModel):
    """One scheduled event of a scenario file."""

    model_config = ConfigDict(extra="forbid")

    round: Annotated[int, Field(ge=1)]
    actor: str
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    states: list[str] = Field(default_factory=list)
    value: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    note: str = ""
    """Why, with its source: the log shows it."""


def event_problems(spec: Any) -> list[tuple[str, str]]:
    """Problems of a scenario's events: after the last round, on the wrong or an unknown actor,
    naming unknown states, a missing value."""
    out: list[tuple[str, str]] = []
    codes = list(spec.member_states.states)
    actors = ["us", "commission", "china", *(["parliament"] if spec.parliament else []), *codes]
    for k, event in enumerate(spec.events):
        where = f"events.{k}"
        if event.round > spec.rounds:
            out.append(
                (
                    f"{where}.round",
                    f"round {event.round} is after the last round ({spec.rounds}); allowed 1 to "
                    f"{spec.rounds}",
                )
            )
        owner = KINDS[event.kind][0]
        if event.actor not in actors:
            out.append(
                (f"{where}.actor", f"unknown actor {event.actor!r}; actors are {', '.join(actors)}")
            )
        elif event.actor != owner:
            out.append(
                (f"{where}.actor", f"a {event.kind} event is the {owner}'s, not {event.actor}'s")
            )
        if owner == "parliament" and spec.parliament is None:
            out.append((f"{where}.actor", "the scenario has no parliament section"))
        for code in event.states:
            if code not in codes:
                out.append(
                    (
                        f"{where}.states",
                        f"unknown member state {code!r}; states are {', '.join(codes)}",
                    )
                )
        if event.kind in NEEDS_STATES and not event.states:
            out.append((f"{where}.states", f"a {event.kind} event names at least one state"))
        if event.kind in NEEDS_VALUE and event.value is None:
            out.append((f"{where}.value", f"a {event.kind} event needs a value from 0 to 1"))
    return out


def apply_event(model: NegotiationModel, event: EventSpec) -> EventMove:
    """Make the event happen in the game."""
    states = model.states
    rows = tuple(states.codes.index(c) for c in event.states)
    kind = event.kind
    value = event.value
    if kind == "tariff_threat":
        if value is not None:
            model.us.tariff_size = value
        value = model.us.tariff_size or None
        tariff = states.tariff.copy()
        tariff[list(rows)] = True
        states.tariff = tariff & ~states.signed
    elif kind == "lift_tariffs":
        tariff = states.tariff.copy()
        tariff[list(rows) if rows else slice(None)] = False
        states.tariff = tariff
    elif kind in ("territorial_threat", "territorial_threat_ends"):
        model.territorial_threat = kind == "territorial_threat"
    elif kind == "court":
        model.us.courting = CourtFixed(list(event.states))
        model.us.courting_from = model.round
    elif kind in ("suspend_consent", "resume_consent"):
        model.parliament.held = kind == "suspend_consent"
    elif kind == "china_pressure":
        model.china.base_pressure = float(value)
        model.china.max_pressure = max(model.china.max_pressure, float(value))
    return EventMove(kind, event.actor, rows, value, event.note)
