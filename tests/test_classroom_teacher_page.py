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
from page_helpers import click, play_to_the_end, render, talked_a_little
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


def with_class(rc, name: str) -> list:
    """Every widget on the page with this CSS class."""
    found: list = []

    def walk(node) -> None:
        if name in (getattr(node, "class_", None) or "").split():
            found.append(node)
        for child in getattr(node, "children", None) or []:
            if not isinstance(child, str):
                walk(child)

    walk(rc.find().widget)
    return found


def played_a_little(service: RoomService) -> str:
    """A started room: the US moved, a private and a public message, the teacher's news."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"], scenario_name=NAME)
    code = code["code"]
    talked_a_little(service, KEY, code, "secret swap", "We offer everyone the same")
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
    play_to_the_end(service, KEY, code, "us", token)
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


def signed_in(service: RoomService, library: ScenarioLibrary):
    from negotiation.web.classroom.teacher import TeacherPage

    rc = render(TeacherPage(service, library))
    rc.find(v.TextField, label="Teacher's key").widget.v_model = KEY
    click(rc, "Enter")
    return rc


def to_tab(rc, index: int) -> None:
    rc.find(v.Tabs).widget.v_model = index


def test_the_rooms_tab_keeps_its_form_and_room_across_tabs(service, library):
    """The form's scenario (critical_minerals_2026 by default, not the first file by name), seed,
    seats and the watched room survive a visit to the Debrief tab; Open room works after it."""
    rc = signed_in(service, library)
    assert rc.find(v.Select, label="Scenario").widget.v_model == NAME
    rc.find(v.Select, label="Seats for people").widget.v_model = ["us", "DE"]
    seed = rc.find(v.TextField, label="Seed").widget
    seed.v_model = "5"
    seed.fire_event("focusout", None)  # the field takes its value when it loses the focus
    click(rc, "Open room")
    (room,) = service.list_rooms(KEY)
    rc.find(v.Select, label="Room to watch").widget.v_model = room["code"]
    assert with_class(rc, "room-monitor")
    for tab in (2, 1, 0):  # Debrief, Scenarios, back to Rooms
        to_tab(rc, tab)
    assert rc.find(v.TextField, label="Seed").widget.v_model == "5"
    for tab in (2, 0):
        to_tab(rc, tab)
    assert rc.find(v.Select, label="Scenario").widget.v_model == NAME
    assert rc.find(v.Select, label="Seats for people").widget.v_model == ["us", "DE"]
    assert rc.find(v.Select, label="Room to watch").widget.v_model == room["code"]
    assert with_class(rc, "room-monitor")  # the live monitor is back
    click(rc, "Open room")
    assert not with_class(rc, "classroom-error")
    rooms = service.list_rooms(KEY)
    assert len(rooms) == 2 and {r["seed"] for r in rooms} == {5}
    assert {r["scenario"] for r in rooms} == {NAME}


def test_a_room_is_not_opened_from_a_seed_or_time_limit_that_is_not_a_number(service, library):
    """Typed "abc" is refused by name (not replaced by the last good value); the refusal goes
    once the field is put right, and the room opens with what the field shows."""
    rc = signed_in(service, library)
    rc.find(v.Select, label="Seats for people").widget.v_model = ["us"]
    for label, typed in (("Seed", "abc"), ("Time limit per phase (seconds, 0 = none)", "abc")):
        field = rc.find(v.TextField, label=label).widget
        field.v_model = typed
        field.fire_event("focusout", None)
        click(rc, "Open room")
        assert service.list_rooms(KEY) == []
        shown = " ".join(str(w.children) for w in with_class(rc, "classroom-error"))
        assert "'abc' is not a" in shown and ("seed" in shown or "time limit" in shown)
        field.v_model = "5" if label == "Seed" else "0"
        field.fire_event("focusout", None)
        assert not with_class(rc, "classroom-error")
    click(rc, "Open room")
    (room,) = service.list_rooms(KEY)
    assert room["seed"] == 5


def test_the_monitor_and_the_class_screen_say_yes_no_and_name_the_seats(service: RoomService):
    """The monitor's table says yes/no (not True/False) under headers in words, the muted seats
    by name; the class screen waits for Poland, not for 'PL'."""
    code = played_a_little(service)
    service.mute(KEY, code, "PL", True)
    rc = render(RoomMonitor(service, KEY, code))
    table = rc.find(DataTableWidget).widget
    headers = [h["text"] for h in table.headers]
    assert headers == ["Seat", "Name", "Held by", "Connected", "Moved", "Waited for", "Moved by"]
    values = {str(x) for row in table.items for k, x in row.items() if k != "__row__"}
    assert not values & {"True", "False", "None", "nan"}
    us = next(row for row in table.items if row["Seat"] == "us")
    assert (us["Name"], us["Held by"], us["Moved"]) == ("United States", "student us", "yes")
    assert {row["Connected"] for row in table.items} <= {"yes", "no"}
    muted = " ".join(str(w.children) for w in rc.find(v.Html).widgets)
    assert "Muted: Poland (PL)" in muted
    screen = render(ProjectorPage(service, code))
    waiting = " ".join(str(w.children) for w in screen.find(v.Html).widgets)
    assert "Waiting for: Poland" in waiting and "Waiting for: PL" not in waiting


def test_the_monitors_seat_menus_name_the_seats(service: RoomService):
    """The seat menus (assign, mute) list "Poland (PL)", not bare ids, and act on that seat."""
    code = played_a_little(service)
    rc = render(RoomMonitor(service, KEY, code))
    menu = rc.find(v.Select, label="Seat to mute").widget
    assert "Poland (PL)" in menu.items and "United States (us)" in menu.items
    menu.v_model = "Poland (PL)"
    click(rc, "Mute")
    assert [s["actor"] for s in service.monitor(KEY, code)["seats"] if s["muted"]] == ["PL"]
    click(rc, "Unmute")
    assert not any(s["muted"] for s in service.monitor(KEY, code)["seats"])


def test_the_debrief_tab_keeps_its_scenario_and_timeline_across_tabs(service, library):
    first = played_a_little(service)  # a room of critical_minerals_2026
    small = (REPO / "scenarios" / "small_class.yaml").read_text()
    service.create_room(KEY, small, seed=1, humans=["us"], scenario_name="small_class")
    rc = signed_in(service, library)
    to_tab(rc, 2)
    rc.find(v.Select, label="Scenario").widget.v_model = NAME
    rc.find(v.Select, label="Timeline of room").widget.v_model = first
    assert with_class(rc, "timeline-line")
    for tab in (0, 2):  # Rooms, back to Debrief
        to_tab(rc, tab)
    assert rc.find(v.Select, label="Scenario").widget.v_model == NAME
    assert rc.find(v.Select, label="Timeline of room").widget.v_model == first
    assert with_class(rc, "timeline-line")
