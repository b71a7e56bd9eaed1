"""A school on one machine: 300 students in 10 rooms of 30, driven by Locust over HTTP.

    .venv/bin/python benchmarks/classroom_locust.py [--rooms 10] [--students 30] [--seed 7]
        [--two-requests]

Starts ``python -m negotiation.classroom.server`` on a fresh database, opens the rooms (every
actor of ``critical_minerals_2026`` a human seat), and runs one Locust user per student, in this
process (Locust's library API, gevent, with its light `FastHttpUser` client so that the students
take less of the machine the server runs on). Each student does what a page does: takes its seat
from its own loopback address (127.0.x.y, so the server's per-device limits count them apart, as
the devices of a class), long-polls its seat (``GET .../seats/{actor}?after=<version>&wait=20``)
and sends its agent's suggested move as soon as it has a decision. The move's answer waits as that
long poll would and carries the seat's view then (``?log_from=<n>&wait=20``), which the student
reads as it would a poll's: one request a move. From a server that sends no view there, it asks
again at once with the version it saw before the move. With ``--two-requests`` the students send
their moves without ``wait`` (answered at once) and then long-poll, as in the earlier passes.
The teacher starts each room when its 30 seats are taken.

Prints, with the load average beside them (the machine is shared):

- round latency per room: from the first moment any student of the room sees a round until any
  sees the next one; median, p95 and max over every round of every room (target: p95 <= 500 ms);
- moves lost: moves the server accepted that are not in the database afterwards (must be 0);
- requests by kind with Locust's median and 95th percentile, failures and 5xx answers (must be 0);
- the CPU seconds the server and the students (this process) used: on a shared machine the
  latencies depend on what else runs, the CPU seconds much less.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, ClassVar  # noqa: E402

import gevent  # noqa: E402
import gevent.socket  # noqa: E402
from geventhttpclient.connectionpool import ConnectionPool  # noqa: E402
from locust import FastHttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

from negotiation.classroom.client import Client, ServerProcess, student_address  # noqa: E402
from negotiation.model import NegotiationModel  # noqa: E402
from negotiation.scenario import load_scenario  # noqa: E402

SCENARIO = "critical_minerals_2026"
KEY = "bench-teacher-key-0123456789"
WAIT = 20


def _from_address(pool: ConnectionPool, family: int, socktype: int, protocol: int) -> Any:
    """Connections from the student's own local address (each student is its own device): the
    Locust user's greenlet names it (`Student.on_start`), its connections are made in it."""
    sock = gevent.socket.socket(family, socktype, protocol)
    source = getattr(gevent.getcurrent(), "student_address", None)
    if source:
        sock.bind((source, 0))
    return sock


ConnectionPool._create_tcp_socket = _from_address  # type: ignore[method-assign]


class School:
    """What the students share: their seats to take, and what they saw and did."""

    seats: ClassVar[list[tuple[int, str, str]]] = []  # (student number, room code, actor)
    seen: ClassVar[
        dict[str, dict[int, float]]
    ] = {}  # room -> round -> first time seen (-1: finished)
    accepted: ClassVar[set[tuple[str, int, str, str]]] = set()  # (room, round, actor, kind)
    seated: ClassVar[dict[str, int]] = {}
    move_wait = f"&wait={WAIT}"  # "" with --two-requests: the move's answer comes at once
    move_name = "move (its answer waits as a long poll)"  # its time: the move's and the wait's
    server_errors = 0


