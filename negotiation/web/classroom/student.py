"""The student's page: join a room with its code, take a free seat, and play that seat.

The seat's link carries the room code, the seat and its secret token in the query string
(``?room=K7QX2M&seat=PL&token=...``), so opening it again (after closing the tab, or on another
device) gives the same seat back. Moves are the engine's move dicts, the same a test bot sends.

A seat talks to the others in the "Talk" card: a private message to one seat or a statement to
everyone; seats played by their agents answer with a short automatic line. Every text a person
typed is shown as text (Solara escapes it), never as HTML. ``?screen=CODE`` is the class screen
(`ProjectorPage`), which needs no secret. Every refusal shows inline, never as a traceback.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import solara
from solara.components.input import use_change

from negotiation.classroom import checks, talk
from negotiation.classroom.errors import ClassroomError, NotAllowed
from negotiation.classroom.readable import row_words, tidy
from negotiation.classroom.rooms import RoomService
from negotiation.issues import CLAUSE
from negotiation.move_dicts import without_noise
from negotiation.moves import IllegalMove
from negotiation.web.classroom.live import page_client, use_room_version
from negotiation.web.classroom.projector import ProjectorPage

CLOCK_SECONDS = 1.0
"""How often a seat's page shows the seconds left while a round's clock runs."""
LOG_SHOWN = 12
ENTER = ["keyup.enter"]
LINE = {"display": "block"}
"""A log entry's or a message's text is a line of its own, not a span run into the next one."""


@solara.component
def StudentPage(service: RoomService) -> None:
    """Join form, or the seat named in the page's link."""
    router = solara.use_router()
    query = {k: v[0] for k, v in parse_qs(router.search or "").items()}

    def enter_seat(code: str, actor: str, token: str) -> None:
        router.push(f"{router.path}?{urlencode({'room': code, 'seat': actor, 'token': token})}")

    if query.get("screen"):
        ProjectorPage(service, query["screen"])
    elif query.get("room") and query.get("seat") and query.get("token"):
        SeatPage(service, query["room"], query["seat"], query["token"], on_seat=enter_seat)
    else:
        JoinForm(service, query.get("room", ""), on_seat=enter_seat)


@solara.component
def JoinForm(service: RoomService, code: str = "", on_seat: Any = None) -> None:
    """Code and name, then the free seats to pick from."""
    code_in = solara.use_reactive(code)
    name = solara.use_reactive("")
    seats: solara.Reactive[list[dict[str, str]] | None] = solara.use_reactive(None)
    error = solara.use_reactive("")

    def look() -> None:
        try:
            seats.set(service.join(code_in.value, name.value, page_client()))
            error.set("")
        except ClassroomError as err:
            seats.set(None)
            error.set(str(err))

    def take(actor: str) -> None:
        client = page_client()
        try:
            seat = service.take_seat(code_in.value, actor, name.value, client, client)
        except ClassroomError as err:
            error.set(str(err))
            look()
            return
        on_seat(code_in.value.strip().upper(), seat["actor"], seat["token"])

    with solara.Card("Join a classroom game", classes=["classroom-join"]):
        # Enter in either field shows the free seats, as the button does
        code_field = solara.InputText("Join code", value=code_in, continuous_update=True)
        use_change(code_field, lambda v: (code_in.set(v or ""), look()), update_events=ENTER)
        name_field = solara.InputText("Your name", value=name, continuous_update=True)
        use_change(name_field, lambda v: (name.set(v or ""), look()), update_events=ENTER)
        solara.Button("Show free seats", on_click=look, color="primary")
        if error.value:
            solara.Error(error.value, classes=["classroom-error"])
        if seats.value is not None:
            if not seats.value:
                solara.Warning("No seat is free in this room; ask your teacher.")
            with solara.Row(style={"flex-wrap": "wrap"}):
                for seat in seats.value:
                    solara.Button(
                        f"Take {seat['name']}",
                        on_click=lambda a=seat["actor"]: take(a),
                        classes=["take-seat"],
                        outlined=True,
                    )


