"""The model check (`negotiation check-model`): its statistics, the command, and one test per lever
that the lever moves its metric in the documented direction (negotiation/check_levers.py)."""

import json
import sys

import numpy as np
import pytest

from negotiation.check_levers import LEVERS, SCENARIO_OWN, Lever, is_historical, metric
from negotiation.check_report import print_report
from negotiation.check_stats import (
    Estimate,
    against,
    mean_interval,
    measured_direction,
    paired_difference,
    wilson,
)
from negotiation.cli import main
from negotiation.model_check import (
    DEFAULT_SCENARIO,
    _outcomes,
    _targets,
    analyse_lever,
    check_model,
    play_all,
    resolve_lever,
)
from negotiation.scenario import load_scenario

DIRECTION_SEEDS = 60  # seeds per value in the direction tests (the full check uses 500)
SMALL_EFFECTS = {"pressure_splits": 300}
"""Levers whose documented effect is small (about -0.015 in the yes share at 500 seeds): 60 seeds
cannot tell it from zero, so their test plays more."""
WORKERS = 2


# --- statistics ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hits", "n", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_published_values(hits, n, low, high):
    est = wilson(hits, n)
    assert est.value == pytest.approx(hits / n)
    assert est.low == pytest.approx(low, abs=5e-5)
    assert est.high == pytest.approx(high, abs=5e-5)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError, match="at least one trial"):
        wilson(0, 0)
    with pytest.raises(ValueError, match="between 0 and 5"):
        wilson(6, 5)


def test_paired_difference_matches_students_sleep_data():
    # Student (1908): extra sleep under two drugs, the same ten patients; R's
    # t.test(extra ~ group, data = sleep, paired = TRUE) gives 1.58 [0.7001142, 2.4598858].
    drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    diff = paired_difference(drug2, drug1)
    assert diff.value == pytest.approx(1.58)
    assert diff.low == pytest.approx(0.7001142, abs=1e-6)
    assert diff.high == pytest.approx(2.4598858, abs=1e-6)
    assert measured_direction(diff) == 1


def test_pairing_sees_an_effect_that_unpaired_noise_would_hide():
    rng = np.random.default_rng(1)
    seed_effect = rng.normal(0, 1, 40)
    before, after = seed_effect, seed_effect + 0.1  # the same seeds, a small steady shift
    diff = paired_difference(after, before)
    assert diff.low > 0 and measured_direction(diff) == 1
    # Each mean alone has an interval far wider than the effect.
    assert mean_interval(after).high - mean_interval(after).low > 0.4


def test_a_constant_metric_has_a_point_interval_and_no_direction():
    est = mean_interval([1.0] * 10)
    assert (est.value, est.low, est.high) == (1.0, 1.0, 1.0)
    assert measured_direction(paired_difference([1.0] * 10, [1.0] * 10)) == 0
    with pytest.raises(ValueError, match="at least two"):
        mean_interval([1.0])


def test_a_step_is_against_the_prediction_only_when_its_interval_is():
    assert against(Estimate(-0.2, -0.3, -0.1), +1)
    assert not against(Estimate(-0.2, -0.3, 0.1), +1)
    assert against(Estimate(0.2, 0.1, 0.3), -1)
    assert not against(Estimate(0.2, 0.1, 0.3), +1)


# --- what the check counts ------------------------------------------------------------------------


def _game(outcome, clause=True, bilateral=0, package="p"):
    return {
        "outcome": outcome,
        "clause_in": clause,
        "bilateral_deals": bilateral,
        "package": package,
    }


def test_the_historical_outcome_is_a_bloc_deal_with_the_clause_and_no_one_alone():
    assert is_historical(_game("bloc_deal"))
    assert not is_historical(_game("bloc_deal", clause=False))
    assert not is_historical(_game("bloc_deal_with_defections", bilateral=1))
    assert not is_historical(_game("no_deal", clause=None))
    assert metric("p_bloc").value(_game("bloc_deal_with_defections")) == 1.0
    assert metric("p_bloc").value(_game("no_deal")) == 0.0


