"""Bloc or bilateral, for real: reasons that match the moves, one accounting, walk-aways that
move and are never crossed, tailored bilateral offers, private values, seats with real choices, and
bad input for the new options."""

import copy

import numpy as np
import pytest

from negotiation.issues import Package
from negotiation.model import NegotiationModel, run_game
from negotiation.moves import IllegalMove
from negotiation.scenario import ScenarioError, parse_scenario

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
SEEDS = range(25)
TOL = 2e-3  # the numbers in a move are rounded to 4 decimals


@pytest.fixture(scope="module")
def games(default_spec):
    return [run_game(default_spec.model_copy(update={"record_moves": True}), s) for s in SEEDS]


def test_every_vote_follows_from_the_numbers_in_its_reason(games):
    checked = 0
    for game in games:
        for m in game.moves:
            if m.phase != "council" or not m.action.startswith("vote_"):
                continue
            n = m.numbers
            lead = n["yes"] + n["noise"] - n["alternative"]
            if abs(lead) > TOL:
                assert (m.action == "vote_yes") == (lead > 0), m.why
            if abs(n["noise"]) >= 0.005:  # a swing that counts is named in the sentence
                assert "swing" in m.why, m.why
            checked += 1
    assert checked >= 27 * len(SEEDS) // 2  # most games reach a vote of all 27 states


def test_every_stance_follows_from_the_numbers_in_its_reason(games):
    checked = 0
    for game in games:
        for m in game.moves:
            if m.phase != "stance" or m.action not in ("bloc", "bilateral", "china"):
                continue
            seen = {
                k: m.numbers[f"seen_{k}"] for k in ("bloc", "bilateral", "china") if k in m.numbers
            }
            if m.action == "bilateral" and "keeps its US bilateral deal" in m.why:
                continue  # a signed deal stays: nothing was chosen
            assert seen[m.action] >= max(seen.values()) - TOL, m.why
            for k in seen:  # the seen value is the value, the swing and the outlook
                assert abs(seen[k] - m.numbers[k] - m.numbers[f"noise_{k}"]) < 0.35
            checked += 1
    assert checked > 27 * len(SEEDS)


def test_one_accounting_the_vote_values_the_deal_as_the_outcome_does(games):
    """The yes value in a state's final vote is the payoff the outcome reports for it (a state
    that voted no forgoes the EU funds promised for a yes)."""
    compared = 0
    for game in games:
        if game.outcome.type not in ("bloc_deal", "bloc_deal_with_defections"):
            continue
        last = game.outcome.council["round"]
        votes = {m.actor: m for m in game.moves if m.phase == "council" and m.round == last}
        for s in game.outcome.states:
            forgone = s["eu_payment"] if s["vote"] == "no" else 0.0
            assert votes[s["code"]].numbers["yes"] == pytest.approx(s["payoff"] + forgone, abs=TOL)
            compared += 1
    assert compared > 0


def test_neither_side_offers_below_its_walk_away(games):
    for game in games:
        for m in game.moves:
            if m.actor == "us" and m.action in ("offer", "accept", "bilateral_offer"):
                assert m.numbers["utility"] >= m.numbers["walkaway"] - TOL, m.why
            if m.actor == "commission" and m.action in ("counter", "accept"):
                n = m.numbers
                if "walkaway" in n:
                    assert n["utility"] >= n["walkaway"] - TOL, m.why


def test_bilateral_deals_raise_the_us_walk_away(default_spec):
    model = NegotiationModel.from_spec(default_spec, 0)
    before = model.us_walkaway()
    rows = np.array([model.states.index["PL"], model.states.index["CZ"]])
    offers = model.us.bilateral_offers(rows, model.states.position, model.mode)
    model.states.sign(rows, offers, 1)
    assert all(
        model.us.bilateral_utility(o) >= model.us.side.reservation - 1e-9 for o in offers.values()
    )
    assert model.us_walkaway() >= before


def test_offers_are_tailored_and_generosity_moves_them_toward_each_state(default_data):
    data = copy.deepcopy(default_data)
    data["us"]["reservation"] = 0.3  # room to be generous
    terms = {}
    for g in (0.0, 1.0):
        data["us"]["bilateral_generosity"] = g
        model = NegotiationModel.from_spec(parse_scenario(data, "t"), 0)
        rows = np.arange(model.states.n)
        terms[g] = model.us.bilateral_offers(rows, model.states.position, model.mode)
    mask = model.space.bilateral_mask
    assert len({terms[1.0][i] for i in terms[1.0]}) > 5  # tailored, not one offer for all
    for i in terms[1.0]:
        pos = model.states.position[i][mask]
        far = np.abs(terms[0.0][i].values[mask] - pos).sum()
        near = np.abs(terms[1.0][i].values[mask] - pos).sum()
        assert near <= far + 1e-12


def test_private_values_change_the_game_at_noise_zero(default_data):
    data = copy.deepcopy(default_data)
    data["noise"] = 0
    spec = parse_scenario(data, "t")
    drawn = {tuple(sorted(run_game(spec, s).outcome.private.items())) for s in range(5)}
    assert len(drawn) == 5
    terms = {tuple(sorted((run_game(spec, s).outcome.bloc_terms or {}).items())) for s in range(8)}
    assert len(terms) > 1


def test_every_seat_mostly_has_a_real_choice(default_spec):
    model = NegotiationModel.from_spec(
        default_spec, 4, humans=["us", "commission", "china", *default_spec.member_states.states]
    )
    counts = []
    model.run()
    while model.pending is not None:
        counts.append(len(model.pending.options))
        model.submit(model.pending.agent_move)
        model.run()
    assert counts and sum(c >= 2 for c in counts) / len(counts) > 0.9


