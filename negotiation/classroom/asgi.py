"""The classroom server's ASGI application: a route table and nothing else on a request's way.

Each request goes from uvicorn straight to its route's endpoint: the path is matched against the
table (``/api/rooms/{code}`` style patterns, a ``{name}`` matches one path segment; the whole
path as it was sent, so an encoded slash stays inside its segment and a trailing newline is no
match), the endpoint
gets a Starlette `Request` with the path's parameters and gives a `Response`, which is sent. There is
no middleware stack: the endpoints turn every error into a JSON answer themselves (the server's
`_json`), which is what Starlette's error middlewares would otherwise do at the cost of several
more calls per request, on a server that answers thousands of small requests a minute.
An unknown path gets 404 and a known path with another method 405, both as ``{"error": ...}``; an
error escaping an endpoint is logged and answered with 500 if no answer has begun (a client that
left mid-request gets nothing). WebSocket connections are refused. The lifespan (start-up and
shutdown) runs the given async context manager.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import unquote

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Endpoint = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("negotiation.classroom")


def compile_path(path: str) -> re.Pattern[str]:
    """``/api/rooms/{code}`` as a regular expression with one named group a parameter."""
    parts = re.split(r"\{(\w+)\}", path)
    pattern = "".join(
        f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(pattern)  # used with fullmatch: a trailing newline does not match


class App:
    """An ASGI app over `routes` (path, endpoint, methods), in the order given: the first path
    that matches with the request's method answers. `lifespan` runs around the server's life."""

    def __init__(
        self,
        routes: list[tuple[str, Endpoint, list[str]]],
        lifespan: Callable[[], AbstractAsyncContextManager[None]],
    ):
        self._routes = [(compile_path(p), fn, frozenset(m)) for p, fn, m in routes]
        self._lifespan = lifespan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._life(receive, send)
        elif scope["type"] == "websocket":  # none served: refused (uvicorn answers 403)
            await receive()
            await send({"type": "websocket.close", "code": 1008})

    def _match(self, method: str, path: str) -> tuple[Endpoint | None, dict[str, str], list[str]]:
        """The endpoint for `method` on `path` and the path's parameters; else None and the
        methods the path allows (none: an unknown path)."""
        allowed: list[str] = []
        for pattern, endpoint, methods in self._routes:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            if method in methods or (method == "HEAD" and "GET" in methods):
                return endpoint, {k: unquote(v) for k, v in found.groupdict().items()}, []
            allowed += methods
        return None, {}, allowed

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        # matched on the path as sent: an encoded slash (%2F) stays inside its segment
        raw = scope.get("raw_path") or scope["path"].encode()
        endpoint, params, allowed = self._match(scope["method"], raw.decode("latin-1"))
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            if endpoint is None:
                response: Response = (
                    JSONResponse(
                        {"error": f"{scope['method']} is not allowed here"},
                        405,
                        headers={"allow": ", ".join(sorted(set(allowed)))},
                    )
                    if allowed
                    else JSONResponse({"error": f"no such page: {scope['path'][:100]}"}, 404)
                )
            else:
                scope["path_params"] = params
                response = await endpoint(Request(scope, receive))
            await response(scope, receive, sending)
        except ClientDisconnect:  # the client left mid-request: nobody to answer
            return
        except Exception:
            log.exception("Classroom: unexpected error on %s", scope.get("path"))
            if started:
                raise
            error = {"error": "unexpected server error; the server log has details"}
            await JSONResponse(error, 500)(scope, receive, send)

    async def _life(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        try:
            context = self._lifespan()
            await context.__aenter__()
        except Exception as err:
            await send({"type": "lifespan.startup.failed", "message": str(err)})
            raise
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await context.__aexit__(None, None, None)
        await send({"type": "lifespan.shutdown.complete"})
