"""The European Parliament's seat and the legal form of the deal, in Chromium: a whole default
game played in the Parliament's seat (suspending and resuming its consent procedure, then giving
its consent to the agreement the Council approved), and a US offer sent with a chosen form.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from game_ui import (
    MAX_ACTIONS,
    act,
    current_panel,
    menu_item,
    play_to_debrief,
    serious_violations,
    start_game,
    status,
)
from playwright.sync_api import Page, expect
from test_game_seats_in_browser import DEFAULT, moves_of, tab_to

from negotiation import legal_form
from negotiation.model import NegotiationModel
from negotiation.scenario import load_scenario

CONSENT_SEED = "5"
"""A default-scenario seed in which, after the person suspends in round 1 and resumes in round 2,
the Council approves a binding or mixed agreement and asks the Parliament's consent."""


def download_log(page: Page) -> dict:
    with page.expect_download() as download:
        page.get_by_text("Download game (JSON)").click()
    return json.loads(Path(download.value.path()).read_text(encoding="utf-8"))


def next_panel(page: Page):
    """Press Next round until the game waits for the person; the panel it waits for."""
    for _ in range(MAX_ACTIONS):
        if "your move" in status(page).inner_text():
            return current_panel(page)
        act(page, page.get_by_role("button", name="Next round"))
    raise AssertionError(f"no move awaited: {status(page).inner_text()}")


def test_play_a_whole_game_as_the_european_parliament(page, open_app):
    start_game(page, open_app, "European Parliament", seed=CONSENT_SEED)
    expect(page.locator(".game-title")).to_contain_text("you play European Parliament")

    # round 1: the procedure panel says what a suspension does; suspend it
    panel = next_panel(page)
    expect(panel).to_have_class(re.compile(r"\bseat-parliament\b"))
    expect(panel).to_contain_text("no binding agreement and no mixed agreement can be concluded")
    expect(panel.locator(".parliament-threat")).to_contain_text("threatening")
    expect(panel.locator(".parliament-state")).to_contain_text("running")
    assert not serious_violations(page)
    # by keyboard: the focus is on the panel's heading, its buttons a few Tabs away
    expect(panel.locator(".focus-heading")).to_be_focused()
    assert tab_to(page, ".seat-panel .procedure-suspend") <= 8
    before = status(page).inner_text()
    page.keyboard.press("Enter")
    expect(status(page)).not_to_have_text(before)
    expect(page.locator(".neg-rules .parliament-procedure")).to_have_text("suspended")

    # round 2: the suspension holds (the agent would keep it); resume by the other button
    panel = next_panel(page)
    expect(panel.locator(".parliament-state")).to_contain_text("suspended")
    expect(panel.locator(".send-move")).to_have_text("Suspend the consent procedure")
    act(page, panel.locator(".procedure-proceed"))

    # the rest of the game: the agent's choice each round, and the consent when it is asked
    consent = None
    for _ in range(MAX_ACTIONS):
        now = status(page).inner_text()
        if now.startswith("Game over"):
            break
        panel = next_panel(page)
        if "consent to the agreement" in status(page).inner_text():
            expect(panel).to_have_class(re.compile(r"\bseat-consent\b"))
            consent = panel.locator(".consent-value").inner_text()
            form = panel.locator(".consent-form").inner_text()
            shown = [
                f for f in (legal_form.BINDING, legal_form.MIXED) if legal_form.LABEL[f] in form
            ]
            assert shown, form
            assert ("unanimity" in form) == (shown[0] == legal_form.MIXED), form
            expect(panel.locator(".send-move")).to_contain_text("Give your consent")
            expect(panel.locator(".consent-no")).to_contain_text("your walk-away is")
            assert not serious_violations(page)
        act(page, panel.locator(".send-move"))
    expect(page.locator(".debrief")).to_be_visible()
    assert consent is not None, "the Parliament was never asked for its consent"
    found = re.search(
        r"worth (\d+) points to you, more than your walk-away of (\d+) points", consent
    )
    assert found and int(found.group(1)) > int(found.group(2)), consent

    log = download_log(page)
    assert log["outcome"]["type"] == "bloc_deal"
    mine = [(h["round"], h["kind"], h["move"]) for h in log["human_moves"]]
    assert mine[0] == (1, "parliament", {"procedure": "suspend"})
    assert mine[1] == (2, "parliament", {"procedure": "proceed"})
    assert mine[-1][1:] == ("consent", {"consent": "yes"})
    assert any(m["phase"] == "consent" and m["actor"] == "parliament" for m in log["moves"])


def test_the_us_sends_an_offer_as_a_binding_agreement(page, open_app):
    start_game(page, open_app, "United States", seed="7")
    panel = next_panel(page)
    expect(panel).to_have_class(re.compile(r"\bseat-us\b"))
    rule = panel.locator(".form-rule")
    expect(rule).to_contain_text("needs")  # the agent's form and its rule, before any change
    panel.locator(".form-select").click()
    menu_item(page, "A binding EU agreement").click()
    expect(rule).to_have_text(f"A binding EU agreement needs {legal_form.RULE['binding']}.")
    expect(panel.locator(".live-summary")).to_contain_text("European Parliament would")
    assert not serious_violations(page)
    act(page, panel.locator(".send-offer"))
    expect(page.locator(".neg-timeline .round-1")).to_contain_text(
        re.compile(r"The US offers the bloc: .*; a binding EU agreement\.")
    )
    play_to_debrief(page)  # the agent's suggestion in every later round

    log = download_log(page)
    sent = log["human_moves"][0]
    assert (sent["round"], sent["kind"], sent["move"]["form"]) == (1, "us", "binding")
    offer = next(m for m in log["moves"] if m["actor"] == "us" and m["action"] == "offer")
    assert offer["detail"]["terms"]["form"] == "binding"
    assert "a binding EU agreement" in offer["why"]


def test_untouched_parliament_panels_play_the_agents_only_game(page, open_app):
    """Pressing the primary button of every Parliament panel plays exactly the agents' game."""
    start_game(page, open_app, "European Parliament", seed=CONSENT_SEED)
    sent = play_to_debrief(page)
    log = download_log(page)
    model = NegotiationModel.from_spec(load_scenario(DEFAULT), seed=int(CONSENT_SEED))
    model.run()
    agents = json.loads(json.dumps([m.to_dict() for m in model.moves], default=str))
    # a person's procedure is logged each round, also where it changes nothing (agents: only
    # changes); the rest is the agents' game move for move
    kept = [m for m in log["moves"] if m["action"] not in ("proceed_consent", "hold_suspension")]
    assert moves_of(kept) == moves_of(agents)
    procedures = [h for h in log["human_moves"] if h["kind"] == "parliament"]
    assert len([m for m in log["moves"] if m["phase"] == "parliament"]) == len(procedures)
    assert log["outcome"]["type"] == model.outcome.type == "bloc_deal"
    # a procedure move every round the game lasted, and the consent
    assert sent == len(log["human_moves"]) == log["outcome"]["round"] + 1
    assert {h["kind"] for h in log["human_moves"]} == {"parliament", "consent"}
    assert all(h["move"] == h["agent_move"] for h in log["human_moves"])
