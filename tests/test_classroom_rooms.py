"""The classroom's RoomService in-process: rooms, seats, moves, the teacher's controls, refusals,
the round clock, restarts and the debrief."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from negotiation.classroom import keys
from negotiation.classroom.common import BY_IDLE, BY_TEACHER
from negotiation.classroom.debrief import BASELINE, debrief_rows, to_csv
from negotiation.classroom.errors import Busy, ClassroomError, Conflict, NotAllowed, UnknownRoom
from negotiation.classroom.rooms import RoomService
from negotiation.model import NegotiationModel, run_game
from negotiation.moves import BY_RULES, IllegalMove
from negotiation.scenario import parse_scenario_text

REPO = Path(__file__).resolve().parents[1]
SCENARIO = (REPO / "scenarios" / "critical_minerals_2026.yaml").read_text()
KEY = "teacher-secret"
HUMANS = ["us", "PL", "DE", "FR"]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "classroom.db"


@pytest.fixture
def service(db: Path, clock: Clock):
    service = RoomService.open(db, KEY, clock=clock)
    yield service
    service.close()


def open_room(service: RoomService, humans=HUMANS, **kwargs) -> tuple[str, dict[str, str]]:
    """A started room with every human seat taken; returns its code and the seats' tokens."""
    code = service.create_room(KEY, SCENARIO, seed=7, humans=humans, **kwargs)["code"]
    tokens = {a: service.take_seat(code, a, f"student {a}")["token"] for a in humans}
    service.start(KEY, code)
    return code, tokens


def play_agent_moves(service: RoomService, code: str, tokens: dict[str, str], until=None) -> int:
    """Every seat plays its agent's suggestion until the game ends (or `until()` is true)."""
    played = 0
    while service.monitor(KEY, code)["status"] != "finished":
        if until and until():
            break
        moved = False
        for actor, token in tokens.items():
            view = service.seat_view(code, actor, token)
            if view["decision"]:
                service.submit_move(code, actor, token, view["decision"]["agent_move"])
                played += 1
                moved = True
        assert moved, "no seat could move but the game is not over"
    return played


# --- join codes and seats -------------------------------------------------------------------------


def test_join_codes_are_random_and_unambiguous():
    codes = {keys.new_join_code() for _ in range(2000)}
    assert len(codes) > 1990  # 31^6 possibilities: collisions are rare, counting finds nothing
    for code in codes:
        assert len(code) >= 6
        assert set(code) <= set(keys.CODE_ALPHABET)
        assert not set(code) & set("01OIL")


def test_create_room_returns_code_and_link(service: RoomService):
    room = service.create_room(KEY, SCENARIO, seed=3, humans=["us", "pl"])
    assert room["link"].endswith(f"room={room['code']}")
    info = service.room_info(room["code"].lower())  # codes are case-insensitive
    assert [s["actor"] for s in info["seats"]] == ["us", "PL"]
    assert all(s["free"] for s in info["seats"])
    assert info["status"] == "open"


def test_take_seat_then_seat_is_not_free(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=3, humans=["us", "PL"])["code"]
    seat = service.take_seat(code, "pl", "Ana")
    assert seat["actor"] == "PL" and seat["token"] in seat["link"]
    assert [s["actor"] for s in service.join(code, "Ben")] == ["us"]
    with pytest.raises(Conflict, match="taken"):
        service.take_seat(code, "PL", "Ben")


def test_reclaim_seat_with_token_after_closing_the_tab(service: RoomService, db: Path, clock):
    code = service.create_room(KEY, SCENARIO, seed=3, humans=["us", "PL"])["code"]
    token = service.take_seat(code, "PL", "Ana")["token"]
    service.close()
    again = RoomService.open(db, KEY, clock=clock)  # even after a restart
    view = again.seat_view(code, "PL", token)
    assert view["holder"] == "Ana" and view["actor"] == "PL"


def test_unknown_human_seat_is_refused_when_creating(service: RoomService):
    with pytest.raises(ClassroomError, match="unknown seat"):
        service.create_room(KEY, SCENARIO, seed=1, humans=["XX"])


def test_a_room_without_a_seat_for_a_person_is_refused(service: RoomService):
    with pytest.raises(ClassroomError, match="a room needs at least one seat for a person"):
        service.create_room(KEY, SCENARIO, seed=1, humans=[])
    assert service.list_rooms(KEY) == []