class Student(FastHttpUser):
    wait_time = constant(0)
    concurrency = 2
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        number, self.code, self.actor = School.seats.pop()
        gevent.getcurrent().student_address = student_address(number)
        with self.client.post(
            f"/api/rooms/{self.code}/seats/{self.actor}",
            json={"name": f"student {number}"},
            name="take seat",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                raise StopUser()
            self.token = response.json()["token"]
        School.seated[self.code] = School.seated.get(self.code, 0) + 1
        self.version: int | None = None
        self.log_from = 0
        self.next_view: dict[str, Any] | None = None
        self.headers = {"x-seat-token": self.token}
        self.path = f"/api/rooms/{self.code}/seats/{self.actor}"

    @task
    def play(self) -> None:
        view, self.next_view = self.next_view or self.poll(), None
        if view is None:
            return
        self.version, self.log_from = view["version"], self.log_from + len(view["log"])
        seen = School.seen.setdefault(self.code, {})
        if view["status"] == "finished":
            seen.setdefault(-1, time.perf_counter())
            raise StopUser()
        if view["status"] != "running":
            return
        seen.setdefault(view["round"], time.perf_counter())
        decision = view["decision"]
        if decision:
            with self.client.post(
                f"{self.path}/moves?log_from={self.log_from}{School.move_wait}",
                json={
                    "move": decision["agent_move"],
                    "decision": {"round": decision["round"], "kind": decision["kind"]},
                },
                headers=self.headers,
                name=School.move_name,
                catch_response=True,
            ) as response:
                if response.status_code == 200:
                    School.accepted.add(
                        (self.code, decision["round"], self.actor, decision["kind"])
                    )
                    # the seat's view once something concerns it, if the server sends it
                    # (else: ask again)
                    self.next_view = response.json().get("view")
                elif response.status_code == 409:
                    response.success()  # the round moved on (the clock, another move): not lost
                else:
                    response.failure(f"{response.status_code}: {response.text[:200]}")

    def poll(self) -> dict[str, Any] | None:
        """The seat's view: at once the first time, then when the room passes the version seen."""
        query = f"?log_from={self.log_from}"
        if self.version is not None:
            query += f"&after={self.version}&wait={WAIT}"
        with self.client.get(
            self.path + query, headers=self.headers, name="seat (long poll)", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                gevent.sleep(1)  # as a page would, before it asks again
                return None
            return response.json()


@events.request.add_listener
def count_server_errors(response: Any = None, **_: Any) -> None:
    if response is not None and getattr(response, "status_code", 0) >= 500:
        School.server_errors += 1


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of process `pid` (default: this one) so far, from /proc."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=10)
    parser.add_argument("--students", type=int, default=30, help="students per room")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument(
        "--two-requests",
        action="store_true",
        help="students as in earlier passes: the move's answer at once, then a long poll",
    )
    args = parser.parse_args()
    if args.two_requests:
        School.move_wait, School.move_name = "", "move"
    spec = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / f"{SCENARIO}.yaml")
    actors = NegotiationModel.from_spec(spec, args.seed).actor_ids()[: args.students]
    load_before = os.getloadavg()
    own_cpu = cpu_seconds()

    with tempfile.TemporaryDirectory() as tmp, ServerProcess(Path(tmp) / "bench.db", KEY) as server:
        teacher = Client(server.url, KEY)
        codes = [
            teacher.create_room(SCENARIO, seed=args.seed, humans=actors)["code"]
            for _ in range(args.rooms)
        ]
        School.seats = [
            (n, code, actor) for n, (code, actor) in enumerate(itertools.product(codes, actors))
        ][::-1]
        users = len(School.seats)
        env = Environment(user_classes=[Student], host=server.url)
        runner = env.create_local_runner()
        runner.start(users, spawn_rate=users)
        t0 = time.perf_counter()
        started: dict[str, float] = {}
        while len(started) < len(codes) and time.perf_counter() - t0 < 120:
            for code in codes:
                if code not in started and School.seated.get(code, 0) == len(actors):
                    teacher.control(code, "start")
                    started[code] = time.perf_counter()
            gevent.sleep(0.05)
        while time.perf_counter() - t0 < args.timeout and not all(
            -1 in School.seen.get(code, {}) for code in codes
        ):
            gevent.sleep(0.2)
        elapsed = time.perf_counter() - t0
        load_during = os.getloadavg()
        server_cpu = cpu_seconds(server.process.pid) if server.process else float("nan")
        until = time.perf_counter() + 5  # the answers still on their way (each user stops on
        while runner.user_count and time.perf_counter() < until:  # seeing the game finished)
            gevent.sleep(0.05)
        runner.quit()
        monitors = [teacher.monitor(code) for code in codes]
        server.stop()
        db = sqlite3.connect(server.db)
        stored = {
            (room, r, actor, kind)
            for room, r, actor, kind in db.execute(
                "SELECT room, round, actor, kind FROM moves WHERE by = 'human'"
            )
        }
        db.close()

    latencies = []
    for code in codes:
        seen = School.seen.get(code, {})
        marks = [seen[r] for r in sorted(k for k in seen if k > 0)]
        if -1 in seen:
            marks.append(seen[-1])
        if marks and code in started:
            marks[0] = max(marks[0], started[code])
        latencies += [b - a for a, b in itertools.pairwise(marks)]
    lost = len(School.accepted - stored)
    finished = sum(m["status"] == "finished" for m in monitors)
    stats = env.stats
    print(
        f"students: {users} in {len(codes)} rooms of {len(actors)}; rooms finished: "
        f"{finished}/{len(codes)}; whole run {elapsed:.1f} s"
    )
    print(
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; at the end: "
        + ", ".join(f"{x:.2f}" for x in load_during)
        + f" ({os.cpu_count()} cores)"
    )
    print(
        f"CPU: server {server_cpu:.1f} s, students (Locust, this process) "
        f"{cpu_seconds() - own_cpu:.1f} s, in {elapsed:.1f} s of wall time"
    )
    if latencies:
        print(
            f"rounds: {len(latencies)}; round latency median "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 {quantile(latencies, 0.95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms (target p95 <= 500 ms)"
        )
    print(
        f"moves accepted: {len(School.accepted)}; stored: {len(stored)}; moves lost: {lost}; "
        f"5xx answers: {School.server_errors}; failed requests: {stats.total.num_failures}"
    )
    for name in ("take seat", "seat (long poll)", School.move_name):
        entry = stats.entries.get((name, "POST" if name != "seat (long poll)" else "GET"))
        if entry and entry.num_requests:
            print(
                f"  {name}: {entry.num_requests} requests, median "
                f"{entry.get_response_time_percentile(0.5):.0f} ms, p95 "
                f"{entry.get_response_time_percentile(0.95):.0f} ms, failures {entry.num_failures}"
            )
    for error in list(stats.errors.values())[:5]:
        print(f"  error: {error.method} {error.name}: {error.error} x{error.occurrences}")
    if lost or School.server_errors or finished < len(codes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
