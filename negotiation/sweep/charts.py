"""Charts of a sweep's results (altair), shared by the HTML report and the research page.

For each varied parameter: the share of each outcome type, bloc cohesion, the Council's yes share
and the actors' utilities against the parameter's values; a heatmap per key measure when exactly
two parameters were swept; and utilities by actor over all runs. Numbers are drawn as lines (a
sampled parameter with many values is cut into equal-count bins), words as bars. Each value is a
mean over every run at that value (all seeds, and all values of the other parameters) with a 95%
interval: Wilson's score interval for a share of runs (it stays inside 0..1 and does not vanish
at 0 or 1), mean ± 1.96 standard errors for other measures. N is in every tooltip and in the
aggregated table. Axis titles are the fields' readable labels and units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from negotiation.rules import OUTCOME_TYPES
from negotiation.sweep.columns import column_info, label_with_unit
from negotiation.sweep.store import read_frame, read_metadata

Z95 = 1.959964
ALL_RUNS = "all runs"
GROUP_ACTORS = ("us", "commission", "china")
STATES_MEAN = "member states (mean)"
VALUE_WIDTH = 110  # pixels per parameter value: room for labels like "divide_and_rule"
MAX_LINE_VALUES = 12  # more distinct numbers than this are binned
BINS = 8
FORMATS = ("png", "svg", "pdf")


@dataclass(frozen=True)
class NamedChart:
    """A chart with its title and a file-friendly name."""

    name: str
    title: str
    chart: alt.Chart


def slug(text: str) -> str:
    """A file-name-safe form of a parameter path."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def save_chart(named: NamedChart, out: Path, caption: str = "") -> list[Path]:
    """The chart as PNG, SVG and PDF in `out`, with the caption (provenance) under it."""
    chart = named.chart
    if caption:
        chart = chart.properties(
            title=alt.Title(
                named.title,
                subtitle=[*_subtitle(chart), caption],
                subtitleFontSize=9,
            )
        )
    paths = []
    for fmt in FORMATS:
        path = out / f"{named.name}.{fmt}"
        if fmt == "png":
            chart.save(path, scale_factor=2)
        else:
            chart.save(path)
        paths.append(path)
    return paths


def _subtitle(chart: alt.Chart) -> list[str]:
    title = chart.title if chart.title is not alt.Undefined else None
    sub = getattr(title, "subtitle", alt.Undefined)
    if sub is alt.Undefined or sub is None:
        return []
    return list(sub) if isinstance(sub, list) else [str(sub)]


def load_results(path: str | Path) -> pd.DataFrame:
    """A sweep's results file (Parquet, or CSV by suffix) as a DataFrame (nullable dtypes)."""
    return read_frame(path)


def params_of(df: pd.DataFrame, metadata: dict | None = None) -> list[str]:
    """The varied parameters: from the file's metadata, else the columns between run_id and point."""
    metadata = metadata or {}
    named = metadata.get("params")
    factors = (metadata.get("design") or {}).get("factors")
    if named is None and factors:
        named = [f["path"] for f in factors]
    if named is None and metadata.get("grid") is not None:
        named = list(metadata["grid"])
    if named is not None:
        return [p for p in named if p in df.columns]
    columns = list(df.columns)
    if "run_id" not in columns or "point" not in columns:
        raise ValueError("not a sweep results file: it needs the columns run_id and point")
    return columns[columns.index("run_id") + 1 : columns.index("point")]


def swept_params(df: pd.DataFrame, path: str | Path | None = None) -> list[str]:
    """The varied parameters of a results file (see `params_of`)."""
    return params_of(df, read_metadata(path) if path is not None else {})


def mean_ci(values: pd.Series) -> tuple[float, float, float, float, int]:
    """Mean, sd, 95% interval (low, high) and count of the non-missing values."""
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, np.nan, 0
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    half = Z95 * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half, n


def wilson(successes: float, n: int) -> tuple[float, float]:
    """Wilson's 95% score interval for a proportion (stays within 0..1, not empty at 0 or 1)."""
    if n == 0:
        return np.nan, np.nan
    p = successes / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def measure_stats(series: pd.Series, share: bool) -> dict[str, float]:
    """Mean, sd, interval and N of one measure; Wilson's interval for a 0/1 share of runs."""
    mean, sd, low, high, n = mean_ci(series)
    if share and n:
        x = pd.to_numeric(series, errors="coerce").dropna()
        low, high = wilson(float(x.sum()), n)
    return {"mean": mean, "sd": sd, "low": low, "high": high, "n": n}


def axis_values(df: pd.DataFrame, param: str) -> tuple[pd.Series, bool]:
    """The values to group by, and whether they are numbers (binned when there are many)."""
    column = df[param]
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numeric and column.nunique() > MAX_LINE_VALUES:
        bins = pd.qcut(column.astype(float), BINS, duplicates="drop")
        return bins.map(lambda b: float(b.mid)).astype(float), True
    if numeric:
        return column.astype(float), True
    return column.astype(str), False


