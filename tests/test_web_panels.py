"""Component tests of the browser game without a browser: each panel rendered with
`solara.render`, driven by clicking its widgets, checked against the game it changes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import ipyvuetify as v
import pytest
import solara

# per-session reactive state, as under the server: import before rendering anything
import solara.server.starlette
from solara.routing import Router, router_context

from negotiation.web.briefing import issue_goals
from negotiation.web.catalog import list_scenarios
from negotiation.web.context import provide_app_state
from negotiation.web.panels.china import ChinaPanel
from negotiation.web.panels.council import CouncilPanel
from negotiation.web.panels.debrief import Debrief, decisive_moves
from negotiation.web.panels.member_state import StancePanel, VotePanel
from negotiation.web.panels.offers import CommissionPanel, UsPanel
from negotiation.web.panels.start import StartPage
from negotiation.web.panels.table import OnTheTable
from negotiation.web.panels.timeline import Timeline
from negotiation.web.play import PlayPage
from negotiation.web.sessions import REGISTRY, game_path
from negotiation.web.state import GameSession, GameSetup
from negotiation.web.tilemap import TileMap


@pytest.fixture(scope="module")
def spec():
    return next(c.spec for c in list_scenarios() if c.path.name == "critical_minerals_2026.yaml")


@solara.component
def Host(game: GameSession | None, panel: Callable[[int], object] | None = None):
    """The session context the pages expect (the app state and a router whose address the page
    can change), showing the play page at the game's address, or `panel(version)`."""
    app = provide_app_state()

    def register() -> str:
        app.game.set(game)
        return game_path(REGISTRY.add(game)) if game is not None else "/"

    first = solara.use_memo(register, dependencies=[])
    path = solara.use_reactive(first)
    router = Router(path.value, routes=[solara.Route("/")], set_path=path.set)
    router_context.provide(router)
    if panel is None:
        PlayPage()
    else:
        panel(app.version.value)


def render(game: GameSession | None, panel: Callable[[int], object] | None = None):
    _, rc = solara.render(Host(game, panel), handle_error=False)
    return rc


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


class HasClass:
    """Matches a widget's `class_` that contains this CSS class (for `rc.find(class_=...)`)."""

    def __init__(self, cls: str):
        self.cls = cls

    def __ne__(self, value: object) -> bool:
        return self.cls not in str(value or "").split()


