"""The statistics of the model check: intervals for shares and means, and paired differences.

Every figure the model check prints carries a 95% interval:

- a share (P(bloc deal), the share of an outcome type) gets the Wilson score interval, which stays
  inside [0, 1] and behaves at 0 and 1 successes (Newcombe 1998);
- a mean (bilateral deals per game, a utility) gets the Student t interval;
- a lever's effect is a paired difference: every value of a lever is played on the same seeds
  (common random numbers), so the effect is the mean of the per-seed differences, with the t
  interval of those differences.

statsmodels does the arithmetic; this module only picks the interval and names the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Estimate:
    """A value with its 95% interval."""

    value: float
    low: float
    high: float

    def show(self, digits: int = 3) -> str:
        return f"{self.value:.{digits}f} [{self.low:.{digits}f}, {self.high:.{digits}f}]"

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def wilson(successes: int, trials: int, confidence: float = CONFIDENCE) -> Estimate:
    """A share with its Wilson score interval."""
    from statsmodels.stats.proportion import proportion_confint

    if trials < 1:
        raise ValueError("a share needs at least one trial")
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be between 0 and {trials}, got {successes}")
    low, high = proportion_confint(successes, trials, alpha=1 - confidence, method="wilson")
    return Estimate(successes / trials, float(low), float(high))


def mean_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> Estimate:
    """A mean with its Student t interval (a point interval when every value is the same)."""
    from statsmodels.stats.weightstats import DescrStatsW

    data = np.asarray(values, dtype=float)
    if data.size < 2:
        raise ValueError("an interval for a mean needs at least two values")
    mean = float(data.mean())
    if np.ptp(data) == 0:
        return Estimate(mean, mean, mean)
    low, high = DescrStatsW(data).tconfint_mean(alpha=1 - confidence)
    return Estimate(mean, float(low), float(high))


def paired_difference(
    after: Sequence[float], before: Sequence[float], confidence: float = CONFIDENCE
) -> Estimate:
    """The mean of `after - before` over paired draws (the same seeds), with its t interval."""
    a = np.asarray(after, dtype=float)
    b = np.asarray(before, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired values need one entry per seed on both sides")
    return mean_interval(a - b, confidence)


def share_or_mean(values: Sequence[float], binary: bool) -> Estimate:
    """The interval that suits the metric: Wilson for a 0/1 metric, t for any other."""
    if binary:
        hits = round(float(np.sum(values)))
        return wilson(hits, len(values))
    return mean_interval(values)


def measured_direction(diff: Estimate) -> int:
    """+1 or -1 when the interval excludes zero on that side, 0 when it holds zero."""
    if diff.low > 0:
        return 1
    if diff.high < 0:
        return -1
    return 0


def against(diff: Estimate, predicted: int) -> bool:
    """Is this step significantly against the predicted direction (its interval wholly on the
    wrong side of zero)?"""
    return (diff.high < 0) if predicted > 0 else (diff.low > 0)
