"""The classroom's rooms: what teachers and students can do, with who may do it checked first.

`RoomService` is the one object the web pages and the HTTP server call. A teacher (with the
teacher's key) opens a room on a scenario, a seed and a set of human seats; students join with the
room's code, take a free seat and get the seat's secret token; the game waits until every human seat
of the current phase has moved, until the round's time runs out, or until the teacher advances, and
then the seats' agents play for the idle seats. Every change is written to the `Store` before it is
applied, so a restarted service (`RoomService.open`) resumes every room where it stood.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from negotiation.classroom import keys
from negotiation.classroom.errors import ClassroomError, Conflict, NotAllowed, UnknownRoom
from negotiation.classroom.game import LiveGame, Played
from negotiation.classroom.store import RoomRow, Store, now
from negotiation.gamelog import to_jsonable
from negotiation.model import NegotiationModel
from negotiation.scenario import ScenarioError, ScenarioSpec, parse_scenario_text

CONNECTED_SECONDS = 15.0
"""A seat counts as connected if its holder's page was heard from this recently."""
LAST_SEEN_WRITE_SECONDS = 30.0
"""How often a seat's last-seen time is written to the database (it is kept in memory meanwhile)."""
MAX_NAME = 40
MAX_MESSAGE = 500
BY_HUMAN = "human"
BY_IDLE = "agent (seat idle)"
BY_TEACHER = "agent (teacher advanced)"
JOIN_PATH = "/classroom"


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
    version: int = 0
    changed: threading.Condition = field(default_factory=lambda: threading.Condition())

    @property
    def code(self) -> str:
        return self.row.code


def join_link(code: str) -> str:
    """The link a teacher hands out: the join page with the room's code."""
    return f"{JOIN_PATH}?room={code}"


def seat_link(code: str, actor: str, token: str) -> str:
    """A student's own link: opening it again gives the same seat back."""
    return f"{JOIN_PATH}?room={code}&seat={actor}&token={token}"


