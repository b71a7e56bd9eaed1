"""The browser game in Chromium: start pages, watch a game, play whole games as the US and as a
member state to the debrief, a refused move, two students at once, downloads, no off-host request.

Every step waits for the page to show its effect (`expect`), never for a fixed time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from game_ui import act, play_to_debrief, start_game, status
from playwright.sync_api import expect


def test_watch_mode_steps_plays_and_runs_to_the_end(page, open_app, app_server):
    start_game(page, open_app)
    next_round = page.get_by_role("button", name="Next round")
    act(page, next_round)
    expect(status(page)).to_contain_text("Round 1 of 10")
    act(page, next_round)
    expect(status(page)).to_contain_text("Round 2 of 10")
    expect(page.locator(".neg-tile")).to_have_count(27)
    expect(page.locator(".on-the-table")).to_contain_text("US offer")
    # qualified majority, or unanimity when the package on the table is a mixed agreement
    expect(page.locator(".neg-council")).to_contain_text(
        re.compile(r"need 65%|unanimity in the Council.*need 100%")
    )
    expect(page.locator(".neg-timeline summary").first).to_have_text("Round 2 · day 6")
    for name in ("concessions", "plane", "pressure"):
        expect(page.locator(f".chart-{name} canvas, .chart-{name} svg").first).to_be_visible()
    # play at the fast speed for a round or more, then pause
    page.locator(".v-select").filter(has_text="Speed").click()
    page.locator(".v-menu__content.menuable__content__active .v-list-item").filter(
        has_text="fast"
    ).click()
    page.get_by_role("button", name="Play").click()
    expect(status(page)).to_contain_text(re.compile(r"Round [3-9]|Round 10|Game over"))
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    act(page, page.get_by_role("button", name="Run to the end"))
    expect(status(page)).to_contain_text("Game over")
    expect(page.locator(".debrief")).to_contain_text("The game ended with")
    expect(next_round).to_be_disabled()
    act(page, page.get_by_role("button", name="Reset"))
    expect(status(page)).to_contain_text("Ready")
    assert not page.request_log.page_errors, page.request_log.page_errors


def test_play_as_the_us_a_refused_move_then_a_whole_game(page, open_app):
    start_game(page, open_app, "United States")
    act(page, page.get_by_role("button", name="Next round"))
    expect(page.locator(".seat-us")).to_be_visible()
    waiting = status(page).inner_text()
    timeline = page.locator(".neg-timeline").inner_text()
    # the default scenario's constraint is hard: an offer without the clause is refused
    page.locator(".clause-switch").first.get_by_text("Territorial-integrity clause in").click()
    page.get_by_role("button", name="Send offer").click()
    expect(page.locator(".move-error")).to_contain_text("territorial")
    expect(status(page)).to_have_text(waiting)
    assert page.locator(".neg-timeline").inner_text() == timeline
    # put the clause back, lower the price floor a little, watch the live value move, send
    page.locator(".clause-switch").first.get_by_text("Territorial-integrity clause in").click()
    live = page.locator(".live-us").inner_text()
    expect(page.locator(".slider-price_floor")).to_contain_text("your ideal $110/kg")
    page.locator(".slider-price_floor .v-slider__thumb-container").focus()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    expect(page.locator(".slider-price_floor")).to_contain_text("Price floor: $105/kg")
    expect(page.locator(".live-us")).not_to_have_text(live)
    act(page, page.get_by_role("button", name="Send offer"))
    expect(page.locator(".on-the-table")).to_contain_text("$105/kg")
    expect(page.locator(".neg-timeline .person").first).to_have_text("you")
    play_to_debrief(page)
    expect(status(page)).to_contain_text("Game over")
    expect(page.locator(".actor-utilities").first).to_contain_text("United States")
    # what if the agents had played from round 1?
    page.get_by_role("button", name="Replay from this round").click()
    expect(page.locator(".what-if-result")).to_contain_text("Replayed from round 1")


def test_play_as_a_member_state_to_the_debrief_and_download_the_log(page, open_app):
    start_game(page, open_app, "Poland")
    sent = play_to_debrief(page)
    assert sent >= 2
    expect(page.locator(".neg-tile.you")).to_have_count(1)
    expect(page.locator(".debrief")).to_contain_text("Nash point")
    expect(page.locator(".seat-scores")).to_contain_text("Poland")
    with page.expect_download() as csv_download:
        page.get_by_text("Download moves (CSV)").click()
    header = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("round,day,phase,actor")
    with page.expect_download() as json_download:
        page.get_by_text("Download game (JSON)").click()
    log = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert log["humans"] == ["PL"] and log["finished"] and len(log["human_moves"]) == sent


def test_two_browser_sessions_keep_separate_games(new_context, open_app, assert_local_only):
    first = new_context().new_page()
    second = new_context().new_page()
    start_game(first, open_app)
    for n in (1, 2):
        act(first, first.get_by_role("button", name="Next round"))
        expect(status(first)).to_contain_text(f"Round {n} of")
    start_game(second, open_app, "China")
    expect(status(second)).to_contain_text("Ready")
    act(second, second.get_by_role("button", name="Next round"))
    expect(second.locator(".seat-china")).to_be_visible()
    expect(status(first)).to_contain_text("Round 2 of")
    expect(first.locator(".seat-panel")).to_have_count(0)
    act(first, first.get_by_role("button", name="Run to the end"))
    expect(status(second)).to_contain_text("Round 1 of")
    assert_local_only()