class StartsWith:
    """Matches a string attribute that starts with this text (for `rc.find(label=...)`)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __ne__(self, value: object) -> bool:
        return not str(value).startswith(self.prefix)


class HasClassAttribute(HasClass):
    """Matches the `attributes` of a `solara.HTML` whose class attribute contains the class."""

    def __ne__(self, value: object) -> bool:
        return super().__ne__((value or {}).get("class") if isinstance(value, dict) else None)


def with_class(rc, cls: str, widget_type=v.VuetifyWidget) -> list:
    """The widgets of a type that carry the CSS class `cls`."""
    found = rc.find(widget_type, class_=HasClass(cls)).widgets
    return found or rc.find(solara.widgets.HTML, attributes=HasClassAttribute(cls)).widgets


def one(rc, cls: str, widget_type=v.VuetifyWidget):
    (widget,) = with_class(rc, cls, widget_type)
    return widget


def text(widget) -> str:
    """Every string under a widget: children, labels and the HTML of `solara.HTML`."""
    if isinstance(widget, str):
        return widget
    if isinstance(widget, list | tuple):
        return "\n".join(text(w) for w in widget)
    parts = [getattr(widget, name, None) for name in ("label", "unsafe_innerHTML", "v_model")]
    parts = [p for p in parts if isinstance(p, str) and p != "!!disabled!!"]
    parts.append(text(getattr(widget, "children", []) or []))
    return "\n".join(parts)


def shown(rc, cls: str) -> str:
    """Everything under the widget with this class, as text (HTML included)."""
    return text(one(rc, cls))


def choose(rc, cls: str, starting: str) -> None:
    """Pick the toggle button whose label starts with `starting`."""
    toggle = one(rc, cls, v.BtnToggle)
    labels = [text(b) for b in toggle.children]
    toggle.v_model = next(k for k, label in enumerate(labels) if label.startswith(starting))


def text_of(rc, cls: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", shown(rc, cls))).strip()


def wait_for(game: GameSession, kind: str) -> None:
    """Advance a game, people's seats playing their agent's move, until `kind` is awaited."""
    while game.pending is None or game.pending.kind != kind:
        assert not game.finished, f"the game ended before a {kind} decision"
        if game.pending is not None:
            game.submit(game.pending.agent_move)
        else:
            game.step()


def test_start_page_offers_scenarios_seats_and_strategies():
    started = []
    rc = render(None, lambda _: StartPage(on_start=started.append))
    scenario = rc.find(v.Select, label="Scenario").widget
    assert "Critical minerals 2026 (default)" in scenario.items
    seat = rc.find(v.Select, label="Who plays").widget
    assert "Play as United States" in seat.items and "Play as Poland" in seat.items
    seat.v_model = "Play as Poland"
    rc.find(v.TextField, label=StartsWith("Seed")).widget.v_model = "11"
    assert not with_class(rc, "strategy-us")  # the strategies are built when their panel opens
    one(rc, "advanced-strategies", v.ExpansionPanels).v_model = 0
    us_strategy = one(rc, "strategy-us", v.Select)
    assert not [x for x in us_strategy.items if "_" in x]  # plain words, no identifiers
    us_strategy.v_model = "Take it or leave it"
    assert not with_class(rc, "strategy-PL")  # a person plays Poland
    click(rc, "Start the game")
    (setup,) = started
    assert setup.humans == ("PL",) and setup.seed == 11
    assert setup.spec.us.strategy.name == "hardliner"


def test_start_page_starts_a_game_in_the_play_page():
    rc = render(None)
    click(rc, "Start the game")
    assert text_of(rc, "game-status").startswith("Ready")
    click(rc, "Next round")
    assert text_of(rc, "game-status").startswith("Round 1 of 10")


def test_watch_controls_step_run_reset_and_new_game(spec):
    game = GameSession(GameSetup(spec, seed=7))
    rc = render(game)
    click(rc, "Next round")
    assert game.model.round == 1 and text_of(rc, "game-status").startswith("Round 1")
    click(rc, "Run to the end")
    assert game.finished and text_of(rc, "game-status").startswith("Game over")
    assert rc.find(v.Btn, children=["Next round"]).widget.disabled
    assert with_class(rc, "debrief")
    click(rc, "Reset")
    assert game.model.round == 0 and text_of(rc, "game-status").startswith("Ready")
    click(rc, "New game")
    rc.find(v.Btn, children=["Start the game"]).assert_single()
    click(rc, "Back to your game")  # the game this session was playing is one click away
    assert text_of(rc, "game-status").startswith("Ready")


def test_us_panel_shows_live_values_sends_an_offer_and_refuses_a_forbidden_one(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    wait_for(game, "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    summary = shown(rc, "live-summary")
    assert "Worth to the US" in summary and "Council" in summary
    # take the clause out: hard constraint, refused, nothing changes
    moves_before = len(game.model.moves)
    rc.find(v.Switch, children=["Territorial-integrity clause in"]).widget.v_model = False
    click(rc, "Send offer")
    error = one(rc, "move-error", v.Alert)
    assert "territorial" in repr(error)
    assert game.pending is decision and len(game.model.moves) == moves_before
    # put it back and send the suggestion
    rc.find(v.Switch, children=["Territorial-integrity clause in"]).widget.v_model = True
    click(rc, "Send offer")
    assert game.pending is not decision and game.human_moves[-1].kind == "us"
    assert game.model.us_offer is not None


def test_a_warning_stands_for_the_move_it_warned_about_only(spec):
    """A second press sends the move warned about; a move changed after the warning is warned
    about again, not sent (from the browser audit of 5 Dec 2026)."""
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    wait_for(game, "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    for slider in rc.find(v.Slider).widgets:  # everything the US wants least
        if slider.label.startswith(("Price floor", "Joint stockpile", "Joint projects", "Offtake")):
            slider.v_model = slider.min
    click(rc, "Send offer")
    assert "below its walk-away" in repr(one(rc, "move-warning", v.Html))
    assert game.pending is decision
    price = rc.find(v.Slider, label=StartsWith("Price floor")).widget
    price.v_model = price.min + price.step  # changed after the warning
    assert not with_class(rc, "move-warning", v.Html)  # it was about the other move
    click(rc, "Send offer")
    assert game.pending is decision and with_class(rc, "move-warning", v.Html)  # warned again
    click(rc, "Send offer")  # and now sent
    assert game.pending is not decision and game.human_moves[-1].kind == "us"


def test_us_slider_changes_the_offer_sent(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    wait_for(game, "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    slider = rc.find(v.Slider, label=StartsWith("Price floor")).widget
    goal = next(g for g in issue_goals(game.model, "us") if g.id == "price_floor")
    assert f"your ideal {goal.ideal_text}" in slider.label
    assert f"walk-away {goal.walk_away_text}" in slider.label
    slider.v_model = 90.0
    assert rc.find(v.Slider, label=StartsWith("Price floor: $90/kg")).widget
    click(rc, "Send offer")
    assert game.human_moves[-1].move["terms"]["price_floor"] == 90.0


def test_commission_panel_counters(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    wait_for(game, "commission")
    decision = game.pending
    rc = render(game, lambda _: CommissionPanel(decision, game))
    rc.find(v.Btn, children=["Accept the US offer"]).assert_single()
    click(rc, "Send counter-offer")
    assert game.human_moves[-1].move["action"] == "counter"
    assert game.model.counter is not None


def test_us_panel_threatens_and_withdraws_tariffs(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    wait_for(game, "us")
    decision = game.pending
    rc = render(game, lambda _: UsPanel(decision, game))
    assert "tariffs" in decision.options
    one(rc, "tariff-states", v.Select).v_model = ["DK", "HU"]
    assert "threaten Denmark, Hungary" in text_of(rc, "tariff-change")
    click(rc, "Send offer")
    assert game.human_moves[-1].move["tariffs"]["threaten"] == ["DK", "HU"]
    assert set(game.model.states.codes[i] for i in game.model.states.tariff.nonzero()[0]) >= {
        "DK",
        "HU",
    }
    # next round: withdraw the threat against Denmark, keep Hungary's
    wait_for(game, "us")
    decision = game.pending
    assert {"DK", "HU"} <= set(decision.info["threatened"])
    rc = render(game, lambda _: UsPanel(decision, game))
    one(rc, "tariff-states", v.Select).v_model = ["HU"]
    assert "withdraw the threat against Denmark" in text_of(rc, "tariff-change")
    click(rc, "Send offer")
    sent = game.human_moves[-1].move
    assert "DK" in sent["tariffs"]["withdraw"] and sent["tariffs"]["threaten"] == ["HU"]
    threatened = {game.model.states.codes[i] for i in game.model.states.tariff.nonzero()[0]}
    assert "DK" not in threatened and "HU" in threatened
    # the other parts of the move stay the agent's: its bloc terms, exactly
    assert sent["terms"] == decision.agent_move["terms"]


def test_us_panel_sends_the_agents_tailored_bilateral_offers_untouched(spec):
    """The agent's suggestion may hold several groups of states with their own terms; an
    untouched Send sends them unchanged, and choosing other states keeps each one's own terms."""
    for seed in range(7, 40):
        game = GameSession(GameSetup(spec, seed=seed, humans=("us",)))
        wait_for(game, "us")
        while not game.finished and not isinstance(game.pending.agent_move.get("bilateral"), list):
            game.submit(game.pending.agent_move)
            if not game.finished:
                wait_for(game, "us")
        if not game.finished:
            break
    else:
        pytest.fail("no game in seeds 7..39 where the US agent tailors several bilateral offers")
    decision = game.pending
    groups = decision.agent_move["bilateral"]
    rc = render(game, lambda _: UsPanel(decision, game))
    assert shown(rc, "bilateral-summaries").count('class="bilateral-summary"') == len(groups)
    click(rc, "Send offer" if decision.agent_move["action"] == "offer" else
          "Accept the Commission's counter-offer")  # fmt: skip
    assert game.human_moves[-1].move == decision.agent_move


