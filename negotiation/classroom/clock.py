"""The rooms' round clocks and waiting for a room to change. Mixed into `RoomService` (rooms.py):
the clock thread plays the idle seats of rooms whose phase's time ran out, catching, logging and
retrying each room's errors so it never stops; waits cost no thread (`waits.py`)."""

from __future__ import annotations

import threading

from negotiation.classroom.common import BY_IDLE, log


class RoomClock:
    """The clock and waiting methods of `RoomService`."""

    def tick(self) -> list[str]:
        """Let the agents play the idle seats of every room whose phase's time has run out (the
        seats of the phase the game waits in; the next phase with people gets its own time).
        Returns the codes of the rooms advanced. Call it every second or so.

        Each room on its own: an error in one room (a locked database, say) is logged and that
        room is tried again at the next tick; the other rooms go on."""
        t = self._clock()
        with self._lock:
            due = [
                r
                for r in self._rooms.values()
                if (r.row.status == "running" and r.row.deadline) or r.clock_unsaved
            ]
        advanced = []
        for room in due:
            try:
                with room.changed:
                    if room.clock_unsaved:
                        self._store_clock(
                            room, room.row.status, room.row.deadline, room.row.remaining
                        )
                    deadline = room.row.deadline
                    if room.row.status == "running" and deadline is not None and t >= deadline:
                        self._play_idle(room, BY_IDLE, whole_round=False)
                        self._changed(room)
                        advanced.append(room.code)
            except Exception as err:
                log.warning(
                    "Classroom: the clock of room %s failed (%s: %s); trying again",
                    room.code,
                    type(err).__name__,
                    err,
                )
        return advanced

    def start_clock(self, every: float = 0.5) -> threading.Event:
        """Run `tick` in a daemon thread; set the returned event to stop it. The thread outlives
        any error: each is logged and the next tick tries again."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(every):
                try:
                    self.tick()
                except Exception:
                    log.exception("Classroom: the round clock failed; trying again")
                try:
                    self.save_last_seen()
                except Exception:
                    log.exception("Classroom: saving who is connected failed; trying again")

        threading.Thread(target=loop, name="classroom-clock", daemon=True).start()
        return stop

    def version(self, code: str) -> int:
        return self._room(code).version

    async def wait_async(
        self,
        code: str,
        version: int,
        timeout: float,
        client: str | None = None,
        seat: str | None = None,
    ) -> int:
        """Wait, without holding a thread, until the room's version passes `version` (or
        `timeout` seconds); returns it. A `client` keeps only a few waits open (`waits`): a new
        one beyond that ends its oldest at once. A wait for a `seat` learns at once of what
        concerns the seat (its decision, the room paused or resumed, a message) and of other
        changes within `waits.COALESCE_SECONDS`. Check who may wait before calling this."""
        room = self._room(code)

        def urgent() -> bool:
            """A change that concerns `seat` since `version` (or a version from before a
            restart, which the room has not reached)."""
            return version > room.version or room.urgent_at.get(seat or "", -1) > version

        await room.signal.wait(
            lambda: room.version != version, timeout, self.waits, client, seat, urgent
        )
        return room.version

    def wait_for_change(self, code: str, version: int, timeout: float) -> int:
        """Block until the room's version passes `version` (or `timeout` seconds); returns it."""
        room = self._room(code)
        with room.changed:
            room.changed.wait_for(lambda: room.version != version, timeout=timeout)
            return room.version

    def waiting_count(self, code: str) -> int:
        """How many async waits the room has open (for tests and the monitor)."""
        return len(self._room(code).signal)
