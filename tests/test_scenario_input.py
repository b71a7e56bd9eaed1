"""Bad scenario input from the audit of 4 Dec 2026: each is refused with one line naming the file,
the field and what is allowed (exit 2 at the command line), before any game is played."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from negotiation.scenario import ScenarioError, load_scenario, parse_scenario, parse_scenario_text

ROOT = Path(__file__).resolve().parent.parent
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{k}: &{k} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, k in zip("abcdefgh", "bcdefghi", strict=True)
)


def refused(default_data, change) -> str:
    data = copy.deepcopy(default_data)
    change(data)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "broken.yaml")
    message = str(info.value)
    assert "\n" not in message, message  # one line, not one per form pydantic tried
    return message


def test_an_alias_bomb_is_refused_before_it_expands():
    # expanded, its 9^9 strings would take minutes and gigabytes
    with pytest.raises(ScenarioError, match=r"bomb\.yaml: line 1: .*anchors or aliases"):
        parse_scenario_text(ALIAS_BOMB, "bomb.yaml")


def test_deep_nesting_is_refused_not_a_recursion_error():
    with pytest.raises(ScenarioError, match=r"deep\.yaml: .*nests deeper than 20 levels"):
        parse_scenario_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml")


def test_a_folder_is_not_a_scenario(tmp_path: Path):
    with pytest.raises(ScenarioError, match="a folder, not a scenario file"):
        load_scenario(tmp_path)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_numbers_must_be_finite(default_data, value):
    msg = refused(default_data, lambda d: d["us"]["strategy"]["params"].update(e=value))
    assert "us.strategy.params.e: Input should be a finite number" in msg
    msg = refused(default_data, lambda d: d.update(noise=value))
    assert "noise: Input should be a finite number" in msg


@pytest.mark.parametrize("where", ["commission", "china"])
def test_budgets_are_bounded_and_told_in_one_line(default_data, where):
    field = "budget" if where == "commission" else "inducement_budget"
    for value in (float("inf"), 1e308, -1, [0, 1]):
        msg = refused(default_data, lambda d, v=value: d[where].update({field: v}))
        assert f"broken.yaml: {where}.{field}: must be a number from 0 to 100, or a range" in msg
        assert "PrivateRange" not in msg and "constrained-float" not in msg


def test_true_and_text_are_not_numbers(default_data):
    assert "rounds: must be a whole number, not true" in refused(
        default_data, lambda d: d.update(rounds=True)
    )
    assert "us.reservation: must be a number, not the text '0.5'" in refused(
        default_data, lambda d: d["us"].update(reservation="0.5")
    )
    msg = refused(
        default_data, lambda d: d["member_states"]["states"]["DK"].update(population="1e300")
    )
    assert "member_states.states.DK.population: must be a whole number" in msg and "1.0e+5" in msg
    msg = refused(default_data, lambda d: d["us"]["position"].update(price_floor="high"))
    assert "us.position: price_floor: must be a number, not the text 'high'" in msg


def test_a_range_out_of_bounds_names_its_end(default_data):
    msg = refused(default_data, lambda d: d["us"].update(reservation={"low": 0.2, "high": 1.5}))
    assert "us.reservation.high: Input should be less than or equal to 1 (got 1.5)" in msg


def test_courting_is_checked_whole(default_data):
    msg = refused(default_data, lambda d: d["us"].update(courting=5))
    assert "us.courting: must be none, all, pivotal" in msg and "(got 5)" in msg
    msg = refused(default_data, lambda d: d["us"].update(courting=["PL", "PL"]))
    assert "us.courting: each state may appear once; twice: PL" in msg
    msg = refused(default_data, lambda d: d["us"].update(courting_from_round=50))
    assert "us.courting_from_round: 50 is after the last round; allowed 1 to" in msg


def test_the_seed_is_a_whole_number_from_zero(default_data):
    assert "seed: Input should be greater than or equal to 0" in refused(
        default_data, lambda d: d.update(seed=-1)
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["run", "--seed", "-3"], "argument --seed: -3 is out of range; allowed: a whole number"),
        (["bench", "--games", "0"], "argument --games: 0 is out of range"),
        (
            ["serve", "--port", "99999"],
            "argument --port: 99999 is out of range; allowed: a whole number from 1 to 65535",
        ),
    ],
)
def test_command_line_numbers_are_checked_by_the_parser(args, says):
    done = subprocess.run(
        [sys.executable, "-m", "negotiation.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr


# --- from the teacher's audit (4 Dec 2026) ------------------------------------------------------


def test_a_key_written_twice_is_refused_at_its_line():
    text = (ROOT / "scenarios" / "small_class.yaml").read_text()
    assert "\nrounds: 10" in text
    doubled = text.replace("\nrounds: 10", "\nrounds: 10\nrounds: 5", 1)
    line = [x.split("#")[0].strip() for x in doubled.splitlines()].index("rounds: 5") + 1
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(doubled, "dup.yaml")
    assert str(info.value) == (
        f"dup.yaml: line {line}, column 1: not valid YAML: the key 'rounds' is written twice in "
        f"one mapping (first on line {line - 1}); keep one"
    )


def test_a_blocking_minority_larger_than_the_table_is_refused(default_data):
    default_data["council"]["blocking_min_states"] = 28
    msg = refused(default_data, lambda d: None)
    assert "council.blocking_min_states: 28 is more states than the scenario has (27)" in msg
    assert "allowed 1 to 27" in msg
    default_data["council"]["blocking_min_states"] = 27
    assert parse_scenario(default_data).council.blocking_min_states == 27


def _rename_state(old: str, new: str):
    def change(d):
        states = d["member_states"]["states"]
        d["member_states"]["states"] = {(new if k == old else k): v for k, v in states.items()}
        if isinstance(d["us"].get("courting"), list):
            d["us"]["courting"] = [new if c == old else c for c in d["us"]["courting"]]

    return change


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("US", "is the name of a seat"),
        ("dk", "is not 2 or 3 capital letters"),
        ("D K", "is not 2 or 3 capital letters"),
        ("<b>DK</b>", "is not 2 or 3 capital letters"),
    ],
)
def test_a_state_code_is_capital_letters_and_not_a_seat(default_data, code, says):
    # (from the teacher's audit of 5 Dec 2026: `us:` as Denmark's code took the US's seat)
    msg = refused(default_data, _rename_state("DK", code))
    assert f"member_states.states.{code}: the code" in msg and says in msg


def test_an_empty_name_a_zero_share_and_a_part_of_a_state_are_refused(default_data):
    assert "name: empty" in refused(default_data, lambda d: d.update(name=" "))
    msg = refused(default_data, lambda d: d["council"].update(population_share=0.0))
    assert "council.population_share: must be above 0" in msg
    msg = refused(default_data, lambda d: d["us"].update(courting={"name": "pivotal", "size": 2.5}))
    assert "us.courting.size: 2.5 is not a whole number" in msg
