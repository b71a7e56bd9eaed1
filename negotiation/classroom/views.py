"""A seat's view as JSON, from a snapshot of its room shared by every seat.

Thirty pages wake at once when their room changes, and each asks for its seat's view. What the
views have in common (the round, the log, who the game waits for, each open decision, the
messages) is encoded into a `RoomViews` snapshot by the first request that asks after the room
changed, while it holds the room: the versions nobody asks for (seats of a phase moving one after
another) are never encoded. The other requests only join the ready pieces for their seat, on the
event loop, without the room's lock, without a thread and without the database: the snapshot is
never changed, only replaced. The JSON is the one `RoomService.seat_view` gives
(tests compare them), except for the order of its fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from negotiation.classroom import talk
from negotiation.classroom.game import encode
from negotiation.classroom.store import MessageRow, RoomRow

if TYPE_CHECKING:
    from negotiation.classroom.rooms import Room


@dataclass(frozen=True, slots=True)
class RoomViews:
    """The pieces of every seat's view of one room at one version (read-only once built)."""

    version: int
    row: RoomRow
    shared: bytes
    """The fields that are the same for every seat, encoded, without braces."""
    log: tuple[bytes, ...]
    decisions: dict[str, bytes]
    moved: frozenset[str]
    holders: dict[str, bytes]
    names: dict[str, bytes]
    muted: frozenset[str]
    messages: tuple[tuple[MessageRow, bytes], ...]


def build(room: Room) -> RoomViews:
    """The snapshot of `room` as it is now (call it while holding the room)."""
    game = room.game
    running = room.row.status == "running"
    decisions = {}
    if running:
        decisions = {s: d for s, d in game.decision_json().items() if s in room.holders}
    static = room.static_json
    if static is None:
        static = room.static_json = encode(
            {
                "code": room.code,
                "scenario": room.row.scenario_name,
                "rounds": room.spec.rounds,
                "issues": {
                    k: {"label": i.label, "unit": i.unit, "low": i.low, "high": i.high}
                    for k, i in room.spec.issues.items()
                },
                "seats": game.model.actor_ids(),
                "seat_names": {a: game.model.actor_name(a) for a in game.model.actor_ids()},
            }
        )[1:-1]
    shared = encode(
        {
            "status": room.row.status,
            "time_limit": room.row.time_limit,
            "round": game.round,
            "waiting_for": room.waiting_for(),
            "outcome": game.outcome_row(),
            "version": room.version,
        }
    )[1:-1]
    holders, names = _seats_json(room)
    return RoomViews(
        version=room.version,
        row=room.row,
        shared=static + b"," + shared,
        log=game.log_json(),
        decisions=decisions,
        moved=frozenset(game.movers() & room.holders.keys()),
        holders=holders,
        names=names,
        muted=frozenset(room.muted),
        messages=tuple((m, room.described(m)) for m in room.messages),
    )


def seat_json(views: RoomViews, seat: str, log_from: int, t: float) -> bytes:
    """`seat`'s view (as `RoomService.seat_view` gives it) at time `t`, as JSON."""
    row = views.row
    left = row.remaining if row.deadline is None else max(0.0, row.deadline - t)
    log = views.log[max(0, log_from) :]
    messages = [m for row_, m in views.messages if talk.visible_to(row_, seat)]
    return b"".join(
        (
            b'{"actor":',
            encode(seat),
            b',"name":',
            views.names[seat],
            b',"holder":',
            views.holders[seat],
            b",",
            views.shared,
            b',"seconds_left":',
            encode(left),
            b',"moved_this_round":',
            b"true" if seat in views.moved else b"false",
            b',"decision":',
            views.decisions.get(seat, b"null"),
            b',"log_from":',
            encode(log_from),
            b',"log":[',
            b",".join(log),
            b'],"messages":[',
            b",".join(messages),
            b'],"muted":',
            b"true" if seat in views.muted else b"false",
            b"}",
        )
    )


def _seats_json(room: Room) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The seats' holders and names as JSON, by seat: the names encoded once, the holders again
    only when one changed (a room's views are built at every change; seats change hands seldom)."""
    cached = room.seats_json
    if cached is None:
        names = {s: encode(room.game.model.actor_name(s)) for s in room.holders}
    elif cached[0] != room.holders:
        names = cached[2]
    else:
        return cached[1], cached[2]
    holders = {s: encode(h) for s, h in room.holders.items()}
    room.seats_json = (dict(room.holders), holders, names)
    return holders, names