def test_outcome_counts_packages_and_targets():
    games = (
        [_game("bloc_deal", package=f"a{i % 30}") for i in range(70)]
        + [_game("bloc_deal", clause=False, package="b")] * 10
        + [_game("no_deal", clause=None, package="none")] * 20
    )
    out = _outcomes(games)
    assert out["types"]["bloc_deal"]["count"] == 80
    assert out["historical"]["count"] == 70 and out["historical"]["value"] == 0.7
    assert out["distinct_packages"] == 32
    targets = _targets(out, noise0_distinct=1)
    assert [t["met"] for t in targets] == [True, True, False]
    # A bloc deal that drops the clause is not the historical outcome: 40% is below the target.
    worse = games[:40] + [_game("bloc_deal", clause=False)] * 40 + games[80:]
    assert not _targets(_outcomes(worse), 2)[0]["met"]


def test_a_lever_that_moves_the_wrong_way_fails_and_names_the_step():
    lever = Lever("x", "rounds", (1, 2, 3), "bilateral_deals", +1, "test")
    games = [
        [_game("bloc_deal", bilateral=b) for b in [0, 0, 1, 0, 0, 1, 0, 0]],
        [_game("bloc_deal", bilateral=b) for b in [2, 2, 3, 2, 2, 3, 2, 2]],
        [_game("bloc_deal", bilateral=b) for b in [1, 1, 2, 1, 1, 2, 1, 1]],
    ]
    report = analyse_lever(lever, ["1", "2", "3"], games)
    assert report["measured"] == 1
    assert report["steps_against"] == ["2 -> 3"]
    assert report["verdict"] == "FAIL"
    steady = analyse_lever(lever, ["1", "2"], games[:2])
    assert steady["verdict"] == "PASS"


# --- the command ------------------------------------------------------------------------------------


def test_tiny_run_prints_every_section(capsys):
    args = ["--seeds", "20", "--levers", "generosity,ambition", "--workers", "2"]
    code = main(["check-model", str(DEFAULT_SCENARIO), *args])
    out = capsys.readouterr().out
    assert code == 0
    for section in (
        "== Outcomes (20 games) ==",
        "historical outcome (bloc deal, clause kept, no bilateral deal):",
        "distinct final packages:",
        "at noise 0:",
        "== Targets",
        "== Member states",
        "Calibration: the Council vote of 4 Oct 2024",
        "== Levers",
        "Levers: ",
    ):
        assert section in out
    for lever in (lv for lv in LEVERS if lv.name in ("generosity", "ambition")):
        # each lever has a verdict, or why it was not checked
        shown = f"  {lever.name}: {lever.path}" in out or f"available: {lever.path}" in out
        assert shown, lever.name
    verdicts = [line.strip() for line in out.splitlines() if line.strip() in ("PASS", "FAIL")]
    assert out.count("last - first:") == len(verdicts) == 2


