"""The classroom's pages (issue 5): components over a `RoomService`, to mount in ``app.py``.

- `StudentPage(service)`: join with a code, take a free seat, play it; the seat's link
  (``?room=CODE&seat=PL&token=...``) gives the same seat back after closing the tab.
- `TeacherPage(service, library)`: the teacher's key, then open a room, monitor rooms (pause,
  resume, advance, reassign seats, message the room), edit scenarios, and the debrief.
- `ClassroomPage` and `TeacherConsole`: the same pages over this server's own service
  (`default_service()`: database ``$NEGOTIATION_CLASSROOM_DB`` or ``classroom.db``; teacher key
  ``$NEGOTIATION_TEACHER_KEY`` or generated and printed), for a route without arguments::

      from negotiation.web.classroom import ClassroomPage, TeacherConsole
      solara.Route(path="classroom", component=ClassroomPage, label="Classroom")
      solara.Route(path="teacher", component=TeacherConsole, label="Teacher")
"""

from negotiation.web.classroom.pages import ClassroomPage, TeacherConsole
from negotiation.web.classroom.service import default_library, default_service
from negotiation.web.classroom.student import StudentPage
from negotiation.web.classroom.teacher import TeacherPage

__all__ = [
    "ClassroomPage",
    "StudentPage",
    "TeacherConsole",
    "TeacherPage",
    "default_library",
    "default_service",
]
