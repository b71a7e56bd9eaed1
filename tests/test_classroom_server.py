"""The classroom server as a real process: refusals over HTTP, and a restart after SIGKILL in the
middle of a round that loses no move."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from negotiation.classroom.client import Client, ServerProcess, ServerRefused, student_address

KEY = "k-" + "x" * 20
HUMANS = ["us", "commission", "PL", "DE", "FR"]
SCENARIO = "critical_minerals_2026"


@pytest.fixture
def server(tmp_path: Path):
    with ServerProcess(tmp_path / "classroom.db", KEY) as process:
        yield process


def open_room(teacher: Client, humans=HUMANS) -> tuple[str, dict[str, str]]:
    code = teacher.create_room(SCENARIO, seed=11, humans=humans)["code"]
    tokens = {
        a: Client(teacher.base_url, source=student_address(i)).take_seat(code, a, f"bot {a}")[
            "token"
        ]
        for i, a in enumerate(humans)
    }
    teacher.control(code, "start")
    return code, tokens


def play(student: Client, code: str, tokens: dict[str, str], moves: int | None = None) -> list:
    """Seats play their agents' suggestions (at most `moves` moves); returns what was accepted."""
    accepted = []
    while moves is None or len(accepted) < moves:
        views = {a: student.seat(code, a, t) for a, t in tokens.items()}
        if any(v["status"] == "finished" for v in views.values()):
            break
        ready = [a for a, v in views.items() if v["decision"]]
        assert ready, "nobody can move but the game is not over"
        for actor in ready[: None if moves is None else moves - len(accepted)]:
            move = views[actor]["decision"]["agent_move"]
            student.move(code, actor, tokens[actor], move)
            accepted.append((views[actor]["round"], actor, move))
    return accepted


def test_refusals_over_http(server: ServerProcess):
    teacher = Client(server.url, KEY)
    student = Client(server.url)
    code, tokens = open_room(teacher)

    with pytest.raises(ServerRefused) as err:  # another seat's token
        student.move(code, "us", tokens["PL"], {"action": "offer"})
    assert err.value.status == 403 and "does not hold the seat us" in str(err.value)

    for path in ("/api/rooms", f"/api/rooms/{code}/monitor", "/api/debrief/x"):  # no key
        with pytest.raises(ServerRefused) as err:
            student.call("GET", path)
        assert err.value.status == 403 and "teacher's key" in str(err.value)
    with pytest.raises(ServerRefused) as err:
        Client(server.url, "wrong").control(code, "advance")
    assert err.value.status == 403

    with pytest.raises(ServerRefused) as err:  # wrong join code
        student.take_seat("QQQQQQ", "us", "Ana")
    assert err.value.status == 404 and "unknown join code 'QQQQQQ'" in str(err.value)

    with pytest.raises(ServerRefused) as err:  # the rules refuse the move
        student.move(code, "us", tokens["us"], {"action": "offer", "terms": {"offtake": -5}})
    assert err.value.status == 422 and "out of range" in str(err.value)

    assert teacher.monitor(code)["round"] == 1
    assert not any(s["moved"] for s in teacher.monitor(code)["seats"])


def test_a_moves_answer_carries_the_seats_view(server: ServerProcess):
    """With ``log_from``, a move's answer has the seat's view after the move, the one a poll
    gives; without it, the answer is as before. Unknown paths and methods answer in JSON."""
    teacher = Client(server.url, KEY)
    student = Client(server.url)
    code, tokens = open_room(teacher)
    us = student.seat(code, "us", tokens["us"])
    answer = student.move(code, "us", tokens["us"], us["decision"]["agent_move"], log_from=0)
    view = answer.pop("view")
    assert answer == {
        "accepted": True,
        "round": 1,
        "kind": "us",
        "version": view["version"],
        "status": "running",
    }
    assert view == student.seat(code, "us", tokens["us"])
    assert view["moved_this_round"] and not view["decision"] and view["log"]
    pl = student.seat(code, "PL", tokens["PL"], log_from=2)
    answer = student.move(code, "PL", tokens["PL"], pl["decision"]["agent_move"])
    assert "view" not in answer and answer["kind"] == "stance"

    for method, path, status in (("GET", "/api/nothing", 404), ("DELETE", "/api/rooms", 405)):
        with pytest.raises(ServerRefused) as err:
            student.call(method, path)
        assert err.value.status == status and err.value.body["error"]


