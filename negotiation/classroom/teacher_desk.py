"""What a teacher does with rooms: open, start, pause, resume, advance, talk to a room, mute a
seat, assign seats, and watch (monitor, timeline, class screen, log). Mixed into `RoomService`
(rooms.py), whose state and checks these methods use; every action checks the teacher's key first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from negotiation.classroom import checks, keys, talk
from negotiation.classroom.common import (
    BY_TEACHER,
    MAX_NAME,
    clean_name,
    connected,
    join_link,
)
from negotiation.classroom.errors import ClassroomError, Conflict, NotAllowed
from negotiation.classroom.scenarios import room_scenario
from negotiation.classroom.store import MessageRow, RoomRow
from negotiation.model import NegotiationModel
from negotiation.scenario import SCENARIO_FOLDER, ScenarioSpec

if TYPE_CHECKING:
    from negotiation.classroom.rooms import Room


class TeacherDesk:
    """The teacher's actions of `RoomService`."""

    def create_room(self, teacher_key: str, scenario_text: str, **fields: Any) -> dict[str, str]:
        """Open a room; returns its join code and link. `scenario_text` is the scenario's YAML;
        `fields` are `check_room`'s (seed, humans, time_limit, scenario_name, base_dir). Every
        value is checked first (a clear refusal, nothing stored)."""
        return self.open_room(self.check_room(teacher_key, scenario_text, **fields))

    def check_room(
        self,
        teacher_key: str,
        scenario_text: str,
        *,
        seed: int,
        humans: list[str] | tuple[str, ...],
        time_limit: float | None = None,
        scenario_name: str | None = None,
        base_dir: Path = SCENARIO_FOLDER,
    ) -> tuple[RoomRow, ScenarioSpec]:
        """The room `create_room` would open and its scenario, every value checked; nothing is
        stored (the server gives this step a time limit, and opens the room only if it finished
        in time). An indicators file the scenario names is read from `base_dir` (the scenario
        library's folder), and the room keeps the states it derives (`room_scenario`)."""
        self.check_teacher(teacher_key)
        seed = checks.whole_number(seed, "seed", 0, checks.MAX_SEED)
        humans = checks.actor_list(humans)
        time_limit = checks.seconds(time_limit, "time limit")
        if scenario_name is not None:
            scenario_name = checks.text_field(scenario_name, "scenario name", 64)[:64] or None
        if not isinstance(scenario_text, str):
            raise ClassroomError("the scenario must be YAML text")
        spec, stored = room_scenario(scenario_text, scenario_name or "the scenario", base_dir)
        try:
            model = NegotiationModel.from_spec(spec, seed, humans)
        except (ValueError, KeyError, TypeError) as err:
            raise ClassroomError(f"humans: {err}") from None
        seats = tuple(a for a in model.actor_ids() if a in model.humans)
        if not seats:
            raise ClassroomError(
                "humans: a room needs at least one seat for a person; to show a game the agents "
                "play alone, use the Play page or `negotiation run`"
            )
        row = RoomRow(
            code="",
            scenario_name=scenario_name or spec.name,
            scenario_yaml=stored,
            seed=int(seed),
            humans=seats,
            time_limit=float(time_limit) if time_limit else None,
            status="open",
            deadline=None,
            remaining=None,
            created_at=0.0,
        )
        return row, spec

    def open_room(self, checked: tuple[RoomRow, ScenarioSpec]) -> dict[str, str]:
        """Store and open a room `check_room` made, under a new join code."""
        row, spec = checked
        with self._lock:
            code = keys.new_join_code()
            while code in self._rooms or self.store.room_exists(code):
                code = keys.new_join_code()
            row = replace(row, code=code, created_at=self._clock())
            self.store.add_room(row, list(row.humans))
            self._rooms[code] = self._load(row, spec)
        return {"code": code, "link": join_link(code)}

    def list_rooms(self, teacher_key: str, client: str | None = None) -> list[dict[str, Any]]:
        """Every room; rooms that could not be loaded come last, status ``damaged``."""
        self.check_teacher(teacher_key, client)
        with self._lock:
            rooms = list(self._rooms.values())
            damaged = dict(self.damaged)
        return [self._summary(r) for r in rooms] + [
            {"code": code, "status": "damaged", "problem": why} for code, why in damaged.items()
        ]

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
            self._set_clock(room, "running", fresh=True)
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
            played = self._play_idle(room, BY_TEACHER, whole_round=True)
            self._changed(room)
        return played

    def broadcast(self, teacher_key: str, code: str, text: str, client: str | None = None) -> None:
        """An announcement from the teacher to everyone in the room."""
        self.check_teacher(teacher_key, client)
        text = talk.clean_text(text)
        room = self._room(code)
        with room.changed:
            self._add_message(room, talk.TEACHER, text, None, "announcement")
            self._changed(room)

    def mute(self, teacher_key: str, code: str, actor: str, muted: bool = True) -> None:
        """Stop (or allow again) a seat's messages; its moves are not affected."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            seat = self._seat(room, actor)
            self.store.set_muted(room.code, seat, muted)
            (room.muted.add if muted else room.muted.discard)(seat)
            self._changed(room)

    def send_message(
        self,
        code: str,
        actor: str,
        token: str | None,
        to: str,
        text: str,
        client: str | None = None,
    ) -> dict[str, Any]:
        """A seat's message: to one seat (private) or to everyone (``to="all"``, a public
        statement). A private message to a seat played by its agent gets the agent's short
        automatic answer at once. Returns the message as shown."""
        room, _ = self._room_for_seat(code, actor, token, client)
        with room.changed:
            seat = self._holder(room, actor, token)
            if seat in room.muted:
                raise NotAllowed(f"the teacher has muted {seat}: you can still move, not talk")
            text = talk.clean_text(text)
            # A missing, empty or non-text recipient is never read as "everyone": the message
            # may have been meant to be private.
            if not isinstance(to, str) or not to.strip():
                got = (
                    "missing"
                    if to is None
                    else "empty"
                    if isinstance(to, str)
                    else checks.json_kind(to)
                )
                raise ClassroomError(
                    f"to: {got} is not allowed; send to one seat id (text, such as 'PL') or to "
                    "'all'"
                )
            model = room.game.model
            if to.lower() in (talk.EVERYONE, "everyone"):
                recipient = None
            else:
                matches = [a for a in model.actor_ids() if a.lower() == to.lower()]
                if not matches:
                    shown = to[:20]
                    raise ClassroomError(
                        f"{shown!r} is not a seat in this game; send to a seat id such as "
                        f"{', '.join(model.actor_ids()[:4])}, or to 'all'"
                    )
                recipient = matches[0]
                if recipient == seat:
                    raise ClassroomError("a message to yourself goes nowhere; pick another seat")
            self.limits.messages.take(f"{room.code}/{seat}")  # only messages that can be sent count
            sent = self._add_message(
                room, seat, text, recipient, "public" if recipient is None else "private"
            )
            if recipient is not None and room.holders.get(recipient) is None:
                line = talk.agent_line(room.game, recipient)
                self._add_message(room, recipient, line, seat, "auto")
            self._changed(room)
            return talk.describe(sent, room.game)

    def _add_message(
        self, room: Room, sender: str, text: str, recipient: str | None, kind: str
    ) -> MessageRow:
        row = self.store.add_message(
            room.code, sender, text, self._clock(), recipient, kind, room.game.round
        )
        room.messages.append(row)
        return row

    def assign_seat(self, teacher_key: str, code: str, actor: str, name: str | None) -> str | None:
        """Give a seat to `name` (a new token; the old holder loses it), or free it with None.
        Returns the new token (hand the seat's link to the student)."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            seat = self._seat(room, actor)
            name = checks.text_field(name, "name", MAX_NAME)
            token = keys.new_token() if name.strip() else None
            holder = clean_name(name) if token else None
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
            waiting = set(room.waiting_for())
            moved = {a: p.by for (r, a, _k), p in game.played.items() if r == current}
            seats = [
                {
                    "actor": seat,
                    "name": game.model.actor_name(seat),
                    "holder": holder,
                    "connected": connected(room.last_seen[seat], t),
                    "last_seen": room.last_seen[seat],
                    "moved": seat in moved,
                    "moved_by": moved.get(seat),
                    "waiting": seat in waiting,
                    "muted": seat in room.muted,
                }
                for seat, holder in room.holders.items()
            ]
            return {
                **self._summary(room),
                **self._clock_view(room, t),
                "seats": seats,
                "messages": [talk.describe(m, game) for m in room.messages],
                "outcome": game.outcome_row(),
                "version": room.version,
            }

    def timeline(self, teacher_key: str, code: str) -> list[dict[str, Any]]:
        """The room's moves and messages, round by round (for the debrief)."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            return talk.timeline(room.game, room.messages)

    def read_game(self, code: str, read: Callable[[NegotiationModel], Any]) -> Any:
        """`read(model)` with the room's game held still (the projector draws from it); `read`
        must not change the model."""
        room = self._room(code)
        with room.changed:
            return read(room.game.model)

    def screen(self, code: str, client: str | None = None) -> dict[str, Any]:
        """What the class screen shows: the room, the round, the clock and public messages; no
        secrets (no tokens, no private messages)."""
        room = self._room(code, client)
        with room.changed:
            return {
                "code": room.code,
                "scenario": room.row.scenario_name,
                "round": room.game.round,
                "rounds": room.spec.rounds,
                **self._clock_view(room, self._clock()),
                "waiting_for": room.waiting_for(),
                "messages": [
                    talk.describe(m, room.game)
                    for m in room.messages
                    if m.kind in ("announcement", "public")
                ],
                "outcome": room.game.outcome_row(),
                "version": room.version,
            }

    def room_log(self, teacher_key: str, code: str, log_from: int = 0) -> list[dict[str, Any]]:
        """The game's moves from number `log_from` on (teacher only)."""
        self.check_teacher(teacher_key)
        room = self._room(code)
        with room.changed:
            return room.game.log(log_from)
