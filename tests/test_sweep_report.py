"""The report (HTML, PNG/SVG/PDF, aggregate CSV, provenance), its intervals, and the research page
that shows the same charts."""

import json
import re
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from solara.widgets import VegaLite

from negotiation.sweep.charts import mean_ci, report_charts, summarise, wilson
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.report import write_report
from negotiation.sweep.runner import execute
from negotiation.web.research import ResearchPage, results_from_upload

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"  # six states: quick games
GRID = {"china.strategy.name": ["escalation", "restraint"], "rounds": [4, 8]}
TITLES = [
    "Outcome type shares by China: strategy",
    "Bloc cohesion by China: strategy",
    "Council yes share by China: strategy",
    "Utilities by China: strategy",
    "Outcome type shares by rounds",
    "Bloc cohesion by rounds",
    "Council yes share by rounds",
    "Utilities by rounds",
    "P(bloc deal) by China: strategy and rounds",
    "states with the bloc by China: strategy and rounds",
    "utility of the US by China: strategy and rounds",
    "Utilities by actor",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "runs.parquet"
    execute(SweepPlan.build(SCENARIO, GRID, seeds=4, master_seed=2), out)
    return out


def test_mean_and_95_percent_interval():
    mean, sd, low, high, n = mean_ci(pd.Series([1.0, 2.0, 3.0, np.nan]))
    assert (mean, sd, n) == (2.0, 1.0, 3)
    assert high - mean == pytest.approx(1.959964 * 1.0 / np.sqrt(3))
    assert mean - low == pytest.approx(high - mean)
    assert mean_ci(pd.Series([0.5])) == (0.5, 0.0, 0.5, 0.5, 1)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (10, 10), (3, 10), (1, 2), (40, 200)])
def test_wilson_interval_matches_statsmodels_and_does_not_vanish(k, n):
    from statsmodels.stats.proportion import proportion_confint

    low, high = wilson(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-6) and high == pytest.approx(ref_high, abs=1e-6)
    assert high - low > 0  # unlike Wald's, also at 0 and at 1


def test_summary_aggregates_seeds_per_value_with_wilson_for_shares():
    df = pd.DataFrame({"p": [1, 1, 2, 2], "x": [0.0, 1.0, 1.0, 1.0]})
    summary, numeric = summarise(df, "p", {"x": df["x"]}, share=True)
    summary = summary.set_index("value")
    assert numeric
    assert summary.loc[1, "mean"] == 0.5 and summary.loc[1, "n"] == 2
    assert (summary.loc[1, "low"], summary.loc[1, "high"]) == pytest.approx(wilson(1, 2))
    assert summary.loc[2, "high"] == pytest.approx(1.0) and summary.loc[2, "low"] < 1.0


