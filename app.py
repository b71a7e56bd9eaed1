"""The browser game: `negotiation serve`, or `solara run app.py`.

One route per page; add a page with one more `solara.Route(...)` line (a tab appears by itself).
"""

import solara

from negotiation.web.catalog import list_scenarios
from negotiation.web.classroom import ClassroomPage, TeacherConsole
from negotiation.web.layout import Layout
from negotiation.web.play import PlayPage
from negotiation.web.research import ResearchPage

routes = [
    solara.Route(path="/", component=PlayPage, label="Play", layout=Layout),
    solara.Route(path="classroom", component=ClassroomPage, label="Classroom"),
    solara.Route(path="teacher", component=TeacherConsole, label="Teacher"),
    solara.Route(path="research", component=ResearchPage, label="Research"),
]

# Read the scenario files while the server starts (Solara runs this file once then), so the
# first student to open the start page does not wait for them (see catalog.list_scenarios).
list_scenarios()
