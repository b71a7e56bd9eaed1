"""Sampled designs: factors, SALib samplers, the same rows on every executor, sweep files."""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from SALib.sample import latin, morris, sobol

from negotiation.cli import main
from negotiation.sweep.design import Factor, Sample, parse_factor
from negotiation.sweep.grid import GridError
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.runner import execute
from negotiation.sweep.store import read_metadata

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

SCENARIO = SCENARIOS / "small_class.yaml"


def test_factor_forms():
    ranged = parse_factor("us.territorial_ambition", "0.2:0.6", "lever")
    assert (ranged.dist, ranged.params, ranged.integer) == ("unif", (0.2, 0.6), False)
    assert ranged.value(0.0) == 0.2 and ranged.value(0.5) == pytest.approx(0.4)
    rounds = parse_factor("rounds", "4:6", "uncertainty")
    assert rounds.integer and [rounds.value(u) for u in (0.0, 0.34, 0.67, 0.999)] == [4, 5, 6, 6]
    choice = parse_factor("china.strategy.name", "escalation,restraint", "lever")
    assert [choice.value(u) for u in (0.1, 0.49, 0.5, 0.99)] == [
        "escalation",
        "escalation",
        "restraint",
        "restraint",
    ]
    normal = parse_factor("noise", "norm:0.1:0.02", "uncertainty")
    assert normal.value(0.5) == pytest.approx(0.1)
    tri = parse_factor("noise", {"distribution": "triang", "params": [0, 0.2, 0.5]}, "uncertainty")
    assert tri.value(0.5) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("path", "spec", "message"),
    [
        ("noise", "0.3:0.1", "low end must be below"),
        ("noise", "norm:0.1", "norm takes 2 numbers"),
        ("noise", "a,,b", "empty choice"),
        ("noise", "x", "at least two different choices"),
        ("rounds", "4.5:6", "whole-number field"),
        ("bogus.path", "0:1", "unknown field"),
    ],
)
def test_bad_factors_are_clear(path, spec, message):
    with pytest.raises(GridError, match=message):
        parse_factor(path, spec, "uncertainty")


def factors() -> tuple[Factor, ...]:
    return (
        parse_factor("us.territorial_ambition", "0:1", "lever"),
        parse_factor("china.base_pressure", "0:0.8", "uncertainty"),
    )


@pytest.mark.parametrize(
    ("method", "n", "rows", "salib"),
    [
        ("sobol", 8, 8 * 4, lambda p, n, s: sobol.sample(p, n, calc_second_order=False, seed=s)),
        ("morris", 3, 3 * 3, lambda p, n, s: morris.sample(p, n, num_levels=4, seed=s)),
        ("lhs", 7, 7, lambda p, n, s: latin.sample(p, n, seed=s)),
        ("random", 5, 5, None),
    ],
)
def test_samplers_are_salib_and_repeat(method, n, rows, salib):
    sample = Sample(method, n, factors(), seed=11)
    unit = sample.unit_matrix()
    assert unit.shape == (rows, 2) == (sample.n_points, 2)
    assert np.array_equal(unit, Sample(method, n, factors(), seed=11).unit_matrix())
    if salib is not None:
        assert np.array_equal(unit, salib(sample.problem(), n, 11))
    points = sample.points()
    assert points[0]["us.territorial_ambition"] == pytest.approx(unit[0, 0])
    assert points[0]["china.base_pressure"] == pytest.approx(0.8 * unit[0, 1])
    again = Sample.from_description(sample.describe())
    assert again == sample


def test_a_design_is_a_grid_or_a_sample_not_both(small_spec):
    with pytest.raises(GridError, match="not both"):
        SweepPlan.build(small_spec, {"rounds": [4, 5]}, sample=Sample("lhs", 3, factors(), 0))


def test_sampled_rows_are_the_same_in_process_on_processes_and_on_dask(small_spec, tmp_path):
    from distributed import LocalCluster

    plan = SweepPlan.build(
        small_spec, seeds=2, master_seed=4, sample=Sample("lhs", 6, factors(), seed=4)
    )
    assert plan.n_runs == 12 and plan.params == ["us.territorial_ambition", "china.base_pressure"]
    inline = tmp_path / "inline.parquet"
    execute(plan, inline, workers=1, chunk_size=5)
    on_processes = tmp_path / "processes.parquet"
    execute(plan, on_processes, workers=2, chunk_size=3)
    on_dask = tmp_path / "dask.parquet"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        execute(plan, on_dask, dask=cluster.scheduler_address, chunk_size=4)
    reference = pq.read_table(inline)
    assert pq.read_table(on_processes).equals(reference)
    assert pq.read_table(on_dask).equals(reference)
    df = reference.to_pandas()
    for p, point in enumerate(plan.points):
        rows = df[df["point"] == p]
        assert (rows["us.territorial_ambition"] == point["us.territorial_ambition"]).all()
    meta = read_metadata(inline)
    assert meta["design"]["method"] == "lhs" and meta["identity"]["design"] == meta["design"]


def test_sweep_file_with_levers_uncertainties_and_a_sample(tmp_path, capsys):
    file = tmp_path / "sweep.yaml"
    file.write_text(
        f"scenario: {SCENARIO}\n"
        "levers:\n"
        "  us.territorial_ambition: '0:1'\n"
        "  china.strategy.name: [escalation, restraint]\n"
        "uncertainties:\n"
        "  rounds: '4:8'\n"
        "sample: {method: morris, n: 2}\n"
        "master_seed: 3\n"
        "out: sampled.parquet\n"
        "workers: 1\n"
    )
    assert main(["sweep", "--file", str(file), "--quiet"]) == 0
    df = pd.read_parquet(tmp_path / "sampled.parquet")
    assert len(df) == 2 * (3 + 1)
    assert set(df["china.strategy.name"]) <= {"escalation", "restraint"}
    assert df["rounds"].between(4, 8).all() and str(df["rounds"].dtype) == "int64"
    meta = read_metadata(tmp_path / "sampled.parquet")
    roles = {f["path"]: f["role"] for f in meta["design"]["factors"]}
    assert roles == {
        "us.territorial_ambition": "lever",
        "china.strategy.name": "lever",
        "rounds": "uncertainty",
    }
    assert "levers:" in meta["provenance"]["sweep_file"]

    file.write_text(file.read_text().replace("sample: {method: morris, n: 2}\n", ""))
    assert main(["sweep", "--file", str(file), "--quiet"]) == 2
    assert "levers/uncertainties need a sample" in capsys.readouterr().err
