"""Whole games in Chromium from every kind of seat: the Commission, China, a member state at
phone size, a game by keyboard only, and a check that pressing the primary button of untouched
panels plays exactly the agents-only game, move for move.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from game_ui import act, play_to_debrief, start_game, status
from playwright.sync_api import Page, expect

from negotiation.model import NegotiationModel
from negotiation.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "scenarios" / "critical_minerals_2026.yaml"
PHONE = {"width": 375, "height": 667}


AIMS = ("target",)
"""Numbers about what an agent aimed for: a person has no aim, so the log leaves them out."""
PERCEIVED = ("noise", "seen_")
"""Numbers about how an agent saw its options (its noise): a person's are its plain values."""


def moves_of(moves: list[dict]) -> list[tuple]:
    """What each move did and what it was worth, without who made it, what they aimed for or
    the wording of its reason."""
    return [
        (
            m["round"],
            m["phase"],
            m["actor"],
            m["action"],
            json.dumps(
                {
                    k: v
                    for k, v in m["numbers"].items()
                    if k not in AIMS and not k.startswith(PERCEIVED)
                },
                sort_keys=True,
            ),
            json.dumps(m["detail"], sort_keys=True),
        )
        for m in moves
    ]


def download_log(page: Page) -> dict:
    with page.expect_download() as download:
        page.get_by_text("Download game (JSON)").click()
    return json.loads(Path(download.value.path()).read_text(encoding="utf-8"))


@pytest.mark.parametrize("seat", ["United States", "Commission", "China", "Hungary"])
def test_untouched_send_plays_the_agents_only_game_move_for_move(page, open_app, seat):
    """Bloc and tailored bilateral offers, tariff threats, EU funds, China's rewards and threats,
    a member state's stances and votes: untouched, each panel sends its agent's move exactly."""
    start_game(page, open_app, seat)
    sent = play_to_debrief(page)
    assert sent >= 2
    log = download_log(page)
    model = NegotiationModel.from_spec(load_scenario(DEFAULT), seed=log["seed"])
    model.run()
    agents = [m.to_dict() for m in model.moves]
    assert moves_of(log["moves"]) == moves_of(json.loads(json.dumps(agents, default=str)))
    assert log["outcome"]["type"] == model.outcome.type
    assert all(h["move"] == h["agent_move"] for h in log["human_moves"])


def test_play_as_the_commission_to_the_debrief(page, open_app):
    start_game(page, open_app, "Commission")
    first = True

    def check(page: Page) -> None:
        nonlocal first
        panel = page.locator(".seat-commission")
        if first and panel.count():
            expect(panel).to_contain_text("walk-away")
            expect(panel.locator(".send-move")).to_have_count(1)
            first = False

    sent = play_to_debrief(page, check)
    assert sent >= 1 and not first
    debrief = page.locator(".debrief")
    expect(debrief).to_contain_text("Your score")
    # the Council's verdict is recorded under the Commission, but the person is not credited
    verdicts = debrief.locator(".decisive-moves li").filter(has_text="Council passes")
    verdicts = verdicts.or_(debrief.locator(".decisive-moves li").filter(has_text="Council fails"))
    expect(verdicts.first).to_be_visible()
    for verdict in verdicts.all():
        assert "(you)" not in verdict.inner_text(), verdict.inner_text()


def test_play_as_china_pressure_is_bounded_by_the_scenario(page, open_app):
    start_game(page, open_app, "China")
    act(page, page.get_by_role("button", name="Next round"))
    panel = page.locator(".seat-china")
    expect(panel).to_contain_text("allows up to 90")
    thumb = panel.locator(".slider-pressure .v-slider__thumb-container")
    thumb.focus()
    page.keyboard.press("End")  # the slider's maximum
    expect(panel.locator(".slider-pressure")).to_contain_text("Export-control pressure: 90 of 100")
    act(page, panel.locator(".send-move"))
    expect(page.locator(".neg-timeline")).to_contain_text("90/100")
    play_to_debrief(page)
    expect(page.locator(".seat-scores")).to_contain_text("China")


def test_a_member_state_at_phone_size(new_context, open_app):
    page = new_context(viewport=PHONE).new_page()
    start_game(page, open_app, "Poland")
    act(page, page.get_by_role("button", name="Next round"))
    expect(page.locator(".seat-panel")).to_be_visible()
    # nothing wider than the screen, the columns stacked, the primary button not covered
    width = page.evaluate("document.querySelector('.game-view').scrollWidth")
    assert width <= PHONE["width"], width
    table, tiles = page.locator(".neg-on-the-table"), page.locator(".neg-tilemap")
    assert table.bounding_box()["y"] < tiles.bounding_box()["y"]  # stacked, not side by side
    button = page.locator(".seat-panel .send-move")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.send-move') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit, "something covers the primary button"
    for chart in page.locator(".neg-chart").all():
        assert chart.bounding_box()["width"] <= PHONE["width"]
    play_to_debrief(page)
    expect(page.locator(".seat-scores")).to_contain_text("Poland")


def test_a_whole_game_by_keyboard_only(page, open_app):
    open_app(page, ready_selector="text=Start the game")
    tab_to(page, ".seat-select input")
    page.keyboard.press("Enter")  # opens the list of seats
    items = page.locator(".menuable__content__active .v-list-item")
    expect(items.first).to_be_visible()
    highlighted = page.locator(".menuable__content__active .v-list-item--highlighted")
    for _ in range(40):  # the list draws more entries as the highlight moves down
        page.keyboard.press("ArrowDown")
        expect(highlighted).to_have_count(1)
        if highlighted.inner_text() == "Play as Poland":
            break
    page.keyboard.press("Enter")
    expect(page.locator(".v-select").filter(has_text="Who plays")).to_contain_text("Poland")
    tab_to(page, ".start-game")
    page.keyboard.press("Enter")
    heading = page.locator(".briefing .focus-heading")
    expect(heading).to_be_focused()
    tab_to(page, ".close-briefing")
    page.keyboard.press("Enter")
    expect(page.locator(".briefing")).to_have_count(0)
    # the focus moves on to the first control, not back to the top of the page
    expect(page.get_by_role("button", name="Next round")).to_be_focused()
    moves = 0
    for _ in range(60):
        now = status(page).inner_text()
        if now.startswith("Game over"):
            break
        if "your move" in now:
            # focus is on the new seat panel's heading; the primary button is a few Tabs away
            expect(page.locator(".seat-panel .focus-heading")).to_be_focused()
            tabs = tab_to(page, ".seat-panel .send-move")
            assert tabs <= 8, f"{tabs} Tabs from the panel's heading to its primary button"
            moves += 1
        else:
            tab_to(page, ".watch-controls .v-btn:not([disabled])", text="Next round")
        page.keyboard.press("Enter")
        expect(status(page)).not_to_have_text(now)
    expect(page.locator(".debrief")).to_be_visible()
    assert moves >= 2


def tab_to(page: Page, selector: str, text: str | None = None, limit: int = 40) -> int:
    """Press Tab until the focused element matches `selector` (and holds `text`)."""
    start = page.evaluate("document.activeElement && document.activeElement.outerHTML")
    for n in range(limit + 1):
        found = page.evaluate(
            "([sel, text]) => { const el = document.activeElement;"
            " return !!el && el.matches(sel) && (!text || el.innerText.includes(text)); }",
            [selector, text],
        )
        if found:
            return n
        page.keyboard.press("Tab")
    raise AssertionError(
        f"{limit} Tabs did not reach {selector} {text or ''} from {str(start)[:160]}; "
        f"status: {status(page).inner_text()}"
    )