def test_commission_panel_promises_eu_funds(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    wait_for(game, "commission")
    decision = game.pending
    left = decision.info["eu_funds_left"]
    assert left > 0.03 and "payments" in decision.options
    rc = render(game, lambda _: CommissionPanel(decision, game))
    assert "EU funds left" in shown(rc, "funds-left")
    one(rc, "payment-states", v.Select).v_model = ["HU"]
    slider = rc.find(v.Slider, label=StartsWith("Hungary:")).widget
    slider.v_model = 0.03  # a whole step or more: a move (a half-step snap is not)
    click(rc, "Send counter-offer")
    sent = game.human_moves[-1].move
    assert sent["payments"] == {"HU": 0.03} and sent["action"] == "counter"
    hu = game.model.states.codes.index("HU")
    assert game.model.states.eu_payment[hu] == pytest.approx(0.03)
    assert game.model.commission.budget_left == pytest.approx(left - 0.03)


def test_commission_panel_refuses_payments_over_the_funds_left(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    wait_for(game, "commission")
    decision = game.pending
    rc = render(game, lambda _: CommissionPanel(decision, game))
    one(rc, "payment-states", v.Select).v_model = ["HU", "PL"]
    for code in ("Hungary", "Poland"):
        slider = rc.find(v.Slider, label=StartsWith(f"{code}:")).widget
        slider.v_model = slider.max
    click(rc, "Send counter-offer")
    assert "EU funds left" in text(one(rc, "move-error", v.Alert))
    assert game.pending is decision


def test_member_state_panel_offers_every_stance_the_engine_offers(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("HU",)))
    seen: set[str] = set()
    asked = False
    while not game.finished:
        wait_for_any(game, ("stance",))
        if game.finished:
            break
        decision = game.pending
        rc = render(game, lambda _, d=decision: StancePanel(d, game))
        buttons = [b for b in rc.find(v.Btn).widgets if "stance-" in (b.class_ or "")]
        shown_stances = {
            c.removeprefix("stance-")
            for b in buttons
            for c in b.class_.split()
            if c.startswith("stance-")
        }
        assert shown_stances == set(decision.options), decision.round
        seen |= shown_stances
        if not asked and "conditional" in decision.options:
            rc.find(v.Slider, label=StartsWith("Your ask to the Commission")).widget.v_model = 0.045
            click(rc, next(text(b) for b in buttons if "stance-conditional" in b.class_))
            assert game.human_moves[-1].move == {"stance": "conditional", "ask": 0.045}
            assert game.model.states.ask[game.model.states.codes.index("HU")] in (0.045, 0.0)
            asked = True
        else:
            game.submit(decision.agent_move)
    assert asked and {"bloc", "conditional"} <= seen


def wait_for_any(game: GameSession, kinds: tuple[str, ...]) -> None:
    """Advance until one of `kinds` is awaited or the game ends (other seats play the agent)."""
    while not game.finished and (game.pending is None or game.pending.kind not in kinds):
        if game.pending is not None:
            game.submit(game.pending.agent_move)
        else:
            game.step()


def test_member_state_panels_show_each_option_with_its_utility(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("PL",)))
    wait_for(game, "stance")
    decision = game.pending
    rc = render(game, lambda _: StancePanel(decision, game))
    labels = [text(b) for b in rc.find(v.Btn).widgets]
    for option, value in decision.info["values"].items():
        assert any(f"({round(100 * value)} points)" in label for label in labels), option
    click(rc, next(x for x in labels if x.startswith("Stay with the bloc")))
    assert game.human_moves[-1].move == {"stance": "bloc"}
    wait_for(game, "vote")
    decision = game.pending
    rc = render(game, lambda _: VotePanel(decision, game))
    (primary,) = with_class(rc, "send-move", v.Btn)
    assert text(primary).startswith(f"Vote {decision.agent_move['vote']}")
    click(rc, next(text(b) for b in rc.find(v.Btn).widgets if text(b).startswith("Vote no")))
    assert game.human_moves[-1].move == {"vote": "no"}


