"""A room whose check runs out of time is refused and never opened afterwards."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

from negotiation.classroom import server, teacher_desk
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import DEFAULT_DIR, ScenarioLibrary
from negotiation.classroom.store import Store

KEY = "k-" + "x" * 20


def call(app: Any, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
    """One HTTP request to the ASGI app, in an event loop of its own thread."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"x-teacher-key", KEY.encode()), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
    }
    incoming = [{"type": "http.request", "body": json.dumps(body or {}).encode()}]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    thread = threading.Thread(target=lambda: asyncio.run(app(scope, receive, send)))
    thread.start()
    thread.join()
    return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


def test_a_room_whose_check_runs_out_of_time_is_not_opened_later(tmp_path: Path, monkeypatch):
    service = RoomService(Store(tmp_path / "c.db"), KEY)
    checked = threading.Event()
    check = teacher_desk.room_scenario

    def slow_check(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # past the limit below: the request gives up, its thread goes on
        try:
            return check(*args, **kwargs)
        finally:
            checked.set()

    monkeypatch.setattr(teacher_desk, "room_scenario", slow_check)
    monkeypatch.setattr(server, "CHECK_SECONDS", 0.1)
    app = server.create_app(service, ScenarioLibrary(DEFAULT_DIR))
    status, answer = call(
        app, "POST", "/api/rooms", {"scenario": "critical_minerals_2026", "humans": ["PL"]}
    )
    assert status == 400 and "took longer than 0.1 s" in answer["error"]
    assert checked.wait(5)
    time.sleep(0.2)  # time for a room to be opened, if the finished check still opened one
    assert call(app, "GET", "/api/rooms") == (200, [])


def test_a_room_checked_in_time_is_opened_with_its_seats(tmp_path: Path):
    service = RoomService(Store(tmp_path / "c.db"), KEY)
    app = server.create_app(service, ScenarioLibrary(DEFAULT_DIR))
    status, answer = call(
        app,
        "POST",
        "/api/rooms",
        {"scenario": "critical_minerals_2026", "humans": ["PL", "us"], "seed": 4},
    )
    assert status == 200
    [room] = call(app, "GET", "/api/rooms")[1]
    assert (room["code"], room["seed"], room["human_seats"]) == (answer["code"], 4, 2)
    reopened = RoomService(
        Store(
            tmp_path / "c.db",
        ),
        KEY,
    )  # as stored
    [stored] = reopened.list_rooms(KEY)
    assert (stored["code"], stored["human_seats"], stored["status"]) == (answer["code"], 2, "open")
