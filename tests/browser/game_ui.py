"""Helpers the game's browser tests share: start a game, read the status line, act and wait for
the page to show the effect, play a whole game, check accessibility with axe-core.

Every step waits for the page to show its effect (`expect`), never for a fixed time.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

MAX_ACTIONS = 120
SERIOUS = ("serious", "critical")


def status(page: Page):
    return page.locator(".game-status")


def menu_item(page: Page, name: str):
    """The entry `name` of the open list, scrolling the list as a person would (it draws its
    first 20 entries, then more as it scrolls)."""
    menu = page.locator(".v-menu__content.menuable__content__active")
    item = menu.locator(".v-list-item").filter(has_text=re.compile(f"^{re.escape(name)}$"))
    for _ in range(5):
        if item.count():
            break
        drawn = menu.locator(".v-list-item").count()
        menu.evaluate("m => { m.scrollTop = m.scrollHeight; }")
        expect(menu.locator(".v-list-item")).not_to_have_count(drawn)  # the next entries
    return item


def pick_seat(page: Page, seat: str) -> None:
    page.locator(".v-select").filter(has_text="Who plays").click()
    menu_item(page, f"Play as {seat}").click()
    expect(page.locator(".v-select").filter(has_text="Who plays")).to_contain_text(seat)


def start_game(page: Page, open_app, seat: str | None = None, seed: str | None = None) -> None:
    """Open the app and start the default scenario, watching or playing `seat` (the briefing
    read and closed)."""
    open_app(page, ready_selector="text=Start the game")
    if seat is not None:
        pick_seat(page, seat)
    if seed is not None:
        page.get_by_label(re.compile("^Seed")).fill(seed)
    page.get_by_role("button", name="Start the game").click()
    if seat is not None:
        expect(page.locator(".briefing")).to_contain_text("What you want")
        page.get_by_role("button", name=re.compile("I have read my briefing")).click()
    expect(status(page)).to_contain_text("Ready")


PANELS = {
    "offer to the Commission": "seat-us",
    "answer to the US": "seat-commission",
    "pressure and inducements": "seat-china",
    "stance": "seat-stance",
    "Council vote": "seat-vote",
    "consent procedure": "seat-parliament",
    "consent to the agreement": "seat-consent",
}
"""The seat panel's CSS class for each kind of move the status line names."""


def current_panel(page: Page):
    """The seat panel of the move the status line waits for, once it is drawn (the status line
    may update a moment before the panel does: an old panel must not be taken for it)."""
    now = status(page).inner_text()
    found = re.search(r"Round (\d+) of .*your move: .* \((.+)\)\s*$", now)
    assert found, f"not waiting for a move: {now}"
    panel = page.locator(f".seat-panel.{PANELS[found.group(2)]}").filter(
        has=page.locator(".seat-title", has_text=re.compile(rf"round {found.group(1)}\b"))
    )
    expect(panel).to_be_visible()
    return panel


def act(page: Page, button) -> None:
    """Click a button and wait until the status line shows the game moved on."""
    before = status(page).inner_text()
    button.click()
    expect(status(page)).not_to_have_text(before)


def play_to_debrief(page: Page, on_panel=None) -> int:
    """Press the primary button of every seat panel (the agent's suggestion) and Next round
    otherwise, until the debrief shows. `on_panel(page)` runs on each seat panel first.
    Returns the number of moves sent."""
    sent = 0
    for _ in range(MAX_ACTIONS):
        now = status(page).inner_text()
        if now.startswith("Game over"):
            expect(page.locator(".debrief")).to_be_visible()
            return sent
        if "your move" in now:
            panel = current_panel(page)
            if on_panel is not None:
                on_panel(page)
            act(page, panel.locator(".send-move"))
            sent += 1
        else:
            act(page, page.get_by_role("button", name="Next round"))
    raise AssertionError(f"no debrief after {MAX_ACTIONS} actions: {status(page).inner_text()}")


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    # let fade-ins finish: half-faded text would be measured at the wrong contrast
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
