"""Sweep benchmark: games per second and peak memory of a sweep of the default scenario.

    .venv/bin/python benchmarks/sweep_bench.py                 # 10,000 games: 1 process, 2 local
                                                               # processes, 2-worker Dask LocalCluster
    .venv/bin/python benchmarks/sweep_bench.py --memory-run    # 100,000 games on 2 processes and Dask
    .venv/bin/python benchmarks/sweep_bench.py --overhead      # where a sweep's time goes, per game

`--overhead` plays the same games (a) as a bare engine loop, (b) through `run_chunk` (rows, typed
table), (c) through `execute` in this process (plus writing Parquet, identity, provenance), and
times starting and stopping a 2-process pool with no games; each is the median of 3 repeats,
run interleaved (a, b, c, pool, a, b, c, pool, ...) so that the machine's load hits each alike,
as wall time and as this process's CPU time (less sensitive to other work on the machine); the
sweep machinery's cost per game is (c) - (a) in CPU time.

Each mode runs the whole `execute` call (start of the pool or cluster, the games, writing the
Parquet file); games/s is games over that wall time. Peak memory is sampled every 0.5 s over
this process and all its descendants (forkserver and pool workers; Dask scheduler, nannies and
workers) as two sums: RSS, which counts the libraries and imports the processes share once per
process, and PSS (proportional set size), which splits each shared page between the processes
that map it, so the sum is the physical memory the sweep holds. CPU ms/game is the CPU time of
all those processes per game: on a machine shared with other work, games/s falls with the load
average, while CPU ms/game shows what the sweep itself costs (2 cores / CPU per game is the rate
an idle machine allows).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import execute, make_chunks, open_executor
from negotiation.sweep.worker import run_chunk

SCENARIO = Path(__file__).parents[1] / "scenarios" / "critical_minerals_2026.yaml"
MODES = {
    "one process": {"workers": 1},
    "2 local processes": {"workers": 2},
    "Dask LocalCluster, 2 workers": {"workers": 2, "dask": "local"},
}


class ProcessTreeMonitor:
    """Samples memory (RSS, PSS sums) and CPU time of this process and its descendants."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self._me = psutil.Process()
        start = self._me.cpu_times()
        self._cpu: dict[int, float] = {-1: -(start.user + start.system)}  # only CPU from now on
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def __enter__(self) -> ProcessTreeMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample_once()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._sample_once()
            self._stop.wait(self.interval)

    def _sample_once(self) -> None:
        rss = pss = 0
        for proc in [self._me, *self._me.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
                cpu = proc.cpu_times()
            except psutil.Error:
                continue
            self._cpu[proc.pid] = cpu.user + cpu.system
            rss += info.rss
            pss += info.pss
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)


def bench(mode: str, games: int, master_seed: int) -> tuple[float, float, ProcessTreeMonitor]:
    """Seconds, games/s and peak memory of one sweep of `games` games."""
    plan = SweepPlan.build(SCENARIO, {}, seeds=games, master_seed=master_seed)
    with tempfile.TemporaryDirectory() as tmp, ProcessTreeMonitor() as memory:
        started = time.perf_counter()
        execute(plan, Path(tmp) / "runs.parquet", **MODES[mode])
        seconds = time.perf_counter() - started
    return seconds, games / seconds, memory


def overhead(games: int, master_seed: int, repeats: int = 3) -> None:
    """Median ms per game of the bare engine, of run_chunk and of execute; pool start-up."""
    import statistics

    from negotiation.model import NegotiationModel

    plan = SweepPlan.build(SCENARIO, {}, seeds=games, master_seed=master_seed)

    def bare() -> None:
        for seed in plan.seed_values:
            NegotiationModel.from_spec(plan.spec, seed, record_moves=False).run()

    def chunks() -> None:
        for chunk in make_chunks(plan, {}, 250, False):
            run_chunk(chunk)

    def whole() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            execute(plan, Path(tmp) / "runs.parquet", workers=1)

    def pool() -> None:
        with open_executor(2) as (executor, _):
            executor.submit(int, 1).result()

    print(f"overhead, {games} default games, load average {os.getloadavg()[0]:.1f}")
    steps = (
        ("bare engine loop", bare, True),
        ("run_chunk (rows, typed table)", chunks, True),
        ("execute in-process (all)", whole, True),
        ("start+stop a 2-process pool", pool, False),
    )
    wall: dict[str, list[float]] = {name: [] for name, _, _ in steps}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in steps}
    for _ in range(repeats):  # interleaved, so a change in the machine's load hits every step
        for name, func, _ in steps:
            started, started_cpu = time.perf_counter(), time.process_time()
            func()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    figures = {}
    for name, _, per_game in steps:
        median, median_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        figures[name] = median_cpu
        if per_game:
            unit = (
                f"{1000 * median / games:6.2f} ms/game wall, {1000 * median_cpu / games:6.2f} "
                "ms/game CPU (this process)"
            )
        else:
            unit = f"{median:6.2f} s wall"
        print(f"  {name:32s} {unit}", flush=True)
    extra = figures["execute in-process (all)"] - figures["bare engine loop"]
    print(
        f"  sweep machinery (CPU): {1000 * extra / games:.2f} ms/game "
        f"({100 * extra / figures['execute in-process (all)']:.0f}% of the in-process sweep)"
        f"  (load average now {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=10_000, help="games per sweep (10,000)")
    parser.add_argument(
        "--baseline-games", type=int, help="games for the one-process run (default: --games)"
    )
    parser.add_argument(
        "--memory-run", action="store_true", help="100,000 games, parallel modes only"
    )
    parser.add_argument("--master-seed", type=int, default=1)
    parser.add_argument("--overhead", action="store_true", help="where the time goes, per game")
    args = parser.parse_args()
    if args.overhead:
        overhead(min(args.games, 1000), args.master_seed)
        return
    games = 100_000 if args.memory_run else args.games
    modes = list(MODES)[1:] if args.memory_run else list(MODES)

    print(f"default scenario, {psutil.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    rates = {}
    for mode in modes:
        n = args.baseline_games or games if mode == "one process" else games
        seconds, rate, memory = bench(mode, n, args.master_seed)
        rates[mode] = rate
        print(
            f"{mode:29s} {n:6d} games {seconds:6.1f} s {rate:4.0f} games/s "
            f"CPU {1000 * memory.cpu_seconds / n:4.1f} ms/game  "
            f"peak memory: PSS {memory.peak_pss / 2**20:3.0f} MB, RSS {memory.peak_rss / 2**20:3.0f} MB"
            f"  (load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    if "one process" in rates:
        for mode in modes[1:]:
            print(f"speed-up of {mode} over one process: {rates[mode] / rates['one process']:.2f}x")


if __name__ == "__main__":
    main()
