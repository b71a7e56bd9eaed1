"""The European Parliament's seat and the legal form in the browser game, without a browser:
the panels rendered with `solara.render` and clicked, checked against the game they change."""

from __future__ import annotations

import html
import re

import ipyvuetify as v
import pytest
from test_web_panels import click, render, shown, wait_for

from negotiation import legal_form
from negotiation.web.briefing import build_briefing, scenario_facts
from negotiation.web.catalog import has_strategy, list_scenarios
from negotiation.web.panels.council import CouncilPanel, rule_html
from negotiation.web.panels.guide import rules_html
from negotiation.web.panels.offers import CommissionPanel, UsPanel, package_summary
from negotiation.web.panels.parliament import ConsentPanel, ParliamentPanel, allowed_forms
from negotiation.web.panels.start import seats
from negotiation.web.panels.table import FORM_WORDS, table_html
from negotiation.web.state import GameSession, GameSetup, kind_words, persons_move

DEFAULT = "critical_minerals_2026.yaml"
CONSENT_SEED = 5
"""A default-scenario seed whose Parliament is asked for its consent (to a mixed agreement)."""


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.fixture(scope="module")
def spec():
    return next(c.spec for c in list_scenarios() if c.path.name == DEFAULT)


@pytest.fixture(scope="module")
def single_form_spec():
    return next(c.spec for c in list_scenarios() if c.path.name == "small_class.yaml")


def test_the_parliament_is_a_seat_with_a_briefing_and_no_strategy(spec):
    assert seats(spec)["Play as European Parliament"] == "parliament"
    assert not has_strategy(spec, "parliament") and has_strategy(spec, "us")
    game = GameSession(GameSetup(spec, seed=1, humans=("parliament",)))
    b = build_briefing(game.model, "parliament")
    assert "consent" in b.who and len(b.goals) == len(game.model.space.issues)
    assert b.walk_away == pytest.approx(game.model.parliament.side.reservation)
    assert any("suspend" in x for x in b.each_round)
    source = next(c.path for c in list_scenarios() if c.path.name == DEFAULT)
    facts = build_briefing(game.model, "parliament", source).facts
    assert any(
        f.startswith("It suspended work on the EU-US tariff deal on 21 Jan 2026") for f in facts
    )
    assert not any("ASSUMPTION" in f for f in facts)
    assert kind_words("parliament") == "consent procedure"
    assert kind_words("consent") == "consent to the agreement"


def test_parliament_panel_suspends_its_procedure(spec):
    game = GameSession(GameSetup(spec, seed=1, humans=("parliament",)))
    wait_for(game, "parliament")
    decision = game.pending
    rc = render(game, lambda _: ParliamentPanel(decision, game))
    said = plain(shown(rc, "seat-parliament"))
    assert "no binding agreement and no mixed agreement can be concluded" in said
    assert "not threatening" in said  # no threat in round 1 of this game
    click(rc, "Suspend the consent procedure")
    assert game.human_moves[-1].move == {"procedure": "suspend"}
    assert game.model.parliament.suspended
    logged = [m for m in game.model.moves if persons_move(m, game.human_moves)]
    assert logged and logged[-1].phase == "parliament"


def test_consent_panel_shows_value_walkaway_and_form_and_sends_consent(spec):
    game = GameSession(GameSetup(spec, seed=CONSENT_SEED, humans=("parliament",)))
    wait_for(game, "consent")
    decision = game.pending
    info = decision.info
    rc = render(game, lambda _: ConsentPanel(decision, game))
    said = plain(shown(rc, "seat-consent"))
    assert legal_form.LABEL[info["form"]] in said
    assert legal_form.RULE[info["form"]] in said
    assert f"worth {round(100 * info['value'])} points" in said
    assert f"walk-away of {round(100 * info['walkaway'])} points" in said
    click(rc, f"Refuse your consent (your walk-away is {round(100 * info['walkaway'])} points)")
    assert game.human_moves[-1].move == {"consent": "no"}
    assert game.model.agreement is None  # refused: the agreement falls