def test_bad_scenario_is_refused_when_creating(service: RoomService):
    with pytest.raises(ClassroomError, match="rounds"):
        service.create_room(KEY, SCENARIO.replace("rounds: 10", "rounds: 0"), seed=1, humans=["us"])


# --- refusals -------------------------------------------------------------------------------------


def test_move_with_another_seats_token_is_refused(service: RoomService):
    code, tokens = open_room(service)
    decision = service.seat_view(code, "us", tokens["us"])["decision"]
    with pytest.raises(NotAllowed, match="does not hold the seat us"):
        service.submit_move(code, "us", tokens["PL"], decision["agent_move"])
    with pytest.raises(NotAllowed):
        service.submit_move(code, "us", None, decision["agent_move"])
    assert service.monitor(KEY, code)["seats"][0]["moved"] is False


def test_teacher_actions_need_the_key(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=1, humans=["us"])["code"]
    for call in (
        lambda k: service.create_room(k, SCENARIO, seed=1, humans=["us"]),
        lambda k: service.start(k, code),
        lambda k: service.monitor(k, code),
        lambda k: service.advance(k, code),
        lambda k: service.assign_seat(k, code, "us", "Eve"),
        lambda k: service.broadcast(k, code, "hello"),
        lambda k: service.list_rooms(k),
        lambda k: debrief_rows(service, k, "anything"),
    ):
        for wrong in (None, "", "teacher-secreT"):
            with pytest.raises(NotAllowed, match="teacher's key"):
                call(wrong)
    assert service.room_info(code)["status"] == "open"


def test_wrong_join_code_is_refused(service: RoomService):
    service.create_room(KEY, SCENARIO, seed=1, humans=["us"])
    for call in (
        lambda: service.room_info("ZZZZZZ"),
        lambda: service.join("ZZZZZZ", "Ana"),
        lambda: service.take_seat("ZZZZZZ", "us", "Ana"),
        lambda: service.submit_move("ZZZZZZ", "us", "token", {}),
    ):
        with pytest.raises(UnknownRoom, match="unknown join code 'ZZZZZZ'"):
            call()


def test_illegal_move_changes_nothing_and_is_not_stored(service: RoomService):
    code, tokens = open_room(service)
    before = service.seat_view(code, "us", tokens["us"])
    bad = {"action": "offer", "terms": {"price_floor": 999}}
    with pytest.raises(IllegalMove, match="out of range"):
        service.submit_move(code, "us", tokens["us"], bad)
    after = service.seat_view(code, "us", tokens["us"])
    assert after["decision"] == before["decision"] and after["log"] == before["log"]
    assert service.store.moves(code) == []


def test_move_out_of_turn_is_refused(service: RoomService):
    code, tokens = open_room(service)
    with pytest.raises(Conflict, match="waits for United States"):
        service.submit_move(code, "PL", tokens["PL"], {"stance": "bloc"})


def test_moves_wait_for_start_and_for_resume(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["us"])["code"]
    token = service.take_seat(code, "us", "Ana")["token"]
    with pytest.raises(Conflict, match="open"):
        service.submit_move(code, "us", token, {"action": "offer"})
    service.start(KEY, code)
    service.pause(KEY, code)
    with pytest.raises(Conflict, match="paused"):
        service.submit_move(code, "us", token, {"action": "offer"})
    service.resume(KEY, code)
    service.submit_move(code, "us", token, {"action": "offer"})


def test_a_seat_moves_once_per_phase(service: RoomService):
    code, tokens = open_room(service)
    us = service.seat_view(code, "us", tokens["us"])["decision"]["agent_move"]
    service.submit_move(code, "us", tokens["us"], us)
    service.submit_move(code, "FR", tokens["FR"], {"stance": "bloc"})
    with pytest.raises(Conflict):
        service.submit_move(code, "FR", tokens["FR"], {"stance": "bloc"})


