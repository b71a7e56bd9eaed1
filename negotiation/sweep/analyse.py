"""Analyses of a sweep's results: Sobol and Morris sensitivity (SALib), PRIM boxes and feature
scores (the EMA Workbench).

An outcome is a column (`u_us`, `cohesion_states`) or a condition on one (`outcome==bloc_deal`,
`cohesion_states<1`), which is 1 where it holds and 0 elsewhere: its mean is a probability.
Sensitivity indices need a sampled design (`--sample sobol` or `morris`): the unit sample is
rebuilt from the design kept in the file, and each point's outcome is the mean over its seeds.
PRIM ("patient rule induction", Friedman and Fisher 1999, as in the EMA Workbench) finds boxes of
parameter space where a condition holds more often; it works on any design with varied factors.
"""

from __future__ import annotations

import operator
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from negotiation.sweep.design import MORRIS_LEVELS, Sample

OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$")
RESAMPLES = 200
SOBOL_ADVISED = 512  # base samples below which Sobol indices are warned about
SOBOL_SLACK = 0.05  # an index this far outside 0..1 is sampling noise, not a warning


def _ema(module: str) -> Any:
    """An EMA Workbench analysis module, imported without its start-up warnings."""
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(f"ema_workbench.analysis.{module}")


class AnalysisError(ValueError):
    """An analysis that cannot be made from this file: the message says why and what works."""


@dataclass(frozen=True)
class Outcome:
    """An outcome to analyse: its text, its values per run (floats; 0/1 for a condition)."""

    text: str
    values: pd.Series
    is_condition: bool


def outcome_values(df: pd.DataFrame, text: str) -> Outcome:
    """The outcome `COLUMN` or `COLUMN OP VALUE` over the runs; AnalysisError if unknown."""
    match = CONDITION.match(text)
    column = match.group(1) if match else text.strip()
    if column not in df.columns:
        numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
        raise AnalysisError(
            f"outcome {text!r}: no column {column!r}; give a column ({', '.join(numeric[:12])}, "
            "...) or a condition such as outcome==bloc_deal or cohesion_states<1"
        )
    series = df[column]
    if match is None:
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            if pd.api.types.is_bool_dtype(series):
                return Outcome(text, series.astype("Float64").astype(float), True)
            raise AnalysisError(
                f"outcome {text!r}: {column} is not a number; give a condition, e.g. "
                f"{column}=={_example(series)}"
            )
        return Outcome(text, series.astype("Float64").astype(float), False)
    op, raw = OPERATORS[match.group(2)], match.group(3).strip().strip("'\"")
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if not numeric and match.group(2) not in ("==", "!="):
        kind = "true/false" if pd.api.types.is_bool_dtype(series) else "words"
        raise AnalysisError(
            f"outcome {text!r}: {column} holds {kind}, which have no order; it takes == or != "
            f"(e.g. {column}=={_example(series)}); < <= > >= are for number columns"
        )
    if numeric:
        try:
            value: Any = float(raw)
        except ValueError:
            raise AnalysisError(f"outcome {text!r}: {column} is a number, {raw!r} is not") from None
    elif pd.api.types.is_bool_dtype(series):
        if raw.lower() not in ("true", "false"):
            raise AnalysisError(
                f"outcome {text!r}: {column} takes true or false, not {raw!r} (this file holds "
                f"{_values_held(series)})"
            )
        value = raw.lower() == "true"
    else:
        value = raw
        if raw not in set(series.dropna().astype(str)):
            raise AnalysisError(
                f"outcome {text!r}: {raw} never occurs in this file; {column} takes "
                f"{_values_held(series)} here"
            )
    held = op(series, value)
    values = held.astype("boolean").fillna(False).astype(float)
    return Outcome(text, values, True)


def _values_held(series: pd.Series) -> str:
    """The values a word or true/false column holds, for a message (`no value` if none)."""
    words = sorted({_word(v) for v in series.dropna().unique()})
    return ", ".join(words) or "no value"


def _word(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool | np.bool_) else str(value)


def _example(series: pd.Series) -> str:
    """A value of the column, for a message (VALUE when it has none)."""
    if not series.notna().any():
        return "VALUE"
    return _word(series.dropna().iloc[0])


