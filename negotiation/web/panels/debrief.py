"""The debrief at the end of a game: the outcome and why, the decisive moves, the deal against the
Nash bargaining solution, every actor's utility, and "what if": the same game replayed from a
chosen round with the agents taking over every seat, side by side with what happened."""

from __future__ import annotations

from typing import Any

import solara

from negotiation.model import NegotiationModel
from negotiation.moves import Move
from negotiation.outcome import Outcome, outcome_words
from negotiation.web.context import use_app_state
from negotiation.web.focus import FocusHeading
from negotiation.web.score import seat_score
from negotiation.web.state import (
    GameSession,
    HumanMove,
    logged_for,
    persons_move,
)
from negotiation.web.theme import esc
from negotiation.web.words import (
    plain_sentence,
    plural,
    points,
    points_html,
    points_text,
    signed_points,
    term_link,
)

KEY_ACTIONS = ("accept", "council_vote", "inducements", "withhold")
NOT_CONCLUDED = ("refuse_consent", "ratification_fails")
"""The log's actions that stop a package the Council passed."""
CLOSE_CALLS = 3


def why_sentence(model: NegotiationModel) -> str:
    """The outcome in plain words, with the Council vote and the bilateral deals behind it."""
    outcome = model.outcome
    assert outcome is not None
    parts = [f"The game ended with {outcome_words(outcome.type, len(outcome.bilateral_deals))}"]
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
        stopped = [m for m in model.moves if m.round == c["round"] and m.action in NOT_CONCLUDED]
        if c["passed"] and model.signed is None and stopped:
            parts.append(f"It was not concluded: {plain_sentence(stopped[-1].why)}")
    elif outcome.type in ("no_deal", "bilateral_patchwork"):
        parts.append("The US and the Commission never agreed on a package to put to the Council.")
    if outcome.bilateral_deals:
        names = ", ".join(model.actor_name(d["state"]) for d in outcome.bilateral_deals)
        parts.append(f"Bilateral deals with the US: {names}.")
    if outcome.clause_in is not None:
        parts.append(
            "The territorial clause is in the deal."
            if outcome.clause_in
            else "The territorial clause is NOT in the deal."
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


def moves_html(moves: list[Move], human_moves: list[HumanMove]) -> str:
    items = "".join(
        f"<li>Round {m.round}: <b>{esc(m.actor_name)}</b>"
        + (" (you)" if persons_move(m, human_moves) else "")
        + f": {esc(plain_sentence(m.why))}"
        + "</li>"
        for m in moves
    )
    return f'<ul class="decisive-moves">{items}</ul>'


def move_words(kind: str, move: dict[str, Any]) -> str:
    """A person's move in a few words: 'offer', 'accept', 'stance: bloc', 'vote: no'."""
    if kind in ("us", "commission"):
        return str(move.get("action", "offer"))
    if kind == "china":
        given = [float(x) for x in (move.get("inducements") or {}).values()]
        rewards, threats = sum(x > 0 for x in given), sum(x < 0 for x in given)
        return (
            f"pressure {points(move.get('pressure', 0))}/100, rewards to {plural(rewards, 'state')}, "
            f"threats to {plural(threats, 'state')}"
        )
    return ", ".join(
        f"{k}: {points_text(v) if k == 'ask' else v}"
        for k, v in move.items()
        if not isinstance(v, dict | list)
    )


def your_moves_html(game: GameSession) -> str:
    """The person's moves that decided something: those unlike their agent's, and every
    acceptance and vote; each with the sentence the log wrote for it."""
    model = game.model
    logged = [m for m in model.moves if persons_move(m, game.human_moves)]
    rows = []
    for h in game.human_moves:
        differs = h.move != h.agent_move
        mine = [m for m in logged if logged_for(m, h)]
        decisive = differs or h.kind in ("vote", "consent") or h.move.get("action") == "accept"
        if not decisive:
            continue
        said = " ".join(plain_sentence(m.why) for m in mine[:2])
        agent = (
            f" Your agent would have played: {esc(move_words(h.kind, h.agent_move))}."
            if differs
            else " (Your agent would have done the same.)"
        )
        rows.append(
            f"<li>Round {h.round}, {esc(model.actor_name(h.actor))}: "
            f"<b>{esc(move_words(h.kind, h.move))}</b>. {esc(said)}{agent}</li>"
        )
    if not rows:
        same = len(game.human_moves)
        return (
            f"<p>You made {plural(same, 'move')}, each the one your agent suggested.</p>"
            if same
            else "<p>You made no move in this game.</p>"
        )
    return f'<ul class="your-moves">{"".join(rows)}</ul>'


def score_html(game: GameSession) -> str:
    """Per seat a person played: its score against the agent in the same seat, same seed."""
    model = game.model
    agents = game.agents_only()
    rows = []
    for actor in game.setup.humans:
        mine, theirs = seat_score(model, actor), seat_score(agents, actor)
        if mine is None or theirs is None:
            continue
        rows.append(
            f'<tr data-actor="{esc(actor)}"><td>{esc(model.actor_name(actor))}</td>'
            f"<td class='num'>{points_html(mine.walk_away, unit=False)}</td>"
            f"<td class='num'>{points_html(mine.value, unit=False)}</td>"
            f"<td class='num score-you'>{mine.share:.0%}</td>"
            f"<td class='num'>{points_html(theirs.value, unit=False)}</td>"
            f"<td class='num score-agent'>{theirs.share:.0%}</td></tr>"
        )
    if not rows:
        return ""
    return (
        "<table class='neg-table seat-scores'><caption>Your score: the share of the possible "
        f"gain you captured, from your {term_link('walk-away')} (0%) to your ideal (100%), "
        "against the agent in your seat on the same scenario and seed.</caption>"
        "<tr><th scope='col'>Seat</th><th scope='col' class='num'>Walk-away</th>"
        "<th scope='col' class='num'>You got</th><th scope='col' class='num'>Your score</th>"
        "<th scope='col' class='num'>Agent got</th><th scope='col' class='num'>Agent's score</th>"
        f"</tr>{''.join(rows)}</table>"
    )


def nash_html(model: NegotiationModel) -> str:
    outcome = model.outcome
    assert outcome is not None
    nash = outcome.nash_point
    fair = term_link("Nash point", "fair split (the Nash point)")
    if nash is None:
        return f"<p>No {fair}: no package beats both sides' walk-away values.</p>"
    head = (
        f"<p>The {fair}: the US {points_html(nash['us'])}, the Commission "
        f"{points_html(nash['commission'])}."
    )
    if model.signed is None:
        return head + " No bloc deal was signed to compare with it.</p>"
    return head + (
        f" The deal: the US {points_html(model.us.utility(model.signed))}, the Commission "
        f"{points_html(model.commission.utility(model.signed))}. It lies "
        f"{points(outcome.nash_distance)} points from the fair split and "
        f"{points(outcome.pareto_distance)} points from the {term_link('efficient frontier')} "
        "(0 means no value was left on the table).</p>"
    )


def utilities_html(model: NegotiationModel, outcome: Outcome, other: Outcome | None = None) -> str:
    """Every actor's result in points; with `other`, the other game's value and the change."""
    cells = []
    for actor, value in outcome.utilities.items():
        shown = points_html(value, unit=False)
        if other is not None:
            alt = other.utilities.get(actor, float("nan"))
            shown += f" → {points_html(alt, unit=False)} ({signed_points(alt - value)})"
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
                    + "<p>Points: this game → what if (change)</p>"
                    + utilities_html(model, model.outcome, alt)
                ),
            )