class RoomService:
    """Rooms, seats, moves and the teacher's controls, over one `Store`."""

    def __init__(self, store: Store, teacher_key: str, clock: Callable[[], float] = now):
        self.store = store
        self._teacher_key = teacher_key
        self._clock = clock
        self._rooms: dict[str, Room] = {}
        self._lock = threading.RLock()
        for row in store.rooms():
            self._rooms[row.code] = self._load(row)

    @classmethod
    def open(cls, db_path: str | Path, teacher_key: str, **kwargs: Any) -> RoomService:
        """A service over the database file at `db_path` (created if missing), every stored room
        rebuilt by replaying its moves."""
        return cls(Store(db_path), teacher_key, **kwargs)

    def _load(self, row: RoomRow) -> Room:
        spec = parse_scenario_text(row.scenario_yaml, f"room {row.code}")
        played = {
            (m.round, m.actor, m.kind): Played(m.move, m.by) for m in self.store.moves(row.code)
        }
        seats = self.store.seats(row.code)
        return Room(
            row=row,
            spec=spec,
            game=LiveGame(spec, row.seed, row.humans, played),
            holders={s.actor: s.holder for s in seats},
            token_hashes={s.actor: s.token_hash for s in seats},
            last_seen={s.actor: s.last_seen for s in seats},
        )

    # --- access checks ---------------------------------------------------------------------------

    def check_teacher(self, teacher_key: str | None) -> None:
        """Refuse anyone without the teacher's key."""
        if not keys.same_secret(teacher_key, self._teacher_key):
            raise NotAllowed("this needs the teacher's key (missing or wrong)")

    def _room(self, code: str) -> Room:
        code = keys.normalise_code(code)
        with self._lock:
            room = self._rooms.get(code)
        if room is None:
            raise UnknownRoom(f"unknown join code {code!r}: no room has this code; check it")
        return room

    def _seat(self, room: Room, actor: str) -> str:
        """The room's human seat named `actor` (any case)."""
        for seat in room.holders:
            if seat.lower() == str(actor).lower():
                return seat
        seats = ", ".join(room.holders) or "none"
        raise Conflict(f"{actor!r} is not a human seat in room {room.code}; seats: {seats}")

    def _holder(self, room: Room, actor: str, token: str | None) -> str:
        """The seat `actor` if `token` is its own token; else refuse."""
        seat = self._seat(room, actor)
        expected = room.token_hashes[seat]
        if (
            expected is None
            or token is None
            or not keys.same_secret(keys.hash_token(token), expected)
        ):
            raise NotAllowed(
                f"this token does not hold the seat {seat} in room {room.code}: a move for a seat "
                "needs that seat's own token (from the link you got when you took it)"
            )
        self._seen(room, seat)
        return seat

    def _seen(self, room: Room, seat: str) -> None:
        t = self._clock()
        room.last_seen[seat] = t
        if t - room.last_written.get(seat, 0.0) >= LAST_SEEN_WRITE_SECONDS:
            room.last_written[seat] = t
            self.store.touch_seat(room.code, seat, t)

    # --- teacher: rooms --------------------------------------------------------------------------

    def create_room(
        self,
        teacher_key: str,
        scenario_text: str,
        *,
        seed: int,
        humans: list[str] | tuple[str, ...],
        time_limit: float | None = None,
        scenario_name: str | None = None,
    ) -> dict[str, str]:
        """Open a room; returns its join code and link. `scenario_text` is the scenario's YAML."""
        self.check_teacher(teacher_key)
        try:
            spec = parse_scenario_text(scenario_text, scenario_name or "the scenario")
        except ScenarioError as err:
            raise ClassroomError(str(err)) from None
        try:
            model = NegotiationModel.from_spec(spec, seed, humans)
        except ValueError as err:
            raise ClassroomError(str(err)) from None
        seats = [a for a in model.actor_ids() if a in model.humans]
        if time_limit is not None and not time_limit > 0:
            raise ClassroomError(f"time limit: {time_limit!r} must be a positive number of seconds")
        with self._lock:
            code = keys.new_join_code()
            while code in self._rooms or self.store.room_exists(code):
                code = keys.new_join_code()
            row = RoomRow(
                code=code,
                scenario_name=scenario_name or spec.name,
                scenario_yaml=scenario_text,
                seed=int(seed),
                humans=tuple(seats),
                time_limit=float(time_limit) if time_limit else None,
                status="open",
                deadline=None,
                remaining=None,
                created_at=self._clock(),
            )
            self.store.add_room(row, seats)
            self._rooms[code] = self._load(row)
        return {"code": code, "link": join_link(code)}

    def list_rooms(self, teacher_key: str) -> list[dict[str, Any]]:
        self.check_teacher(teacher_key)
        with self._lock:
            rooms = list(self._rooms.values())
        return [self._summary(r) for r in rooms]

    def _summary(self, room: Room) -> dict[str, Any]:
        return {
            "code": room.code,
            "link": join_link(room.code),
            "scenario": room.row.scenario_name,
            "seed": room.row.seed,
            "status": room.row.status,
            "round": room.game.round,
            "rounds": room.spec.rounds,
            "human_seats": len(room.holders),
            "taken": sum(h is not None for h in room.holders.values()),
        }

    def start(self, teacher_key: str, code: str) -> None:
        """Let the game begin: moves are accepted and the round clock runs."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            if room.row.status != "open":
                raise Conflict(f"room {room.code} has already started ({room.row.status})")
            self._set_clock(room, "running", fresh_round=True)
            self._finish_if_over(room)
            self._changed(room)

    def pause(self, teacher_key: str, code: str) -> None:
        """Stop the clock and refuse moves until `resume`."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            if room.row.status != "running":
                raise Conflict(f"room {room.code} is not running ({room.row.status})")
            left = (
                None if room.row.deadline is None else max(0.0, room.row.deadline - self._clock())
            )
            self._store_clock(room, "paused", None, left)
            self._changed(room)

    def resume(self, teacher_key: str, code: str) -> None:
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            if room.row.status != "paused":
                raise Conflict(f"room {room.code} is not paused ({room.row.status})")
            left = room.row.remaining
            deadline = None if left is None else self._clock() + left
            self._store_clock(room, "running", deadline, None)
            self._changed(room)

    def advance(self, teacher_key: str, code: str) -> int:
        """End the current round now: the agents play every human seat that has not moved.
        Returns how many moves the agents made."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            if room.row.status not in ("running", "paused"):
                raise Conflict(f"room {room.code} is not in play ({room.row.status})")
            played = self._play_idle(room, BY_TEACHER)
            self._changed(room)
        return played

    def broadcast(self, teacher_key: str, code: str, text: str) -> None:
        """A message from the teacher to everyone in the room."""
        self.check_teacher(teacher_key)
        text = str(text).strip()[:MAX_MESSAGE]
        if not text:
            raise ClassroomError("the message is empty")
        room = self._room(code)
        with room.changed:
            self.store.add_message(room.code, "teacher", text, self._clock())
            self._changed(room)

    def assign_seat(self, teacher_key: str, code: str, actor: str, name: str | None) -> str | None:
        """Give a seat to `name` (a new token; the old holder loses it), or free it with None.
        Returns the new token (hand the seat's link to the student)."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            seat = self._seat(room, actor)
            token = keys.new_token() if name else None
            holder = _clean_name(name) if name else None
            token_hash = keys.hash_token(token) if token else None
            self.store.set_holder(room.code, seat, holder, token_hash, self._clock())
            room.holders[seat], room.token_hashes[seat] = holder, token_hash
            room.last_seen[seat] = None
            self._changed(room)
        return token

    def monitor(self, teacher_key: str, code: str) -> dict[str, Any]:
        """Every seat of a room: holder, connected or not, moved this round or not; and the room."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            t = self._clock()
            game = room.game
            current = game.round
            waiting = game.open_decisions() if room.row.status != "finished" else {}
            moved = {a: p.by for (r, a, _k), p in game.played.items() if r == current}
            seats = [
                {
                    "actor": seat,
                    "name": game.model.actor_name(seat),
                    "holder": holder,
                    "connected": _connected(room.last_seen[seat], t),
                    "last_seen": room.last_seen[seat],
                    "moved": seat in moved,
                    "moved_by": moved.get(seat),
                    "waiting": seat in waiting,
                }
                for seat, holder in room.holders.items()
            ]
            return {
                **self._summary(room),
                **self._clock_view(room, t),
                "seats": seats,
                "messages": self._messages(room),
                "outcome": game.outcome_row(),
                "version": room.version,
            }

    def room_log(self, teacher_key: str, code: str, log_from: int = 0) -> list[dict[str, Any]]:
        """The game's moves from number `log_from` on (teacher only)."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            return room.game.log(log_from)

    # --- students --------------------------------------------------------------------------------

    def room_info(self, code: str) -> dict[str, Any]:
        """What anyone with the code sees before taking a seat: the scenario and the seats."""
        room = self._room(code)
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

    def join(self, code: str, name: str) -> list[dict[str, str]]:
        """The free seats of a room, for a student called `name` who wants one."""
        _clean_name(name)
        return [
            {"actor": s["actor"], "name": s["name"]}
            for s in self.room_info(code)["seats"]
            if s["free"]
        ]

    def take_seat(self, code: str, actor: str, name: str) -> dict[str, str]:
        """Take a free seat; returns its secret token and the student's own link."""
        holder = _clean_name(name)
        room = self._room(code)
        with room.changed:
            seat = self._seat(room, actor)
            token = keys.new_token()
            token_hash = keys.hash_token(token)
            if room.holders[seat] is not None or not self.store.take_free_seat(
                room.code, seat, holder, token_hash, self._clock()
            ):
                raise Conflict(f"the seat {seat} is taken; pick a free seat")
            room.holders[seat], room.token_hashes[seat] = holder, token_hash
            room.last_seen[seat] = self._clock()
            self._changed(room)
        return {"actor": seat, "token": token, "link": seat_link(room.code, seat, token)}

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
            decision = game.open_decisions().get(seat) if room.row.status == "running" else None
            moved = any(r == game.round and a == seat for (r, a, _k) in game.played)
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
                "waiting_for": sorted(game.open_decisions()) if not game.finished else [],
                "log_from": log_from,
                "log": game.log(log_from),
                "messages": self._messages(room),
                "outcome": game.outcome_row(),
                "version": room.version,
            }
            if decision is not None:
                view["decision"] = to_jsonable(
                    {
                        "kind": decision.kind,
                        "round": decision.round,
                        "prompt": decision.prompt,
                        "info": decision.info,
                        "agent_move": decision.agent_move,
                    }
                )
            return view

    def heartbeat(self, code: str, actor: str, token: str | None) -> None:
        """The seat's page is open (for the teacher's "connected")."""
        room = self._room(code)
        with room.changed:
            self._holder(room, actor, token)

    def submit_move(
        self, code: str, actor: str, token: str | None, move: dict[str, Any]
    ) -> dict[str, Any]:
        """A seat's move. Refused (nothing stored, nothing changed) without the seat's own token,
        outside the seat's turn, while paused, or when the rules forbid it (IllegalMove)."""
        room = self._room(code)
        with room.changed:
            seat = self._holder(room, actor, token)
            if room.row.status != "running":
                raise Conflict(f"room {room.code} is {room.row.status}: moves wait for the teacher")
            try:
                key = room.game.check(seat, move)
            except LookupError as err:
                raise Conflict(str(err)) from None
            before = room.game.round
            try:
                self.store.add_move(room.code, *key, move, BY_HUMAN, self._clock())
            except sqlite3.IntegrityError:
                raise Conflict(f"{seat} has already moved in this phase") from None
            room.game.record(key, Played(move, BY_HUMAN))
            self._after_moves(room, before)
            self._changed(room)
            return {"accepted": True, "round": key[0], "kind": key[2], "version": room.version}

    # --- clocks and waiting ----------------------------------------------------------------------

    def tick(self) -> list[str]:
        """Let the agents play the idle seats of every room whose round time has run out.
        Returns the codes of the rooms advanced. Call it every second or so."""
        t = self._clock()
        with self._lock:
            due = [r for r in self._rooms.values() if r.row.status == "running" and r.row.deadline]
        advanced = []
        for room in due:
            with room.changed:
                deadline = room.row.deadline
                if room.row.status == "running" and deadline is not None and t >= deadline:
                    self._play_idle(room, BY_IDLE)
                    self._changed(room)
                    advanced.append(room.code)
        return advanced

    def start_clock(self, every: float = 0.5) -> threading.Event:
        """Run `tick` in a daemon thread; set the returned event to stop it."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(every):
                self.tick()

        threading.Thread(target=loop, name="classroom-clock", daemon=True).start()
        return stop

    def version(self, code: str) -> int:
        return self._room(code).version

    def wait_for_change(self, code: str, version: int, timeout: float) -> int:
        """Block until the room's version passes `version` (or `timeout` seconds); returns it."""
        room = self._room(code)
        with room.changed:
            room.changed.wait_for(lambda: room.version != version, timeout=timeout)
            return room.version

    # --- helpers ---------------------------------------------------------------------------------

    def _play_idle(self, room: Room, by: str) -> int:
        """The agents' moves for every human seat yet to move this round; stored, then played."""
        before = room.game.round
        moves = room.game.idle_moves()
        self.store.add_moves(room.code, [(*key, move, by) for key, move in moves], self._clock())
        for key, move in moves:
            room.game.record(key, Played(move, by))
        self._after_moves(room, before)
        return len(moves)

    def _after_moves(self, room: Room, round_before: int) -> None:
        if not self._finish_if_over(room) and room.game.round != round_before:
            self._set_clock(room, room.row.status, fresh_round=True)

    def _finish_if_over(self, room: Room) -> bool:
        if room.game.finished:
            self._store_clock(room, "finished", None, None)
            return True
        return False

    def _set_clock(self, room: Room, status: str, fresh_round: bool) -> None:
        limit = room.row.time_limit
        if status == "paused":
            self._store_clock(room, status, None, limit if fresh_round else room.row.remaining)
        else:
            deadline = self._clock() + limit if limit else None
            self._store_clock(room, status, deadline, None)

    def _store_clock(
        self, room: Room, status: str, deadline: float | None, remaining: float | None
    ) -> None:
        self.store.set_clock(room.code, status, deadline, remaining)
        room.row = replace(room.row, status=status, deadline=deadline, remaining=remaining)

    def _clock_view(self, room: Room, t: float) -> dict[str, Any]:
        deadline = room.row.deadline
        left = room.row.remaining if deadline is None else max(0.0, deadline - t)
        return {"status": room.row.status, "time_limit": room.row.time_limit, "seconds_left": left}

    def _messages(self, room: Room) -> list[dict[str, Any]]:
        return [
            {"sender": m.sender, "text": m.text, "at": m.at} for m in self.store.messages(room.code)
        ]

    def _changed(self, room: Room) -> None:
        room.version += 1
        room.changed.notify_all()

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


def _clean_name(name: str | None) -> str:
    text = " ".join(str(name or "").split())[:MAX_NAME]
    if not text:
        raise ClassroomError("please give your name")
    return text


def _connected(last_seen: float | None, t: float) -> bool:
    return last_seen is not None and t - last_seen <= CONNECTED_SECONDS
