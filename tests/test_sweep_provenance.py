"""What a results file keeps: provenance, column types and units, user outcome columns, and the
per-state table."""

import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from negotiation.cli import main
from negotiation.sweep.grid import GridError
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import execute
from negotiation.sweep.store import read_frame, read_metadata
from negotiation.sweep.worker import replay

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"


def rounds_played(model) -> int:
    """A user outcome function: how many rounds the game lasted (named in sweeps by module)."""
    return len(model.rounds_frame())


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prov")
    out = folder / "runs.parquet"
    args = ["sweep", str(SCENARIO), "--grid", "rounds=3,4", "--seeds", "2", "--master-seed", "7",
            "--out", str(out), "--states-table", str(folder / "states.parquet"),
            "--outcome", "played=test_sweep_provenance:rounds_played", "--workers", "1",
            "--quiet"]  # fmt: skip
    assert main(args) == 0
    return out


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def test_provenance_fields_are_present_and_correct(made):
    meta = read_metadata(made)
    prov = meta["provenance"]
    assert prov["package_version"] == metadata.version("negotiation")
    assert prov["git"]["commit"] == git("rev-parse", "HEAD")
    assert isinstance(prov["git"]["dirty"], bool)
    for name in ("mesa", "numpy", "pandas", "dask"):
        assert prov["libraries"][name] == metadata.version(name)
    assert prov["scenario_text"] == SCENARIO.read_text(encoding="utf-8")
    assert prov["scenario_source"] == str(SCENARIO)
    assert "sweep" in prov["command"] and "--master-seed 7" in prov["command"]
    assert prov["executor"] == "in-process"
    started = datetime.fromisoformat(prov["started"])
    finished = datetime.fromisoformat(prov["finished"])
    assert started <= finished and started.tzinfo is not None
    assert meta["sessions"][0]["games_played"] == 4


def test_report_prints_the_provenance(made, tmp_path, capsys):
    assert main(["report", str(made), "--out", str(tmp_path / "rep")]) == 0
    printed = capsys.readouterr().out
    assert f"git commit: {git('rev-parse', 'HEAD')}" in printed
    assert "libraries: python" in printed and "mesa " in printed
    assert "session 1: " in printed and "in-process" in printed


def test_columns_have_fixed_types_and_units(made):
    schema = pq.read_schema(made)
    assert str(schema.field("agreement_round").type) == "int64"
    assert str(schema.field("clause_in").type) == "bool"
    assert schema.field("u_us").metadata[b"unit"] == b"utility, 0-1"
    assert schema.field("cohesion_states").metadata[b"label"].startswith(b"states with the bloc")
    df = read_frame(made)
    assert str(df["agreement_round"].dtype) == "Int64"  # also when some runs have no agreement
    columns = read_metadata(made)["columns"]
    assert columns["rounds"]["label"] == "rounds"
    deal = next(c for c in columns if c.startswith("deal_") and c != "deal_clause")
    assert columns[deal]["unit"]  # the real unit from the scenario


def test_user_outcome_function_becomes_a_column(made):
    df = read_frame(made)
    for row in df.itertuples():
        model = replay(SCENARIO, {"rounds": int(row.rounds)}, int(row.seed))
        assert row.played == rounds_played(model)
    assert read_metadata(made)["identity"]["outcome_functions"] == {
        "played": "test_sweep_provenance:rounds_played"
    }


def test_a_missing_outcome_function_stops_before_playing(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    args = ["sweep", str(SCENARIO), "--out", str(out), "--outcome", "x=nomodule_here:f"]
    assert main(args) == 2
    assert "cannot import nomodule_here" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(GridError, match="has no nothing"):
        SweepPlan.build(SCENARIO, outcome_functions={"x": "test_sweep_provenance:nothing"})


def test_per_state_table_or_none_when_the_engine_has_no_states(made):
    states = made.with_name("states.parquet")
    model = replay(SCENARIO, {"rounds": 3}, 1)
    if getattr(model.outcome, "states", None) is None:
        assert not states.exists()  # an engine without Outcome.states: no table, no error
        return
    table = read_frame(states)
    runs = read_frame(made)
    assert len(table) == len(runs) * len(model.outcome.states)
    assert set(table["run_id"]) == set(runs["run_id"])
    assert {"code", "name", "stance", "vote", "bilateral", "deal_round", "utility"} <= set(
        table.columns
    )
    assert set(table["vote"].dropna()) <= {"yes", "no"}


def test_execute_records_the_executor_of_a_process_pool(tmp_path, small_spec):
    out = tmp_path / "runs.parquet"
    execute(SweepPlan.build(small_spec, {}, seeds=2), out, workers=2)
    assert read_metadata(out)["provenance"]["executor"] == "2 local process(es)"
