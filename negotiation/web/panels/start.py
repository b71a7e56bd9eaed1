"""The start page: a scenario (with its description), a seed, who plays, and (advanced) each
AI actor's strategy."""

from __future__ import annotations

from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara

from negotiation.model import NegotiationModel
from negotiation.scenario import ScenarioError, ScenarioSpec
from negotiation.web.catalog import (
    KEEP,
    ScenarioChoice,
    has_strategy,
    list_scenarios,
    scenario_strategy,
    strategy_options,
    with_strategies,
)
from negotiation.web.state import GameSetup
from negotiation.web.words import strategy_words

WATCH = "Watch the agents"
SEED_MAX = 2**32 - 1
CLAUSE_WORDS = {
    "hard": "required in every deal",
    "soft": "negotiable (a red line for some states)",
    "off": "not an issue",
}


def parse_seed(text: str) -> tuple[int | None, str | None]:
    """A seed typed in the field: (seed, None), or (None, what is wrong and what is allowed)."""
    raw = str(text).strip()
    allowed = f"a whole number from 0 to {SEED_MAX}, e.g. 7"
    if not raw:
        return None, f"Type a seed: {allowed}."
    if not raw.lstrip("+-").isdigit():
        return None, f"{raw!r} is not a whole number; the seed must be {allowed}."
    seed = int(raw)
    if not 0 <= seed <= SEED_MAX:
        return None, f"{seed} is out of range; the seed must be {allowed}."
    return seed, None


def seats(spec: ScenarioSpec) -> dict[str, str]:
    """'Play as ...' label -> actor id, for every seat of the scenario."""
    model = NegotiationModel.from_spec(spec)
    return {f"Play as {model.actor_name(a)}": a for a in model.actor_ids()}


@solara.component
def StrategyChoices(
    spec: ScenarioSpec, humans: tuple[str, ...], changes: solara.Reactive[dict[str, str]]
) -> None:
    """A strategy select for every actor an agent plays."""
    model = solara.use_memo(lambda: NegotiationModel.from_spec(spec), dependencies=[spec])
    solara.Text(
        f"'{KEEP}' keeps the strategy the scenario file sets (shown after each name).",
        classes=["neg-muted"],
    )
    with solara.Div(
        classes=["strategy-choices"],
        style={
            "display": "grid",
            "grid-template-columns": "repeat(auto-fill, minmax(260px, 1fr))",
            "gap": "0 16px",
        },
    ):
        for actor in model.actor_ids():
            if actor in humans or not has_strategy(spec, actor):
                continue
            names = {
                (n if n == KEEP else strategy_words(n).capitalize()): n
                for n in strategy_options(actor)
            }
            shown = {n: label for label, n in names.items()}
            solara.Select(
                f"{model.actor_name(actor)} ({strategy_words(scenario_strategy(spec, actor))})",
                values=list(names),
                value=shown.get(changes.value.get(actor, KEEP), KEEP),
                on_value=lambda label, a=actor, names=names: changes.set(
                    {**changes.value, a: names[label]}
                ),
                classes=[f"strategy-{actor}"],
            )


@solara.component
def StartPage(
    on_start: Callable[[GameSetup], None],
    notice: str | None = None,
    resume: tuple[str, Callable[[], None]] | None = None,
) -> None:
    """Choose a scenario, a seed and a seat. `notice` explains a game that could not be found;
    `resume` is (status, go) for the game this browser session was playing."""
    choices = solara.use_memo(list_scenarios, dependencies=[])
    usable: list[ScenarioChoice] = [c for c in choices if c.spec is not None]
    titles = [c.title for c in usable]
    title = solara.use_reactive(titles[0] if titles else None)
    choice = next((c for c in usable if c.title == title.value), None)
    seed = solara.use_reactive(str(choice.spec.seed if choice and choice.spec else 0))
    who = solara.use_reactive(WATCH)
    changes = solara.use_reactive({})
    error = solara.use_reactive(None)
    advanced = solara.use_reactive(False)

    def pick_scenario(new_title: str) -> None:
        title.set(new_title)
        picked = next(c for c in usable if c.title == new_title)
        assert picked.spec is not None
        seed.set(str(picked.spec.seed))
        who.set(WATCH)
        changes.set({})

    with solara.Column(classes=["start-page"], style={"max-width": "1100px"}):
        solara.HTML(tag="h1", unsafe_innerHTML="Bloc or bilateral? The critical-minerals talks")
        if notice:
            solara.Warning(notice, classes=["game-missing"])
        if resume is not None:
            with solara.Row(classes=["resume"], style={"align-items": "center"}):
                solara.Text(f"Your game: {resume[0]}")
                solara.Button("Back to your game", on_click=resume[1], color="primary",
                              classes=["resume-game"])  # fmt: skip
        solara.Text(
            "February 2026: the US courts EU member states one by one, the Commission negotiates "
            "for the bloc, China tightens or loosens its export controls. Watch the agents play, "
            "or take a seat yourself.",
            style={"display": "block", "margin-bottom": "12px"},
        )
        for broken in (c for c in choices if c.spec is None):
            solara.Warning(f"{broken.path.name} is not offered: {broken.error}")
        if choice is None or choice.spec is None:
            solara.Error("No scenario could be loaded: put scenario files in scenarios/.")
            return
        spec = choice.spec
        seat_labels = seats(spec)
        solara.Select(
            "Scenario",
            values=titles,
            value=title.value,
            on_value=pick_scenario,
            classes=["scenario-select"],
        )
        with solara.Card(classes=["scenario-description"]):
            solara.Text(spec.description or "(no description)", style={"display": "block"})
            solara.Text(
                f"{len(spec.member_states.states)} member states, {spec.rounds} rounds of "
                f"{spec.days_per_round} days, territorial clause: "
                f"{CLAUSE_WORDS.get(spec.territorial_constraint, spec.territorial_constraint)}.",
                classes=["neg-muted"],
                style={"display": "block"},
            )
        seed_value, seed_error = parse_seed(seed.value)
        with solara.Row(classes=["start-choices"], style={"align-items": "flex-start"}):
            with solara.Div(style={"width": "240px", "max-width": "100%"}):
                solara.InputText(
                    "Seed (a whole number: same seed, same game)",
                    value=seed,
                    continuous_update=True,
                    error=seed_error or False,
                    classes=["seed-input"],
                )
            with solara.Div(style={"width": "420px", "max-width": "100%"}):
                solara.Select(
                    "Who plays", values=[WATCH, *seat_labels], value=who, classes=["seat-select"]
                )
        humans = () if who.value == WATCH else (seat_labels[who.value],)
        with (
            rv.ExpansionPanels(
                v_model=0 if advanced.value else None,
                on_v_model=lambda v: advanced.set(v == 0),
                class_="advanced-strategies",
            ),
            rv.ExpansionPanel(),
        ):
            rv.ExpansionPanelHeader(children=["Advanced: the agents' strategies"])
            with rv.ExpansionPanelContent():
                # built only once opened: a select per agent is most of the page's weight
                if advanced.value:
                    StrategyChoices(spec, humans, changes)

        def start() -> None:
            if seed_value is None:
                error.set(f"Cannot start: {seed_error}")
                return
            try:
                mine = {a: n for a, n in changes.value.items() if a not in humans}
                chosen = with_strategies(spec, mine)
            except ScenarioError as err:
                error.set(str(err))
                return
            error.set(None)
            on_start(GameSetup(chosen, seed_value, humans, str(choice.path)))

        if error.value:
            solara.Error(error.value, classes=["start-error"])
        solara.Button("Start the game", on_click=start, color="primary", classes=["start-game"])
