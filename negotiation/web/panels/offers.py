"""Seat panels for the two sides of the bloc talks: the United States and the Commission.

Each builds a package with a slider per issue in real units (your ideal and walk-away in every
label) and a switch for the territorial clause, and shows live, before sending, what the package
is worth to both sides (in points out of 100) and how the Council would vote on it. The US may also
offer bilateral deals to single member states. The agent's choice is the primary button: untouched,
it sends exactly the agent's move.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import solara

from negotiation import legal_form
from negotiation.model import NegotiationModel
from negotiation.moves import Decision
from negotiation.web.briefing import issue_goals
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import Action, ActionButtons, SeatFrame, TermSliders
from negotiation.web.panels.levers import (
    PaymentsEditor,
    TariffEditor,
    over_budget,
    state_items,
    tariff_move,
)
from negotiation.web.panels.parliament import FormSelect, allowed_forms, default_form
from negotiation.web.state import GameSession
from negotiation.web.theme import esc
from negotiation.web.words import plural, points_html, term_link


def package_summary(
    model: NegotiationModel, terms: dict[str, float], clause: bool, form: str | None = None
) -> str:
    """HTML lines: worth to the US, to the Commission, and the Council forecast (by the vote
    rule of the package's legal form)."""
    package = replace(model.space.from_real(terms, clause), form=form)
    vote = model.forecast(package)
    rule = "unanimity" if legal_form.needs_unanimity(form) else "qualified majority"
    verdict = "would pass" if vote.passed else "would fail"
    consent = ""
    if legal_form.needs_parliament(form) and model.parliament is not None:
        ok = model.parliament_would_consent(package)
        consent = (
            '<div class="live-parliament">The European Parliament '
            f"{'would consent' if ok else 'would refuse its consent'} (worth "
            f"{points_html(model.parliament.utility(package))} to it"
            + ("; its consent procedure is suspended" if model.parliament.suspended else "")
            + ").</div>"
        )
    blocking = f"; a {term_link('blocking minority')} stands" if vote.blocking_minority else ""
    return (
        f'<div class="live-us">Worth to the US: <b>{points_html(model.us.utility(package))}'
        "</b></div>"
        f'<div class="live-commission">Worth to the Commission: '
        f"<b>{points_html(model.commission.utility(package))}</b></div>"
        f'<div class="live-council">The Council {verdict} ({term_link(rule)}): '
        f"{vote.yes_states} of {plural(vote.total_states, 'state')} ({vote.states_share:.0%}, "
        f"need {vote.rule.states_share:.0%}), {vote.population_share:.0%} of the population "
        f"(need {vote.rule.population_share:.0%}){blocking}.</div>" + consent
    )


def full_terms(decision: Decision, model: NegotiationModel) -> dict[str, float]:
    """Real-unit terms for every issue: the agent's suggestion, else the last package."""
    terms = dict(decision.agent_move.get("terms") or {})
    fallback = model.counter or model.us_offer or model.expected_package()
    real = model.space.to_real(fallback) if fallback is not None else {}
    return {i.id: float(terms.get(i.id, real.get(i.id, i.low))) for i in model.space.issues}


def bilateral_groups(move: dict[str, Any]) -> list[dict[str, Any]]:
    """The bilateral offers of a US move as a list of groups (a move may give one group or a
    list)."""
    given = move.get("bilateral") or []
    return list(given) if isinstance(given, list) else [given]


def suggestion_words(decision: Decision, names: dict[str, str]) -> str:
    """What the seat's agent would do, in words, naming the states."""
    move = decision.agent_move
    action = move.get("action")
    if decision.kind == "us":
        said = (
            "accept the Commission's counter-offer"
            if action == "accept"
            else "make the offer set below"
        )
        groups = bilateral_groups(move)
        if groups:
            said += " and offer bilateral deals to " + ", ".join(
                names.get(c, c) for g in groups for c in g.get("states", [])
            )
            if len(groups) > 1:
                said += f" ({len(groups)} sets of terms, each tailored to the states it goes to)"
        threats = [
            c
            for c in (move.get("tariffs") or {}).get("threaten", [])
            if c not in decision.info.get("threatened", [])
        ]
        if threats:
            said += (
                ", and threaten " + ", ".join(names.get(c, c) for c in threats) + " with tariffs"
            )
        return said
    if decision.kind == "commission":
        said = "accept the US offer" if action == "accept" else "make the counter-offer set below"
        paid = move.get("payments") or {}
        if paid:
            said += ", and promise EU funds to " + ", ".join(names.get(c, c) for c in paid)
        return said
    return str(action or "")


@solara.component
def ClauseSwitch(
    value: solara.Reactive[bool],
    label: str = "Territorial-integrity clause in",
    on_touch: Any = None,
) -> None:
    def flip(new: bool) -> None:
        if on_touch is not None:
            on_touch()
        value.set(new)

    with solara.Div(classes=["clause-switch"]):
        solara.Switch(label=label, value=value.value, on_value=flip)


def bilateral_summary_html(
    model: Any, group: dict[str, Any], bloc_terms: dict[str, float], names: dict[str, str]
) -> str:
    """One bilateral offer in words: to whom, its terms, and what it is worth to the US."""
    bil_terms = group.get("terms") or {}
    package = model.space.from_real({**bloc_terms, **bil_terms}, bool(group.get("clause", True)))
    issues = {i.id: i for i in model.space.issues}
    said = ", ".join(
        f"{issues[k].label.lower()} {issues[k].format(issues[k].to_unit(x))}"
        for k, x in bil_terms.items()
        if k in issues
    )
    to = ", ".join(names.get(c, c) for c in group.get("states", [])) or "no state yet"
    return (
        f'<p class="bilateral-summary">To {esc(to)}: {esc(said)}; worth to the US per deal: '
        + points_html(model.us.bilateral_utility(package))
        + "</p>"
    )


@solara.component
def BilateralSummaries(
    model: Any, groups: list[dict[str, Any]], bloc_terms: dict[str, float], names: dict[str, str]
) -> None:
    """The bilateral offers in words, one paragraph each, in one element (an agent may tailor a
    dozen offers: one element each made the panel slow to draw)."""
    solara.HTML(
        tag="div",
        classes=["bilateral-summaries"],
        unsafe_innerHTML="".join(
            bilateral_summary_html(model, g, bloc_terms, names) for g in groups
        ),
    )


@solara.component
def UsPanel(decision: Decision, game: GameSession) -> None:
    """The United States: a bloc offer (and optional bilateral offers), or accept the counter."""
    app = use_app_state()
    model = game.model
    agent = decision.agent_move
    goals = solara.use_memo(
        lambda: {g.id: g for g in issue_goals(model, "us")}, dependencies=[id(model)]
    )
    terms = solara.use_reactive(full_terms(decision, model))
    clause = solara.use_reactive(bool(agent.get("clause", True)))
    form = solara.use_reactive(default_form(decision, model))
    agent_groups = bilateral_groups(agent)
    bil_agent: dict[str, Any] = agent_groups[0] if agent_groups else {}
    free = decision.info.get("free_states", [])
    names = {c: model.actor_name(c) for c in model.states.codes}
    bilateral_on = solara.use_reactive(bool(bil_agent))
    bil_ids = decision.info.get("bilateral_issues", [])
    bil_terms = solara.use_reactive(
        {k: float((bil_agent.get("terms") or {}).get(k, terms.value[k])) for k in bil_ids}
    )
    bil_states = solara.use_reactive(
        [s for g in agent_groups for s in g.get("states", []) if s in free]
    )
    bil_clause = solara.use_reactive(bool(bil_agent.get("clause", True)))
    threatened = solara.use_reactive(
        [c for c in (agent.get("tariffs") or {}).get("threaten", []) if c in free]
    )
    touched = solara.use_reactive(False)
    bil_edit = solara.use_reactive(False)
    states_touched = solara.use_reactive(False)
    terms_touched = solara.use_reactive(False)
    tariffs_touched = solara.use_reactive(False)
    error = solara.use_reactive(None)

    def touch() -> None:
        touched.set(True)

    def touch_states() -> None:
        touched.set(True)
        states_touched.set(True)

    def touch_terms() -> None:
        touched.set(True)
        terms_touched.set(True)

    def touch_tariffs() -> None:
        touched.set(True)
        tariffs_touched.set(True)

    def bilateral() -> Any:
        if not bilateral_on.value:
            return None
        if agent_groups and not (states_touched.value or terms_touched.value):
            return agent.get("bilateral")  # the agent's tailored offers, as they are
        group: dict[str, Any] = {"states": bil_states.value}
        if terms_touched.value or not agent_groups:
            group.update(terms=bil_terms.value, clause=bil_clause.value)
        # terms left out: each state keeps the terms the agent tailored to it
        return group

    def with_levers(move: dict[str, Any]) -> dict[str, Any]:
        if (bil := bilateral()) is not None:
            move["bilateral"] = bil
        if tariffs_touched.value:
            move["tariffs"] = tariff_move(threatened.value, decision.info.get("threatened", []))
        elif agent.get("tariffs"):
            move["tariffs"] = agent["tariffs"]
        return move

    def offer_move() -> dict[str, Any]:
        return with_levers(
            {"action": "offer", "terms": terms.value, "clause": clause.value, **form_field()}
        )

    def form_field() -> dict[str, str]:
        return {"form": form.value} if len(allowed_forms(model)) > 1 else {}

    def accept_move() -> dict[str, Any]:
        return with_levers({"action": "accept"})

    wants = agent.get("action", "offer")
    actions = [Action("Send offer", offer_move, wants == "offer", "send-offer")]
    if model.counter is not None:
        actions.append(
            Action("Accept the Commission's counter-offer", accept_move, wants == "accept",
                   "accept-counter")
        )  # fmt: skip
    title = f"Your move: the United States, round {decision.round}"
    with SeatFrame(decision, title, "seat-us"):
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would {esc(suggestion_words(decision, names))}. "
            "It aims for "
            f"{points_html(decision.info['target'])} this round ({term_link('target')}).",
        )
        solara.HTML(tag="h3", unsafe_innerHTML="Bloc offer to the Commission")
        TermSliders(model.space.issues, terms, touch, goals)
        ClauseSwitch(clause, on_touch=touch)
        FormSelect(model, form, touch)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=package_summary(model, terms.value, clause.value, form.value),
            classes=["live-summary"],
        )
        with solara.Div(classes=["bilateral-offer"]):

            def flip_bilateral(on: bool) -> None:
                touch()
                bilateral_on.set(on)

            solara.Switch(
                label="Also offer bilateral deals to single states",
                value=bilateral_on.value,
                on_value=flip_bilateral,
            )
            if bilateral_on.value:
                if agent_groups and not (states_touched.value or terms_touched.value):
                    BilateralSummaries(model, agent_groups, terms.value, names)
                elif terms_touched.value or not agent_groups:
                    BilateralSummaries(
                        model,
                        [{"states": bil_states.value, "terms": bil_terms.value,
                          "clause": bil_clause.value}],
                        terms.value,
                        names,
                    )  # fmt: skip
                else:
                    solara.Text(
                        "To "
                        + (", ".join(names.get(c, c) for c in bil_states.value) or "no state yet")
                        + ": the terms your agent tailored to each state.",
                        classes=["bilateral-summary"],
                    )
                # the editor is drawn only when wanted: it is most of the panel's weight
                if not bil_edit.value:
                    solara.Button(
                        "Change the bilateral offer",
                        on_click=lambda: bil_edit.set(True),
                        outlined=True,
                        classes=["edit-bilateral"],
                    )
                else:
                    solara.SelectMultiple(
                        "States offered a bilateral deal",
                        values=bil_states.value,
                        all_values=state_items(free, names),
                        on_value=lambda v: (touch_states(), bil_states.set(v)),
                        classes=["bilateral-states"],
                    )
                    solara.Text(
                        "Choosing states keeps the terms your agent tailored to each; moving a "
                        "slider below sends one set of terms to every state chosen."
                    )
                    TermSliders(
                        [i for i in model.space.issues if i.id in bil_ids],
                        bil_terms,
                        touch_terms,
                    )
                    ClauseSwitch(
                        bil_clause,
                        "Territorial-integrity clause in the bilateral deals",
                        touch_terms,
                    )
        with solara.Div(classes=["us-tariffs"]):
            TariffEditor(decision.info, names, threatened, touch_tariffs)
        ActionButtons(decision, game, app, actions, touched.value, error)


