"""Bad sweep input is refused before any game: one line naming what is wrong and what is allowed."""

from pathlib import Path

import pytest

from negotiation.cli import main

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
        (["--grid", "rounds=5", "--seeds", "1000000000"], "seeds: must be a whole number from 1 "
         "to 100,000"),
    ],
)  # fmt: skip
def test_a_huge_design_is_refused_before_it_is_expanded(capsys, tmp_path, args, message):
    assert message in refused(capsys, tmp_path, *args)
