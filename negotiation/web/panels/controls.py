"""Watch controls: next round, play/pause at a chosen speed, run to the end, reset, new game;
and the downloads of the game log.

Play runs rounds in a background thread of this browser session, one round per tick; it stops by
itself when the game ends or waits for a person's move.
"""

from __future__ import annotations

import threading

import solara

from negotiation.web.context import use_app_state
from negotiation.web.state import GameSession

SPEEDS = {"slow (2 s a round)": 2.0, "normal (1 s a round)": 1.0, "fast (0.3 s a round)": 0.3}


@solara.component
def Downloads(game: GameSession, version: int = 0) -> None:
    """Download buttons for the moves (CSV) and the whole game (JSON); built when clicked."""
    stem = f"negotiation-seed{game.setup.seed}"
    with solara.Row(classes=["downloads"], style={"flex-wrap": "wrap", "gap": "8px"}):
        solara.FileDownload(
            game.moves_csv,
            filename=f"{stem}-moves.csv",
            label="Download moves (CSV)",
            mime_type="text/csv",
        )
        solara.FileDownload(
            game.log_json, filename=f"{stem}.json", label="Download game (JSON)",
            mime_type="application/json",
        )  # fmt: skip


@solara.component
def WatchControls(game: GameSession, version: int = 0) -> None:
    app = use_app_state()
    router = solara.use_router()
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(next(iter(SPEEDS)))
    can_step = not game.finished and not game.waiting_for_person

    def tick(cancel: threading.Event) -> None:
        if not playing.value:
            return
        while not cancel.wait(SPEEDS[speed.value]):
            if not game.step():
                break
            app.changed()
        if not cancel.is_set():
            playing.set(False)

    solara.use_thread(
        tick, dependencies=[playing.value, speed.value, id(game)], intrusive_cancel=False
    )

    def next_round() -> None:
        if game.step():
            app.changed()

    def run_to_end() -> None:
        playing.set(False)
        game.run_to_end()
        app.changed()

    def reset() -> None:
        playing.set(False)
        game.reset()
        app.changed()

    with solara.Row(
        classes=["watch-controls"], style={"align-items": "center", "flex-wrap": "wrap"}
    ):
        solara.Button(
            "Next round",
            on_click=next_round,
            color="primary",
            disabled=not can_step or playing.value,
        )
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False), outlined=True)
        else:
            solara.Button(
                "Play", on_click=lambda: playing.set(True), outlined=True, disabled=not can_step
            )
        with solara.Div(style={"width": "240px", "max-width": "100%"}):
            solara.Select("Speed", values=list(SPEEDS), value=speed, classes=["speed-select"])
        solara.Button("Run to the end", on_click=run_to_end, outlined=True, disabled=not can_step)
        solara.Button("Reset", on_click=reset, outlined=True)
        solara.Button("New game", on_click=lambda: router.push("/"), text=True)
