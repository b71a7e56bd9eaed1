"""The teacher's page: the key first, then rooms (open, monitor), scenarios and the debrief.

The monitor shows every message of the room (private ones too) and can mute a seat; it links the
class screen (``/classroom?screen=CODE``, no secret in it). The debrief adds each room's timeline:
moves and messages, round by round. Wrong keys are rate-limited per browser session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import solara

from negotiation.classroom.common import JOIN_PATH, seat_link
from negotiation.classroom.debrief import as_text, columns, debrief_rows, to_csv
from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.readable import header, row_words, shown
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import ScenarioLibrary
from negotiation.model import NegotiationModel
from negotiation.web.classroom.blocks import Line
from negotiation.web.classroom.editor import ScenarioEditor
from negotiation.web.classroom.live import page_client, use_room_version

MESSAGES_SHOWN = 15

TABS = ("Rooms", "Scenarios", "Debrief")
DEFAULT_SCENARIO = "critical_minerals_2026"
"""The form's scenario when the library has it (else the first file by name)."""
DEBRIEF_HIDDEN = ("outcome",)
"""Columns the page leaves to the CSV: the outcome's id (the page gives it in words)."""
DEBRIEF_CSS = """
.debrief-table .solara-data-table table { table-layout: auto; }
.debrief-table .solara-data-table td,
.debrief-table .solara-data-table th {
  white-space: normal !important;
  overflow: visible !important;
  text-overflow: clip !important;
  vertical-align: top;
  min-width: 5em;
  padding-right: 8px !important;
}
.debrief-table .solara-data-table td > span {
  display: inline-block;
  max-width: 22em;
  white-space: normal;
  overflow-wrap: break-word;
}
"""
"""The debrief's long cells (the outcome, who signed, the Council vote) wrap within 22em, so the
turning points start on a 1280 px screen (the table's own cells are one truncated line)."""
REFRESH_SECONDS = 1.0
"""How often the monitor re-reads the room when nothing moved (connections, the clock)."""


@solara.component
def TeacherPage(service: RoomService, library: ScenarioLibrary) -> None:
    """Ask for the teacher's key; with the right key, the teacher's tabs."""
    key = solara.use_reactive("")
    typed = solara.use_reactive("")
    error = solara.use_reactive("")
    tab = solara.use_reactive(0)
    form = use_room_form(library)  # held here, above the tabs: a visit to another tab keeps it
    picked = (solara.use_reactive(""), solara.use_reactive(""))  # the Debrief tab's, likewise

    def sign_in() -> None:
        try:
            service.check_teacher(typed.value, page_client())
        except ClassroomError as err:
            error.set(str(err))
            return
        error.set("")
        key.set(typed.value)

    if not key.value:
        with solara.Card("Teacher", classes=["teacher-login"]):
            solara.InputText("Teacher's key", value=typed, password=True, continuous_update=True)
            solara.Button("Enter", on_click=sign_in, color="primary")
            if error.value:
                solara.Error(error.value, classes=["classroom-error"])
        return
    with solara.Column():
        with solara.lab.Tabs(value=tab):
            for name in TABS:
                solara.lab.Tab(name)
        if tab.value == 0:
            RoomsTab(service, library, key.value, form=form)
        elif tab.value == 1:
            ScenarioEditor(library)
        else:
            DebriefTable(service, key.value, picked)


@dataclass(frozen=True)
class RoomForm:
    """What the Rooms tab keeps while the teacher looks at another tab: the open-room form's
    values, its last result and the room being watched."""

    scenario: solara.Reactive[str]
    seed: solara.Reactive[str]
    humans: solara.Reactive[list[str]]
    limit: solara.Reactive[str]
    """The seed and time limit as typed: the room service checks them (and names what is
    wrong), so a value the field cannot hold is never replaced by the last good one."""
    result: solara.Reactive[str]
    watched: solara.Reactive[str]


def use_room_form(library: ScenarioLibrary) -> RoomForm:
    """The Rooms tab's state (a hook: call it in the component that outlives the tabs)."""
    files = [f.name for f in library.files()]
    first = DEFAULT_SCENARIO if DEFAULT_SCENARIO in files else (files[0] if files else "")
    humans: solara.Reactive[list[str]] = solara.use_reactive([])
    return RoomForm(
        scenario=solara.use_reactive(first),
        seed=solara.use_reactive("1"),
        humans=humans,
        limit=solara.use_reactive("0"),
        result=solara.use_reactive(""),
        watched=solara.use_reactive(""),
    )