def summarise(
    df: pd.DataFrame, param: str, measures: dict[str, pd.Series], share: bool = False
) -> tuple[pd.DataFrame, bool]:
    """Long table: one row per (parameter value, measure) with mean, sd, low, high and n."""
    values, numeric = axis_values(df, param)
    rows = []
    for value, index in values.groupby(values, sort=True).groups.items():
        for label, series in measures.items():
            stats = measure_stats(series.loc[index], share)
            rows.append({"value": value, "measure": label, **stats})
    return pd.DataFrame(rows), numeric


def _tooltip(x_title: str, legend: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("value", title=x_title),
        alt.Tooltip("measure:N", title=legend),
        alt.Tooltip("mean:Q", format=".3f"),
        alt.Tooltip("low:Q", title="95% CI low", format=".3f"),
        alt.Tooltip("high:Q", title="95% CI high", format=".3f"),
        alt.Tooltip("n:Q", title="N (runs)"),
    ]


def _interval_chart(
    summary: pd.DataFrame,
    numeric: bool,
    x_title: str,
    title: str,
    y_title: str,
    legend: str,
    order: list[str],
    interval: str,
) -> alt.LayerChart:
    """Lines with interval bands over a number; grouped bars with error bars over words."""
    color = alt.Color("measure:N", title=legend, sort=order)
    base = alt.Chart(summary)
    low_n, high_n = int(summary["n"].min()), int(summary["n"].max())
    n_text = f"N = {low_n} runs per point" if low_n == high_n else f"N = {low_n}-{high_n} runs"
    subtitle = f"means with 95% intervals ({interval}); {n_text}"
    if numeric:
        x = alt.X("value:Q", title=x_title, scale=alt.Scale(zero=False))
        band = base.mark_area(opacity=0.2).encode(x=x, y="low:Q", y2="high:Q", color=color)
        line = base.mark_line(point=True).encode(
            x=x, y=alt.Y("mean:Q", title=y_title), color=color, tooltip=_tooltip(x_title, legend)
        )
        layers, width = [band, line], 360
    else:
        x = alt.X("value:O", title=x_title, sort="ascending", axis=alt.Axis(labelAngle=0))
        offset = alt.XOffset("measure:N", sort=order)
        bars = base.mark_bar().encode(
            x=x,
            xOffset=offset,
            y=alt.Y("mean:Q", title=y_title),
            color=color,
            tooltip=_tooltip(x_title, legend),
        )
        errors = base.mark_errorbar(color="black").encode(
            x=x, xOffset=offset, y=alt.Y("low:Q", title=y_title), y2="high:Q"
        )
        layers, width = [bars, errors], max(200, VALUE_WIDTH * summary["value"].nunique())
    return alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle), width=width, height=220
    )


def _state_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c.startswith("u_") and c[2:] not in GROUP_ACTORS]


def outcome_measures(df: pd.DataFrame) -> dict[str, pd.Series]:
    present = set(df["outcome"].dropna())
    kinds = [k for k in OUTCOME_TYPES if k in present] or list(OUTCOME_TYPES)
    return {k: (df["outcome"] == k).astype(float) for k in kinds}


def _utility_measures(df: pd.DataFrame) -> dict[str, pd.Series]:
    measures = {a: df[f"u_{a}"] for a in GROUP_ACTORS if f"u_{a}" in df.columns}
    states = _state_columns(df)
    if states:
        measures[STATES_MEAN] = df[states].astype(float).mean(axis=1)
    return measures


# (name, title, y title, legend, measures, share of runs?, clip to a share?)
def _panels(df: pd.DataFrame) -> list[tuple[str, str, str, str, dict[str, pd.Series], bool]]:
    return [
        ("outcomes", "Outcome type shares", "share of runs", "outcome", outcome_measures(df), True),
        (
            "cohesion",
            "Bloc cohesion",
            "share with the bloc at the end",
            "cohesion",
            {
                "states with the bloc": df["cohesion_states"],
                "population with the bloc": df["cohesion_population"],
            },
            False,
        ),
        (
            "council",
            "Council yes share",
            "yes share (last vote)",
            "vote",
            {
                "states voting yes": df["council_yes_states"],
                "population voting yes": df["council_yes_population"],
            },
            False,
        ),
        ("utilities", "Utilities", "utility (0-1)", "actor", _utility_measures(df), False),
    ]


def param_charts(df: pd.DataFrame, param: str, label: str) -> list[NamedChart]:
    charts = []
    for name, title, y_title, legend, measures, share in _panels(df):
        summary, numeric = summarise(df, param, measures, share)
        full = f"{title} by {label}"
        interval = "Wilson" if share else "mean ± 1.96 SE"
        chart = _interval_chart(
            summary, numeric, label, full, y_title, legend, list(measures), interval
        )
        charts.append(NamedChart(f"{name}_by_{slug(param)}", full, chart))
    return charts


HEATMAP_MEASURES = (
    ("p_bloc_deal", "P(bloc deal)", lambda df: (df["outcome"] == "bloc_deal").astype(float), True),
    ("cohesion_states", "states with the bloc", lambda df: df["cohesion_states"], False),
    ("u_us", "utility of the US", lambda df: df["u_us"], False),
)


