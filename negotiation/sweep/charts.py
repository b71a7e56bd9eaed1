"""Charts of a sweep's results (altair), shared by the HTML report and the research page.

For each swept parameter: the share of each outcome type, bloc cohesion, the Council's yes share
and the actors' utilities against the parameter's values; and utilities by actor over all runs.
Each value is a mean over every run at that parameter value (all seeds, and all values of the
other parameters) with a 95% confidence interval: mean ± 1.96 standard errors (the normal
approximation; for a share this is the Wald interval). Council shares count the runs that held a
vote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from negotiation.rules import OUTCOME_TYPES
from negotiation.sweep.store import read_metadata, read_table

Z95 = 1.959964
ALL_RUNS = "all runs"
GROUP_ACTORS = ("us", "commission", "china")
STATES_MEAN = "member states (mean)"
VALUE_WIDTH = 110  # pixels per parameter value: room for labels like "divide_and_rule"


@dataclass(frozen=True)
class NamedChart:
    """A chart with its title and a file-friendly name."""

    name: str
    title: str
    chart: alt.Chart


def slug(text: str) -> str:
    """A file-name-safe form of a parameter path."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def load_results(path: str | Path) -> pd.DataFrame:
    """A sweep's results file (Parquet, or CSV by suffix) as a DataFrame."""
    return read_table(path).to_pandas()


def swept_params(df: pd.DataFrame, path: str | Path | None = None) -> list[str]:
    """The swept parameter columns: from the Parquet metadata, else those between run_id and point."""
    if path is not None:
        grid = read_metadata(path).get("grid")
        if grid is not None:
            return [p for p in grid if p in df.columns]
    columns = list(df.columns)
    if "run_id" not in columns or "point" not in columns:
        raise ValueError("not a sweep results file: it needs the columns run_id and point")
    return columns[columns.index("run_id") + 1 : columns.index("point")]


def mean_ci(values: pd.Series) -> tuple[float, float, float, int]:
    """Mean, 95% interval (low, high) and count of the non-missing values."""
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    mean = float(x.mean())
    half = Z95 * float(x.std(ddof=1)) / np.sqrt(n) if n > 1 else 0.0
    return mean, mean - half, mean + half, n


def summarise(
    df: pd.DataFrame, param: str, measures: dict[str, pd.Series], share: bool = False
) -> pd.DataFrame:
    """Long table: one row per (parameter value, measure) with mean, low, high and n.

    For a share (`share=True`) the interval is clipped to 0..1.
    """
    rows = []
    for value, index in df.groupby(param, sort=True).groups.items():
        for label, series in measures.items():
            mean, low, high, n = mean_ci(series.loc[index])
            if share:
                low, high = max(low, 0.0), min(high, 1.0)
            rows.append(
                {"value": value, "measure": label, "mean": mean, "low": low, "high": high, "n": n}
            )
    return pd.DataFrame(rows)


def _with_all(df: pd.DataFrame, params: list[str]) -> tuple[pd.DataFrame, list[str]]:
    if params:
        return df, params
    return df.assign(**{ALL_RUNS: ALL_RUNS}), [ALL_RUNS]


def _state_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c.startswith("u_") and c[2:] not in GROUP_ACTORS]


