"""Integrity of results files: a file belongs to one sweep (master seed, scenario, code, design),
bad input stops before any game with one line and exit 2, and no worker outlives a killed sweep."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from negotiation.cli import main
from negotiation.sweep import plan as plan_module
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import execute
from negotiation.sweep.store import METADATA_KEY, SweepStoreError, read_metadata

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"  # six states: quick games


def sweep_args(out: Path, *extra: str) -> list[str]:
    return ["sweep", str(SCENARIO), "--out", str(out), "--workers", "1", "--quiet", *extra]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "negotiation.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("negotiation sweep: error")]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_another_master_seed_is_refused_and_force_new_replaces(tmp_path, capsys):
    out = tmp_path / "runs.parquet"
    assert main(sweep_args(out, "--seeds", "4", "--master-seed", "1")) == 0
    before = out.read_bytes()
    capsys.readouterr()

    assert main(sweep_args(out, "--seeds", "4", "--master-seed", "2")) == 2
    err = capsys.readouterr().err
    assert "master seed 1 there, 2 now" in err
    assert "choose a new --out" in err and "--force-new" in err
    assert out.read_bytes() == before  # left as it was

    # more seeds under another master seed: refused too (it used to mix both seeds' runs)
    assert main(sweep_args(out, "--seeds", "6", "--master-seed", "2")) == 2
    assert out.read_bytes() == before

    assert main(sweep_args(out, "--seeds", "6", "--master-seed", "2", "--force-new")) == 0
    meta = read_metadata(out)
    assert meta["master_seed"] == meta["identity"]["master_seed"] == 2
    df = pd.read_parquet(out)
    plan = SweepPlan.build(SCENARIO, {}, seeds=6, master_seed=2)
    assert sorted(df["seed"]) == sorted(plan.seed_values)


def test_another_scenario_content_or_code_version_is_refused(tmp_path, monkeypatch, small_spec):
    out = tmp_path / "runs.parquet"
    execute(SweepPlan.build(small_spec, {}, seeds=2, master_seed=1), out)

    changed = small_spec.model_copy(update={"noise": small_spec.noise + 0.01})
    with pytest.raises(SweepStoreError, match=r"scenario content .* there, .* now"):
        execute(SweepPlan.build(changed, {}, seeds=2, master_seed=1), out)

    monkeypatch.setattr(
        plan_module, "code_identity", lambda: {"version": "9.9", "source_hash": "other"}
    )
    with pytest.raises(SweepStoreError, match=r"code version .* there, 9\.9/other now"):
        execute(SweepPlan.build(small_spec, {}, seeds=3, master_seed=1), out)
    summary = execute(SweepPlan.build(small_spec, {}, seeds=3, master_seed=1), out, force_new=True)
    assert summary.ran == 3


def test_a_file_without_identity_is_refused(tmp_path, small_spec):
    out = tmp_path / "runs.parquet"
    execute(SweepPlan.build(small_spec, {}, seeds=2), out)
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    meta = json.loads(table.schema.metadata[METADATA_KEY])
    del meta["identity"]  # as written before identities were kept
    pq.write_table(table.replace_schema_metadata({METADATA_KEY: json.dumps(meta)}), out)
    with pytest.raises(SweepStoreError, match="older version without identities"):
        execute(SweepPlan.build(small_spec, {}, seeds=3), out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--grid", "us.territorial_ambition=true,0.5"], "mix numbers and true/false"),
        (["--grid", "us.territorial_ambition=true"], "must be a number, not true"),
        (["--grid", "rounds=5,,10"], "rounds: empty value in '5,,10'"),
        (["--chunk-size", "0"], "--chunk-size: must be at least 1"),
        (["--sample", "sobol", "10", "--lever", "noise=0:0.3"], "N must be a power of 2"),
        (["--lever", "noise=0:0.3"], "need --sample"),
        (["--sample", "lhs", "4", "--lever", "noise=wide:0:1"], "unknown distribution 'wide'"),
    ],
)
def test_bad_input_stops_before_any_game(tmp_path, capsys, extra, message):
    out = tmp_path / "runs.parquet"
    assert main(sweep_args(out, "--seeds", "2", *extra)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert not out.exists() and not (tmp_path / "runs.parquet.parts").exists()


@pytest.mark.parametrize("where", ["/proc/negotiation-test/runs.parquet", "/sys/runs.parquet"])
def test_an_output_that_cannot_be_written_is_one_line(where, capsys):
    assert main(sweep_args(Path(where), "--seeds", "2")) == 2
    err = capsys.readouterr().err
    assert f"--out {where}: cannot write in" in err
    assert "games played" not in err


def test_an_output_that_is_a_folder_is_refused_before_playing(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    done = cli(*sweep_args(folder, "--seeds", "50"))
    assert done.returncode == 2
    assert "is a folder; give a file name" in one_line_error(done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no .tmp, no .parts
    assert list(folder.iterdir()) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask_bin(name: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dask")), name]


def test_no_dask_worker_is_reported_within_ten_seconds(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    scheduler = subprocess.Popen(
        [
            *_dask_bin("scheduler"),
            "--host",
            "127.0.0.1",
            "--port",
            address.rsplit(":", 1)[1],
            "--no-dashboard",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        started = time.monotonic()
        done = cli(*sweep_args(tmp_path / "r.parquet", "--dask", address), timeout=120)
        took = time.monotonic() - started
    finally:
        scheduler.kill()
        scheduler.wait()
    assert done.returncode == 2
    assert "no Dask worker is connected" in one_line_error(done.stderr)
    assert took < 10 + 30  # 10 s of waiting plus the command's start-up on a busy machine


def test_a_lost_dask_scheduler_is_one_line_and_the_sweep_resumes(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen(
        [*_dask_bin("scheduler"), "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)
    worker = subprocess.Popen(
        [*_dask_bin("worker"), address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = tmp_path / "runs.parquet"
    parts = tmp_path / "runs.parquet.parts"
    args = sweep_args(out, "--seeds", "400", "--chunk-size", "5", "--dask", address)
    proc = subprocess.Popen(
        [sys.executable, "-m", "negotiation.cli", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(parts.glob("part-*.parquet"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        scheduler.kill()
        _, stderr = proc.communicate(timeout=120)
    finally:
        for p in (scheduler, worker, proc):
            p.kill()
            p.wait()
    assert proc.returncode == 2
    assert "run the same command again to resume" in one_line_error(stderr)
    assert len(list(parts.glob("part-*.parquet"))) >= 2  # what finished is kept


@pytest.mark.parametrize("executor", [[], ["--dask", "local"]], ids=["processes", "dask-local"])
def test_kill_9_of_the_parent_leaves_no_worker(tmp_path, executor):
    out = tmp_path / "runs.parquet"
    parts = tmp_path / "runs.parquet.parts"
    args = ["sweep", str(SCENARIO), "--seeds", "4000", "--out", str(out), "--workers", "2",
            "--chunk-size", "5", "--quiet", *executor]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "negotiation.cli", *args], cwd=ROOT, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while len(list(parts.glob("part-*.parquet"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    children = psutil.Process(proc.pid).children(recursive=True)
    assert len(children) >= 2  # the forkserver and the pool's workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], [p.cmdline() for p in alive]