@solara.component
def RoomsTab(
    service: RoomService, library: ScenarioLibrary, key: str, form: RoomForm | None = None
) -> None:
    own = use_room_form(library)  # always called (rules of hooks); used without a parent's
    form = form or own
    selected = form.watched
    everything = service.list_rooms(key)
    rooms = [r for r in everything if r["status"] != "damaged"]
    with solara.Column():  # a fixed parent: the form keeps its state as rooms appear below it
        OpenRoomForm(service, library, key, on_open=selected.set, form=form)
        for r in everything:
            if r["status"] == "damaged":
                solara.Warning(
                    f"Room {r['code']} could not be loaded and is skipped: {r['problem']}",
                    classes=["damaged-room"],
                )
        if rooms:
            solara.Select(
                "Room to watch",
                values=[r["code"] for r in rooms],
                value=selected,
                classes=["room-pick"],
            )
        if selected.value:
            RoomMonitor(service, key, selected.value)


@solara.component
def OpenRoomForm(
    service: RoomService,
    library: ScenarioLibrary,
    key: str,
    on_open: Any,
    form: RoomForm | None = None,
) -> None:
    """Scenario, seed, the seats for people and an optional time limit per phase that waits for people."""
    files = [f.name for f in library.files()]
    own = use_room_form(library)
    form = form or own
    scenario, seed, humans, limit, result = (
        form.scenario,
        form.seed,
        form.humans,
        form.limit,
        form.result,
    )
    error = solara.use_reactive("")
    actors = solara.use_memo(lambda: _actors(library, scenario.value), [scenario.value])

    def retyped(field: solara.Reactive[str]) -> Callable[[str], None]:
        """Take a typed value; a refusal about the value it replaces goes with it."""

        def take(text: str) -> None:
            field.set(text)
            error.set("")

        return take

    def open_room() -> None:
        try:
            room = service.create_room(
                key,
                library.text(scenario.value),
                seed=seed.value.strip(),
                humans=humans.value,
                time_limit=limit.value.strip(),
                scenario_name=scenario.value,
                base_dir=library.folder,
            )
        except ClassroomError as err:
            error.set(str(err))
            return
        error.set("")
        result.set(
            f"Room {room['code']} is open: students join with code {room['code']} "
            f"or the link {room['link']}"
        )
        on_open(room["code"])

    with solara.Card("Open a room", classes=["open-room"]):
        solara.Select("Scenario", values=files, value=scenario)
        solara.InputText("Seed", value=seed.value, on_value=retyped(seed))
        solara.SelectMultiple("Seats for people", values=humans, all_values=actors)
        solara.InputText(
            "Time limit per phase (seconds, 0 = none)", value=limit.value, on_value=retyped(limit)
        )
        solara.Button("Open room", on_click=open_room, color="primary", classes=["open-room-btn"])
        if result.value:
            solara.Success(result.value, classes=["room-opened"])
        if error.value:
            solara.Error(error.value, classes=["classroom-error"])


def _actors(library: ScenarioLibrary, name: str) -> list[str]:
    if not name:
        return []
    try:
        return NegotiationModel.from_spec(library.check(library.text(name)), 0).actor_ids()
    except (ClassroomError, ValueError):
        return []


@solara.component
def RoomMonitor(service: RoomService, key: str, code: str) -> None:
    """Every seat (holder, connected, moved), the controls, seat assignment and messages."""
    use_room_version(service, code, refresh=REFRESH_SECONDS)  # connected and time left age
    message = solara.use_reactive("")
    seat = solara.use_reactive("")
    holder = solara.use_reactive("")
    note = solara.use_reactive("")

    mute_seat = solara.use_reactive("")

    def act(fn: Any, *args: Any) -> None:
        try:
            fn(key, code, *args)
            note.set("")
        except ClassroomError as err:
            note.set(str(err))

    data = service.monitor(key, code)
    # The seat menus show each seat's name and id ("Poland (PL)"); the service takes the id.
    seat_ids = {f"{s['name']} ({s['actor']})": s["actor"] for s in data["seats"]}

    def assign() -> None:
        actor = seat_ids.get(seat.value, "")
        try:
            token = service.assign_seat(key, code, actor, holder.value or None)
        except ClassroomError as err:
            note.set(str(err))
            return
        if token is None:
            note.set(f"Seat {actor} is free now")
        else:
            note.set(f"Seat {actor}: its link is {seat_link(code, actor, token)}")

    left = data["seconds_left"]
    with solara.Card(f"Room {code}", classes=["room-monitor"]):
        solara.Text(
            f"{data['scenario']} (seed {data['seed']}): {data['status']}, round {data['round']} "
            f"of {data['rounds']}" + (f", {left:.0f} s left" if left is not None else ""),
            classes=["monitor-status"],
        )
        with solara.Row():
            solara.Button("Start", on_click=lambda: act(service.start), classes=["start-btn"])
            solara.Button("Pause", on_click=lambda: act(service.pause))
            solara.Button("Resume", on_click=lambda: act(service.resume))
            solara.Button("Advance", on_click=lambda: act(service.advance), classes=["advance-btn"])
        solara.DataFrame(seats_frame(data["seats"]), items_per_page=40)
        with solara.Row():
            solara.Select("Seat", values=list(seat_ids), value=seat)
            solara.InputText("Give it to (empty frees it)", value=holder, continuous_update=True)
            solara.Button("Assign", on_click=assign, disabled=not seat.value)
        with solara.Row():
            solara.InputText("Message to the room", value=message, continuous_update=True)
            solara.Button("Send", on_click=lambda: act(service.broadcast, message.value))
        solara.Text(
            f"Class screen (for the projector, no secret in it): {JOIN_PATH}?screen={code}",
            classes=["screen-link"],
        )
        with solara.Card("Messages (all, newest first)", classes=["monitor-messages"]):
            for m in reversed(data["messages"][-MESSAGES_SHOWN:]):
                where = "everyone" if m["to"] == "all" else m["to_name"]
                Line(
                    f"Round {m['round']}, {m['kind']}: {m['sender_name']} to {where}: {m['text']}",
                    classes=["monitor-message"],
                )
            muted = [f"{s['name']} ({s['actor']})" for s in data["seats"] if s["muted"]]
            with solara.Row():
                solara.Select("Seat to mute", values=list(seat_ids), value=mute_seat)
                solara.Button(
                    "Mute",
                    on_click=lambda: act(service.mute, seat_ids.get(mute_seat.value, ""), True),
                    disabled=not mute_seat.value,
                    classes=["mute-btn"],
                )
                solara.Button(
                    "Unmute",
                    on_click=lambda: act(service.mute, seat_ids.get(mute_seat.value, ""), False),
                    disabled=not mute_seat.value,
                )
            if muted:
                solara.Text(f"Muted: {', '.join(muted)}")
        if note.value:
            solara.Info(note.value, classes=["monitor-note"])
        if data["outcome"]:
            solara.Success(f"Outcome: {row_words(data['outcome'])}", classes=["monitor-outcome"])