def point_means(df: pd.DataFrame, outcome: Outcome, n_points: int) -> np.ndarray:
    """The outcome's mean over seeds at each design point 0..n_points-1."""
    means = outcome.values.groupby(df["point"].astype(int)).mean()
    missing = sorted(set(range(n_points)) - set(means.index))
    if missing:
        raise AnalysisError(
            f"the file holds {len(means)} of the design's {n_points} points (point {missing[0]} "
            "is missing); finish the sweep (run the same command again) before analysing"
        )
    y = means.reindex(range(n_points)).to_numpy(dtype=float)
    if np.isnan(y).any():
        bad = int(np.flatnonzero(np.isnan(y))[0])
        raise AnalysisError(
            f"outcome {outcome.text!r} is empty at point {bad} (no run has a value there); "
            "choose an outcome every run has, or a condition on it"
        )
    return y


def sample_of(metadata: dict) -> Sample:
    design = metadata.get("design") or {}
    if design.get("kind") != "sample":
        raise AnalysisError(
            "sensitivity indices need a sampled design: run the sweep with --sample sobol N or "
            "--sample morris N (this file holds a grid or has no design)"
        )
    return Sample.from_description(design)


def check_varies(y: np.ndarray) -> None:
    """AnalysisError for an outcome that is the same at every design point: sensitivity indices
    of a constant are all zero (Morris) or undefined (Sobol), and say nothing."""
    if np.ptp(y) == 0:
        raise AnalysisError("the outcome is the same at every point: nothing to attribute")


