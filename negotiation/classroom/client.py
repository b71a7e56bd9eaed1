"""A small client for the classroom server, and a way to run the server as a child process.

The client speaks the same HTTP/JSON as any page would (standard library only), so scripted
students ("bots") in tests and benchmarks take the same path as people. Refusals raise
`ServerRefused` with the server's status and message. A client may send from its own loopback
address (``source="127.0.0.7"``): the server's limits are per address, so scripted students on one
machine are counted apart as the devices of a class would be.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from negotiation.classroom.keys import TEACHER_KEY_ENV


class ServerRefused(Exception):
    """The server answered with an error status."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(f"{status}: {body.get('error', body)}")
        self.status = status
        self.body = body


class _FromAddress(urllib.request.HTTPHandler):
    """Open HTTP connections from one local address."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def http_open(self, req: urllib.request.Request) -> Any:
        connect = functools.partial(http.client.HTTPConnection, source_address=(self.source, 0))
        return self.do_open(connect, req)


def student_address(n: int) -> str:
    """The n-th scripted student's loopback address (127.0.1.1, 127.0.1.2, ...)."""
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


class Client:
    """Calls to one classroom server; `teacher_key` is sent when given; `source` is the local
    address to send from (a loopback address such as 127.0.0.7)."""

    def __init__(
        self,
        base_url: str,
        teacher_key: str | None = None,
        timeout: float = 60.0,
        source: str | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.teacher_key = teacher_key
        self.timeout = timeout
        self._open = (
            urllib.request.build_opener(_FromAddress(source)).open
            if source
            else urllib.request.urlopen
        )

    def call(
        self,
        method: str,
        path: str,
        data: Any = None,
        token: str | None = None,
        raw: bytes | None = None,
    ) -> Any:
        headers = {"content-type": "application/json"}
        if self.teacher_key is not None:
            headers["x-teacher-key"] = self.teacher_key
        if token is not None:
            headers["x-seat-token"] = token
        payload = raw if raw is not None else (None if data is None else json.dumps(data).encode())
        request = urllib.request.Request(
            self.base_url + path, data=payload, method=method, headers=headers
        )
        try:
            with self._open(request, timeout=self.timeout) as response:
                text = response.read().decode()
                kind = response.headers.get("content-type", "")
        except urllib.error.HTTPError as err:
            raw = err.read() or b"{}"
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"error": raw.decode(errors="replace")[:500]}
            raise ServerRefused(err.code, body) from None
        return json.loads(text) if kind.startswith("application/json") else text

    # teacher
    def create_room(self, scenario: str, seed: int, humans: list[str], **extra: Any) -> dict:
        return self.call(
            "POST", "/api/rooms", {"scenario": scenario, "seed": seed, "humans": humans, **extra}
        )

    def control(self, code: str, action: str) -> dict:
        return self.call("POST", f"/api/rooms/{code}/{action}")

    def monitor(self, code: str) -> dict:
        return self.call("GET", f"/api/rooms/{code}/monitor")

    def log(self, code: str, log_from: int = 0) -> list[dict]:
        return self.call("GET", f"/api/rooms/{code}/log?log_from={log_from}")

    # students
    def room(self, code: str) -> dict:
        return self.call("GET", f"/api/rooms/{code}")

    def take_seat(self, code: str, actor: str, name: str) -> dict:
        return self.call("POST", f"/api/rooms/{code}/seats/{actor}", {"name": name})

    def seat(
        self,
        code: str,
        actor: str,
        token: str | None,
        after: int | None = None,
        wait: float = 10.0,
        log_from: int = 0,
    ) -> dict:
        query = f"?log_from={log_from}"
        if after is not None:
            query += f"&after={after}&wait={wait}"
        return self.call("GET", f"/api/rooms/{code}/seats/{actor}{query}", token=token)

    def move(
        self,
        code: str,
        actor: str,
        token: str | None,
        move: dict,
        log_from: int | None = None,
        wait: float | None = None,
        decision: dict | None = None,
    ) -> dict:
        """Send a seat's move; with `log_from`, the answer has the seat's view after it in
        ``view`` (its log from move number `log_from` on); with `wait` as well, the answer waits
        up to that many seconds, as a long poll after the move would, and has the view then.
        With `decision` (the view's decision, or its round and kind), the move is refused (409)
        if that decision is no longer open."""
        query = "" if log_from is None else f"?log_from={log_from}"
        if log_from is not None and wait is not None:
            query += f"&wait={wait}"
        body: dict = {"move": move}
        if decision is not None:
            body["decision"] = {"round": decision["round"], "kind": decision["kind"]}
        return self.call("POST", f"/api/rooms/{code}/seats/{actor}/moves{query}", body, token=token)

    def say(self, code: str, actor: str, token: str | None, to: str, text: str) -> dict:
        """A message from a seat: to one seat, or to "all"."""
        return self.call(
            "POST",
            f"/api/rooms/{code}/seats/{actor}/messages",
            {"to": to, "text": text},
            token=token,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``python -m negotiation.classroom.server`` on a free port, over the database `db`."""

    def __init__(self, db: str | Path, teacher_key: str, log_path: str | Path | None = None):
        self.db = Path(db)
        self.teacher_key = teacher_key
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path) if log_path else self.db.with_suffix(".log")
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> ServerProcess:
        env = {**os.environ, TEACHER_KEY_ENV: self.teacher_key, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "negotiation.classroom.server"]
        cmd += ["--db", str(self.db), "--port", str(self.port)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                Client(self.url, timeout=2).call("GET", "/api/health")
                return self
            except (OSError, ServerRefused):
                time.sleep(0.05)
        raise RuntimeError(f"server did not answer within {timeout}s:\n{self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown at all."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
