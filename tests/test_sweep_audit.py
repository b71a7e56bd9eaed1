"""Bad input found by an audit of the sweep commands: each is refused with exit 2 and one line
that says what is wrong and what is allowed, before any game where it can be, and no file is
lost or changed."""

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from negotiation.cli import main
from negotiation.sweep.outcomes import resolve

ROOT = Path(__file__).parents[1]
SCENARIO = ROOT / "scenarios" / "small_class.yaml"  # six states: quick games


def sweep(out: Path, *args: str) -> list[str]:
    """The words of a tiny in-process sweep of the small scenario into OUT."""
    return ["sweep", str(SCENARIO), "--workers", "1", "--quiet", "--out", str(out), *args]


def error(capsys, code: int, command: str = "sweep") -> str:
    """Assert exit 2 and one error line (no traceback); the line."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith(f"negotiation {command}: error")]
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A finished grid sweep (runs.parquet) with its per-state table (states.parquet)."""
    folder = tmp_path_factory.mktemp("made")
    args = ["--grid", "rounds=5,6", "--states-table", str(folder / "states.parquet")]
    assert main(sweep(folder / "runs.parquet", *args)) == 0
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- 1. outputs: side tables of another sweep, inputs overwritten -------------------------------


@pytest.mark.parametrize("flag", ["--rounds-table", "--states-table"])
@pytest.mark.parametrize("target", ["runs.parquet", "states.parquet"])
def test_a_side_table_of_another_sweep_is_refused_before_any_game(
    made, tmp_path, capsys, flag, target
):
    before = snapshot(made)
    out = tmp_path / "other.parquet"
    code = main(sweep(out, "--grid", "rounds=7,8", flag, str(made / target)))
    line = error(capsys, code)
    assert f"{made / target} holds results of another sweep" in line
    assert f"choose a new {flag}" in line and "--force-new" in line
    assert snapshot(made) == before  # nothing merged into the other sweep's file
    assert list(tmp_path.iterdir()) == []  # no game played


@pytest.mark.parametrize("flag", ["--rounds-table", "--states-table"])
def test_a_side_table_that_is_no_sweep_table_is_refused_but_its_own_is_extended(
    tmp_path, capsys, flag
):
    notes = tmp_path / "notes.yaml"
    notes.write_text("my notes: keep\n")
    out = tmp_path / "runs.parquet"
    line = error(capsys, main(sweep(out, "--grid", "rounds=5", flag, str(notes))))
    assert f"{notes}: exists and is not a results file of a sweep; choose another {flag}" in line
    assert notes.read_text() == "my notes: keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.yaml"]

    table = tmp_path / "table.parquet"  # the sweep's own table: extended with more seeds
    assert main(sweep(out, "--grid", "rounds=5", flag, str(table), "--seeds", "1")) == 0
    assert main(sweep(out, "--grid", "rounds=5", flag, str(table), "--seeds", "2")) == 0
    runs = set(pq.read_table(table)["run_id"].to_pylist())
    assert runs == {"p000000-s000000", "p000000-s000001"}


def test_an_output_that_is_the_scenario_file_is_refused_even_with_force_new(tmp_path, capsys):
    scenario = tmp_path / "copy.yaml"
    scenario.write_bytes(SCENARIO.read_bytes())
    args = ["sweep", str(scenario), "--grid", "rounds=5", "--workers", "1", "--quiet"]
    code = main([*args, "--out", str(scenario), "--force-new"])
    assert f"--out {scenario}: is the scenario file" in error(capsys, code)
    code = main([*args, "--out", str(tmp_path / "r.parquet"), "--states-table", str(scenario)])
    assert f"--states-table {scenario}: is the scenario file" in error(capsys, code)
    assert scenario.read_bytes() == SCENARIO.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.yaml"]


def test_an_output_that_is_the_sweep_file_is_refused(tmp_path, capsys):
    file = tmp_path / "sweep.yaml"
    text = f"scenario: {SCENARIO}\ngrid: {{rounds: [5]}}\nout: sweep.yaml\n"
    file.write_text(text)
    code = main(["sweep", "--file", str(file), "--force-new", "--workers", "1", "--quiet"])
    assert f"--out {file}: is the sweep file" in error(capsys, code)
    assert file.read_text() == text


