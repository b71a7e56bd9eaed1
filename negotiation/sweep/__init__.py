"""Researcher sweeps: a scenario over a parameter grid by seeds, locally or on a Dask cluster.

`sweep(...)` returns one row per game as a DataFrame; `replay(...)` plays one run again; the
command line is `negotiation sweep` and `negotiation report` (see docs/sweeps.md).
"""

from negotiation.sweep.grid import GridError
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import execute, sweep
from negotiation.sweep.worker import replay

__all__ = ["GridError", "SweepPlan", "execute", "replay", "sweep"]
