"""This server's one classroom: the `RoomService` and scenario library every session shares.

Cross-user state lives here, in a store of its own (never in a Solara reactive, which is per
browser tab): made once per process, on first use, with its round clock running.
"""

from __future__ import annotations

import os
import threading
from functools import cache

from negotiation.classroom import keys
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import ScenarioLibrary

DB_ENV = "NEGOTIATION_CLASSROOM_DB"
_lock = threading.Lock()


@cache
def _service() -> RoomService:
    key, generated = keys.teacher_key_from_env()
    if generated:
        print(
            f"classroom teacher key (set {keys.TEACHER_KEY_ENV} to choose one): {key}", flush=True
        )
    service = RoomService.open(os.environ.get(DB_ENV, "classroom.db"), key)
    service.start_clock()
    return service


def default_service() -> RoomService:
    """The process's classroom service (created on first call)."""
    with _lock:
        return _service()


def default_library() -> ScenarioLibrary:
    """The project's ``scenarios/`` folder."""
    return ScenarioLibrary()