def test_a_move_that_may_not_wait_leaves_a_busy_room_as_it_was(service: RoomService):
    """`wait=False` (the server's event loop): while another thread holds the room (the clock,
    a teacher's action), the move is refused with Busy and nothing is stored or played; the same
    move is then accepted where waiting is allowed."""
    code, tokens = open_room(service)
    us = service.seat_view(code, "us", tokens["us"])["decision"]["agent_move"]
    room = service._room(code)
    busy: list[BaseException] = []

    def move_now() -> None:
        try:
            service.submit_move(code, "us", tokens["us"], us, wait=False)
        except Busy as err:
            busy.append(err)

    with room.changed:  # another thread holds the room
        thread = threading.Thread(target=move_now)
        thread.start()
        thread.join()
    assert len(busy) == 1
    assert (
        service.store.moves(code) == [] and service.seat_view(code, "us", tokens["us"])["decision"]
    )
    answer = service.submit_move(code, "us", tokens["us"], us, wait=False)
    assert answer["accepted"] and answer["status"] == "running"
    assert [m.actor for m in service.store.moves(code)] == ["us"]


# --- the round ------------------------------------------------------------------------------------


def test_every_seat_of_a_phase_can_move_at_once(service: RoomService):
    code, tokens = open_room(service)
    us = service.seat_view(code, "us", tokens["us"])["decision"]["agent_move"]
    service.submit_move(code, "us", tokens["us"], us)
    for actor in ("FR", "DE", "PL"):  # not the engine's order: DE, FR, PL
        assert service.seat_view(code, actor, tokens[actor])["decision"]["kind"] == "stance"
    service.submit_move(code, "FR", tokens["FR"], {"stance": "bloc"})
    monitor = service.monitor(KEY, code)
    assert {s["actor"]: s["moved"] for s in monitor["seats"]} == {
        "us": True,
        "PL": False,
        "DE": False,
        "FR": True,
    }
    assert {s["actor"] for s in monitor["seats"] if s["waiting"]} == {"DE", "PL"}


def test_the_seats_of_a_phase_see_their_decisions_from_the_live_game_alone(
    service: RoomService, monkeypatch: pytest.MonkeyPatch
):
    """Every seat of a stance or vote phase sees its decision at once, seats after the one the
    game waits for too, and no second game is played to find them (a replay of the whole game at
    each phase, before)."""
    code, tokens = open_room(service)
    engine_order = NegotiationModel.from_spec(parse_scenario_text(SCENARIO)).actor_ids()
    play = NegotiationModel._play
    games = []
    monkeypatch.setattr(NegotiationModel, "_play", lambda model: games.append(model) or play(model))
    ahead = set()
    while service.monitor(KEY, code)["status"] != "finished":
        views = {a: service.seat_view(code, a, t) for a, t in tokens.items()}
        waiting = [a for a in engine_order if a in tokens and views[a]["decision"]]
        assert waiting, "no seat could move but the game is not over"
        for actor in reversed(waiting):  # the seats after the one the game waits for first
            decision = service.seat_view(code, actor, tokens[actor])["decision"]
            assert decision == views[actor]["decision"]
            if len(waiting) > 1:
                ahead.add(decision["kind"])
            service.submit_move(code, actor, tokens[actor], decision["agent_move"])
    assert ahead == {"stance", "vote"}
    assert games == []


def test_room_with_agent_moves_matches_the_agents_only_game(service: RoomService):
    code, tokens = open_room(service)
    play_agent_moves(service, code, tokens)
    monitor = service.monitor(KEY, code)
    assert monitor["status"] == "finished"
    baseline = run_game(parse_scenario_text(SCENARIO), 7).outcome.row()
    assert monitor["outcome"] == pytest.approx(baseline)


def test_time_limit_lets_agents_play_idle_seats(service: RoomService, clock: Clock):
    code, tokens = open_room(service, time_limit=60)
    us = service.seat_view(code, "us", tokens["us"])["decision"]["agent_move"]
    service.submit_move(code, "us", tokens["us"], us)
    service.submit_move(code, "PL", tokens["PL"], {"stance": "bloc"})
    clock.t += 59
    assert service.tick() == []
    clock.t += 2
    assert service.tick() == [code]
    view = service.seat_view(code, "us", tokens["us"])
    assert view["round"] == 2 and view["decision"]["kind"] == "us"
    assert view["seconds_left"] == pytest.approx(60)
    round1 = [m for m in view["log"] if m["round"] == 1]
    by = {m["actor"]: m["by"] for m in round1 if m["phase"] == "stance"}
    assert by["PL"] == "human" and by["DE"] == BY_IDLE and by["FR"] == BY_IDLE
    stored = {(m.actor, m.by) for m in service.store.moves(code) if m.round == 1}
    assert ("DE", BY_IDLE) in stored and ("FR", BY_IDLE) in stored


