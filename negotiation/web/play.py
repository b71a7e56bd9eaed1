"""The play page: the start page until a game is chosen, then the game view.

A started game gets its own address (`/?game=<token>`, see `sessions`), so a reload, Back and
Forward find it again. The game view shows, top to bottom: the status line and watch controls,
the seat's briefing (before the first move, then one click away), the debrief once the game is
over, the seat panel when the game waits for the person's move, what is on the table and the
Council arithmetic beside the map of the member states, how the EU decides, the charts, the
timeline, the downloads and the glossary.
"""

from __future__ import annotations

import json

import solara

from negotiation.moves import Decision
from negotiation.web import charts
from negotiation.web.briefing import build_briefing
from negotiation.web.context import use_app_state
from negotiation.web.panels.china import ChinaPanel
from negotiation.web.panels.controls import Downloads, WatchControls
from negotiation.web.panels.council import CouncilPanel
from negotiation.web.panels.debrief import Debrief
from negotiation.web.panels.guide import BriefingCard, Glossary, RulesPanel
from negotiation.web.panels.member_state import StancePanel, VotePanel
from negotiation.web.panels.offers import CommissionPanel, UsPanel
from negotiation.web.panels.parliament import ConsentPanel, ParliamentPanel
from negotiation.web.panels.start import StartPage
from negotiation.web.panels.table import OnTheTable
from negotiation.web.panels.timeline import Timeline
from negotiation.web.sessions import REGISTRY, game_path, token_in
from negotiation.web.state import GameSession, GameSetup
from negotiation.web.theme import esc
from negotiation.web.tilemap import TileMap

SEAT_PANELS = {
    "us": UsPanel,
    "commission": CommissionPanel,
    "china": ChinaPanel,
    "stance": StancePanel,
    "vote": VotePanel,
    "parliament": ParliamentPanel,
    "consent": ConsentPanel,
}


def decision_key(game: GameSession, decision: Decision) -> str:
    """A key that is new for every decision, so a seat panel starts from the new suggestion."""
    return f"{id(game.model)}-{decision.round}-{decision.kind}-{len(game.model.moves)}"


@solara.component
def Charts(game: GameSession, version: int = 0) -> None:
    model = game.model
    templates = solara.use_memo(
        lambda: {k: json.dumps(t) for k, t in charts.chart_templates(model).items()},
        dependencies=[id(model)],
    )
    data = charts.chart_data(model)
    texts = charts.chart_texts(model)
    with solara.Div(classes=["neg-charts"]):
        for name in charts.CHART_NAMES:
            charts.Chart(
                templates[name], json.dumps(data[name]), texts[name], classes=[f"chart-{name}"]
            )


@solara.component
def GameView(game: GameSession, version: int = 0) -> None:
    model = game.model
    decision = game.pending
    you = frozenset(game.setup.humans)
    show_briefing = solara.use_reactive(False)
    source = game.setup.source
    briefings = solara.use_memo(
        lambda: [build_briefing(model, h, source) for h in game.setup.humans],
        dependencies=[id(model)],
    )
    title = model.spec.name + (
        f" · you play {', '.join(model.actor_name(h) for h in game.setup.humans)}" if you else ""
    )
    first = bool(briefings) and not game.briefing_read

    app = use_app_state()

    def close_first() -> None:
        game.briefing_read = True
        app.changed()

    with solara.Column(classes=["game-view"]):
        solara.Text(title, classes=["neg-muted", "game-title"]).key("title")
        solara.HTML(
            tag="div",
            unsafe_innerHTML=esc(game.status()),
            classes=["neg-status", "game-status"],
            attributes={"role": "status", "aria-live": "polite"},
        ).key("status")
        if first:
            for k, b in enumerate(briefings):
                BriefingCard(b, on_close=close_first, first=True).key(f"first-briefing-{k}")
            return
        with solara.Row(classes=["top-controls"], style={"flex-wrap": "wrap"}).key("controls"):
            WatchControls(game, version)
            if briefings:
                solara.Button(
                    "Hide your briefing" if show_briefing.value else "Your briefing",
                    on_click=lambda: show_briefing.set(not show_briefing.value),
                    outlined=True,
                    classes=["open-briefing"],
                )
        if show_briefing.value:
            for k, b in enumerate(briefings):
                BriefingCard(b, on_close=lambda: show_briefing.set(False)).key(f"briefing-{k}")
        if game.finished:
            Debrief(game, version).key("debrief")
        if decision is not None:
            SEAT_PANELS[decision.kind](decision, game).key(decision_key(game, decision))
        with solara.Div(classes=["neg-columns"]).key("columns"):
            with solara.Column(classes=["neg-col-main"]):
                OnTheTable(model, version)
                CouncilPanel(model, version)
            with solara.Column(classes=["neg-col-side"]):
                TileMap(model, you, version)
        RulesPanel(model, version, open_=model.round == 0).key("rules")
        Charts(game, version).key("charts")
        Timeline(game, version).key("timeline")
        Downloads(game, version).key("downloads")
        Glossary().key("glossary")


@solara.component
def PlayPage() -> None:
    """Start page or game view, for the game the address names."""
    app = use_app_state()
    router = solara.use_router()
    token = token_in(router.search)
    game = REGISTRY.get(token)

    def start(setup: GameSetup) -> None:
        new = GameSession(setup)
        REGISTRY.add(new)
        app.start(new)
        router.push(game_path(new.token))

    def remember() -> None:
        """A game opened by its address (a reload) is this session's game from now on."""
        if game is not None and app.game.value is not game:
            app.game.set(game)

    solara.use_effect(remember, [token, game is None])
    if game is not None:
        GameView(game, app.version.value)
        return
    notice = None
    if token:
        notice = (
            "The game at this address is no longer on the server (it was restarted, or the game "
            "was one of the oldest of many). Start a new one below."
        )
    earlier = app.game.value
    resume = None
    if earlier is not None and earlier.token:
        resume = (earlier.status(), lambda: router.push(game_path(earlier.token)))
    StartPage(on_start=start, notice=notice, resume=resume)
