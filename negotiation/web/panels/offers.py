"""Seat panels for the two sides of the bloc talks: the United States and the Commission.

Each builds a package with a slider per issue in real units and a switch for the territorial
clause, and shows live, before sending, what the package is worth to both sides and how the
Council would vote on it. The US may also offer bilateral deals to single member states.
"""

from __future__ import annotations

from typing import Any

import solara

from negotiation.model import NegotiationModel
from negotiation.moves import Decision
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import MoveError, Prompt, TermSliders, send
from negotiation.web.state import GameSession
from negotiation.web.theme import esc


def package_summary(model: NegotiationModel, terms: dict[str, float], clause: bool) -> str:
    """HTML lines: worth to the US, to the Commission, and the Council forecast."""
    package = model.space.from_real(terms, clause)
    vote = model.forecast(package)
    verdict = "would pass" if vote.passed else "would fail"
    return (
        f'<div class="live-us">Worth to the US: <b>{model.us.utility(package):.2f}</b></div>'
        f'<div class="live-commission">Worth to the Commission: '
        f"<b>{model.commission.utility(package):.2f}</b></div>"
        f'<div class="live-council">Council {verdict}: {vote.yes_states} of {vote.total_states} '
        f"states ({vote.states_share:.0%}, need {vote.rule.states_share:.0%}), "
        f"{vote.population_share:.0%} of the population (need {vote.rule.population_share:.0%})"
        f"{'; a blocking minority stands' if vote.blocking_minority else ''}.</div>"
    )


def _full_terms(decision: Decision, model: NegotiationModel) -> dict[str, float]:
    """Real-unit terms for every issue: the agent's suggestion, else the last package."""
    terms = dict(decision.agent_move.get("terms") or {})
    fallback = model.counter or model.us_offer or model.expected_package()
    real = model.space.to_real(fallback) if fallback is not None else {}
    return {i.id: float(terms.get(i.id, real.get(i.id, i.low))) for i in model.space.issues}


@solara.component
def ClauseSwitch(
    value: solara.Reactive[bool], label: str = "Territorial-integrity clause in"
) -> None:
    with solara.Div(classes=["clause-switch"]):
        solara.Switch(label=label, value=value)


@solara.component
def UsPanel(decision: Decision, game: GameSession) -> None:
    """The United States: a bloc offer (and optional bilateral offers), or accept the counter."""
    app = use_app_state()
    model = game.model
    agent = decision.agent_move
    terms = solara.use_reactive(_full_terms(decision, model))
    clause = solara.use_reactive(bool(agent.get("clause", True)))
    bil_agent: dict[str, Any] = agent.get("bilateral") or {}
    free = decision.info.get("free_states", [])
    bilateral_on = solara.use_reactive(bool(bil_agent))
    bil_ids = decision.info.get("bilateral_issues", [])
    bil_terms = solara.use_reactive(
        {k: float((bil_agent.get("terms") or {}).get(k, terms.value[k])) for k in bil_ids}
    )
    bil_states = solara.use_reactive([s for s in bil_agent.get("states", []) if s in free])
    bil_clause = solara.use_reactive(bool(bil_agent.get("clause", True)))
    error = solara.use_reactive(None)

    def bilateral() -> dict[str, Any] | None:
        if not bilateral_on.value:
            return None
        return {"states": bil_states.value, "terms": bil_terms.value, "clause": bil_clause.value}

    def offer() -> None:
        move = {"action": "offer", "terms": terms.value, "clause": clause.value}
        if (bil := bilateral()) is not None:
            move["bilateral"] = bil
        send(game, app, move, error)

    def accept() -> None:
        move: dict[str, Any] = {"action": "accept"}
        if (bil := bilateral()) is not None:
            move["bilateral"] = bil
        send(game, app, move, error)

    with solara.Card(
        f"Your move: the United States, round {decision.round}", classes=["seat-panel", "seat-us"]
    ):
        Prompt(decision.prompt)
        solara.HTML(tag="h3", unsafe_innerHTML="Bloc offer to the Commission")
        TermSliders(model.space.issues, terms)
        ClauseSwitch(clause)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=package_summary(model, terms.value, clause.value),
            classes=["live-summary"],
        )
        with solara.Div(classes=["bilateral-offer"]):
            solara.Switch(label="Also offer bilateral deals to single states", value=bilateral_on)
            if bilateral_on.value:
                names = {c: model.actor_name(c) for c in free}
                solara.SelectMultiple(
                    "States offered a bilateral deal",
                    values=bil_states.value,
                    all_values=free,
                    on_value=bil_states.set,
                    classes=["bilateral-states"],
                )
                solara.Text(", ".join(names[c] for c in bil_states.value) or "no state chosen")
                TermSliders([i for i in model.space.issues if i.id in bil_ids], bil_terms)
                ClauseSwitch(bil_clause, "Territorial-integrity clause in the bilateral deals")
                package = model.space.from_real(
                    {**terms.value, **bil_terms.value}, bil_clause.value
                )
                solara.Text(
                    f"Worth to the US per bilateral deal: {model.us.bilateral_utility(package):.2f}"
                )
        MoveError(error.value)
        with solara.Row():
            solara.Button("Send offer", on_click=offer, color="primary", classes=["send-move"])
            if model.counter is not None:
                solara.Button(
                    "Accept the Commission's counter-offer", on_click=accept, outlined=True
                )


@solara.component
def CommissionPanel(decision: Decision, game: GameSession) -> None:
    """The Commission: counter-offer, or accept the US offer (it then goes to the Council)."""
    app = use_app_state()
    model = game.model
    info = decision.info
    terms = solara.use_reactive(_full_terms(decision, model))
    clause = solara.use_reactive(bool(decision.agent_move.get("clause", True)))
    error = solara.use_reactive(None)
    suggestion = decision.agent_move.get("action", "counter")

    def counter() -> None:
        send(game, app, {"action": "counter", "terms": terms.value, "clause": clause.value}, error)

    def accept() -> None:
        send(game, app, {"action": "accept"}, error)

    title = f"Your move: the Commission, round {decision.round}"
    with solara.Card(title, classes=["seat-panel", "seat-commission"]):
        Prompt(decision.prompt)
        solara.Text(
            f"Your agent aims for {info['target']:.2f}; your walk-away is "
            f"{info['reservation']:.2f}. Your agent would {esc(suggestion)}."
        )
        solara.HTML(tag="h3", unsafe_innerHTML="Counter-offer to the US")
        TermSliders(model.space.issues, terms)
        ClauseSwitch(clause)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=package_summary(model, terms.value, clause.value),
            classes=["live-summary"],
        )
        MoveError(error.value)
        with solara.Row():
            solara.Button(
                "Send counter-offer", on_click=counter, color="primary", classes=["send-move"]
            )
            if model.us_offer is not None:
                solara.Button("Accept the US offer", on_click=accept, outlined=True)