def heatmaps(df: pd.DataFrame, params: list[str], labels: dict[str, str]) -> list[NamedChart]:
    """One heatmap per key measure over a two-parameter grid (mean per cell, N in tooltips)."""
    a, b = params
    charts = []
    for name, label, measure, share in HEATMAP_MEASURES:
        if name != "p_bloc_deal" and name not in df.columns:
            continue
        values = measure(df)
        rows = []
        for (va, vb), index in df.groupby([a, b], sort=True).groups.items():
            rows.append({"a": va, "b": vb, **measure_stats(values.loc[index], share)})
        data = pd.DataFrame(rows)
        kind = "O"
        title = f"{label} by {labels[a]} and {labels[b]}"
        chart = (
            alt.Chart(data)
            .mark_rect()
            .encode(
                x=alt.X(f"a:{kind}", title=labels[a], axis=alt.Axis(labelAngle=0)),
                y=alt.Y(f"b:{kind}", title=labels[b], sort="descending"),
                color=alt.Color("mean:Q", title=label, scale=alt.Scale(scheme="viridis")),
                tooltip=[
                    alt.Tooltip("a", title=labels[a]),
                    alt.Tooltip("b", title=labels[b]),
                    alt.Tooltip("mean:Q", format=".3f"),
                    alt.Tooltip("low:Q", title="95% CI low", format=".3f"),
                    alt.Tooltip("high:Q", title="95% CI high", format=".3f"),
                    alt.Tooltip("n:Q", title="N (runs)"),
                ],
            )
            .properties(
                title=alt.Title(title, subtitle="mean over the runs of each cell"),
                width=max(200, 40 * data["a"].nunique()),
                height=max(150, 30 * data["b"].nunique()),
            )
        )
        charts.append(NamedChart(f"heatmap_{name}", title, chart))
    return charts


def actor_utilities(df: pd.DataFrame) -> NamedChart:
    """Every actor's mean utility over all runs, with 95% intervals."""
    actors = [c for c in df.columns if c.startswith("u_")]
    rows = []
    for column in actors:
        stats = measure_stats(df[column], share=False)
        rows.append({"actor": column[2:], **stats})
    summary = pd.DataFrame(rows)
    order = [c[2:] for c in actors]
    x = alt.X("actor:N", sort=order, title="actor")
    base = alt.Chart(summary)
    bars = base.mark_bar().encode(
        x=x,
        y=alt.Y("mean:Q", title="utility (0-1)"),
        tooltip=["actor:N", alt.Tooltip("mean:Q", format=".3f"), alt.Tooltip("n:Q", title="N")],
    )
    errors = base.mark_errorbar(color="black").encode(
        x=x, y=alt.Y("low:Q", title="utility (0-1)"), y2="high:Q"
    )
    title = "Utilities by actor"
    chart = alt.layer(bars, errors).properties(
        title=alt.Title(
            title, subtitle=f"means over all {len(df)} runs with 95% intervals (mean ± 1.96 SE)"
        ),
        height=220,
    )
    return NamedChart("utilities_by_actor", title, chart)


def labels_for(params: list[str], scenario: dict | None = None) -> dict[str, str]:
    """Each parameter's readable label with its unit (unless the unit is the label: rounds),
    for titles and axes."""
    info = {p: column_info(p, scenario) for p in params}
    return {
        p: info[p]["label"] if info[p]["unit"] == p else label_with_unit(p, info) for p in params
    }


def report_charts(
    df: pd.DataFrame, params: list[str], scenario: dict | None = None, grid: bool = True
) -> list[NamedChart]:
    """All charts of the report, in order: per parameter, heatmaps, then utilities by actor."""
    labels = labels_for(params, scenario)
    if not params:
        df, params, labels = df.assign(**{ALL_RUNS: ALL_RUNS}), [ALL_RUNS], {ALL_RUNS: ALL_RUNS}
    charts: list[NamedChart] = []
    for param in params:
        charts += param_charts(df, param, labels[param])
    if grid and len(params) == 2 and ALL_RUNS not in params:
        charts += heatmaps(df, params, labels)
    charts.append(actor_utilities(df))
    return charts


def aggregate(df: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """Mean, sd, 95% interval and N of every measure at every design point (a tidy table).

    Shares of outcome types use Wilson's interval; other measures mean ± 1.96 SE.
    """
    keys = ["point", *params]
    numeric = [
        c
        for c in df.columns
        if c not in {"point", "seed_index", "seed", *params}
        and (pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]))
    ]
    shares = {f"share_{k}": v for k, v in outcome_measures(df).items()}
    frame = df.assign(**shares)
    rows = []
    for key, index in frame.groupby(keys, sort=True, dropna=False).groups.items():
        key = key if isinstance(key, tuple) else (key,)
        base = dict(zip(keys, key, strict=True))
        for measure in [*shares, *numeric]:
            series = frame.loc[index, measure].astype("Float64")
            stats = measure_stats(series, share=measure in shares)
            info = column_info(measure) if measure not in shares else {"unit": "share of runs"}
            rows.append({**base, "measure": measure, "unit": info["unit"], **stats})
    return pd.DataFrame(rows).rename(columns={"low": "ci95_low", "high": "ci95_high"})
