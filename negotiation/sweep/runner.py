"""Run a sweep over a `concurrent.futures.Executor`: in this process, local processes, or Dask.

The runs still missing from the output are cut into chunks (a few hundred runs each, the scenario
sent once per chunk); a bounded number of chunks is in flight at a time, and each finished chunk is
saved at once, so memory stays flat however large the sweep. Which executor ran a chunk does not
change its rows: a sweep gives the same file in-process, on processes and on Dask.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from tqdm import tqdm

from negotiation.scenario import ScenarioSpec
from negotiation.sweep.columns import column_info, state_column_info
from negotiation.sweep.design import Sample
from negotiation.sweep.grid import Grid, GridError, grid_from_mapping
from negotiation.sweep.outcomes import OutcomeKinds
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.provenance import command_line, now, provenance
from negotiation.sweep.store import ResultStore, SweepStoreError, read_frame, write_csv
from negotiation.sweep.worker import Chunk, ChunkResult, run_chunk

MAX_CHUNK = 250
CHUNKS_PER_SLOT = 4
IN_FLIGHT_PER_SLOT = 2
CONNECT_SECONDS = 10  # to reach a Dask scheduler
WORKER_WAIT = 10.0  # seconds to wait for a first Dask worker before saying none is connected
PARENT_POLL = 0.5  # seconds between a pool worker's checks that the sweep is still alive
# The worker's statistical profiler keeps an hour of samples: memory that grows with a long sweep.
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


class ClusterError(ValueError):
    """A Dask cluster that cannot be used."""


def _init_worker(sweep_pid: int) -> None:
    """Set up a pool worker: leave Ctrl-C to the parent, and exit when the sweep is gone.

    A parent killed with SIGKILL cannot stop its pool, and the workers would wait for tasks for
    ever; a watch thread ends the worker within PARENT_POLL seconds of the parent's death.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    start_parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL)
            if os.getppid() != start_parent or not _alive(sweep_pid):
                os._exit(1)

    threading.Thread(target=watch, name="sweep-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class InlineExecutor(Executor):
    """Runs each task at once, in this process (the one-process baseline)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:
            future.set_exception(err)
        return future


def check_dask_address(dask: str) -> None:
    """ClusterError unless `dask` is `local` or a scheduler address PROTOCOL://HOST[:PORT] with
    a port from 1 to 65535 (checked before any file is touched)."""
    if dask == "local":
        return
    usage = "give local or a scheduler address tcp://HOST:PORT"
    parts = urlsplit(dask)
    if not parts.scheme or not parts.hostname:
        raise ClusterError(f"--dask {dask!r}: {usage}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise ClusterError(f"--dask {dask}: the port must be from 1 to 65535; {usage}")


def connect(address: str) -> Any:
    """A Dask client of the scheduler at `address`; ClusterError, within CONNECT_SECONDS (and
    two more) if nothing answers there or what answers is not a Dask scheduler (an HTTP server
    never answers the handshake, so the client is made in a thread that is given up on)."""
    from distributed import Client

    box: dict[str, Any] = {}

    def attempt() -> None:
        try:
            box["client"] = Client(address, timeout=f"{CONNECT_SECONDS}s")
        except Exception as err:  # a garbled reply raises anything (MemoryError, ...)
            box["error"] = err

    thread = threading.Thread(target=attempt, name="dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + 2)
    error = box.get("error")
    if isinstance(error, OSError):
        raise ClusterError(f"--dask {address}: cannot reach the Dask scheduler ({error})")
    usage = "give the address `dask scheduler` prints, tcp://HOST:8786"
    if error is not None:
        raise ClusterError(
            f"--dask {address}: what answers there is not a Dask scheduler (its reply gave "
            f"{type(error).__name__}); {usage}"
        )
    if thread.is_alive():
        raise ClusterError(
            f"--dask {address}: no Dask scheduler answered there within {CONNECT_SECONDS} s "
            f"(another kind of server?); {usage}"
        )
    return box["client"]


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

        # A lost scheduler is reported once, as a ClusterError; not as the client's tracebacks,
        # nor as asyncio's "Task exception was never retrieved" for its closed connections.
        for name in ["distributed", "asyncio", "tornado", *logging.root.manager.loggerDict]:
            if name.startswith(("distributed", "asyncio", "tornado")):
                logging.getLogger(name).setLevel(logging.CRITICAL)

        cluster = None
        if dask == "local":
            with dask_config.set(LOCAL_CLUSTER_CONFIG):
                cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            client = Client(cluster)
        else:
            check_dask_address(dask)
            client = connect(dask)
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except (TimeoutError, OSError):
                client.close()
                raise ClusterError(
                    f"--dask {dask}: no Dask worker is connected to the scheduler (waited "
                    f"{WORKER_WAIT:.0f} s); start workers with `dask worker {dask}` and run the "
                    "same command again"
                ) from None
        try:
            yield client.get_executor(), max(1, sum(client.nthreads().values()))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    elif workers > 1:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["negotiation.sweep.worker"])
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(),)
        ) as pool:
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


def count_saved(plan: SweepPlan, done: Mapping[str, tuple[str, int]]) -> int:
    """How many of the plan's runs are saved; SweepStoreError if the output holds another sweep."""
    saved = 0
    for run in plan.runs():
        entry = done.get(run.run_id)
        if entry is None:
            continue
        digest, seed = entry
        if digest != run.scenario_hash:
            raise SweepStoreError(
                f"the output already holds run {run.run_id} of a different sweep (scenario or "
                f"grid changed: {digest} here, {run.scenario_hash} now); choose a new --out to "
                "keep it, or add --force-new to replace it"
            )
        if seed != run.seed:
            raise SweepStoreError(
                f"the output already holds run {run.run_id} with seed {seed}, not {run.seed} "
                "(another master seed); choose a new --out, or add --force-new to replace it"
            )
        saved += 1
    return saved


def make_chunks(
    plan: SweepPlan,
    done: Mapping[str, Any],
    size: int,
    with_rounds: bool,
    with_states: bool = False,
) -> Iterator[Chunk]:
    """The runs not saved yet, `size` at a time, made lazily (memory does not grow with the plan)."""
    scenario_json = json.dumps(plan.spec.model_dump(mode="json"))
    functions = tuple(plan.outcome_functions.items())
    pending = (run for run in plan.runs() if run.run_id not in done)
    for batch in itertools.batched(pending, size):
        points = {r.point_index: plan.points[r.point_index] for r in batch}
        yield Chunk(scenario_json, points, list(batch), with_rounds, with_states, functions)


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
    force_new: bool = False,
) -> SweepSummary:
    """Play the plan's missing runs on the executor, saving each chunk as a part when it finishes.

    The store must hold nothing or runs of this same sweep (`ResultStore.claim`); `force_new`
    clears it first.

    `store.finish` merges the parts into the output afterwards (`execute` does it once the workers
    are stopped, so their memory is free for the merge).
    """
    started = time.perf_counter()
    store.claim(plan.identity(), force_new)
    done = store.done()
    skipped = count_saved(plan, done)
    todo = plan.n_runs - skipped
    size = chunk_size or chunk_size_for(todo, slots)
    chunks = make_chunks(plan, done, size, store.rounds is not None, store.states is not None)
    kinds = OutcomeKinds(plan.outcome_functions)
    for source, schema in store.saved_schemas():
        kinds.see_schema(schema, f"the runs saved in {source}")
    bar = tqdm(
        total=plan.n_runs, initial=skipped, unit="game", disable=not progress, dynamic_ncols=True
    )
    in_flight: dict[Future, Chunk] = {}
    try:
        for chunk in chunks:
            in_flight[executor.submit(run_chunk, chunk)] = chunk
            while len(in_flight) >= slots * IN_FLIGHT_PER_SLOT:
                _save_finished(in_flight, store, bar, kinds)
        while in_flight:
            _save_finished(in_flight, store, bar, kinds)
    except BaseException:
        for future in in_flight:
            future.cancel()
        raise
    finally:
        bar.close()
    return SweepSummary(plan.n_runs, skipped, todo, time.perf_counter() - started)


