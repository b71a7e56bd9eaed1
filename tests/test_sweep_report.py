"""The report (HTML + PNGs), its aggregation, and the research page that shows the same charts."""

import json
import re
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from solara.widgets import VegaLite

from negotiation.sweep.charts import mean_ci, report_charts, summarise
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.report import write_report
from negotiation.sweep.runner import execute
from negotiation.web.research import ResearchPage, results_from_upload

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"  # six states: quick games
GRID = {"china.strategy.name": ["escalation", "restraint"], "rounds": [4, 8]}
TITLES = [
    "Outcome type shares by china.strategy.name",
    "Bloc cohesion by china.strategy.name",
    "Council yes share by china.strategy.name",
    "Utilities by china.strategy.name",
    "Outcome type shares by rounds",
    "Bloc cohesion by rounds",
    "Council yes share by rounds",
    "Utilities by rounds",
    "Utilities by actor",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "runs.parquet"
    execute(SweepPlan.build(SCENARIO, GRID, seeds=4, master_seed=2), out)
    return out


def test_mean_and_95_percent_interval():
    mean, low, high, n = mean_ci(pd.Series([1.0, 2.0, 3.0, np.nan]))
    assert (mean, n) == (2.0, 3)
    assert high - mean == pytest.approx(1.959964 * 1.0 / np.sqrt(3))
    assert mean - low == pytest.approx(high - mean)
    assert mean_ci(pd.Series([0.5])) == (0.5, 0.5, 0.5, 1)


def test_summary_aggregates_seeds_per_value_and_clips_shares():
    df = pd.DataFrame({"p": [1, 1, 2, 2], "x": [0.0, 1.0, 1.0, 1.0]})
    summary = summarise(df, "p", {"x": df["x"]}, share=True).set_index("value")
    assert summary.loc[1, "mean"] == 0.5 and summary.loc[1, "n"] == 2
    assert summary.loc[1, "low"] == 0.0 and summary.loc[1, "high"] == 1.0
    assert summary.loc[2, "low"] == summary.loc[2, "high"] == 1.0


def test_report_holds_every_chart_and_its_png(results, tmp_path):
    page = write_report(results, tmp_path / "report")
    text = page.read_text()
    for title in TITLES:
        assert f"<h2>{title}</h2>" in text
    specs = json.loads(
        re.search(r'<script type="application/json" id="specs">(.*?)</script>', text, re.S).group(1)
    )
    assert len(specs) == len(TITLES)
    assert [s["title"]["text"] for s in specs.values()] == TITLES
    assert "vegaEmbed" in text and "cdn." not in text  # the libraries are inline: works offline
    for name in ("outcomes_by_china_strategy_name", "cohesion_by_rounds", "council_by_rounds",
                 "utilities_by_rounds", "utilities_by_actor"):  # fmt: skip
        png = tmp_path / "report" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'href="{name}.png"' in text


def test_outcome_share_chart_data_adds_up_to_one(results):
    df = pd.read_parquet(results)
    chart = report_charts(df, list(GRID))[0]
    data = pd.DataFrame(chart.chart.data)
    totals = data.groupby("value")["mean"].sum()
    assert np.allclose(totals, 1.0)
    assert set(data["n"]) == {8}  # 4 seeds x 2 values of the other parameter


def test_a_seeds_only_sweep_reports_over_all_runs(tmp_path):
    out = tmp_path / "seeds.parquet"
    execute(SweepPlan.build(SCENARIO, {}, seeds=3), out)
    text = write_report(out).read_text()
    assert "<h2>Outcome type shares by all runs</h2>" in text


def test_research_page_loads_a_path_and_shows_the_charts(results):
    _box, rc = solara.render(ResearchPage(), handle_error=False)
    field = rc.find(v.TextField).widget
    field.v_model = str(results)
    field.fire_event("keyup.enter", None)
    assert len(rc.find(VegaLite).widgets) == len(TITLES)
    assert "16 runs" in str(rc.find(v.Html).widgets)


def test_research_page_reports_a_bad_path(tmp_path):
    _box, rc = solara.render(ResearchPage(), handle_error=False)
    field = rc.find(v.TextField).widget
    field.v_model = str(tmp_path / "nothing.parquet")
    field.fire_event("keyup.enter", None)
    rc.find(v.Alert).assert_single()
    assert "no such file" in str(rc.find(v.Alert).widget.children)
    rc.find(VegaLite).assert_empty()


def test_uploaded_csv_gives_the_same_parameters(results, tmp_path):
    csv = tmp_path / "runs.csv"
    pd.read_parquet(results).to_csv(csv, index=False)
    loaded = results_from_upload("runs.csv", csv.read_bytes())
    assert loaded.params == list(GRID)
    assert len(loaded.frame) == 16
