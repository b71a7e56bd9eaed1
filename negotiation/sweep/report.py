"""`negotiation report FILE`: an HTML report of a sweep's results, with every chart also as a PNG.

The HTML holds the charts' Vega-Lite specs and the Vega libraries inline (from vl-convert), so it
opens offline; the PNGs sit beside it for papers and slides.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from negotiation.sweep.charts import NamedChart, load_results, report_charts, swept_params
from negotiation.sweep.store import read_metadata


def default_report_dir(results: str | Path) -> Path:
    results = Path(results)
    return results.with_name(results.stem + "_report")


def write_report(results: str | Path, out_dir: str | Path | None = None) -> Path:
    """Write report.html and one PNG per chart into `out_dir`; the path of the HTML file."""
    results = Path(results)
    out = Path(out_dir) if out_dir is not None else default_report_dir(results)
    df = load_results(results)
    if df.empty:
        raise ValueError(f"{results}: holds no runs")
    params = swept_params(df, results)
    charts = report_charts(df, params)
    out.mkdir(parents=True, exist_ok=True)
    for named in charts:
        named.chart.save(out / f"{named.name}.png", scale_factor=2)
    page = out / "report.html"
    page.write_text(_page(results, df, params, charts), encoding="utf-8")
    return page


def _page(results: Path, df: pd.DataFrame, params: list[str], charts: list[NamedChart]) -> str:
    meta = read_metadata(results)
    scenario = meta.get("scenario") or "unknown scenario"
    seeds = meta.get("seeds") or int(df["seed_index"].nunique())
    facts = [
        f"Scenario: {scenario}",
        f"Runs: {len(df)} ({seeds} seeds per grid point, {df['point'].nunique()} grid points)",
        "Swept: " + (", ".join(params) if params else "nothing (seeds only)"),
        "Outcomes: "
        + ", ".join(f"{k} {v}" for k, v in df["outcome"].value_counts().sort_index().items()),
    ]
    sections = []
    specs = {}
    for i, named in enumerate(charts):
        specs[f"chart{i}"] = named.chart.to_dict()
        sections.append(
            f'<section><h2>{html.escape(named.title)}</h2><div id="chart{i}"></div>'
            f'<p><a href="{named.name}.png">{named.name}.png</a></p></section>'
        )
    bundle = vl_convert.javascript_bundle(vl_version=_vl_version())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Sweep report: {html.escape(results.name)}</title>
<style>body{{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}}
section{{margin:2rem 0}}</style>
<script>{bundle}</script>
</head><body>
<h1>Sweep report: {html.escape(results.name)}</h1>
<ul>{"".join(f"<li>{html.escape(f)}</li>" for f in facts)}</ul>
<p>Each value is a mean over runs (all seeds, and all values of the other swept parameters) with a
95% confidence interval (mean ± 1.96 standard errors). Council shares count runs that held a vote.</p>
{"".join(sections)}
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
