"""The legal form of the deal, the European Parliament and scheduled events (issue 9, parts 2-4):
the form sets who must say yes, the Parliament can block a binding deal, events happen when the
scenario says and are validated like the rest of a scenario."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from test_scenarios import broken

from negotiation.council import QmvRule, qualified_majority
from negotiation.model import NegotiationModel, run_game
from negotiation.moves import IllegalMove
from negotiation.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
POPS = np.array(
    [
        83.6,
        68.6,
        59.0,
        48.6,
        36.6,
        19.0,
        17.9,
        11.8,
        10.6,
        10.4,
        10.4,
        9.6,
        9.6,
        6.4,
        6.0,
        5.9,
        5.6,
        5.5,
        5.4,
        3.9,
        2.9,
        2.1,
        1.9,
        1.4,
        1.0,
        0.7,
        0.6,
    ]
)


def test_a_mixed_agreement_needs_every_state():
    yes = np.ones(27, dtype=bool)
    yes[-1] = False  # Malta alone
    assert qualified_majority(yes, POPS, QmvRule()).passed  # a qualified majority: passes
    assert not qualified_majority(yes, POPS, QmvRule.unanimity()).passed  # unanimity: one veto
    assert qualified_majority(np.ones(27, dtype=bool), POPS, QmvRule.unanimity()).passed


def test_the_rule_follows_the_form_and_the_log_says_which(default_spec):
    rules_seen = Counter()
    for seed in range(12):
        game = run_game(default_spec, seed)
        for m in game.moves:
            if m.action == "council_vote":
                assert "The rule:" in m.why
                form = (
                    "mixed"
                    if "mixed agreement" in m.why
                    else ("binding" if "binding EU agreement" in m.why else "non_binding")
                )
                rules_seen[form] += 1
                if form == "mixed":
                    assert "unanimity" in m.why
                elif form == "binding":
                    assert "Parliament's consent" in m.why
                else:
                    assert "C-660/13" in m.why
        if game.signed is not None and game.signed.form in ("binding", "mixed"):
            assert any(m.action == "consent" for m in game.moves)  # the Parliament said yes
    assert len(rules_seen) >= 2  # the form is bargained over: more than one rule is used


def test_a_suspended_parliament_blocks_every_binding_deal():
    spec = load_scenario(SCENARIOS / "counterfactual_greenland.yaml")
    games = [run_game(spec, s) for s in range(20)]
    assert all(g.signed is None for g in games)
    game = games[0]
    suspended = [m for m in game.moves if m.action == "suspend_consent"]
    assert suspended and "threatens a member state's territory" in suspended[0].why
    assert not any(m.action == "resume_consent" for m in game.moves)


def test_history_schedules_its_events_and_the_parliament_freezes_and_resumes():
    spec = load_scenario(SCENARIOS / "history_2026.yaml")
    game = run_game(spec, 1)
    events = [(m.round, m.action) for m in game.moves if m.phase == "event"]
    assert (2, "event_tariff_threat") in events and (4, "event_court") in events
    actions = [(m.round, m.action) for m in game.moves if m.actor == "parliament"]
    assert (2, "suspend_consent") in actions and (4, "resume_consent") in actions
    threat = next(m for m in game.moves if m.action == "event_tariff_threat")
    assert "17 Jan 2026" in threat.why and "Denmark" in threat.why


def test_the_mixed_counterfactual_fails_more_often_than_history():
    history = load_scenario(SCENARIOS / "history_2026.yaml")
    mixed = load_scenario(SCENARIOS / "counterfactual_mixed_veto.yaml")
    seeds = range(40)
    signed = {
        name: sum(run_game(spec, s).signed is not None for s in seeds)
        for name, spec in (("history", history), ("mixed", mixed))
    }
    assert signed["mixed"] < signed["history"]


def test_a_person_plays_the_parliament_in_the_terminal_api():
    spec = load_scenario(SCENARIOS / "history_2026.yaml")
    model = NegotiationModel.from_spec(spec, 3, humans=["parliament"])
    model.run()
    kinds = Counter()
    while model.pending is not None:
        decision = model.pending
        kinds[decision.kind] += 1
        with pytest.raises(IllegalMove, match=r"allowed: suspend, proceed|allowed: yes, no"):
            model.submit({"procedure": "maybe", "consent": "maybe"})
        assert model.pending is decision  # a refused move changes nothing
        if decision.kind == "parliament":
            model.submit({"procedure": "suspend"})  # the person keeps it suspended all game
        else:
            model.submit({"consent": "no"})
        model.run()
    assert kinds["parliament"] == len(model.rounds_frame())  # asked in every round played
    assert model.outcome is not None
    assert model.outcome.legal_form in (None, "non_binding")  # no binding deal while suspended


def test_a_form_the_scenario_does_not_allow_is_refused_with_the_allowed_ones(small_spec):
    model = NegotiationModel.from_spec(small_spec, 1, humans=["us"])
    model.run()
    with pytest.raises(IllegalMove, match=r"form .binding. is not allowed.*allowed: non_binding"):
        model.submit({"action": "offer", "form": "binding"})


def test_an_event_after_the_last_round_is_an_error(default_data):
    msg = broken(
        default_data,
        lambda d: d.update(events=[{"round": 11, "actor": "us", "kind": "territorial_threat"}]),
    )
    assert "events.0.round: round 11 is after the last round (10); allowed 1 to 10" in msg


def test_an_event_on_an_unknown_or_wrong_actor_is_an_error(default_data):
    msg = broken(
        default_data,
        lambda d: d.update(
            events=[
                {"round": 2, "actor": "russia", "kind": "territorial_threat"},
                {"round": 2, "actor": "china", "kind": "court", "states": ["XX"]},
            ]
        ),
    )
    assert "events.0.actor: unknown actor 'russia'; actors are us, commission, china" in msg
    assert "events.1.actor: a court event is the us's, not china's" in msg
    assert "events.1.states: unknown member state 'XX'" in msg
    msg = broken(
        default_data, lambda d: d.update(events=[{"round": 3, "actor": "us", "kind": "invade"}])
    )
    assert "events.0.kind: allowed values are 'tariff_threat'" in msg  # the kinds are listed


def test_a_binding_form_without_a_parliament_is_an_error(default_data):
    msg = broken(default_data, lambda d: d.pop("parliament"))
    assert "parliament: missing: a binding or mixed agreement needs the European Parliament" in msg


def test_one_state_vetoes_a_mixed_agreement_and_the_log_names_it():
    spec = load_scenario(SCENARIOS / "counterfactual_mixed_veto.yaml")
    vetoes = []
    for seed in range(30):
        game = run_game(spec, seed)
        for m in game.moves:
            if m.action == "ratification_fails":
                vetoes.append(m.why)
    assert vetoes, "no state refused to ratify in 30 games"
    assert all("refuse" in why and "needs every member state" in why for why in vetoes)
    assert any(why.startswith("Hungary refuses") for why in vetoes)


def test_a_withheld_mixed_offer_says_which_hurdle_it_would_fail():
    spec = load_scenario(SCENARIOS / "counterfactual_mixed_veto.yaml")
    reasons = Counter()
    for seed in range(8):
        for m in run_game(spec, seed).moves:
            if m.action != "withhold":
                continue
            assert "European Parliament" not in m.why  # it is not suspended in this scenario
            if "the Council would not pass it" in m.why:
                assert "would vote no, and a mixed agreement needs every state" in m.why
                reasons["council"] += 1
            else:
                assert "ratification" in m.why and "below one half" in m.why
                reasons["ratification"] += 1
    assert reasons["council"] and reasons["ratification"]
