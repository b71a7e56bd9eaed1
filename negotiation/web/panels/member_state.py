"""Seat panels for a member state: its stance each round, and its vote in the Council.

Every choice shows what it is worth to the state (points out of 100), so a student sees the value
of each option before choosing. Each option is a button; the one the state's agent would pick is
the primary button. A new option is one more entry in `STANCE_CHOICES` (or the vote's list).
"""

from __future__ import annotations

import math
from typing import Any

import solara

from negotiation.actors.commission import PAYMENT_STEP
from negotiation.moves import Decision
from negotiation.narrate_parts import LABEL
from negotiation.strategies.member_states import STANCES
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import (
    Action,
    ActionButtons,
    SeatFrame,
    moved,
    yes_no_actions,
)
from negotiation.web.state import GameSession
from negotiation.web.theme import esc
from negotiation.web.words import amount, plural, points_html, points_text, term_link

STANCE_CHOICES = {
    "bloc": "Stay with the bloc",
    "bilateral": "Take the US bilateral deal",
    "china": "Lean to China",
    "conditional": "Back the bloc if the Commission pays",
}
KEEP_DEAL = "Keep your US bilateral deal"
ASK_STEP = PAYMENT_STEP
"""The ask slider's step: the engine's step for EU funds (half a point)."""


def stance_labels(
    values: dict[str, float], options: list[str] | None = None, signed: bool = False
) -> dict[str, str]:
    """Button label per stance on offer: 'Stay with the bloc (70 points)'. `options` (the
    engine's list) adds stances without a value of their own (conditional support); a state
    that has `signed` its US deal keeps it rather than takes it."""
    keys = list(options) if options else list(values)
    words = {**STANCE_CHOICES, "bilateral": KEEP_DEAL} if signed else STANCE_CHOICES
    return {
        k: words.get(k, k.replace("_", " ").capitalize())
        + (f" ({round(100 * values[k])} points)" if k in values else "")
        for k in keys
    }


def most_ask(decision: Decision) -> float:
    """The most the ask slider offers: the EU funds the Commission has left (it cannot pay more),
    on the slider's grid, at least one step; the agent's own ask, if higher, stays reachable."""
    left = math.floor(float(decision.info.get("eu_funds_left", 1.0)) / ASK_STEP + 1e-9) * ASK_STEP
    agent = decision.agent_move
    own = float(agent.get("ask") or 0.0) if agent.get("stance") == "conditional" else 0.0
    return round(min(1.0, max(ASK_STEP, left, own)), 6)


def default_ask(decision: Decision) -> float:
    """The ask the conditional option starts at: the agent's own if it asks, else what the best
    other option is worth above the bloc (at least one step), at most what the slider offers."""
    agent = decision.agent_move
    if agent.get("stance") == "conditional" and agent.get("ask"):
        return float(agent["ask"])
    values = decision.info.get("values", {})
    gap = max(values.values(), default=0.0) - values.get("bloc", 0.0)
    step_up = math.ceil(gap / ASK_STEP - 1e-9) * ASK_STEP
    return round(min(most_ask(decision), max(ASK_STEP, step_up)), 6)


def _label(stance: str) -> str:
    """A stance in the log's words ('the US bilateral deal'), from `narrate_parts.LABEL`."""
    return LABEL[STANCES.index(stance)]


def agent_weighs(seen: dict[str, float], offered: list[str] | None = None) -> str:
    """How the state's agent weighs the options today (with the day's swing and its strategy's
    outlook, which the values above leave out): ', weighing them today, with the day's swing
    and its outlook, at the bloc 28 and the US bilateral deal 30 points'. To a tenth of a point where whole
    points would tie. An option on offer (`offered`) that the outlook rules out is named."""
    ruled_out = [k for k in offered or [] if k not in seen]
    out = (
        f", as its outlook rules out {' and '.join(_label(k) for k in ruled_out)}"
        if ruled_out
        else ""
    )
    if len(seen) < 2:
        return out
    whole = [round(100 * v) for v in seen.values()]
    places = 0 if len(set(whole)) == len(whole) else 1
    shown = [f"{_label(k)} {100 * v:.{places}f}" for k, v in seen.items()]
    return (
        ", weighing them today, with the day's swing and its outlook, at "
        + ", ".join(shown[:-1])
        + f" and {shown[-1]} points"
        + out
    )


