"""Export a sweep's results in the EMA Workbench's form: `(experiments, outcomes)` in a tar.gz.

`experiments` has one row per game: the varied factors (levers and uncertainties of a sampled
design, or the grid's parameters), `seed`, and EMA's `scenario` (the design point), `policy` (the
levers' values, or `none`) and `model` (the scenario's name) columns. `outcomes` maps every
numeric outcome column to its array (true/false as 1/0, missing as NaN), plus a 0/1 array
`outcome_<type>` per outcome type. The file is written with `ema_workbench.save_results`, so
`ema_workbench.load_results` reads it back for the workbench's own analyses.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from negotiation.sweep.charts import params_of
from negotiation.sweep.outcomes import EMA_OUTCOME
from negotiation.sweep.store import check_writable, read_frame, read_metadata

ID_COLUMNS = {"run_id", "point", "seed_index", "seed", "scenario_hash", "outcome"}


class ExportError(ValueError):
    """A file that cannot be exported."""


def ema_results(df: pd.DataFrame, metadata: dict) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The results as the EMA Workbench's experiments DataFrame and outcomes dict."""
    params = params_of(df, metadata)
    levers = [
        f["path"]
        for f in (metadata.get("design") or {}).get("factors", [])
        if f.get("role") == "lever"
    ]
    experiments = pd.DataFrame({p: _plain(df[p]) for p in params})
    experiments["seed"] = df["seed"].astype("int64").to_numpy()
    experiments["scenario"] = df["point"].astype("int64").to_numpy()
    if levers:
        keys = df[levers].astype(str).agg("|".join, axis=1)
        experiments["policy"] = keys.to_numpy()
    else:
        experiments["policy"] = "none"
    experiments["model"] = metadata.get("scenario") or "negotiation"
    outcomes: dict[str, np.ndarray] = {}
    for column in df.columns:
        if column in ID_COLUMNS or column in params:
            continue
        series = df[column]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            outcomes[column] = series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    for kind in sorted(df["outcome"].dropna().unique()):
        outcomes[f"{EMA_OUTCOME}{kind}"] = (df["outcome"] == kind).to_numpy(dtype=float)
    return experiments, outcomes


def _plain(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.astype(bool).to_numpy()
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return series.astype(str).to_numpy()


def export_ema(results: str | Path, out: str | Path) -> Path:
    """Write the results file as an EMA Workbench archive (`.tar.gz`); the archive's path."""
    out = Path(out)
    if not out.name.endswith(".tar.gz"):
        raise ExportError(f"{out}: the EMA Workbench reads .tar.gz archives; end the name so")
    check_writable(out, "--ema")
    df = read_frame(results)
    if df.empty:
        raise ExportError(f"{results}: holds no runs")
    experiments, outcomes = ema_results(df, read_metadata(results))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import ScalarOutcome, save_results

        for name in outcomes:
            ScalarOutcome(name)  # registers the outcome's kind for save_results
        save_results((experiments, outcomes), str(out))
    return out
