"""The model: determinism, reasons on every move, human seats, and properties that always hold."""

import copy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiation import rules
from negotiation.model import NegotiationModel, run_game
from negotiation.moves import IllegalMove
from negotiation.scenario import load_scenario, parse_scenario

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def moves_of(model):
    return [(m.round, m.actor, m.action, m.why, m.margin) for m in model.moves]


def test_same_scenario_and_seed_give_the_same_game(default_spec):
    a, b = run_game(default_spec, 11), run_game(default_spec, 11)
    assert moves_of(a) == moves_of(b)
    assert a.outcome.to_dict() == b.outcome.to_dict()
    assert a.rounds_frame().equals(b.rounds_frame())


def test_different_seeds_give_different_games(default_spec):
    games = {tuple(moves_of(run_game(default_spec, s))) for s in range(5)}
    assert len(games) > 1


def test_the_log_read_during_the_game_is_the_log_read_at_the_end(default_spec):
    """Most sentences are written when the log is read: reading it after every round, or with a
    person's seat after every move, gives the same moves as reading it once at the end."""
    for seed, humans in ((3, ()), (4, ("FR", "commission"))):
        whole = NegotiationModel.from_spec(default_spec, seed, humans=humans)
        read = NegotiationModel.from_spec(default_spec, seed, humans=humans)
        for model, look in ((whole, False), (read, True)):
            while not model.finished:
                if model.pending is not None:
                    model.submit(model.pending.agent_move)
                else:
                    model.step()
                if look:
                    assert len(model.moves) == len(model.log)
        assert [m.to_dict() for m in read.moves] == [m.to_dict() for m in whole.moves]
        assert whole.outcome.moves == len(whole.moves)


@pytest.mark.parametrize("scenario", ["critical_minerals_2026", "divide_and_rule", "small_class"])
def test_skipping_the_move_log_leaves_the_game_the_same(scenario):
    spec = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / f"{scenario}.yaml")
    for seed in range(8):
        logged = run_game(spec, seed)
        quiet = NegotiationModel.from_spec(spec, seed, record_moves=False)
        quiet.run()
        assert quiet.moves == [] and logged.moves
        assert quiet.outcome.row() == logged.outcome.row()
        assert quiet.rounds_frame().equals(logged.rounds_frame())


def test_a_round_has_the_phases_in_order(default_spec):
    model = NegotiationModel.from_spec(default_spec, 2)
    model.step()
    phases = [m.phase for m in model.moves]
    order = ["china", "us", "stance", "commission", "council"]
    assert phases == sorted(phases, key=order.index)
    assert phases[0] == "china" and "us" in phases and "stance" in phases
    assert model.round == 1 and not model.finished


def test_every_move_has_a_reason_and_choices_have_a_margin(default_spec):
    model = run_game(default_spec, 4)
    for move in model.moves:
        assert move.why and move.why[0].isupper() and move.why.endswith((".", ")"))
        if move.phase != "stance" or move.action in ("conditional", "bilateral"):
            continue
        offered = [k for k in move.numbers if k.startswith("seen_")]
        if len(offered) > 1:  # more than one option on offer
            assert move.margin is not None and move.margin >= 0
            assert "would have needed +" in move.why
        else:
            assert move.margin is None and move.why.endswith("nothing else on offer.")


def test_outcome_reports_every_measure(default_spec):
    o = run_game(default_spec, 5).outcome
    assert o.type in rules.OUTCOME_TYPES
    assert set(o.utilities) >= {"us", "commission", "china", "DE", "MT"}
    assert 0 <= o.cohesion_states <= 1 and 0 <= o.cohesion_population <= 1
    assert 0 <= o.pressure_mean <= o.pressure_max <= 1
    if o.type.startswith("bloc_deal"):
        assert o.round is not None and o.bloc_terms["territorial_clause"] is True
        assert o.council["passed"] and o.pareto_distance is not None
        assert o.pareto_distance >= 0 and o.nash_distance >= 0
    row = o.row()
    assert row["outcome"] == o.type and "u_us" in row and "deal_price_floor" in row


def test_rounds_dataframe_from_the_datacollector(default_spec):
    model = run_game(default_spec, 6)
    frame = model.rounds_frame()
    assert list(frame["round"]) == list(range(1, len(frame) + 1))
    assert {"pressure", "population_with_bloc", "us_offer_us_utility"} <= set(frame.columns)


# --- human seats ---------------------------------------------------------------------------------


def play_all_agent_moves(model):
    model.run()
    while model.pending is not None:
        model.submit(model.pending.agent_move)
        model.run()
    return model


