"""The seat panel for China: export-control pressure and inducements to chosen member states.

Pressure is bounded by the scenario's `max_pressure`. For each state the panel shows the
inducement that would tip it away from the bloc, and its population, so a student can look for
the cheapest set of states that could block in the Council.
"""

from __future__ import annotations

import solara

from negotiation.moves import Decision
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import Action, ActionButtons, SeatFrame, moved
from negotiation.web.state import GameSession
from negotiation.web.theme import esc
from negotiation.web.words import points, term_link

PRESSURE_STEP = 0.05
AMOUNT_STEP = 0.01


def cheapest_html(
    needed: dict[str, float], populations: dict[str, float], names: dict[str, str]
) -> str:
    """The eight states cheapest to tip, with their population (millions)."""
    rows = sorted(needed.items(), key=lambda kv: kv[1])[:8]
    body = "".join(
        f"<tr><td>{esc(names[c])}</td><td class='num' title='exact value {v:.3f}'>{points(v)}"
        f"</td><td class='num'>{populations[c] / 1e6:.1f}</td></tr>"
        for c, v in rows
    )
    return (
        "<table class='neg-table'><caption>The states cheapest to win over</caption><tr>"
        f"<th scope='col'>State</th><th scope='col' class='num'>{term_link('inducement')} that "
        "would tip it (points)</th><th scope='col' class='num'>population (millions)</th></tr>"
        f"{body}</table>"
    )


def max_pressure(decision: Decision, game: GameSession) -> float:
    """The scenario's cap on pressure: from the decision if the engine gives it, else the model."""
    cap = decision.info.get("max_pressure")
    if cap is None:
        cap = getattr(game.model.china, "max_pressure", 1.0)
    return float(cap)


@solara.component
def ChinaPanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    agent = decision.agent_move
    needed: dict[str, float] = info["inducement_needed"]
    names = {c: game.model.actor_name(c) for c in needed}
    budget = float(info["budget"])
    cap = max_pressure(decision, game)
    pressure = solara.use_reactive(min(cap, float(agent["pressure"])))
    amounts = solara.use_reactive({c: float(v) for c, v in agent.get("inducements", {}).items()})
    touched = solara.use_reactive(False)
    error = solara.use_reactive(None)

    def set_pressure(value: float) -> None:
        if moved(pressure.value, value, PRESSURE_STEP):
            touched.set(True)
            pressure.set(min(cap, float(value)))

    def set_targets(codes: list[str]) -> None:
        """Keep the amounts of targets still chosen; a new target gets what would tip it, as far
        as the budget left allows."""
        touched.set(True)
        kept = {c: amounts.value[c] for c in codes if c in amounts.value}
        for code in codes:
            if code not in kept:
                left = max(0.0, budget - sum(kept.values()))
                kept[code] = round(min(needed[code], left), 2)
        amounts.set(kept)

    def set_amount(code: str, value: float) -> None:
        if moved(amounts.value.get(code, 0.0), value, AMOUNT_STEP):
            touched.set(True)
            amounts.set({**amounts.value, code: float(value)})

    actions = [
        Action(
            "Send China's move",
            lambda: {"pressure": pressure.value, "inducements": amounts.value},
            True,
            "send-china",
        )
    ]
    with SeatFrame(decision, f"Your move: China, round {decision.round}", "seat-china"):
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would set pressure to {points(agent['pressure'])} of "
            f"100 and offer {len(agent.get('inducements', {}))} states an inducement.",
        )
        with solara.Div(classes=["slider-pressure"]):
            solara.SliderFloat(
                f"Export-control pressure: {points(pressure.value)} of 100 (now "
                f"{points(info.get('pressure_now', 0.0))}; this scenario allows up to "
                f"{points(cap)})",
                value=pressure.value,
                on_value=set_pressure,
                min=0.0,
                max=cap,
                step=PRESSURE_STEP,
                thumb_label=False,
            )
        solara.HTML(tag="h3", unsafe_innerHTML=f"{term_link('inducement', 'Inducements')}")
        solara.HTML(tag="div", unsafe_innerHTML=cheapest_html(needed, info["populations"], names))
        solara.SelectMultiple(
            "States to offer an inducement",
            values=list(amounts.value),
            all_values=list(needed),
            on_value=set_targets,
            classes=["inducement-targets"],
        )
        for code, amount in amounts.value.items():
            with solara.Div(classes=[f"slider-inducement-{code}"]):
                solara.SliderFloat(
                    f"{names[code]}: {points(amount)} points",
                    value=amount,
                    min=0.0,
                    max=budget,
                    step=AMOUNT_STEP,
                    on_value=lambda v, c=code: set_amount(c, v),
                    thumb_label=False,
                )
        total = sum(amounts.value.values())
        solara.Text(
            f"Total {points(total)} of a budget of {points(budget)} points.",
            classes=["inducement-total"],
        )
        ActionButtons(decision, game, app, actions, touched.value, error)
