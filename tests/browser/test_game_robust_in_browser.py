"""The browser game stays whole: a bad seed is refused in its field, a game survives a reload and
Back/Forward, axe-core finds no serious or critical accessibility problem on the start page, the
game view and the debrief, and the charts are drawn by the Vega-Lite version they are written for.
"""

from __future__ import annotations

import re

import pytest
from game_ui import act, play_to_debrief, serious_violations, start_game, status
from playwright.sync_api import expect


@pytest.mark.parametrize(
    "typed, says",
    [("-5", "out of range"), ("abc", "not a whole number"), ("1e3", "not a whole number"),
     ("", "Type a seed")],
)  # fmt: skip
def test_a_bad_seed_gets_a_message_in_its_field_and_no_game(page, open_app, typed, says):
    open_app(page, ready_selector="text=Start the game")
    seed = page.get_by_label(re.compile("^Seed"))
    seed.fill(typed)
    field = page.locator(".seed-input")
    expect(field).to_contain_text(says)
    expect(field).to_contain_text("whole number from 0")
    page.get_by_role("button", name="Start the game").click()
    expect(page.locator(".start-error")).to_contain_text("Cannot start")
    expect(status(page)).to_have_count(0)  # still on the start page, no traceback
    assert "Traceback" not in page.locator("body").inner_text()
    seed.fill("12")
    expect(field).not_to_contain_text(says)
    page.get_by_role("button", name="Start the game").click()
    expect(status(page)).to_contain_text("Ready")


def test_the_game_survives_a_reload_and_back(page, open_app):
    start_game(page, open_app, "Poland")
    for _ in range(3):
        now = status(page).inner_text()
        button = page.locator(".seat-panel .send-move") if "your move" in now else None
        act(page, button or page.get_by_role("button", name="Next round"))
    where = status(page).inner_text()
    newest = page.locator(".neg-timeline summary").first
    expect(newest).to_contain_text(re.search(r"Round \d+", where).group(0) + " ")
    shown = newest.inner_text()
    assert re.search(r"\?game=[\w-]+", page.url), page.url
    page.reload()
    expect(status(page)).to_have_text(where)
    expect(newest).to_have_text(shown)
    page.go_back()  # to the start page, which offers the game back
    expect(page.get_by_role("button", name="Back to your game")).to_be_visible(timeout=30000)
    page.go_forward()
    expect(status(page)).to_have_text(where)
    # an address whose game the server does not hold says so
    page.goto(page.url.split("?")[0] + "?game=no-such-game")
    expect(page.locator(".game-missing")).to_contain_text("no longer on the server")


def test_no_serious_accessibility_problems_and_one_vega_lite(page, open_app):
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    open_app(page, ready_selector="text=Start the game")
    problems = {"start page": serious_violations(page)}
    start_game(page, open_app, "United States")
    act(page, page.get_by_role("button", name="Next round"))
    expect(page.locator(".seat-us")).to_be_visible()
    expect(page.locator(".chart-plane svg").first).to_be_visible()
    problems["game view"] = serious_violations(page)
    play_to_debrief(page)
    problems["debrief"] = serious_violations(page)
    assert not any(problems.values()), problems
    vega = [m for m in console if re.search(r"vega|version", m, re.I) and "WARN" in m.upper()]
    assert not vega, vega[:5]
