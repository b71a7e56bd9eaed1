"""Classroom at scale: 30 scripted students in one room, over the server's HTTP/JSON.

    .venv/bin/python benchmarks/classroom_scale.py [--students 30] [--seed 7]

Starts ``python -m negotiation.classroom.server`` on a fresh database, opens one room whose human
seats are the first N actors (30 = every actor of the default scenario), and runs one thread per
student. Each student long-polls its seat (``GET .../seats/{actor}?after=<version>``, as a page
would) and sends its agent's suggested move as soon as it has a decision, so the figures measure
the server, not people.

Prints the round latency (from the first moment any student sees a round until any student sees
the next one), median and 95th percentile, and the moves lost: moves the server accepted that are
not in the database afterwards (must be 0).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import threading
import time
from pathlib import Path

from negotiation.classroom.client import Client, ServerProcess, student_address
from negotiation.classroom.store import Store
from negotiation.model import NegotiationModel
from negotiation.scenario import load_scenario

SCENARIO = "critical_minerals_2026"
KEY = "bench-teacher-key"


class Student(threading.Thread):
    """One scripted student: wait for a decision, play the agent's suggestion, repeat."""

    def __init__(self, url: str, code: str, actor: str, token: str, seen: dict[int, float]):
        super().__init__(daemon=True)
        self.client = Client(url)
        self.code, self.actor, self.token = code, actor, token
        self.seen = seen  # round -> first time any student saw it (shared)
        self.lock = threading.Lock()
        self.accepted: list[tuple[int, str]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._play()
        except BaseException as err:
            self.error = err

    def _play(self) -> None:
        version, log_from = None, 0
        while True:
            view = self.client.seat(
                self.code, self.actor, self.token, after=version, wait=20, log_from=log_from
            )
            version, log_from = view["version"], log_from + len(view["log"])
            key = view["round"] if view["status"] != "finished" else -1
            self.seen.setdefault(key, time.perf_counter())
            if view["status"] == "finished":
                return
            decision = view["decision"]
            if decision:
                self.client.move(self.code, self.actor, self.token, decision["agent_move"])
                self.accepted.append((decision["round"], decision["kind"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    spec = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / f"{SCENARIO}.yaml")
    actors = NegotiationModel.from_spec(spec, args.seed).actor_ids()[: args.students]

    with tempfile.TemporaryDirectory() as tmp, ServerProcess(Path(tmp) / "bench.db", KEY) as server:
        teacher = Client(server.url, KEY)
        code = teacher.create_room(SCENARIO, seed=args.seed, humans=actors)["code"]
        seats = {  # each student from its own loopback address (a device of its own)
            a: Client(server.url, source=student_address(n)).take_seat(code, a, f"student {a}")[
                "token"
            ]
            for n, a in enumerate(actors)
        }
        seen: dict[int, float] = {}
        students = [Student(server.url, code, a, t, seen) for a, t in seats.items()]
        for s in students:
            s.start()
        time.sleep(0.5)  # every student is waiting on its seat
        t0 = time.perf_counter()
        teacher.control(code, "start")
        for s in students:
            s.join(timeout=600)
        elapsed = time.perf_counter() - t0
        errors = [s.error for s in students if s.error]
        monitor = teacher.monitor(code)
        server.stop()
        stored = Store(server.db).moves(code)

    accepted = {(r, s.actor, k) for s in students for r, k in s.accepted}
    in_db = {(m.round, m.actor, m.kind) for m in stored if m.by == "human"}
    lost = len(accepted - in_db)
    marks = [seen[r] for r in sorted(k for k in seen if k > 0)] + [
        seen.get(-1, time.perf_counter())
    ]
    marks[0] = max(marks[0], t0)
    latencies = [b - a for a, b in itertools.pairwise(marks)]
    p95 = (
        statistics.quantiles(latencies, n=20, method="inclusive")[-1]
        if len(latencies) > 1
        else latencies[0]
    )
    print(
        f"students: {len(students)} in one room; outcome {monitor['outcome']['outcome']} "
        f"in round {monitor['round']} of {monitor['rounds']}"
    )
    print(f"moves accepted: {len(accepted)}; stored: {len(stored)}; moves lost: {lost}")
    median = statistics.median(latencies)
    print(
        f"rounds: {len(latencies)}; round latency median {median * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; whole game {elapsed:.2f} s"
    )
    if errors:
        print(f"student errors: {errors[:3]}")
    if lost or errors or monitor["status"] != "finished":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