def _save_finished(
    in_flight: dict[Future, Chunk], store: ResultStore, bar: tqdm, kinds: OutcomeKinds
) -> None:
    """Save the chunks that have finished, in run order; a chunk whose user outcomes have
    another type than the runs saved before is not saved (OutcomeError)."""
    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
    for future in sorted(finished, key=lambda f: in_flight[f].runs[0].run_id):
        chunk = in_flight.pop(future)
        try:
            result: ChunkResult = future.result()
        except (CancelledError, BrokenProcessPool, OSError) as err:
            raise ClusterError(
                f"the workers or the Dask scheduler were lost ({type(err).__name__}"
                f"{': ' + str(err) if str(err) else ''}); finished chunks are saved: run the same "
                "command again to resume"
            ) from None
        except Exception as err:
            if type(err).__module__.startswith("distributed"):  # scheduler or comm gone
                raise ClusterError(
                    f"the Dask cluster was lost ({type(err).__name__}); finished chunks are "
                    "saved: run the same command again to resume"
                ) from None
            raise
        kinds.see_table(result.runs)
        store.write(chunk.runs[0].run_id, result.runs, result.rounds, result.states)
        bar.update(len(chunk.runs))


def sweep(
    scenario: ScenarioSpec | str | Path,
    grid: Grid | Mapping[str, Any] | None = None,
    seeds: int = 1,
    master_seed: int = 0,
    *,
    sample: Sample | None = None,
    outcome_functions: Mapping[str, str] | None = None,
    out: str | Path | None = None,
    rounds_out: str | Path | None = None,
    states_out: str | Path | None = None,
    csv: bool = False,
    workers: int = 1,
    dask: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    force_new: bool = False,
) -> pd.DataFrame:
    """Play every design point with `seeds` seeds; one row per game, as a DataFrame.

    `grid` maps a scenario PATH to its values (a list, or a VALUES string such as "0:1:0.25");
    `sample` is a sampled design instead (`negotiation.sweep.design.Sample`). With `out` the rows
    are also kept in that Parquet file (and a CSV copy with `csv=True`), and a sweep that stopped
    resumes there; `rounds_out` keeps one row per round per game, `states_out` one row per member
    state per game. Columns have pandas' nullable dtypes (Int64, Float64, boolean, string).
    """
    plan = SweepPlan.build(
        scenario,
        grid_from_mapping(grid or {}),
        seeds,
        master_seed,
        sample=sample,
        outcome_functions=dict(outcome_functions or {}),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(out) if out is not None else Path(tmp) / "runs.parquet"
        execute(
            plan,
            path,
            rounds_out,
            csv,
            workers,
            dask,
            chunk_size,
            progress,
            states_out=states_out,
            force_new=force_new,
            command="python: negotiation.sweep.sweep(...)",
        )
        return read_frame(path)


def describe_executor(workers: int, dask: str | None) -> str:
    if dask == "local":
        return f"Dask LocalCluster, {workers} worker process(es)"
    if dask:
        return f"Dask cluster at {dask}"
    return f"{workers} local process(es)" if workers > 1 else "in-process"


def execute(
    plan: SweepPlan,
    out: Path,
    rounds_out: str | Path | None = None,
    csv: bool = False,
    workers: int = 1,
    dask: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    *,
    states_out: str | Path | None = None,
    force_new: bool = False,
    command: str | None = None,
    sweep_file_text: str | None = None,
    sweep_file: str | Path | None = None,
) -> SweepSummary:
    """Run a plan into files (Parquet, plus CSV copies with `csv`); what the command line does.

    Before any game: the outputs must be writable files, none of them the scenario file, the
    sweep file or another output, and an existing output (also a rounds or per-state table)
    must come from this same sweep (master seed, scenario, code, design), unless `force_new`
    replaces it.
    """
    for path in (out, rounds_out, states_out):
        if path is not None and Path(path).suffix.lower() == ".csv":
            raise SweepStoreError(
                f"{path}: results are written as Parquet; add --csv for a CSV copy"
            )
    if chunk_size is not None and (isinstance(chunk_size, bool) or chunk_size < 1):
        raise GridError(f"--chunk-size: must be a whole number of at least 1 (got {chunk_size})")
    if workers < 1:
        raise GridError(f"workers: must be at least 1 (got {workers})")
    if dask:
        check_dask_address(dask)
    store = ResultStore(out, rounds_out, states_out)
    scenario_file = plan.source if plan.source != "<scenario>" else None
    store.preflight({"the scenario file": scenario_file, "the sweep file": sweep_file})
    identity = plan.identity()
    store.claim(identity, force_new)
    started = now()
    try:
        with open_executor(workers, dask) as (executor, slots):
            summary = run_sweep(plan, store, executor, slots, chunk_size, progress)
    except BaseException:
        store.discard_if_unsaved()
        raise
    session = {
        "command": command if command is not None else command_line(),
        "executor": describe_executor(workers, dask),
        "started": started,
        "finished": now(),
        "games_played": summary.ran,
    }
    made = provenance(
        scenario_text=plan.scenario_text,
        scenario_source=plan.source,
        command=session["command"],
        sweep_file_text=sweep_file_text,
        executor=session["executor"],
        started=started,
        finished=session["finished"],
    )
    scenario = plan.spec.model_dump(mode="json")
    columns = {name: column_info(name, scenario) for name in store.column_names()}
    per_state = {name: state_column_info(name, scenario) for name in store.state_column_names()}
    outputs = {
        key: os.path.relpath(Path(path).resolve(), Path(out).resolve().parent)
        for key, path in (("rounds_table", rounds_out), ("states_table", states_out))
        if path is not None
    }
    store.finish(
        {
            **plan.describe(),
            "provenance": made,
            "sessions": [session],
            "columns": columns,
            "outputs": outputs,
        },
        per_state,
    )
    if csv:
        for path in (out, rounds_out, states_out):
            if path is not None and Path(path).is_file():
                write_csv(path, Path(path).with_suffix(".csv"))
    return summary


def default_workers() -> int:
    return os.cpu_count() or 1
