"""Run a sweep over a `concurrent.futures.Executor`: in this process, local processes, or Dask.

The runs still missing from the output are cut into chunks (a few hundred runs each, the scenario
sent once per chunk); a bounded number of chunks is in flight at a time, and each finished chunk is
saved at once, so memory stays flat however large the sweep. Which executor ran a chunk does not
change its rows: a sweep gives the same file in-process, on processes and on Dask.
"""

from __future__ import annotations

import itertools
import json
import math
import multiprocessing
import os
import signal
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from negotiation.scenario import ScenarioSpec
from negotiation.sweep.grid import Grid, grid_from_mapping
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.store import ResultStore, SweepStoreError, read_table, write_csv
from negotiation.sweep.worker import Chunk, ChunkResult, run_chunk

MAX_CHUNK = 250
CHUNKS_PER_SLOT = 4
IN_FLIGHT_PER_SLOT = 2
CONNECT_TIMEOUT = "10s"
# The worker's statistical profiler keeps an hour of samples: memory that grows with a long sweep.
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


class ClusterError(ValueError):
    """A Dask cluster that cannot be used."""


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops the sweep cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class InlineExecutor(Executor):
    """Runs each task at once, in this process (the one-process baseline)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:
            future.set_exception(err)
        return future


@contextmanager
def open_executor(workers: int = 1, dask: str | None = None) -> Iterator[tuple[Executor, int]]:
    """An executor and its number of parallel slots.

    `dask="local"` starts a LocalCluster of `workers` processes (one thread each);
    `dask="tcp://HOST:PORT"` uses a running Dask scheduler; otherwise `workers` > 1 starts a local
    process pool and `workers` == 1 runs in this process.
    """
    if dask:
        from dask import config as dask_config
        from distributed import Client, LocalCluster

        cluster = None
        if dask == "local":
            with dask_config.set(LOCAL_CLUSTER_CONFIG):
                cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            client = Client(cluster)
        elif "://" in dask:
            try:
                client = Client(dask, timeout=CONNECT_TIMEOUT)
            except OSError as err:
                raise ClusterError(
                    f"--dask {dask}: cannot reach the Dask scheduler ({err})"
                ) from None
        else:
            raise ClusterError(
                f"--dask {dask!r}: give local or a scheduler address tcp://HOST:PORT"
            )
        try:
            yield client.get_executor(), max(1, sum(client.nthreads().values()))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers > 1:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["negotiation.sweep.worker"])
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_sigint) as pool:
            yield pool, workers
    else:
        yield InlineExecutor(), 1


@dataclass(frozen=True)
class SweepSummary:
    total: int
    skipped: int
    ran: int
    seconds: float

    @property
    def games_per_second(self) -> float:
        return self.ran / self.seconds if self.seconds > 0 else 0.0


def count_saved(plan: SweepPlan, done: Mapping[str, str]) -> int:
    """How many of the plan's runs are saved; SweepStoreError if the output holds another sweep."""
    saved = 0
    for run in plan.runs():
        digest = done.get(run.run_id)
        if digest is None:
            continue
        if digest != run.scenario_hash:
            raise SweepStoreError(
                f"the output already holds run {run.run_id} of a different sweep (scenario or "
                f"grid changed: {digest} here, {run.scenario_hash} now); choose another output file"
            )
        saved += 1
    return saved


def make_chunks(
    plan: SweepPlan, done: Mapping[str, str], size: int, with_rounds: bool
) -> Iterator[Chunk]:
    """The runs not saved yet, `size` at a time, made lazily (memory does not grow with the plan)."""
    scenario_json = json.dumps(plan.spec.model_dump(mode="json"))
    pending = (run for run in plan.runs() if run.run_id not in done)
    for batch in itertools.batched(pending, size):
        points = {r.point_index: plan.points[r.point_index] for r in batch}
        yield Chunk(scenario_json, points, list(batch), with_rounds)


