"""Keeping a page in step with its room: a hook that re-renders when the room changes."""

from __future__ import annotations

import threading

import solara

from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.rooms import RoomService

WAIT_SECONDS = 1.0


def use_room_version(service: RoomService, code: str | None) -> int:
    """The room's change counter; the calling component re-renders whenever it moves (a move, a
    seat taken, a message, the clock). Also counts as a heartbeat for the seat's page."""
    version = solara.use_reactive(0)

    def watch(cancel: threading.Event) -> None:
        if not code:
            return
        seen = -1
        while not cancel.is_set():
            try:
                now = service.wait_for_change(code, seen, timeout=WAIT_SECONDS)
            except ClassroomError:
                return
            if now != seen:
                seen = now
                version.set(now)

    solara.use_thread(watch, dependencies=[service, code], intrusive_cancel=False)
    return version.value
