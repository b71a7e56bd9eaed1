"""The classroom server's HTTP connections: uvicorn's httptools protocol with limits on what a
client can hold.

- The head of a request (request line and headers) is at most `MAX_HEAD_BYTES`: the bytes are
  counted as they arrive and the parser is never fed more, so a header of 200 MB costs the server
  no more memory than one of 64 KB. A longer head gets 431 and the connection is closed.
- The head must arrive within `head_seconds` (from the connection's opening for its first request,
  from a request's first byte for the next ones on a kept-alive connection), and the body within
  `body_seconds` of the head's end; otherwise 408 (nothing when not a byte of a request came) and
  the connection is closed. A request whose head and body are complete has no deadline, so a long
  poll waits as long as the application wants.
- Each client address keeps at most `per_address` connections open; one more gets 429 and is
  closed at once.
- A request the parser refuses gets its 400 as JSON, like every other refusal (uvicorn's own is
  plain text).

Idle kept-alive connections are closed by uvicorn's own `timeout_keep_alive`. The deadlines and
the per-address limit can be changed with the environment variables below (tests shorten them).
Passed to uvicorn as ``uvicorn.run(..., http="negotiation.classroom.protocol:ClassroomHttpProtocol")``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from asyncio import TimerHandle
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

MAX_HEAD_BYTES = 64 * 1024
HEAD_SECONDS_ENV = "NEGOTIATION_CLASSROOM_HEAD_SECONDS"
BODY_SECONDS_ENV = "NEGOTIATION_CLASSROOM_BODY_SECONDS"
PER_ADDRESS_ENV = "NEGOTIATION_CLASSROOM_CONNECTIONS_PER_ADDRESS"
DEFAULT_HEAD_SECONDS = 10.0
DEFAULT_BODY_SECONDS = 10.0
# A browser keeps a few connections; a class behind one address (a school's NAT) shares the
# limit: 30 students keep about 60-90 open. Raise it for a whole school behind one address.
DEFAULT_PER_ADDRESS = 256

log = logging.getLogger("negotiation.classroom")


def _number(env: str, default: float) -> float:
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{env} must be a number, not {raw!r}") from None
    if not value > 0:
        raise SystemExit(f"{env} must be above 0, not {raw!r}")
    return value


def _refusal(status: int, message: str, *extra: bytes) -> bytes:
    body = ('{"error": "' + message + '"}').encode("ascii")
    return b"".join(
        [
            STATUS_LINE[status],
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
            *extra,
            b"connection: close\r\n\r\n",
            body,
        ]
    )


HEAD_TOO_LARGE = _refusal(
    431, f"the request line and headers are limited to {MAX_HEAD_BYTES // 1024} KB"
)
TOO_SLOW = _refusal(408, "the request did not arrive in time; send it again")
NOT_HTTP = _refusal(
    400, "not a valid HTTP/1.1 request (its method, request line or headers); nothing was done"
)
TOO_MANY = _refusal(
    429, "too many connections open from this device: try again in 5 s", b"retry-after: 5\r\n"
)

_HEAD, _BODY, _DONE = "head", "body", "done"


class ClassroomHttpProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` with the limits of the module's docstring."""

    max_head_bytes = MAX_HEAD_BYTES
    # read when uvicorn imports the class, so a bad value stops the server at its start
    head_seconds = _number(HEAD_SECONDS_ENV, DEFAULT_HEAD_SECONDS)
    body_seconds = _number(BODY_SECONDS_ENV, DEFAULT_BODY_SECONDS)
    per_address = int(_number(PER_ADDRESS_ENV, DEFAULT_PER_ADDRESS))
    open_per_address: ClassVar[dict[str, int]] = {}  # one server per process

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.phase = _HEAD  # of the request being read; _DONE between requests
        self.begun = False  # a byte of the request being read has come
        self.head_bytes = 0  # of the head being read, counted before the parser sees them
        self.deadline: TimerHandle | None = None
        self.address: str | None = None  # counted in `open_per_address`

    # --- connection -------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        host = self.client[0] if self.client else None
        if host is not None:
            if self.open_per_address.get(host, 0) >= self.per_address:
                log.warning(
                    "Classroom: %s has %d connections open; refused one", host, self.per_address
                )
                self._refuse(TOO_MANY)
                return
            self.open_per_address[host] = self.open_per_address.get(host, 0) + 1
            self.address = host
        self._arm(self.head_seconds)  # the first request's head, from the connection's opening

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.address is not None:
            left = self.open_per_address.get(self.address, 1) - 1
            if left > 0:
                self.open_per_address[self.address] = left
            else:
                self.open_per_address.pop(self.address, None)
            self.address = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            if self.transport.is_closing():
                return
            if self.phase == _BODY:
                piece, view = view, view[:0]
            else:  # a head, or the start of the next request's: never feed more than the limit
                room = self.max_head_bytes - self.head_bytes
                if room <= 0:
                    log.warning(
                        "Classroom: request head over %d bytes from %s",
                        self.max_head_bytes,
                        self._who(),
                    )
                    self._refuse(HEAD_TOO_LARGE)
                    return
                piece, view = view[:room], view[room:]
                self.head_bytes += len(piece)
            super().data_received(piece)  # type: ignore[arg-type]  # httptools takes any buffer
        if self.transport.is_closing() or self.deadline is not None:
            return
        if self.phase == _BODY:
            self._arm(self.body_seconds)
        elif (
            self.phase == _HEAD or self.head_bytes
        ):  # bytes of a kept-alive connection's next request
            self._arm(self.head_seconds)

    # --- parser callbacks ---------------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self.phase = _HEAD
        self.begun = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._disarm()
        self.phase = _BODY
        self.head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self.phase = _DONE
        self.begun = False
        self.head_bytes = 0
        super().on_message_complete()

    # --- deadlines ----------------------------------------------------------------------------------

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self.deadline = self.loop.call_later(seconds, self._deadline_passed, seconds)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _deadline_passed(self, seconds: float) -> None:
        self.deadline = None
        if self.transport.is_closing():
            return
        if self.flow is not None and self.flow.read_paused:
            self._arm(
                seconds
            )  # the server is not reading (pipelined request): not the client's fault
            return
        log.info(
            "Classroom: the %s of a request from %s took over %g s",
            "body" if self.phase == _BODY else "head",
            self._who(),
            seconds,
        )
        if self.phase == _BODY:
            answer = self.cycle is not None and not self.cycle.response_started
        else:  # nothing when not a byte of a request came, or while an answer is under way
            answer = self.begun and (self.cycle is None or self.cycle.response_complete)
        if answer:
            self._refuse(TOO_SLOW)
        else:
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request its parser refuses (an unknown method, a bad request
        line, `Content-Length: -1`), in JSON like every other refusal."""
        self._refuse(NOT_HTTP)

    def _refuse(self, answer: bytes) -> None:
        """Answer `answer` (a whole response, with ``connection: close``) and close."""
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the application's answer, if any, goes nowhere
            self.cycle.message_event.set()
        self.transport.write(answer)
        self.transport.close()

    def _who(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "?"
