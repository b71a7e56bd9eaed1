"""Running sweeps: the same rows in-process, on processes and on Dask; resume; replay."""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from negotiation.scenario import load_scenario
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import InlineExecutor, execute, run_sweep, sweep
from negotiation.sweep.store import ResultStore, read_frame, read_metadata
from negotiation.sweep.worker import replay

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"  # six states: quick games
GRID = {"china.strategy.name": ["escalation", "restraint"], "us.territorial_ambition": [0.0, 0.5]}


@pytest.fixture(scope="module")
def spec():
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def plan(spec):
    return SweepPlan.build(spec, GRID, seeds=6, master_seed=3)


def assert_same_results(a: Path, b: Path) -> None:
    """The same rows, types and row groups, and the same sweep identity."""
    ta, tb = pq.read_table(a), pq.read_table(b)
    assert ta.schema.remove_metadata() == tb.schema.remove_metadata()
    assert ta.equals(tb)
    assert pq.ParquetFile(a).metadata.num_row_groups == pq.ParquetFile(b).metadata.num_row_groups
    assert read_metadata(a)["identity"] == read_metadata(b)["identity"]


def sorted_rows(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values("run_id").reset_index(drop=True)


@pytest.fixture(scope="module")
def inline_result(plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("inline") / "runs.parquet"
    execute(plan, out, rounds_out=out.with_name("rounds.parquet"), workers=1, chunk_size=5)
    return out


def test_rows_hold_params_seed_hash_and_outcome(plan, inline_result):
    df = sorted_rows(inline_result)
    assert len(df) == plan.n_runs == 24
    assert df["run_id"].is_unique
    columns = list(df.columns)
    assert columns[:3] == ["run_id", "china.strategy.name", "us.territorial_ambition"]
    for name in ("point", "seed_index", "seed", "scenario_hash", "outcome", "cohesion_states"):
        assert name in columns
    assert {"council_yes_states", "u_us", "u_commission", "u_china", "u_DK"} <= set(columns)
    assert set(df["outcome"]) <= {
        "bloc_deal",
        "bloc_deal_with_defections",
        "bilateral_patchwork",
        "no_deal",
    }
    assert read_metadata(inline_result)["grid"] == GRID
    rounds = pd.read_parquet(inline_result.with_name("rounds.parquet"))
    assert set(rounds["run_id"]) == set(df["run_id"])
    assert {"round", "pressure", "states_with_bloc"} <= set(rounds.columns)


def test_a_row_replays_alone(spec, inline_result):
    df = sorted_rows(inline_result)
    params = list(GRID)
    for i in (0, 7, 23):
        row = df.iloc[i]
        model = replay(spec, {p: row[p] for p in params}, int(row["seed"]))
        expected = model.outcome.row()
        for key, value in expected.items():
            got = row[key]
            assert (pd.isna(got) and value is None) or got == value, key


def test_same_rows_in_process_on_processes_and_on_dask(plan, inline_result, tmp_path):
    from distributed import LocalCluster

    reference = sorted_rows(inline_result)
    on_processes = tmp_path / "processes.parquet"
    execute(plan, on_processes, workers=2, chunk_size=4)
    pd.testing.assert_frame_equal(sorted_rows(on_processes), reference)

    on_dask = tmp_path / "dask.parquet"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        execute(plan, on_dask, dask=cluster.scheduler_address, chunk_size=3)
    pd.testing.assert_frame_equal(sorted_rows(on_dask), reference)
    # the files hold the same table (types, row groups, values) whatever the chunking; only the
    # provenance (executor, times) differs
    for other in (on_processes, on_dask):
        assert_same_results(other, inline_result)
    assert "process" in read_metadata(on_processes)["provenance"]["executor"]
    assert "Dask" in read_metadata(on_dask)["provenance"]["executor"]


def test_python_api_returns_a_dataframe_with_nullable_dtypes(spec, inline_result):
    df = sweep(spec, GRID, seeds=6, master_seed=3)
    expected = read_frame(inline_result).sort_values("run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(df.sort_values("run_id").reset_index(drop=True), expected)
    assert str(df["agreement_round"].dtype) == "Int64"
    assert str(df["u_us"].dtype) == "Float64" and str(df["outcome"].dtype).startswith("string")


class StopAfter(InlineExecutor):
    """An executor that is interrupted (like Ctrl-C) after a number of tasks."""

    def __init__(self, tasks: int):
        self.left = tasks

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().submit(fn, *args, **kwargs)


def test_an_interrupted_sweep_resumes_without_duplicates(plan, inline_result, tmp_path):
    out = tmp_path / "runs.parquet"
    rounds = tmp_path / "rounds.parquet"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, ResultStore(out, rounds), StopAfter(2), chunk_size=5)
    assert not out.exists()
    saved = ResultStore(out, rounds).done()
    assert len(saved) == 10

    summary = execute(plan, out, rounds_out=rounds, chunk_size=7)
    assert (summary.skipped, summary.ran) == (10, 14)
    df = pd.read_parquet(out)
    assert df["run_id"].is_unique and len(df) == plan.n_runs
    pd.testing.assert_frame_equal(sorted_rows(out), sorted_rows(inline_result))
    assert not out.with_name("runs.parquet.parts").exists()
    all_rounds = pd.read_parquet(rounds)
    assert set(all_rounds["run_id"]) == set(df["run_id"])
    assert not all_rounds.duplicated(["run_id", "round"]).any()

    again = execute(plan, out)
    assert (again.skipped, again.ran) == (plan.n_runs, 0)


def test_more_seeds_extend_an_output_and_another_sweep_is_refused(spec, plan, tmp_path):
    out = tmp_path / "runs.parquet"
    execute(SweepPlan.build(spec, GRID, seeds=2, master_seed=3), out)
    summary = execute(plan, out)
    assert (summary.skipped, summary.ran) == (8, 16)
    assert pq.read_table(out, columns=["run_id"]).num_rows == plan.n_runs

    other = SweepPlan.build(spec, {"rounds": [4, 5]}, seeds=2, master_seed=3)
    with pytest.raises(ValueError, match="holds run p000000-s000000 of a different sweep"):
        execute(other, out)


def test_a_killed_command_resumes(tmp_path):
    out = tmp_path / "runs.parquet"
    command = [
        sys.executable,
        "-m",
        "negotiation.cli",
        "sweep",
        str(SCENARIO),
        "--seeds",
        "400",
        "--out",
        str(out),
        "--workers",
        "1",
        "--chunk-size",
        "10",
        "--quiet",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    parts = tmp_path / "runs.parquet.parts"
    deadline = time.monotonic() + 60
    while len(list(parts.glob("part-*.parquet"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    saved = len(list(parts.glob("part-*.parquet"))) * 10
    assert 20 <= saved < 400

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert f"{400 - saved} games played, {saved} already saved" in done.stderr
    df = pd.read_parquet(out)
    assert len(df) == 400 and df["run_id"].is_unique