@solara.component
def Debrief(game: GameSession, version: int = 0) -> None:
    model = game.model
    if model.outcome is None:
        return
    with solara.Card(classes=["debrief"]):
        FocusHeading.element(
            text="Debrief: what happened and why", level=2, extra_class="debrief-title"
        )
        solara.HTML(
            tag="p", unsafe_innerHTML=f"<b>{esc(why_sentence(model))}</b>", classes=["debrief-why"]
        )
        if game.setup.humans:
            solara.HTML(tag="h3", unsafe_innerHTML="Your decisive moves")
            solara.HTML(tag="div", unsafe_innerHTML=your_moves_html(game))
            solara.HTML(tag="div", unsafe_innerHTML=score_html(game))
            agents = game.agents_only()
            solara.HTML(tag="h3", unsafe_innerHTML="The same game played by the agents alone")
            solara.HTML(
                tag="div",
                classes=["agents-only"],
                unsafe_innerHTML=f"<p>{esc(why_sentence(agents))}</p>"
                "<p>Points for each actor: this game → the agents alone (change)</p>"
                + utilities_html(model, model.outcome, agents.outcome),
            )
        solara.HTML(tag="h3", unsafe_innerHTML="The moves that decided the game")
        solara.HTML(tag="div", unsafe_innerHTML=moves_html(decisive_moves(model), game.human_moves))
        solara.HTML(tag="h3", unsafe_innerHTML="The deal and the fair split")
        solara.HTML(tag="div", unsafe_innerHTML=nash_html(model))
        solara.HTML(tag="h3", unsafe_innerHTML="What every actor got (points out of 100)")
        solara.HTML(tag="div", unsafe_innerHTML=utilities_html(model, model.outcome))
    WhatIfPanel(game, version)