# --- 2. user outcomes: None mixes with one type; two types, huge whole numbers refused ----------

HOOKS = """
calls = []


def _next():
    calls.append(1)
    return len(calls) % 2  # 1, 0, 1, 0, ... over the runs (in this process)


def none_or_word(model):
    return None if _next() else "word"


def none_or_true(model):
    return None if _next() else True


def word_or_number(model):
    return "x" if _next() else 1.5


def true_or_number(model):
    return True if _next() else 3


def huge(model):
    return 2**70
"""


@pytest.fixture
def hooks(tmp_path, monkeypatch):
    """A module of outcome functions, importable as `sweep_audit_hooks`, fresh for each test."""
    (tmp_path / "sweep_audit_hooks.py").write_text(HOOKS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "sweep_audit_hooks", raising=False)
    resolve.cache_clear()
    return tmp_path


def hook_sweep(out: Path, function: str) -> list[str]:
    args = [
        "--grid",
        "rounds=5,6",
        "--chunk-size",
        "1",
        "--outcome",
        f"h=sweep_audit_hooks:{function}",
    ]
    return sweep(out, *args)


@pytest.mark.parametrize(
    ("function", "values"),
    [("none_or_word", [None, "word"]), ("none_or_true", [None, True])],
)
def test_an_outcome_that_is_none_in_some_runs_mixes_with_one_type(
    hooks, tmp_path, capsys, function, values
):
    out = tmp_path / "runs.parquet"
    assert main(hook_sweep(out, function)) == 0, capsys.readouterr().err
    assert pq.read_table(out)["h"].to_pylist() == values


@pytest.mark.parametrize(
    ("function", "first", "then"),
    [("word_or_number", "a word", "a number"), ("true_or_number", "true/false", "a number")],
)
def test_an_outcome_of_two_types_is_one_line_and_the_saved_games_are_kept(
    hooks, tmp_path, capsys, function, first, then
):
    out = tmp_path / "runs.parquet"
    line = error(capsys, main(hook_sweep(out, function)))
    assert (
        f"outcome h (sweep_audit_hooks:{function}) returned {first} in run p000000-s000000 "
        f"and {then} in run p000001-s000000"
    ) in line
    assert "the games saved so far are kept" in line
    parts = sorted(p.name for p in out.with_name("runs.parquet.parts").glob("part-*"))
    assert parts == ["part-p000000-s000000.parquet"]  # the first game is kept for a resume


def test_an_outcome_too_large_for_a_column_is_one_line(hooks, tmp_path, capsys):
    line = error(capsys, main(hook_sweep(tmp_path / "runs.parquet", "huge")))
    assert "outcome h (sweep_audit_hooks:huge) in run p000000-s000000" in line
    assert "returned 1180591620717411303424, a whole number too large for a column" in line


# --- 7, 8, 15. outcome names and modules ------------------------------------------------------


def test_an_outcome_name_given_twice_is_refused(hooks, tmp_path, capsys):
    code = main(sweep(tmp_path / "r.parquet", "--outcome", "a=sweep_audit_hooks:huge",
                      "--outcome", "a=sweep_audit_hooks:none_or_word"))  # fmt: skip
    assert "outcome 'a' given twice" in error(capsys, code)
    assert list(tmp_path.glob("r.parquet*")) == []


def test_an_outcome_named_like_an_ema_export_column_is_refused(hooks, tmp_path, capsys):
    code = main(
        sweep(tmp_path / "r.parquet", "--outcome", "outcome_bloc_deal=sweep_audit_hooks:huge")
    )
    line = error(capsys, code)
    assert "outcome 'outcome_bloc_deal': the EMA export makes the columns outcome_<type>" in line
    assert list(tmp_path.glob("r.parquet*")) == []


def test_a_module_that_cannot_be_imported_says_how_to_make_it_importable(tmp_path, capsys):
    code = main(sweep(tmp_path / "r.parquet", "--outcome", "a=no_such_package_here.m:f"))
    line = error(capsys, code)
    assert "cannot import no_such_package_here.m" in line
    assert (
        "install it, or put its folder on PYTHONPATH (e.g. PYTHONPATH=. negotiation sweep" in line
    )


