"""The research page: load a sweep's results file and see the report's charts in the browser.

A researcher types the path of a results file (Parquet, or CSV) on the server, or drops one on
the page; the page shows the same charts as `negotiation report`, from `negotiation.sweep.charts`,
and the file's provenance (code, commit, scenario, when it was made).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import solara
from solara.components.file_drop import FileInfo

from negotiation.sweep.charts import load_results, params_of, report_charts
from negotiation.sweep.columns import scenario_of, to_pandas
from negotiation.sweep.report import caption
from negotiation.sweep.store import METADATA_KEY, read_metadata


@dataclass(frozen=True)
class Results:
    """A loaded results file: its rows, its swept parameters, and where it came from."""

    label: str
    frame: pd.DataFrame
    params: list[str]
    metadata: dict = field(default_factory=dict)

    @property
    def is_grid(self) -> bool:
        return (self.metadata.get("design") or {}).get("kind", "grid") == "grid"


def results_from_path(path: str) -> Results:
    """Load a results file from the server's disk; ValueError with a readable message."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        frame = load_results(file)
        metadata = read_metadata(file)
        params = params_of(frame, metadata)
    except Exception as err:
        raise ValueError(f"{path}: cannot read it as a sweep's Parquet or CSV ({err})") from None
    return Results(file.name, frame, params, metadata)


def results_from_upload(name: str, data: bytes) -> Results:
    """Load an uploaded results file (CSV by its name, else Parquet)."""
    metadata: dict = {}
    try:
        if name.lower().endswith(".csv"):
            frame = to_pandas(pacsv.read_csv(io.BytesIO(data)))
        else:
            table = pq.read_table(io.BytesIO(data))
            raw = (table.schema.metadata or {}).get(METADATA_KEY)
            metadata = json.loads(raw) if raw else {}
            frame = to_pandas(table)
        params = params_of(frame, metadata)
    except Exception as err:
        raise ValueError(f"{name}: cannot read it as a sweep's Parquet or CSV ({err})") from None
    return Results(name, frame, params, metadata)


@solara.component
def ResultsCharts(results: Results) -> None:
    """The report's charts of loaded results."""
    scenario = scenario_of(results.metadata)
    charts = solara.use_memo(
        lambda: report_charts(results.frame, results.params, scenario, grid=results.is_grid),
        dependencies=[results],
    )
    counts = results.frame["outcome"].value_counts().sort_index()
    solara.Text(
        f"{results.label}: {len(results.frame)} runs; swept "
        + (", ".join(results.params) or "nothing (seeds only)")
        + "; outcomes "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    if results.metadata.get("provenance"):
        solara.Text("Made by " + caption(results.metadata), style={"font-size": "0.85rem"})
    for named in charts:
        solara.FigureAltair(named.chart)


@solara.component
def ResearchPage() -> None:
    """Load a sweep's results (a path on the server, or an upload) and show its charts."""
    path, set_path = solara.use_state("")
    results, set_results = solara.use_state(None)
    error, set_error = solara.use_state("")

    def show(load) -> None:
        try:
            set_results(load())
            set_error("")
        except ValueError as err:
            set_results(None)
            set_error(str(err))

    def on_path(value: str | None) -> None:
        set_path(value or "")
        if value:
            show(lambda: results_from_path(value))

    def on_file(info: FileInfo) -> None:
        data = info["data"] if info["data"] is not None else info["file_obj"].read()
        show(lambda: results_from_upload(info["name"], data))

    with solara.Column(style={"padding": "1rem"}):
        solara.Text("Research: results of a sweep", style={"font-size": "1.5rem"})
        solara.Text(
            "Run `negotiation sweep ...`, then load its results file (Parquet or CSV). Means over "
            "runs with 95% confidence intervals."
        )
        solara.InputText("Results file on the server", value=path, on_value=on_path)
        solara.FileDrop(label="... or drop a results file here", on_file=on_file, lazy=False)
        if error:
            solara.Error(error)
        if results is not None:
            ResultsCharts(results)
