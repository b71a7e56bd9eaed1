"""The levers' amounts as a student sees them, without a browser: EU funds, a state's ask and
China's inducements are shown to the half point they are sent in, the tables and the sliders
agree, an amount over what is left is explained before sending, and the lists name the states."""

from __future__ import annotations

import html
import re

import ipyvuetify as v
import pytest
from test_web_panels import StartsWith, click, one, render, text, wait_for

from negotiation.actors.commission import PAYMENT_STEP
from negotiation.web.catalog import list_scenarios
from negotiation.web.panels.china import ChinaPanel
from negotiation.web.panels.member_state import StancePanel
from negotiation.web.panels.offers import CommissionPanel, UsPanel
from negotiation.web.state import GameSession, GameSetup
from negotiation.web.words import points_html, points_text


@pytest.fixture(scope="module")
def spec():
    return next(c.spec for c in list_scenarios() if c.path.name == "critical_minerals_2026.yaml")


def seat(spec, who: str, kind: str, seed: int = 7) -> GameSession:
    game = GameSession(GameSetup(spec, seed=seed, humans=(who,)))
    wait_for(game, kind)
    return game


def panel_text(rc) -> str:
    """The whole seat panel as a student reads it, without the markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", text(rc.find(v.Card).widget)))


def buttons_disabled(rc) -> list[bool]:
    return [bool(b.disabled) for b in rc.find(v.Btn).widgets if "seat-" not in (b.class_ or "")]


def test_amounts_read_to_the_half_point_with_the_right_unit():
    assert points_text(0.015) == "1.5 points" and points_text(0.01) == "1 point"
    assert points_text(0.02) == "2 points" and points_text(-0.0001) == "0 points"
    assert ">1 point<" in points_html(0.01) and ">1.5<" in points_html(0.015, False, True)


def test_commission_funds_show_what_is_sent_and_agree_with_the_table(spec):
    """Seed 7: the agent pays Hungary its ask of 1.5 points; Lithuania asks 5 points, and after
    Hungary's 1.5 only 4 of the 5.7 left fit."""
    game = seat(spec, "commission", "commission")
    decision = game.pending
    assert decision.agent_move["payments"] == {"HU": 0.015}
    rc = render(game, lambda _: CommissionPanel(decision, game))
    table = panel_text(rc)
    assert "Hungary1.5" in table and "Lithuania5" in table
    assert "5.7 points of EU funds left" in table
    hungary = rc.find(v.Slider, label=StartsWith("Hungary:")).widget
    assert hungary.label == "Hungary: 1.5 points (it asks 1.5)"
    assert hungary.step == PAYMENT_STEP
    one(rc, "payment-states", v.Select).v_model = ["HU", "LT"]
    lithuania = rc.find(v.Slider, label=StartsWith("Lithuania:")).widget
    assert lithuania.label == "Lithuania: 4 points (it asks 5)"
    assert "Total 5.5 of 5.7 points left." in panel_text(rc)
    click(rc, "Send counter-offer")
    assert game.human_moves[-1].move["payments"] == {"HU": 0.015, "LT": 0.04}


def test_payments_over_the_funds_left_are_explained_before_sending(spec):
    game = seat(spec, "commission", "commission")
    decision = game.pending
    rc = render(game, lambda _: CommissionPanel(decision, game))
    one(rc, "payment-states", v.Select).v_model = ["HU", "PL"]
    assert not rc.find(v.Alert, class_="move-blocked").widgets and not any(buttons_disabled(rc))
    for name in ("Hungary", "Poland"):
        slider = rc.find(v.Slider, label=StartsWith(f"{name}:")).widget
        slider.v_model = slider.max
    warning = text(rc.find(v.Alert).widget)
    assert "Your payments total 11 points, more than the 5.7 points of EU funds left" in warning
    assert all(buttons_disabled(rc))
    assert game.pending is decision


