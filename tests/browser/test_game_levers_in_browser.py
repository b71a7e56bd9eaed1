"""The levers beside the bloc talks, used through the browser as a student would: the US threatens
and withdraws tariffs, the Commission promises EU funds, China rewards and threatens states, and
a member state sees every stance the engine offers it (backing the bloc on a condition, with an
ask, included).

Every step waits for the page to show its effect (`expect`), never for a fixed time.
"""

from __future__ import annotations

import json
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
from playwright.sync_api import Locator, Page, expect

SEED = "7"


def to_panel(page: Page, css: str) -> Locator:
    """Press Next round (other seats' panels: their primary button) until this seat panel shows."""
    for _ in range(MAX_ACTIONS):
        now = status(page).inner_text()
        assert not now.startswith("Game over"), f"the game ended before {css} showed"
        if "your move" in now:
            shown = current_panel(page)
            if css.lstrip(".") in (shown.get_attribute("class") or "").split():
                return shown
            act(page, shown.locator(".send-move"))
        else:
            act(page, page.get_by_role("button", name="Next round"))
    raise AssertionError(f"no {css} after {MAX_ACTIONS} actions")


def choose_in(page: Page, select: Locator, names: list[str], drop: list[str] = ()) -> None:
    """Tick the states `names` (and untick `drop`) in a multiple-choice list, then close it."""
    select.locator(".v-select__slot").click()
    for name in [*names, *drop]:
        menu_item(page, name).click()
    page.keyboard.press("Escape")
    for name in names:
        expect(select.locator(".v-select__selections")).to_contain_text(name)


def download_log(page: Page) -> dict:
    with page.expect_download() as download:
        page.get_by_text("Download game (JSON)").click()
    return json.loads(Path(download.value.path()).read_text(encoding="utf-8"))


def test_the_us_threatens_then_withdraws_tariffs(page, open_app):
    start_game(page, open_app, "United States", seed=SEED)
    panel = to_panel(page, ".seat-us")
    expect(panel.locator(".us-tariffs")).to_contain_text("Threatened now: none")
    choose_in(page, panel.locator(".tariff-states"), ["Denmark"])
    expect(panel.locator(".tariff-change")).to_have_text("This move will threaten Denmark.")
    assert not serious_violations(page)
    act(page, panel.locator(".send-move"))
    timeline = page.locator(".neg-timeline")
    expect(timeline).to_contain_text("threatens Denmark with tariffs")
    # the next US move: the threat stands until withdrawn
    act(page, page.get_by_role("button", name="Next round"))
    panel = to_panel(page, ".seat-us")
    expect(panel.locator(".us-tariffs")).to_contain_text("Threatened now: Denmark")
    choose_in(page, panel.locator(".tariff-states"), [], drop=["Denmark"])
    expect(panel.locator(".tariff-change")).to_contain_text("withdraw the threat against Denmark")
    act(page, panel.locator(".send-move"))
    expect(timeline).to_contain_text("withdraws its tariff threat against Denmark")
    play_to_debrief(page)
    sent = [h["move"] for h in download_log(page)["human_moves"]]
    assert sent[0]["tariffs"]["threaten"] == ["DK"]
    assert sent[1]["tariffs"]["withdraw"] == ["DK"]


def test_the_commission_promises_eu_funds(page, open_app):
    start_game(page, open_app, "Commission", seed=SEED)
    panel = to_panel(page, ".seat-commission")
    expect(panel.locator(".funds-left")).to_contain_text("EU funds left")
    # the agent's own payments are ticked: untick them, pay Hungary instead (tick it unless the
    # agent already pays it: clicking a ticked state unticks it)
    ticked = panel.locator(".payment-states .v-select__selections").inner_text()
    chosen = [c.strip() for c in ticked.split(",") if c.strip()]
    agents = [c for c in chosen if c != "Hungary"]
    choose_in(
        page, panel.locator(".payment-states"), [] if "Hungary" in chosen else ["Hungary"], agents
    )
    expect(panel.locator(".payment-states .v-select__selections")).to_have_text("Hungary")
    slider = panel.locator(".slider-payment-HU")
    expect(slider).to_contain_text("Hungary:")
    slider.locator(".v-slider__thumb-container").focus()
    page.keyboard.press("Home")
    # the server has the 0 before the arrows: the agent's own amount may also read "1.5 points"
    expect(slider).to_contain_text("Hungary: 0 points")
    for _ in range(3):  # half a point a step, as the engine pays
        page.keyboard.press("ArrowRight")
    expect(slider).to_contain_text("Hungary: 1.5 points")
    assert not serious_violations(page)
    act(page, panel.locator(".send-move"))
    expect(page.locator(".neg-timeline")).to_contain_text("promises EU funds")
    play_to_debrief(page)
    log = download_log(page)
    assert log["human_moves"][0]["move"]["payments"] == {"HU": 0.015}
    paid = [m for m in log["moves"] if m["actor"] == "commission" and m["action"] == "payments"]
    assert paid and "HU" in json.dumps(paid[0])


