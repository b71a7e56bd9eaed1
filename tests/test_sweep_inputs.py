"""Bad sweep input is refused before any game: one line naming what is wrong and what is allowed."""

import sys
from pathlib import Path

import pytest

from negotiation.cli import main
from negotiation.sweep.outcomes import resolve

ROOT = Path(__file__).parents[1]
SCENARIO = str(ROOT / "scenarios" / "small_class.yaml")  # six states: quick games


def refused(capsys, tmp_path, *args: str) -> str:
    """Run `negotiation sweep SCENARIO ARGS`; assert exit 2, one line, no output; the line."""
    out = tmp_path / "runs.parquet"
    code = main(["sweep", SCENARIO, *args, "--workers", "1", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert err.startswith("negotiation sweep: error: ") and "Traceback" not in err
    assert not out.exists() and not out.with_name("runs.parquet.parts").exists()
    return err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "rounds=1:1e9:1"], "rounds: range '1:1e9:1' goes from 1 to 1000000000; rounds "
         "takes values from 1 to 100"),
        (["--grid", "us.territorial_ambition=0:1:1e-7"], "has 10,000,001 values; a grid axis "
         "takes at most 10,000"),
        (["--grid", "noise=0:0.3:0.001", "--grid", "us.territorial_ambition=0:1:0.001"],
         "the grid (301 x 1001) has 301,301 design points; a sweep takes at most 100,000"),
        (["--sample", "lhs", "100000000", "--lever", "us.territorial_ambition=0:1"],
         "--sample lhs 100000000 has 100,000,000 design points; a sweep takes at most 100,000"),
        (["--grid", "rounds=5", "--seeds", "1000000000"], "seeds: must be a whole number of at "
         "least 1 and at most 100,000"),
    ],
)  # fmt: skip
def test_a_huge_design_is_refused_before_it_is_expanded(capsys, tmp_path, args, message):
    assert message in refused(capsys, tmp_path, *args)


OUTCOMES = """
calls = []
fail = True


def flaky(model):
    calls.append(1)
    if fail and len(calls) == 3:
        raise ValueError("boom")
    return 1.0


def margin(model):
    return model.outcome.utilities["us"] - 0.5
"""


@pytest.fixture
def outcome_module(tmp_path, monkeypatch):
    """A module of outcome functions, importable as `sweep_outcomes_test`."""
    (tmp_path / "sweep_outcomes_test.py").write_text(OUTCOMES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sweep_outcomes_test", raising=False)
    resolve.cache_clear()  # a fresh module for each test: its own calls and flag
    import sweep_outcomes_test

    return sweep_outcomes_test


def test_a_failing_outcome_function_is_one_line_and_the_saved_games_resume(
    capsys, tmp_path, outcome_module
):
    out = tmp_path / "runs.parquet"
    args = ["sweep", SCENARIO, "--grid", "rounds=5,6", "--seeds", "2", "--workers", "1",
            "--chunk-size", "1", "--quiet", "--outcome", "f=sweep_outcomes_test:flaky",
            "--out", str(out)]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(
        "negotiation sweep: error: outcome f (sweep_outcomes_test:flaky) in run p000001-s000000 "
        "(seed "
    )
    assert "raised ValueError: boom" in err
    outcome_module.fail = False
    assert main(args) == 0
    assert "2 games played, 2 already saved" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("u_us", "outcome 'u_us': every row has a column u_us; give another name"),
        ("outcome", "outcome 'outcome': every row has a column outcome; give another name"),
        ("private_x", "every row has a column private_x"),
        ("rounds", "outcome 'rounds': rounds is the column of a swept parameter"),
    ],
)
def test_an_outcome_named_like_a_built_in_column_is_refused(
    capsys, tmp_path, outcome_module, name, message
):
    err = refused(capsys, tmp_path, "--grid", "rounds=5,6", "--outcome",
                  f"{name}=sweep_outcomes_test:margin")  # fmt: skip
    assert message in err


@pytest.mark.parametrize("flag", ["--lever", "--uncertainty"])
def test_the_seed_is_not_a_factor_as_it_is_not_a_grid_axis(capsys, tmp_path, flag):
    err = refused(capsys, tmp_path, "--sample", "lhs", "4", flag, "seed=0:5")
    assert err.endswith("seed: cannot be swept; the seed of each run comes from --seeds and "
                        "--master-seed")  # fmt: skip


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("grid: {rounds: [5, 6]}\nseeds: true\n", "sweep.yaml: seeds: Input should be a valid "
         "integer (got True)"),
        ("grid: {rounds: [5, 6]}\ncsv: yes\n", "sweep.yaml: csv: Input should be a valid boolean "
         "(got 'yes')"),
        ("sample: {method: lhs, n: 4}\nlevers:\n  noise: {distribution: unif, params: [0, 0.1], "
         "foo: 1}\n", "sweep.yaml: lever noise: unknown key foo; a distribution takes "
         "distribution, params, range"),
        ("grid: {rounds: [5, 6]}\nseedz: 3\n", "sweep.yaml: seedz: unknown key; allowed here: "
         "scenario, grid, levers, uncertainties, sample, outcomes, seeds,"),
        ("sample: {method: lhs, n: 4, size: 3}\nlevers: {noise: '0:0.1'}\n", "sweep.yaml: "
         "sample.size: unknown key; allowed here: method, n"),
        ("grid: {rounds: null}\n", "sweep.yaml: rounds: None is not a value; give numbers, "
         "true/false or words"),
    ],
)  # fmt: skip
def test_a_bad_sweep_file_names_the_file_the_field_and_what_is_allowed(
    capsys, tmp_path, body, message
):
    file = tmp_path / "sweep.yaml"
    file.write_text(f"scenario: {SCENARIO}\nout: runs.parquet\n{body}")
    code = main(["sweep", "--file", str(file), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "Traceback" not in err
    assert message in err
    assert not (tmp_path / "runs.parquet").exists()


def test_a_failing_outcome_before_any_saved_game_leaves_nothing(capsys, tmp_path, outcome_module):
    outcome_module.calls.extend([1, 1])  # the first game's call is the third: it fails
    out = tmp_path / "runs.parquet"
    args = ["sweep", SCENARIO, "--grid", "rounds=5", "--workers", "1", "--quiet",
            "--outcome", "f=sweep_outcomes_test:flaky", "--out", str(out)]  # fmt: skip
    assert main(args) == 2
    assert "raised ValueError: boom" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("runs.parquet")]


def test_swept_parameters_have_units_in_the_file_and_on_the_charts(tmp_path, capsys):
    from negotiation.sweep.charts import labels_for
    from negotiation.sweep.store import read_metadata

    out = tmp_path / "runs.parquet"
    args = ["sweep", SCENARIO, "--grid", "us.territorial_ambition=0,1", "--grid", "rounds=4",
            "--grid", "member_states.defaults.loyalty=0.2", "--workers", "1", "--quiet",
            "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    columns = read_metadata(out)["columns"]
    assert columns["us.territorial_ambition"]["unit"] == "index 0-1"
    assert columns["member_states.defaults.loyalty"]["unit"] == "index 0-1"
    assert columns["rounds"]["unit"] == "rounds"
    assert labels_for(["us.territorial_ambition"]) == {
        "us.territorial_ambition": "US: territorial ambition (index 0-1)"
    }