def test_pause_stops_the_clock(service: RoomService, clock: Clock):
    code, _ = open_room(service, time_limit=60)
    clock.t += 50
    service.pause(KEY, code)
    clock.t += 600
    assert service.tick() == []
    service.resume(KEY, code)
    assert service.monitor(KEY, code)["seconds_left"] == pytest.approx(10)
    clock.t += 11
    assert service.tick() == [code]


def test_teacher_advance_plays_the_rest_of_the_round(service: RoomService):
    code, _ = open_room(service)
    assert service.advance(KEY, code) > 0
    monitor = service.monitor(KEY, code)
    assert monitor["round"] == 2
    log = service.room_log(KEY, code)
    assert {m["by"] for m in log if m["round"] == 1 and m["actor"] in HUMANS} == {BY_TEACHER}


def test_a_move_for_a_decision_no_longer_open_is_refused_not_moved_on(service: RoomService):
    """A move that names the decision it answers (as the pages send it) is refused once the game
    has moved on (here the teacher advanced the round): it is not applied to the seat's next
    decision, and nothing is stored. Without the name, a move answers whatever is open."""
    code, tokens = open_room(service)
    seen = service.seat_view(code, "us", tokens["us"])["decision"]
    asked = {"round": seen["round"], "kind": seen["kind"]}
    service.advance(KEY, code)  # round 1 played by the agents
    stored = len(service.store.moves(code))
    with pytest.raises(Conflict, match=r"round 1 \(us\) is no longer open.*round 2 \(us\) now"):
        service.submit_move(code, "us", tokens["us"], seen["agent_move"], answers=asked)
    assert len(service.store.moves(code)) == stored
    now = service.seat_view(code, "us", tokens["us"])["decision"]
    answer = service.submit_move(
        code, "us", tokens["us"], now["agent_move"], answers={"round": 2, "kind": "us"}
    )
    assert (answer["round"], answer["kind"]) == (2, "us")
    for bad in ({"round": 2}, {"round": "x", "kind": "us"}, [2, "us"], {"round": 2, "kind": 5}):
        with pytest.raises(ClassroomError, match="decision"):
            service.submit_move(code, "us", tokens["us"], now["agent_move"], answers=bad)


def test_reassigned_seat_gets_a_new_token(service: RoomService):
    code, tokens = open_room(service)
    new = service.assign_seat(KEY, code, "us", "Eve")
    with pytest.raises(NotAllowed):
        service.seat_view(code, "us", tokens["us"])
    assert service.seat_view(code, "us", new)["holder"] == "Eve"
    assert service.assign_seat(KEY, code, "us", None) is None
    assert service.join(code, "Zoe") == [{"actor": "us", "name": "United States"}]


def test_monitor_shows_connection_and_messages(service: RoomService, clock: Clock):
    code, tokens = open_room(service)
    clock.t += 60
    service.seat_view(code, "PL", tokens["PL"])
    service.broadcast(KEY, code, "Five minutes left")
    monitor = service.monitor(KEY, code)
    connected = {s["actor"]: s["connected"] for s in monitor["seats"]}
    assert connected == {"us": False, "PL": True, "DE": False, "FR": False}
    assert {s["actor"]: s["holder"] for s in monitor["seats"]}["PL"] == "student PL"
    assert monitor["messages"][-1]["text"] == "Five minutes left"
    assert service.seat_view(code, "DE", tokens["DE"])["messages"][-1]["sender"] == "teacher"


def test_wait_for_change_wakes_on_a_move(service: RoomService):
    code, tokens = open_room(service)
    version = service.version(code)
    assert service.wait_for_change(code, version, timeout=0.01) == version
    us = service.seat_view(code, "us", tokens["us"])["decision"]["agent_move"]
    service.submit_move(code, "us", tokens["us"], us)
    assert service.wait_for_change(code, version, timeout=0.01) > version