def test_a_human_playing_the_agents_moves_reproduces_the_agents_game(default_spec):
    agents = run_game(default_spec, 8)
    everyone = play_all_agent_moves(
        NegotiationModel.from_spec(default_spec, 8, humans=agents.actor_ids())
    )
    drop = {"withhold"}  # the agent's note to itself; a person is not second-guessed
    held = {"proceed_consent", "hold_suspension"}  # a person's procedure is logged unchanged too
    assert [(m.round, m.actor, m.action) for m in agents.moves if m.action not in drop] == [
        (m.round, m.actor, m.action) for m in everyone.moves if m.action not in held
    ]
    assert agents.outcome.utilities == everyone.outcome.utilities


@pytest.mark.parametrize(
    ("seat", "bad", "message"),
    [
        ("china", {"pressure": 1.5}, "out of range; allowed 0 to 0.9"),
        (
            "china",
            {"pressure": 0.5, "inducements": {"HU": 0.4, "PL": -0.4}},
            "above China's budget",
        ),
        ("china", {"pressure": 0.5, "inducements": {"HU": 3}}, "allowed -1 \\(threat\\) to 1"),
        ("china", {"pressure": 0.5, "inducements": {"XX": 0.1}}, "unknown member state"),
        ("us", {"action": "offer", "terms": {"offtake": -5}}, "out of range; allowed 0 to 100"),
        ("us", {"action": "offer", "clause": False}, "must include the territorial-integrity"),
        (
            "us",
            {"action": "offer", "bilateral": {"states": ["PL"], "terms": {"price_floor": 90}}},
            "not a bilateral issue",
        ),
        ("commission", {"action": "accept", "x": 1}, "'x' is not a field of a Commission move"),
        ("PL", {"stance": "neutral"}, "allowed now: bloc"),
        ("PL", "bloc", "must be a mapping"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(default_spec, seat, bad, message):
    model = NegotiationModel.from_spec(default_spec, 3, humans=[seat])
    model.run()
    decision = model.pending
    snapshot = (
        moves_of(model),
        model.round,
        model.phase,
        model.us_offer,
        model.states.stance.copy().tolist(),
        model.china.pressure,
    )
    with pytest.raises(IllegalMove, match=message):
        model.submit(bad)
    assert (
        moves_of(model),
        model.round,
        model.phase,
        model.us_offer,
        model.states.stance.tolist(),
        model.china.pressure,
    ) == snapshot
    assert model.pending is decision
    model.submit(decision.agent_move)  # and the game goes on


def test_china_as_a_person_rewards_and_threatens(default_spec):
    default_spec = default_spec.model_copy(
        update={"china": default_spec.china.model_copy(update={"inducement_budget": 0.5})}
    )
    model = NegotiationModel.from_spec(default_spec, 3, humans=["china"])
    model.run()
    assert model.pending.kind == "china"
    model.submit({"pressure": 0.3, "inducements": {"HU": 0.25, "DK": -0.25}})
    model.step()
    hu, dk = (model.moves_frame().query("actor == @code").iloc[0] for code in ("HU", "DK"))
    assert hu["action"] == "china"  # a rewarded hedger leans to China
    assert "china" in dk["numbers"]  # a threatened state may now escape to China
    assert (
        dk["numbers"]["bloc"]
        < run_game(default_spec, 3).moves_frame().query("actor == 'DK'").iloc[0]["numbers"]["bloc"]
    )
    actions = [m.action for m in model.moves if m.actor == "china"]
    assert actions[:3] == ["pressure", "inducements", "threats"]


def test_a_state_cannot_take_an_option_not_on_offer(default_spec):
    model = NegotiationModel.from_spec(default_spec, 3, humans=["ES"])  # Spain is not courted
    model.run()
    assert model.pending.kind == "stance"
    with pytest.raises(IllegalMove, match="not on offer this round; allowed now: bloc"):
        model.submit({"stance": "bilateral"})


def test_hand_over_lets_the_agents_finish_the_game(default_spec):
    model = NegotiationModel.from_spec(default_spec, 8, humans=["us", "PL"])
    model.run()
    assert model.pending.actor == "us"
    model.hand_over(("us",))
    assert model.pending is None or model.pending.actor == "PL"
    model.hand_over()
    model.run()
    assert model.finished and not model.humans
    agents = run_game(default_spec, 8)
    assert model.outcome.utilities == agents.outcome.utilities  # the agents played as they would


def test_moves_for_another_seat_are_refused(default_spec):
    model = NegotiationModel.from_spec(default_spec, 3, humans=["us", "PL"])
    model.run()
    with pytest.raises(IllegalMove, match="it is United States's move"):
        model.submit({"stance": "bloc"}, actor="PL")


def test_unknown_seat_names_the_seats(default_spec):
    with pytest.raises(ValueError, match="seats are us, commission, china, parliament, AT, BE"):
        NegotiationModel.from_spec(default_spec, 1, humans=["russia"])


def test_human_decisions_show_what_the_seat_needs(default_spec):
    model = NegotiationModel.from_spec(default_spec, 3, humans=["commission", "DK"])
    model.run()
    stance = model.pending
    assert stance.kind == "stance" and "values" in stance.info and "bloc" in stance.info["values"]
    model.submit(stance.agent_move)
    model.run()
    com = model.pending
    assert com.kind == "commission"
    assert com.info["us_offer"]["price_floor"] > 0 and "forecast" in com.info
    assert "If you accept the US offer: Council" in com.prompt


def _phase_start(model: NegotiationModel, kind: str) -> dict:
    """Play the agents' moves up to the start of the next phase of `kind`; its decisions then."""
    while True:
        model.run()
        assert not model.finished, f"no {kind} phase"
        if model.pending.kind == kind:
            return dict(model.phase_decisions)
        model.submit(model.pending.agent_move)


def test_every_human_state_sees_its_stance_when_the_phase_starts(default_spec):
    """The member states' stances are asked one state after another, but the model shows every
    human state its decision from the start of the phase: the very decision it is asked later."""
    model = NegotiationModel.from_spec(default_spec, 7, humans=("PL", "DE", "FR", "us"))
    decisions = _phase_start(model, "stance")
    order = [c for c in model.states.codes if c in ("PL", "DE", "FR")]
    assert list(decisions) == order
    for actor in order:
        assert model.pending is decisions[actor]
        assert set(model.phase_decisions) == set(decisions)
        model.submit(model.pending.agent_move)
        decisions.pop(actor)
    assert model.phase_decisions == {}


def test_a_voter_is_asked_with_the_forecast_of_the_votes_before_it(default_spec):
    """Every human state sees its Council vote when the phase starts, with the forecast of the
    agents' votes; the voter the game reaches is asked with the votes before it as they stand."""
    model = NegotiationModel.from_spec(default_spec, 7, humans=("PL", "DE", "FR"))
    decisions = _phase_start(model, "vote")
    first, second, third = [c for c in model.states.codes if c in ("PL", "DE", "FR")]
    assert list(decisions) == [first, second, third]
    assert model.pending.info == decisions[first].info
    flip = model.pending.agent_move["vote"] == "no"
    model.submit({"vote": "yes" if flip else "no"})  # against its agent
    asked = model.pending
    assert asked.actor == second and model.phase_decisions[second] is asked
    forecast = asked.info["forecast"]["yes_states"]
    assert forecast - decisions[second].info["forecast"]["yes_states"] == (1 if flip else -1)
    assert model.phase_decisions[third] is decisions[third]  # not reached yet: as at the start


def test_a_seat_handed_over_leaves_the_phase_decisions(default_spec):
    model = NegotiationModel.from_spec(default_spec, 7, humans=("PL", "DE", "FR"))
    _phase_start(model, "stance")
    first, second, third = [c for c in model.states.codes if c in ("PL", "DE", "FR")]
    model.hand_over((first, third))
    assert list(model.phase_decisions) == [second] and model.pending.actor == second


def test_the_seats_of_one_actor_show_no_phase_decisions(default_spec):
    model = NegotiationModel.from_spec(default_spec, 7, humans=("us", "commission"))
    while not model.finished:
        model.run()
        assert model.phase_decisions == {}
        if model.pending is not None:
            model.submit(model.pending.agent_move)


# --- properties --------------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    mode=st.sampled_from(["hard", "soft", "off"]),
    china=st.sampled_from(["restraint", "escalation", "divide_and_rule"]),
    us=st.sampled_from(["boulware", "conceder", "linear", "tit_for_tat", "hardliner"]),
    loyalty=st.floats(0, 0.3),
)
def test_invariants_hold_in_any_game(default_data, seed, mode, china, us, loyalty):
    data = copy.deepcopy(default_data)
    data["territorial_constraint"] = mode
    data["china"]["strategy"] = {"name": china, "params": {}}
    data["us"]["strategy"] = {"name": us, "params": {}}
    data["member_states"]["defaults"]["loyalty"] = loyalty
    data["us"]["courting"] = "all"
    model = run_game(parse_scenario(data, "prop"), seed)
    o = model.outcome
    for value in o.utilities.values():
        assert 0.0 <= value <= 1.0
    for package in [*model.us.offers, *model.commission.counters]:
        assert np.all((package.values >= -1e-12) & (package.values <= 1 + 1e-12))
    if model.signed is not None:
        assert rules.is_admissible(model.signed, mode)
        assert model.commission.mandate_allows(model.signed)
        assert o.council["passed"]
    for deal in model.states.deals.values():
        assert rules.is_admissible(deal, mode)
    assert min(model.china.pressure_path) >= 0.0 and max(model.china.pressure_path) <= 1.0
    again = run_game(parse_scenario(data, "prop"), seed)
    assert moves_of(again) == moves_of(model)