def test_a_signed_state_still_votes_and_can_ask_for_funds(default_spec):
    model = NegotiationModel.from_spec(default_spec, 0, humans=["PL"])
    model.run()
    model.submit({"stance": "bilateral"})  # Poland signs in round 1
    model.run()
    while model.pending is not None and model.pending.kind != "stance":
        model.submit(model.pending.agent_move)
        model.run()
    assert model.states.signed[model.states.index["PL"]]
    assert "conditional" in model.pending.options


@pytest.mark.parametrize(
    ("seat", "bad", "message"),
    [
        ("commission", {"action": "counter", "payments": {"HU": 5}}, "EU funds left"),
        ("commission", {"action": "counter", "payments": {"XX": 0.01}}, "unknown member state"),
        ("commission", {"action": "counter", "payments": {"HU": -0.1}}, "below 0"),
        ("us", {"action": "offer", "tariffs": {"threaten": ["XX"]}}, "unknown member state"),
        ("us", {"action": "offer", "tariffs": {"raise": ["PL"]}}, "threaten"),
        ("us", {"action": "offer", "terms": None}, "terms must be a mapping"),
        (
            "us",
            {"action": "offer", "bilateral": [{"states": ["PL"]}, {"states": ["pl"]}]},
            "in two bilateral offers",
        ),
        ("us", {"action": "offer", "bilateral": {"states": ["PL"], "price": 1}}, "unknown key"),
        ("us", {"action": "offer", "bilateral": [{"states": []}]}, "at least one member state"),
        ("PL", {"stance": "conditional", "ask": 2}, "ask"),
    ],
)
def test_new_options_used_wrongly_are_refused_and_change_nothing(default_spec, seat, bad, message):
    model = NegotiationModel.from_spec(default_spec, 3, humans=[seat])
    model.run()
    decision = model.pending
    before = (len(model.moves), model.round, model.phase, model.states.tariff.tolist())
    with pytest.raises(IllegalMove, match=message):
        model.submit(bad)
    assert (len(model.moves), model.round, model.phase, model.states.tariff.tolist()) == before
    assert model.pending is decision


def test_a_list_of_bilateral_groups_is_played_as_sent(default_spec):
    model = NegotiationModel.from_spec(default_spec, 3, humans=["us"])
    model.run()
    model.submit(
        {
            "action": "offer",
            "bilateral": [
                {"states": ["PL"], "terms": {"offtake": 40}},
                {"states": ["CZ", "SK"], "terms": {"offtake": 50}},
            ],
        }
    )
    offers = model.bilateral_offers
    codes = {model.states.codes[i] for i in offers}
    assert codes == {"PL", "CZ", "SK"}
    k = model.space.index["offtake"]
    pl = offers[model.states.index["PL"]]
    assert model.space.issues[k].to_real(pl.values[k]) == pytest.approx(40)
    assert isinstance(pl, Package)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["us"].update(reservation={"low": 0.8, "high": 0.6}), "us.reservation"),
        (lambda d: d["commission"].update(budget=-1), "commission.budget"),
        (lambda d: d["china"].update(inducement_budget={"low": 0.1}), "china.inducement_budget"),
        (lambda d: d["us"].update(courting=["PL", "XX"]), "us.courting"),
        (lambda d: d["us"].update(courting="sometimes"), "us.courting"),
        (lambda d: d["us"].update(tariff_threat=3), "us.tariff_threat"),
        (lambda d: d["member_states"].update(reservation_spread=0.9), "reservation_spread"),
        (lambda d: d["us"].update(reservation={"low": -1, "high": 5}), "us.reservation.low"),
        (
            lambda d: d["commission"].update(budget={"low": -2, "high": 0.3}),
            "commission.budget.low",
        ),
    ],
)
def test_new_scenario_fields_are_validated(default_data, change, field):
    data = copy.deepcopy(default_data)
    change(data)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "broken.yaml")
    assert str(info.value).startswith("broken.yaml") and field in str(info.value)


def test_private_walk_aways_of_the_states_are_drawn_within_the_spread(default_data):
    data = copy.deepcopy(default_data)
    data["member_states"]["reservation_spread"] = 0.05
    spread = NegotiationModel.from_spec(parse_scenario(data, "t"), 1).states.reservation
    exact = NegotiationModel.from_spec(parse_scenario(default_data, "t"), 1).states.reservation
    assert np.all(np.abs(spread - exact) <= 0.05 + 1e-12) and not np.allclose(spread, exact)


def test_a_person_is_warned_before_offering_below_the_walk_away(default_spec):
    model = NegotiationModel.from_spec(default_spec, 3, humans=["us"])
    model.run()
    decision = model.pending
    assert decision.warnings(decision.agent_move) == []
    giveaway = model.space.to_real(Package(model.commission.mandate_position, True))
    giveaway = {k: v for k, v in giveaway.items() if k in model.space.index}
    warned = decision.warnings({"action": "offer", "terms": giveaway})
    assert warned and "below its walk-away" in warned[0]
    bilateral = {"states": ["PL"], "terms": {"joint_projects": 0, "offtake": 0, "stockpile": 0}}
    warned = decision.warnings({"action": "offer", "bilateral": bilateral})
    assert any("walk-away for a single state" in w for w in warned)
    assert model.pending is decision  # a warning changes nothing