@solara.component
def SeatPage(service: RoomService, code: str, actor: str, token: str, on_seat: Any = None) -> None:
    """The seat's view of the game: the decision to make now, the log and the teacher's news.
    A link that does not hold its seat (the teacher gave the seat to someone else, or the link
    is another seat's) says so in plain words and offers the join form again."""
    view: dict[str, Any] | None = None
    lost = False
    try:
        view = service.seat_view(code, actor, token)
    except NotAllowed:
        lost = True
        error = (
            f"This link does not hold the seat {actor}: your teacher may have given it to "
            "someone else, or the link is another seat's. Join the room again below, or ask your "
            "teacher for a new link."
        )
    except ClassroomError as err:
        error = str(err)
    timed = view is not None and view["status"] == "running" and view["seconds_left"] is not None

    def beat() -> None:
        service.heartbeat(code, actor, token)

    # re-render when the room changes, and every second while the round's clock runs
    use_room_version(
        service,
        code,
        refresh=CLOCK_SECONDS if timed else None,
        beat=beat,
        beat_key=(actor, token),
    )
    drafts: dict[str, str] = solara.use_memo(dict, [])  # the move panel's unsent JSON, by decision
    if view is None:
        solara.Error(error, classes=["classroom-error"])
        if lost:
            JoinForm(service, code, on_seat=on_seat)
        return
    with solara.Column(classes=["seat-page"]):  # a fixed parent keeps the move panel's state
        solara.Text(
            f"Room {view['code']}: you are {view['name']} ({view['holder']}). "
            f"Round {view['round']} of {view['rounds']}, {view['status']}.",
            classes=["seat-header"],
        )
        if view["seconds_left"] is not None and view["status"] == "running":
            solara.Text(f"Time left this round: {view['seconds_left']:.0f} s")
        news = [m for m in view["messages"] if m["kind"] == "announcement"]
        for message in news[-3:]:
            solara.Info(f"Teacher: {message['text']}", classes=["teacher-message"])
        if view["outcome"]:
            Outcome(view["outcome"], view["issues"])
        elif view["decision"]:
            decision = view["decision"]
            MovePanel(service, view, token, drafts).key(draft_key(decision))
        else:
            waiting = ", ".join(seat_names(view, view["waiting_for"])) or "the next phase"
            if view["status"] == "open":
                solara.Info("Waiting for the teacher to start the game.", classes=["seat-waiting"])
            elif view["status"] == "paused":
                solara.Info("The teacher has paused the game.", classes=["seat-waiting"])
            else:
                done = "You have moved this round. " if view["moved_this_round"] else ""
                solara.Info(f"{done}Waiting for: {waiting}.", classes=["seat-waiting"])
        TalkCard(service, view, token)
        with solara.Card("What happened (newest first)"):
            for move in reversed(view["log"][-LOG_SHOWN:]):
                by = "" if move["by"] == "agent" else f" [{move['by']}]"
                solara.Text(
                    f"Round {move['round']}: {move['why']}{by}", classes=["log-line"], style=LINE
                )


def seat_names(view: dict[str, Any], seats: list[str]) -> list[str]:
    """The seats' names ("Germany", not "DE"), as the view gives them."""
    names = view.get("seat_names") or {}
    return [names.get(s, s) for s in seats]


MOVE_WORDS = {
    "us": "the US offer",
    "commission": "the Commission's answer to the US",
    "china": "China's pressure and inducements",
    "stance": "your stance",
    "vote": "your vote in the Council",
    "consent": "the Parliament's consent",
    "parliament": "the Parliament's consent procedure",
}
"""What each kind of decision asks for, in the move panel's title."""


@solara.component
def Outcome(outcome: dict[str, Any], issues: dict[str, dict[str, Any]]) -> None:
    with solara.Card("The game is over", classes=["seat-outcome"]):
        when = f" in round {outcome['agreement_round']}" if outcome["agreement_round"] else ""
        solara.Text(f"Outcome: {row_words(outcome)}{when}.")
        terms = deal_words(outcome, issues)
        if terms:
            solara.Text(f"Deal: {terms}.")


def deal_words(outcome: dict[str, Any], issues: dict[str, dict[str, Any]]) -> str:
    """The bloc deal's terms in words ("price floor 110 $/kg, ..., the territorial clause
    in"), or "" without a bloc deal."""
    parts = []
    for key, issue in issues.items():
        value = tidy(f"deal_{key}", outcome.get(f"deal_{key}"))
        if value is not None:
            parts.append(f"{issue['label'].lower()} {value} {issue['unit']}".strip())
    clause = outcome.get(f"deal_{CLAUSE}")
    if clause is not None:
        parts.append(f"the territorial clause {'in' if clause else 'out'}")
    return ", ".join(parts)


