"""The play page: the start page until a game is chosen, then the game view.

The game view shows, top to bottom: the status line and watch controls, the debrief once the game
is over, the seat panel when the game waits for the person's move, what is on the table and the
Council arithmetic beside the map of the member states, the charts, and the timeline.
"""

from __future__ import annotations

import solara

from negotiation.moves import Decision
from negotiation.web import charts
from negotiation.web.context import use_app_state
from negotiation.web.panels.china import ChinaPanel
from negotiation.web.panels.controls import Downloads, WatchControls
from negotiation.web.panels.council import CouncilPanel
from negotiation.web.panels.debrief import Debrief
from negotiation.web.panels.member_state import StancePanel, VotePanel
from negotiation.web.panels.offers import CommissionPanel, UsPanel
from negotiation.web.panels.start import StartPage
from negotiation.web.panels.table import OnTheTable
from negotiation.web.panels.timeline import Timeline
from negotiation.web.state import GameSession
from negotiation.web.tilemap import TileMap

SEAT_PANELS = {
    "us": UsPanel,
    "commission": CommissionPanel,
    "china": ChinaPanel,
    "stance": StancePanel,
    "vote": VotePanel,
}


def decision_key(game: GameSession, decision: Decision) -> str:
    """A key that is new for every decision, so a seat panel starts from the new suggestion."""
    return f"{id(game.model)}-{decision.round}-{decision.kind}-{len(game.model.moves)}"


@solara.component
def Charts(game: GameSession, version: int = 0) -> None:
    model = game.model
    templates = solara.use_memo(lambda: charts.chart_templates(model), dependencies=[id(model)])
    specs = charts.chart_specs(model, templates)
    with solara.Row(classes=["neg-charts"], style={"flex-wrap": "wrap", "gap": "16px"}):
        for name in charts.CHART_NAMES:
            charts.Chart(specs[name], classes=[f"chart-{name}"])


@solara.component
def GameView(game: GameSession, version: int = 0) -> None:
    model = game.model
    decision = game.pending
    you = frozenset(game.setup.humans)
    title = model.spec.name + (
        f" · you play {', '.join(model.actor_name(h) for h in game.setup.humans)}" if you else ""
    )
    with solara.Column(classes=["game-view"]):
        solara.Text(title, classes=["neg-muted", "game-title"])
        solara.Text(game.status(), classes=["neg-status", "game-status"])
        WatchControls(game, version)
        if game.finished:
            Debrief(game, version)
        if decision is not None:
            SEAT_PANELS[decision.kind](decision, game).key(decision_key(game, decision))
        with solara.Columns([3, 2]):
            with solara.Column():
                OnTheTable(model, version)
                CouncilPanel(model, version)
            TileMap(model, you, version)
        Charts(game, version)
        Timeline(model, version)
        Downloads(game, version)


@solara.component
def PlayPage() -> None:
    """Start page or game view, for this browser session's game."""
    app = use_app_state()
    game = app.game.value
    if game is None:
        StartPage(on_start=lambda setup: app.start(GameSession(setup)))
    else:
        GameView(game, app.version.value)