def test_report_holds_every_chart_in_png_svg_and_pdf(results, tmp_path):
    page = write_report(results, tmp_path / "report")
    text = page.read_text()
    for title in TITLES:
        assert f"<h2>{title}</h2>" in text
    specs = json.loads(
        re.search(r'<script type="application/json" id="specs">(.*?)</script>', text, re.S).group(1)
    )
    titles = [s["title"]["text"] for s in specs.values()]
    assert titles[: len(TITLES)] == TITLES  # then the analyses' charts
    assert "vegaEmbed" in text and "cdn." not in text  # the libraries are inline: works offline
    for name in ("outcomes_by_china_strategy_name", "cohesion_by_rounds", "council_by_rounds",
                 "utilities_by_rounds", "utilities_by_actor", "heatmap_p_bloc_deal"):  # fmt: skip
        folder = tmp_path / "report"
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (folder / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        svg = (folder / f"{name}.svg").read_text()
        assert svg.lstrip().startswith("<svg") and "commit" in svg  # provenance caption
        for fmt in ("png", "svg", "pdf"):
            assert f'href="{name}.{fmt}"' in text
    assert "<h2>Provenance</h2>" in text and "git commit:" in text


def test_numeric_parameters_are_lines_and_words_are_bars(results):
    df = pd.read_parquet(results)
    charts = {c.name: c.chart.to_dict() for c in report_charts(df, list(GRID))}
    marks = [layer["mark"]["type"] for layer in charts["outcomes_by_rounds"]["layer"]]
    assert marks == ["area", "line"]
    marks = [layer["mark"]["type"] for layer in charts["outcomes_by_china_strategy_name"]["layer"]]
    assert marks == ["bar", "errorbar"]
    assert charts["outcomes_by_rounds"]["layer"][1]["encoding"]["x"]["title"] == "rounds"


def test_aggregate_csv_has_mean_sd_interval_and_n_per_point(results, tmp_path):
    write_report(results, tmp_path / "report")
    table = pd.read_csv(tmp_path / "report" / "aggregate.csv")
    assert {"point", "measure", "unit", "mean", "sd", "ci95_low", "ci95_high", "n"} <= set(
        table.columns
    )
    runs = pd.read_parquet(results)
    u_us = table[table["measure"] == "u_us"].set_index("point")
    for point, group in runs.groupby("point"):
        assert u_us.loc[point, "n"] == len(group) == 4
        assert u_us.loc[point, "mean"] == pytest.approx(group["u_us"].mean())
        assert u_us.loc[point, "sd"] == pytest.approx(group["u_us"].std(ddof=1))
    shares = table[table["measure"].str.startswith("share_")]
    assert shares.groupby("point")["mean"].sum().round(9).eq(1).all()


def test_outcome_share_chart_data_adds_up_to_one(results):
    df = pd.read_parquet(results)
    chart = report_charts(df, list(GRID))[0]
    data = pd.DataFrame(chart.chart.data)
    assert chart.name == "outcomes_by_china_strategy_name"
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


DEFAULT = ROOT / "scenarios" / "critical_minerals_2026.yaml"


@pytest.fixture(scope="module")
def with_states(tmp_path_factory):
    folder = tmp_path_factory.mktemp("states_report")
    out, states = folder / "runs.parquet", folder / "states.parquet"
    plan = SweepPlan.build(DEFAULT, {"member_states.defaults.loyalty": [0.05, 0.4]}, seeds=10)
    execute(plan, out, states_out=states)
    return out, states


def test_report_adds_the_member_states_from_the_per_state_table(with_states, tmp_path):
    out, states = with_states
    page = write_report(out, tmp_path / "rep")  # the table is found from the file's metadata
    folder = page.parent
    for name in ("states_bilateral", "states_stance"):
        for fmt in ("png", "svg", "pdf"):
            assert (folder / f"{name}.{fmt}").stat().st_size > 0
    summary = pd.read_csv(folder / "states_aggregate.csv").set_index("code")
    table = pd.read_parquet(states)
    assert len(summary) == 27 and (summary["n"] == 20).all()
    by_state = table.groupby("code")
    # what a user would compute from the table by hand
    assert np.allclose(summary["share_bilateral"], by_state["bilateral"].mean()[summary.index])
    assert np.allclose(summary["mean_payoff"], by_state["payoff"].mean()[summary.index])
    stances = summary[[f"share_stance_{s}" for s in ("bloc", "conditional", "bilateral", "china")]]
    assert np.allclose(stances.sum(axis=1), 1.0)
    deals = table[table["bilateral"]]
    if len(deals):  # mean tailored terms over the state's deals only
        code = deals["code"].iloc[0]
        expected = deals[deals["code"] == code]["bilateral_offtake"].mean()
        assert summary.loc[code, "mean_bilateral_offtake"] == pytest.approx(expected)
    low, high = summary["share_bilateral_low"], summary["share_bilateral_high"]
    assert ((low <= summary["share_bilateral"]) & (summary["share_bilateral"] <= high)).all()
    assert (high > 0).all()  # Wilson: no empty interval at a share of 0
    assert "states_aggregate.csv" in page.read_text()


def test_report_states_option_and_a_table_of_another_sweep(with_states, results, tmp_path, capsys):
    from negotiation.cli import main

    out, states = with_states
    assert main(["report", str(results), "--out", str(tmp_path / "a")]) == 0
    assert not (tmp_path / "a" / "states_aggregate.csv").exists()  # none made: no state charts
    assert "no per-state table" in (tmp_path / "a" / "report.html").read_text()
    capsys.readouterr()
    assert (
        main(["report", str(results), "--states", str(states), "--out", str(tmp_path / "b")]) == 2
    )
    err = capsys.readouterr().err
    assert "made by another sweep" in err and "Traceback" not in err
    assert main(["report", str(out), "--states", str(tmp_path / "none.parquet")]) == 2
    assert "--states" in capsys.readouterr().err
