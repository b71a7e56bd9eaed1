"""The classroom in Chromium: a teacher and three students, each in a browser context of their own,
play a whole game of the six-state scenario to the debrief.

The teacher enters the key, opens a room with three seats for people (the US, Germany, Poland) and
reads its join code and link; one student comes by the join link, one types the code, and one gets
a seat the teacher assigns, by its seat link. The monitor shows who holds which seat. The teacher
starts the room, pauses it, sends a message and resumes; a student closes the tab and opens the same
link on another device (a new context) to the same seat; the teacher advances a round (an idle seat
played by its agent); then the students send their agents' prefilled suggestions to the end.
At the end the students see the outcome and the teacher's monitor and debrief show it (with the
agents-only baseline, and as CSV). Refusals: a wrong join code, a wrong seat token, the teacher's
page without the key (or with a wrong one) shows nothing of the rooms.

The server is the session's `app_server` (see conftest: a temporary database and a known teacher's
key, in `solara_server_env`). Every step waits for the page to show its effect, never a fixed time.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

SCENARIO = "small_class"
SEATS = {"us": "United States", "DE": "Germany", "PL": "Poland"}
MAX_MOVES = 60
MENU_ITEM = ".v-menu__content.menuable__content__active .v-list-item"


def exact(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


def new_page(new_context) -> Page:
    ctx: BrowserContext = new_context()
    return ctx.new_page()


# --------------------------------------------------------------------------- teacher


def teacher_signs_in(page: Page, key: str) -> None:
    page.get_by_label("Teacher's key").fill(key)
    page.get_by_role("button", name="Enter").click()


def open_room(page: Page, seats: list[str]) -> tuple[str, str]:
    """Open a room of `SCENARIO` with `seats` for people; returns its join code and link."""
    page.locator(".open-room .v-select").filter(has_text="Scenario").click()
    page.locator(MENU_ITEM).filter(has_text=exact(SCENARIO)).click()
    expect(page.locator(".open-room .v-select").filter(has_text="Scenario")).to_contain_text(
        SCENARIO
    )
    humans = page.locator(".open-room .v-select").filter(has_text="Seats for people")
    humans.click()
    for n, seat in enumerate(seats, 1):  # one at a time: the menu moves as the field fills
        page.locator(MENU_ITEM).filter(has_text=exact(seat)).click()
        expect(humans).to_contain_text(", ".join(seats[:n]))
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Open room").click()
    opened = page.locator(".room-opened")
    expect(opened).to_contain_text("students join with code")
    found = re.search(r"code ([A-Z2-9]{6}) or the link (\S+)", opened.inner_text())
    assert found, opened.inner_text()
    code, link = found.groups()
    expect(page.locator(".room-monitor")).to_contain_text(f"Room {code}")
    return code, link


def monitor_row(page: Page, actor: str):
    return page.locator(".room-monitor tbody tr").filter(has=page.get_by_role("cell", name=actor))


def assign_seat(page: Page, actor: str, name: str) -> str:
    """The teacher gives `actor` to `name`; returns the seat's link shown to hand out."""
    page.locator(".room-monitor .v-select").filter(has_text=re.compile(r"^Seat$")).click()
    page.locator(MENU_ITEM).filter(has_text=f"({actor})").click()  # "Poland (PL)"
    page.get_by_label("Give it to (empty frees it)").fill(name)
    page.get_by_role("button", name="Assign").click()
    note = page.locator(".monitor-note")
    expect(note).to_contain_text(f"Seat {actor}: its link is /classroom?")
    link = note.inner_text().rsplit(" ", 1)[-1]
    assert f"seat={actor}&token=" in link, link
    return link


# --------------------------------------------------------------------------- students


def take_seat(page: Page, name: str, seat_name: str, code: str | None = None) -> None:
    """On the join form: (type the code), the name, the free seats, take `seat_name`."""
    if code is not None:
        page.get_by_label("Join code").fill(code)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Show free seats").click()
    # an earlier error goes as the seats come: let the form settle before clicking a seat
    expect(page.locator(".classroom-error")).to_have_count(0)
    expect(page.locator(".take-seat").filter(has_text=f"Take {seat_name}")).to_be_visible()
    page.get_by_role("button", name=f"Take {seat_name}").click()
    expect(page.locator(".seat-header")).to_contain_text(f"you are {seat_name} ({name})")


def seat_state(page: Page):
    """What a seat page shows once rendered: a move to make, a wait, or the outcome."""
    return page.locator(".move-panel, .seat-waiting, .seat-outcome").first


