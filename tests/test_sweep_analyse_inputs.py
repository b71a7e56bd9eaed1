"""`negotiation analyse` and `export` on input they cannot use: one clear line, or a warning."""

import re

import numpy as np
import pandas as pd
import pytest

from negotiation.cli import main
from negotiation.sweep.analyse import AnalysisError
from negotiation.sweep.analysis_report import analyse
from negotiation.sweep.design import Factor, Sample


def results(sample: Sample, function) -> tuple[pd.DataFrame, dict]:
    """Rows as a sweep of `sample` would give them, the game replaced by `function`, with an
    `outcome` word column (two of the engine's outcome types)."""
    points = sample.points()
    x = np.array([[p[f.path] for f in sample.factors] for p in points])
    y = function(x)
    rows = [
        {**point, "point": i, "seed_index": 0, "seed": 0, "y": float(y[i]),
         "outcome": "bilateral_patchwork" if y[i] > 0.5 else "bloc_deal_with_defections",
         "clause_in": bool(y[i] > 0.5)}
        for i, point in enumerate(points)
    ]  # fmt: skip
    df = pd.DataFrame(rows).convert_dtypes()
    return df, {"design": sample.describe(), "master_seed": 1}


def one_factor(method: str, n: int) -> tuple[pd.DataFrame, dict]:
    sample = Sample(method, n, (Factor("a", "lever", "unif", (0.0, 1.0)),), seed=2)
    return results(sample, lambda x: x[:, 0])


def test_one_varied_factor_has_feature_score_one_and_every_method_works():
    df, meta = one_factor("lhs", 40)
    scores = analyse(df, meta, "y", "features")
    assert scores.tables["features"].to_dict("records") == [{"factor": "a", "score": 1.0}]
    assert "(one factor varies: it explains all, its score is 1)" in scores.lines
    assert analyse(df, meta, "y>0.5", "prim").boxes
    assert len(analyse(*one_factor("sobol", 64), "y", "sobol").tables["sobol"]) == 1
    assert len(analyse(*one_factor("morris", 8), "y", "morris").tables["morris"]) == 1


def test_a_constant_outcome_has_no_feature_scores():
    df, meta = one_factor("lhs", 40)
    df["flat"] = 0.5
    df["b"] = np.linspace(0, 1, len(df))
    meta["params"] = ["a", "b"]
    with pytest.raises(AnalysisError, match=r"the same in every run \(a constant outcome\)"):
        analyse(df, meta, "flat", "features")


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("outcome>bloc_deal", "outcome holds words, which have no order; it takes == or != "
         "(e.g. outcome=="),
        ("clause_in<true", "clause_in holds true/false, which have no order; it takes == or !="),
        ("outcome==bloc_deal", "bloc_deal never occurs in this file; outcome takes "
         "bilateral_patchwork, bloc_deal_with_defections here"),
    ],
)  # fmt: skip
def test_a_condition_a_text_column_cannot_answer_is_refused(outcome, message):
    with pytest.raises(AnalysisError, match=re.escape(message)):
        analyse(*one_factor("lhs", 20), outcome, "features")


def test_sobol_indices_of_a_too_small_design_come_with_a_warning():
    sample = Sample("sobol", 8, tuple(Factor(n, "lever", "unif", (0.0, 1.0)) for n in "abc"), 1)
    df, meta = results(sample, lambda x: (x[:, 0] > 0.7).astype(float))
    lines = analyse(df, meta, "y", "sobol").lines
    warning = [line for line in lines if line.startswith("warning:")]
    assert warning == [
        "warning: the design is too small for stable Sobol indices (N = 8 base samples, 40 "
        "points): indices outside 0..1 (shown with their 95% intervals); run --sample sobol 512 "
        "or more"
    ]
    assert any(line.startswith("  a: S1 ") and " ± " in line for line in lines)


def test_analyse_and_export_into_a_place_that_cannot_be_written_is_one_line(tmp_path, capsys):
    df, _ = one_factor("lhs", 8)
    blocker = tmp_path / "file"
    blocker.write_text("")
    runs = tmp_path / "runs.parquet"
    df.assign(run_id=[f"r{i}" for i in range(len(df))]).to_parquet(runs)
    assert main(["analyse", str(runs), "--outcome", "y", "--out", str(blocker / "x")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"negotiation analyse: error: --out {blocker / 'x'}: cannot make the folder (Not a "
        "directory); give a folder you can write in"
    )
    assert main(["export", str(runs), "--ema", str(blocker / "x.tar.gz")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"negotiation export: error: --ema {blocker / 'x.tar.gz'}: {blocker} is a file, not a "
        "folder"
    )


def test_an_analysis_that_fails_leaves_no_empty_folder(tmp_path, capsys):
    df, _ = one_factor("lhs", 8)
    runs = tmp_path / "runs.parquet"
    df.assign(run_id=[f"r{i}" for i in range(len(df))]).to_parquet(runs)
    assert main(["analyse", str(runs), "--outcome", "no_such_column"]) == 2
    assert "no_such_column" in capsys.readouterr().err
    assert not (tmp_path / "runs_analysis").exists()
    kept = tmp_path / "mine"
    kept.mkdir()
    assert main(["analyse", str(runs), "--outcome", "no_such_column", "--out", str(kept)]) == 2
    assert kept.is_dir()  # a folder the user made is never removed
