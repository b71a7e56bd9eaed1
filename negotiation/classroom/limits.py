"""Rate limits per client: how many join-code guesses, seats, teacher-key tries and messages a
client may make in a time window, with a clear "try again in N s" when it is over.

A client is whatever the caller names it: the HTTP server uses the address the request came from
(plus the seat for a seat's messages), the pages their browser session. Each limit keeps, for each
client, the times of its recent events (a sliding window); clients idle for a whole window are
forgotten, so the memory stays small.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from negotiation.classroom.errors import ClassroomError


class TooMany(ClassroomError):
    """Over a rate limit; `retry_after` is in whole seconds."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimit:
    """At most `count` events per `window` seconds for each client."""

    def __init__(
        self,
        what: str,
        count: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.what = what
        self.count = count
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = 0.0

    def _recent(self, client: str, t: float) -> deque[float]:
        events = self._events.setdefault(client, deque())
        while events and t - events[0] >= self.window:
            events.popleft()
        return events

    def check(self, client: str | None) -> None:
        """Refuse (TooMany) if `client` has used up its events in the window; records nothing."""
        if client is None:
            return
        t = self._clock()
        with self._lock:
            events = self._recent(client, t)
            if len(events) >= self.count:
                wait = max(1, math.ceil(self.window - (t - events[0])))
                raise TooMany(f"too many {self.what} from this device: try again in {wait} s", wait)

    def hit(self, client: str | None) -> None:
        """Count one event for `client`."""
        if client is None:
            return
        t = self._clock()
        with self._lock:
            self._recent(client, t).append(t)
            if t - self._last_sweep > self.window:
                self._last_sweep = t
                for key in [
                    k for k, v in self._events.items() if not v or t - v[-1] >= self.window
                ]:
                    del self._events[key]

    def take(self, client: str | None) -> None:
        """`check`, then `hit`: for limits on every event (not only failures)."""
        self.check(client)
        self.hit(client)


class Limits:
    """The classroom's limits, one per kind of request; the numbers can be changed per server."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.join_codes = RateLimit("wrong join codes", 10, 60, clock)
        """Failed attempts only: a student who mistypes a code once or twice is not slowed."""
        self.seats = RateLimit("seats taken", 3, 300, clock)
        self.teacher_keys = RateLimit("wrong teacher keys", 5, 60, clock)
        """Failed attempts only."""
        self.messages = RateLimit("messages", 6, 30, clock)
        """Per seat (and per teacher): every message counts."""