def send_suggestion(page: Page) -> str:
    """Send the seat's prefilled move (its agent's suggestion); wait until the decision is gone.
    Returns the decision's kind."""
    panel = page.locator(".move-panel")
    expect(panel).to_be_visible()
    decision = next(c for c in panel.get_attribute("class").split() if c.startswith("decision-"))
    page.locator(".send-move").click()
    expect(page.locator(f".{decision}")).to_have_count(0)
    expect(page.locator(".move-error")).to_have_count(0)
    expect(seat_state(page)).to_be_visible()
    return decision.rsplit("-", 1)[-1]


def waiting_for(page: Page) -> list[str]:
    """The seats the game waits for, as the seat page says (after it rendered the newest state)."""
    if page.locator(".seat-outcome").count():
        return []
    if page.locator(".move-panel").count():
        return [page_actor(page)]
    text = page.locator(".seat-waiting").inner_text()
    found = re.search(r"Waiting for: (.*)\.$", text)
    assert found, text
    ids = {name: actor for actor, name in SEATS.items()}  # the page names the seats
    return [ids[n] for n in found.group(1).split(", ") if n in ids]


def page_actor(page: Page) -> str:
    return re.search(r"seat=(\w+)", page.url).group(1)


def play_to_the_end(students: dict[str, Page], first: list[str]) -> list[tuple[str, str]]:
    """Each seat the game waits for sends its suggestion, until the game is over; returns the
    (seat, kind) of every move sent. `first`: the seats waited for at the start."""
    todo, sent = list(first), []
    for _ in range(MAX_MOVES):
        if not todo:
            return sent
        actor = todo.pop(0)
        page = students[actor]
        sent.append((actor, send_suggestion(page)))
        now = waiting_for(page)
        todo = [*now, *(a for a in todo if a not in now)]
    raise AssertionError(f"the game did not end after {MAX_MOVES} moves: {sent}")


# --------------------------------------------------------------------------- the test