@solara.component
def StancePanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    options = list(getattr(decision, "options", None) or info["values"])
    labels = stance_labels(info["values"], options, bool(info.get("signed")))
    wants = decision.agent_move["stance"]
    ask = solara.use_reactive(default_ask(decision))
    touched = solara.use_reactive(False)
    error = solara.use_reactive(None)

    def set_ask(value: float) -> None:
        if moved(ask.value, value, ASK_STEP):
            touched.set(True)
            ask.set(float(value))

    def build(key: str) -> dict[str, Any]:
        return {"stance": key, "ask": ask.value} if key == "conditional" else {"stance": key}

    # the agent's conditional move with a changed ask is no longer the agent's move
    untouched = not (touched.value and wants == "conditional")
    actions = [
        Action(label, lambda k=key: build(k), key == wants, f"stance-{key}")
        for key, label in labels.items()
    ]
    title = f"Your move: {decision.actor_name}, round {decision.round}: your stance"
    with SeatFrame(decision, title, "seat-stance"):
        solara.HTML(
            tag="p",
            unsafe_innerHTML=f"Choose your {term_link('stance')}. What each option is worth to "
            f"you now: China's {term_link('export-control pressure')} costs you "
            f"{points_html(info['pressure_cost'])}; China offers you "
            f"{points_html(info['inducement'])}"
            + (
                ""
                if info.get("signed")  # it has left already: its deal stands
                else f"; leaving the bloc costs you {points_html(info['loyalty'])} in loyalty"
            )
            + (
                f"; a US {term_link('tariff threat')} hangs over you"
                if info.get("tariff_threat")
                else ""
            )
            + ".",
        )
        if info.get("signed"):
            solara.HTML(
                tag="p",
                unsafe_innerHTML="You hold a US bilateral deal: you keep it, and you still vote "
                "in the Council on the bloc deal.",
            )
        if "conditional" in labels:
            solara.HTML(
                tag="p",
                unsafe_innerHTML="Or back the bloc on a condition: the Commission promises you "
                f"{term_link('EU funds')}. It has "
                f"{points_html(info.get('eu_funds_left', 0.0), exact=True)} "
                "left this game. You count as backing the bloc this round; the Commission sees "
                "your ask and may pay it (a payment adds to what the bloc deal is worth to you); "
                "if it does not, you choose again next round.",
            )
            with solara.Div(classes=["slider-ask"]):
                solara.SliderFloat(
                    f"Your ask to the Commission: {points_text(ask.value)} (it has "
                    f"{amount(info.get('eu_funds_left', 0.0))} left)",
                    value=ask.value,
                    min=ASK_STEP,
                    max=most_ask(decision),
                    step=ASK_STEP,
                    on_value=set_ask,
                    thumb_label=False,
                )
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would choose: {esc(labels[wants])}"
            + (
                f", asking for {points_html(decision.agent_move.get('ask', 0.0), exact=True)}"
                if wants == "conditional"
                else ""
            )
            + agent_weighs(info.get("agent_sees") or {}, list(info["values"]))
            + ".",
        )
        ActionButtons(decision, game, app, actions, not untouched, error)


@solara.component
def VotePanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    wants = decision.agent_move["vote"]
    forecast = info["forecast"]
    error = solara.use_reactive(None)
    actions = yes_no_actions(
        "vote",
        wants,
        f"Vote yes (the package is worth {round(100 * info['yes_value'])} points to you)",
        f"Vote no (your alternative is worth {round(100 * info['alternative'])} points)",
    )
    title = f"Your move: {decision.actor_name}, round {decision.round}: the Council votes"
    with SeatFrame(decision, title, "seat-vote"):
        solara.HTML(
            tag="p",
            unsafe_innerHTML=f"As the states lean now (you voting as your agent would): "
            f"{forecast['yes_states']} of {plural(forecast['total_states'], 'state')} and "
            f"{forecast['population_share']:.0%} of the population for, so it "
            f"{'passes' if forecast['passed'] else 'fails'} ({term_link('qualified majority')}).",
        )
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would vote {wants}.",
        )
        ActionButtons(decision, game, app, actions, False, error)
