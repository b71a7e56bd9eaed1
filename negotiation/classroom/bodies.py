"""Request bodies read under a size cap: a body known to pass its limit is refused (413) before it
is read whole, so a large upload costs the server nothing but the connection."""

from __future__ import annotations

from starlette.requests import Request

from negotiation.classroom.errors import ClassroomError
from negotiation.scenario import MAX_FILE_BYTES

MAX_BODY = 64 * 1024
"""The most any request but a teacher's scenario upload may send."""
MAX_SCENARIO_BODY = MAX_FILE_BYTES + 64 * 1024
"""A teacher's scenario upload: a scenario file at its limit, and room for the rest."""
DRAIN_BYTES = 4 * 1024 * 1024


class TooLarge(ClassroomError):
    status = 413


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request's body, refused (413) as soon as it is known to pass `limit` bytes. Up to
    `DRAIN_BYTES` of a refused body are read and dropped, so that the client gets to read the
    413 (a larger one is cut off: that costs the server nothing but the connection); a client
    that waits for "100 Continue" before sending its body gets the 413 at once instead."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        waits = request.headers.get("expect", "").lower() == "100-continue"
        if declared.isdigit() and int(declared) <= DRAIN_BYTES and not waits:
            async for _ in request.stream():
                pass
        raise TooLarge(f"the request body is {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