def chunk_size_for(n_runs: int, slots: int) -> int:
    """A few chunks per slot, at most MAX_CHUNK runs each."""
    return max(1, min(MAX_CHUNK, math.ceil(n_runs / (slots * CHUNKS_PER_SLOT))))


def run_sweep(
    plan: SweepPlan,
    store: ResultStore,
    executor: Executor,
    slots: int = 1,
    chunk_size: int | None = None,
    progress: bool = False,
) -> SweepSummary:
    """Play the plan's missing runs on the executor, saving each chunk as a part when it finishes.

    `store.finish` merges the parts into the output afterwards (`execute` does it once the workers
    are stopped, so their memory is free for the merge).
    """
    started = time.perf_counter()
    done = store.done()
    skipped = count_saved(plan, done)
    todo = plan.n_runs - skipped
    size = chunk_size or chunk_size_for(todo, slots)
    chunks = make_chunks(plan, done, size, store.rounds is not None)
    bar = tqdm(
        total=plan.n_runs, initial=skipped, unit="game", disable=not progress, dynamic_ncols=True
    )
    in_flight: dict[Future, Chunk] = {}
    try:
        for chunk in chunks:
            in_flight[executor.submit(run_chunk, chunk)] = chunk
            while len(in_flight) >= slots * IN_FLIGHT_PER_SLOT:
                _save_finished(in_flight, store, bar)
        while in_flight:
            _save_finished(in_flight, store, bar)
    except BaseException:
        for future in in_flight:
            future.cancel()
        raise
    finally:
        bar.close()
    return SweepSummary(plan.n_runs, skipped, todo, time.perf_counter() - started)


def _save_finished(in_flight: dict[Future, Chunk], store: ResultStore, bar: tqdm) -> None:
    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
    for future in finished:
        chunk = in_flight.pop(future)
        result: ChunkResult = future.result()
        store.write(chunk.runs[0].run_id, result.runs, result.rounds)
        bar.update(len(chunk.runs))


def sweep(
    scenario: ScenarioSpec | str | Path,
    grid: Grid | Mapping[str, Any] | None = None,
    seeds: int = 1,
    master_seed: int = 0,
    *,
    out: str | Path | None = None,
    rounds_out: str | Path | None = None,
    csv: bool = False,
    workers: int = 1,
    dask: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Play every grid point with `seeds` seeds; one row per game, as a DataFrame.

    `grid` maps a scenario PATH to its values (a list, or a VALUES string such as "0:1:0.25").
    With `out` the rows are also kept in that Parquet file (and a CSV copy with `csv=True`), and a
    sweep that stopped resumes there; `rounds_out` keeps one row per round per game.
    """
    plan = SweepPlan.build(scenario, grid_from_mapping(grid or {}), seeds, master_seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(out) if out is not None else Path(tmp) / "runs.parquet"
        execute(plan, path, rounds_out, csv, workers, dask, chunk_size, progress)
        return read_table(path).to_pandas()


def execute(
    plan: SweepPlan,
    out: Path,
    rounds_out: str | Path | None = None,
    csv: bool = False,
    workers: int = 1,
    dask: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
) -> SweepSummary:
    """Run a plan into files (Parquet, plus CSV copies with `csv`); what the command line does."""
    for path in (out, rounds_out):
        if path is not None and Path(path).suffix.lower() == ".csv":
            raise SweepStoreError(
                f"{path}: results are written as Parquet; add --csv for a CSV copy"
            )
    store = ResultStore(out, rounds_out)
    with open_executor(workers, dask) as (executor, slots):
        summary = run_sweep(plan, store, executor, slots, chunk_size, progress)
    store.finish(plan.describe())
    if csv:
        for path in (out, rounds_out):
            if path is not None:
                write_csv(path, Path(path).with_suffix(".csv"))
    return summary


def default_workers() -> int:
    return os.cpu_count() or 1
