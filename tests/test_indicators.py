"""Member states from data: the indicators file, its validation, the mapping and the calibration."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from statistics import median

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiation.calibration import ev_vote_calibration, format_calibration, real_ev_votes
from negotiation.indicators import (
    DEFAULT_FILE,
    EU_CODES,
    EU_MANUFACTURING_SHARE,
    ISSUE_RANGES,
    LOYALTY_MIN,
    LOYALTY_SPAN,
    US_ALIGNMENT_MAX,
    derive_state_fields,
    expand_indicators,
    load_indicators,
    main,
    state_profile,
)
from negotiation.scenario import ScenarioError, StateFields, parse_scenario
from negotiation.strategies.member_states import STANCE_STRATEGIES
from negotiation.yaml_text import read_yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "critical_minerals_2026.yaml"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_indicators(DEFAULT_FILE)


@pytest.fixture(scope="module")
def fields(table) -> dict:
    return derive_state_fields(table)


def _raw_csv() -> pd.DataFrame:
    return pd.read_csv(DEFAULT_FILE, dtype=str, keep_default_na=False)


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "ind.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_indicators(path)
    return info.value


# --- the data file ---------------------------------------------------------------------------------


def test_the_file_has_every_member_state_once_with_its_sources(table):
    assert len(table) == 27
    assert table.index.is_unique
    assert (table["source"].str.len() > 0).all()
    assert int(table["population"].sum()) == pytest.approx(450_380_300, abs=1000)


def test_blank_cells_get_the_documented_fallback_and_are_listed_as_assumed(table):
    hu = table.loc["HU"]
    assert hu["manufacturing_share"] == EU_MANUFACTURING_SHARE
    assert "manufacturing_share" in hu["assumed"]
    assert "defence_pct_gdp" in hu["assumed"]  # NATO member without a 2025 figure
    assert "defence_pct_gdp" not in table.loc["AT", "assumed"]  # not in NATO: nothing guessed
    assert "manufacturing_share" not in table.loc["DE", "assumed"]
    # the CSV's own source column says the same
    assert "assumed: manufacturing_share" in table.loc["HU", "source"]


# --- validation --------------------------------------------------------------------------------------


def test_a_missing_column_is_named_with_the_required_columns(tmp_path):
    path = _write(tmp_path, _raw_csv().drop(columns=["nato"]))
    err = _error(path)
    assert str(path) in str(err)
    assert err.problems[0] == ("column nato", "missing")
    assert err.problems[-1][0] == "header" and "nato, defence_pct_gdp" in err.problems[-1][1]


def test_an_unknown_column_is_refused(tmp_path):
    frame = _raw_csv().rename(columns={"manufacturing_share": "manufacturing_shar"})
    err = _error(_write(tmp_path, frame))
    fields = [f for f, _ in err.problems]
    assert "column manufacturing_shar" in fields and "column manufacturing_share" in fields


def test_a_bad_number_names_file_row_column_and_what_is_allowed(tmp_path):
    frame = _raw_csv()
    frame.loc[frame.code == "DE", "manufacturing_share"] = "lots"
    frame.loc[frame.code == "SE", "population"] = "-5"
    path = _write(tmp_path, frame)
    err = _error(path)
    text = str(err)
    assert text.startswith(str(path))
    problems = dict(err.problems)
    de = problems["row DE (line 12), column manufacturing_share"]
    assert "'lots' is not a number" in de and "allowed 0 to 100" in de
    assert "out of range" in problems["row SE (line 28), column population"]


def test_a_word_outside_the_allowed_choices_is_refused(tmp_path):
    frame = _raw_csv()
    frame.loc[frame.code == "PL", "nato"] = "maybe"
    err = _error(_write(tmp_path, frame))
    assert err.problems == [
        ("row PL (line 22), column nato", "'maybe' is not allowed; allowed yes or no")
    ]


def test_an_empty_required_cell_is_refused(tmp_path):
    frame = _raw_csv()
    frame.loc[frame.code == "FR", "crma_projects"] = ""
    err = _error(_write(tmp_path, frame))
    assert err.problems[0][0] == "row FR (line 11), column crma_projects"
    assert err.problems[0][1].startswith("empty; allowed a whole number")


def test_an_unknown_state_code_lists_the_allowed_codes(tmp_path):
    frame = _raw_csv()
    frame.loc[frame.code == "EL", "code"] = "GR"
    err = _error(_write(tmp_path, frame))
    field, message = err.problems[0]
    assert field == "row GR (line 13), column code"
    assert "unknown state code 'GR'" in message and "EL" in message


def test_a_duplicate_row_names_both_lines(tmp_path):
    frame = _raw_csv()
    frame = pd.concat([frame, frame[frame.code == "DE"]], ignore_index=True)
    err = _error(_write(tmp_path, frame))
    assert err.problems == [
        ("row DE (line 29), column code", "duplicate row: DE is already on line 12")
    ]


def test_a_doubled_column_name_is_named(tmp_path):
    frame = _raw_csv()
    frame.insert(3, "nato_again", frame["nato"])
    path = _write(tmp_path, frame)
    path.write_text(path.read_text().replace("nato_again", "nato", 1))
    assert _error(path).problems == [("column nato", "appears twice in the header")]


def test_a_spreadsheet_csv_with_semicolons_and_decimal_commas_reads_the_same(tmp_path, table):
    path = tmp_path / "excel.csv"
    frame = _raw_csv()
    for col in ("manufacturing_share", "car_production_k", "china_ree_import_share"):
        frame[col] = frame[col].str.replace(".", ",")
    frame.to_csv(path, index=False, sep=";")
    assert "15,6" not in path.read_text() and "19,7" in path.read_text()
    loaded = load_indicators(path)
    pd.testing.assert_frame_equal(
        loaded.drop(columns="source_file"), table.drop(columns="source_file")
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "no such file"), (b"", "not a readable CSV"), (b"\xff\xfe\x00a,b\n", "UTF-8")],
)
def test_unreadable_files_give_one_clear_error(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    err = _error(path)
    assert expected in str(err) and str(path) in str(err)


def test_the_command_prints_the_error_without_a_traceback_and_exits_2(tmp_path, capsys):
    frame = _raw_csv()
    frame.loc[frame.code == "DK", "greenland_statements"] = "3"
    assert main([str(_write(tmp_path, frame))]) == 2
    err = capsys.readouterr().err
    assert "row DK" in err and "greenland_statements" in err and "Traceback" not in err


# --- the mapping's documented properties ----------------------------------------------------------


def test_sweden_wants_a_price_floor_above_the_median(fields):
    floors = {c: f["position"]["price_floor"] for c, f in fields.items()}
    assert floors["SE"] > median(floors.values())
    assert floors["SE"] == max(floors.values())


def test_hungary_leans_to_china(fields):
    assert fields["HU"]["strategy"] == "china_hedger"
    assert fields["HU"]["us_alignment"] == min(f["us_alignment"] for f in fields.values())


def test_denmark_has_the_highest_territorial_salience(fields):
    others = [f["territorial_salience"] for c, f in fields.items() if c != "DK"]
    assert fields["DK"]["territorial_salience"] > max(others)


def test_at_least_twelve_distinct_state_profiles(fields):
    assert len({state_profile(f) for f in fields.values()}) >= 12


def test_every_value_is_in_its_range_and_saliences_sum_to_one(fields):
    for code, f in fields.items():
        assert set(f["position"]) == set(ISSUE_RANGES) == set(f["salience"])
        for issue, (lo, hi) in ISSUE_RANGES.items():
            assert lo <= f["position"][issue] <= hi, (code, issue)
        assert sum(f["salience"].values()) == pytest.approx(1.0, abs=1e-9), code
        assert all(w > 0 for w in f["salience"].values())
        for key in ("reservation", "china_exposure", "territorial_salience", "security_premium"):
            assert 0.0 <= f[key] <= 1.0, (code, key)
        assert 0.0 <= f["us_alignment"] <= US_ALIGNMENT_MAX
        assert LOYALTY_MIN <= f["loyalty"] <= LOYALTY_MIN + LOYALTY_SPAN
        assert f["strategy"] in STANCE_STRATEGIES
        assert f["population"] > 0 and f["name"]


def test_security_premium_is_higher_for_car_heavy_china_dependent_states(fields):
    assert fields["SK"]["security_premium"] > fields["DE"]["security_premium"]
    assert fields["DE"]["security_premium"] > median(f["security_premium"] for f in fields.values())
    assert fields["CY"]["security_premium"] < fields["DE"]["security_premium"]


def test_the_ev_vote_is_not_an_input_of_the_mapping(table, fields):
    flipped = table.copy()
    flipped["ev_vote_2024"] = flipped["ev_vote_2024"].map(
        {"for": "against", "against": "abstain", "abstain": "for"}
    )
    assert derive_state_fields(flipped) == fields


def test_more_strategic_projects_raise_the_price_floor(table, fields):
    more = table.copy()
    more.loc["DK", "crma_projects"] = 6
    assert (
        derive_state_fields(more)["DK"]["position"]["price_floor"]
        > fields["DK"]["position"]["price_floor"]
    )


def test_positions_follow_the_scenario_issue_ranges(table, fields):
    ranges = dict(ISSUE_RANGES, price_floor=(0.0, 300.0))
    wide = derive_state_fields(table, ranges)
    assert wide["SE"]["position"]["price_floor"] == pytest.approx(
        2 * fields["SE"]["position"]["price_floor"], abs=0.2
    )


# --- scenarios that point at the file ---------------------------------------------------------------


def _scenario_raw() -> dict:
    raw = read_yaml(SCENARIO.read_text(encoding="utf-8"))
    raw["member_states"]["indicators"] = "data/member_state_indicators.csv"
    raw["member_states"]["states"] = {"PL": {"strategy": "loyalist", "position": {"offtake": 90}}}
    return raw


def test_expand_fills_every_state_and_lets_the_scenario_override(fields):
    raw = _scenario_raw()
    out = expand_indicators(raw, SCENARIO.parent, str(SCENARIO))
    states = out["member_states"]["states"]
    assert "indicators" not in out["member_states"]
    assert "indicators" in raw["member_states"]  # the input is left as it was
    assert set(states) == set(fields)
    assert states["PL"]["strategy"] == "loyalist"
    assert states["PL"]["position"]["offtake"] == 90
    assert states["PL"]["position"]["price_floor"] == fields["PL"]["position"]["price_floor"]
    defaults = raw["member_states"]["defaults"]  # the scenario's defaults reach every state
    assert states["SE"] == {**fields["SE"], **defaults}


def test_an_empty_state_entry_keeps_the_derived_fields(fields):
    raw = _scenario_raw()
    raw["member_states"]["states"]["DK"] = None  # `DK:` with nothing under it
    states = expand_indicators(raw, SCENARIO.parent)["member_states"]["states"]
    assert states["DK"] == {**fields["DK"], **raw["member_states"]["defaults"]}


def test_the_expanded_scenario_passes_the_scenario_validation():
    out = expand_indicators(_scenario_raw(), SCENARIO.parent, str(SCENARIO))
    if "security_premium" not in StateFields.model_fields:  # until the engine takes the field
        for state in out["member_states"]["states"].values():
            state.pop("security_premium")
    spec = parse_scenario(out, str(SCENARIO))
    assert len(spec.member_states.states) == 27


def test_expand_leaves_a_scenario_without_indicators_alone():
    raw = read_yaml((SCENARIO.parent / "small_class.yaml").read_text(encoding="utf-8"))
    assert expand_indicators(copy.deepcopy(raw), SCENARIO.parent) == raw


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda r: r["member_states"].update(indicators="data/nope.csv"),
            "member_states.indicators",
            "data/nope.csv: no such file",  # as the scenario names it, not the full path
        ),
        (lambda r: r["member_states"].update(indicators=3), "member_states.indicators", ".csv"),
        (
            lambda r: r["member_states"].update(indicators="x.yaml"),
            "member_states.indicators",
            ".csv",
        ),
        (
            lambda r: r["member_states"].update(indicators="../../../etc/x.csv"),
            "member_states.indicators",
            "inside the scenario's folder",
        ),
        (
            lambda r: r["member_states"]["states"].update(PL=[1]),
            "member_states.states.PL",
            "mapping",
        ),
        (lambda r: r["member_states"]["states"].update(XX={}), "member_states.states.XX", "not in"),
        (lambda r: r["issues"].pop("offtake"), "member_states.indicators", "price_floor"),
    ],
)
def test_expand_refuses_bad_references(change, field, words):
    raw = _scenario_raw()
    change(raw)
    with pytest.raises(ScenarioError) as info:
        expand_indicators(raw, SCENARIO.parent, str(SCENARIO))
    got_field, message = info.value.problems[0]
    assert got_field == field and words in message


# --- the calibration ---------------------------------------------------------------------------------


def _state(exposure: float, us: float, loyalty: float, strategy: str = "loyalist") -> dict:
    return {
        "china_exposure": exposure,
        "us_alignment": us,
        "loyalty": loyalty,
        "strategy": strategy,
    }


def test_calibration_on_a_tiny_synthetic_input():
    states = {
        "AA": _state(0.1, 0.0, 0.02, "china_hedger"),  # strategy decides: against
        "BB": _state(0.9, 0.0, 0.02, "atlanticist"),  # strategy decides: for
        "CC": _state(0.9, 0.0, 0.02),  # lean +0.9: against
        "DD": _state(0.1, US_ALIGNMENT_MAX, 0.22),  # lean 0.1 - 1 = -0.9: for
        "EE": _state(0.5, US_ALIGNMENT_MAX / 2, 0.12),  # lean 0: abstain
        "FF": _state(0.5, US_ALIGNMENT_MAX / 2, 0.12),  # no real vote: left out
    }
    real = {
        "AA": "against",
        "BB": "abstain",
        "CC": "against",
        "DD": "for",
        "EE": "abstain",
        "ZZ": "for",
    }
    result = ev_vote_calibration(states, real)
    assert {c: s["predicted"] for c, s in result["states"].items()} == {
        "AA": "against", "BB": "for", "CC": "against", "DD": "for", "EE": "abstain"
    }  # fmt: skip
    assert result["n"] == 5
    assert result["agreement"] == pytest.approx(4 / 5)
    assert result["baseline"] == pytest.approx(2 / 5)
    assert result["confusion"]["abstain"] == {"for": 1, "against": 0, "abstain": 1}
    assert result["confusion"]["against"]["against"] == 2
    assert result["missing"] == ["FF", "ZZ"]
    text = format_calibration(result)
    assert "agreement: 4 of 5 states (80%)" in text
    assert "BB (real abstain, predicted for" in text


def test_calibration_of_the_shipped_data_reports_every_state(table, fields):
    result = ev_vote_calibration(fields, real_ev_votes(table))
    assert result["n"] == 27 and result["missing"] == []
    assert sum(sum(row.values()) for row in result["confusion"].values()) == 27
    real = real_ev_votes(table)
    assert sum(v == "for" for v in real.values()) == 10
    assert sum(v == "against" for v in real.values()) == 5


# --- any valid data a teacher may write gives valid parameters ------------------------------------

CODES = sorted(EU_CODES)


@st.composite
def indicator_rows(draw) -> pd.DataFrame:
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=27, unique=True))
    num = lambda lo, hi: st.one_of(st.just(""), st.floats(lo, hi).map(lambda x: f"{x:.3f}"))  # noqa: E731
    rows = []
    for code in codes:
        nato = draw(st.sampled_from(["yes", "no"]))
        rows.append(
            {
                "code": code,
                "name": EU_CODES[code],
                "population": draw(st.integers(1, 100_000_000)),
                "crma_projects": draw(st.integers(0, 50)),
                "ree_mining": draw(st.integers(0, 10)),
                "ree_processing": draw(st.integers(0, 10)),
                "manufacturing_share": draw(num(0, 100)),
                "car_production_k": draw(num(0, 20000)),
                "china_ree_import_share": draw(num(0, 100)),
                "chinese_fdi_bn": draw(num(0, 100)),
                "bri_mou": draw(st.sampled_from(["signed", "withdrawn", "no"])),
                "nato": nato,
                "defence_pct_gdp": draw(num(0, 10)),
                "territory_claimed_by_us": draw(st.sampled_from(["yes", "no"])),
                "tariff_threatened_jan2026": draw(st.sampled_from(["yes", "no"])),
                "greenland_statements": draw(st.integers(0, 2)),
                "greenland_refused": draw(st.sampled_from(["yes", "no"])),
                "ministerial_4feb": draw(st.sampled_from(["yes", "no"])),
                "ev_vote_2024": draw(st.sampled_from(["for", "against", "abstain", ""])),
                "source": "test",
            }
        )
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(indicator_rows())
def test_any_valid_indicators_give_parameters_in_range(frame):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ind.csv"
        frame.to_csv(path, index=False)
        fields = derive_state_fields(load_indicators(path))
    assert list(fields) == list(frame["code"])
    for f in fields.values():
        for issue, (lo, hi) in ISSUE_RANGES.items():
            assert lo <= f["position"][issue] <= hi
        assert sum(f["salience"].values()) == pytest.approx(1.0, abs=1e-9)
        assert all(w > 0 for w in f["salience"].values())
        for key in ("reservation", "china_exposure", "territorial_salience", "security_premium"):
            assert 0.0 <= f[key] <= 1.0
        assert 0.0 <= f["us_alignment"] <= US_ALIGNMENT_MAX
        assert LOYALTY_MIN <= f["loyalty"] <= LOYALTY_MIN + LOYALTY_SPAN
        assert f["strategy"] in STANCE_STRATEGIES