def test_teacher_and_three_students_play_a_whole_game_to_the_debrief(
    new_context, open_app, app_url, assert_local_only, solara_server_env
):
    key = solara_server_env["NEGOTIATION_TEACHER_KEY"]  # the server's key (see conftest)
    teacher = new_page(new_context)
    open_app(teacher, "teacher", ready_selector=".teacher-login")
    expect(teacher.locator(".open-room, .room-monitor")).to_have_count(0)  # only the key's form
    teacher_signs_in(teacher, key)
    code, join_link = open_room(teacher, ["us", "PL", "DE"])
    assert join_link == f"/classroom?room={code}"
    for actor, name in SEATS.items():  # nobody holds a seat yet
        expect(monitor_row(teacher, actor)).to_contain_text(
            re.compile(rf"{actor}\s+{name}\s+\(free\)")
        )

    # a wrong join code is refused in words; the right one, typed in small letters, works
    ben = new_page(new_context)
    open_app(ben, "classroom", ready_selector=".classroom-join")
    ben.get_by_label("Join code").fill("QQQQQQ")
    ben.get_by_label("Your name").fill("Ben")
    ben.get_by_role("button", name="Show free seats").click()
    expect(ben.locator(".classroom-error")).to_contain_text(
        "unknown join code 'QQQQQQ': no room has this code"
    )
    expect(ben.locator(".take-seat")).to_have_count(0)
    take_seat(ben, "Ben", "Germany", code=code.lower())

    # Ana comes by the join link (the code is filled in) and sees the seats still free
    ana = new_page(new_context)
    open_app(ana, join_link, ready_selector=".classroom-join")
    expect(ana.get_by_label("Join code")).to_have_value(code)
    ana.get_by_label("Your name").fill("Ana")
    ana.get_by_role("button", name="Show free seats").click()
    expect(ana.locator(".take-seat")).to_have_text(["Take United States", "Take Poland"])
    ana.get_by_role("button", name="Take United States").click()
    expect(ana.locator(".seat-header")).to_contain_text("you are United States (Ana)")

    # the teacher gives Poland to Cem, who opens the seat's link (token and all)
    cem_link = assign_seat(teacher, "PL", "Cem")
    cem = new_page(new_context)
    open_app(cem, cem_link, ready_selector=".seat-page")
    expect(cem.locator(".seat-header")).to_contain_text("you are Poland (Cem)")
    # someone else's token in Poland's link is refused
    intruder = new_page(new_context)
    ana_token = re.search(r"token=([^&]+)", ana.url).group(1)
    open_app(
        intruder,
        f"classroom?room={code}&seat=PL&token={ana_token}",
        ready_selector=".classroom-error",
    )
    expect(intruder.locator(".classroom-error")).to_contain_text(
        "This link does not hold the seat PL"
    )
    intruder.context.close()

    # the monitor: who holds every seat; the students wait for the start
    for actor, holder in (("us", "Ana"), ("DE", "Ben"), ("PL", "Cem")):  # held and connected
        expect(monitor_row(teacher, actor)).to_contain_text(re.compile(rf"{holder}\s+yes"))
    students = {"us": ana, "DE": ben, "PL": cem}
    for page in students.values():
        expect(page.locator(".seat-waiting")).to_contain_text("Waiting for the teacher")
    teacher.get_by_role("button", name="Start").click()
    expect(teacher.locator(".monitor-status")).to_contain_text("running, round 1 of 10")

    # round 1: the US offers; the teacher pauses (no move now), sends news, resumes
    expect(ana.locator(".move-panel")).to_contain_text("United States, your move: the US offer")
    assert send_suggestion(ana) == "us"
    expect(cem.locator(".move-panel")).to_contain_text("your move: your stance")
    teacher.get_by_role("button", name="Pause").click()
    expect(cem.locator(".seat-header")).to_contain_text("Round 1 of 10, paused")
    expect(cem.locator(".move-panel")).to_have_count(0)
    teacher.get_by_label("Message to the room").fill("Two minutes for the stances")
    teacher.get_by_role("button", name="Send").click()
    for page in students.values():
        expect(page.locator(".teacher-message")).to_have_text(
            "Teacher: Two minutes for the stances"
        )
    teacher.get_by_role("button", name="Resume").click()
    expect(cem.locator(".move-panel")).to_contain_text("your move: your stance")

    # Cem closes the tab and opens the same link later on another device: the same seat
    cem_path = cem.url.removeprefix(app_url)
    cem.context.close()
    cem = new_page(new_context)
    open_app(cem, cem_path, ready_selector=".seat-page")
    expect(cem.locator(".seat-header")).to_contain_text("you are Poland (Cem). Round 1 of 10")
    expect(cem.locator(".move-panel")).to_contain_text("your move: your stance")
    students["PL"] = cem
    sent = [("us", "us"), ("PL", send_suggestion(cem))]

    # Germany is left to its agent: the teacher advances the round
    expect(ben.locator(".move-panel")).to_contain_text("your move: your stance")
    teacher.get_by_role("button", name="Advance").click()
    expect(teacher.locator(".monitor-status")).to_contain_text("round 2 of 10")
    expect(ben.locator(".log-line").filter(has_text="Germany")).to_contain_text(
        ["[agent (teacher advanced)]"]
    )
    expect(ana.locator(".seat-header")).to_contain_text("Round 2 of 10")
    sent += play_to_the_end(students, ["us"])
    assert ("DE", "stance") in sent and any(kind == "vote" for _, kind in sent), sent

    # every student sees the outcome; the monitor and the debrief show it too
    expect(ana.locator(".seat-outcome")).to_contain_text("Outcome: ")
    # the outcome in words: "a bloc deal with defections (the EU and the US signed ...)"
    seen = ana.locator(".seat-outcome").inner_text()
    outcome = re.search(r"Outcome: ([^(]+\([^)]*\))", seen).group(1)
    assert "_" not in outcome, outcome  # words, not the outcome's id
    for page in students.values():
        expect(page.locator(".seat-outcome")).to_contain_text(f"Outcome: {outcome}")
    expect(teacher.locator(".monitor-status")).to_contain_text("finished")
    expect(teacher.locator(".monitor-outcome")).to_have_text(f"Outcome: {outcome}")
    teacher.get_by_role("tab", name="Debrief").click()
    table = teacher.locator(".debrief-table")
    expect(table).to_contain_text(SCENARIO)
    room_row = table.locator("tbody tr").filter(has=teacher.get_by_role("cell", name=code))
    expect(room_row).to_contain_text(outcome)
    expect(room_row).to_contain_text("finished")
    expect(table.locator("tbody tr").filter(has_text="agents only")).to_have_count(1)
    # the long cells wrap: the turning points' last column starts on a 1280 px screen
    last = table.locator("th").filter(has_text="US tariff threats")
    expect(last).to_be_visible()
    box = last.bounding_box()
    assert box is not None and box["x"] < 1280, box
    with teacher.expect_download() as download:
        teacher.get_by_text("Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("room,scenario,seed,human_seats,status,outcome")
    assert any(
        line.startswith(f"{code},{SCENARIO},1,3,finished,") and outcome in line for line in lines
    )
    assert any(line.startswith(f"agents only,{SCENARIO},1,0,finished") for line in lines)

    # the teacher's page without the key, or with a wrong one, shows nothing of the rooms
    stranger = new_page(new_context)
    open_app(stranger, "teacher", ready_selector=".teacher-login")
    teacher_signs_in(stranger, "not-the-key")
    expect(stranger.locator(".teacher-login .classroom-error")).to_contain_text("teacher's key")
    for hidden in (".open-room", ".room-monitor", ".debrief-table", "text=Room to watch"):
        expect(stranger.locator(hidden)).to_have_count(0)
    expect(stranger.locator("body")).not_to_contain_text(code)
    for page in (teacher, ana, ben, cem, stranger):
        assert not page.context.request_log.page_errors, page.context.request_log.page_errors
    assert_local_only()


def send_talk(page: Page, to: str, text: str) -> None:
    """On a seat page's Talk card: pick whom to write to (by name), type, send."""
    card = page.locator(".talk-card")
    card.locator(".v-select").filter(has_text="To").click()
    page.locator(MENU_ITEM).filter(has_text=exact(to)).click()
    expect(card.locator(".v-select").filter(has_text="To")).to_contain_text(to)
    card.get_by_label("Message").fill(text)
    card.get_by_role("button", name="Send message").click()
    expect(card.get_by_label("Message")).to_have_value("")
    expect(card.locator(".talk-error")).to_have_count(0)


def test_two_students_talk_in_private_and_the_teacher_sees_both(
    new_context, open_app, assert_local_only, solara_server_env
):
    """The US writes to Poland, Poland answers; Germany sees neither; the teacher's monitor shows
    both; the class screen shows a public statement but no private word."""
    key = solara_server_env["NEGOTIATION_TEACHER_KEY"]
    teacher = new_page(new_context)
    open_app(teacher, "teacher", ready_selector=".teacher-login")
    teacher_signs_in(teacher, key)
    code, join_link = open_room(teacher, ["us", "PL", "DE"])
    students: dict[str, Page] = {}
    for actor, name in (("us", "Ana"), ("PL", "Cem"), ("DE", "Ben")):
        page = new_page(new_context)
        open_app(page, join_link, ready_selector=".classroom-join")
        take_seat(page, name, SEATS[actor])
        students[actor] = page
    ana, cem, ben = students["us"], students["PL"], students["DE"]

    send_talk(ana, "Poland", "Poland, a bilateral deal with <b>the clause</b>?")
    line = "United States to Poland: Poland, a bilateral deal with <b>the clause</b>?"
    for page in (ana, cem):
        expect(page.locator(".talk-private")).to_have_text([line])  # markup shown as typed
    send_talk(cem, "United States", "Only if Germany agrees.")
    answer = "Poland to United States: Only if Germany agrees."
    for page in (ana, cem):
        expect(page.locator(".talk-private")).to_have_text([line, answer])
    send_talk(ben, "everyone", "Germany stays with the bloc.")
    for page in (ana, cem, ben):
        expect(page.locator(".talk-public")).to_have_text(
            ["Germany to everyone: Germany stays with the bloc."]
        )
    expect(ben.locator(".talk-private")).to_have_count(0)  # Germany saw no private word
    expect(ben.locator(".talk-card")).not_to_contain_text("bilateral deal")

    messages = teacher.locator(".monitor-message")  # newest first, private ones too
    expect(messages).to_have_text(
        [
            re.compile(r"^Round \d+, public: Germany to everyone: Germany stays with the bloc\.$"),
            re.compile(r"^Round \d+, private: " + re.escape(answer) + "$"),
            re.compile(r"^Round \d+, private: " + re.escape(line) + "$"),
        ]
    )

    screen = new_page(new_context)  # the class screen: its link holds only the join code
    open_app(screen, f"classroom?screen={code}", ready_selector=".projector")
    expect(screen.locator(".projector-messages")).to_contain_text("Germany stays with the bloc.")
    expect(screen.locator("body")).not_to_contain_text("bilateral deal with")
    expect(screen.locator("body")).not_to_contain_text("Only if Germany agrees")
    for page in (teacher, ana, cem, ben, screen):
        assert not page.context.request_log.page_errors, page.context.request_log.page_errors
    assert_local_only()
