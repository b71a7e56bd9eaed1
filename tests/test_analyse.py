"""Analyses: Sobol and Morris against SALib's own test functions (the engine replaced by a known
function), PRIM finding the box a synthetic outcome was built from, feature scores, the command,
and the EMA Workbench export."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol
from SALib.test_functions import Ishigami, Sobol_G

from negotiation.cli import main
from negotiation.sweep.analyse import AnalysisError
from negotiation.sweep.analysis_report import analyse
from negotiation.sweep.design import Factor, Sample, parse_factor
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import execute

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

SCENARIO = SCENARIOS / "small_class.yaml"


def known_function_results(sample: Sample, function, seeds: int = 2) -> tuple[pd.DataFrame, dict]:
    """Rows as a sweep of `sample` would give them, the game replaced by `function`."""
    points = sample.points()
    x = np.array([[p[f.path] for f in sample.factors] for p in points])
    y = function(x)
    rows = [
        {**point, "point": i, "seed_index": k, "seed": k, "y": float(y[i])}
        for i, point in enumerate(points)
        for k in range(seeds)
    ]
    return pd.DataFrame(rows), {"design": sample.describe(), "master_seed": 5}


def uniform(names: list[str], low: float, high: float) -> tuple[Factor, ...]:
    return tuple(Factor(n, "uncertainty", "unif", (low, high)) for n in names)


def test_sobol_matches_salib_and_the_ishigami_indices():
    sample = Sample("sobol", 1024, uniform(["x1", "x2", "x3"], -np.pi, np.pi), seed=1)
    df, meta = known_function_results(sample, Ishigami.evaluate)
    table = analyse(df, meta, "y", "sobol").tables["sobol"]
    assert list(table.columns) == ["factor", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(table["factor"]) == ["x1", "x2", "x3"]
    x = np.array([[p[n] for n in ("x1", "x2", "x3")] for p in sample.points()])
    reference = salib_sobol.analyze(
        sample.problem(), Ishigami.evaluate(x), calc_second_order=False, num_resamples=200, seed=5
    )
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert np.allclose(table[key], reference[key])
    # the analytic indices of the Ishigami function (a=7, b=0.1)
    assert np.allclose(table["S1"], [0.3139, 0.4424, 0.0], atol=0.05)
    assert np.allclose(table["ST"], [0.5576, 0.4424, 0.2437], atol=0.05)
    assert (table["S1_conf"] > 0).all()


def test_morris_matches_salib_and_ranks_the_sobol_g_factors():
    names = ["x1", "x2", "x3", "x4"]
    sample = Sample("morris", 40, uniform(names, 0.0, 1.0), seed=2)
    df, meta = known_function_results(
        sample, lambda x: Sobol_G.evaluate(x, np.array([0, 1, 9, 99]))
    )
    table = analyse(df, meta, "y", "morris").tables["morris"]
    assert list(table.columns) == ["factor", "mu", "mu_star", "mu_star_conf", "sigma"]
    unit = sample.unit_matrix()
    reference = salib_morris.analyze(
        sample.problem(),
        unit,
        Sobol_G.evaluate(unit, np.array([0, 1, 9, 99])),
        num_resamples=200,
        num_levels=4,
        seed=5,
    )
    assert np.allclose(table["mu_star"], reference["mu_star"])
    assert np.allclose(table["sigma"], reference["sigma"])
    assert list(table.sort_values("mu_star", ascending=False)["factor"]) == names


def test_sensitivity_needs_the_matching_complete_design():
    sample = Sample("sobol", 8, uniform(["x1", "x2"], 0, 1), seed=0)
    df, meta = known_function_results(sample, lambda x: x[:, 0])
    with pytest.raises(AnalysisError, match="need --sample morris"):
        analyse(df, meta, "y", "morris")
    with pytest.raises(AnalysisError, match="point 3 is missing"):
        analyse(df[df["point"] != 3], meta, "y", "sobol")
    with pytest.raises(AnalysisError, match="need a sampled design"):
        analyse(df, {"design": {"kind": "grid"}}, "y", "sobol")
    with pytest.raises(AnalysisError, match="no column 'nope'"):
        analyse(df, meta, "nope", "sobol")


def test_prim_finds_the_box_a_synthetic_outcome_was_built_from():
    sample = Sample("lhs", 2000, uniform(["a", "b", "c"], 0.0, 1.0), seed=3)
    df, meta = known_function_results(
        sample, lambda x: ((x[:, 0] > 0.6) & (x[:, 1] < 0.3)).astype(float), seeds=1
    )
    result = analyse(df, meta, "y>0.5", "prim", threshold=0.95)
    box = result.boxes[0]
    limits = box.limits.set_index("factor")
    assert set(limits.index) == {"a", "b"}  # c plays no part
    assert limits.loc["a", "low"] == pytest.approx(0.6, abs=0.03)
    assert limits.loc["b", "high"] == pytest.approx(0.3, abs=0.03)
    assert box.density > 0.9 and box.coverage > 0.9
    assert any("a in [" in line for line in result.lines)


def test_feature_scores_rank_the_factors_that_matter():
    sample = Sample("random", 600, uniform(["a", "b", "c"], 0.0, 1.0), seed=4)
    df, meta = known_function_results(sample, lambda x: 3 * x[:, 0] + x[:, 1], seeds=1)
    scores = analyse(df, meta, "y", "features").tables["features"].set_index("factor")["score"]
    assert scores.sum() == pytest.approx(1.0)
    assert scores["a"] > scores["b"] > scores["c"]


def test_prim_and_feature_scores_see_the_values_drawn_per_seed():
    """A split decided by a walk-away drawn per seed (not a design factor) is found there."""
    sample = Sample("lhs", 1500, uniform(["a", "b"], 0.0, 1.0), seed=6)
    df, meta = known_function_results(sample, lambda x: x[:, 0], seeds=1)
    drawn = np.random.default_rng(0).uniform(0.5, 0.9, len(df))
    df["private_us_reservation"] = drawn
    df["split"] = (drawn > 0.8).astype(float)
    result = analyse(df, meta, "split>0.5", "prim", threshold=0.95)
    limits = result.boxes[0].limits.set_index("factor")
    assert set(limits.index) == {"private_us_reservation"}
    assert limits.loc["private_us_reservation", "low"] == pytest.approx(0.8, abs=0.02)
    scores = analyse(df, meta, "split>0.5", "features").tables["features"]
    assert scores.set_index("factor")["score"].idxmax() == "private_us_reservation"


@pytest.fixture(scope="module")
def sobol_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyse") / "sobol.parquet"
    sample = Sample(
        "sobol",
        4,
        (
            parse_factor("us.territorial_ambition", "0:1", "lever"),
            parse_factor("china.base_pressure", "0:0.8", "uncertainty"),
        ),
        seed=1,
    )
    execute(SweepPlan.build(SCENARIO, seeds=1, master_seed=1, sample=sample), out)
    return out


def test_analyse_command_on_a_real_sobol_sweep(sobol_results, tmp_path, capsys):
    out = tmp_path / "analysis"
    code = main(["analyse", str(sobol_results), "--outcome", "u_us", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "sobol indices of u_us" in printed and "us.territorial_ambition" in printed
    table = pd.read_csv(out / "sobol_u_us.csv")
    assert table.shape == (2, 5)
    for fmt in ("png", "svg", "pdf"):
        assert (out / f"sobol_u_us.{fmt}").stat().st_size > 0
    assert main(["analyse", str(sobol_results), "--outcome", "outcome==nothing"]) == 2
    assert "outcome takes" in capsys.readouterr().err


def test_ema_export_reads_back_in_the_workbench(sobol_results, tmp_path, capsys):
    from ema_workbench import load_results

    archive = tmp_path / "ema.tar.gz"
    assert main(["export", str(sobol_results), "--ema", str(archive)]) == 0
    experiments, outcomes = load_results(str(archive))
    runs = pd.read_parquet(sobol_results)
    assert len(experiments) == len(runs) == 4 * (2 + 2)
    assert {"us.territorial_ambition", "china.base_pressure", "scenario", "policy", "model"} <= set(
        experiments.columns
    )
    assert np.allclose(outcomes["u_us"], runs["u_us"])
    kinds = [k for k in outcomes if k.startswith("outcome_")]
    assert np.allclose(sum(outcomes[k] for k in kinds), 1.0)
    assert main(["export", str(sobol_results), "--ema", str(tmp_path / "x.zip")]) == 2
    assert ".tar.gz" in capsys.readouterr().err