# --- 6, 10, 11, 14. sweep files and --sample N ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe bad", "sweep.yaml: line 1, column 1: not UTF-8 text (byte 0xff)"),
        (b"scenario: [unclosed\n", "sweep.yaml: line 2, column 1: not valid YAML: expected ','"),
        (b"scenario: x.yaml\nout: r.parquet\nsample: {method: lhs, n: 4}\nlevers:\n"
         b"  us.territorial_ambition: {distribution: norm}\n",
         "lever us.territorial_ambition: norm needs params [mean, sd]"),
        (b"scenario: x.yaml\nout: r.parquet\nsample: {method: lhs, n: 4}\nuncertainties:\n"
         b"  noise: {distribution: truncnorm, params: []}\n",
         "uncertainty noise: truncnorm needs params [low, high, mean, sd]"),
    ],
)  # fmt: skip
def test_a_bad_sweep_file_is_one_line(tmp_path, capsys, body, message):
    file = tmp_path / "sweep.yaml"
    file.write_bytes(body)
    code = main(["sweep", "--file", str(file)])
    line = error(capsys, code)
    assert message in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.yaml"]


@pytest.mark.parametrize(
    ("method", "n", "message"),
    [
        ("lhs", "-5", "--sample lhs -5: N must be a whole number of at least 1 (e.g. 128)"),
        ("lhs", "0", "--sample lhs 0: N must be a whole number of at least 1 (e.g. 128)"),
        ("random", "2.5", "--sample random 2.5: N must be a whole number of at least 1"),
        ("sobol", "0", "--sample sobol 0: N must be a power of 2 (e.g. 128)"),
        (
            "morris",
            "-1",
            "--sample morris -1: N (trajectories) must be a whole number of at least 2",
        ),
    ],
)
def test_a_bad_sample_size_says_what_n_must_be(tmp_path, capsys, method, n, message):
    code = main(sweep(tmp_path / "r.parquet", "--sample", method, n, "--lever", "noise=0:0.1"))
    assert message in error(capsys, code)


# --- 3, 4, 5, 9, 12, 13. analyse, export and report on the wrong file or outcome ---------------


def test_a_true_false_outcome_takes_only_true_or_false(made, capsys):
    results = str(made / "runs.parquet")
    held = sorted({str(v).lower() for v in pq.read_table(results)["clause_in"].to_pylist()})
    for value in ("yes", "maybe"):
        code = main(["analyse", results, "--outcome", f"clause_in=={value}", "--method", "prim"])
        line = error(capsys, code, "analyse")
        assert (
            f"clause_in takes true or false, not '{value}' (this file holds {', '.join(held)})"
            in line
        )
    assert not (made / "runs_analysis").exists()


@pytest.mark.parametrize("command", ["analyse", "export", "report"])
def test_a_file_that_is_not_a_results_file_is_one_line(made, tmp_path, capsys, command):
    extra = {"analyse": ["--outcome", "u_us"], "export": ["--ema", str(tmp_path / "e.tar.gz")]}
    folder = tmp_path / "results"
    folder.mkdir()
    cases = [
        (SCENARIO, "not a results file of a sweep (cannot be read as Parquet"),
        (made / "states.parquet", "not a sweep results file (a per-state table; its results file "
                                  f"is {made / 'runs.parquet'})"),
        (folder, "is a folder; give a results file of a sweep"),
    ]  # fmt: skip
    for path, message in cases:
        line = error(capsys, main([command, str(path), *extra.get(command, [])]), command)
        assert f"{path}: {message}" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no archive, no report


def test_morris_refuses_a_constant_outcome_as_sobol_does(tmp_path, capsys):
    out = tmp_path / "morris.parquet"
    args = ["--sample", "morris", "2", "--lever", "us.territorial_ambition=0:1"]
    assert main(sweep(out, *args)) == 0
    capsys.readouterr()
    code = main(["analyse", str(out), "--outcome", "u_us>5", "--method", "morris"])
    line = error(capsys, code, "analyse")
    assert line.endswith("the outcome is the same at every point: nothing to attribute")
    assert not (tmp_path / "morris_analysis").exists()
