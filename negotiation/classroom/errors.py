"""The classroom's refusals: each says what went wrong in words a student or teacher can act on.

Every error carries the HTTP status the server answers with, so the pages, the server and the tests
share one vocabulary. A refused request changes nothing.
"""

from __future__ import annotations

BRIEF_WAIT_SECONDS = 0.005
"""How long a caller that may not wait long (the server's event loop) waits for a room or the
database that another thread holds (a commit or a move takes well under a millisecond) before
`Busy`: a hand-over to a worker thread costs more than that short wait."""


class Busy(Exception):
    """The room or the database stayed in use by another thread (or program) and the caller asked
    not to wait: nothing was changed; do it again where waiting is allowed (a worker thread).
    Never reaches a client."""


class ClassroomError(Exception):
    """A request the classroom refuses; the message says why."""

    status = 400


class UnknownRoom(ClassroomError):
    """No room has this join code."""

    status = 404


class NotAllowed(ClassroomError):
    """A seat token or teacher key that does not grant the request."""

    status = 403


class Conflict(ClassroomError):
    """A request that does not fit the room's state now (seat taken, not your turn, paused...)."""

    status = 409


class BadScenario(ClassroomError):
    """A scenario that fails validation; `problems` lists (field, message) pairs."""

    status = 422

    def __init__(self, message: str, problems: list[tuple[str, str]]):
        super().__init__(message)
        self.problems = problems


class UnknownScenario(ClassroomError):
    """No scenario (file or room) has this name."""

    status = 404
