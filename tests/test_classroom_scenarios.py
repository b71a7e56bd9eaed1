"""The teacher's scenario library: the same checks as `negotiation validate`, problems at their
fields, safe file names, no silent overwrite, size-limited uploads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from negotiation.classroom.errors import BadScenario, ClassroomError, Conflict
from negotiation.classroom.scenarios import (
    ScenarioLibrary,
    check_text,
    decode_upload,
    field_problems,
    to_text,
)
from negotiation.scenario import MAX_FILE_BYTES

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "scenarios" / "critical_minerals_2026.yaml"


@pytest.fixture
def library(tmp_path: Path) -> ScenarioLibrary:
    shutil.copy(DEFAULT, tmp_path / DEFAULT.name)
    shutil.copytree(REPO / "scenarios" / "data", tmp_path / "data")  # its indicators file
    return ScenarioLibrary(tmp_path)


def default_data() -> dict:
    return yaml.safe_load(DEFAULT.read_text())


def test_lists_and_downloads_the_files(library: ScenarioLibrary):
    files = library.files()
    assert [f.name for f in files] == ["critical_minerals_2026"]
    assert files[0].title == "Critical minerals 2026 (default)"
    assert library.text("critical_minerals_2026") == DEFAULT.read_text()


def test_field_problems_name_the_field():
    data = default_data()
    data["rounds"] = 0
    data["us"]["salience"]["price_floor"] += 0.5
    data["member_states"]["states"]["PL"] = {"loyalty": 3}  # overrides the derived value
    problems = field_problems(data)
    assert "rounds" in problems and "greater than or equal to 1" in problems["rounds"]
    assert "member_states.states.PL.loyalty" in problems
    assert field_problems(default_data()) == {}
    data = default_data()
    data["us"]["salience"]["price_floor"] += 0.5
    assert "sum to 1" in field_problems(data)["us.salience"]


def test_save_keeps_the_teachers_text_under_a_safe_new_name(library: ScenarioLibrary):
    text = "# my comment\n" + DEFAULT.read_text().replace("rounds: 10", "rounds: 6")
    path = library.save("short-game_1", text)
    assert path.read_text() == text and check_text(text).rounds == 6
    assert "short-game_1" in [f.name for f in library.files()]


@pytest.mark.parametrize("name", ["../evil", "Big", "a b", "", "x" * 65, "a.yaml", "/etc/x"])
def test_unsafe_names_are_refused(library: ScenarioLibrary, name: str):
    with pytest.raises(ClassroomError, match="not allowed"):
        library.save(name, DEFAULT.read_text())


def test_no_overwrite_without_the_flag(library: ScenarioLibrary):
    text = DEFAULT.read_text().replace("rounds: 10", "rounds: 4")
    with pytest.raises(Conflict, match="exists"):
        library.save("critical_minerals_2026", text)
    assert library.text("critical_minerals_2026") == DEFAULT.read_text()
    library.save("critical_minerals_2026", text, overwrite=True)
    assert check_text(library.text("critical_minerals_2026")).rounds == 4


def test_invalid_scenario_is_not_saved(library: ScenarioLibrary):
    with pytest.raises(BadScenario) as err:
        library.save("broken", DEFAULT.read_text().replace("rounds: 10", "rounds: -1"))
    assert err.value.problems[0][0] == "rounds"
    assert not (library.folder / "broken.yaml").exists()


def test_uploads_are_size_limited_and_parsed_safely():
    with pytest.raises(BadScenario, match="limit"):
        decode_upload(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(BadScenario, match="UTF-8"):
        decode_upload(b"\xff\xfe rounds")
    with pytest.raises(BadScenario, match="not valid YAML"):
        decode_upload(b"!!python/object/apply:os.system ['echo hi']")
    assert decode_upload(DEFAULT.read_bytes()) == DEFAULT.read_text()


def test_form_data_round_trips_through_yaml():
    data = default_data()
    assert check_text(to_text(data)) == check_text(DEFAULT.read_text())


def eight_states(folder: Path) -> str:
    """A teacher's scenario in `folder`: the default with its states from an indicators file of
    eight states (data8/ind.csv, their rows of the project's file) and courting three of them."""
    rows = (REPO / "scenarios" / "data" / "member_state_indicators.csv").read_text().splitlines()
    kept = [r for r in rows if r.split(",")[0] in {"code", *EIGHT}]
    (folder / "data8").mkdir()
    (folder / "data8" / "ind.csv").write_text("\n".join(kept) + "\n")
    text = DEFAULT.read_text()
    for old, new in (
        ("indicators: data/member_state_indicators.csv", "indicators: data8/ind.csv"),
        (
            "courting: [BE, CZ, EE, FI, FR, DE, EL, IT, LT, NL, PL, RO, SE]",
            "courting: [PL, HU, SE]",
        ),
    ):
        assert old in text
        text = text.replace(old, new)
    (folder / "teacher8.yaml").write_text(text)
    return text


EIGHT = ("DK", "FR", "DE", "HU", "IT", "PL", "ES", "SE")


def test_indicators_are_read_from_the_librarys_folder_and_a_room_keeps_its_states(
    library: ScenarioLibrary, tmp_path: Path
):
    from negotiation.classroom.rooms import RoomService
    from negotiation.classroom.store import Store

    text = eight_states(tmp_path)
    assert "teacher8" in [f.name for f in library.files()]
    assert len(library.check(text).member_states.states) == 8
    with pytest.raises(BadScenario) as err:  # elsewhere there is no data8/ind.csv
        check_text(text)
    assert "member_states.indicators: data8/ind.csv: no such file" in str(err.value)
    assert str(REPO) not in str(err.value)  # named as the scenario names it

    key = "k-" + "x" * 20
    service = RoomService(Store(tmp_path / "c.db"), key)
    code = service.create_room(key, text, seed=3, humans=["us"], base_dir=library.folder)["code"]
    (tmp_path / "data8" / "ind.csv").unlink()  # the room does not need the file again
    again = RoomService(Store(tmp_path / "c.db"), key)
    assert [r["code"] for r in again.list_rooms(key)] == [code]
    assert len(again._rooms[code].spec.member_states.states) == 8


def test_a_state_removed_from_the_teachers_indicators_is_no_seat(library: ScenarioLibrary):
    csv = library.folder / "data" / "member_state_indicators.csv"
    csv.write_text("".join(r for r in csv.read_text().splitlines(True) if not r.startswith("MT,")))
    spec = library.check(library.text("critical_minerals_2026"))
    assert "MT" not in spec.member_states.states and len(spec.member_states.states) == 26


def test_the_teachers_library_is_the_folder_the_app_was_started_with(tmp_path, monkeypatch):
    """`negotiation serve --scenario-dir DIR` sets NEGOTIATION_SCENARIO_DIR: the editor saves
    there, not into the project's scenarios/ (from the teacher's audit of 5 Dec 2026)."""
    from negotiation.web.catalog import SCENARIO_DIR_ENV
    from negotiation.web.classroom.service import default_library

    monkeypatch.setenv(SCENARIO_DIR_ENV, str(tmp_path))
    assert default_library().folder == tmp_path
