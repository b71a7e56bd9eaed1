"""The classroom pages without a browser: `solara.render`, clicking widgets, checking the service."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import ipyvuetify as v
import pytest
import solara
import solara.server.starlette  # per-session reactive state, as under the server
from page_helpers import click, play_to_the_end, render, talked_a_little, texts, typed

from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import ScenarioLibrary
from negotiation.web.classroom.editor import ScenarioEditor
from negotiation.web.classroom.student import JoinForm, SeatPage
from negotiation.web.classroom.teacher import RoomMonitor, TeacherPage

REPO = Path(__file__).resolve().parents[1]
SCENARIO = (REPO / "scenarios" / "critical_minerals_2026.yaml").read_text()
KEY = "page-key-0123456789"

assert solara.server.starlette  # imported for its effect


@pytest.fixture
def service(tmp_path: Path) -> RoomService:
    return RoomService.open(tmp_path / "c.db", KEY)


@pytest.fixture
def library(tmp_path: Path) -> ScenarioLibrary:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "critical_minerals_2026.yaml").write_text(SCENARIO)
    shutil.copytree(REPO / "scenarios" / "data", folder / "data")  # the indicators file it names
    return ScenarioLibrary(folder)


def inner_html(node) -> str:
    """The HTML of every `solara.HTML` on the page, joined."""
    out = [getattr(node, "unsafe_innerHTML", None) or ""]
    for child in getattr(node, "children", None) or []:
        if not isinstance(child, str):
            out.append(inner_html(child))
    return " ".join(out)


def eventually(check, timeout: float = 5.0) -> None:
    """Wait for a background re-render (the room watcher runs in a thread)."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("the page did not update")
        time.sleep(0.02)