@solara.component
def CommissionPanel(decision: Decision, game: GameSession) -> None:
    """The Commission: counter-offer, or accept the US offer (it then goes to the Council)."""
    app = use_app_state()
    model = game.model
    info = decision.info
    goals = solara.use_memo(
        lambda: {g.id: g for g in issue_goals(model, "commission")}, dependencies=[id(model)]
    )
    terms = solara.use_reactive(full_terms(decision, model))
    clause = solara.use_reactive(bool(decision.agent_move.get("clause", True)))
    form = solara.use_reactive(default_form(decision, model))
    payments = solara.use_reactive(
        {c: float(a) for c, a in (decision.agent_move.get("payments") or {}).items()}
    )
    touched = solara.use_reactive(False)
    error = solara.use_reactive(None)
    wants = decision.agent_move.get("action", "counter")
    names = {c: model.actor_name(c) for c in model.states.codes}

    def touch() -> None:
        touched.set(True)

    def with_payments(move: dict[str, Any]) -> dict[str, Any]:
        paid = {c: a for c, a in payments.value.items() if a > 0}
        return {**move, "payments": paid} if paid else move

    actions = [
        Action(
            "Send counter-offer",
            lambda: with_payments(
                {"action": "counter", "terms": terms.value, "clause": clause.value}
                | ({"form": form.value} if len(allowed_forms(model)) > 1 else {})
            ),
            wants == "counter",
            "send-counter",
        )
    ]
    if model.us_offer is not None:
        actions.append(
            Action("Accept the US offer", lambda: with_payments({"action": "accept"}),
                   wants == "accept", "accept-offer")
        )  # fmt: skip
    title = f"Your move: the Commission, round {decision.round}"
    with SeatFrame(decision, title, "seat-commission"):
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would {esc(suggestion_words(decision, names))}. "
            "It aims for "
            f"{points_html(info['target'])} this round; your {term_link('walk-away')} now is "
            f"{points_html(info['reservation'])} (it rises as more states back the bloc).",
        )
        solara.HTML(tag="h3", unsafe_innerHTML="Counter-offer to the US")
        TermSliders(model.space.issues, terms, touch, goals)
        ClauseSwitch(clause, on_touch=touch)
        FormSelect(model, form, touch)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=package_summary(model, terms.value, clause.value, form.value),
            classes=["live-summary"],
        )
        with solara.Div(classes=["eu-funds"]):
            PaymentsEditor(info, names, payments, touch)
        blocked = over_budget(
            sum(payments.value.values()),
            float(info.get("eu_funds_left", 0.0)),
            "Your payments total",
            "of EU funds left",
        )
        ActionButtons(decision, game, app, actions, touched.value, error, blocked)
