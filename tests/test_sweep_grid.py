"""Grid specs: VALUES parsing, dotted paths into a scenario, and validation before any run."""

from pathlib import Path

import pytest

from negotiation.scenario import load_scenario, parse_scenario
from negotiation.sweep.grid import (
    GridError,
    apply_point,
    grid_from_mapping,
    parse_grid_args,
    parse_values,
    points,
    validate_grid,
)
from negotiation.sweep.plan import SweepPlan, seed_for
from negotiation.sweep.sweepfile import load_sweep_file

SCENARIO = Path(__file__).parents[1] / "scenarios" / "critical_minerals_2026.yaml"


@pytest.fixture(scope="module")
def spec():
    return load_scenario(SCENARIO)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("hard,soft,off", ["hard", "soft", "off"]),
        ("1,2.5,true", [1, 2.5, True]),
        ("0:1:0.25", [0.0, 0.25, 0.5, 0.75, 1.0]),
        ("0:0.3:0.1", [0.0, 0.1, 0.2, 0.3]),
        ("1:10:3", [1, 4, 7, 10]),
        ("1:9:3", [1, 4, 7]),  # stop is included only when it lands on the grid
        ("5:1:-2", [5, 3, 1]),
        ("7", [7]),
    ],
)
def test_values_are_lists_or_ranges(text, values):
    assert parse_values("x", text) == values


@pytest.mark.parametrize("text", ["1:0:1", "0:1:0", "0:1", "a:b:c", "", " , "])
def test_bad_values_are_errors_naming_the_path(text):
    with pytest.raises(GridError, match=r"^rounds: "):
        parse_values("rounds", text)


def test_mixed_ints_and_floats_become_floats():
    assert parse_grid_args(["us.territorial_ambition=0,0.5,1"]) == {
        "us.territorial_ambition": [0.0, 0.5, 1.0]
    }


def test_points_are_the_product_last_path_fastest():
    grid = {"a": [1, 2], "b": ["x", "y"]}
    assert points(grid) == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "y"},
    ]


def test_paths_reach_every_kind_of_field(spec):
    point = {
        "china.strategy.name": "restraint",
        "member_states.states.PL.loyalty": 0.4,
        "member_states.states.DE.loyalty": 0.3,  # DE does not override loyalty: the key is created
        "member_states.defaults.loyalty": 0.2,
        "member_states.states.DE.position.offtake": 20,
        "territorial_constraint": "soft",
        "rounds": 6,
        "us.territorial_ambition": 0.7,
        "us.strategy.params.e": 0.5,
    }
    changed = parse_scenario(apply_point(spec.model_dump(mode="json"), point))
    assert changed.china.strategy.name == "restraint"
    assert changed.state_fields("PL")["loyalty"] == 0.4
    assert changed.state_fields("DE")["loyalty"] == 0.3
    assert changed.state_fields("FR")["loyalty"] == 0.2
    assert changed.state_fields("DE")["position"]["offtake"] == 20
    assert changed.territorial_constraint == "soft"
    assert changed.rounds == 6
    assert changed.us.territorial_ambition == 0.7
    assert changed.us.strategy.params == {"e": 0.5}
    assert spec.rounds == 10  # the base is untouched


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("foo.bar=1", r"^foo: unknown field; fields here are name, .*member_states"),
        (
            "member_states.states.ZZ.loyalty=1",
            r"states.ZZ: unknown key 'ZZ'; known keys here are AT, BE, BG, CY, CZ, DE, DK,",
        ),
        ("rounds.x=1", r"^rounds.x: rounds is a single value"),
        ("rounds=abc", r"rounds='abc': must be a whole number, not the text 'abc'"),
        ("rounds=5,0", r"rounds=0: Input should be greater than or equal to 1"),
        ("member_states.states.PL.loyalty=0.5,2", r"loyalty=2.0: Input should be less than"),
        ("china.strategy.name=nope", r"unknown strategy 'nope'; known china strategies: divide"),
        ("territorial_constraint=hard,never", r"allowed values are 'hard', 'soft' or 'off'"),
        ("us.position.gold=1", r"us.position.gold=1: unknown issue; issues are price_floor"),
        ("seed=1,2", r"^seed: cannot be swept; the seed of each run comes from --seeds"),
        ("rounds=9:1:1", r"^rounds: range '9:1:1' is empty"),
        ("rounds", r"write PATH=VALUES"),
    ],
)
def test_a_bad_grid_is_one_clear_error(spec, arg, message):
    with pytest.raises(GridError, match=message):
        validate_grid(spec, parse_grid_args([arg]))


def test_every_point_is_validated_not_only_the_first(spec):
    grid = parse_grid_args(["rounds=5,10", "member_states.states.PL.loyalty=0.1,1.5"])
    with pytest.raises(GridError, match=r"rounds=5, member_states.states.PL.loyalty=1.5"):
        validate_grid(spec, grid)


def test_seeds_come_from_the_master_seed_and_do_not_depend_on_the_count(spec):
    small = SweepPlan.build(spec, {}, seeds=3, master_seed=11)
    large = SweepPlan.build(spec, {}, seeds=10, master_seed=11)
    assert small.seed_values == large.seed_values[:3]
    assert len(set(large.seed_values)) == 10
    assert SweepPlan.build(spec, {}, seeds=3, master_seed=12).seed_values != small.seed_values
    assert small.seed_values[1] == seed_for(11, 1)


def test_run_ids_and_hashes_are_stable(spec):
    plan = SweepPlan.build(spec, {"rounds": [5, 6]}, seeds=2)
    runs = list(plan.runs())
    assert [r.run_id for r in runs] == [
        "p000000-s000000",
        "p000000-s000001",
        "p000001-s000000",
        "p000001-s000001",
    ]
    assert runs[0].scenario_hash.startswith(spec.fingerprint() + "-")
    assert runs[0].scenario_hash != runs[2].scenario_hash


def test_sweep_file_keeps_off_as_a_word_and_resolves_paths(tmp_path):
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "scenario: scen.yaml\n"
        "grid:\n"
        "  territorial_constraint: [hard, off]\n"
        "  us.territorial_ambition: '0:1:0.5'\n"
        "seeds: 3\n"
        "out: results.parquet\n"
    )
    loaded = load_sweep_file(file)
    assert loaded.scenario == str(tmp_path / "scen.yaml")
    assert loaded.out == str(tmp_path / "results.parquet")
    grid = grid_from_mapping(loaded.grid)
    assert grid == {
        "territorial_constraint": ["hard", "off"],
        "us.territorial_ambition": [0.0, 0.5, 1.0],
    }


def test_a_bad_sweep_file_names_the_field(tmp_path):
    file = tmp_path / "sweep.yaml"
    file.write_text("scenario: s.yaml\nout: r.parquet\nseeds: 0\nworker: 2\n")
    with pytest.raises(GridError, match=r"sweep.yaml: seeds: .*greater than or equal to 1.*worker"):
        load_sweep_file(file)
