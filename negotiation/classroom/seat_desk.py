"""What a seat's page asks for and sends: its view of the room (whole, or as JSON from the room's
shared snapshot, `views.py`, also in the answer to its move), its move, and what must wake a
waiting page at once. Mixed into `RoomService` (rooms.py), whose state and checks these methods
use; a seat's token is checked first."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from negotiation.classroom import checks, talk
from negotiation.classroom import views as seat_views
from negotiation.classroom.common import BY_HUMAN
from negotiation.classroom.errors import BRIEF_WAIT_SECONDS, Busy, Conflict
from negotiation.classroom.game import Played, key_of

if TYPE_CHECKING:
    from negotiation.classroom.rooms import Room


class SeatDesk:
    """The seats' views and moves of `RoomService`."""

    def submit_move(
        self,
        code: str,
        actor: str,
        token: str | None,
        move: dict[str, Any],
        client: str | None = None,
        wait: bool = True,
        answers: Any = None,
    ) -> dict[str, Any]:
        """A seat's move. Refused (nothing stored, nothing changed) without the seat's own token,
        outside the seat's turn, while paused, or when the rules forbid it (IllegalMove). A move
        that names the decision it `answers` (``{"round": 3, "kind": "stance"}``, from the view)
        is refused once that decision is no longer open (the clock or the teacher moved the game
        on), never applied to the next one. Without `wait` (the server's event loop), Busy, with
        nothing changed, if another thread holds the room or the database."""
        room, _ = self._room_for_seat(code, actor, token, client)
        answered = None if answers is None else checks.decision_ref(answers)
        with _holding(room, wait):
            seat = self._holder(room, actor, token)
            move = checks.move_dict(move)
            if room.row.status != "running":
                raise Conflict(f"room {room.code} is {room.row.status}: moves wait for the teacher")
            if answered is not None:
                self._still_open(room, seat, answered)
            try:
                key, clean = room.game.check(seat, move)
            except LookupError as err:
                raise Conflict(str(err)) from None
            before = room.game.phase()
            try:
                self.store.add_move(room.code, *key, clean, BY_HUMAN, self._clock(), wait)
            except sqlite3.IntegrityError:
                raise Conflict(f"{seat} has already moved in this phase") from None
            room.game.record(key, Played(clean, BY_HUMAN))
            self._after_moves(room, before)
            self._changed(room)
            return {
                "accepted": True,
                "round": key[0],
                "kind": key[2],
                "version": room.version,
                "status": room.row.status,
            }

    @staticmethod
    def _still_open(room: Room, seat: str, answered: tuple[int, str]) -> None:
        """Refuse a move for a decision that is no longer open."""
        decision = room.game.open_decisions().get(seat)
        if decision is not None and (decision.round, decision.kind) == answered:
            return
        name = room.game.model.actor_name(seat)
        now = (
            f"; {name} is asked for round {decision.round} ({decision.kind}) now"
            if decision is not None
            else ""
        )
        raise Conflict(
            f"{name}: the decision of round {answered[0]} ({answered[1]}) is no longer open (its "
            f"time ran out or the teacher moved the game on), so the move was not made{now}"
        )

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


@contextmanager
def _holding(room: Room, wait: bool) -> Iterator[None]:
    """Hold the room (`with room.changed`); without `wait`, Busy if another thread holds it for
    longer than `BRIEF_WAIT_SECONDS`."""
    if not room.changed.acquire(timeout=-1 if wait else BRIEF_WAIT_SECONDS):
        raise Busy(f"room {room.code} is in use")
    try:
        yield
    finally:
        room.changed.release()