def test_a_seats_wait_answers_at_once_only_for_what_concerns_it(service: RoomService):
    """A seat behind only by another seat's move waits (for the coalesced wake, or something
    that concerns it); behind by its own new decision or a message, it answers at once."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    code, tokens = open_room(service)
    us = service.seat_view(code, "us", tokens["us"])
    service.submit_move(code, "us", tokens["us"], us["decision"]["agent_move"])

    async def scenario() -> None:
        seen = us["version"]  # from before the stance phase: PL has a decision since
        assert await service.wait_async(code, seen, 5, "pl", "PL") > seen  # at once
        pl = service.seat_view(code, "PL", tokens["PL"])
        service.submit_move(code, "PL", tokens["PL"], pl["decision"]["agent_move"])
        de_waits = asyncio.create_task(service.wait_async(code, pl["version"], 5, "de", "DE"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not de_waits.done()  # PL's move does not concern DE
        service.broadcast(KEY, code, "Two minutes")
        assert await asyncio.wait_for(de_waits, 5) == service.version(code)
        teacher = await service.wait_async(code, pl["version"], 5)  # no seat: every change
        assert teacher == service.version(code)

    # in a thread of its own: the browser tests may leave an event loop running in the main
    # thread, where asyncio.run would refuse to start (as in test_classroom_talk)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_rooms_are_independent(service: RoomService):
    a, tokens_a = open_room(service)
    b, _ = open_room(service)
    assert a != b
    with pytest.raises(NotAllowed):
        service.seat_view(b, "us", tokens_a["us"])
    play_agent_moves(service, a, tokens_a)
    assert service.monitor(KEY, a)["status"] == "finished"
    assert service.monitor(KEY, b)["round"] == 1
    assert service.store.moves(b) == []


def test_a_us_move_with_several_bilateral_groups_is_stored_and_replayed(db: Path, clock: Clock):
    """A person's US move may tailor bilateral terms per group of states (a list of groups); it is
    stored as sent, played as sent, and replayed the same after a restart."""
    service = RoomService.open(db, KEY, clock=clock)
    code, tokens = open_room(service, humans=["us", "PL"])
    move = {
        "action": "offer",
        "bilateral": [
            {"states": ["PL", "CZ"], "terms": {"offtake": 60}, "clause": True},
            {"states": ["DE"]},  # the agent's own terms for Germany
        ],
    }
    service.submit_move(code, "us", tokens["us"], move)
    assert service.store.moves(code)[-1].move == move
    log = service.seat_view(code, "PL", tokens["PL"])["log"]
    offers = {s: m["detail"]["terms"] for m in log if m["action"] == "bilateral_offer"
              for s in m["detail"]["states"]}  # fmt: skip
    assert set(offers) == {"PL", "CZ", "DE"}
    assert offers["PL"]["offtake"] == offers["CZ"]["offtake"] == 60
    before = service.seat_view(code, "PL", tokens["PL"])
    service.close()
    again = RoomService.open(db, KEY, clock=clock)
    after = again.seat_view(code, "PL", tokens["PL"])
    assert after["log"] == before["log"] and after["decision"] == before["decision"]
    again.close()


def test_a_bad_bilateral_list_is_refused_and_nothing_stored(service: RoomService):
    code, tokens = open_room(service, humans=["us"])
    for bad, words in [
        ([{"states": ["PL"]}, {"states": ["PL"]}], "two bilateral offers"),
        ([{"states": ["PL"]}, 5], "bilateral[1]"),
        ([{"states": ["XX"]}], "XX"),
        ([{"states": ["PL"], "terms": None}], "terms"),
        ([{"states": ["PL"], "note": "x" * 1000}], "unknown key"),
        ([{"states": ["PL"], "terms": {"price_floor": 50}}], "price_floor"),
    ]:
        with pytest.raises(IllegalMove, match=re.escape(words)):
            service.submit_move(code, "us", tokens["us"], {"action": "offer", "bilateral": bad})
    assert service.store.moves(code) == []


# --- restart --------------------------------------------------------------------------------------


def test_restart_resumes_every_room_where_it_stood(db: Path, clock: Clock):
    service = RoomService.open(db, KEY, clock=clock)
    code, tokens = open_room(service)
    other, _ = open_room(service, humans=["china"])
    play_agent_moves(service, code, tokens, until=lambda: service.monitor(KEY, code)["round"] >= 3)
    service.submit_move(code, "us", tokens["us"], {"action": "offer"})
    service.submit_move(code, "PL", tokens["PL"], {"stance": "bloc"})  # ahead of DE and FR
    before = service.seat_view(code, "PL", tokens["PL"])
    stored = service.store.moves(code)
    service.close()

    again = RoomService.open(db, KEY, clock=clock)
    after = again.seat_view(code, "PL", tokens["PL"])
    for field in ("round", "status", "moved_this_round", "waiting_for", "decision", "log"):
        assert after[field] == before[field], field
    assert again.store.moves(code) == stored
    assert again.monitor(KEY, other)["round"] == 1
    play_agent_moves(again, code, tokens)
    assert again.monitor(KEY, code)["status"] == "finished"
    assert again.store.moves(code)[: len(stored)] == stored


def test_a_restart_in_a_vote_keeps_what_every_voter_sees(db: Path, clock: Clock):
    """A voter who moved ahead of the game (against its agent) changes no forecast that the
    voters after it see, before or after a restart: those the game has not reached see the
    forecast of the vote's start, and a restart rebuilds the same."""
    service = RoomService.open(db, KEY, clock=clock)
    code, tokens = open_room(service)
    play_agent_moves(
        service,
        code,
        tokens,
        until=lambda: any(
            (service.seat_view(code, a, t)["decision"] or {}).get("kind") == "vote"
            for a, t in tokens.items()
        ),
    )
    order = NegotiationModel.from_spec(parse_scenario_text(SCENARIO)).actor_ids()
    voters = [a for a in order if a in tokens and service.seat_view(code, a, tokens[a])["decision"]]
    assert len(voters) == 3
    middle = voters[1]
    agent_vote = service.seat_view(code, middle, tokens[middle])["decision"]["agent_move"]["vote"]
    service.submit_move(
        code, middle, tokens[middle], {"vote": "no" if agent_vote == "yes" else "yes"}
    )
    before = {a: service.seat_view(code, a, tokens[a])["decision"] for a in voters}
    service.close()

    again = RoomService.open(db, KEY, clock=clock)
    assert {a: again.seat_view(code, a, tokens[a])["decision"] for a in voters} == before
    again.close()


