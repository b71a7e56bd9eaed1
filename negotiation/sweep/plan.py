"""A sweep plan: the base scenario, the grid's points, the seeds, and a stable id for every run.

Seeds come from one master seed: seed k is the first 63 bits of child k of
`numpy.random.SeedSequence(master_seed)`, so it does not depend on how many seeds a sweep has, and
every grid point plays the same seeds (common random numbers: points differ only by parameters).
A run's id is `p<point>-s<seed index>`, zero-padded so ids sort in plan order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from negotiation.scenario import ScenarioSpec, load_scenario
from negotiation.sweep.design import Sample
from negotiation.sweep.grid import Grid, GridError, Point, point_problem, validate_grid
from negotiation.sweep.outcomes import check_outcome_functions
from negotiation.sweep.provenance import code_identity

MAX_SEEDS = 100_000  # seeds per design point (their values are computed before any game)


class Run(NamedTuple):
    """One game of a sweep: which point, which seed, and the ids that go into its row."""

    run_id: str
    point_index: int
    seed_index: int
    seed: int
    scenario_hash: str


def seed_for(master_seed: int, index: int) -> int:
    """The seed of run index `index` under `master_seed` (independent of the number of seeds)."""
    state = np.random.SeedSequence(master_seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))


def run_id(point_index: int, seed_index: int) -> str:
    return f"p{point_index:06d}-s{seed_index:06d}"


def point_hash(point: Point) -> str:
    return hashlib.sha256(json.dumps(point, sort_keys=True).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: build it with `SweepPlan.build`, which checks every grid point."""

    spec: ScenarioSpec
    grid: Grid
    seeds: int
    master_seed: int
    points: list[Point]
    source: str = "<scenario>"
    sample: Sample | None = None
    outcome_functions: dict[str, str] = field(default_factory=dict)
    scenario_text: str = ""
    seed_values: list[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "seed_values", [seed_for(self.master_seed, k) for k in range(self.seeds)]
        )

    @classmethod
    def build(
        cls,
        scenario: ScenarioSpec | str | Path,
        grid: Grid | None = None,
        seeds: int = 1,
        master_seed: int = 0,
        *,
        sample: Sample | None = None,
        outcome_functions: dict[str, str] | None = None,
    ) -> SweepPlan:
        """Load the scenario (a spec or a file), check the design and seeds; GridError if bad.

        The design is a grid (every combination of the values) or a sample (`Sample`), not both.
        """
        grid = grid or {}
        source = "<scenario>"
        text = ""
        if not isinstance(scenario, ScenarioSpec):
            source = str(scenario)
            scenario = load_scenario(scenario)
            text = Path(source).read_text(encoding="utf-8")
        if not text:
            text = json.dumps(scenario.model_dump(mode="json"), indent=1)
        if not isinstance(seeds, int) or isinstance(seeds, bool) or not 1 <= seeds <= MAX_SEEDS:
            raise GridError(
                f"seeds: must be a whole number of at least 1 and at most {MAX_SEEDS:,} (got {seeds!r})"
            )
        if not isinstance(master_seed, int) or isinstance(master_seed, bool) or master_seed < 0:
            raise GridError(
                f"master_seed: must be a whole number of at least 0 (got {master_seed!r})"
            )
        if sample is not None and grid:
            raise GridError(
                "give a grid or a sample, not both; sample choices as a factor instead "
                "(e.g. --lever china.strategy.name=escalation,restraint)"
            )
        params = sample.params if sample is not None else list(grid)
        functions = check_outcome_functions(outcome_functions or {}, params)
        if sample is None:
            points = validate_grid(scenario, grid, source)
        else:
            points = validate_points(scenario, sample.points(), source)
        return cls(scenario, grid, seeds, master_seed, points, source, sample, functions, text)

    @property
    def params(self) -> list[str]:
        return self.sample.params if self.sample is not None else list(self.grid)

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.seeds

    @property
    def base_fingerprint(self) -> str:
        return self.spec.fingerprint()

    def scenario_hash(self, point_index: int) -> str:
        """The base scenario's fingerprint and a hash of the grid point."""
        return f"{self.base_fingerprint}-{point_hash(self.points[point_index])}"

    def runs(self) -> Iterator[Run]:
        """Every run, point by point, seeds in order."""
        for p in range(len(self.points)):
            digest = self.scenario_hash(p)
            for k, seed in enumerate(self.seed_values):
                yield Run(run_id(p, k), p, k, seed, digest)

    def design(self) -> dict:
        """The design: a grid (its values) or a sample (method, N, seed, factors)."""
        if self.sample is not None:
            return self.sample.describe()
        return {"kind": "grid", "grid": self.grid}

    def identity(self) -> dict:
        """What a results file must share with this plan to be resumed or extended by it.

        The master seed, the scenario's content, the code that makes rows, a sampled design as a
        whole (a grid may grow by seeds; a changed grid point is caught run by run) and the
        outcome functions.
        """
        content = json.dumps(self.spec.model_dump(mode="json"), sort_keys=True)
        return {
            "master_seed": self.master_seed,
            "scenario": hashlib.sha256(content.encode()).hexdigest()[:16],
            "code": code_identity(),
            "design": self.design() if self.sample is not None else {"kind": "grid"},
            "outcome_functions": self.outcome_functions,
        }

    def describe(self) -> dict:
        """What the plan is, as JSON-ready data (kept in the Parquet file's metadata)."""
        return {
            "scenario": self.spec.name,
            "source": self.source,
            "base_fingerprint": self.base_fingerprint,
            "grid": self.grid if self.sample is None else None,
            "params": self.params,
            "design": self.design(),
            "seeds": self.seeds,
            "master_seed": self.master_seed,
            "outcome_functions": self.outcome_functions,
            "identity": self.identity(),
        }


def validate_points(spec: ScenarioSpec, points: list[Point], source: str) -> list[Point]:
    """Check every sampled point with `parse_scenario`; the points, or GridError."""
    base = spec.model_dump(mode="json")
    for point in points:
        problem = point_problem(base, point, source)
        if problem:
            raise GridError(problem.replace("grid point", "sampled point", 1))
    return points