def test_json_report_and_results_do_not_depend_on_the_workers(capsys):
    args = ["check-model", str(DEFAULT_SCENARIO), "--seeds", "6", "--levers", "deadline", "--json"]
    assert main([*args, "--workers", "1"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main([*args, "--workers", "2"]) == 0
    two = json.loads(capsys.readouterr().out)
    assert one == two
    assert one["outcomes"]["games"] == 6
    assert [v["label"] for v in one["levers"][0]["values"]] == ["2", "3", "4", "7"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--lever", "us.no_such_field=0,1@p_bloc@-1"], "us.no_such_field"),
        (["--lever", "us.bilateral_generosity=0,2@p_bloc@-1"], "us.bilateral_generosity"),
        (["--lever", "us.bilateral_generosity=0,1@p_nothing@-1"], "unknown metric"),
        (["--lever", "us.bilateral_generosity=0,1@p_bloc@up"], "direction"),
        (["--lever", "us.bilateral_generosity"], "PATH=VALUES@METRIC@DIRECTION"),
        (["--levers", "nosuch"], "unknown lever 'nosuch'"),
        (["--seeds", "1"], "--seeds 1"),
        (["--workers", "0"], "--workers 0"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, args, says):
    assert main(["check-model", str(DEFAULT_SCENARIO), *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error:") and says in err
    assert "\n" not in err and "Traceback" not in err
    assert captured.out == ""


def test_a_missing_scenario_exits_2(capsys, tmp_path):
    assert main(["check-model", str(tmp_path / "none.yaml"), "--seeds", "2"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_table_lever_the_schema_does_not_accept_is_skipped_and_reported(capsys):
    spec = load_scenario(DEFAULT_SCENARIO)
    ghost = Lever("ghost", "us.no_such_field", (0, 1), "p_bloc", -1, "a field not yet written")
    bad_value = Lever("bad", "rounds", (4, 1000), "p_bloc", +1, "more rounds than allowed")
    report = check_model(spec, "default", [0, 1], [ghost, bad_value], workers=1)
    assert report["levers"] == []
    assert report["unavailable"][0].startswith("lever not available: us.no_such_field")
    assert report["unavailable"][1].startswith("lever not available: rounds=1000")
    print_report(report, sys.stdout)
    assert "lever not available: us.no_such_field" in capsys.readouterr().out


def test_scenario_own_value_is_the_scenarios_courting_list():
    spec = load_scenario(DEFAULT_SCENARIO)
    base = spec.model_dump(mode="json")
    lever = Lever("c", "us.courting", ("none", SCENARIO_OWN), "bilateral_deals", 1, "test")
    values, labels, _ = resolve_lever(lever, base, "default")
    assert values[1] == base["us"]["courting"]
    assert labels[1].startswith("scenario's")


# --- the documented directions, one test per lever ----------------------------------------------------
# Fewer seeds than the full check and only the two ends of each lever, played on the same seeds:
# the paired 95% interval of last-minus-first must lie wholly on the documented side of zero.


@pytest.fixture(scope="module")
def lever_games():
    spec = load_scenario(DEFAULT_SCENARIO)
    base = spec.model_dump(mode="json")
    settings, resolved = {}, {}
    for lever in LEVERS:
        ends = Lever(
            lever.name,
            lever.path,
            (lever.values[0], lever.values[-1]),
            lever.metric,
            lever.direction,
            lever.reason,
            lever.setup,
        )
        found = resolve_lever(ends, base, "default")
        if isinstance(found, str):
            resolved[lever.name] = found
            continue
        _, labels, specs = found
        resolved[lever.name] = (ends, labels)
        for k, s in enumerate(specs):
            settings[f"{lever.name}:{k}"] = s
    played = play_all(settings, list(range(DIRECTION_SEEDS)), WORKERS)
    for name, seeds in SMALL_EFFECTS.items():  # more seeds where the documented effect is small
        extra = {k: v for k, v in settings.items() if k.startswith(f"{name}:")}
        played.update(play_all(extra, list(range(seeds)), WORKERS))
    return resolved, played


@pytest.mark.parametrize("lever", LEVERS, ids=[lv.name for lv in LEVERS])
def test_lever_moves_its_metric_in_the_documented_direction(lever, lever_games):
    resolved, played = lever_games
    found = resolved[lever.name]
    if isinstance(found, str):
        pytest.fail(found)
    ends, labels = found
    games = [played[f"{lever.name}:{k}"] for k in range(2)]
    for g in games:
        if isinstance(g, str):
            pytest.fail(f"the engine failed: {g}")
    report = analyse_lever(ends, labels, games)
    values = ", ".join(f"{v['label']}: {v['value']:.3f}" for v in report["values"])
    diff = report["difference"]
    assert report["measured"] == lever.direction, (
        f"{lever.title()} -> {report['metric_label']}: {values}; last - first "
        f"{diff['value']:+.3f} [{diff['low']:+.3f}, {diff['high']:+.3f}] over "
        f"{SMALL_EFFECTS.get(lever.name, DIRECTION_SEEDS)} "
        f"seeds, predicted {lever.direction:+d} ({lever.reason})"
    )