def sobol_indices(sample: Sample, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% intervals, one row per factor."""
    from SALib.analyze import sobol

    if sample.method != "sobol":
        raise AnalysisError(f"Sobol indices need --sample sobol (this design is {sample.method})")
    check_varies(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sobol.analyze(
            sample.problem(), y, calc_second_order=False, num_resamples=RESAMPLES, seed=seed
        )
    return pd.DataFrame(
        {
            "factor": sample.params,
            **{k: np.asarray(result[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")},
        }
    )


def sobol_warning(sample: Sample, table: pd.DataFrame) -> list[str]:
    """Lines warning that the indices are unreliable (one outside 0..1, or N below
    SOBOL_ADVISED), with each such index and its 95% interval; none when they look sound."""
    off = [
        f"  {row['factor']}: {name} {row[name]:.3g} ± {row[f'{name}_conf']:.3g}"
        for row in table.to_dict("records")
        for name in ("S1", "ST")
        if not -SOBOL_SLACK <= row[name] <= 1 + SOBOL_SLACK
    ]
    if not off and sample.n >= SOBOL_ADVISED:
        return []
    why = "indices outside 0..1 (shown with their 95% intervals)" if off else "wide intervals"
    return [
        f"warning: the design is too small for stable Sobol indices (N = {sample.n} base "
        f"samples, {sample.n_points} points): {why}; run --sample sobol {SOBOL_ADVISED} or more",
        *off,
    ]


def morris_indices(sample: Sample, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects: mu, mu* (with its 95% interval) and sigma, one row per factor.

    Effects are per unit of the factor's 0..1 quantile scale, so factors compare alike.
    """
    from SALib.analyze import morris

    if sample.method != "morris":
        raise AnalysisError(f"Morris indices need --sample morris (this design is {sample.method})")
    check_varies(y)
    x = sample.unit_matrix()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = morris.analyze(
            sample.problem(), x, y, num_resamples=RESAMPLES, num_levels=MORRIS_LEVELS, seed=seed
        )
    return pd.DataFrame(
        {
            "factor": sample.params,
            "mu": np.asarray(result["mu"], dtype=float),
            "mu_star": np.asarray(result["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(result["mu_star_conf"], dtype=float),
            "sigma": np.asarray(result["sigma"], dtype=float),
        }
    )


@dataclass(frozen=True)
class Box:
    """A PRIM box: where it lies (per restricted factor) and how good it is."""

    limits: pd.DataFrame  # factor, kind, low, high, values
    coverage: float
    density: float
    mass: float
    n: int

    def describe(self) -> list[str]:
        lines = [
            f"coverage {self.coverage:.2f}, density {self.density:.2f}, mass {self.mass:.2f} "
            f"({self.n} runs)"
        ]
        for row in self.limits.itertuples():
            if row.kind == "numeric":
                lines.append(f"  {row.factor} in [{row.low:.4g}, {row.high:.4g}]")
            else:
                lines.append(f"  {row.factor} in {{{row.values}}}")
        return lines


def factor_frame(df: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """The varied factors as PRIM wants them: floats, ints, and categories for words."""
    x = pd.DataFrame(index=range(len(df)))
    for p in params:
        column = df[p].reset_index(drop=True)
        if column.nunique(dropna=True) < 2:
            continue
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            x[p] = pd.Categorical(column.astype(str))
        elif pd.api.types.is_integer_dtype(column):
            x[p] = column.astype("int64")
        else:
            x[p] = column.astype(float)
    if x.shape[1] == 0:
        raise AnalysisError("no factor varies in this file: nothing to find boxes in")
    return x


def prim_boxes(
    x: pd.DataFrame, y: np.ndarray, threshold: float = 0.8, max_boxes: int = 3
) -> list[Box]:
    """Boxes where y (0/1) holds, from the EMA Workbench's PRIM.

    On each box's peeling trajectory the chosen step is the one with the highest coverage whose
    density reaches `threshold` (the densest step when none does). Boxes after the first are
    found in what the earlier ones leave, and kept while their density reaches the threshold.
    """
    prim = _ema("prim")
    y = np.asarray(y, dtype=bool)
    if not y.any():
        raise AnalysisError("the condition holds in no run: PRIM has nothing to find")
    if y.all():
        raise AnalysisError("the condition holds in every run: PRIM has nothing to tell apart")
    boxes: list[Box] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(x.copy(), y.copy())
        for _ in range(max_boxes):
            box = finder.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory
            good = trajectory[trajectory["density"] >= threshold]
            i = int(good["coverage"].idxmax()) if len(good) else int(trajectory["density"].idxmax())
            box.select(i)
            stats = trajectory.loc[i]
            if boxes and stats["density"] < threshold:
                break
            boxes.append(
                Box(
                    _limits(box.box_lims[i], box.box_lims[0], x),
                    float(stats["coverage"]),
                    float(stats["density"]),
                    float(stats["mass"]),
                    int(stats["n"]),
                )
            )
            if stats["density"] < threshold:
                break
    return boxes


def _limits(lims: pd.DataFrame, full: pd.DataFrame, x: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for factor in lims.columns:
        if isinstance(x[factor].dtype, pd.CategoricalDtype):
            kept, every = set(lims[factor].iloc[0]), set(full[factor].iloc[0])
            if kept != every:
                values = ", ".join(sorted(map(str, kept)))
                rows.append({"factor": factor, "kind": "categorical", "values": values})
        elif (lims[factor] != full[factor]).any():
            low, high = float(lims[factor].iloc[0]), float(lims[factor].iloc[1])
            rows.append({"factor": factor, "kind": "numeric", "low": low, "high": high})
    return pd.DataFrame(rows, columns=["factor", "kind", "low", "high", "values"])


def feature_scores(x: pd.DataFrame, y: np.ndarray, condition: bool, seed: int = 0) -> pd.DataFrame:
    """How much each factor explains the outcome (extra-trees importance; sums to 1). A single
    factor explains all there is to explain: its score is 1."""
    if np.ptp(np.asarray(y, dtype=float)) == 0:
        raise AnalysisError(
            "the outcome is the same in every run (a constant outcome): no factor explains it"
        )
    if x.shape[1] == 1:
        return pd.DataFrame({"factor": [str(x.columns[0])], "score": [1.0]})
    feature_scoring = _ema("feature_scoring")
    mode = (
        feature_scoring.RuleInductionType.CLASSIFICATION
        if condition
        else feature_scoring.RuleInductionType.REGRESSION
    )
    target = np.asarray(y, dtype=int if condition else float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores, _ = feature_scoring.get_ex_feature_scores(x, target, mode=mode, random_state=seed)
    scores = scores.iloc[:, 0]
    return pd.DataFrame({"factor": scores.index.astype(str), "score": scores.to_numpy(float)})
