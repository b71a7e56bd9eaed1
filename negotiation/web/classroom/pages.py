"""The classroom pages over this server's own service, as routes without arguments."""

from __future__ import annotations

import solara

from negotiation.web.classroom.service import default_library, default_service, start_with_server
from negotiation.web.classroom.student import StudentPage
from negotiation.web.classroom.teacher import TeacherPage


@solara.component
def ClassroomPage() -> None:
    """The student's page (join, take a seat, play it)."""
    StudentPage(default_service())


@solara.component
def TeacherConsole() -> None:
    """The teacher's page (key, rooms, monitor, scenarios, debrief)."""
    TeacherPage(default_service(), default_library())


start_with_server()  # under `solara run`: open the database and print the key at start-up
