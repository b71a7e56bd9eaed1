"""`negotiation report FILE`: an HTML report of a sweep's results, every chart also as PNG, SVG and
PDF, an aggregated table as CSV, and the file's provenance.

The HTML holds the charts' Vega-Lite specs and the Vega libraries inline (from vl-convert), so it
opens offline; the image files sit beside it for papers and slides, each with a caption that says
which code, commit and scenario made it. `aggregate.csv` has the mean, sd, 95% interval and N of
every measure at every design point. For a Sobol or Morris design the report adds the sensitivity
indices of P(bloc deal), the US's utility and cohesion; for other designs with varied factors,
PRIM boxes where the EU splits (not every state with the bloc at the end) and feature scores.
"""

from __future__ import annotations

import html
import json
import warnings
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from negotiation.sweep.analyse import AnalysisError
from negotiation.sweep.analysis_report import Analysis, analyse
from negotiation.sweep.charts import (
    NamedChart,
    aggregate,
    load_results,
    params_of,
    report_charts,
    save_chart,
)
from negotiation.sweep.columns import scenario_of
from negotiation.sweep.state_report import (
    find_states_table,
    load_states,
    state_charts,
    state_summary,
)
from negotiation.sweep.store import read_metadata

SENSITIVITY_OUTCOMES = ("outcome==bloc_deal", "u_us", "cohesion_states")
DISCOVERY_OUTCOME = "cohesion_states<1"


def default_report_dir(results: str | Path) -> Path:
    results = Path(results)
    return results.with_name(results.stem + "_report")


def provenance_lines(results: str | Path) -> list[str]:
    """The file's provenance as lines to print (what made it, when, with what)."""
    meta = read_metadata(results)
    made = meta.get("provenance")
    if not made:
        return [f"{results}: no provenance recorded (made before provenance was kept, or a CSV)"]
    git = made.get("git") or {}
    commit = git.get("commit") or "unknown"
    dirty = " (with uncommitted changes)" if git.get("dirty") else ""
    libs = ", ".join(f"{k} {v}" for k, v in (made.get("libraries") or {}).items() if v)
    lines = [
        f"results: {results}",
        f"package: negotiation {made.get('package_version')}, code hash {made.get('code_hash')}",
        f"git commit: {commit}{dirty}",
        f"libraries: {libs}",
        f"scenario: {meta.get('scenario')} ({made.get('scenario_source')})",
        f"design: {_design_text(meta)}; {meta.get('seeds')} seeds per point, master seed "
        f"{meta.get('master_seed')}",
    ]
    for k, session in enumerate(meta.get("sessions") or [], 1):
        lines.append(
            f"session {k}: {session.get('command')} | {session.get('executor')} | "
            f"{session.get('started')} to {session.get('finished')} | "
            f"{session.get('games_played')} games"
        )
    if made.get("sweep_file"):
        lines.append("sweep file:\n  " + made["sweep_file"].rstrip().replace("\n", "\n  "))
    return lines


def _design_text(meta: dict) -> str:
    design = meta.get("design") or {}
    if design.get("kind") == "sample":
        factors = ", ".join(f["path"] for f in design.get("factors", []))
        return f"{design['method']} sample, N={design['n']}, of {factors}"
    grid = meta.get("grid") or {}
    return "grid " + (", ".join(f"{k}={v}" for k, v in grid.items()) or "(seeds only)")


def caption(meta: dict) -> str:
    """One line of provenance under every chart."""
    made = meta.get("provenance") or {}
    git = made.get("git") or {}
    commit = (git.get("commit") or "unknown")[:10] + ("+dirty" if git.get("dirty") else "")
    return (
        f"negotiation {made.get('package_version', '?')} (code {made.get('code_hash', '?')}, "
        f"commit {commit}); scenario {meta.get('scenario', '?')}; master seed "
        f"{meta.get('master_seed', '?')}; {(made.get('finished') or '')[:10]}"
    )


def analyses(df: pd.DataFrame, meta: dict) -> list[Analysis]:
    """The report's automatic analyses (none where the design does not allow them)."""
    design = meta.get("design") or {}
    found = []
    outcomes = (
        SENSITIVITY_OUTCOMES
        if design.get("method") in ("sobol", "morris")
        else (DISCOVERY_OUTCOME,)
    )
    for outcome in outcomes:
        try:
            found.append(analyse(df, meta, outcome))
        except AnalysisError as err:
            found.append(Analysis(outcome, lines=[f"{outcome}: not analysed ({err})"]))
    return found


