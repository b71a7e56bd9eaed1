"""How the pages of one browser session share its game.

The page frame (`layout.Layout`) makes one `AppState` per browser session with Solara hooks (never
at module level, which would share one game between every student on the server) and provides it
to the pages below it. A `GameSession` is a plain object that changes in place, so every change is
followed by `changed()`, which bumps a counter the pages read and so re-renders them.
"""

from __future__ import annotations

from dataclasses import dataclass

import solara

from negotiation.web.state import GameSession


@dataclass(frozen=True)
class AppState:
    """The session's game (None on the start page) and a change counter."""

    game: solara.Reactive[GameSession | None]
    version: solara.Reactive[int]

    def changed(self) -> None:
        """Say the game changed in place: re-render what shows it."""
        self.version.value += 1

    def start(self, game: GameSession | None) -> None:
        """Show a new game (or the start page with None)."""
        self.game.value = game
        self.changed()


app_context = solara.create_context(None)


def use_app_state() -> AppState:
    """The session's `AppState`, as provided by `provide_app_state`."""
    state = solara.use_context(app_context)
    if state is None:
        raise RuntimeError("use_app_state() needs provide_app_state() above it (layout.Layout)")
    return state


def provide_app_state() -> AppState:
    """Make this session's `AppState` (once per session) and provide it to child components."""
    game = solara.use_reactive(None)
    version = solara.use_reactive(0)
    state = solara.use_memo(lambda: AppState(game, version), dependencies=[])
    app_context.provide(state)
    return state