def test_china_rewards_one_state_and_threatens_another(page, open_app):
    start_game(page, open_app, "China", seed=SEED)
    panel = to_panel(page, ".seat-china")
    choose_in(page, panel.locator(".inducement-targets"), ["Slovakia"])
    choose_in(page, panel.locator(".threat-targets"), ["Denmark"])
    expect(panel.locator(".slider-threat-DK")).to_contain_text("Denmark: threat of")
    expect(panel.locator(".slider-inducement-SK")).to_contain_text("Slovakia: reward of")
    assert not serious_violations(page)
    act(page, panel.locator(".send-move"))
    expect(page.locator(".neg-timeline")).to_contain_text("China threatens Denmark")
    play_to_debrief(page)
    first = download_log(page)["human_moves"][0]["move"]["inducements"]
    assert first["SK"] > 0 > first["DK"]


def test_a_member_state_sees_every_stance_on_offer_and_backs_the_bloc_on_a_condition(
    page, open_app
):
    """Italy, seed 8: the US offers it a bilateral deal. It stays with the bloc, backs it on a
    condition (an ask within the funds left) when China courts it in round 2, then signs with
    the US, and still votes in the Council."""
    start_game(page, open_app, "Italy", seed="8")
    shown: list[set[str]] = []
    for _ in range(MAX_ACTIONS):
        now = status(page).inner_text()
        if now.startswith("Game over"):
            break
        panel = current_panel(page) if "your move" in now else None
        if panel is not None and "seat-stance" in (panel.get_attribute("class") or ""):
            stances = panel.locator(".seat-actions .v-btn").evaluate_all(
                "bs => bs.map(b => [...b.classList].find(c => c.startsWith('stance-')))"
            )
            shown.append({s.removeprefix("stance-") for s in stances})
            if len(shown) == 1:  # the first time: the agent's choice, stay with the bloc
                act(page, panel.locator(".send-move"))
            elif len(shown) == 2:  # then back the bloc if paid 4 points
                slider = panel.locator(".slider-ask")
                slider.locator(".v-slider__thumb-container").focus()
                page.keyboard.press("Home")
                for _ in range(7):
                    page.keyboard.press("ArrowRight")
                expect(slider).to_contain_text("Your ask to the Commission: 4 points")
                assert not serious_violations(page)
                act(page, panel.locator(".stance-conditional"))
            elif len(shown) == 3:  # then take the US bilateral deal
                act(page, panel.locator(".stance-bilateral"))
            else:
                act(page, panel.locator(".send-move"))
        elif panel is not None:
            act(page, panel.locator(".send-move"))
        else:
            act(page, page.get_by_role("button", name="Next round"))
    expect(page.locator(".debrief")).to_be_visible()
    log = download_log(page)
    stances = [h for h in log["human_moves"] if h["kind"] == "stance"]
    # every stance panel offered exactly what the engine offered that round
    assert [set(h["options"]) for h in stances] == shown
    assert set.union(*shown) == {"bloc", "bilateral", "china", "conditional"}
    # after signing: keep the deal, or ask for EU funds while the Commission has some left
    assert all(s - {"conditional"} == {"bilateral"} for s in shown[3:])
    assert stances[0]["move"] == {"stance": "bloc"}
    assert stances[1]["move"] == {"stance": "conditional", "ask": 0.04}
    assert stances[2]["move"] == {"stance": "bilateral"}
    assert any(h["kind"] == "vote" for h in log["human_moves"])  # a signed state still votes
    assert "asking the Commission for 0.040" in json.dumps(log["moves"])
