"""The teacher's page and the class screen without a browser (from the classroom audit of the
teacher's page and the projector): one line per entry, a readable debrief table, the Rooms tab's
form and monitor kept across tabs, words instead of raw ids and booleans."""

from __future__ import annotations

import shutil
from pathlib import Path

import ipyvuetify as v
import pytest
import solara
import solara.server.starlette  # per-session reactive state, as under the server
from solara.components.datatable import DataTableWidget

from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import ScenarioLibrary
from negotiation.web.classroom.projector import ProjectorPage
from negotiation.web.classroom.teacher import DebriefTable, RoomMonitor

REPO = Path(__file__).resolve().parents[1]
NAME = "critical_minerals_2026"
SCENARIO = (REPO / "scenarios" / f"{NAME}.yaml").read_text()
KEY = "teacher-page-key-0123456789"

assert solara.server.starlette  # imported for its effect


@pytest.fixture
def service(tmp_path: Path):
    service = RoomService.open(tmp_path / "c.db", KEY)
    yield service
    service.close()


@pytest.fixture
def library(tmp_path: Path) -> ScenarioLibrary:
    """Two scenarios; the first by name is not the default one."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("counterfactual_greenland", NAME):
        shutil.copy(REPO / "scenarios" / f"{name}.yaml", folder / f"{name}.yaml")
    shutil.copytree(REPO / "scenarios" / "data", folder / "data")
    return ScenarioLibrary(folder)


def render(element):
    _, rc = solara.render(element, handle_error=False)
    return rc


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def with_class(rc, name: str) -> list:
    return [w for w in rc.find(v.Html).widgets if name in (w.class_ or "").split()]


def played_a_little(service: RoomService) -> str:
    """A started room: the US moved, a private and a public message, the teacher's news."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"], scenario_name=NAME)
    code = code["code"]
    tokens = {a: service.take_seat(code, a, f"student {a}")["token"] for a in ("us", "PL")}
    service.start(KEY, code)
    view = service.seat_view(code, "us", tokens["us"])
    service.submit_move(code, "us", tokens["us"], view["decision"]["agent_move"])
    service.send_message(code, "PL", tokens["PL"], "us", "secret swap")
    service.send_message(code, "us", tokens["us"], "all", "We offer everyone the same")
    service.broadcast(KEY, code, "Five minutes")
    return code


def test_every_entry_is_a_line_of_its_own(service: RoomService):
    """The class screen's timeline and statements, the monitor's messages and the debrief's
    timeline: one block per entry (an inline span each ran them into one paragraph)."""
    code = played_a_little(service)
    screen = render(ProjectorPage(service, code))
    monitor = render(RoomMonitor(service, KEY, code))
    debrief = render(DebriefTable(service, KEY))
    debrief.find(v.Select, label="Timeline of room").widget.v_model = code
    for rc, name, at_least in (
        (screen, "projector-line", 1),
        (screen, "projector-message", 2),
        (monitor, "monitor-message", 3),
        (debrief, "timeline-line", 4),
    ):
        lines = with_class(rc, name)
        assert len(lines) >= at_least, name
        assert {w.tag for w in lines} == {"div"}, name


def played_to_the_end(service: RoomService) -> str:
    small = (REPO / "scenarios" / "small_class.yaml").read_text()
    code = service.create_room(KEY, small, seed=7, humans=["us"], scenario_name="small_class")
    code = code["code"]
    token = service.take_seat(code, "us", "Ana")["token"]
    service.start(KEY, code)
    while service.monitor(KEY, code)["status"] != "finished":
        decision = service.seat_view(code, "us", token)["decision"]
        if decision:
            service.submit_move(code, "us", token, decision["agent_move"])
        else:
            service.advance(KEY, code)
    return code


def test_the_debrief_table_has_readable_headers_and_wrapping_cells(service: RoomService):
    """Headers in words (the CSV keeps its column ids), the outcome's id left to the CSV (its
    words are there), and the table's long cells wrap so the turning points fit a 1280 px
    screen (the wrapping itself only a browser shows: here, the table's style says so)."""
    from negotiation.classroom.debrief import debrief_rows, to_csv

    played_to_the_end(service)
    rc = render(DebriefTable(service, KEY))
    table = rc.find(DataTableWidget).widget
    headers = [h["text"] for h in table.headers]
    for words in (
        "Room",
        "Outcome",
        "Players",
        "Signed with the US",
        "Council vote",
        "China",
        "EU funds",
        "US tariff threats",
    ):
        assert words in headers
    assert not [h for h in headers if "_" in h], headers
    assert headers.index("Outcome") < headers.index("Signed with the US")
    assert len(headers) == len(set(headers))
    row = table.items[0]
    assert row["Outcome"].startswith("a bloc deal with defections")
    assert "bloc_deal_with_defections" not in row.values()
    css = " ".join(str(w.template) for w in rc.find(v.VuetifyTemplate).widgets)  # solara.Style
    assert "white-space: normal" in css and "max-width" in css
    header = to_csv(debrief_rows(service, KEY, "small_class")).splitlines()[0]
    assert header.startswith("room,scenario,seed,human_seats,status,outcome,outcome_words,")