def test_us_panel_sends_the_chosen_form_and_shows_its_rule(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    wait_for(game, "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    select = rc.find(v.Select, label="Legal form of the agreement").widget
    assert select.items == ["A non-binding memorandum", "A binding EU agreement",
                            "A mixed agreement"]  # fmt: skip
    suggested = decision.agent_move["form"]
    assert select.v_model == legal_form.LABEL[suggested].capitalize()
    assert legal_form.RULE[suggested] in plain(shown(rc, "form-rule"))
    select.v_model = "A binding EU agreement"
    assert legal_form.RULE["binding"] in plain(shown(rc, "form-rule"))
    assert "qualified majority" in plain(shown(rc, "live-summary"))
    assert "European Parliament would" in plain(shown(rc, "live-summary"))
    click(rc, "Send offer")
    assert game.human_moves[-1].move["form"] == "binding"
    assert game.model.us_offer.form == "binding"


def test_commission_panel_sends_the_chosen_form(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    wait_for(game, "commission")
    decision = game.pending
    rc = render(game, lambda _: CommissionPanel(decision, game))
    rc.find(v.Select, label="Legal form of the agreement").widget.v_model = "A mixed agreement"
    assert "unanimity" in plain(shown(rc, "live-summary"))
    click(rc, "Send counter-offer")
    assert game.model.counter.form == "mixed"


def test_the_form_select_is_hidden_when_one_form_is_allowed(single_form_spec):
    game = GameSession(GameSetup(single_form_spec, seed=7, humans=("us",)))
    assert allowed_forms(game.model) == ["non_binding"]
    wait_for(game, "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    assert not rc.find(v.Select, label="Legal form of the agreement").widgets
    click(rc, "Send offer")
    assert "form" not in game.human_moves[-1].move


def test_council_and_rules_show_the_rule_of_the_packages_form(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    wait_for(game, "commission")
    model = game.model
    form = model.us_offer.form
    assert legal_form.RULE[form] in plain(rule_html(model))
    rc = render(game, lambda _: CouncilPanel(model))
    assert legal_form.RULE[form] in plain(shown(rc, "council-rule"))
    rules = plain(rules_html(model))
    for f in legal_form.FORMS:
        assert legal_form.RULE[f] in rules
    assert "running now" in rules or "suspended now" in rules
    terms = model.space.to_real(model.us_offer)
    summary = plain(package_summary(model, terms, True, "mixed"))
    assert "unanimity" in summary and "European Parliament" in summary


def test_scenario_facts_reads_a_fact_written_over_several_comment_lines(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "# FACT: a file-level note belongs to no actor.\n"
        "china:\n"
        "  base_pressure: 0.3   # FACT: the controls remain in force\n"
        "\n"
        "# FACT: the form decides who says yes.\n"
        "legal_forms: [non_binding]\n"
        "parliament:\n"
        "  # ASSUMPTION: its ideal sits near the Commission's. FACT: it suspended work on 21 Jan\n"
        "  # 2026 over Greenland. ASSUMPTION: it resumes when the threat ends.\n"
        "  # ASSUMPTION: a judgement (FACT: a bracketed support) goes on.\n"
        "  reservation: 0.6\n",
        encoding="utf-8",
    )
    facts = scenario_facts(path)
    assert facts == {
        "china": ["The controls remain in force"],
        "parliament": ["It suspended work on 21 Jan 2026 over Greenland."],
    }


def test_the_table_shows_each_packages_legal_form(spec, single_form_spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    wait_for(game, "commission")
    table = plain(table_html(game.model))
    assert f"Legal form{FORM_WORDS[game.model.us_offer.form]}" in table.replace("\n", "")
    other = GameSession(GameSetup(single_form_spec, seed=7, humans=("commission",)))
    wait_for(other, "commission")
    assert "Legal form" not in plain(table_html(other.model))
