"""Waiting for a room to change without holding a thread.

A page or a bot asks "tell me when the room passes version V". Each such wait is an asyncio future
on the caller's event loop; the room's `ChangeSignal` wakes every future when the room changes (from
whatever thread made the change, via ``call_soon_threadsafe``). So ten thousand open waits cost ten
thousand small objects, not ten thousand threads.

Each client may keep only a few waits open (`OpenWaits`): a new one beyond the bound ends the
client's oldest wait at once (it answers with the room as it is), so nobody can pile up waits.

A wait may name the seat it waits for. A change that matters to that seat (`notify` names the
seats it is urgent for: a new decision, the room paused, a message) wakes it at once; any other
change (another seat moved, say) wakes it at most `COALESCE_SECONDS` later, together with every
change made meanwhile. So thirty seats of a phase moving one after another cost each waiting page
one answer, not thirty, and a decision still reaches its seat at once. A wait that names no seat
(a teacher's page) wakes at once on every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Collection

MAX_WAITS_PER_CLIENT = 4
COALESCE_SECONDS = 2.0
"""The longest a change that does not concern a waiting seat may go unseen by it."""


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _wake_soon(loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits on it any more
        loop.call_soon_threadsafe(_wake, future)


class _Waiter:
    __slots__ = ("changed", "future", "loop", "seat")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        future: asyncio.Future,
        seat: str | None,
        changed: Callable[[], bool],
    ):
        self.loop, self.future, self.seat, self.changed = loop, future, seat, changed


class ChangeSignal:
    """The futures waiting on one room."""

    def __init__(self, coalesce: float = COALESCE_SECONDS) -> None:
        self.coalesce = coalesce
        self._lock = threading.Lock()
        self._waiting: list[_Waiter] = []
        self._flush_due = False

    def notify(self, urgent: Collection[str] | None = None) -> None:
        """Wake the waits (safe from any thread): at once those that name no seat or a seat in
        `urgent` (every wait if `urgent` is None), the others within `coalesce` seconds."""
        with self._lock:
            if urgent is None or self.coalesce <= 0:
                now, later = self._waiting, []
            else:
                now, later = [], []
                for w in self._waiting:
                    (now if w.seat is None or w.seat in urgent else later).append(w)
            self._waiting = later
            loops = {w.loop for w in later} if later and not self._flush_due else set()
            if loops:
                self._flush_due = True
        for w in now:
            _wake_soon(w.loop, w.future)
        for loop in loops:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(loop.call_later, self.coalesce, self._flush)

    def _flush(self) -> None:
        """Wake the waits that a change passed since they began (on the event loop)."""
        with self._lock:
            self._flush_due = False
            ready = [w for w in self._waiting if w.changed()]
            gone = {id(w) for w in ready}
            self._waiting = [w for w in self._waiting if id(w) not in gone]
        for w in ready:
            _wake_soon(w.loop, w.future)

    async def wait(
        self,
        changed: Callable[[], bool],
        timeout: float,
        waits: OpenWaits | None = None,
        client: str | None = None,
        seat: str | None = None,
        urgent: Callable[[], bool] | None = None,
    ) -> None:
        """Return when `changed()` is true, after a notify, or after `timeout` seconds. A wait
        for a `seat` learns of the changes that are not urgent for it (`urgent()` false: none
        since the version the caller has seen) a little later, with the next ones (see
        `notify`): at most `coalesce` seconds after it began or after the change."""

        def now() -> bool:
            return changed() and (seat is None or urgent is None or urgent())

        if now() or timeout <= 0:
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        waiter = _Waiter(loop, future, seat, changed)
        with self._lock:
            self._waiting.append(waiter)
            flush = changed() and not self._flush_due  # changes it has not seen, none urgent
            if flush:
                self._flush_due = True
        if now():  # a change between the first look and registering
            with self._lock:
                self._waiting = [w for w in self._waiting if w is not waiter]
            return
        if flush:
            loop.call_later(self.coalesce, self._flush)
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
                self._waiting = [w for w in self._waiting if w is not waiter]

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