def test_a_move_can_wait_for_what_comes_next(server: ServerProcess):
    """With ``log_from`` and ``wait``, a move's answer waits as the long poll after the move
    would, and its view is the seat's view then: the US and the Commission, each in its own
    thread, play a whole game sending one request a move (and one poll to start). The move that
    ends the game is answered at once (the client's 10 s timeout is below the 30 s wait)."""
    teacher = Client(server.url, KEY)
    code, tokens = open_room(teacher, humans=["us", "commission"])
    counts = {seat: {"moves": 0, "polls": 0} for seat in tokens}
    waited: list[bool] = []

    def play_seat(seat: str) -> None:
        student = Client(server.url, timeout=10)
        view, log_from = student.seat(code, seat, tokens[seat]), 0
        counts[seat]["polls"] += 1
        while view["status"] != "finished":
            log_from += len(view["log"])
            if view["decision"]:
                answer = student.move(
                    code, seat, tokens[seat], view["decision"]["agent_move"], log_from, wait=30
                )
                counts[seat]["moves"] += 1
                view = answer.pop("view")
                waited.append(view["version"] > answer["version"] or view["status"] == "finished")
            else:
                view = student.seat(code, seat, tokens[seat], view["version"], 30, log_from)
                counts[seat]["polls"] += 1

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(play_seat, tokens))
    monitor = teacher.monitor(code)
    assert monitor["status"] == "finished" and all(waited)
    stored = [e for e in teacher.log(code) if e["by"] == "human"]
    for seat, made in counts.items():
        assert made["moves"] == len({e["round"] for e in stored if e["actor"] == seat}) >= 2
        assert made["polls"] <= 2  # the first, and at most one after a change that was not its


def test_a_move_for_a_decision_no_longer_open_is_a_409(server: ServerProcess):
    """A move naming the decision it answers, sent after the teacher advanced the round, is
    refused with 409 (not applied to the next decision); a malformed name is a 400."""
    teacher = Client(server.url, KEY)
    student = Client(server.url)
    code, tokens = open_room(teacher)
    seen = student.seat(code, "us", tokens["us"])["decision"]
    teacher.control(code, "advance")
    with pytest.raises(ServerRefused) as err:
        student.move(code, "us", tokens["us"], seen["agent_move"], decision=seen)
    assert err.value.status == 409 and "no longer open" in err.value.body["error"]
    now = student.seat(code, "us", tokens["us"])["decision"]
    with pytest.raises(ServerRefused) as err:
        student.call(
            "POST",
            f"/api/rooms/{code}/seats/us/moves",
            {"move": now["agent_move"], "decision": {"round": "two"}},
            token=tokens["us"],
        )
    assert err.value.status == 400 and "decision" in err.value.body["error"]
    assert student.move(code, "us", tokens["us"], now["agent_move"], decision=now)["round"] == 2


def test_kill_in_the_middle_of_a_round_loses_no_move(server: ServerProcess):
    teacher = Client(server.url, KEY)
    student = Client(server.url)
    code, tokens = open_room(teacher)
    while student.seat(code, "us", tokens["us"])["round"] < 2:
        play(student, code, tokens, moves=1)
    play(student, code, tokens, moves=2)  # the US and one state's stance of round 2
    monitor = teacher.monitor(code)
    log = teacher.log(code)
    moved = {s["actor"] for s in monitor["seats"] if s["moved"]}
    assert monitor["round"] == 2 and 0 < len(moved) < len(HUMANS)  # mid-round

    server.kill()
    server.start()

    again = teacher.monitor(code)
    assert again["round"] == monitor["round"] and again["status"] == "running"
    assert {s["actor"] for s in again["seats"] if s["moved"]} == moved
    assert teacher.log(code) == log
    play(student, code, tokens)  # the old tokens still hold their seats
    final = teacher.monitor(code)
    assert final["status"] == "finished"

    # The same moves without a restart give the same game.
    reference, ref_tokens = open_room(teacher)
    play(student, reference, ref_tokens)
    assert teacher.monitor(reference)["outcome"] == final["outcome"]
    assert teacher.log(code) == teacher.log(reference)


def test_debrief_csv_and_scenarios_over_http(server: ServerProcess):
    teacher = Client(server.url, KEY)
    code, tokens = open_room(teacher, humans=["us"])
    play(Client(server.url), code, tokens)
    csv = teacher.call("GET", f"/api/debrief/{SCENARIO}?format=csv")
    lines = csv.splitlines()
    assert lines[0].startswith("room,scenario,seed,human_seats,status,outcome")
    assert lines[1].startswith(f"{code},{SCENARIO},11,1,finished,")
    assert lines[2].startswith(f"agents only,{SCENARIO},11,0,finished,")
    assert SCENARIO in [s["name"] for s in teacher.call("GET", "/api/scenarios")]
    text = teacher.call("GET", f"/api/scenarios/{SCENARIO}")
    assert teacher.call("POST", "/api/scenarios/check", raw=text.encode())["ok"] is True
    broken = teacher.call("POST", "/api/scenarios/check", raw=b"rounds: [")
    assert broken["ok"] is False and "not valid YAML" in broken["problems"][0][1]


def test_debrief_of_an_unknown_scenario_is_a_404_naming_the_scenarios(server: ServerProcess):
    teacher = Client(server.url, KEY)
    with pytest.raises(ServerRefused) as err:
        teacher.call("GET", "/api/debrief/nope")
    assert err.value.status == 404
    assert "no scenario named 'nope'; the scenarios are: " in str(err.value)
    assert SCENARIO in str(err.value) and "small_class" in str(err.value)
    assert teacher.call("GET", f"/api/debrief/{SCENARIO}") == []  # a scenario with no room yet
