"""This server's one classroom: the `RoomService` and scenario library every session shares.

Cross-user state lives here, in a store of its own (never in a Solara reactive, which is per
browser tab): made once per process, with its round clock running. Under ``solara run`` (and so
``negotiation serve``) it is made when the app is loaded at start-up, so the database is opened,
every stored room resumes its clock and a generated teacher's key is printed before anyone opens a
page; elsewhere (tests) on first use.

If the classroom cannot start (another server holds the database, the file is not a database, the
teacher's key is too short), the reason is printed; under ``solara run`` the process then exits
(status 2) rather than serve a classroom that would lose moves. A room that cannot be loaded is
reported and skipped.
"""

from __future__ import annotations

import os
import sys
import threading
from functools import cache

from negotiation.classroom import keys
from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import ScenarioLibrary
from negotiation.web.catalog import scenario_dir

DB_ENV = "NEGOTIATION_CLASSROOM_DB"
SERVER_ENV = "SOLARA_APP"
"""Set by ``solara run`` for the app it serves."""
_lock = threading.Lock()


@cache
def _service() -> RoomService:
    path = os.environ.get(DB_ENV, "classroom.db")
    try:
        key, generated = keys.teacher_key_from_env()
        service = RoomService.open(path, key)
    except (ClassroomError, keys.WeakTeacherKey) as err:
        print(f"Classroom not started: {err}", file=sys.stderr, flush=True)
        if os.environ.get(SERVER_ENV):
            os._exit(2)  # under `solara run`: stop here, with the message above
        raise
    for code, why in service.damaged.items():
        print(f"Classroom: room {code} could not be loaded and is skipped: {why}", flush=True)
    service.start_clock()
    if generated:
        where = f"generated; set {keys.TEACHER_KEY_ENV} to choose one"
        print(f"Classroom: database {path}; teacher key ({where}): {key}", flush=True)
    else:
        print(f"Classroom: database {path}; teacher key from {keys.TEACHER_KEY_ENV}", flush=True)
    return service


def default_service() -> RoomService:
    """The process's classroom service (created on first call)."""
    with _lock:
        return _service()


def default_library() -> ScenarioLibrary:
    """The scenario folder the app was started with (`negotiation serve --scenario-dir`, the
    NEGOTIATION_SCENARIO_DIR variable), by default the project's ``scenarios/``: the editor saves
    there, and the Rooms list and "Start from" read it."""
    return ScenarioLibrary(scenario_dir())


def start_with_server() -> None:
    """Make the service now when running under ``solara run`` (see the module's docstring)."""
    if os.environ.get(SERVER_ENV):
        default_service()