QUICK: dict[str, tuple[str, dict[str, str]]] = {
    "vote": ("vote", {"yes": "vote yes", "no": "vote no"}),
    "consent": ("consent", {"yes": "give consent", "no": "refuse consent"}),
    "parliament": ("procedure", {"proceed": "proceed", "suspend": "suspend the procedure"}),
}
"""Decisions answered with one button: the move's field and {answer: what the button sends}."""
SUGGESTED = " — your agent's suggestion"


def send_label(words: str, suggested: bool) -> str:
    """A one-click button's label: it sends at once, so it says so ("Send: vote yes"), and marks
    the agent's suggestion."""
    return f"Send: {words}{SUGGESTED if suggested else ''}"


def accept_move(agent_move: Any) -> dict[str, Any]:
    """The Commission's move accepting the US offer on the table, with the EU funds its agent
    would promise (the engine takes the offer's terms from the table, not from the move)."""
    payments = agent_move.get("payments") if isinstance(agent_move, dict) else None
    return {"action": "accept", "payments": payments or {}}


def draft_key(decision: dict[str, Any]) -> str:
    """Which decision a draft of the move is for: its round and kind (a pause hides the decision;
    after it, the same decision comes back, with the draft)."""
    return f"{decision['round']}-{decision['kind']}"


@solara.component
def MovePanel(
    service: RoomService, view: dict[str, Any], token: str, drafts: dict[str, str] | None = None
) -> None:
    """Ask for the seat's move: quick choices for stances and votes, sliders for packages and
    pressure, and the move as JSON for anything else the engine accepts. The unsent JSON is kept
    in `drafts` (the seat page's), so that it outlives the panel while the teacher pauses."""
    decision = view["decision"]
    drafts = {} if drafts is None else drafts
    key = draft_key(decision)
    error = solara.use_reactive("")
    text = solara.use_reactive(
        drafts.get(key, json.dumps(without_noise(decision["agent_move"]))),
        on_change=lambda t: drafts.__setitem__(key, t),
    )

    def send(move: Any) -> None:
        try:
            service.submit_move(
                view["code"],
                view["actor"],
                token,
                move,
                answers={"round": decision["round"], "kind": decision["kind"]},
            )
            drafts.pop(key, None)
            error.set("")
        except (ClassroomError, IllegalMove) as err:
            error.set(f"Move refused: {err}")

    def send_text() -> None:
        try:
            move = checks.parse_json(text.value)
        except ClassroomError as err:
            error.set(f"Move refused: {err}")
            return
        send(move)

    with solara.Card(
        f"{view['name']}, your move: {MOVE_WORDS.get(decision['kind'], decision['kind'])}",
        classes=["move-panel", f"decision-{decision['round']}-{decision['kind']}"],
    ):
        solara.Text(decision["prompt"], style={"white-space": "pre-wrap"})
        kind, info = decision["kind"], decision["info"]
        with solara.Row(style={"flex-wrap": "wrap"}):
            if kind == "stance":
                for stance, value in info["values"].items():
                    suggested = decision["agent_move"].get("stance") == stance
                    solara.Button(
                        send_label(f"{stance} ({value:.2f})", suggested),
                        on_click=lambda s=stance: send({"stance": s}),
                        classes=[f"stance-{stance}"],
                        color="primary",
                    )
            elif kind in QUICK:
                field, labels = QUICK[kind]
                for answer, words in labels.items():
                    solara.Button(
                        send_label(words, decision["agent_move"].get(field) == answer),
                        on_click=lambda a=answer: send({field: a}),
                        classes=[f"{field}-{answer}"],
                        color="primary",
                    )
            else:
                if kind == "commission" and info.get("us_offer") is not None:
                    solara.Button(
                        send_label("accept the US offer", suggested=False),
                        on_click=lambda: send(accept_move(decision["agent_move"])),
                        classes=["commission-accept"],
                        color="primary",
                    )
                solara.Button(
                    "Send your agent's suggestion",
                    on_click=lambda: send(decision["agent_move"]),
                    classes=["send-suggestion"],
                    color="primary",
                )
        if kind in ("us", "commission", "china"):
            PackageInputs(decision, view["issues"], text)
        solara.InputTextArea("The move (JSON)", value=text, rows=3, continuous_update=True)
        solara.Button("Send this move", on_click=send_text, classes=["send-move"], outlined=True)
        if error.value:
            solara.Error(error.value, classes=["move-error"])


