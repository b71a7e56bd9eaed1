"""What a person's seat is offered, refused and told (from the terminal audit of 5 Dec 2026):
tariff moves that would do nothing, asks beyond the EU funds, a signed state with one legal
move, the Parliament's every choice logged, prompts that show what stands, and reasons whose
shown numbers agree with the move."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from negotiation.model import NegotiationModel, run_game
from negotiation.moves import BY_RULES, Decision, IllegalMove
from negotiation.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def play_until(model: NegotiationModel, wanted: Callable[[Decision], bool]) -> Decision:
    """Play the agents' suggestions until a decision `wanted` is waiting."""
    while not model.finished:
        if model.pending is None:
            model.step()
        elif wanted(model.pending):
            return model.pending
        else:
            model.submit(model.pending.agent_move)
    raise AssertionError("the game ended before such a decision")


def test_tariff_moves_that_would_do_nothing_are_refused(default_spec):
    model = NegotiationModel.from_spec(default_spec, 7, humans=["us"])
    decision = play_until(model, lambda d: d.kind == "us")
    standing = decision.info["threatened"]
    offer = {k: v for k, v in decision.agent_move.items() if k != "tariffs"}
    free = [c for c in decision.info["free_states"] if c not in standing]
    with pytest.raises(IllegalMove, match=f"no tariff threat against {free[0]} stands"):
        model.submit({**offer, "tariffs": {"withdraw": [free[0]]}})
    with pytest.raises(IllegalMove, match=f"{free[0]} is both threatened and withdrawn"):
        model.submit({**offer, "tariffs": {"threaten": [free[0]], "withdraw": [free[0]]}})
    with pytest.raises(IllegalMove, match="'payments' is not a field of a US move"):
        model.submit({**offer, "payments": {"HU": 0.1}})
    assert model.pending is decision
    model.submit({**offer, "tariffs": {"threaten": [free[0]]}})
    assert model.states.tariff[model.states.index[free[0]]]


def test_a_threat_on_a_state_that_signed_is_refused():
    spec = load_scenario(SCENARIOS / "small_class.yaml")
    model = NegotiationModel.from_spec(spec, 1, humans=["us", "PL"])
    play_until(model, lambda d: d.actor == "PL")
    model.submit({"stance": "bilateral"})
    decision = play_until(model, lambda d: d.kind == "us")
    with pytest.raises(IllegalMove, match="PL has signed with the US; a threat falls only"):
        model.submit({**decision.agent_move, "tariffs": {"threaten": ["PL"]}})


def test_an_ask_is_at_most_the_eu_funds_left_rounded_up_to_a_step(default_spec):
    model = NegotiationModel.from_spec(default_spec, 7, humans=["HU"])
    decision = play_until(model, lambda d: "conditional" in d.options)
    left = decision.info["eu_funds_left"]
    cap = np.ceil(left / 0.005 - 1e-9) * 0.005
    with pytest.raises(
        IllegalMove, match=r"at most \d\.\d{3} \(the EU funds the Commission has left"
    ):
        model.submit({"stance": "conditional", "ask": cap + 0.01})
    with pytest.raises(IllegalMove, match="ask: missing"):
        model.submit({"stance": "conditional"})
    with pytest.raises(IllegalMove, match="only the conditional stance asks"):
        model.submit({"stance": "bloc", "ask": 0.01})
    model.submit({"stance": "conditional", "ask": float(cap)})


def test_a_signed_state_with_one_legal_move_is_not_asked_and_the_rules_make_it():
    spec = load_scenario(SCENARIOS / "small_class.yaml")  # no EU funds: nothing to ask for
    model = NegotiationModel.from_spec(spec, 1, humans=["PL"])
    play_until(model, lambda d: d.kind == "stance")
    model.submit({"stance": "bilateral"})
    asked = []
    while not model.finished:
        if model.pending is None:
            model.step()
        else:
            asked.append(model.pending.kind)
            model.submit(model.pending.agent_move)
    assert "stance" not in asked and "vote" in asked  # it still votes
    kept = [m for m in model.moves if m.actor == "PL" and m.round > 1 and m.action == "bilateral"]
    assert kept and all(m.by == BY_RULES for m in kept)
    assert "nothing else is on offer" in kept[0].why


