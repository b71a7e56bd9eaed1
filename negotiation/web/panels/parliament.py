"""Seat panels for the European Parliament, and the legal-form choice the US and Commission make.

The Parliament decides twice: each round whether to suspend its consent procedure (kind
"parliament"; while suspended no binding or mixed agreement can be concluded), and, when the
Council has approved a binding or mixed agreement, whether to give its consent (kind "consent").
Each option is a button; the one the Parliament's agent would pick is the primary button.

`FormSelect` is the select of the legal form in the US and Commission panels: the forms the
scenario allows, the agent's suggestion first chosen, and one line saying which vote rule the
chosen form triggers (`negotiation.legal_form.RULE`).
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from negotiation import legal_form
from negotiation.model import NegotiationModel
from negotiation.moves import Decision
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import Action, ActionButtons, SeatFrame, yes_no_actions
from negotiation.web.state import GameSession
from negotiation.web.theme import esc
from negotiation.web.words import points_html, term_link

SUSPENDED_MEANS = (
    "While your consent procedure is suspended, no binding agreement and no mixed agreement can "
    "be concluded: the Council may still approve a non-binding memorandum."
)


def allowed_forms(model: NegotiationModel) -> list[str]:
    """The legal forms the scenario lets the bloc deal take, in the engine's order."""
    given = list(getattr(model.spec, "legal_forms", None) or [legal_form.NON_BINDING])
    return [f for f in legal_form.FORMS if f in given]


def form_label(form: str) -> str:
    """'A binding EU agreement' (the select's entry for a form)."""
    label = legal_form.LABEL.get(form, form.replace("_", " "))
    return label[0].upper() + label[1:]


def form_rule_line(form: str | None) -> str:
    """One sentence: the form and the vote rule it triggers."""
    if form is None or form not in legal_form.RULE:
        return ""
    return f"{form_label(form)} needs {legal_form.RULE[form]}."


def default_form(decision: Decision, model: NegotiationModel) -> str:
    """The agent's suggested form, else the form of the package on the table, else the first
    allowed form."""
    forms = allowed_forms(model)
    wanted = decision.agent_move.get("form")
    if wanted in forms:
        return str(wanted)
    for package in (model.counter, model.us_offer):
        form = getattr(package, "form", None)
        if form in forms:
            return str(form)
    return forms[0]


@solara.component
def FormSelect(
    model: NegotiationModel,
    form: solara.Reactive[str],
    on_touch: Callable[[], None] = lambda: None,
) -> None:
    """The legal form of the bloc package, with the vote rule it triggers (hidden when the
    scenario allows only one form)."""
    forms = allowed_forms(model)
    if len(forms) < 2:
        return
    labels = {form_label(f): f for f in forms}

    def choose(label: str) -> None:
        if labels.get(label, form.value) != form.value:
            on_touch()
            form.set(labels[label])

    with solara.Div(classes=["legal-form"]):
        solara.Select(
            "Legal form of the agreement",
            values=list(labels),
            value=form_label(form.value),
            on_value=choose,
            classes=["form-select"],
        )
        solara.HTML(
            tag="p",
            classes=["form-rule"],
            unsafe_innerHTML=esc(form_rule_line(form.value)),
        )


@solara.component
def ParliamentPanel(decision: Decision, game: GameSession) -> None:
    """The Parliament's consent procedure this round: proceed or suspend."""
    app = use_app_state()
    info = decision.info
    wants = decision.agent_move.get("procedure", "proceed")
    error = solara.use_reactive(None)
    actions = [
        Action(
            "Proceed with the consent procedure",
            lambda: {"procedure": "proceed"},
            wants == "proceed",
            "procedure-proceed",
        ),
        Action(
            "Suspend the consent procedure",
            lambda: {"procedure": "suspend"},
            wants == "suspend",
            "procedure-suspend",
        ),
    ]
    title = f"Your move: {decision.actor_name}, round {decision.round}: your consent procedure"
    threat = bool(info.get("territorial_threat"))
    with SeatFrame(decision, title, "seat-parliament"):
        solara.HTML(
            tag="p",
            unsafe_innerHTML="A binding or mixed agreement needs your consent "
            "(Art. 218(6)(a)(v) TFEU); a non-binding memorandum does not. "
            + esc(SUSPENDED_MEANS)
            + f" Your {term_link('walk-away')}: {points_html(info.get('walkaway', 0.0))}.",
        )
        solara.HTML(
            tag="p",
            classes=["parliament-threat"],
            unsafe_innerHTML=(
                "<b>The US is threatening a member state's territory.</b> You suspended your "
                "procedure over such a threat on 21 January 2026 (Greenland)."
                if threat
                else "The US is not threatening any member state's territory now."
            ),
        )
        solara.HTML(
            tag="p",
            classes=["parliament-state"],
            unsafe_innerHTML="Your procedure is <b>suspended</b> now."
            if info.get("suspended")
            else "Your procedure is running now.",
        )
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would {esc(wants)}.",
        )
        ActionButtons(decision, game, app, actions, False, error)


@solara.component
def ConsentPanel(decision: Decision, game: GameSession) -> None:
    """The Parliament's consent to the binding or mixed agreement the Council approved."""
    app = use_app_state()
    info = decision.info
    wants = decision.agent_move.get("consent", "yes")
    value = float(info.get("value", 0.0))
    walk = float(info.get("walkaway", 0.0))
    form = info.get("form")
    error = solara.use_reactive(None)
    actions = yes_no_actions(
        "consent",
        wants,
        f"Give your consent (the agreement is worth {round(100 * value)} points to you)",
        f"Refuse your consent (your walk-away is {round(100 * walk)} points)",
    )
    if "yes" not in decision.options:  # suspended: consent cannot be given
        actions = [a for a in actions if a.build() != {"consent": "yes"}]
    title = f"Your move: {decision.actor_name}, round {decision.round}: your consent"
    better = "more" if value > walk else "less"
    with SeatFrame(decision, title, "seat-consent"):
        solara.HTML(
            tag="p",
            classes=["consent-form"],
            unsafe_innerHTML=f"The Council approved {esc(legal_form.LABEL.get(form, str(form)))}. "
            + esc(form_rule_line(form))
            + " Without your consent it is not concluded and the talks go on.",
        )
        solara.HTML(
            tag="p",
            classes=["consent-value"],
            unsafe_innerHTML=f"It is worth {points_html(value)} to you, {better} than your "
            f"{term_link('walk-away')} of {points_html(walk)}.",
        )
        if info.get("suspended"):
            solara.HTML(
                tag="p",
                classes=["parliament-state"],
                unsafe_innerHTML="Your consent procedure is <b>suspended</b>: you cannot give "
                "consent now.",
            )
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML="Your agent would "
            + ("give its consent." if wants == "yes" else "refuse its consent."),
        )
        ActionButtons(decision, game, app, actions, False, error)
