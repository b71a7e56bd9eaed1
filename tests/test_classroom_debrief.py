"""The teacher's debrief names the people and the turning points, in readable values (from the
teacher's audit of the debrief): who signed with the US and when, the Council's no-voters, whom
China rewarded, the EU funds, who played each seat; the outcome in words; an unknown scenario is
refused by name."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from page_helpers import play_to_the_end

from negotiation.classroom.debrief import BASELINE, as_text, debrief_rows, to_csv
from negotiation.classroom.errors import UnknownScenario
from negotiation.classroom.rooms import RoomService
from negotiation.outcome import outcome_words
from negotiation.rules import OUTCOME_TYPES

REPO = Path(__file__).resolve().parents[1]
DIVIDE = (REPO / "scenarios" / "divide_and_rule.yaml").read_text()
NAME = "divide_and_rule"
KEY = "debrief-key-0123456789"


@pytest.fixture
def service(tmp_path: Path):
    service = RoomService.open(tmp_path / "classroom.db", KEY)
    yield service
    service.close()


def played_room(service: RoomService) -> str:
    """Seed 1 of divide_and_rule, Ana in the US seat playing her agent's moves, Poland's seat
    left free: a bloc deal, 11 states with US bilateral deals, France and Germany voting no."""
    code = service.create_room(KEY, DIVIDE, seed=1, humans=["us", "PL"], scenario_name=NAME)
    token = service.take_seat(code["code"], "us", "Ana")["token"]
    play_to_the_end(service, KEY, code["code"], "us", token)
    return code["code"]


@pytest.fixture
def rows(service: RoomService) -> list[dict]:
    """A played room, a room not started yet, and the agents-only baseline."""
    played_room(service)
    service.create_room(KEY, DIVIDE, seed=1, humans=["us"], scenario_name=NAME)
    return debrief_rows(service, KEY, NAME)


def test_the_debrief_names_who_signed_voted_no_was_rewarded_and_played(rows):
    room, waiting, baseline = rows
    assert (waiting["status"], baseline["room"]) == ("open", BASELINE)
    assert room["outcome"] == "bloc_deal_with_defections"
    assert room["outcome_words"] == (
        "a bloc deal with defections (the EU and the US signed one agreement, and 11 states also "
        "signed a bilateral deal with the US)"
    )
    assert room["signed_with_us"][:2] == [
        {"state": "CZ", "name": "Czechia", "round": 3},
        {"state": "BE", "name": "Belgium", "round": 4},
    ]
    vote = room["council_vote"]
    assert (vote["round"], vote["passed"], vote["no"], len(vote["yes"])) == (
        10,
        True,
        ["France", "Germany"],
        25,
    )
    china = {c["name"]: c for c in room["china"]}
    assert china["Cyprus"]["kind"] == "reward"
    assert china["Cyprus"]["rounds"] == list(range(2, 11))
    assert china["Cyprus"]["amounts"][-1] == 0.356  # each round's offer (they lapse)
    assert china["Poland"]["rounds"] == [1]  # rewarded once, then dropped
    funds = {e["name"]: (e["amount"], e["rounds"], e["paid"]) for e in room["eu_funds"]}
    assert funds["Czechia"] == (0.055, [2], True)
    threats = {t["name"]: t for t in room["us_tariff_threats"]}
    assert [n for n, t in threats.items() if t["standing"]] == ["France", "Germany"]
    assert threats["Czechia"]["threatened"] == [2] and threats["Czechia"]["lifted_on_signing"] == 3
    assert room["players"] == [
        {"seat": "us", "name": "United States", "player": "Ana"},
        {"seat": "PL", "name": "Poland", "player": None},
    ]
    assert waiting["players"][0]["player"] is None and "signed_with_us" not in waiting
    # Ana played her agent's moves: the same turning points as the agents alone
    assert baseline["signed_with_us"] == room["signed_with_us"]
    assert baseline["china"] == room["china"] and baseline["players"] == []

    text = as_text(room)
    assert text["signed_with_us"].startswith("Czechia (round 3); Belgium (round 4); Estonia")
    assert text["council_vote"] == "passed in round 10: 25 yes; no: France, Germany"
    assert "Cyprus reward 0.355 to 0.375 (rounds 2-10)" in text["china"]
    assert (
        "Czechia (threatened in round 2, lifted when it signed with the US in round 3)"
        in (text["us_tariff_threats"])
    )
    assert "France (threatened in round 2, standing at the end)" in text["us_tariff_threats"]
    assert "Poland reward 0.595 (round 1)" in text["china"]
    assert "Czechia 0.055 (round 2, paid)" in text["eu_funds"]
    assert text["players"] == "United States: Ana; Poland: nobody (its agent)"


def test_the_debrief_csv_is_one_readable_line_a_room(rows):
    text = to_csv(rows)
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 1 + len(rows)
    room, waiting = (dict(zip(lines[0], line, strict=True)) for line in lines[1:3])
    assert lines[0][:9] == [
        "room",
        "scenario",
        "seed",
        "human_seats",
        "status",
        "outcome",
        "outcome_words",
        "players",
        "signed_with_us",
    ]
    assert (room["agreement_round"], room["bilateral_deals"], room["votes_held"]) == (
        "10",
        "11",
        "1",
    )
    assert room["council_vote"] == "passed in round 10: 25 yes; no: France, Germany"
    assert waiting["outcome"] == waiting["agreement_round"] == ""  # not played yet: empty
    assert not re.search(r"\d\.\d{4,}", text)  # no float noise
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b|\d\.0\b", text)


def test_the_teacher_page_shows_words_percentages_and_dashes(rows):
    from negotiation.web.classroom.teacher import debrief_frame

    frame = debrief_frame(rows)
    room, waiting = frame.iloc[0], frame.iloc[1]
    assert room["council_yes_states"] == "93%" and room["agreement_round"] == "10"
    assert room["signed_with_us"].startswith("Czechia (round 3)")
    assert waiting["agreement_round"] == "—" and waiting["outcome_words"] == "—"
    values = {str(v) for v in frame.to_numpy().ravel()}
    assert not values & {"nan", "NaN", "None"}


def test_every_outcome_kind_has_words():
    for kind in OUTCOME_TYPES:
        assert "_" not in outcome_words(kind, 2)
    assert outcome_words("bilateral_patchwork", 3) == (
        "a bilateral patchwork (no bloc deal; 3 states signed with the US)"
    )
    assert "1 state signed" in outcome_words("bilateral_patchwork", 1)
    assert outcome_words("no_deal") == "no deal (no bloc deal and no bilateral deal)"


def test_an_unknown_scenario_is_refused_by_name(service: RoomService):
    service.create_room(KEY, DIVIDE, seed=2, humans=["us"], scenario_name="minerals")
    files = ["critical_minerals_2026", NAME]
    with pytest.raises(UnknownScenario) as err:
        debrief_rows(service, KEY, "nope", files)
    assert err.value.status == 404
    assert str(err.value) == (
        "no scenario named 'nope'; the scenarios are: critical_minerals_2026, divide_and_rule, "
        "minerals"
    )
    assert debrief_rows(service, KEY, NAME, files) == []  # a scenario with no room yet
    assert len(debrief_rows(service, KEY, "minerals", files)) == 2  # a room's own name
