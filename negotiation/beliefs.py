"""What one side believes about the other side's private walk-away value.

Bayesian updating over a grid (after Zeng & Sycara 1998, "Bayesian learning in negotiation"):
the prior is uniform over the range the scenario makes public; after each offer the other side
makes, every candidate walk-away r on the grid is weighed by how well it explains the offer,
assuming the other side concedes linearly in time from its best utility to r (its target at
progress t would be `u_max - (u_max - r * scale) * t`) with Gaussian slack `sigma`. The estimate
is the posterior mean. A side that concedes slower or faster than linearly is misread, as real
negotiators misread each other.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

GRID_POINTS = 41
SIGMA = 0.05


@lru_cache(maxsize=64, typed=True)
def _grid(low: float, high: float) -> np.ndarray:
    """The candidate walk-away values over a public range (read-only: shared by every belief
    over the same range)."""
    grid = np.linspace(low, high, GRID_POINTS) if high > low else np.array([low])
    grid.flags.writeable = False
    return grid


class BeliefGrid:
    """A posterior over one private walk-away value, on a grid over its public range."""

    def __init__(self, low: float, high: float):
        self.grid = _grid(low, high)
        self.weights = np.full(self.grid.size, 1.0 / self.grid.size)

    @property
    def estimate(self) -> float:
        return float(self.weights @ self.grid)

    def update(self, observed: float, u_max: float, progress: float, scale: float = 1.0) -> None:
        """Weigh the grid by an offer worth `observed` to the side that made it, at `progress`
        (0 first round, 1 last); `scale` multiplies the walk-away (the Commission's falls with
        the population share behind it, which both sides see)."""
        predicted = u_max - (u_max - self.grid * scale) * progress
        likelihood = np.exp(-0.5 * ((observed - predicted) / SIGMA) ** 2)
        posterior = self.weights * likelihood
        total = posterior.sum()
        if total > 1e-300:  # an offer no candidate explains leaves the belief as it was
            self.weights = posterior / total