def test_student_joins_with_a_code_and_takes_a_seat(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"])["code"]
    entered = []
    rc = render(JoinForm(service, "", on_seat=lambda *seat: entered.append(seat)))
    typed(rc, "Join code", "nope42")
    typed(rc, "Your name", "Ana")
    click(rc, "Show free seats")
    assert "unknown join code 'NOPE42'" in texts(rc)
    typed(rc, "Join code", code.lower())
    click(rc, "Show free seats")
    click(rc, "Take Poland")
    ((got_code, actor, token),) = entered
    assert (got_code, actor) == (code, "PL")
    assert service.seat_view(code, "PL", token)["holder"] == "Ana"


def test_seat_page_plays_and_shows_refusals(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"])["code"]
    us = service.take_seat(code, "us", "Ana")["token"]
    pl = service.take_seat(code, "PL", "Ben")["token"]
    service.start(KEY, code)
    rc = render(SeatPage(service, code, "us", us))
    rc.find(v.Textarea).widget.v_model = '{"action": "offer", "terms": {"price_floor": 999}}'
    click(rc, "Send this move")
    assert "Move refused" in texts(rc) and "out of range" in texts(rc)
    for typed_move in (  # bad values are refused inline, never a traceback
        '{"terms": null}',
        '{"terms": {"offtake": NaN}}',
        '{"terms": {"offtake": Infinity}}',
        '{"bilateral": {"states": 5}}',
        '{"bilateral": [{"states": ["PL"]}, {"states": ["PL"]}]}',
        '{"bilateral": [{"states": ["XX"], "terms": {"offtake": 50}}]}',
        '{"action": "offer",',
        "[]",
    ):
        rc.find(v.Textarea).widget.v_model = typed_move
        click(rc, "Send this move")
        assert "Move refused" in texts(rc), typed_move
    assert service.store.moves(code) == []
    click(rc, "Send your agent's suggestion")
    assert [m.actor for m in service.store.moves(code)] == ["us"]
    rc_pl = render(SeatPage(service, code, "PL", pl))
    stance = next(w for w in rc_pl.find(v.Btn).widgets if "stance-bloc" in (w.class_ or ""))
    stance.click()
    assert [m.kind for m in service.store.moves(code)] == ["us", "stance"]
    bad = render(SeatPage(service, code, "PL", us))
    assert "This link does not hold the seat PL" in texts(bad)


def test_a_student_whose_seat_the_teacher_gave_away_can_join_again(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL", "DE"])["code"]
    finn = service.take_seat(code, "PL", "Finn")["token"]
    service.assign_seat(KEY, code, "PL", "Gina")  # the teacher gives Poland to Gina
    entered = []
    page = render(SeatPage(service, code, "PL", finn, on_seat=lambda *a: entered.append(a)))
    shown = texts(page)
    assert "your teacher may have given it to someone else" in shown
    assert "token" not in shown  # no internal words
    typed(page, "Your name", "Finn")
    click(page, "Show free seats")
    click(page, "Take Germany")
    assert [(c, a) for c, a, _ in entered] == [(code, "DE")]


def test_a_student_plays_the_european_parliament_with_its_buttons(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["parliament"])["code"]
    token = service.take_seat(code, "parliament", "Eva")["token"]
    service.start(KEY, code)
    rc = render(SeatPage(service, code, "parliament", token))
    labels = [w.children[0] for w in rc.find(v.Btn).widgets if w.children]
    assert [x for x in labels if x.startswith("Send: ")] == [
        "Send: proceed — your agent's suggestion",
        "Send: suspend the procedure",
    ]
    click(rc, "Send: suspend the procedure")
    moves = service.store.moves(code)
    assert [(m.kind, m.move) for m in moves] == [("parliament", {"procedure": "suspend"})]


def test_teacher_page_needs_the_key_and_opens_a_room(service, library):
    rc = render(TeacherPage(service, library))
    typed(rc, "Teacher's key", "wrong")
    click(rc, "Enter")
    assert "teacher's key" in texts(rc)
    typed(rc, "Teacher's key", KEY)
    click(rc, "Enter")
    rc.find(v.Select, label="Seats for people").widget.v_model = ["us", "DE"]
    click(rc, "Open room")
    (room,) = service.list_rooms(KEY)
    assert room["human_seats"] == 2 and room["scenario"] == "critical_minerals_2026"
    assert f"code {room['code']}" in texts(rc)


def test_monitor_controls_a_room(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"])["code"]
    service.take_seat(code, "us", "Ana")
    rc = render(RoomMonitor(service, KEY, code))
    click(rc, "Start")
    click(rc, "Advance")
    assert service.monitor(KEY, code)["round"] == 2
    eventually(lambda: "round 2" in texts(rc))
    typed(rc, "Message to the room", "Two minutes")
    click(rc, "Send")
    assert service.monitor(KEY, code)["messages"][-1]["text"] == "Two minutes"


def test_editor_shows_problems_at_the_field_and_saves(library: ScenarioLibrary):
    rc = render(ScenarioEditor(library))
    rounds = rc.find(v.TextField, label="Rounds").widget
    rounds.v_model = "0"
    assert "greater than or equal to 1" in str(rc.find(v.TextField, label="Rounds").widget.messages)
    assert rc.find(v.Btn, children=["Save"]).widget.disabled
    rc.find(v.TextField, label="Rounds").widget.v_model = "6"
    assert not rc.find(v.TextField, label="Rounds").widget.messages
    typed(rc, "Save as (a-z, 0-9, _ and -)", "six_rounds")
    click(rc, "Save")
    assert "rounds: 6" in library.text("six_rounds")
    assert "six_rounds" in [f.name for f in library.files()]


def test_editor_shows_states_derived_from_indicators(library: ScenarioLibrary):
    """The default scenario lists no states itself; the form shows the 27 from its data file,
    each field with its derived value, and a typed value overrides it in the file."""
    rc = render(ScenarioEditor(library))
    select = rc.find(v.Select, label="Member state").widget
    assert len(select.items) == 28 and "PL" in select.items  # "defaults" and the 27
    select.v_model = "PL"
    loyalty = rc.find(v.TextField, label="loyalty").widget
    assert 0 <= float(loyalty.v_model) <= 1
    loyalty.v_model = "3"
    assert "less than or equal to 1" in str(rc.find(v.TextField, label="loyalty").widget.messages)
    assert "loyalty: 3" in rc.find(v.Textarea).widget.v_model


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_monitor_and_seat_page_follow_the_clock_without_a_move(tmp_path: Path):
    clock = Clock()
    service = RoomService.open(tmp_path / "c.db", KEY, clock=clock)
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"], time_limit=60)["code"]
    token = service.take_seat(code, "PL", "Ben")["token"]
    service.start(KEY, code)
    monitor = render(RoomMonitor(service, KEY, code))
    seat = render(SeatPage(service, code, "PL", token))
    assert "60 s left" in texts(monitor) and "Time left this round: 60 s" in texts(seat)
    clock.t += 10  # nothing happens in the room: the pages re-read it on their own
    eventually(lambda: "50 s left" in texts(monitor))
    eventually(lambda: "Time left this round: 50 s" in texts(seat))


def test_monitor_assigns_a_seat_and_shows_its_link(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"])["code"]
    rc = render(RoomMonitor(service, KEY, code))
    seat_menu = rc.find(v.Select, label="Seat").widget
    assert "Poland (PL)" in seat_menu.items  # each seat by its name and id
    seat_menu.v_model = "Poland (PL)"
    typed(rc, "Give it to (empty frees it)", "Cem")
    click(rc, "Assign")
    assert f"its link is /classroom?room={code}&seat=PL&token=" in texts(rc)
    token = texts(rc).split("token=")[1].split()[0]
    assert service.seat_view(code, "PL", token)["holder"] == "Cem"
    typed(rc, "Give it to (empty frees it)", "")
    click(rc, "Assign")
    assert "Seat PL is free now" in texts(rc)
    assert service.room_info(code)["seats"][1] == {"actor": "PL", "name": "Poland", "free": True}


def test_the_server_opens_the_classroom_and_prints_the_key_at_start(
    tmp_path: Path, monkeypatch, capsys
):
    from negotiation.web.classroom import service as shared

    monkeypatch.setenv(shared.DB_ENV, str(tmp_path / "start.db"))
    monkeypatch.delenv("NEGOTIATION_TEACHER_KEY", raising=False)
    monkeypatch.delenv(shared.SERVER_ENV, raising=False)
    shared._service.cache_clear()
    try:
        shared.start_with_server()  # not under `solara run`: nothing yet
        assert not (tmp_path / "start.db").exists()
        monkeypatch.setenv(shared.SERVER_ENV, "app.py")
        shared.start_with_server()
        assert (tmp_path / "start.db").exists()
        printed = capsys.readouterr().out
        assert "teacher key (generated; set NEGOTIATION_TEACHER_KEY to choose one): " in printed
        key = printed.rsplit(": ", 1)[1].strip()
        shared.default_service().check_teacher(key)  # the printed key is the key
        shared.start_with_server()
        assert capsys.readouterr().out == ""  # once a process
    finally:
        shared._service.cache_clear()


def test_class_screen_shows_council_map_timeline_clock_and_only_public_talk(tmp_path: Path):
    """The projector's page (``/classroom?screen=CODE``): the round and its clock, the Council
    arithmetic, the map, the timeline and public talk; nothing private, no secret in its link."""
    from negotiation.web.classroom.projector import ProjectorPage

    clock = Clock()
    service = RoomService.open(tmp_path / "c.db", KEY, clock=clock)
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"], time_limit=60)["code"]
    tokens = talked_a_little(
        service, KEY, code, "secret swap, Poland only", "We offer <i>everyone</i> the same"
    )
    rc = render(ProjectorPage(service, code))
    shown = texts(rc)
    assert f"Room {code}: round 1 of 10, running, 60 s left" in shown
    assert "Council arithmetic" in shown and "Member states" in shown
    html = inner_html(rc.find().widget)
    assert "council-title" in html and "neg-tiles" in html
    assert "Poland" in html  # the map's tiles name the states
    assert "United States" in shown and "Round 1" in shown  # the timeline
    assert "We offer <i>everyone</i> the same" in shown and "Five minutes" in shown
    assert "secret swap" not in shown and "secret swap" not in html
    for token in tokens.values():
        assert token not in shown and token not in html
    assert KEY not in shown
    clock.t += 15
    eventually(lambda: "45 s left" in texts(rc))
    rc.close()
    bad = render(ProjectorPage(service, "QQQQQQ"))
    assert "unknown join code" in texts(bad)


def test_class_screen_monitor_and_seat_name_the_outcome_in_words(service: RoomService):
    """Not the engine's id ("bloc_deal_with_defections") but what it means, with the number of
    states that signed with the US (seed 7 of the six-state table: Italy, Poland, Hungary)."""
    from negotiation.web.classroom.projector import ProjectorPage

    small = (REPO / "scenarios" / "small_class.yaml").read_text()
    code = service.create_room(KEY, small, seed=7, humans=["us"])["code"]
    token = service.take_seat(code, "us", "Ana")["token"]
    play_to_the_end(service, KEY, code, "us", token)
    words = (
        "a bloc deal with defections (the EU and the US signed one agreement, and 3 states also "
        "signed a bilateral deal with the US)"
    )
    screen = texts(render(ProjectorPage(service, code)))
    assert f"The game is over: {words}." in screen and "bloc_deal" not in screen
    monitor = texts(render(RoomMonitor(service, KEY, code)))
    assert f"Outcome: {words}" in monitor and "bloc_deal" not in monitor
    seat = texts(render(SeatPage(service, code, "us", token)))
    assert f"Outcome: {words} in round 10." in seat
    assert "99999" not in seat and "00000" not in seat  # the deal's terms without float noise


def test_the_seats_outcome_gives_the_deal_in_words():
    from negotiation.web.classroom.student import deal_words

    issues = {"price_floor": {"label": "Price floor", "unit": "$/kg"}, "offtake": {"label": "Offtake", "unit": "%"}}  # fmt: skip
    row = {"deal_price_floor": 109.99999999999999, "deal_offtake": 55.0, "deal_territorial_clause": True}  # fmt: skip
    assert (
        deal_words(row, issues) == "price floor 110 $/kg, offtake 55 %, the territorial clause in"
    )
    assert deal_words({"deal_price_floor": None, "deal_territorial_clause": None}, issues) == ""


def shown_as(rc, css_class: str) -> list:
    """The widgets carrying `css_class`."""
    return [w for w in rc.find(v.Html).widgets if css_class in (w.class_ or "").split()]


def test_seat_page_shows_each_log_entry_and_message_on_its_own_line(service: RoomService):
    """Consecutive `solara.Text`s are spans: without `display: block` the entries ran together
    into one paragraph ("...at the bloc table). [human]Round 1: The US offers...")."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"])["code"]
    us = service.take_seat(code, "us", "Ana")["token"]
    pl = service.take_seat(code, "PL", "Ben")["token"]
    service.start(KEY, code)
    service.submit_move(code, "us", us, service.seat_view(code, "us", us)["decision"]["agent_move"])
    service.send_message(code, "us", us, "PL", "a deal?")
    service.send_message(code, "us", us, "all", "to all")
    rc = render(SeatPage(service, code, "PL", pl))
    lines = shown_as(rc, "log-line") + shown_as(rc, "talk-line")
    assert len(shown_as(rc, "log-line")) >= 1 and len(shown_as(rc, "talk-line")) == 2
    for line in lines:
        assert "display:block" in (line.style_ or "").replace(" ", ""), line.children


def test_one_click_buttons_say_they_send_and_mark_the_agents_suggestion(service: RoomService):
    """A stance or vote button sends at once: its label says so, unlike a choice above
    "Send this move" ("bilateral (0.67)" looked like an option to pick first)."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["PL"])["code"]
    token = service.take_seat(code, "PL", "Ben")["token"]
    service.start(KEY, code)
    rc = render(SeatPage(service, code, "PL", token))
    stances = [w.children[0] for w in rc.find(v.Btn).widgets if "stance-" in (w.class_ or "")]
    assert stances == [
        "Send: bloc (0.74) — your agent's suggestion",
        "Send: bilateral (0.68)",
    ]
    click(rc, "Send: bilateral (0.68)")
    assert [m.move for m in service.store.moves(code)] == [{"stance": "bilateral"}]


def test_the_commission_accepts_the_us_offer_with_one_button(service: RoomService):
    """Its prompt says "If you accept the US offer: ..."; the page had no way to accept but JSON."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["commission"])["code"]
    token = service.take_seat(code, "commission", "Eva")["token"]
    service.start(KEY, code)
    view = service.seat_view(code, "commission", token)
    assert view["decision"]["kind"] == "commission" and view["decision"]["info"]["us_offer"]
    rc = render(SeatPage(service, code, "commission", token))
    click(rc, "Send: accept the US offer")
    assert "Move refused" not in texts(rc)
    (move,) = [m for m in service.store.moves(code) if m.kind == "commission"]
    assert move.move == {"action": "accept", "payments": {"HU": 0.015}}


def test_seat_page_names_the_seats_not_their_ids(service: RoomService):
    """ "Your move: stance", "Waiting for: DE, PL." and a "To" list of ids were the engine's ids."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "DE", "PL"])["code"]
    tokens = {a: service.take_seat(code, a, f"student {a}")["token"] for a in ("us", "DE", "PL")}
    service.start(KEY, code)
    us = render(SeatPage(service, code, "us", tokens["us"]))
    assert "United States, your move: the US offer" in texts(us)
    click(us, "Send your agent's suggestion")
    eventually(lambda: "Waiting for: Germany, Poland." in texts(us))
    pl = render(SeatPage(service, code, "PL", tokens["PL"]))
    assert "Poland, your move: your stance" in texts(pl)
    to = pl.find(v.Select, label="To").widget
    assert to.items[0] == {"text": "everyone", "value": "all"}
    assert {"text": "Germany", "value": "DE"} in to.items
    to.v_model = "DE"
    typed(pl, "Message", "a swap?")
    click(pl, "Send message")
    eventually(lambda: "Poland to Germany: a swap?" in texts(pl))


def slider(rc, label_start: str):
    (found,) = [w for w in rc.find(v.Slider).widgets if w.label.startswith(label_start)]
    return found


def test_package_sliders_say_their_values_and_the_box_shows_no_float_noise(service: RoomService):
    """The sliders showed no numbers, and the JSON box the agent's floats with their noise
    ("stockpile": 10.600000000000001)."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us"])["code"]
    token = service.take_seat(code, "us", "Ana")["token"]
    service.start(KEY, code)
    rc = render(SeatPage(service, code, "us", token))
    box = rc.find(v.Textarea).widget
    assert "0000000" not in box.v_model and "9999999" not in box.v_model
    assert '"price_floor": 110.0' in box.v_model
    assert slider(rc, "Price floor").label == "Price floor: 110.0 $/kg (0 to 150)"
    slider(rc, "Joint stockpile").v_model = 0.2 * 53  # 10.600000000000001
    assert json.loads(rc.find(v.Textarea).widget.v_model)["terms"]["stockpile"] == 10.6
    assert slider(rc, "Joint stockpile").label.startswith("Joint stockpile: 10.6 ")


def test_a_typed_number_is_sent_as_typed(service: RoomService):
    """The slider (step 1.5) snaps a typed price floor of 20 to 19.5 and says so: that must not
    rewrite the box nor the move (it was sent as 19.5)."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us"])["code"]
    token = service.take_seat(code, "us", "Ana")["token"]
    service.start(KEY, code)
    rc = render(SeatPage(service, code, "us", token))
    move = json.loads(rc.find(v.Textarea).widget.v_model)
    move["terms"]["price_floor"] = 20
    typed_text = json.dumps(move)
    rc.find(v.Textarea).widget.v_model = typed_text
    slider(rc, "Price floor").v_model = 19.5  # what the browser's slider does with 20
    assert rc.find(v.Textarea).widget.v_model == typed_text
    slider(rc, "Price floor").v_model = 30.0  # a move of the slider is one
    assert json.loads(rc.find(v.Textarea).widget.v_model)["terms"]["price_floor"] == 30.0
    rc.find(v.Textarea).widget.v_model = typed_text
    click(rc, "Send this move")
    (sent,) = service.store.moves(code)
    assert sent.move["terms"]["price_floor"] == 20


def test_a_pause_keeps_the_unsent_move_and_says_the_game_is_paused(service: RoomService):
    """The move panel went away during a pause and came back with the agent's suggestion (the
    student's slider back where it was), and the page said "Waiting for: the next phase."."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us"])["code"]
    token = service.take_seat(code, "us", "Ana")["token"]
    service.start(KEY, code)
    rc = render(SeatPage(service, code, "us", token))
    slider(rc, "Joint stockpile").v_model = 0.0
    assert json.loads(rc.find(v.Textarea).widget.v_model)["terms"]["stockpile"] == 0
    service.pause(KEY, code)
    eventually(lambda: "The teacher has paused the game." in texts(rc))
    assert "Waiting for" not in texts(rc)
    service.resume(KEY, code)
    eventually(lambda: "your move" in texts(rc))
    assert json.loads(rc.find(v.Textarea).widget.v_model)["terms"]["stockpile"] == 0
    assert slider(rc, "Joint stockpile").v_model == 0


def test_enter_in_the_join_form_shows_the_free_seats(service: RoomService):
    """Enter in "Your name" did nothing: only the button looked the seats up."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us", "PL"])["code"]
    rc = render(JoinForm(service, code, on_seat=lambda *seat: None))
    typed(rc, "Your name", "Ana")
    rc.find(v.TextField, label="Your name").widget.fire_event("keyup.enter", {})
    assert "Take Poland" in texts(rc)


def test_editor_shows_and_takes_a_private_range(library: ScenarioLibrary):
    """A private walk-away reads '0.5 to 0.7' and a range typed so is kept (from the teacher's
    audit of 5 Dec 2026: it read as Python text and a typed range was refused as text)."""
    rc = render(ScenarioEditor(library))
    field = rc.find(v.TextField, label="us.reservation").widget
    assert field.v_model == "0.5 to 0.7"
    field.v_model = "0.5 to 0.8"
    assert not rc.find(v.TextField, label="us.reservation").widget.messages
    assert "high: 0.8" in rc.find(v.Textarea).widget.v_model
    rc.find(v.TextField, label="us.reservation").widget.v_model = "0.9 to 0.8"
    assert rc.find(v.TextField, label="us.reservation").widget.messages