def test_states_are_listed_by_name(spec):
    game = seat(spec, "commission", "commission")
    decision = game.pending
    rc = render(game, lambda _: CommissionPanel(decision, game))
    items = one(rc, "payment-states", v.Select).items
    assert {"text": "Hungary", "value": "HU"} in items
    assert "promise EU funds to Hungary." in panel_text(rc)  # the agent's suggestion too
    game = seat(spec, "us", "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    assert {"text": "Denmark", "value": "DK"} in one(rc, "tariff-states", v.Select).items
    game = seat(spec, "china", "china")
    decision = game.pending
    rc = render(game, lambda _: ChinaPanel(decision, game))
    for cls in ("inducement-targets", "threat-targets"):
        assert {"text": "Czechia", "value": "CZ"} in one(rc, cls, v.Select).items


def test_a_states_ask_is_shown_as_sent_and_capped_at_the_funds_left(spec):
    """Seed 7: Lithuania asks 5 points of the 5.7 the Commission has left."""
    game = seat(spec, "LT", "stance")
    decision = game.pending
    assert decision.agent_move == {"stance": "conditional", "ask": 0.05}
    rc = render(game, lambda _: StancePanel(decision, game))
    slider = rc.find(v.Slider, label=StartsWith("Your ask")).widget
    assert slider.label == "Your ask to the Commission: 5 points (it has 5.7 left)"
    assert slider.step == PAYMENT_STEP and slider.max == pytest.approx(0.055)
    slider.v_model = 0.015
    assert rc.find(v.Slider, label=StartsWith("Your ask")).widget.label.startswith(
        "Your ask to the Commission: 1.5 points"
    )
    click(rc, next(text(b) for b in rc.find(v.Btn).widgets if text(b).startswith("Back the")))
    assert game.human_moves[-1].move == {"stance": "conditional", "ask": 0.015}


def test_china_table_and_sliders_agree(spec):
    """Seed 7: Czechia tips at 4.93 points (5 on the half-point grid), Hungary at 0."""
    game = seat(spec, "china", "china")
    decision = game.pending
    assert decision.info["inducement_needed"]["CZ"] == 0.0493
    rc = render(game, lambda _: ChinaPanel(decision, game))
    table = panel_text(rc)
    assert "Czechia5" in table and "Hungary0" in table
    one(rc, "inducement-targets", v.Select).v_model = ["CZ", "HU"]
    czechia = rc.find(v.Slider, label=StartsWith("Czechia:")).widget
    assert czechia.label == "Czechia: reward of 5 points (tips it at 5)"
    assert czechia.step == PAYMENT_STEP
    hungary = rc.find(v.Slider, label=StartsWith("Hungary:")).widget
    assert hungary.label == "Hungary: reward of 0 points (tips it at 0)"
    hungary.v_model = 0.01
    assert rc.find(v.Slider, label=StartsWith("Hungary:")).widget.label.startswith(
        "Hungary: reward of 1 point "
    )
    assert "Cost 6 of a budget of 8 points" in panel_text(rc)


def test_china_over_budget_is_explained_before_sending(spec):
    game = seat(spec, "china", "china")
    decision = game.pending
    rc = render(game, lambda _: ChinaPanel(decision, game))
    one(rc, "inducement-targets", v.Select).v_model = ["CZ", "SK"]
    assert not any(buttons_disabled(rc))  # the second reward starts at what is left: 3 points
    slider = rc.find(v.Slider, label=StartsWith("Slovakia:")).widget
    slider.v_model = 0.05
    warning = "Your rewards and threats cost 10 points, more than the 8 points of your budget"
    assert warning in text(rc.find(v.Alert).widget)
    assert all(buttons_disabled(rc))


def test_a_state_that_signed_keeps_its_deal(spec):
    """Seed 7: Poland takes the US bilateral deal in round 1; in round 2 it keeps it."""
    game = seat(spec, "PL", "stance")
    rc = render(game, lambda _, d=game.pending: StancePanel(d, game))
    assert any(text(b).startswith("Take the US bilateral deal") for b in rc.find(v.Btn).widgets)
    game.submit({"stance": "bilateral"})
    wait_for(game, "stance")
    decision = game.pending
    assert decision.info["signed"]
    rc = render(game, lambda _: StancePanel(decision, game))
    labels = [text(b) for b in rc.find(v.Btn).widgets]
    assert any(x.startswith("Keep your US bilateral deal") for x in labels)
    assert not any(x.startswith("Take the US") for x in labels)