def _interval_chart(
    summary: pd.DataFrame, param: str, title: str, y_title: str, legend: str, order: list[str]
) -> alt.LayerChart:
    """Grouped bars of the means, one colour per measure, with 95% interval error bars."""
    x = alt.X("value:O", title=param, sort="ascending", axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("measure:N", sort=order)
    color = alt.Color("measure:N", title=legend, sort=order)
    base = alt.Chart(summary)
    bars = base.mark_bar().encode(
        x=x,
        xOffset=offset,
        y=alt.Y("mean:Q", title=y_title),
        color=color,
        tooltip=[
            alt.Tooltip("value:N", title=param),
            alt.Tooltip("measure:N", title=legend),
            alt.Tooltip("mean:Q", format=".3f"),
            alt.Tooltip("low:Q", title="95% CI low", format=".3f"),
            alt.Tooltip("high:Q", title="95% CI high", format=".3f"),
            alt.Tooltip("n:Q", title="runs"),
        ],
    )
    errors = base.mark_errorbar(color="black").encode(
        x=x, xOffset=offset, y=alt.Y("low:Q", title=y_title), y2="high:Q"
    )
    return alt.layer(bars, errors).properties(
        title=alt.Title(title, subtitle="means over runs with 95% confidence intervals"),
        width=max(200, VALUE_WIDTH * summary["value"].nunique()),
        height=220,
    )


def outcome_shares(df: pd.DataFrame, param: str) -> NamedChart:
    kinds = [k for k in OUTCOME_TYPES if k in set(df["outcome"])] or list(OUTCOME_TYPES)
    measures = {k: (df["outcome"] == k).astype(float) for k in kinds}
    title = f"Outcome type shares by {param}"
    summary = summarise(df, param, measures, share=True)
    chart = _interval_chart(summary, param, title, "share of runs", "outcome", kinds)
    return NamedChart(f"outcomes_by_{slug(param)}", title, chart)


def cohesion(df: pd.DataFrame, param: str) -> NamedChart:
    measures = {
        "states with the bloc": df["cohesion_states"],
        "population with the bloc": df["cohesion_population"],
    }
    title = f"Bloc cohesion by {param}"
    summary = summarise(df, param, measures, share=True)
    chart = _interval_chart(summary, param, title, "share at the end", "cohesion", list(measures))
    return NamedChart(f"cohesion_by_{slug(param)}", title, chart)


def council_yes(df: pd.DataFrame, param: str) -> NamedChart:
    measures = {
        "states voting yes": df["council_yes_states"],
        "population voting yes": df["council_yes_population"],
    }
    title = f"Council yes share by {param}"
    summary = summarise(df, param, measures, share=True)
    chart = _interval_chart(summary, param, title, "yes share (last vote)", "vote", list(measures))
    return NamedChart(f"council_by_{slug(param)}", title, chart)


def utilities(df: pd.DataFrame, param: str) -> NamedChart:
    measures = {a: df[f"u_{a}"] for a in GROUP_ACTORS if f"u_{a}" in df.columns}
    states = _state_columns(df)
    if states:
        measures[STATES_MEAN] = df[states].mean(axis=1)
    title = f"Utilities by {param}"
    summary = summarise(df, param, measures)
    chart = _interval_chart(summary, param, title, "utility", "actor", list(measures))
    return NamedChart(f"utilities_by_{slug(param)}", title, chart)


def actor_utilities(df: pd.DataFrame) -> NamedChart:
    """Every actor's mean utility over all runs, with 95% intervals."""
    actors = [c for c in df.columns if c.startswith("u_")]
    rows = []
    for column in actors:
        mean, low, high, n = mean_ci(df[column])
        rows.append({"actor": column[2:], "mean": mean, "low": low, "high": high, "n": n})
    summary = pd.DataFrame(rows)
    order = [c[2:] for c in actors]
    x = alt.X("actor:N", sort=order, title="actor")
    base = alt.Chart(summary)
    bars = base.mark_bar().encode(
        x=x,
        y=alt.Y("mean:Q", title="utility"),
        tooltip=["actor:N", alt.Tooltip("mean:Q", format=".3f"), alt.Tooltip("n:Q", title="runs")],
    )
    errors = base.mark_errorbar(color="black").encode(
        x=x, y=alt.Y("low:Q", title="utility"), y2="high:Q"
    )
    title = "Utilities by actor"
    chart = alt.layer(bars, errors).properties(
        title=alt.Title(title, subtitle="means over all runs with 95% confidence intervals"),
        height=220,
    )
    return NamedChart("utilities_by_actor", title, chart)


def report_charts(df: pd.DataFrame, params: list[str]) -> list[NamedChart]:
    """All charts of the report, in order: per parameter, then utilities by actor."""
    df, params = _with_all(df, params)
    charts: list[NamedChart] = []
    for param in params:
        charts += [outcome_shares(df, param), cohesion(df, param), council_yes(df, param)]
        charts.append(utilities(df, param))
    charts.append(actor_utilities(df))
    return charts