def test_china_panel_sets_pressure_and_inducements(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("china",)))
    wait_for(game, "china")
    decision = game.pending
    rc = render(game, lambda _: ChinaPanel(decision, game))
    pressure = rc.find(v.Slider, label=StartsWith("Export-control pressure")).widget
    assert pressure.max == spec.china.max_pressure == 0.9  # bounded by the scenario
    pressure.v_model = 0.8
    one(rc, "inducement-targets", v.Select).v_model = ["SK"]
    one(rc, "threat-targets", v.Select).v_model = ["DK"]
    assert "threat of" in rc.find(v.Slider, label=StartsWith("Denmark:")).widget.label
    click(rc, "Send China's move")
    move = game.human_moves[-1].move
    assert move["pressure"] == 0.8 and set(move["inducements"]) == {"SK", "DK"}
    assert move["inducements"]["SK"] > 0 > move["inducements"]["DK"]
    assert game.model.china.pressure == 0.8
    dk = game.model.states.codes.index("DK")
    assert game.model.states.inducement[dk] == move["inducements"]["DK"]  # a threat, applied


def test_china_panel_refuses_inducements_over_budget(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("china",)))
    wait_for(game, "china")
    decision = game.pending
    rc = render(game, lambda _: ChinaPanel(decision, game))
    one(rc, "inducement-targets", v.Select).v_model = list(decision.info["inducement_needed"])
    for slider in rc.find(v.Slider).widgets[1:]:
        slider.v_model = slider.max
    click(rc, "Send China's move")
    assert "budget" in text(one(rc, "move-error", v.Alert))
    assert game.pending is decision


