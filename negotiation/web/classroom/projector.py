"""The class screen: a read-only page for the projector, ``/classroom?screen=CODE``.

It shows the room's round and clock, the live Council arithmetic, the map of member states, the
timeline of moves and the public messages (statements and the teacher's announcements). Its link
holds only the join code, which the class sees anyway: no token, no teacher's key, and nothing
private (private messages stay between their two seats and the teacher).

The Council and the map are drawn by the browser app's own panels (`council_view`,
`council_html`, `tiles_html`) from the room's model, held still while they read it.
"""

from __future__ import annotations

import logging
from typing import Any

import solara

from negotiation.classroom import talk
from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.readable import row_words
from negotiation.classroom.rooms import RoomService
from negotiation.web.classroom.blocks import Line
from negotiation.web.classroom.live import use_room_version

CLOCK_SECONDS = 1.0
TIMELINE_SHOWN = 20
log = logging.getLogger("negotiation.classroom")


def _panels(model: Any) -> dict[str, str | None]:
    """The Council and map panels as HTML (None if the browser app cannot draw them now)."""
    out: dict[str, str | None] = {"council": None, "map": None}
    try:
        from negotiation.web.panels.council import council_html, council_view

        view = council_view(model)
        out["council"] = council_html(*view) if view is not None else ""
    except Exception:  # the browser app's panels change with the engine; never fail the screen
        log.exception("Classroom screen: the Council panel could not be drawn")
    try:
        from negotiation.web.tilemap import tiles_html

        out["map"] = tiles_html(model)
    except Exception:
        log.exception("Classroom screen: the map could not be drawn")
    return out


@solara.component
def ProjectorPage(service: RoomService, code: str) -> None:
    """Everything the class should see on the big screen, kept live."""
    try:
        screen: dict[str, Any] | None = service.screen(code)
    except ClassroomError as err:
        screen, problem = None, str(err)
    timed = bool(screen) and screen["status"] == "running" and screen["seconds_left"] is not None
    # every hook before any early return (rules of hooks)
    use_room_version(service, code if screen else None, refresh=CLOCK_SECONDS if timed else None)
    if screen is None:
        solara.Error(problem, classes=["classroom-error"])
        return
    panels = service.read_game(code, _panels)
    lines = service.read_game(code, lambda model: _timeline(model))
    waiting = service.read_game(
        code, lambda model: [model.actor_name(a) for a in screen["waiting_for"]]
    )
    with solara.Column(classes=["projector"]):
        clock = f", {screen['seconds_left']:.0f} s left" if timed else ""
        solara.Text(
            f"Room {screen['code']}: round {screen['round']} of {screen['rounds']}, "
            f"{screen['status']}{clock}",
            classes=["projector-heading"],
            style={"font-size": "1.8em", "font-weight": "bold"},
        )
        if screen["outcome"]:
            solara.Success(
                f"The game is over: {row_words(screen['outcome'])}.", classes=["projector-outcome"]
            )
        elif screen["waiting_for"]:
            solara.Text(f"Waiting for: {', '.join(waiting)}", classes=["projector-waiting"])
        with solara.Columns([1, 1]):
            with solara.Card("Council arithmetic", classes=["projector-council"]):
                if panels["council"]:
                    solara.HTML(tag="div", unsafe_innerHTML=panels["council"])
                else:
                    solara.Text("No package yet.")
            with solara.Card("Member states", classes=["projector-map"]):
                if panels["map"]:
                    solara.HTML(tag="div", unsafe_innerHTML=panels["map"])
        with solara.Columns([1, 1]):
            with solara.Card("Timeline (newest first)", classes=["projector-timeline"]):
                for line in reversed(lines[-TIMELINE_SHOWN:]):
                    Line(line, classes=["projector-line"])
            with solara.Card("Statements and announcements", classes=["projector-messages"]):
                for m in reversed(screen["messages"][-TIMELINE_SHOWN:]):
                    where = "" if m["to"] == talk.EVERYONE else f" to {m['to_name']}"
                    Line(f"{m['sender_name']}{where}: {m['text']}", classes=["projector-message"])


def _timeline(model: Any) -> list[str]:
    return [f"Round {m.round}: {m.actor_name}: {m.why}" for m in model.moves]
