"""Sweep files: a sweep kept as YAML, so it can be re-run.

    scenario: ../scenarios/critical_minerals_2026.yaml   # relative to this file
    grid:
      china.strategy.name: [escalation, restraint]
      us.territorial_ambition: "0:1:0.25"                # a VALUES string, as on the command line
    seeds: 20
    master_seed: 1
    out: results.parquet                                 # relative to this file
    rounds_table: rounds.parquet                         # optional
    csv: false
    workers: 2                                           # optional (default: all cores)
    dask: null                                           # or local, or tcp://HOST:PORT

Only `true`/`false` are booleans here (not YAML 1.1's yes/no/on/off), so `off` stays the word
`off` (a territorial-constraint mode).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from negotiation.scenario import read_yaml
from negotiation.sweep.grid import GridError


class SweepFile(BaseModel):
    """The fields of a sweep file; paths are relative to the file."""

    model_config = ConfigDict(extra="forbid")

    scenario: str
    grid: dict[str, Any] = Field(default_factory=dict)
    seeds: Annotated[int, Field(ge=1)] = 1
    master_seed: Annotated[int, Field(ge=0)] = 0
    out: str
    rounds_table: str | None = None
    csv: bool = False
    workers: Annotated[int, Field(ge=1)] | None = None
    dask: str | None = None


def load_sweep_file(path: str | Path) -> SweepFile:
    """Read a sweep file; GridError naming the file and field if it is wrong."""
    path = Path(path)
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise GridError(f"{path}: cannot read the sweep file ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise GridError(f"{path}: not valid YAML ({err})") from None
    if not isinstance(data, dict):
        raise GridError(f"{path}: a sweep file holds a mapping (scenario, grid, seeds, out, ...)")
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as err:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()]
        raise GridError(f"{path}: " + "; ".join(problems)) from None
    here = path.parent
    spec.scenario = str(here / spec.scenario)
    spec.out = str(here / spec.out)
    if spec.rounds_table:
        spec.rounds_table = str(here / spec.rounds_table)
    return spec