# --- debrief --------------------------------------------------------------------------------------


def test_debrief_puts_rooms_beside_the_baseline(service: RoomService):
    a, tokens = open_room(service, scenario_name="minerals")
    play_agent_moves(service, a, tokens)
    b = service.create_room(KEY, SCENARIO, seed=7, humans=["us"], scenario_name="minerals")
    service.create_room(KEY, SCENARIO, seed=9, humans=["us"], scenario_name="other")
    rows = debrief_rows(service, KEY, "minerals")
    assert [r["room"] for r in rows] == [a, b["code"], BASELINE]
    assert rows[0]["outcome"] == rows[2]["outcome"]  # agents only: the same game as the baseline
    assert rows[0]["outcome"].startswith("bloc_deal")
    assert rows[0]["u_us"] == pytest.approx(rows[2]["u_us"])
    assert "outcome" not in rows[1]  # not finished yet
    text = to_csv(rows)
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["room", "scenario", "seed", "human_seats", "status"]
    assert "deal_price_floor" in header and "u_PL" in header
    assert len(text.splitlines()) == 4


def test_the_servers_shared_seat_views_are_the_seat_views(service: RoomService, clock: Clock):
    """The JSON the server answers a page with (built from the room's shared snapshot, on its
    event loop) says what `seat_view` says, at every step of a game, for every seat."""
    import json

    humans = ["us", "commission", "china", "PL", "DE", "FR"]
    code, tokens = open_room(service, humans=humans, time_limit=60)
    service.pause(KEY, code)
    service.resume(KEY, code)
    service.broadcast(KEY, code, "Welcome")
    service.send_message(code, "us", tokens["us"], "PL", "a deal?")
    steps = 0
    while True:
        for seat in humans:
            for log_from in (0, 3):
                fast = service.seat_view_json(code, seat, tokens[seat], log_from)
                assert fast is not None  # the snapshot follows every change
                assert fast == service.seat_view_json_locked(code, seat, tokens[seat], log_from)
                assert json.loads(fast) == service.seat_view(code, seat, tokens[seat], log_from)
        view = service.seat_view(code, "PL", tokens["PL"])
        if view["status"] == "finished":
            break
        waiting = [s for s in humans if s in view["waiting_for"]]
        if not waiting:
            clock.t += 61
            service.tick()
        for seat in waiting:
            decision = service.seat_view(code, seat, tokens[seat])["decision"]
            service.submit_move(code, seat, tokens[seat], decision["agent_move"])
        steps += 1
        assert steps < 200
    with pytest.raises(NotAllowed):
        service.seat_view_json(code, "PL", tokens["DE"])


