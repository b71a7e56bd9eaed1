"""Keeping a page in step with its room: a hook that re-renders when the room changes.

Under the Solara server the page waits the same way the HTTP service does: an asyncio task on the
server's event loop awaits `RoomService.wait_async`, so an open page holds no thread while nothing
happens (a class of 300 is 300 small futures, not 300 threads). When the room changes, the new
version is set from a worker thread, where Solara renders the page. The task ends when the page
goes (the component unmounts, or the browser session closes). Without a running server loop (tests
render pages in-process) a thread does the same waiting.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import solara

from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.rooms import RoomService

WAIT_SECONDS = 5.0
"""The longest one wait lasts before the page looks again; also how often `beat` runs."""


def _server_context() -> Any | None:
    """The Solara kernel context of this page when its event loop runs (the real server)."""
    try:
        import solara.server.kernel_context as kernel_context

        context = kernel_context.get_current_context()
    except (ImportError, RuntimeError):
        return None
    loop = getattr(context, "event_loop", None)
    return context if loop is not None and loop.is_running() else None


def page_client() -> str | None:
    """This browser session, as the classroom's limits count clients."""
    try:
        return f"page:{solara.get_session_id()}"
    except Exception:  # outside a session (tests)
        return None


def use_room_version(
    service: RoomService,
    code: str | None,
    refresh: float | None = None,
    beat: Callable[[], None] | None = None,
    beat_key: Any = None,
) -> int:
    """The room's change counter; the calling component re-renders whenever it moves (a move, a
    seat taken, a message, the clock). With `refresh`, also every `refresh` seconds, for what
    changes with time alone (the seconds left in a round, whether a seat is still connected).
    `beat` (the seat page's "I am here") runs in a worker thread about every `WAIT_SECONDS`; a
    new `beat_key` (the seat's token, say) starts the waiting again with the new `beat`."""
    version = solara.use_reactive(0)
    ticks = solara.use_reactive(0)
    context = solara.use_memo(_server_context, [])
    wait = WAIT_SECONDS if refresh is None else min(WAIT_SECONDS, refresh)

    def start_async() -> Callable[[], None] | None:
        if not code or context is None:
            return None
        loop: asyncio.AbstractEventLoop = context.event_loop
        client = page_client()

        def set_in_context(reactive: solara.Reactive, value: int) -> None:
            with context:
                reactive.set(value)

        async def watch() -> None:
            seen, tick, last, beaten = -1, 0, time.monotonic(), 0.0
            while True:
                try:
                    now = await service.wait_async(code, seen, wait, client)
                    if beat is not None and time.monotonic() - beaten >= WAIT_SECONDS:
                        beaten = time.monotonic()
                        await loop.run_in_executor(None, beat)
                except ClassroomError:
                    return
                if now != seen:
                    seen, last = now, time.monotonic()
                    await loop.run_in_executor(None, set_in_context, version, now)
                elif refresh is not None and time.monotonic() - last >= refresh:
                    tick, last = tick + 1, time.monotonic()
                    await loop.run_in_executor(None, set_in_context, ticks, tick)

        future = asyncio.run_coroutine_threadsafe(watch(), loop)
        context.on_close(future.cancel)
        return future.cancel

    solara.use_effect(start_async, [service, code, refresh, beat_key])

    def watch_in_thread(cancel: threading.Event) -> None:
        if not code or context is not None:
            return
        seen, tick, last, beaten = -1, 0, time.monotonic(), 0.0
        step = min(1.0, wait)
        while not cancel.is_set():
            try:
                now = service.wait_for_change(code, seen, timeout=step)
                if beat is not None and time.monotonic() - beaten >= WAIT_SECONDS:
                    beaten = time.monotonic()
                    beat()
            except ClassroomError:
                return
            if now != seen:
                seen, last = now, time.monotonic()
                version.set(now)
            elif refresh is not None and time.monotonic() - last >= refresh:
                tick, last = tick + 1, time.monotonic()
                ticks.set(tick)

    solara.use_thread(
        watch_in_thread, dependencies=[service, code, refresh, beat_key], intrusive_cancel=False
    )
    _ = ticks.value  # read, so that a tick re-renders the caller
    return version.value
