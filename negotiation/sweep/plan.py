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
from negotiation.sweep.grid import Grid, GridError, Point, validate_grid


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
    seed_values: list[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "seed_values", [seed_for(self.master_seed, k) for k in range(self.seeds)]
        )

    @classmethod
    def build(
        cls,
        scenario: ScenarioSpec | str | Path,
        grid: Grid,
        seeds: int = 1,
        master_seed: int = 0,
    ) -> SweepPlan:
        """Load the scenario (a spec or a file), check the grid and seeds; GridError if bad."""
        source = "<scenario>"
        if not isinstance(scenario, ScenarioSpec):
            source = str(scenario)
            scenario = load_scenario(scenario)
        if not isinstance(seeds, int) or isinstance(seeds, bool) or seeds < 1:
            raise GridError(f"seeds: must be a whole number of at least 1 (got {seeds!r})")
        if not isinstance(master_seed, int) or isinstance(master_seed, bool) or master_seed < 0:
            raise GridError(
                f"master_seed: must be a whole number of at least 0 (got {master_seed!r})"
            )
        return cls(
            scenario, grid, seeds, master_seed, validate_grid(scenario, grid, source), source
        )

    @property
    def params(self) -> list[str]:
        return list(self.grid)

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

    def describe(self) -> dict:
        """What the plan is, as JSON-ready data (kept in the Parquet file's metadata)."""
        return {
            "scenario": self.spec.name,
            "source": self.source,
            "base_fingerprint": self.base_fingerprint,
            "grid": self.grid,
            "seeds": self.seeds,
            "master_seed": self.master_seed,
        }
