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

A sampled design declares levers (what a policy sets) and uncertainties (what nobody controls)
apart, as the EMA Workbench does, and a sampler instead of a grid:

    levers:
      us.territorial_ambition: "0:1"                     # LOW:HIGH, uniform
      china.strategy.name: [escalation, restraint]       # choices
    uncertainties:
      member_states.defaults.loyalty: "triang:0:0.5:0.3" # DIST:PARAMS (SALib's distributions)
      noise: {distribution: norm, params: [0.1, 0.02]}
    sample: {method: sobol, n: 256}                      # lhs | sobol | morris | random
    outcomes:                                            # extra columns: NAME: module:function
      us_margin: mypackage.measures:us_margin
    states_table: states.parquet                         # one row per member state per game

Only `true`/`false` are booleans here (not YAML 1.1's yes/no/on/off), so `off` stays the word
`off` (a territorial-constraint mode); a count (`seeds`, `workers`, `n`) is a whole number, not
true/false nor 2.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from negotiation.scenario import not_utf8
from negotiation.sweep.grid import GridError
from negotiation.yaml_text import UnsafeYaml, read_yaml


class SampleSettings(BaseModel):
    """`sample:` of a sweep file: the method and N (the sampler's seed is the master seed)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    method: str
    n: Annotated[int, Field(ge=1)]


class SweepFile(BaseModel):
    """The fields of a sweep file; paths are relative to the file."""

    model_config = ConfigDict(extra="forbid", strict=True)

    scenario: str
    grid: dict[str, Any] = Field(default_factory=dict)
    levers: dict[str, Any] = Field(default_factory=dict)
    uncertainties: dict[str, Any] = Field(default_factory=dict)
    sample: SampleSettings | None = None
    outcomes: dict[str, str] = Field(default_factory=dict)
    seeds: Annotated[int, Field(ge=1)] = 1
    master_seed: Annotated[int, Field(ge=0)] = 0
    out: str
    rounds_table: str | None = None
    states_table: str | None = None
    csv: bool = False
    workers: Annotated[int, Field(ge=1)] | None = None
    dask: str | None = None


def load_sweep_file(path: str | Path) -> SweepFile:
    """Read a sweep file; GridError naming the file and field if it is wrong."""
    path = Path(path)
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        where, problem = not_utf8(err)
        raise GridError(f"{path}: {where}: {problem}") from None
    except OSError as err:
        raise GridError(f"{path}: cannot read the sweep file ({err.strerror})") from None
    except UnsafeYaml as err:
        where = f" (line {err.line})" if err.line else ""
        raise GridError(f"{path} {err.headline}{where}") from None
    except yaml.YAMLError as err:
        raise GridError(f"{path}: {_yaml_problem(err)}") from None
    if not isinstance(data, dict):
        raise GridError(f"{path}: a sweep file holds a mapping (scenario, grid, seeds, out, ...)")
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as err:
        raise GridError(f"{path}: " + "; ".join(map(_problem, err.errors()))) from None
    here = path.parent
    spec.scenario = str(here / spec.scenario)
    spec.out = str(here / spec.out)
    for name in ("rounds_table", "states_table"):
        if getattr(spec, name):
            setattr(spec, name, str(here / getattr(spec, name)))
    if (spec.levers or spec.uncertainties) and spec.sample is None:
        raise GridError(f"{path}: levers/uncertainties need a sample: {{method: lhs, n: 100}}")
    if spec.sample is not None and not (spec.levers or spec.uncertainties):
        raise GridError(f"{path}: sample needs levers or uncertainties to sample")
    if spec.sample is not None and spec.grid:
        raise GridError(f"{path}: give a grid or a sample (levers/uncertainties), not both")
    return spec


def _yaml_problem(err: yaml.YAMLError) -> str:
    """A YAML syntax error in one line: where (line and column) and what."""
    mark = getattr(err, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return f"{where}not valid YAML: {getattr(err, 'problem', None) or err}"


def _problem(error: Any) -> str:
    """One pydantic error of a sweep file as `field: what is wrong (got ...)`, with the keys
    allowed where an unknown key was given."""
    loc = [str(p) for p in error["loc"]]
    where = ".".join(loc)
    if error["type"] == "extra_forbidden":
        model = SampleSettings if loc[:1] == ["sample"] else SweepFile
        return f"{where}: unknown key; allowed here: {', '.join(model.model_fields)}"
    if error["type"] == "missing":
        return f"{where}: missing"
    return f"{where}: {error['msg']} (got {error['input']!r})"
