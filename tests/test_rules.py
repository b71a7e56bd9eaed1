"""Rules of GAME.md: the territorial constraint, bilateral limits, the mandate, the Commission's
reservation, and outcome types."""

import copy

import numpy as np
import pytest

from negotiation import rules, seats
from negotiation.council import QmvRule
from negotiation.issues import Package
from negotiation.model import NegotiationModel
from negotiation.moves import IllegalMove
from negotiation.scenario import parse_scenario


def _spec(data, **changes):
    data = copy.deepcopy(data)
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return parse_scenario(data, "test")


# --- territorial constraint ---------------------------------------------------------------------


def test_hard_mode_refuses_a_package_without_the_clause():
    package = Package(np.zeros(3), clause=False)
    with pytest.raises(IllegalMove, match="territorial-integrity clause"):
        rules.check_admissible(package, "hard")
    rules.check_admissible(package, "soft")
    rules.check_admissible(package, "off")


def test_hard_mode_deals_always_carry_the_clause(default_spec):
    for seed in range(15):
        model = NegotiationModel.from_spec(default_spec, seed)
        model.run()
        if model.signed is not None:
            assert model.signed.clause
        assert all(deal.clause for deal in model.states.deals.values())


def test_soft_mode_costs_states_their_territorial_salience(default_data):
    spec = _spec(default_data, territorial_constraint="soft")
    model = NegotiationModel.from_spec(spec, 1)
    x = model.commission.mandate_position
    with_clause = model.states.deal_utility(Package(x, True))
    without = model.states.deal_utility(Package(x, False))
    np.testing.assert_allclose(without, with_clause * (1 - model.states.territorial_salience))
    dk = model.states.index["DK"]
    loss = with_clause - without
    assert loss[dk] == loss.max()  # Denmark loses most


def test_off_mode_clause_costs_the_states_nothing(default_data):
    spec = _spec(default_data, territorial_constraint="off")
    model = NegotiationModel.from_spec(spec, 1)
    x = model.commission.mandate_position
    np.testing.assert_allclose(
        model.states.deal_utility(Package(x, True)), model.states.deal_utility(Package(x, False))
    )
    assert model.commission.clause_options == (False, True)


def test_us_pays_its_territorial_ambition_for_the_clause(default_data):
    spec = _spec(default_data, us__territorial_ambition=0.4)
    model = NegotiationModel.from_spec(spec, 1)
    x = model.us.side.position
    assert model.us.utility(Package(x, False)) == pytest.approx(1.0)
    assert model.us.utility(Package(x, True)) == pytest.approx(0.6)


def test_soft_mode_red_line_when_clause_holders_can_block(default_data):
    spec = _spec(default_data, territorial_constraint="soft")
    model = NegotiationModel.from_spec(spec, 1)
    # DK, DE, FR, NL, SE, FI, PL and the Baltic states hold it at >= 0.5: far over 35% of the people.
    assert model.commission.red_line
    assert model.commission.clause_options == (True,)
    data = copy.deepcopy(default_data)
    data["territorial_constraint"] = "soft"
    for code, fields in data["member_states"]["states"].items():
        if code != "DK":
            fields["territorial_salience"] = 0.1
    weak = NegotiationModel.from_spec(parse_scenario(data, "t"), 1)
    assert not weak.commission.red_line
    assert weak.commission.clause_options == (False, True)


def test_a_human_us_offer_without_the_clause_is_refused_and_nothing_changes(default_spec):
    model = NegotiationModel.from_spec(default_spec, 3, humans=["us"])
    model.run()
    assert model.pending.kind == "us"
    before = (len(model.moves), model.us_offer, model.round, model.phase)
    move = dict(model.pending.agent_move, clause=False)
    with pytest.raises(IllegalMove, match="clause"):
        model.submit(move)
    assert (len(model.moves), model.us_offer, model.round, model.phase) == before
    assert model.pending is not None and model.pending.kind == "us"


# --- bilateral limits ------------------------------------------------------------------------------


def test_bilateral_terms_on_a_trade_issue_are_refused(default_spec):
    model = NegotiationModel.from_spec(default_spec, 1)
    with pytest.raises(IllegalMove, match="price_floor is not a bilateral issue"):
        rules.check_bilateral_terms(model.space, {"price_floor": 100})
    rules.check_bilateral_terms(model.space, {"stockpile": 5, "offtake": 40})


def test_a_bilateral_deal_only_counts_bilateral_issues(default_spec):
    model = NegotiationModel.from_spec(default_spec, 1)
    states = model.states
    deal = Package(states.position[0].copy(), True)
    moved = deal.values.copy()
    moved[~model.space.bilateral_mask] = 1 - moved[~model.space.bilateral_mask]
    # Changing trade issues in a bilateral package changes nothing for anybody.
    np.testing.assert_allclose(
        states.bilateral_utility(deal), states.bilateral_utility(Package(moved, True))
    )


