"""What a results file keeps: provenance, column types and units, user outcome columns, and the
per-state table."""

import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

import pandas as pd
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
    deal = next(c for c in columns if c.startswith("deal_") and c != "deal_territorial_clause")
    assert columns[deal]["unit"]  # the issue's real unit from the scenario
    # the clause is true/false in every file, not 1.0/0.0
    assert str(schema.field("deal_territorial_clause").type) == "bool"
    assert columns["deal_territorial_clause"]["unit"] == "true/false"
    # the private values drawn per seed are columns, with labels
    assert str(df["private_us_reservation"].dtype) == "Float64"
    assert columns["private_us_reservation"]["label"].startswith("US walk-away")


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


DEFAULT = ROOT / "scenarios" / "critical_minerals_2026.yaml"


@pytest.fixture(scope="module")
def default_states(tmp_path_factory):
    folder = tmp_path_factory.mktemp("states")
    out, states = folder / "runs.parquet", folder / "states.parquet"
    args = ["sweep", str(DEFAULT), "--seeds", "40", "--out", str(out), "--states-table",
            str(states), "--workers", "1", "--quiet"]  # fmt: skip
    assert main(args) == 0
    return read_frame(out), read_frame(states), states


def test_per_state_table_is_the_engine_outcome_of_each_state(default_states):
    runs, table, _path = default_states
    assert len(table) == 27 * len(runs)
    seeds = dict(zip(runs["run_id"], runs["seed"], strict=True))
    with_deals = runs[runs["bilateral_deals"] > 0]["run_id"].tolist()
    checked = with_deals + [r for r in runs["run_id"] if r not in with_deals][:2]
    for run_id in checked:
        outcome = replay(DEFAULT, {}, int(seeds[run_id])).outcome
        rows = table[table["run_id"] == run_id].set_index("code")
        assert list(rows.index) == [s["code"] for s in outcome.states]
        for state in outcome.states:
            row = rows.loc[state["code"]]
            for key in ("stance", "bilateral", "utility", "payoff", "eu_payment",
                        "china_inducement", "tariff_threat"):  # fmt: skip
                assert row[key] == state[key], (run_id, state["code"], key)
            assert (row["vote"] if row["vote"] is not pd.NA else None) == state["vote"]
        deals = {d["state"]: d for d in outcome.bilateral_deals}
        assert set(rows.index[rows["bilateral"]]) == set(deals)
        for code, row in rows.iterrows():
            deal = deals.get(code)
            assert (row["bilateral_partner"] == "US") if deal else pd.isna(row["bilateral_partner"])
            for issue in ("stockpile", "joint_projects", "offtake", "territorial_clause"):
                if deal is None:
                    assert pd.isna(row[f"bilateral_{issue}"])
                else:  # the terms tailored to this state, as the engine signed them
                    assert row[f"bilateral_{issue}"] == deal["terms"][issue]
                    assert row["deal_round"] == deal["round"]


def test_per_state_table_has_fixed_types_labels_and_units(default_states):
    _runs, table, path = default_states
    assert str(table["deal_round"].dtype) == "Int64"  # nullable, also in files without deals
    assert str(table["bilateral_territorial_clause"].dtype) == "boolean"
    assert str(table["bilateral_offtake"].dtype) == "Float64"
    assert str(table["tariff_threat"].dtype) == "boolean"
    schema = pq.read_schema(path)
    assert schema.field("payoff").metadata[b"label"].startswith(b"payoff with supply security")
    assert schema.field("bilateral_stockpile").metadata[b"unit"] == b"$bn"  # from the scenario
    assert (
        schema.field("bilateral_stockpile").metadata[b"label"] == b"bilateral deal: joint stockpile"
    )
