"""The classroom's rooms: what teachers and students can do, with who may do it checked first.

`RoomService` is the one object the web pages and the HTTP server call. A teacher (with the
teacher's key) opens a room on a scenario, a seed and a set of human seats; students join with the
room's code, take a free seat and get the seat's secret token; the game waits until every human seat
of the current phase has moved, until the phase's time runs out (each phase that waits for people
gets the whole time limit), or until the teacher advances the round, and then the seats' agents
play for the idle seats. Every change is written to the `Store` before it is
applied, so a restarted service (`RoomService.open`) resumes every room where it stood.

Who may do what is checked before anything waits or is written. Abuse is bounded per client (the
caller names the client: an address, a browser session): wrong join codes, seats taken, wrong
teacher keys and messages have rate limits (`limits`), and a client's open waits are bounded
(`waits`). Waits are asyncio futures, so waiting costs no thread. Each room loads on its own: a
room whose stored moves no longer replay is reported in `damaged` and skipped. The round clock
catches, logs and retries each room's errors (a locked database, say), so it never stops.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from negotiation.classroom import keys, talk
from negotiation.classroom.clock import RoomClock
from negotiation.classroom.common import (
    LAST_SEEN_WRITE_SECONDS,
    clean_name,
    log,
    seat_link,
)
from negotiation.classroom.errors import (
    ClassroomError,
    Conflict,
    NotAllowed,
    UnknownRoom,
)
from negotiation.classroom.game import LiveGame, Played, encode
from negotiation.classroom.limits import Limits
from negotiation.classroom.lock import DatabaseLock
from negotiation.classroom.seat_desk import SeatDesk
from negotiation.classroom.store import MessageRow, RoomRow, Store, now
from negotiation.classroom.teacher_desk import TeacherDesk
from negotiation.classroom.views import RoomViews
from negotiation.classroom.waits import ChangeSignal, OpenWaits
from negotiation.scenario import ScenarioSpec, parse_scenario_text


@dataclass
class Room:
    """One room in memory: its stored settings, its live game and who is connected."""

    row: RoomRow
    spec: ScenarioSpec
    game: LiveGame
    holders: dict[str, str | None]
    token_hashes: dict[str, str | None]
    last_seen: dict[str, float | None]
    last_written: dict[str, float] = field(default_factory=dict)
    muted: set[str] = field(default_factory=set)
    messages: list[MessageRow] = field(default_factory=list)
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Browser session's hash -> (the seat it took, that seat's token hash then): the session
    holds the seat while the hash is still the seat's (not after the teacher gave it to someone
    else). Stored with the seats, so it holds after a restart."""
    """Browser session -> the seat it took (one seat per session)."""
    version: int = 0
    changed: threading.Condition = field(default_factory=lambda: threading.Condition())
    signal: ChangeSignal = field(default_factory=ChangeSignal)
    clock_unsaved: bool = False
    wake_keys: dict[str, tuple] = field(default_factory=dict)
    """Per seat, what a change must alter to wake the seat's waits at once (`_changed`)."""
    urgent_at: dict[str, int] = field(default_factory=dict)
    """Per seat, the last version that changed what wakes it at once."""
    views: RoomViews | None = None
    """The seats' views at the room's version (`views.build`), replaced at each change."""
    static_json: bytes | None = None
    seats_json: tuple[dict[str, str | None], dict[str, bytes], dict[str, bytes]] | None = None
    """The holders these were encoded for, and the seats' holders and names as JSON
    (`views.build`)."""
    described_json: dict[int, bytes] = field(default_factory=dict)
    seen_unsaved: set[str] = field(default_factory=set)
    """Seats whose last-seen time the clock has yet to write to the database."""

    def described(self, message: MessageRow) -> bytes:
        """A message as the pages see it (`talk.describe`), encoded once."""
        text = self.described_json.get(message.seq)
        if text is None:
            text = self.described_json[message.seq] = encode(talk.describe(message, self.game))
        return text

    @property
    def code(self) -> str:
        return self.row.code

    def waiting_for(self) -> list[str]:
        """The seats the game waits for, by id: none unless the room is running (before the
        start and while paused, moves wait for the teacher, not for a seat)."""
        return sorted(self.game.open_decisions()) if self.row.status == "running" else []


