"""A person's moves in the default scenario (seed 7): what is legal, and how the log and the
debrief word them (from the browser audit of 4 Dec 2026)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from negotiation.model import NegotiationModel
from negotiation.moves import (
    BY_HUMAN,
    BY_IDLE,
    BY_RULES,
    BY_SCENARIO,
    BY_TEACHER,
    IllegalMove,
)
from negotiation.scenario import load_scenario
from negotiation.web.panels.debrief import why_sentence, your_moves_html
from negotiation.web.state import GameSession, GameSetup
from negotiation.web.words import plain_sentence

REPO = Path(__file__).resolve().parents[1]
PROCEDURE = "PSSPPSSPPS"
"""The Parliament's procedure, round by round (Proceed or Suspend): in round 10 the Council
passes a binding agreement while the procedure is suspended."""


@pytest.fixture(scope="module")
def parliament_game(default_spec) -> tuple[GameSession, list]:
    game = GameSession(GameSetup(default_spec, seed=7, humans=("parliament",)))
    consents = []
    while not game.finished:
        if game.pending is None:
            game.step()
            continue
        decision = game.pending
        if decision.kind == "parliament":
            suspend = PROCEDURE[decision.round - 1] == "S"
            assert game.submit({"procedure": "suspend" if suspend else "proceed"}) is None
        else:
            consents.append(decision)
            refused = game.submit({"consent": "yes"})
            assert game.pending is decision  # the refused move changed nothing
            consents.append(refused)
            assert game.submit({"consent": "no"}) is None
    return game, consents


def test_consent_cannot_be_given_while_the_procedure_is_suspended(parliament_game):
    _, consents = parliament_game
    assert len(consents) == 2, "the game no longer reaches a consent vote while suspended"
    decision, refused = consents
    assert decision.info["suspended"] and decision.options == ["no"]
    assert decision.agent_move == {"consent": "no"}
    assert refused.startswith("your consent procedure is suspended: you cannot give consent")
    with pytest.raises(IllegalMove, match="allowed: no"):
        decision.validate({"consent": "yes"})


def test_the_debrief_says_why_a_package_the_council_passed_was_not_concluded(parliament_game):
    game, _ = parliament_game
    words = why_sentence(game.model)
    assert "The game ended with no deal" in words and "passed the package" in words
    assert "It was not concluded: The European Parliament refuses its consent" in words
    assert "its consent procedure is suspended" in words


def test_each_of_a_persons_moves_in_a_round_keeps_its_own_sentence(parliament_game):
    game, _ = parliament_game
    html = your_moves_html(game)
    items = [i for i in html.split("<li>") if i.startswith("Round 10,")]
    procedure = next(i for i in items if "procedure: suspend" in i)
    consent = next(i for i in items if "consent: no" in i)
    assert "suspends its consent procedure" in procedure and "refuses" not in procedure
    assert "refuses its consent" in consent and "suspends its consent procedure" not in consent


def test_a_persons_us_offer_is_not_logged_as_asking_nothing(default_spec):
    model = NegotiationModel.from_spec(default_spec, 7, humans=("us",))
    model.step()
    model.submit(model.pending.agent_move)
    offer = next(m for m in model.moves if m.actor == "us" and m.action == "offer")
    assert "it asks" not in offer.why and "its walk-away" in offer.why
    agent = NegotiationModel.from_spec(default_spec, 7)
    agent.step()
    assert "it asks 0.90" in next(m.why for m in agent.moves if m.action == "offer")


def test_a_persons_china_move_gives_its_own_reason(default_spec):
    model = NegotiationModel.from_spec(default_spec, 7, humans=("china",))
    model.step()
    model.submit({"pressure": 0.9, "inducements": {}})
    pressure = next(m for m in model.moves if m.action == "pressure")
    assert pressure.why.startswith("China raises export-control pressure to 0.90 (a person's")
    assert "controls already in force" not in pressure.why


def test_amounts_of_funds_read_to_half_a_point_in_the_log_and_in_refusals(default_spec):
    game = GameSession(GameSetup(default_spec, seed=7, humans=("commission",)))
    while game.pending is None or game.pending.kind != "commission":
        game.step() if game.pending is None else game.submit(game.pending.agent_move)
    decision = game.pending
    refused = game.submit({**decision.agent_move, "payments": {"HU": 0.5, "PL": 0.5}})
    assert refused is not None and "above the EU funds left" in refused
    shown = plain_sentence(refused)
    assert "payments total 100/100" in shown and re.search(r"funds left \(\d+(\.\d)?/100\)", shown)
    game.submit({**decision.agent_move, "payments": {"HU": 0.015}})
    paid = next(m.why for m in game.model.moves if m.action == "payments")
    assert "Hungary 0.015" in paid and "Hungary 1.5/100" in plain_sentence(paid)


def _every_seat_played(spec, seed: int, by: str) -> NegotiationModel:
    """A game of `spec` where every seat is a person's and each move is its agent's, sent as
    `by` (the round's time ran out, or the teacher advanced it)."""
    seats = NegotiationModel.from_spec(spec, seed).actor_ids()
    return _agents_moves_sent(NegotiationModel.from_spec(spec, seed, humans=seats), by)


def _agents_moves_sent(model: NegotiationModel, by: str) -> NegotiationModel:
    """Play `model` to the end, each person's decision answered with its agent's move as `by`."""
    while not model.finished:
        if model.pending is None:
            model.step()
        else:
            model.submit(model.pending.agent_move, by=by)
    return model


@pytest.mark.parametrize(
    "by, words", [(BY_IDLE, "the seat was idle"), (BY_TEACHER, "the teacher advanced the round")]
)
def test_a_move_its_agent_made_for_a_persons_seat_reads_as_the_agents_and_says_so(
    default_spec, by, words
):
    agents = NegotiationModel.from_spec(default_spec, 0)
    agents.run()
    stood_in = _every_seat_played(default_spec, 0, by)
    assert {m.phase for m in stood_in.moves} >= {"china", "us", "stance", "commission", "consent"}
    assert {"vote_yes", "vote_no"} <= {m.action for m in stood_in.moves}
    note = f" Played by its agent: {words}."
    for agent, move in zip(agents.moves, stood_in.moves, strict=True):
        assert "a person's" not in move.why
        if move.actor == "council":
            assert (move.by, move.why) == (BY_RULES, agent.why)
        else:
            assert (move.by, move.why) == (by, agent.why + note)


def test_a_persons_own_moves_say_so_and_not_that_an_agent_played_them(default_spec):
    model = _every_seat_played(default_spec, 0, BY_HUMAN)
    stances = [m for m in model.moves if m.phase == "stance"]
    assert all("(a person's choice" in m.why for m in stances)
    assert all("votes yes (a person's vote" in m.why for m in model.moves if m.action == "vote_yes")
    assert not any("Played by its agent" in m.why for m in model.moves)


def test_the_council_count_is_the_councils_even_when_a_person_plays_the_commission(default_spec):
    for by in (BY_HUMAN, BY_IDLE):
        model = _agents_moves_sent(
            NegotiationModel.from_spec(default_spec, 0, humans=("commission",)), by
        )
        counts = [m for m in model.moves if m.action == "council_vote"]
        assert counts and all(
            (m.actor, m.actor_name, m.by) == ("council", "Council", BY_RULES) for m in counts
        )
        assert all(m.phase == "commission" for m in model.moves if m.actor == "commission")


def test_an_idle_parliament_and_the_scheduled_events_are_attributed_to_who_made_them():
    spec = load_scenario(REPO / "scenarios" / "history_2026.yaml")
    model = _agents_moves_sent(NegotiationModel.from_spec(spec, 0, humans=("parliament",)), BY_IDLE)
    suspend = next(m for m in model.moves if m.action == "suspend_consent")
    assert suspend.by == BY_IDLE
    assert suspend.why.startswith("The European Parliament suspends its consent procedure: the US")
    assert suspend.why.endswith(" Played by its agent: the seat was idle.")
    events = [m for m in model.moves if m.phase == "event"]
    assert events and all(m.by == BY_SCENARIO for m in events)


@pytest.mark.parametrize(
    "name", ["history_2026", "counterfactual_mixed_veto", "critical_minerals_2026"]
)
def test_seats_their_agents_play_for_absent_people_play_the_agents_game(name):
    """A class where nobody moves (every seat idle) plays the game the agents play alone: an
    agent standing in for a person follows the agents' rules (the Parliament's suspension lifts
    when the threat ends; national ratification draws its own swing)."""
    spec = load_scenario(REPO / "scenarios" / f"{name}.yaml")
    for seed in range(4):
        agents = NegotiationModel.from_spec(spec, seed)
        agents.run()
        idle = _every_seat_played(spec, seed, BY_IDLE)
        assert idle.outcome.row() == agents.outcome.row(), (name, seed)


def test_a_persons_offers_quote_the_agents_target_as_the_agents(default_spec):
    """A person sets no target: the sentences of a person's US and Commission moves call the
    number they quote their agent's target; an agent's own sentences are unchanged."""
    person = _agents_moves_sent(
        NegotiationModel.from_spec(default_spec, 0, humans=("us", "commission")), BY_HUMAN
    )
    agents = NegotiationModel.from_spec(default_spec, 0)
    agents.run()
    own = [m for m in person.moves if m.actor in ("us", "commission") and "target" in m.why]
    assert own and all("its agent's target" in m.why for m in own)
    assert any(m.action == "counter" for m in own)
    quoted = [m for m in agents.moves if m.actor in ("us", "commission") and "target" in m.why]
    assert quoted and not any("its agent's" in m.why for m in quoted)


def test_no_condition_is_offered_when_the_commission_has_no_eu_funds_left(default_spec):
    """Backing the bloc on a condition asks the Commission for EU funds: with none left, the
    option is not offered, the prompt says why, and a conditional stance is refused."""
    for budget, offered in ((0.0, False), (0.3, True)):
        spec = default_spec.model_copy(
            update={"commission": default_spec.commission.model_copy(update={"budget": budget})}
        )
        model = NegotiationModel.from_spec(spec, 0, humans=("PL",))
        model.run()
        decision = model.pending
        assert decision is not None and decision.kind == "stance"
        assert ("conditional" in decision.options) is offered
        assert ("no EU funds left" in decision.prompt) is not offered
        if not offered:
            with pytest.raises(IllegalMove, match="not on offer"):
                model.submit({"stance": "conditional", "ask": 0.05})