def test_display_panels_show_the_table_council_map_and_timeline(spec):
    game = GameSession(GameSetup(spec, seed=7))
    game.step()
    game.step()
    model = game.model
    rc = render(game, lambda n: OnTheTable(model, n))
    table = shown(rc, "neg-on-the-table")
    assert (
        "US offer" in table
        and "$/kg" not in table
        and "/kg" in table
        and "Worth to the US" in table
    )
    rc = render(game, lambda n: CouncilPanel(model, n))
    council = shown(rc, "neg-council")
    if model.us_offer.form == "mixed":  # the Council must be unanimous
        assert "need 100%" in council and "one state against blocks" in council
    else:
        assert "55%" in council and "65%" in council and "Blocking minority" in council
    rc = render(game, lambda n: TileMap(model, frozenset({"PL"}), n))
    tiles = shown(rc, "neg-tilemap")
    assert tiles.count("data-state=") == 27 and "you" in tiles and "with the bloc" in tiles
    rc = render(game, lambda n: Timeline(game, n))
    timeline = shown(rc, "neg-timeline")
    assert "Round 2" in timeline and "routine moves folded away" in timeline
    rc.find(v.Checkbox, label="Show every move").widget.v_model = True
    timeline = shown(rc, "neg-timeline")
    assert "routine moves folded away" not in timeline and "Germany" in timeline


def test_debrief_explains_and_replays_what_if(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    while not game.finished:
        if game.pending is not None:
            game.submit(game.pending.agent_move)
        else:
            game.step()
    assert decisive_moves(game.model)
    rc = render(game, lambda n: Debrief(game, n))
    debrief = shown(rc, "debrief")
    assert "The game ended with" in debrief and "Nash point" in debrief and "Malta" in debrief
    assert "Your score" in debrief and "agents alone" in debrief
    rc.find(v.Slider, label=StartsWith("Agents take over")).widget.v_model = 2
    click(rc, "Replay from this round")
    assert game.what_if is not None and game.what_if.from_round == 2
    assert "Replayed from round 2" in shown(rc, "what-if")


def test_on_the_table_shows_the_agreed_package_once_the_us_accepts(spec):
    """small_class, seed 0, Germany: the US accepts the Commission's counter in a later round;
    before the Council votes on it, the table shows it as agreed, not the old US offer."""
    small = next(c.spec for c in list_scenarios() if c.path.name == "small_class.yaml")
    game = GameSession(GameSetup(small, seed=0, humans=("DE",)))
    while not (game.pending is not None and game.model.agreement is not None):
        assert not game.finished
        game.step() if game.pending is None else game.submit(game.pending.agent_move)
    rc = render(game, lambda _: OnTheTable(game.model))
    table = text(rc.find(solara.widgets.HTML).widgets)
    assert "Agreed, to the Council vote" in table and "US offer" not in table
