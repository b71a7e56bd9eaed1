"""What the classroom's page tests share: rendering a Solara page without a browser, clicking and
typing in it, reading its text, a room where the seats have moved and talked, and a room played to
the end by one seat's agent moves."""

from __future__ import annotations

from typing import Any

import ipyvuetify as v
import solara

from negotiation.classroom.rooms import RoomService


def render(element: Any) -> Any:
    _, rc = solara.render(element, handle_error=False)
    return rc


def click(rc: Any, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def typed(rc: Any, label: str, text: str) -> None:
    rc.find(v.TextField, label=label).widget.v_model = text


def texts(rc: Any) -> str:
    """Every text on the page, joined."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            out.append(node)
            return
        for attr in ("value", "v_model"):
            if isinstance(getattr(node, attr, None), str) and getattr(node, attr) != "!!disabled!!":
                out.append(getattr(node, attr))
        for child in getattr(node, "children", None) or []:
            walk(child)

    walk(rc.find().widget)
    return " ".join(out)


def play_to_the_end(service: RoomService, key: str, code: str, seat: str, token: str) -> None:
    """Start the room and play it to the end: the seat sends its agent's suggestions, and the
    teacher advances whenever the seat has nothing to decide."""
    service.start(key, code)
    while service.monitor(key, code)["status"] != "finished":
        decision = service.seat_view(code, seat, token)["decision"]
        if decision:
            service.submit_move(code, seat, token, decision["agent_move"])
        else:
            service.advance(key, code)


def talked_a_little(
    service: RoomService, key: str, code: str, private: str, public: str
) -> dict[str, str]:
    """Start a room whose seats for people are the US and Poland, taken: the US sends its
    agent's move, Poland a `private` message to the US, the US a `public` statement, and the
    teacher announces "Five minutes". Returns the seats' tokens."""
    tokens = {a: service.take_seat(code, a, f"student {a}")["token"] for a in ("us", "PL")}
    service.start(key, code)
    view = service.seat_view(code, "us", tokens["us"])
    service.submit_move(code, "us", tokens["us"], view["decision"]["agent_move"])
    service.send_message(code, "PL", tokens["PL"], "us", private)
    service.send_message(code, "us", tokens["us"], "all", public)
    service.broadcast(key, code, "Five minutes")
    return tokens