class RoomService(TeacherDesk, SeatDesk, RoomClock):
    """Rooms, seats, moves and the teacher's controls, over one `Store`."""

    def __init__(
        self,
        store: Store,
        teacher_key: str,
        clock: Callable[[], float] = now,
        lock: DatabaseLock | None = None,
    ):
        keys.check_teacher_key(teacher_key)
        self.store = store
        self._teacher_key = teacher_key
        self._clock = clock
        self._db_lock = lock
        self._rooms: dict[str, Room] = {}
        self._lock = threading.RLock()
        self.limits = Limits()
        self.waits = OpenWaits()
        self.damaged: dict[str, str] = {}
        """Rooms that could not be loaded: code -> why (reported, skipped, left in the file)."""
        for code in store.room_codes():
            try:
                row = store.room(code)
                assert row is not None
                self._rooms[code] = self._load(row)
            except Exception as err:  # one damaged room must not stop the classroom
                self.damaged[code] = f"{type(err).__name__}: {err}"[:500]
                log.warning("Classroom: room %s could not be loaded and is skipped: %s", code, err)

    @classmethod
    def open(
        cls, db_path: str | Path, teacher_key: str, exclusive: bool = True, **kwargs: Any
    ) -> RoomService:
        """A service over the database file at `db_path` (created if missing), every stored room
        rebuilt by replaying its moves. With `exclusive` (the default) it holds the database's
        lock, and refuses (`DatabaseInUse`) if another server holds it."""
        keys.check_teacher_key(teacher_key)
        path = Path(db_path)
        lock = DatabaseLock(path) if exclusive else None
        try:
            if path.exists() and path.stat().st_size == 0:
                log.warning(
                    "Classroom: the database %s is empty (0 bytes); starting with no rooms. If it "
                    "held rooms, stop the server and restore the file from a backup.",
                    path,
                )
            return cls(Store(path), teacher_key, lock=lock, **kwargs)
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def close(self) -> None:
        """Close the database and free its lock (another service may open it then)."""
        try:
            self.save_last_seen()
        except Exception as err:  # closing goes on: it is only the monitor's "connected"
            log.warning("Classroom: could not record who is connected: %s", err)
        self.store.close()
        if self._db_lock is not None:
            self._db_lock.release()
            self._db_lock = None

    def _load(self, row: RoomRow, spec: ScenarioSpec | None = None) -> Room:
        """The room of a stored row, its game rebuilt from its stored moves. `spec` is the row's
        scenario if the caller has it already (a room just created): its text is not read again."""
        if spec is None:
            spec = parse_scenario_text(row.scenario_yaml, f"room {row.code}")
        played = {
            (m.round, m.actor, m.kind): Played(m.move, m.by) for m in self.store.moves(row.code)
        }
        seats = self.store.seats(row.code)
        game = LiveGame(spec, row.seed, row.humans, played)
        return Room(
            row=row,
            spec=spec,
            game=game,
            holders={s.actor: s.holder for s in seats},
            token_hashes={s.actor: s.token_hash for s in seats},
            last_seen={s.actor: s.last_seen for s in seats},
            muted={s.actor for s in seats if s.muted},
            messages=self.store.messages(row.code),
            sessions={
                s.session_hash: (s.actor, s.token_hash)
                for s in seats
                if s.session_hash and s.token_hash
            },
        )

    # --- access checks ---------------------------------------------------------------------------

    def check_teacher(self, teacher_key: str | None, client: str | None = None) -> None:
        """Refuse anyone without the teacher's key; a client with too many wrong keys is refused
        for a while even with the right one (`TooMany`, "try again in N s")."""
        self.limits.teacher_keys.check(client)
        if not isinstance(teacher_key, str) or not keys.same_secret(teacher_key, self._teacher_key):
            self.limits.teacher_keys.hit(client)
            raise NotAllowed("this needs the teacher's key (missing or wrong)")

    def _room(self, code: str, client: str | None = None) -> Room:
        self.limits.join_codes.check(client)
        code = keys.normalise_code(code)
        with self._lock:
            room = self._rooms.get(code)
        if room is None:
            self.limits.join_codes.hit(client)
            shown = code if len(code) <= 12 else code[:12] + "…"
            raise UnknownRoom(f"unknown join code {shown!r}: no room has this code; check it")
        return room

    def _room_for_seat(
        self, code: str, actor: str, token: str | None, client: str | None
    ) -> tuple[Room, str]:
        """The room and seat of a request made with a seat's token: a code and token that open
        the seat pass whatever the client's wrong join codes (a seated student who mistyped
        another code is not locked out of their own seat); otherwise the join-code limit applies
        as in `_room`, so over the limit a guess is refused alike whether the code exists or
        not. Checked without the room's lock: what changes the holder needs `_holder` under it."""
        with self._lock:
            room = self._rooms.get(keys.normalise_code(code))
        if room is not None:
            with contextlib.suppress(ClassroomError):
                return room, self._holder(room, actor, token)
        room = self._room(code, client)
        return room, self._holder(room, actor, token)  # refuses, with the reason

    def _seat(self, room: Room, actor: str) -> str:
        """The room's human seat named `actor` (any case)."""
        if actor in room.holders:
            return actor
        for seat in room.holders:
            if seat.lower() == str(actor).lower():
                return seat
        seats = ", ".join(room.holders) or "none"
        shown = str(actor)[:20]
        raise Conflict(f"{shown!r} is not a human seat in room {room.code}; seats: {seats}")

    def _holder(self, room: Room, actor: str, token: str | None) -> str:
        """The seat `actor` if `token` is its own token; else refuse."""
        seat = self._seat(room, actor)
        expected = room.token_hashes[seat]
        if (
            expected is None
            or not isinstance(token, str)
            or not keys.same_secret(keys.hash_token(token), expected)
        ):
            raise NotAllowed(
                f"this token does not hold the seat {seat} in room {room.code}: a move for a seat "
                "needs that seat's own token (from the link you got when you took it)"
            )
        self._seen(room, seat)
        return seat

    def _seen(self, room: Room, seat: str) -> None:
        """The seat's holder was heard from: in memory at once, in the database by the clock
        (`save_last_seen`), at most every `LAST_SEEN_WRITE_SECONDS`; so a page's request never
        writes."""
        t = self._clock()
        room.last_seen[seat] = t
        if t - room.last_written.get(seat, 0.0) >= LAST_SEEN_WRITE_SECONDS:
            room.last_written[seat] = t
            room.seen_unsaved.add(seat)

    def save_last_seen(self) -> None:
        """Write the last-seen times not yet written, one transaction per room (the clock calls
        this). A failed write is logged and tried again later: it is only the monitor's
        "connected" after a restart, not fatal."""
        with self._lock:
            rooms = [r for r in self._rooms.values() if r.seen_unsaved]
        for room in rooms:
            seats, room.seen_unsaved = room.seen_unsaved, set()
            rows = [(room.last_seen.get(s), s) for s in seats]
            try:
                self.store.touch_seats(room.code, [(t, s) for t, s in rows if t is not None])
            except sqlite3.OperationalError as err:
                room.seen_unsaved |= seats
                log.warning(
                    "Classroom: could not record who is connected in %s: %s", room.code, err
                )

    def check_seat(
        self, code: str, actor: str, token: str | None, client: str | None = None
    ) -> str:
        """The seat's id if `token` holds it; else refuse (before any wait). Reads memory only,
        without the room's lock (a seat's token is replaced whole), so the server calls it on its
        event loop."""
        return self._room_for_seat(code, actor, token, client)[1]

    # --- students --------------------------------------------------------------------------------

    def room_info(self, code: str, client: str | None = None) -> dict[str, Any]:
        """What anyone with the code sees before taking a seat: the scenario and the seats."""
        room = self._room(code, client)
        with room.changed:
            model = room.game.model
            return {
                "code": room.code,
                "scenario": room.row.scenario_name,
                "description": room.spec.description,
                "status": room.row.status,
                "round": room.game.round,
                "rounds": room.spec.rounds,
                "seats": [
                    {"actor": s, "name": model.actor_name(s), "free": h is None}
                    for s, h in room.holders.items()
                ],
            }

    def join(self, code: str, name: str, client: str | None = None) -> list[dict[str, str]]:
        """The free seats of a room, for a student called `name` who wants one."""
        clean_name(name)
        return [
            {"actor": s["actor"], "name": s["name"]}
            for s in self.room_info(code, client)["seats"]
            if s["free"]
        ]

    def take_seat(
        self,
        code: str,
        actor: str,
        name: str,
        client: str | None = None,
        session: str | None = None,
    ) -> dict[str, str]:
        """Take a free seat; returns its secret token and the student's own link. One seat per
        browser `session` in a room (the teacher may assign more), and a few seats per `client`
        in a while (rate limit)."""
        holder = clean_name(name)
        room = self._room(code, client)
        with room.changed:
            seat = self._seat(room, actor)
            session_hash = keys.hash_token(session) if session else None
            mine, mine_hash = room.sessions.get(session_hash, (None, None))
            if mine is not None and room.token_hashes.get(mine) == mine_hash:
                raise Conflict(
                    f"you already hold the seat {mine} in room {room.code}: one seat each. "
                    "Ask your teacher if you should play another one"
                )
            if room.holders[seat] is not None:
                raise Conflict(f"the seat {seat} is taken; pick a free seat")
            self.limits.seats.take(client)
            token = keys.new_token()
            token_hash = keys.hash_token(token)
            if not self.store.take_free_seat(
                room.code, seat, holder, token_hash, self._clock(), session_hash
            ):
                raise Conflict(f"the seat {seat} is taken; pick a free seat")
            room.holders[seat], room.token_hashes[seat] = holder, token_hash
            room.last_seen[seat] = self._clock()
            if session_hash:
                room.sessions[session_hash] = (seat, token_hash)
            self._changed(room)
        return {"actor": seat, "token": token, "link": seat_link(room.code, seat, token)}

    def heartbeat(self, code: str, actor: str, token: str | None) -> None:
        """The seat's page is open (for the teacher's "connected")."""
        room = self._room(code)
        with room.changed:
            self._holder(room, actor, token)

    # --- helpers ---------------------------------------------------------------------------------

    def _play_idle(self, room: Room, by: str, whole_round: bool) -> int:
        """The agents' moves for the human seats yet to move in the current phase (the phase's
        time ran out), or in the whole round (the teacher advanced it); stored, then played."""
        before = room.game.phase()
        moves = room.game.idle_moves() if whole_round else room.game.open_moves()
        self.store.add_moves(room.code, [(*key, move, by) for key, move in moves], self._clock())
        for key, move in moves:
            room.game.record(key, Played(move, by))
        self._after_moves(room, before)
        return len(moves)

    def _after_moves(self, room: Room, phase_before: tuple[int, str] | None) -> None:
        """After moves: the room is finished, or, when the game has moved on to another phase,
        that phase's seats get the whole time limit (a seat is never timed out before it was
        asked)."""
        if not self._finish_if_over(room) and room.game.phase() != phase_before:
            self._set_clock(room, room.row.status, fresh=True)

    def _finish_if_over(self, room: Room) -> bool:
        if room.game.finished:
            self._store_clock(room, "finished", None, None)
            return True
        return False

    def _set_clock(self, room: Room, status: str, fresh: bool) -> None:
        """Set the room's status and clock: a `fresh` time limit (a new phase), or the time the
        phase had left."""
        limit = room.row.time_limit
        if status == "paused":
            self._store_clock(room, status, None, limit if fresh else room.row.remaining)
        else:
            deadline = self._clock() + limit if limit else None
            self._store_clock(room, status, deadline, None)

    def _store_clock(
        self, room: Room, status: str, deadline: float | None, remaining: float | None
    ) -> None:
        """The room's status and clock, in memory at once and in the database; a failed write
        (database locked) is logged and retried by the next tick, so the clock in memory never
        lags the moves already stored. A clock that does not change (a new phase of a room
        without a time limit) is not written again."""
        row = room.row
        if (row.status, row.deadline, row.remaining) == (status, deadline, remaining) and not (
            room.clock_unsaved
        ):
            return
        room.row = replace(row, status=status, deadline=deadline, remaining=remaining)
        try:
            self.store.set_clock(room.code, status, deadline, remaining)
            room.clock_unsaved = False
        except sqlite3.OperationalError as err:
            room.clock_unsaved = True
            log.warning("Classroom: room %s clock not saved yet (%s); will retry", room.code, err)

    def _changed(self, room: Room) -> None:
        room.version += 1  # the seats' snapshot is rebuilt when a page next asks (`seat_desk`)
        room.changed.notify_all()
        keys = self._wake_keys(room)
        urgent = {seat for seat, key in keys.items() if room.wake_keys.get(seat) != key}
        room.wake_keys = keys
        for seat in urgent:
            room.urgent_at[seat] = room.version
        room.signal.notify(urgent)

    # --- for the debrief -------------------------------------------------------------------------

    def rooms_of(self, teacher_key: str, scenario_name: str) -> list[tuple[RoomRow, LiveGame]]:
        """Every room of a scenario with its game (teacher only)."""
        self.check_teacher(teacher_key)
        with self._lock:
            return [
                (r.row, r.game)
                for r in self._rooms.values()
                if r.row.scenario_name == scenario_name
            ]

    def scenario_names(self, teacher_key: str) -> list[str]:
        self.check_teacher(teacher_key)
        with self._lock:
            return sorted({r.row.scenario_name for r in self._rooms.values()})