def step_decimals(step: float) -> int:
    """The decimals a slider's step needs (1.5 -> 1, 0.01 -> 2, 1 -> 0)."""
    return next((d for d in range(7) if abs(round(step, d) - step) < 1e-9), 6)


@solara.component
def PackageInputs(decision: dict[str, Any], issues: dict[str, Any], text: solara.Reactive) -> None:
    """Sliders in real units that edit the move's terms (or China's pressure) in `text`; each
    says its value, unit and range. A slider's move puts its value, on its step, in the box; a
    number typed in the box stays as typed (the slider only shows it, on its step)."""
    try:
        move = checks.parse_json(text.value)
    except ClassroomError:
        return
    if not isinstance(move, dict):
        return

    def put(path: tuple[str, ...], value: float, now: float, low: float, high: float, step: float):
        if abs(value - min(high, max(low, now))) <= step / 2 + 1e-9:
            return  # the slider snapping the box's value to its step or range: not a move
        updated = json.loads(text.value)
        target = updated
        for key in path[:-1]:
            target = target.setdefault(key, {})
        snapped = low + round((value - low) / step) * step
        target[path[-1]] = round(snapped, step_decimals(step))
        text.set(json.dumps(updated))

    if not isinstance(move.get("terms", {}), dict):
        return

    if decision["kind"] == "china":
        pressure = move.get("pressure", 0.0)
        if isinstance(pressure, bool) or not isinstance(pressure, int | float):
            return
        solara.SliderFloat(
            f"Export-control pressure: {pressure:.2f} (0 to 1)",
            value=min(1.0, max(0.0, float(pressure))),
            min=0.0,
            max=1.0,
            step=0.01,
            on_value=lambda v, now=pressure: put(("pressure",), v, now, 0.0, 1.0, 0.01),
        )
        return
    for issue, value in (move.get("terms") or {}).items():
        spec = issues.get(issue)
        if spec is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue  # the JSON box shows it; the move's check words the problem
        low, high = spec["low"], spec["high"]
        step = (high - low) / 100
        shown = f"{value:.{step_decimals(step)}f} {spec['unit']}".strip()
        solara.SliderFloat(
            f"{spec['label']}: {shown} ({low:g} to {high:g})",
            value=float(value),
            min=low,
            max=high,
            step=step,
            on_value=lambda v, i=issue, now=value, lo=low, hi=high, st=step: put(
                ("terms", i), v, now, lo, hi, st
            ),
        )
    if "terms" in move:
        solara.Switch(
            label="Territorial-integrity clause in",
            value=bool(move.get("clause", True)),
            on_value=lambda v: put_clause(text, v),
        )


def put_clause(text: solara.Reactive, value: bool) -> None:
    updated = json.loads(text.value)
    updated["clause"] = value
    text.set(json.dumps(updated))


@solara.component
def TalkCard(service: RoomService, view: dict[str, Any], token: str) -> None:
    """The seat's conversation (private messages with it, statements to everyone) and a form to
    write to one seat or to everyone. Shown as plain text."""
    to = solara.use_reactive(talk.EVERYONE)
    text = solara.use_reactive("")
    note = solara.use_reactive("")
    others = [a for a in view.get("seats", []) if a != view["actor"]]

    def send() -> None:
        try:
            service.send_message(
                view["code"], view["actor"], token, to.value, text.value, page_client()
            )
        except ClassroomError as err:
            note.set(f"Not sent: {err}")
            return
        note.set("")
        text.set("")

    talk_lines = [m for m in view["messages"] if m["kind"] != "announcement"]
    with solara.Card("Talk", classes=["talk-card"]):
        for m in talk_lines[-12:]:
            where = "to everyone" if m["to"] == talk.EVERYONE else f"to {m['to_name']}"
            solara.Text(
                f"{m['sender_name']} {where}: {m['text']}",
                classes=["talk-line", f"talk-{m['kind']}"],
                style=LINE,
            )
        if view.get("muted"):
            solara.Warning("The teacher has muted your messages.", classes=["talk-muted"])
            return
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            choices = [{"text": "everyone", "value": talk.EVERYONE}] + [
                {"text": name, "value": seat}
                for seat, name in zip(others, seat_names(view, others), strict=True)
            ]
            solara.Select("To", values=choices, value=to, classes=["talk-to"])
            solara.InputText("Message", value=text, continuous_update=True, classes=["talk-text"])
            solara.Button("Send message", on_click=send, classes=["talk-send"], outlined=True)
        if note.value:
            solara.Error(note.value, classes=["talk-error"])
