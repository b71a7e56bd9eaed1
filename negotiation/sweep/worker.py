"""What a worker does: play a chunk of runs and return their rows as Arrow tables.

A chunk carries the base scenario once (as JSON text) and, per run, its grid point and seed, so
shipping work costs little however many runs a chunk holds. Each grid point is validated once per
chunk. `replay` plays one run alone and gives the same game as the sweep did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from negotiation.model import NegotiationModel
from negotiation.scenario import ScenarioSpec, load_scenario, parse_scenario
from negotiation.sweep.columns import DRAWN, STATE_TABLE, state_column_type, typed_table
from negotiation.sweep.grid import Point, apply_point
from negotiation.sweep.outcomes import OutcomeKinds, state_rows, user_outcomes
from negotiation.sweep.plan import Run


@dataclass(frozen=True)
class Chunk:
    """A batch of runs for one task: the base scenario once, then the runs and their points."""

    scenario_json: str
    points: dict[int, Point]
    runs: list[Run]
    with_rounds: bool = False
    with_states: bool = False
    outcome_functions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChunkResult:
    runs: pa.Table
    rounds: pa.Table | None
    states: pa.Table | None = None


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Play every run of a chunk; one row per run (and per round, if asked)."""
    base = json.loads(chunk.scenario_json)
    specs = {
        p: parse_scenario(apply_point(base, point), source=f"grid point {p}")
        for p, point in chunk.points.items()
    }
    functions = dict(chunk.outcome_functions)
    kinds = OutcomeKinds(functions)
    rows: list[dict[str, Any]] = []
    rounds: list[pd.DataFrame] = []
    states: list[dict[str, Any]] | None = [] if chunk.with_states else None
    for run in chunk.runs:
        model = NegotiationModel.from_spec(specs[run.point_index], run.seed, record_moves=False)
        model.run()
        point = chunk.points[run.point_index]
        user = user_outcomes(functions, model, run.run_id, run.seed)
        kinds.see_row(user, run.run_id)
        rows.append(run_row(run, point, model) | user)
        if chunk.with_rounds:
            frame = model.rounds_frame()
            frame.insert(0, "run_id", run.run_id)
            rounds.append(frame)
        if states is not None:
            per_state = state_rows(run.run_id, model)
            if per_state is None:
                states = None  # an engine without Outcome.states: no per-state table
            else:
                states.extend(per_state)
    rounds_table = None
    if chunk.with_rounds:
        frame = pd.concat(rounds, ignore_index=True)
        rounds_table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata()
    states_table = typed_table(states, STATE_TABLE, state_column_type) if states else None
    return ChunkResult(rows_to_table(rows), rounds_table, states_table)


def run_row(run: Run, point: Point, model: NegotiationModel) -> dict[str, Any]:
    """A run's row: its id, the swept parameters, the seed, the scenario hash, the outcome."""
    assert model.outcome is not None, "the game did not finish (a human seat?)"
    return {
        "run_id": run.run_id,
        **point,
        "point": run.point_index,
        "seed_index": run.seed_index,
        "seed": run.seed,
        "scenario_hash": run.scenario_hash,
        **model.outcome.row(),
        **private_values(model.outcome),
    }


def private_values(outcome: Any) -> dict[str, Any]:
    """The private values drawn for the game's seed (walk-aways, budgets) as `private_<name>`
    columns: uncertainties to analyse beside the swept levers."""
    private = getattr(outcome, "private", None) or {}
    return {f"{DRAWN}{k}": v for k, v in private.items() if k != "eu_funds_promised"}


def rows_to_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as one table, each column of its fixed type; a value missing from a row is null."""
    return typed_table(rows)


def replay(scenario: ScenarioSpec | str | Path, params: Point, seed: int) -> NegotiationModel:
    """Play one run of a sweep again from its scenario, parameters and seed; the finished model."""
    spec = scenario if isinstance(scenario, ScenarioSpec) else load_scenario(scenario)
    spec = parse_scenario(apply_point(spec.model_dump(mode="json"), params), source="replay")
    model = NegotiationModel.from_spec(spec, seed)
    model.run()
    return model