def test_a_session_whose_seat_the_teacher_gave_away_may_take_another(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["DE", "PL", "FR"])["code"]
    service.take_seat(code, "DE", "Ana", session="ana")
    with pytest.raises(Conflict, match="one seat each"):
        service.take_seat(code, "PL", "Ana", session="ana")
    service.assign_seat(KEY, code, "DE", "Ben")  # the teacher gives Ana's seat to Ben
    assert service.take_seat(code, "PL", "Ana", session="ana")["actor"] == "PL"
    with pytest.raises(Conflict, match="one seat each"):
        service.take_seat(code, "FR", "Ana", session="ana")


def test_one_seat_per_session_holds_after_a_restart(db: Path, clock: Clock):
    service = RoomService.open(db, KEY, clock=clock)
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["DE", "PL"])["code"]
    service.take_seat(code, "DE", "Ana", session="ana")
    service.close()
    again = RoomService.open(db, KEY, clock=clock)
    with pytest.raises(Conflict, match="you already hold the seat DE"):
        again.take_seat(code, "PL", "Ana", session="ana")
    assert again.take_seat(code, "PL", "Ben", session="ben")["actor"] == "PL"
    again.close()


def test_the_room_timeline_says_which_moves_agents_played_and_gives_the_count_to_the_council(
    service: RoomService,
):
    code, _ = open_room(service, humans=["commission", "PL"])
    while service.monitor(KEY, code)["status"] != "finished":
        assert service.advance(KEY, code) > 0
    moves = [e for e in service.timeline(KEY, code) if e["type"] == "move"]
    seats = [e for e in moves if e["who"] in ("Commission", "Poland")]
    assert seats and all(e["by"] == BY_TEACHER for e in seats)
    assert all(
        e["text"].endswith(" Played by its agent: the teacher advanced the round.")
        and "a person's" not in e["text"]
        for e in seats
    )
    counts = [e for e in moves if e["text"].startswith("Council ")]
    assert counts and all((e["who"], e["by"]) == ("Council", BY_RULES) for e in counts)


def test_nobody_is_waited_for_before_the_start_or_while_paused(service: RoomService):
    code = service.create_room(KEY, SCENARIO, seed=7, humans=["china", "PL"])["code"]
    tokens = {a: service.take_seat(code, a, f"student {a}")["token"] for a in ("china", "PL")}

    def waited() -> tuple[set[str], list[str], list[str]]:
        monitor = {s["actor"] for s in service.monitor(KEY, code)["seats"] if s["waiting"]}
        return (
            monitor,
            service.screen(code)["waiting_for"],
            service.seat_view(code, "PL", tokens["PL"])["waiting_for"],
        )

    assert waited() == (set(), [], [])  # the game waits for the teacher, not for China
    service.start(KEY, code)
    assert waited() == ({"china"}, ["china"], ["china"])
    service.pause(KEY, code)
    assert waited() == (set(), [], [])


def test_a_seat_the_game_has_not_asked_yet_is_never_timed_out(service: RoomService, clock: Clock):
    """The time limit is per phase: when the states' stances run out of time, the Commission,
    which plays after them, is asked with the whole time limit, not played as idle."""
    code, tokens = open_room(service, humans=["us", "commission", "PL", "DE"], time_limit=60)
    us = service.seat_view(code, "us", tokens["us"])["decision"]["agent_move"]
    service.submit_move(code, "us", tokens["us"], us)
    service.submit_move(code, "PL", tokens["PL"], {"stance": "bloc"})
    clock.t += 61  # DE never moves
    assert service.tick() == [code]
    view = service.seat_view(code, "commission", tokens["commission"])
    assert (view["round"], view["decision"]["kind"]) == (1, "commission")
    assert view["seconds_left"] == pytest.approx(60)
    stored = {m.actor: m.by for m in service.store.moves(code) if m.round == 1}
    assert stored["DE"] == BY_IDLE and "commission" not in stored
    clock.t += 61  # now the Commission's own time runs out
    assert service.tick() == [code]
    stored = {m.actor: m.by for m in service.store.moves(code) if m.round == 1}
    assert stored["commission"] == BY_IDLE
