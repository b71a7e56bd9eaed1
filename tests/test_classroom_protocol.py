"""The classroom server's HTTP connections (negotiation/classroom/protocol.py), as a real process:
a request head over 64 KB gets 431 and is closed without the server's memory growing, requests
that stall half-sent are closed after their deadline, a long poll is not cut by it, and each
address keeps a bounded number of connections open."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import psutil
import pytest

from negotiation.classroom.client import Client, ServerProcess, student_address
from negotiation.classroom.protocol import (
    BODY_SECONDS_ENV,
    HEAD_SECONDS_ENV,
    MAX_HEAD_BYTES,
    PER_ADDRESS_ENV,
)

KEY = "protocol-test-key-0123456789"
SCENARIO = "critical_minerals_2026"
DEADLINE = 2.0  # the test server's head and body deadlines (10 s in class)
MARGIN = 6.0  # a shared machine may be slow to close; the point is that it does
PER_ADDRESS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv(HEAD_SECONDS_ENV, str(DEADLINE))
        env.setenv(BODY_SECONDS_ENV, str(DEADLINE))
        env.setenv(PER_ADDRESS_ENV, str(PER_ADDRESS))
        process = ServerProcess(tmp_path_factory.mktemp("protocol") / "classroom.db", KEY)
        process.start()
    try:
        yield process
    finally:
        process.stop()


def connect(server: ServerProcess, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def read_until_closed(sock: socket.socket, limit: float) -> bytes:
    """All the server sends until it closes; fails when it keeps the connection `limit` s."""
    sock.settimeout(limit)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        raise AssertionError(f"the server kept the connection open for {limit} s") from None
    return received


def health(server: ServerProcess) -> None:
    assert Client(server.url, timeout=10).call("GET", "/api/health") == {"ok": True}


# --- the head is capped ---------------------------------------------------------------------------


def test_a_head_over_the_cap_gets_431_without_the_server_holding_it(server: ServerProcess):
    rss = psutil.Process(server.process.pid).memory_info().rss  # type: ignore[union-attr]
    sock = connect(server)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ")
    chunk, sent, header = b"a" * (256 * 1024), 0, 50 * 1024 * 1024
    try:  # stop sending when the server closes
        while sent < header:
            sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = read_until_closed(sock, MARGIN)
    sock.close()
    after = psutil.Process(server.process.pid).memory_info().rss  # type: ignore[union-attr]
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"64 KB" in answer and b"connection: close" in answer
    assert sent < header, "the server read a 50 MB header to its end"
    assert after - rss < 10 * 1024 * 1024, f"RSS {rss >> 20} MB before, {after >> 20} MB after"
    health(server)


def test_many_headers_count_together_and_a_head_under_the_cap_is_served(server: ServerProcess):
    headers = {f"x-h{i}": "v" * 100 for i in range(MAX_HEAD_BYTES // 100)}
    sock = connect(server)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(f"GET /api/health HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
    answer = read_until_closed(sock, MARGIN)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]

    sock = connect(server)  # 60 KB of header and a body in one piece: served
    body = b'{"x": "' + b"y" * 30_000 + b'"}'
    sock.sendall(
        b"POST /api/rooms HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
        + b"a" * 60_000
        + b"\r\ncontent-length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    answer = read_until_closed(sock, MARGIN)
    assert answer.startswith(b"HTTP/1.1 403 "), answer[:200]  # the teacher's key is missing


# --- half-sent requests are closed ----------------------------------------------------------------


def test_half_a_request_line_is_closed_after_the_head_deadline(server: ServerProcess):
    sock = connect(server)
    sock.sendall(b"GET /api/hea")
    answer = read_until_closed(sock, DEADLINE + MARGIN)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    silent = connect(server)  # not a byte sent: closed without an answer
    answer = read_until_closed(silent, DEADLINE + MARGIN)
    assert answer == b""
    health(server)


def test_a_kept_alive_connections_next_request_has_a_deadline_too(server: ServerProcess):
    sock = connect(server)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/health HTTP/1.1\r\nHo")
    answer = read_until_closed(sock, DEADLINE + MARGIN)
    assert answer.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 408 " in answer, answer


def test_a_partial_body_is_closed_after_the_body_deadline(server: ServerProcess):
    sock = connect(server)
    sock.sendall(
        b"POST /api/rooms/ABCDEF/join HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
        b'content-length: 100\r\n\r\n{"name": '
    )
    answer = read_until_closed(sock, DEADLINE + MARGIN)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    health(server)


# --- what must keep working -----------------------------------------------------------------------


def test_a_long_poll_outlasts_the_deadlines(server: ServerProcess):
    code = Client(server.url, KEY).create_room(SCENARIO, seed=3, humans=["PL"])["code"]
    student = Client(server.url, source=student_address(0))
    token = student.take_seat(code, "PL", "student PL")["token"]
    version = student.seat(code, "PL", token)["version"]
    t0 = time.monotonic()
    view = student.seat(code, "PL", token, after=version, wait=5)  # nothing changes for 5 s
    assert time.monotonic() - t0 > 2 * DEADLINE
    assert view["version"] == version


def test_each_address_keeps_a_bounded_number_of_connections(server: ServerProcess):
    source = "127.0.3.7"
    held = [connect(server, source) for _ in range(PER_ADDRESS)]
    time.sleep(0.3)
    extra = connect(server, source)
    answer = read_until_closed(extra, MARGIN)
    assert answer.startswith(b"HTTP/1.1 429 "), answer[:200]
    assert b"retry-after: 5" in answer
    health(server)  # another address is served meanwhile
    for sock in held:
        sock.close()
    time.sleep(0.5)
    assert Client(server.url, source=source).call("GET", "/api/health") == {"ok": True}


def test_the_limits_leave_the_server_answering(server: ServerProcess):
    log = server.log_path.read_text()
    assert "Exception in ASGI application" not in log and "Too many open files" not in log
    # a body cut by its deadline reaches the route as starlette's ClientDisconnect (as when a
    # client goes away): not an error of the server's, so no traceback
    assert "Traceback" not in log, log[-3000:]
    health(server)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"FOO\x01 / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    ],
)
def test_a_request_the_parser_refuses_gets_a_json_400(server: ServerProcess, request_bytes):
    sock = connect(server)
    sock.sendall(request_bytes)
    answer = read_until_closed(sock, DEADLINE + MARGIN)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"application/json" in answer and b'"error": "not a valid HTTP/1.1 request' in answer