def test_every_choice_of_a_person_in_the_parliament_is_logged():
    spec = load_scenario(SCENARIOS / "history_2026.yaml")
    model = NegotiationModel.from_spec(spec, 3, humans=["parliament"])
    answered = 0
    while not model.finished:
        if model.pending is None:
            model.step()
        elif model.pending.kind == "parliament":
            model.submit({"procedure": "proceed"})
            answered += 1
        else:
            model.submit(model.pending.agent_move)
    logged = [m for m in model.moves if m.actor == "parliament" and m.phase == "parliament"]
    assert len(logged) == answered > 1


def test_prompts_show_a_tariff_threat_an_accepted_counter_and_the_eu_funds(default_spec):
    history = load_scenario(SCENARIOS / "history_2026.yaml")
    model = NegotiationModel.from_spec(history, 1, humans=["DK"])
    decision = play_until(model, lambda d: d.kind == "stance" and d.info["tariff_threat"])
    assert "The US threatens you with tariffs" in decision.prompt

    spec = load_scenario(SCENARIOS / "small_class.yaml")  # seed 0: the US accepts a counter
    model = NegotiationModel.from_spec(spec, 0, humans=["DE"])
    decision = play_until(model, lambda d: d.kind == "stance" and model.agreement is not None)
    assert "The US accepted the Commission's counter" in decision.prompt
    assert "US offer:" not in decision.prompt

    model = NegotiationModel.from_spec(default_spec, 7, humans=["commission"])
    decision = play_until(model, lambda d: d.kind == "commission")
    assert re.search(r"EU funds left: \d\.\d{3} of \d\.\d{3}\.", decision.prompt)


@pytest.mark.parametrize("name", ["critical_minerals_2026", "small_class", "divide_and_rule"])
def test_a_stance_reason_shows_its_two_values_apart_by_the_gap_it_names(name):
    spec = load_scenario(SCENARIOS / f"{name}.yaml")
    pattern = re.compile(
        r": (\d\.\d+)(?: \([^)]*\))? against (\d\.\d+)(?: \([^)]*\))? for .*"
        r"would have needed \+(\d\.\d+) to win"
    )
    checked = 0
    for seed in range(20):
        for move in run_game(spec, seed).moves:
            found = pattern.search(move.why)
            if found:
                taken, other, gap = found.groups()
                places = len(gap.split(".")[1])
                assert float(taken) > float(other), move.why
                assert round(float(taken) - float(other), places) == float(gap), move.why
                checked += 1
    assert checked > 100


def test_a_person_in_the_parliament_who_sends_the_suggestions_plays_the_agents_game():
    # The suggestion during the Greenland threat is to suspend; once the threat ends, the
    # agent's suggestion is to proceed again (a suspension it shared ends with the threat).
    spec = load_scenario(SCENARIOS / "history_2026.yaml")
    for seed in (3, 7):
        model = NegotiationModel.from_spec(spec, seed, humans=["parliament"])
        while not model.finished:
            if model.pending is None:
                model.step()
            else:
                model.submit(model.pending.agent_move)
        assert model.outcome.utilities == run_game(spec, seed).outcome.utilities


def test_a_conditional_ask_follows_from_the_gap_its_reason_shows(default_spec):
    pattern = re.compile(r"asks the Commission for (\d\.\d+) in EU funds.*\(the gap of (\d\.\d+) ")
    checked = 0
    for seed in range(30):
        for move in run_game(default_spec, seed).moves:
            found = pattern.search(move.why)
            if found:
                ask, gap = map(float, found.groups())
                assert abs(np.ceil((gap + 0.005) / 0.005 - 1e-9) * 0.005 - ask) < 1e-9, move.why
                checked += 1
    assert checked > 20


def test_a_stance_panel_shows_how_the_agent_weighs_what_it_suggests():
    # The values a state's panel shows leave out the day's swing; `agent_sees` has it, and the
    # option the agent suggests (unless it asks for funds) is the best of those.
    from negotiation.web.panels.member_state import agent_weighs

    spec = load_scenario(SCENARIOS / "small_class.yaml")
    seen = 0
    for seed in range(20):
        model = NegotiationModel.from_spec(spec, seed, humans=["HU"])
        while not model.finished:
            if model.pending is None:
                model.step()
                continue
            decision = model.pending
            wants = decision.agent_move.get("stance")
            sees = decision.info.get("agent_sees", {})
            if wants in sees:
                assert wants == max(sees, key=sees.get)
                assert agent_weighs(sees).startswith(", weighing them today")
                seen += 1
            model.submit(decision.agent_move)
    assert seen > 20
