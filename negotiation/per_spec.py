"""Values that depend on the scenario alone, built on its first game and shared by the next ones.

Every game of a scenario starts from the same deal space, Council rule, sides' preferences and
strategies; only the private values (drawn per seed) differ. `shared(spec, name, build)` calls
`build()` once per scenario object and hands the same value to every later game of it, as
`actors/state_table.py` does for the member states' table. What is shared must not change
during a game: its arrays are made read-only, and the strategies keep no state between moves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from negotiation.scenario import ScenarioSpec

_CACHE: dict[tuple[int, str], tuple[ScenarioSpec, object]] = {}
_CACHE_SIZE = 256
"""Entries kept (a few per scenario); each holds its spec, so the spec's id is not reused."""


def shared[T](spec: ScenarioSpec, name: str, build: Callable[[], T]) -> T:
    """The value `name` of this scenario: `build()` on the first call, the same object after."""
    key = (id(spec), name)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]  # type: ignore[return-value]
    value = build()
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE), None), None)  # the oldest (another thread may race)
    _CACHE[key] = (spec, value)
    return value


def frozen(a: np.ndarray) -> np.ndarray:
    """The array, made read-only (a value shared by games must not change)."""
    a.flags.writeable = False
    return a