def write_report(
    results: str | Path, out_dir: str | Path | None = None, states: str | Path | None = None
) -> Path:
    """Write report.html, every chart as PNG/SVG/PDF and aggregate.csv; the HTML file's path.

    With a per-state table (`states`, else the one the sweep wrote, if it is still there) the
    report adds the member states' charts and `states_aggregate.csv`.
    """
    results = Path(results)
    out = Path(out_dir) if out_dir is not None else default_report_dir(results)
    df = load_results(results)
    if df.empty:
        raise ValueError(f"{results}: holds no runs")
    meta = read_metadata(results)
    params = params_of(df, meta)
    scenario = scenario_of(meta)
    is_grid = (meta.get("design") or {}).get("kind", "grid") == "grid"
    charts = report_charts(df, params, scenario, grid=is_grid)
    found = analyses(df, meta) if params else []
    for item in found:
        charts += item.charts
    states_path = Path(states) if states is not None else find_states_table(results, meta)
    summary = None
    if states_path is not None:
        summary = state_summary(load_states(states_path, df, meta.get("identity")))
        charts += state_charts(summary, int(df["run_id"].nunique()))
    out.mkdir(parents=True, exist_ok=True)
    note = caption(meta) if meta else ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for named in charts:
            save_chart(named, out, note)
    aggregate(df, params).to_csv(out / "aggregate.csv", index=False)
    if summary is not None:
        summary.to_csv(out / "states_aggregate.csv", index=False)
    page = out / "report.html"
    text = _page(results, df, meta, params, charts, found, states_path)
    page.write_text(text, encoding="utf-8")
    return page


def _page(
    results: Path,
    df: pd.DataFrame,
    meta: dict,
    params: list[str],
    charts: list[NamedChart],
    found: list[Analysis],
    states_path: Path | None = None,
) -> str:
    scenario = meta.get("scenario") or "unknown scenario"
    seeds = meta.get("seeds") or int(df["seed_index"].nunique())
    facts = [
        f"Scenario: {scenario}",
        f"Runs: {len(df)} ({seeds} seeds per design point, {df['point'].nunique()} points)",
        "Varied: " + (", ".join(params) if params else "nothing (seeds only)"),
        "Outcomes: "
        + ", ".join(f"{k} {v}" for k, v in df["outcome"].value_counts().sort_index().items()),
        (
            f"Member states: from {states_path.name} (per state: states_aggregate.csv)"
            if states_path is not None
            else "Member states: no per-state table (sweep with --states-table to add one)"
        ),
    ]
    sections = []
    specs = {}
    for i, named in enumerate(charts):
        specs[f"chart{i}"] = named.chart.to_dict()
        links = " · ".join(
            f'<a href="{named.name}.{fmt}">{fmt.upper()}</a>' for fmt in ("png", "svg", "pdf")
        )
        sections.append(
            f'<section><h2>{html.escape(named.title)}</h2><div id="chart{i}"></div>'
            f"<p>{links}</p></section>"
        )
    analysis_html = "".join(
        f"<h3>{html.escape(a.outcome)}</h3><pre>{html.escape(chr(10).join(a.lines))}</pre>"
        for a in found
    )
    provenance = html.escape("\n".join(provenance_lines(results)))
    bundle = vl_convert.javascript_bundle(vl_version=_vl_version())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Sweep report: {html.escape(results.name)}</title>
<style>body{{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}}
section{{margin:2rem 0}} pre{{background:#f5f5f5;padding:.5rem;overflow:auto}}</style>
<script>{bundle}</script>
</head><body>
<h1>Sweep report: {html.escape(results.name)}</h1>
<ul>{"".join(f"<li>{html.escape(f)}</li>" for f in facts)}</ul>
<p>Each value is a mean over runs (all seeds, and all values of the other varied parameters) with
a 95% interval: Wilson's score interval for shares of runs, mean ± 1.96 standard errors
otherwise; N is in the tooltips and in <a href="aggregate.csv">aggregate.csv</a> (mean, sd,
interval and N of every measure at every design point). Council shares count runs that held a
vote.</p>
<h2>Analyses</h2>{analysis_html or "<p>None: no parameter was varied.</p>"}
{"".join(sections)}
<h2>Provenance</h2><pre>{provenance}</pre>
<script type="application/json" id="specs">{_safe_json(specs)}</script>
<script>
const specs = JSON.parse(document.getElementById("specs").textContent);
for (const [id, spec] of Object.entries(specs)) {{ vegaEmbed("#" + id, spec, {{actions: false}}); }}
</script>
</body></html>
"""


def _vl_version() -> str:
    """The Vega-Lite version altair writes, as vl-convert names it (e.g. v6.4)."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"v{major}.{minor}"


def _safe_json(data: dict) -> str:
    """JSON that cannot close the script element it sits in."""
    return json.dumps(data).replace("</", "<\\/")
