"""What a seat's page asks for: its view of the room (whole, or as JSON from the room's shared
snapshot, `views.py`, also in the answer to its move), and what must wake a waiting page at once. Mixed into `RoomService`
(rooms.py), whose state and checks these methods use; a seat's token is checked first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from negotiation.classroom import talk
from negotiation.classroom import views as seat_views
from negotiation.classroom.errors import BRIEF_WAIT_SECONDS
from negotiation.classroom.game import key_of

if TYPE_CHECKING:
    from negotiation.classroom.rooms import Room


class SeatDesk:
    """The seats' views of `RoomService`."""

    def seat_view(
        self, code: str, actor: str, token: str | None, log_from: int = 0
    ) -> dict[str, Any]:
        """All a seat's holder sees: the room, the decision the seat must make now (if any),
        whether it has moved this round, the log (from move number `log_from` on) and the
        teacher's messages."""
        room = self._room(code)
        with room.changed:
            seat = self._holder(room, actor, token)
            game = room.game
            running = room.row.status == "running"
            moved = game.has_moved(seat)
            view: dict[str, Any] = {
                "code": room.code,
                "actor": seat,
                "name": game.model.actor_name(seat),
                "holder": room.holders[seat],
                "scenario": room.row.scenario_name,
                **self._clock_view(room, self._clock()),
                "round": game.round,
                "rounds": room.spec.rounds,
                "moved_this_round": moved,
                "issues": {
                    k: {"label": i.label, "unit": i.unit, "low": i.low, "high": i.high}
                    for k, i in room.spec.issues.items()
                },
                "decision": None,
                "waiting_for": room.waiting_for(),
                "log_from": log_from,
                "log": game.log(log_from),
                "messages": [
                    talk.describe(m, game) for m in room.messages if talk.visible_to(m, seat)
                ],
                "muted": seat in room.muted,
                "seats": game.model.actor_ids(),
                "seat_names": {a: game.model.actor_name(a) for a in game.model.actor_ids()},
                "outcome": game.outcome_row(),
                "version": room.version,
            }
            if running:
                view["decision"] = game.decision_view(seat)
            return view

    def seat_view_json(
        self, code: str, actor: str, token: str | None, log_from: int = 0
    ) -> bytes | None:
        """`seat_view` as JSON, from the room's shared snapshot (`views`): memory only, waiting
        at most `BRIEF_WAIT_SECONDS` for the room (to rebuild a snapshot that lags it), so the
        server calls it on its event loop. None if the room stays busy (a change in progress):
        then call `seat_view_json_locked` in a thread."""
        room = self._room(code)
        snapshot = room.views
        if snapshot is None or snapshot.version != room.version:
            # Rebuilt by the first page that asks after a change, if the room is free: the
            # versions of a phase that no page reads (seats moving one after another) cost nothing.
            if not room.changed.acquire(timeout=BRIEF_WAIT_SECONDS):
                return None
            try:
                snapshot = self._snapshot(room)
            finally:
                room.changed.release()
        seat = self._holder(room, actor, token)
        return seat_views.seat_json(snapshot, seat, log_from, self._clock())

    def seat_view_json_locked(
        self, code: str, actor: str, token: str | None, log_from: int = 0
    ) -> bytes:
        """`seat_view_json`, holding the room (the snapshot rebuilt if it lags)."""
        room = self._room(code)
        with room.changed:
            seat = self._holder(room, actor, token)
            return seat_views.seat_json(self._snapshot(room), seat, log_from, self._clock())

    @staticmethod
    def _snapshot(room: Room) -> seat_views.RoomViews:
        """The room's shared snapshot, rebuilt if it lags the room (call it holding the room)."""
        if room.views is None or room.views.version != room.version:
            room.views = seat_views.build(room)
        return room.views

    def _clock_view(self, room: Room, t: float) -> dict[str, Any]:
        deadline = room.row.deadline
        left = room.row.remaining if deadline is None else max(0.0, deadline - t)
        return {"status": room.row.status, "time_limit": room.row.time_limit, "seconds_left": left}

    def _wake_keys(self, room: Room) -> dict[str, tuple]:
        """Per seat, what its page must learn of at once: the room's status, a new message, the
        seat's own open decision, its holder and whether it is muted. Anything else (another seat
        moved, the round's log grew) reaches a waiting seat within `COALESCE_SECONDS`."""
        game = room.game
        shared = (room.row.status, len(room.messages), game.finished)
        decisions = game.open_decisions() if room.row.status == "running" else {}
        return {
            seat: (
                shared,
                key_of(decisions[seat]) if seat in decisions else None,
                seat in room.muted,
                holder,
            )
            for seat, holder in room.holders.items()
        }
