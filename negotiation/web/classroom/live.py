"""Keeping a page in step with its room: a hook that re-renders when the room changes."""

from __future__ import annotations

import threading
import time

import solara

from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.rooms import RoomService

WAIT_SECONDS = 1.0


def use_room_version(service: RoomService, code: str | None, refresh: float | None = None) -> int:
    """The room's change counter; the calling component re-renders whenever it moves (a move, a
    seat taken, a message, the clock). With `refresh`, also every `refresh` seconds, for what
    changes with time alone (the seconds left in a round, whether a seat is still connected)."""
    version = solara.use_reactive(0)
    ticks = solara.use_reactive(0)

    def watch(cancel: threading.Event) -> None:
        if not code:
            return
        seen, tick, last = -1, 0, time.monotonic()
        wait = WAIT_SECONDS if refresh is None else min(WAIT_SECONDS, refresh)
        while not cancel.is_set():
            try:
                now = service.wait_for_change(code, seen, timeout=wait)
            except ClassroomError:
                return
            if now != seen:
                seen, last = now, time.monotonic()
                version.set(now)
            elif refresh is not None and time.monotonic() - last >= refresh:
                tick, last = tick + 1, time.monotonic()
                ticks.set(tick)

    solara.use_thread(watch, dependencies=[service, code, refresh], intrusive_cancel=False)
    _ = ticks.value  # read, so that a tick re-renders the caller
    return version.value
