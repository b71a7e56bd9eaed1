"""Values that depend on the scenario alone, built on its first game and shared by the next ones.

Every game of a scenario starts from the same deal space, Council rule, sides' preferences and
strategies; only the private values (drawn per seed) differ. `shared(spec, name, build)` calls
`build()` once per scenario object and hands the same value to every later game of it (the
member states' table of `actors/state_table.py` is one such value). What is shared must not change
during a game: its arrays are made read-only, and the strategies keep no state between moves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from negotiation.memo import IdentityMemo
from negotiation.scenario import ScenarioSpec

_SHARED = IdentityMemo(256)
"""A few entries per scenario; each holds its spec, so the spec's id is not reused."""


def shared[T](spec: ScenarioSpec, name: str, build: Callable[[], T]) -> T:
    """The value `name` of this scenario: `build()` on the first call, the same object after."""
    return _SHARED.get((spec,), name, build)


def frozen(a: np.ndarray) -> np.ndarray:
    """The array, made read-only (a value shared by games must not change)."""
    a.flags.writeable = False
    return a
