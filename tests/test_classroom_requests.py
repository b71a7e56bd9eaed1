"""Requests from the classroom audit of 4 Dec 2026, against the real server over HTTP: odd text,
odd paths and odd types get a 4xx with a message (never a 500), a message is never made public by
mistake, and the join-code limit stops guesses without locking a seated student out."""

from __future__ import annotations

import base64
import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_classroom_attacks import KEY, SCENARIO, refused, room_with_seats

from negotiation.classroom.client import Client, ServerProcess, student_address
from negotiation.classroom.keys import TEACHER_KEY_ENV


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with ServerProcess(tmp_path_factory.mktemp("requests") / "classroom.db", KEY) as process:
        yield process


def raw(server: ServerProcess, method: str, path: str, headers: dict | None = None):
    """(status, body) of one request sent as written (http.client quotes nothing)."""
    url = urlsplit(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        conn.request(method, path, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def test_a_field_name_that_cannot_be_encoded_is_a_422_not_a_500(server: ServerProcess):
    code, tokens = room_with_seats(server.url, ["china"], 200)
    Client(server.url, KEY).control(code, "start")
    student = Client(server.url)
    view = student.seat(code, "china", tokens["china"])
    while not view["decision"]:
        view = student.seat(code, "china", tokens["china"], after=view["version"], wait=5)
    err = refused(lambda: student.move(code, "china", tokens["china"], {"\ud800": 1}), 422)
    assert "unknown field" in str(err) and "\\ud800" in str(err)


def test_a_websocket_upgrade_is_refused_without_a_500(server: ServerProcess):
    key = base64.b64encode(os.urandom(16)).decode()
    status, _ = raw(
        server,
        "GET",
        "/api/health",
        {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": "13",
        },
    )
    assert 400 <= status < 500


def test_paths_match_whole_and_as_sent(server: ServerProcess):
    code, _ = room_with_seats(server.url, ["PL"], 210)
    assert raw(server, "GET", f"/api/rooms/{code}/screen")[0] == 200
    for path in (
        f"/api/rooms/{code}%2Fscreen",
        f"/api/rooms%2F{code}%2Fscreen",
        "/api/health%0A",
        f"/api/rooms/{code}/screen%0A",
    ):
        status, body = raw(server, "GET", path)  # 405: it names the teacher's POST /{action}
        assert status in (404, 405), (path, status, body)
        assert b'"error"' in body


def test_a_message_to_a_non_text_recipient_is_refused_not_made_public(server: ServerProcess):
    code, tokens = room_with_seats(server.url, ["us", "PL"], 220)
    student = Client(server.url)
    for to in (["PL"], 1, True, {}, None, "", "  "):
        err = refused(lambda to=to: student.say(code, "us", tokens["us"], to, "secret"), 400)
        assert "send to one seat id" in str(err)
    path = f"/api/rooms/{code}/seats/us/messages"
    err = refused(lambda: student.call("POST", path, {"text": "secret"}, token=tokens["us"]), 400)
    assert "to: missing" in str(err)  # no "to" at all: not read as "all" either
    screen = Client(server.url).call("GET", f"/api/rooms/{code}/screen")
    assert "secret" not in str(screen)


def test_a_seed_that_is_not_whole_is_refused_and_wait_zero_is_allowed(server: ServerProcess):
    teacher = Client(server.url, KEY)
    err = refused(lambda: teacher.create_room(SCENARIO, seed=1.5, humans=["PL"]), 400)
    assert "seed: 1.5 is not a whole number" in str(err)
    code, tokens = room_with_seats(server.url, ["PL"], 230)
    view = Client(server.url).call(
        "GET", f"/api/rooms/{code}/seats/PL?after=0&wait=0", token=tokens["PL"]
    )
    assert view["actor"] == "PL"


def test_wrong_codes_are_limited_everywhere_but_do_not_lock_out_a_seat(server: ServerProcess):
    code, tokens = room_with_seats(server.url, ["DE"], 240)
    guesser = Client(server.url, source=student_address(240))  # the device holding DE
    statuses = []
    for n in range(30):
        path = (
            f"/api/rooms/ZZZZ{n:02d}/screen" if n % 2 else f"/api/rooms/ZZZZ{n:02d}/seats/PL/moves"
        )
        try:
            guesser.call("GET" if n % 2 else "POST", path, {"move": {}} if n % 2 == 0 else None)
        except Exception as err:  # ServerRefused
            statuses.append(getattr(err, "status", None))
    assert 429 in statuses, statuses  # the guesses are limited on these routes too
    err = refused(lambda: guesser.call("GET", f"/api/rooms/{code}/screen"), 429)
    assert "try again" in str(err).lower()
    view = guesser.seat(code, "DE", tokens["DE"])  # its own seat still opens
    assert view["actor"] == "DE"
    refused(lambda: guesser.seat(code, "DE", "wrong"), 429)  # but no guessing with it


@pytest.mark.parametrize(("db", "says"), [("", "is a folder"), ("nope/x.db", "does not exist")])
def test_a_bad_database_path_stops_the_server_with_a_message(tmp_path, db, says):
    done = subprocess.run(
        [sys.executable, "-m", "negotiation.classroom.server", "--db", str(tmp_path / db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, TEACHER_KEY_ENV: KEY},
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


def test_a_client_that_waits_to_send_a_body_over_the_cap_gets_413_at_once(server: ServerProcess):
    code, _ = room_with_seats(server.url, ["IT"], 250)
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(
            f"POST /api/rooms/{code}/join HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\nContent-Length: 2000000\r\n"
            "Expect: 100-continue\r\n\r\n".encode()
        )
        first = sock.recv(4096)
    assert first.startswith(b"HTTP/1.1 413"), first[:100]  # not "100 Continue" first
