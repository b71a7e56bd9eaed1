"""The move log rounds its numbers with `narrate_parts.round4`, a fast path for `round(x, 4)`: it must
give the very same float (sign of zero included) for every input, or the log would change."""

import math

import numpy as np

from negotiation.narrate_parts import round4, round4_array


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def test_round4_equals_round_on_random_values():
    rng = np.random.default_rng(0)
    values = np.concatenate(
        [
            rng.uniform(-1, 1, 100_000),
            rng.normal(0, 0.03, 50_000),
            rng.uniform(-1e5, 1e5, 20_000),
            rng.uniform(-1e-4, 1e-4, 20_000),
        ]
    )
    for x in values.tolist():
        assert _same(round4(x), round(x, 4)), x


def test_round4_equals_round_at_and_beside_the_halves():
    for k in range(-30_000, 30_000):
        tie = (k + 0.5) / 1e4
        for x in (tie, math.nextafter(tie, 1.0), math.nextafter(tie, -1.0), k / 1e4):
            assert _same(round4(x), round(x, 4)), x


def test_round4_edge_values():
    for x in (0.0, -0.0, 1e-300, -1e-300, 5e-5, -5e-5, 1e12, -1e12, math.inf, -math.inf, math.nan):
        assert _same(round4(x), round(x, 4)), x


def test_round4_array_equals_round_element_by_element():
    rng = np.random.default_rng(1)
    ties = (np.arange(-5_000, 5_000) + 0.5) / 1e4
    a = np.concatenate(
        [
            rng.uniform(-1, 1, 50_000),
            ties,
            np.nextafter(ties, 1.0),
            np.nextafter(ties, -1.0),
            [0.0, -0.0, -1e-6, 1e12, -np.inf, np.inf, np.nan],
        ]
    )
    for x, r in zip(a.tolist(), round4_array(a), strict=True):
        assert _same(r, round(x, 4)), x
    matrix = rng.normal(0, 0.5, (27, 3))
    matrix[3, 2] = -np.inf
    assert all(
        _same(r, round(x, 4))
        for row, rrow in zip(matrix.tolist(), round4_array(matrix), strict=True)
        for x, r in zip(row, rrow, strict=True)
    )
