"""The attacks of issue 11 against the classroom server, as a real process over HTTP: nobody can
stall it, bad values get a 4xx with a message (never a 500), bodies and YAML are bounded, the
limits per client hold, and start-up survives a second server, a damaged room and bad files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from negotiation.classroom.client import Client, ServerProcess, ServerRefused, student_address
from negotiation.classroom.keys import TEACHER_KEY_ENV

KEY = "attack-test-key-0123456789"
SCENARIO = "critical_minerals_2026"
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(9)
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with ServerProcess(tmp_path_factory.mktemp("attacks") / "classroom.db", KEY) as process:
        yield process


@pytest.fixture
def fresh_server(tmp_path: Path):
    with ServerProcess(tmp_path / "classroom.db", KEY) as process:
        yield process


def refused(call, status: int | None = None) -> ServerRefused:
    with pytest.raises(ServerRefused) as err:
        call()
    if status is not None:
        assert err.value.status == status, err.value
    assert err.value.status < 500, err.value
    assert err.value.body.get("error"), err.value.body
    return err.value


def room_with_seats(url: str, humans: list[str], first_address: int) -> tuple[str, dict]:
    code = Client(url, KEY).create_room(SCENARIO, seed=3, humans=humans)["code"]
    tokens = {}
    for i, actor in enumerate(humans):
        student = Client(url, source=student_address(first_address + i))
        tokens[actor] = student.take_seat(code, actor, f"student {actor}")["token"]
    return code, tokens


def timed(call) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


# --- nobody can stall the server -------------------------------------------------------------------


def test_a_slow_wait_with_a_bad_token_answers_403_at_once(server: ServerProcess):
    code, _ = room_with_seats(server.url, ["PL"], 0)
    student = Client(server.url)
    took = timed(lambda: refused(lambda: student.seat(code, "PL", "wrong", after=0, wait=30), 403))
    assert took < 2.0, f"a wrong token waited {took:.1f} s before its 403"


def test_many_waits_do_not_slow_another_room(server: ServerProcess):
    code, tokens = room_with_seats(server.url, ["PL"], 10)
    other, other_tokens = room_with_seats(server.url, ["DE"], 20)
    version = Client(server.url).seat(code, "PL", tokens["PL"])["version"]
    statuses: list[int] = []

    def bad_wait() -> None:
        try:
            Client(server.url, timeout=60).seat(code, "PL", "wrong", after=version, wait=30)
        except ServerRefused as err:
            statuses.append(err.status)

    def good_wait(n: int) -> None:  # valid waits from 100 devices: no thread is held by any
        client = Client(server.url, timeout=60, source=student_address(100 + n))
        client.seat(code, "PL", tokens["PL"], after=version, wait=8)
        statuses.append(200)

    threads = [threading.Thread(target=bad_wait) for _ in range(220)]
    threads += [threading.Thread(target=good_wait, args=(n,)) for n in range(100)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    took = timed(lambda: Client(server.url).seat(other, "DE", other_tokens["DE"]))
    for t in threads:
        t.join(timeout=60)
    assert took < 2.0, f"a student of another room waited {took:.1f} s"
    assert statuses.count(403) == 220 and statuses.count(200) == 100


def test_bodies_are_capped(server: ServerProcess):
    code, tokens = room_with_seats(server.url, ["FR"], 30)
    big = b'{"name": "' + b"x" * 1_000_000 + b'"}'
    err = refused(lambda: Client(server.url).call("POST", f"/api/rooms/{code}/join", raw=big), 413)
    assert "limit" in str(err)
    move = {"move": {"stance": "bloc", "extra": "y" * 10_000_000}}
    path = f"/api/rooms/{code}/seats/FR/moves"
    try:  # far over the limit, the server answers 413 and closes without reading the rest
        Client(server.url).call("POST", path, move, token=tokens["FR"])
        raise AssertionError("a 10 MB move was accepted")
    except ServerRefused as err:
        assert err.status == 413
    except urllib.error.URLError as err:
        assert isinstance(err.reason, BrokenPipeError | ConnectionResetError)
    monitor = Client(server.url, KEY).monitor(code)
    assert not any(s["moved"] for s in monitor["seats"])


def test_only_the_validated_move_is_stored(fresh_server: ServerProcess):
    code, tokens = room_with_seats(fresh_server.url, ["us"], 0)
    teacher = Client(fresh_server.url, KEY)
    teacher.control(code, "start")
    student = Client(fresh_server.url)
    view = student.seat(code, "us", tokens["us"])
    while not view["decision"]:
        view = student.seat(code, "us", tokens["us"], after=view["version"], wait=5)
    suggestion = view["decision"]["agent_move"]
    err = refused(lambda: student.move(code, "us", tokens["us"], {**suggestion, "x": "1" * 5000}))
    assert err.status == 422 and "unknown field" in str(err)
    student.move(code, "us", tokens["us"], suggestion)
    fresh_server.stop()
    db = sqlite3.connect(fresh_server.db)
    stored = [json.loads(m) for (m,) in db.execute("SELECT move FROM moves WHERE by = 'human'")]
    db.close()
    assert stored == [suggestion]


# --- no 500s ---------------------------------------------------------------------------------------


def test_bad_values_at_room_creation_get_a_message(server: ServerProcess):
    teacher = Client(server.url, KEY)
    raw = b'{"scenario": "critical_minerals_2026", "seed": 1, "humans": ["us"], "time_limit": '
    for bad in (b"Infinity", b"NaN", b"1e999", b'"abc"', b"-5", b"[1]"):
        err = refused(lambda b=bad: teacher.call("POST", "/api/rooms", raw=raw + b + b"}"), 400)
        assert "time" in str(err).lower() or "finite" in str(err), err
    for field, value in (("seed", 1e30), ("seed", "x"), ("seed", True), ("humans", 123)):
        body = {"scenario": SCENARIO, "seed": 1, "humans": ["us"], field: value}
        err = refused(lambda b=body: teacher.call("POST", "/api/rooms", b), 400)
        assert field in str(err)
    for body in ({"scenario": 5}, {"scenario": "nope"}, {"scenario": SCENARIO, "humans": ["XX"]}):
        refused(lambda b=body: teacher.call("POST", "/api/rooms", b), 400)
    refused(lambda: teacher.call("POST", "/api/rooms", raw=b"[" * 50_000), 400)
    refused(lambda: teacher.call("POST", "/api/rooms", raw=b"\xff\xfe"), 400)


def test_bad_moves_get_a_message(fresh_server: ServerProcess):
    humans = ["us", "PL"]
    code, tokens = room_with_seats(fresh_server.url, humans, 0)
    Client(fresh_server.url, KEY).control(code, "start")
    student = Client(fresh_server.url)
    view = student.seat(code, "us", tokens["us"])
    while not view["decision"]:
        view = student.seat(code, "us", tokens["us"], after=view["version"], wait=5)
    bad_moves = [
        {"terms": None},
        {"terms": {"offtake": None}},
        {"terms": {"offtake": "lots"}},
        {"terms": [1, 2]},
        {"terms": {"offtake": 1e308}},
        {"bilateral": {"states": 5}},
        {"bilateral": {"states": [None]}},
        {"bilateral": 7},
        {"bilateral": [{"states": ["PL"]}, {"states": ["PL"]}]},
        {"bilateral": [{"states": ["PL"]}, None]},
        {"bilateral": [{"states": ["PL"], "terms": None}]},
        {"bilateral": [{"states": ["PL"], "x": "y" * 10_000}]},
        {"bilateral": [[{"states": ["PL"]}]]},
        {"action": ["offer"]},
        {"clause": {"a": 1}},
        [],
        "offer",
        None,
        {"terms": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}},
    ]
    for move in bad_moves:
        err = refused(lambda m=move: student.move(code, "us", tokens["us"], m))
        assert err.status in (400, 422), (move, err)
        assert "NoneType" not in str(err) and "got dict" not in str(err), (move, err)
    err = refused(lambda: student.move(code, "us", tokens["us"], None))
    assert 'such as {"stance": "bloc"}, got null' in str(err)  # JSON's words, not Python's
    raw = b'{"move": {"terms": {"offtake": NaN}}}'
    path = f"/api/rooms/{code}/seats/us/moves"
    refused(lambda: student.call("POST", path, raw=raw, token=tokens["us"]), 400)
    for query in ("after=x", "after=1&wait=nan", "after=1&wait=-1", "log_from=abc", "after=1e400"):
        refused(
            lambda q=query: student.call(
                "GET", f"/api/rooms/{code}/seats/us?{q}", token=tokens["us"]
            ),
            400,
        )
    monitor = Client(fresh_server.url, KEY).monitor(code)
    assert not any(s["moved"] for s in monitor["seats"])  # nothing was stored
    student.move(code, "us", tokens["us"], view["decision"]["agent_move"])  # the room still works


def test_scenario_names_match_the_whole_string(server: ServerProcess):
    teacher = Client(server.url, KEY)
    text = teacher.call("GET", f"/api/scenarios/{SCENARIO}")
    for name in ("abc%0A", "abc%0Ad", "..%5Cx", "ABC", "a%20b", "a" * 65):
        err = refused(lambda n=name: teacher.call("PUT", f"/api/scenarios/{n}", raw=text.encode()))
        assert err.status == 400 and "is not allowed" in str(err)


def test_alias_bombs_and_deep_nesting_are_refused_at_once(server: ServerProcess):
    teacher = Client(server.url, KEY)
    for text in (
        ALIAS_BOMB,
        "a: " + "[" * 5000 + "]" * 5000,
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)),
    ):
        t0 = time.perf_counter()
        result = teacher.call("POST", "/api/scenarios/check", raw=text.encode())
        assert result["ok"] is False
        err = refused(lambda t=text: teacher.call("POST", "/api/rooms", {"scenario_yaml": t}), 422)
        took = time.perf_counter() - t0
        assert took < 1.0, f"refusing took {took:.2f} s"
        assert "alias" in str(err) or "nests deeper" in str(err)
    assert Client(server.url).call("GET", "/api/health") == {"ok": True}
    big = b"a: " + b"x" * 1_200_000
    refused(lambda: teacher.call("POST", "/api/scenarios/check", raw=big), 413)


# --- abuse limits ----------------------------------------------------------------------------------


def test_teacher_key_guessing_is_slowed(fresh_server: ServerProcess):
    guesser = Client(fresh_server.url, "wrong-key-0000", source="127.0.0.9")
    for _ in range(5):
        refused(lambda: guesser.call("GET", "/api/rooms"), 403)
    err = refused(lambda: guesser.call("GET", "/api/rooms"), 429)
    assert "try again in" in str(err)
    right_from_there = Client(fresh_server.url, KEY, source="127.0.0.9")
    refused(lambda: right_from_there.call("GET", "/api/rooms"), 429)
    assert Client(fresh_server.url, KEY, source="127.0.0.10").call("GET", "/api/rooms") == []


def test_join_codes_and_seats_are_limited(fresh_server: ServerProcess):
    humans = ["PL", "DE", "FR", "IT", "ES"]
    code = Client(fresh_server.url, KEY).create_room(SCENARIO, seed=1, humans=humans)["code"]
    guesser = Client(fresh_server.url, source="127.0.0.20")
    for n in range(10):
        refused(lambda n=n: guesser.take_seat(f"ZZZZ{n:02d}", "PL", "x"), 404)
    err = refused(lambda: guesser.take_seat(code, "PL", "x"), 429)
    assert "try again in" in str(err)

    grabber = Client(fresh_server.url, source="127.0.0.21")
    for actor in humans[:3]:
        grabber.take_seat(code, actor, "greedy")
    err = refused(lambda: grabber.take_seat(code, "IT", "greedy"), 429)
    assert "try again in" in str(err)

    # one seat per browser session (the cookie the server sets when a seat is taken)
    url = f"{fresh_server.url}/api/rooms/{code}/seats/IT"
    request = urllib.request.Request(
        url, data=b'{"name": "Ana"}', method="POST", headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        cookie = response.headers["set-cookie"].split(";")[0]
    request = urllib.request.Request(
        f"{fresh_server.url}/api/rooms/{code}/seats/ES",
        data=b'{"name": "Ana"}',
        method="POST",
        headers={"content-type": "application/json", "cookie": cookie},
    )
    with pytest.raises(urllib.error.HTTPError) as http_err:
        urllib.request.urlopen(request)
    assert http_err.value.code == 409 and b"one seat each" in http_err.value.read()
    seats = Client(fresh_server.url).room(code)["seats"]
    assert {s["actor"]: s["free"] for s in seats}["ES"]


# --- start-up --------------------------------------------------------------------------------------


def run_server(db: Path, key: str = KEY, timeout: float = 60) -> subprocess.CompletedProcess:
    """Start a server that is expected to exit at once (a refusal)."""
    return subprocess.run(
        [sys.executable, "-m", "negotiation.classroom.server", "--db", str(db), "--port", "1"],
        env={**__import__("os").environ, TEACHER_KEY_ENV: key},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_second_server_on_the_same_file_exits_with_a_message(server: ServerProcess):
    result = run_server(server.db)
    assert result.returncode == 2
    assert "in use by another classroom server" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert Client(server.url).call("GET", "/api/health") == {"ok": True}


def test_start_up_refuses_a_short_key_and_an_unreadable_file(tmp_path: Path):
    result = run_server(tmp_path / "a.db", key="short")
    assert result.returncode == 2 and "at least 12 characters" in result.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    result = run_server(junk)
    assert result.returncode == 2 and "not a readable classroom database" in result.stderr
    assert "Traceback" not in result.stderr
    assert junk.read_bytes() == b"this is not a database at all" * 100  # left as it was


def test_an_empty_database_file_is_a_warning(tmp_path: Path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with ServerProcess(empty, KEY) as process:
        assert Client(process.url, KEY).call("GET", "/api/rooms") == []
    assert "is empty (0 bytes)" in process.log_path.read_text()


def test_a_damaged_room_does_not_stop_start_up(tmp_path: Path):
    db = tmp_path / "classroom.db"
    with ServerProcess(db, KEY) as process:
        good, good_tokens = room_with_seats(process.url, ["PL"], 0)
        bad, _ = room_with_seats(process.url, ["DE"], 1)
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "INSERT INTO moves (room, round, actor, kind, move, by, at) "
            "VALUES (?, 1, 'DE', 'stance', '{\"stance\": \"no such stance\"}', 'human', 0)",
            (bad,),
        )
        con.execute("UPDATE rooms SET scenario_yaml = 'rounds: [' WHERE code = ?", (bad,))
    con.close()
    with ServerProcess(db, KEY) as process:
        rooms = {r["code"]: r for r in Client(process.url, KEY).call("GET", "/api/rooms")}
        assert rooms[bad]["status"] == "damaged" and rooms[bad]["problem"]
        assert rooms[good]["status"] == "open"
        assert Client(process.url).seat(good, "PL", good_tokens["PL"])["actor"] == "PL"
    assert f"room {bad} could not be loaded and is skipped" in process.log_path.read_text()