def test_signed_bilateral_deals_hold_only_bilateral_terms(small_spec):
    seen = 0
    for seed in range(10):
        model = NegotiationModel.from_spec(small_spec, seed)
        model.run()
        for deal in model.outcome.bilateral_deals:
            seen += 1
            assert set(deal["terms"]) == {
                "stockpile",
                "joint_projects",
                "offtake",
                "territorial_clause",
            }
    assert seen > 0


def test_which_issues_are_bilateral_is_scenario_data(default_data):
    data = copy.deepcopy(default_data)
    data["issues"]["price_floor"]["bilateral"] = True
    model = NegotiationModel.from_spec(parse_scenario(data, "t"), 1)
    rules.check_bilateral_terms(model.space, {"price_floor": 100})


# --- the mandate ---------------------------------------------------------------------------------


def test_compromise_mandate_weights_by_population_and_salience():
    positions = np.array([[0.0, 1.0], [1.0, 0.0]])
    saliences = np.array([[0.5, 0.5], [0.8, 0.2]])
    populations = np.array([3.0, 1.0])
    position, salience = rules.compromise_mandate(positions, saliences, populations)
    # issue 0: (3*0.5*0 + 1*0.8*1) / (3*0.5 + 1*0.8) = 0.8 / 2.3
    assert position[0] == pytest.approx(0.8 / 2.3)
    # issue 1: (3*0.5*1 + 1*0.2*0) / (3*0.5 + 1*0.2) = 1.5 / 1.7
    assert position[1] == pytest.approx(1.5 / 1.7)
    assert salience == pytest.approx([(1.5 + 0.8) / 4, (1.5 + 0.2) / 4])
    assert salience.sum() == pytest.approx(1.0)


def test_the_model_uses_the_mandate_and_a_scenario_can_override_it(default_data, default_spec):
    model = NegotiationModel.from_spec(default_spec, 1)
    s = model.states
    expected, _ = rules.compromise_mandate(s.position, s.salience, s.population)
    np.testing.assert_allclose(model.commission.mandate_position, expected)
    data = copy.deepcopy(default_data)
    data["commission"]["mandate"] = {k: v["low"] for k, v in data["issues"].items()}
    overridden = NegotiationModel.from_spec(parse_scenario(data, "t"), 1)
    np.testing.assert_allclose(overridden.commission.mandate_position, 0.0)


def test_commission_reservation_falls_with_the_population_behind_it():
    assert rules.commission_reservation(0.6, 1.0) == pytest.approx(0.6)
    assert rules.commission_reservation(0.6, 0.5) == pytest.approx(0.3)


def test_commission_walk_away_falls_when_states_leave(default_spec):
    model = NegotiationModel.from_spec(default_spec, 1, humans=["DE"])
    model.run()
    assert model.pending.kind == "stance"
    model.submit({"stance": "bilateral"})
    model.run()
    while model.pending is not None:
        model.submit(model.pending.agent_move)
        model.run()
    share = model.states.population[model.states.index["DE"]] / model.states.population.sum()
    frame = model.rounds_frame()
    base = model.commission.base_reservation
    assert frame["commission_reservation"].iloc[0] <= base * (1 - share) + 1e-9


# --- outcome types --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed", "deals", "kind"),
    [
        (True, 0, "bloc_deal"),
        (True, 2, "bloc_deal_with_defections"),
        (False, 3, "bilateral_patchwork"),
        (False, 0, "no_deal"),
    ],
)
def test_outcome_types(signed, deals, kind):
    assert rules.outcome_type(signed, deals) == kind


def test_parse_us_checks_ranges_and_names(default_spec):
    model = NegotiationModel.from_spec(default_spec, 1)
    base = Package(model.us.side.position, True)
    kwargs = dict(
        space=model.space,
        mode="hard",
        base=base,
        counter=None,
        codes=model.states.codes,
        free=np.ones(27, dtype=bool),
        bilateral_base=base,
        red_line=False,
        threatened=np.zeros(27, dtype=bool),
    )
    with pytest.raises(IllegalMove, match="out of range; allowed 0 to 150"):
        seats.parse_us({"action": "offer", "terms": {"price_floor": 400}}, **kwargs)
    with pytest.raises(IllegalMove, match="is not an issue"):
        seats.parse_us({"action": "offer", "terms": {"lithium": 4}}, **kwargs)
    with pytest.raises(IllegalMove, match="no Commission counter-offer"):
        seats.parse_us({"action": "accept"}, **kwargs)
    with pytest.raises(IllegalMove, match="unknown member state"):
        seats.parse_us({"action": "offer", "bilateral": {"states": ["XX"]}}, **kwargs)
    with pytest.raises(IllegalMove, match="allowed: offer, accept"):
        seats.parse_us({"action": "surrender"}, **kwargs)


def test_qmv_rule_from_scenario(default_spec):
    model = NegotiationModel.from_spec(default_spec, 1)
    assert model.rule == QmvRule(0.55, 0.65, 4)
