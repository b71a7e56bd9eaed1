"""`negotiation analyse`: run the analyses on a results file, print tables, write charts and CSVs.

Methods: `sobol` (S1, ST with 95% intervals), `morris` (mu*, sigma), `prim` (boxes where a
condition holds), `features` (extra-trees feature scores); `auto` picks Sobol or Morris for such a
sampled design, and PRIM (for a condition) and feature scores otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd

from negotiation.sweep.analyse import (
    AnalysisError,
    Box,
    factor_frame,
    feature_scores,
    morris_indices,
    outcome_values,
    point_means,
    prim_boxes,
    sample_of,
    sobol_indices,
    sobol_warning,
)
from negotiation.sweep.charts import NamedChart, params_of, save_chart, slug
from negotiation.sweep.columns import DRAWN, column_info, param_label, scenario_of
from negotiation.sweep.store import make_folder, read_frame, read_metadata

METHODS = ("auto", "sobol", "morris", "prim", "features")


@dataclass
class Analysis:
    """The tables, charts and text of one outcome's analyses."""

    outcome: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: list[NamedChart] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)


def methods_for(method: str, metadata: dict, condition: bool) -> list[str]:
    if method != "auto":
        return [method]
    design = (metadata.get("design") or {}).get("method")
    if design in ("sobol", "morris"):
        return [design]
    return ["prim", "features"] if condition else ["features"]


def analyse(
    df: pd.DataFrame, metadata: dict, outcome: str, method: str = "auto", threshold: float = 0.8
) -> Analysis:
    """Every analysis `method` asks for, on `outcome`; AnalysisError if one cannot be made."""
    if method not in METHODS:
        raise AnalysisError(f"--method {method!r}: give one of {', '.join(METHODS)}")
    if not 0 < threshold <= 1:
        raise AnalysisError(f"--threshold {threshold}: give a density between 0 and 1")
    target = outcome_values(df, outcome)
    scenario = scenario_of(metadata)
    try:
        params = params_of(df, metadata)
    except ValueError:
        params = []
    labels = {p: param_label(p, scenario) for p in params}
    # PRIM and feature scores also look at the private values drawn per seed (walk-aways,
    # budgets): uncertainties nobody set, which often decide a game as much as the levers do.
    described = metadata.get("columns") or {}
    drawn = {
        c: (described.get(c) or column_info(c))["label"]
        for c in df.columns
        if c.startswith(DRAWN) and c not in labels
    }
    result = Analysis(outcome)
    for name in methods_for(method, metadata, target.is_condition):
        if name in ("sobol", "morris"):
            sample = sample_of(metadata)
            y = point_means(df, target, sample.n_points)
            if name == "sobol":
                table = sobol_indices(sample, y, seed=int(metadata.get("master_seed", 0)))
                result.charts.append(_sobol_chart(table, outcome, labels))
            else:
                table = morris_indices(sample, y, seed=int(metadata.get("master_seed", 0)))
                result.charts.append(_morris_chart(table, outcome, labels))
            result.tables[name] = table
            result.lines += [f"{name} indices of {outcome}:", table.to_string(index=False)]
            if name == "sobol":
                result.lines += sobol_warning(sample, table)
        elif name == "prim":
            if not target.is_condition:
                raise AnalysisError(
                    f"PRIM needs a condition (e.g. {outcome}<0.5 or outcome==no_deal), "
                    f"not the number {outcome}"
                )
            x = factor_frame(df, [*labels, *drawn])
            boxes = prim_boxes(x, target.values.to_numpy(), threshold)
            result.boxes = boxes
            result.lines.append(
                f"PRIM boxes where {outcome} (in {int(target.values.sum())} of {len(df)} runs, "
                f"density threshold {threshold}):"
            )
            for k, box in enumerate(boxes, 1):
                result.lines += [f"box {k}: " + box.describe()[0], *box.describe()[1:]]
            result.tables["prim"] = _boxes_table(boxes)
        else:
            x = factor_frame(df, [*labels, *drawn])
            table = feature_scores(x, target.values.to_numpy(), target.is_condition)
            result.tables["features"] = table
            result.charts.append(_features_chart(table, outcome, labels | drawn))
            result.lines += [f"feature scores for {outcome}:", table.to_string(index=False)]
            if len(table) == 1:
                result.lines.append("(one factor varies: it explains all, its score is 1)")
    return result


