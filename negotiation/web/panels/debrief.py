"""The debrief at the end of a game: the outcome and why, the decisive moves, the deal against the
Nash bargaining solution, every actor's utility, and "what if": the same game replayed from a
chosen round with the agents taking over every seat, side by side with what happened."""

from __future__ import annotations

import solara

from negotiation.model import NegotiationModel
from negotiation.moves import Move
from negotiation.outcome import Outcome
from negotiation.web.context import use_app_state
from negotiation.web.state import GameSession, outcome_words
from negotiation.web.theme import esc

KEY_ACTIONS = ("accept", "council_vote", "inducements", "withhold")
CLOSE_CALLS = 3


def why_sentence(model: NegotiationModel) -> str:
    """The outcome in plain words, with the Council vote and the bilateral deals behind it."""
    outcome = model.outcome
    assert outcome is not None
    parts = [f"The game ended with {outcome_words(outcome.type)}"]
    if outcome.round:
        parts[0] += f" in round {outcome.round} (day {outcome.day})"
    parts[0] += "."
    if outcome.council:
        c = outcome.council
        verdict = "passed" if c["passed"] else "rejected"
        parts.append(
            f"The last Council vote (round {c['round']}) {verdict} the package: "
            f"{c['yes_states']} of {c['total_states']} states with "
            f"{c['population_share']:.0%} of the population for."
        )
    elif outcome.type in ("no_deal", "bilateral_patchwork"):
        parts.append("The US and the Commission never agreed on a package to put to the Council.")
    if outcome.bilateral_deals:
        names = ", ".join(model.actor_name(d["state"]) for d in outcome.bilateral_deals)
        parts.append(f"Bilateral deals with the US: {names}.")
    if outcome.clause_in is not None:
        parts.append(
            "The territorial clause is in."
            if outcome.clause_in
            else "The territorial clause is OUT."
        )
    return " ".join(parts)


def decisive_moves(model: NegotiationModel) -> list[Move]:
    """The moves that decided the game: acceptances, Council votes, China's inducements, first
    bilateral signatures, and the closest calls (smallest margin) among the other choices."""
    chosen: set[int] = set()
    signed: set[str] = set()
    for k, move in enumerate(model.moves):
        if move.action == "bilateral" and move.actor not in signed:
            signed.add(move.actor)
            chosen.add(k)
        elif move.action in KEY_ACTIONS:
            chosen.add(k)
    close = sorted(
        (k for k, m in enumerate(model.moves) if m.margin is not None and k not in chosen),
        key=lambda k: abs(model.moves[k].margin or 0.0),
    )[:CLOSE_CALLS]
    return [model.moves[k] for k in sorted(chosen | set(close))]


def moves_html(moves: list[Move]) -> str:
    items = "".join(
        f"<li>Round {m.round}: <b>{esc(m.actor_name)}</b>"
        + (" (you)" if m.by == "human" else "")
        + f": {esc(m.why)}"
        + (f" <i>(margin {m.margin:+.2f})</i>" if m.margin is not None else "")
        + "</li>"
        for m in moves
    )
    return f'<ul class="decisive-moves">{items}</ul>'


def nash_html(model: NegotiationModel) -> str:
    outcome = model.outcome
    assert outcome is not None
    nash = outcome.nash_point
    if nash is None:
        return "<p>No Nash bargaining solution: no package beats both sides' walk-away values.</p>"
    head = f"<p>Nash bargaining solution: US {nash['us']:.2f}, Commission {nash['commission']:.2f}."
    if model.signed is None:
        return head + " No bloc deal was signed to compare with it.</p>"
    return head + (
        f" The deal: US {model.us.utility(model.signed):.2f}, Commission "
        f"{model.commission.utility(model.signed):.2f}; {outcome.nash_distance:.2f} from the Nash "
        f"point and {outcome.pareto_distance:.2f} from the Pareto frontier (0 = efficient).</p>"
    )


def utilities_html(model: NegotiationModel, outcome: Outcome, other: Outcome | None = None) -> str:
    """Every actor's utility in a grid; with `other`, the what-if value and the change too."""
    cells = []
    for actor, value in outcome.utilities.items():
        shown = f"{value:.2f}"
        if other is not None:
            alt = other.utilities.get(actor, float("nan"))
            shown += f" → {alt:.2f} ({alt - value:+.2f})"
        cells.append(
            f'<div data-actor="{esc(actor)}"><span>{esc(model.actor_name(actor))}</span>'
            f"<b>{shown}</b></div>"
        )
    return f'<div class="neg-utilities actor-utilities">{"".join(cells)}</div>'


@solara.component
def WhatIfPanel(game: GameSession, version: int = 0) -> None:
    app = use_app_state()
    model = game.model
    last = model.round
    from_round = solara.use_reactive(1)

    def replay() -> None:
        game.replay_from(from_round.value)
        app.changed()

    with solara.Card("What if? Replay with the agents taking over", classes=["what-if"]):
        solara.Text(
            "Replay this game from a round of your choice: the same scenario and seed, people's "
            "moves before that round as they were, and from then on every seat played by its agent."
        )
        with solara.Div(classes=["slider-what-if"], style={"max-width": "480px"}):
            solara.SliderInt(
                f"Agents take over from round {from_round.value}",
                value=from_round,
                min=1,
                max=max(1, last),
                thumb_label=False,
            )
        solara.Button(
            "Replay from this round", on_click=replay, color="primary", classes=["replay"]
        )
        what_if = game.what_if
        if what_if is not None and what_if.model.outcome is not None:
            alt = what_if.model.outcome
            solara.HTML(
                tag="div",
                classes=["what-if-result"],
                unsafe_innerHTML=(
                    f"<p><b>Replayed from round {what_if.from_round}:</b> "
                    f"{esc(why_sentence(what_if.model))}</p>"
                    + "<p>Utilities: this game → what if (change)</p>"
                    + utilities_html(model, model.outcome, alt)
                ),
            )


@solara.component
def Debrief(game: GameSession, version: int = 0) -> None:
    model = game.model
    if model.outcome is None:
        return
    with solara.Card("Debrief", classes=["debrief"]):
        solara.HTML(
            tag="p", unsafe_innerHTML=f"<b>{esc(why_sentence(model))}</b>", classes=["debrief-why"]
        )
        solara.HTML(tag="h3", unsafe_innerHTML="The decisive moves")
        solara.HTML(tag="div", unsafe_innerHTML=moves_html(decisive_moves(model)))
        solara.HTML(tag="h3", unsafe_innerHTML="The deal and the Nash bargaining solution")
        solara.HTML(tag="div", unsafe_innerHTML=nash_html(model))
        solara.HTML(tag="h3", unsafe_innerHTML="What every actor got")
        solara.HTML(tag="div", unsafe_innerHTML=utilities_html(model, model.outcome))
    WhatIfPanel(game, version)