SEAT_COLUMNS = {
    "actor": "Seat",
    "name": "Name",
    "holder": "Held by",
    "connected": "Connected",
    "moved": "Moved",
    "waiting": "Waited for",
    "moved_by": "Moved by",
}
"""The monitor's seat table: its columns and their headers."""


def seats_frame(seats: list[dict[str, Any]]) -> pd.DataFrame:
    """The monitor's seats as the page shows them: yes/no for true/false, "(free)" for a seat
    nobody holds, nothing where no move was made."""

    def cell(column: str, value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if value is None:
            return "(free)" if column == "holder" else ""
        return str(value)

    return pd.DataFrame(
        [{header: cell(c, s.get(c)) for c, header in SEAT_COLUMNS.items()} for s in seats],
        columns=list(SEAT_COLUMNS.values()),
    )


@solara.component
def DebriefTable(
    service: RoomService,
    key: str,
    picked: tuple[solara.Reactive[str], solara.Reactive[str]] | None = None,
) -> None:
    """All rooms of one scenario beside the agents-only baseline; CSV download. `picked` holds
    the scenario and the room whose timeline is shown, if a parent keeps them across tabs."""
    names = service.scenario_names(key)
    own = (solara.use_reactive(""), solara.use_reactive(""))  # every hook before the early return
    name, room = picked or own
    if not names:
        solara.Info("No room yet.")
        return
    chosen = name.value if name.value in names else names[0]  # rooms came after the first draw
    rows = debrief_rows(service, key, chosen)
    codes = [r["room"] for r in rows if r["room"] != "agents only"]
    with solara.Column(classes=["debrief-table"]):
        solara.Style(DEBRIEF_CSS)
        solara.Select("Scenario", values=names, value=chosen, on_value=name.set)
        solara.DataFrame(page_frame(debrief_frame(rows)), items_per_page=50, scrollable=True)
        solara.FileDownload(
            lambda: to_csv(rows),
            filename=f"debrief-{chosen}.csv",
            label="Download CSV",
            mime_type="text/csv",
        )
        solara.Select("Timeline of room", values=codes, value=room, classes=["timeline-pick"])
        if room.value in codes:
            timeline = service.timeline(key, room.value)
            with solara.Card(
                f"Room {room.value}: moves and messages", classes=["debrief-timeline"]
            ):
                for e in timeline:
                    to = f" to {e['to']}" if e["to"] else ""
                    by = f" [{e['by']}]" if e["by"] not in ("", "agent") else ""
                    Line(
                        f"Round {e['round']}, {e['type']}: {e['who']}{to}{by}: {e['text']}",
                        classes=["timeline-line"],
                    )


def debrief_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The debrief as the page shows it: the same columns as the CSV, every value as readable
    text (facts in words, shares as percentages, "—" where a room has no value)."""
    names = columns(rows)
    return pd.DataFrame([{c: shown(c, t.get(c)) for c in names} for t in map(as_text, rows)])


def page_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The debrief frame with headers in words, without the columns the page leaves to the CSV."""
    shown_frame = frame.drop(columns=[c for c in DEBRIEF_HIDDEN if c in frame.columns])
    return shown_frame.rename(columns=header)
