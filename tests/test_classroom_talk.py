"""Talk between seats (private messages, public statements, announcements, agents' automatic
answers, muting, limits) and the round clock when the database is locked, in-process."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from negotiation.classroom.common import BY_IDLE
from negotiation.classroom.errors import ClassroomError, NotAllowed
from negotiation.classroom.limits import RateLimit, TooMany
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.store import Store

REPO = Path(__file__).resolve().parents[1]
SCENARIO = (REPO / "scenarios" / "critical_minerals_2026.yaml").read_text()
KEY = "teacher-secret-key"
HUMANS = ["us", "commission", "PL", "DE"]


@pytest.fixture
def service(tmp_path: Path):
    service = RoomService.open(tmp_path / "classroom.db", KEY)
    yield service
    service.close()


def seated(service: RoomService, humans=HUMANS, **kwargs) -> tuple[str, dict[str, str]]:
    code = service.create_room(KEY, SCENARIO, seed=5, humans=humans, **kwargs)["code"]
    tokens = {a: service.take_seat(code, a, f"student {a}")["token"] for a in humans}
    return code, tokens


def texts(view: dict) -> list[str]:
    return [m["text"] for m in view["messages"]]


def test_private_messages_reach_only_the_two_seats_and_the_teacher(service: RoomService):
    code, tokens = seated(service)
    sent = service.send_message(code, "us", tokens["us"], "PL", "Poland, a bilateral deal?")
    assert sent["kind"] == "private" and sent["to"] == "PL" and sent["sender"] == "us"
    service.send_message(code, "PL", tokens["PL"], "us", "Only with the clause in.")
    for seat in ("us", "PL"):
        assert texts(service.seat_view(code, seat, tokens[seat])) == [
            "Poland, a bilateral deal?",
            "Only with the clause in.",
        ]
    assert texts(service.seat_view(code, "DE", tokens["DE"])) == []
    assert texts(service.seat_view(code, "commission", tokens["commission"])) == []
    monitor = service.monitor(KEY, code)
    assert [(m["sender"], m["to"], m["text"]) for m in monitor["messages"]] == [
        ("us", "PL", "Poland, a bilateral deal?"),
        ("PL", "us", "Only with the clause in."),
    ]


def test_public_statements_and_announcements_reach_everyone(service: RoomService):
    code, tokens = seated(service)
    service.send_message(code, "commission", tokens["commission"], "all", "We stand together.")
    service.broadcast(KEY, code, "Ten minutes left")
    for seat, token in tokens.items():
        kinds = [(m["kind"], m["text"]) for m in service.seat_view(code, seat, token)["messages"]]
        assert kinds == [("public", "We stand together."), ("announcement", "Ten minutes left")]
    assert [m["text"] for m in service.screen(code)["messages"]] == [
        "We stand together.",
        "Ten minutes left",
    ]


def test_a_seat_played_by_its_agent_answers_at_once(service: RoomService):
    code, tokens = seated(service, humans=["us", "PL", "FR"])
    service.assign_seat(KEY, code, "FR", None)  # FR is a human seat nobody holds now
    service.start(KEY, code)
    for to in ("HU", "FR"):  # an agent's seat, and a human seat played by its agent
        service.send_message(code, "us", tokens["us"], to, "What will you do?")
        reply = service.seat_view(code, "us", tokens["us"])["messages"][-1]
        assert reply["kind"] == "auto" and reply["sender"] == to and reply["to"] == "us"
        assert reply["text"].startswith("[automatic reply:") and len(reply["text"]) <= 300
    fr_reply = service.seat_view(code, "us", tokens["us"])["messages"][-1]["text"]
    if "FR" in service.seat_view(code, "us", tokens["us"])["waiting_for"]:
        assert "My agent would" in fr_reply  # built from the pending decision's suggestion
    service.send_message(code, "us", tokens["us"], "PL", "hello")  # a person: no automatic reply
    assert service.seat_view(code, "us", tokens["us"])["messages"][-1]["kind"] == "private"


def test_the_us_agent_answers_with_its_bloc_terms_and_bilateral_offers(service: RoomService):
    """The US seat, left to its agent, answers a state with its suggested move: the bloc terms
    and how many states its bilateral groups court."""
    code, tokens = seated(service, humans=["us", "PL"])
    service.assign_seat(KEY, code, "us", None)
    service.start(KEY, code)
    service.send_message(code, "PL", tokens["PL"], "us", "What do you offer us?")
    reply = service.seat_view(code, "PL", tokens["PL"])["messages"][-1]
    assert reply["kind"] == "auto" and reply["sender"] == "us"
    assert "My agent would offer with price_floor" in reply["text"]
    assert "bilateral offers to" in reply["text"] and len(reply["text"]) <= 300


def test_messages_are_stored_and_come_back_after_a_restart(tmp_path: Path):
    db = tmp_path / "classroom.db"
    service = RoomService.open(db, KEY)
    code, tokens = seated(service)
    service.send_message(code, "DE", tokens["DE"], "PL", "<b>Not bold</b> & not markup")
    service.close()
    again = RoomService.open(db, KEY)
    try:
        view = again.seat_view(code, "PL", tokens["PL"])
        assert texts(view) == ["<b>Not bold</b> & not markup"]  # stored and shown as typed
        timeline = again.timeline(KEY, code)
        assert any(e["type"] == "message (private)" and e["who"] for e in timeline)
    finally:
        again.close()


def test_message_refusals(service: RoomService):
    code, tokens = seated(service)
    with pytest.raises(ClassroomError, match="limit is 500"):
        service.send_message(code, "us", tokens["us"], "PL", "x" * 501)
    with pytest.raises(ClassroomError, match="empty"):
        service.send_message(code, "us", tokens["us"], "PL", "   ")
    with pytest.raises(ClassroomError, match="not a seat"):
        service.send_message(code, "us", tokens["us"], "ZZ", "hi")
    with pytest.raises(ClassroomError, match="must be text"):
        service.send_message(code, "us", tokens["us"], "PL", {"a": 1})
    with pytest.raises(NotAllowed):
        service.send_message(code, "us", tokens["PL"], "PL", "pretending to be the US")
    for n in range(6):
        service.send_message(code, "DE", tokens["DE"], "all", f"statement {n}")
    with pytest.raises(TooMany, match="try again in"):
        service.send_message(code, "DE", tokens["DE"], "all", "one too many")
    service.send_message(code, "PL", tokens["PL"], "all", "others still talk")


def test_the_teacher_can_mute_a_seat(service: RoomService):
    code, tokens = seated(service)
    service.mute(KEY, code, "PL")
    with pytest.raises(NotAllowed, match="muted"):
        service.send_message(code, "PL", tokens["PL"], "all", "spam")
    assert {s["actor"]: s["muted"] for s in service.monitor(KEY, code)["seats"]}["PL"] is True
    with pytest.raises(NotAllowed):
        service.mute("wrong-key-xxxxxx", code, "PL", False)
    service.mute(KEY, code, "PL", False)
    service.send_message(code, "PL", tokens["PL"], "all", "back")


def test_rate_limit_says_when_to_try_again():
    t = [0.0]
    limit = RateLimit("wrong teacher keys", 2, 60, clock=lambda: t[0])
    limit.hit("a")
    limit.hit("a")
    with pytest.raises(TooMany) as err:
        limit.check("a")
    assert err.value.retry_after == 60 and "try again in 60 s" in str(err.value)
    limit.check("b")  # another client is not affected
    t[0] = 61.0
    limit.check("a")


def test_async_waits_hold_no_thread_and_are_bounded_per_client(service: RoomService):
    code, _ = seated(service, humans=["PL"])
    now = service.version(code)

    async def scenario() -> list[int]:
        threads_before = threading.active_count()
        waits = [
            asyncio.create_task(service.wait_async(code, now, 60, client=f"device {n % 50}"))
            for n in range(500)
        ]
        # The waits beyond each device's bound end within a few loop turns; on a loaded machine
        # starting 500 tasks can take longer than any fixed sleep, so look until the count settles.
        await asyncio.sleep(0.2)
        deadline = time.monotonic() + 20
        while service.waiting_count(code) > 50 * 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        open_now = service.waiting_count(code)
        assert threading.active_count() <= threads_before + 1
        service.broadcast(KEY, code, "wake up")
        versions = await asyncio.wait_for(asyncio.gather(*waits), 10)
        return [open_now, *versions]

    # Its own thread and event loop: the browser tests' Playwright keeps a loop running in the
    # main thread for the whole session, where asyncio.run would refuse to start.
    with ThreadPoolExecutor(1) as pool:
        open_now, *versions = pool.submit(asyncio.run, scenario()).result()
    assert open_now == 50 * 4  # each device keeps its newest 4 waits; older ones end at once
    assert set(versions) == {now, now + 1}  # ended early (the room as it was), or woken
    assert versions.count(now + 1) == 200


def test_the_clock_survives_a_locked_database(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    db = tmp_path / "classroom.db"
    service = RoomService.open(db, KEY)
    try:
        code, _ = seated(service, humans=["PL", "DE"], time_limit=1)
        service.start(KEY, code)
        stop = service.start_clock(every=0.2)
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock for 7 s
        time.sleep(7)
        blocker.execute("ROLLBACK")
        blocker.close()
        t0 = time.monotonic()
        while service.monitor(KEY, code)["round"] < 2 and time.monotonic() - t0 < 10:
            time.sleep(0.2)
        stop.set()
        assert service.monitor(KEY, code)["round"] >= 2, "the clock stopped after the lock"
        assert "trying again" in caplog.text
        moves = Store(db).moves(code)
        assert moves and all(m.by == BY_IDLE for m in moves)
    finally:
        service.close()