def _boxes_table(boxes: list[Box]) -> pd.DataFrame:
    rows = []
    for k, box in enumerate(boxes, 1):
        for limit in box.limits.to_dict("records"):
            rows.append(
                {"box": k, "coverage": box.coverage, "density": box.density, "mass": box.mass}
                | limit
            )
    return pd.DataFrame(rows)


def _outcome_title(outcome: str) -> str:
    info = column_info(outcome.split("<")[0].split(">")[0].split("=")[0].split("!")[0])
    return outcome if info["label"] == outcome else f"{outcome} ({info['label']})"


def _sobol_chart(table: pd.DataFrame, outcome: str, labels: dict[str, str]) -> NamedChart:
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "factor": table["factor"].map(labels).fillna(table["factor"]),
                    "index": name,
                    "value": table[name],
                    "low": table[name] - table[f"{name}_conf"],
                    "high": table[name] + table[f"{name}_conf"],
                }
            )
            for name in ("S1", "ST")
        ]
    )
    base = alt.Chart(long)
    y = alt.Y("factor:N", title=None, sort=list(long["factor"].unique()))
    bars = base.mark_bar().encode(
        y=y,
        yOffset="index:N",
        x=alt.X("value:Q", title="Sobol index"),
        color=alt.Color("index:N", title="index", sort=["S1", "ST"]),
    )
    errors = base.mark_errorbar(color="black").encode(
        y=y, yOffset="index:N", x=alt.X("low:Q", title="Sobol index"), x2="high:Q"
    )
    title = f"Sobol indices of {_outcome_title(outcome)}"
    chart = alt.layer(bars, errors).properties(
        title=alt.Title(title, subtitle="first order (S1) and total (ST), 95% bootstrap intervals"),
        width=420,
    )
    return NamedChart(f"sobol_{slug(outcome)}", title, chart)


def _morris_chart(table: pd.DataFrame, outcome: str, labels: dict[str, str]) -> NamedChart:
    data = table.assign(label=table["factor"].map(labels).fillna(table["factor"]))
    base = alt.Chart(data)
    points = base.mark_point(filled=True, size=80).encode(
        x=alt.X("mu_star:Q", title="mu* (mean absolute elementary effect)"),
        y=alt.Y("sigma:Q", title="sigma (spread of the effects)"),
        tooltip=["label:N", "mu_star:Q", "mu_star_conf:Q", "sigma:Q"],
    )
    text = base.mark_text(align="left", dx=7).encode(x="mu_star:Q", y="sigma:Q", text="label:N")
    title = f"Morris screening of {_outcome_title(outcome)}"
    chart = alt.layer(points, text).properties(
        title=alt.Title(title, subtitle="effects per unit of each factor's 0..1 quantile scale"),
        width=420,
        height=300,
    )
    return NamedChart(f"morris_{slug(outcome)}", title, chart)


def _features_chart(table: pd.DataFrame, outcome: str, labels: dict[str, str]) -> NamedChart:
    data = table.assign(label=table["factor"].map(labels).fillna(table["factor"]))
    title = f"Feature scores for {_outcome_title(outcome)}"
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort="-x"),
            x=alt.X("score:Q", title="feature score (extra trees; sums to 1)"),
        )
        .properties(title=title, width=420)
    )
    return NamedChart(f"features_{slug(outcome)}", title, chart)


def write_analysis(
    results: str | Path,
    outcome: str,
    method: str = "auto",
    threshold: float = 0.8,
    out_dir: str | Path | None = None,
) -> tuple[Analysis, Path]:
    """Analyse a results file and write its tables (CSV) and charts (PNG, SVG, PDF) to out_dir."""
    results = Path(results)
    out = Path(out_dir) if out_dir is not None else results.with_name(results.stem + "_analysis")
    made = not out.exists()
    make_folder(out, "--out")  # before the analysis: a bad --out is refused before it runs
    try:
        df = read_frame(results)
        if df.empty:
            raise AnalysisError(f"{results}: holds no runs")
        result = analyse(df, read_metadata(results), outcome, method, threshold)
    except BaseException:
        if made and not any(out.iterdir()):
            out.rmdir()  # an analysis that fails leaves no empty folder behind
        raise
    for name, table in result.tables.items():
        table.to_csv(out / f"{name}_{slug(outcome)}.csv", index=False)
    for named in result.charts:
        save_chart(named, out)
    (out / f"analysis_{slug(outcome)}.txt").write_text("\n".join(result.lines) + "\n")
    return result, out
