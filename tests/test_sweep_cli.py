"""The `sweep` and `report` subcommands end to end."""

import argparse
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from negotiation.cli import main
from negotiation.sweep.cli import register

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"  # six states: quick games


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "negotiation.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_register_adds_sweep_and_report_with_funcs():
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["sweep", "s.yaml", "--grid", "rounds=4,5", "--seeds", "3"])
    assert args.grid == ["rounds=4,5"] and args.seeds == 3 and callable(args.func)
    assert callable(parser.parse_args(["report", "r.parquet"]).func)


def test_sweep_then_report_on_processes_and_dask_local(tmp_path):
    out = tmp_path / "runs.parquet"
    grid = ["--grid", "territorial_constraint=hard,soft", "--grid", "us.territorial_ambition=0:1:1"]
    done = cli("sweep", str(SCENARIO), *grid, "--seeds", "3", "--master-seed", "5",
               "--out", str(out), "--csv", "--rounds-table", str(tmp_path / "rounds.parquet"),
               "--workers", "2")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "12 games played" in done.stderr
    df = pd.read_parquet(out)
    assert len(df) == 12
    assert list(df.columns[1:3]) == ["territorial_constraint", "us.territorial_ambition"]
    assert len(pd.read_csv(tmp_path / "runs.csv")) == 12
    assert (tmp_path / "rounds.parquet").is_file() and (tmp_path / "rounds.csv").is_file()

    on_dask = tmp_path / "dask.parquet"
    done = cli("sweep", str(SCENARIO), *grid, "--seeds", "3", "--master-seed", "5",
               "--out", str(on_dask), "--dask", "local", "--workers", "2", "--quiet")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert pq.read_table(on_dask).equals(pq.read_table(out))

    report = cli("report", str(out))
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "runs_report" / "report.html").is_file()


def test_sweep_file_with_overrides(tmp_path):
    file = tmp_path / "sweep.yaml"
    file.write_text(
        f"scenario: {SCENARIO}\n"
        "grid:\n"
        "  territorial_constraint: [hard, off]\n"
        "seeds: 2\n"
        "master_seed: 9\n"
        "out: results.parquet\n"
        "workers: 1\n"
    )
    done = cli("sweep", "--file", str(file), "--seeds", "3", "--quiet")
    assert done.returncode == 0, done.stderr
    df = pd.read_parquet(tmp_path / "results.parquet")
    assert len(df) == 6
    assert sorted(set(df["territorial_constraint"])) == ["hard", "off"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "china.strategy.name=escalation,bogus"], "unknown strategy 'bogus'"),
        (["--grid", "member_states.states.XX.loyalty=0.1"], "unknown key 'XX'"),
        (["--grid", "rounds=3:1:1"], "rounds: range '3:1:1' is empty"),
        (["--grid", "noise=lots"], "noise='lots': must be a number, not the text 'lots'"),
        (["--seeds", "0"], "seeds: must be a whole number of at least 1"),
    ],
)
def test_bad_grid_exits_2_with_a_clear_message(tmp_path, capsys, args, message):
    out = tmp_path / "runs.parquet"
    assert main(["sweep", str(SCENARIO), *args, "--out", str(out), "--workers", "1"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "runs.parquet.parts").exists()


def test_bad_grid_from_the_shell_has_no_traceback(tmp_path):
    done = cli("sweep", str(SCENARIO), "--grid", "foo=1", "--out", str(tmp_path / "r.parquet"))
    assert done.returncode == 2
    assert done.stderr.strip().endswith("foo: unknown field; fields here are name, description, "
                                        "seed, rounds, days_per_round, territorial_constraint, "
                                        "noise, council, issues, us, commission, china, "
                                        "member_states, legal_forms, parliament, events")  # fmt: skip
    assert "Traceback" not in done.stderr


def test_missing_inputs_exit_2(tmp_path, capsys):
    assert main(["sweep", "--out", str(tmp_path / "r.parquet")]) == 2
    assert "scenario: missing" in capsys.readouterr().err
    assert main(["sweep", "nothere.yaml", "--out", str(tmp_path / "r.parquet")]) == 2
    assert "nothere.yaml: no such file" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "none.parquet")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_report_folder_that_cannot_be_made_is_one_line(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["sweep", str(SCENARIO), "--seeds", "2", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--out", "/proc/no/report"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("negotiation report: error: --out /proc/no/report: cannot make")
    assert len(err.strip().splitlines()) == 1
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    assert main(["report", str(out), "--out", str(blocker)]) == 2
    assert "--out " + str(blocker) + ": cannot make the folder" in capsys.readouterr().err
