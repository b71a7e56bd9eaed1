"""Waiting for a room to change without holding a thread.

A page or a bot asks "tell me when the room passes version V". Each such wait is an asyncio future
on the caller's event loop; the room's `ChangeSignal` wakes every future when the room changes (from
whatever thread made the change, via ``call_soon_threadsafe``). So ten thousand open waits cost ten
thousand small objects, not ten thousand threads.

Each client may keep only a few waits open (`OpenWaits`): a new one beyond the bound ends the
client's oldest wait at once (it answers with the room as it is), so nobody can pile up waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_WAITS_PER_CLIENT = 4


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _wake_soon(loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits on it any more
        loop.call_soon_threadsafe(_wake, future)


class ChangeSignal:
    """The futures waiting on one room."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

    def notify(self) -> None:
        """Wake every wait (safe from any thread)."""
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for loop, future in waiting:
            _wake_soon(loop, future)

    async def wait(
        self,
        changed: Callable[[], bool],
        timeout: float,
        waits: OpenWaits | None = None,
        client: str | None = None,
    ) -> None:
        """Return when `changed()` is true, after a notify, or after `timeout` seconds."""
        if changed() or timeout <= 0:
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        with self._lock:
            self._waiting.append((loop, future))
        if changed():  # a change between the first look and registering
            return
        if waits is not None:
            waits.add(client, loop, future)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            pass
        finally:
            if waits is not None:
                waits.remove(client, future)
            with self._lock:
                self._waiting = [(lp, f) for lp, f in self._waiting if f is not future]

    def __len__(self) -> int:
        return len(self._waiting)


class OpenWaits:
    """How many waits each client has open; the oldest beyond `bound` is ended early."""

    def __init__(self, bound: int = MAX_WAITS_PER_CLIENT):
        self.bound = bound
        self._lock = threading.Lock()
        self._open: OrderedDict[str, deque[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = (
            OrderedDict()
        )

    def add(
        self, client: str | None, loop: asyncio.AbstractEventLoop, future: asyncio.Future
    ) -> None:
        if client is None:
            return
        with self._lock:
            waits = self._open.setdefault(client, deque())
            waits.append((loop, future))
            ended = [waits.popleft() for _ in range(max(0, len(waits) - self.bound))]
        for lp, f in ended:
            _wake_soon(lp, f)

    def remove(self, client: str | None, future: asyncio.Future) -> None:
        if client is None:
            return
        with self._lock:
            waits = self._open.get(client)
            if waits is None:
                return
            for item in list(waits):
                if item[1] is future:
                    waits.remove(item)
            if not waits:
                del self._open[client]

    def count(self, client: str) -> int:
        with self._lock:
            return len(self._open.get(client, ()))
