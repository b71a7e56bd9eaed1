"""The seat panel for China: export-control pressure, and rewards or threats to chosen states.

Pressure is bounded by the scenario's `max_pressure`. For each state the panel shows the
inducement that would tip it away from the bloc, and its population, so a student can look for
the cheapest set of states that could block in the Council.
"""

from __future__ import annotations

import solara

from negotiation.moves import Decision
from negotiation.rules import THREAT_PRICE
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import Action, ActionButtons, SeatFrame, moved
from negotiation.web.panels.levers import PAY_STEP, ceil_to, floor_to, over_budget, state_items
from negotiation.web.state import GameSession
from negotiation.web.theme import esc
from negotiation.web.words import amount, plural, points, points_text, term_link

PRESSURE_STEP = 0.05
AMOUNT_STEP = PAY_STEP
"""The reward and threat sliders' step (half a point, as the EU funds'): the table shows what
would tip a state rounded up to it, and a new target's slider starts there."""


def tipping(needed: float) -> float:
    """The inducement that tips a state, rounded up to the sliders' step."""
    return ceil_to(needed, AMOUNT_STEP)


def cheapest_html(
    needed: dict[str, float], populations: dict[str, float], names: dict[str, str]
) -> str:
    """The eight states cheapest to tip, with their population (millions)."""
    rows = sorted(needed.items(), key=lambda kv: kv[1])[:8]
    body = "".join(
        f"<tr><td>{esc(names[c])}</td><td class='num' title='exact value {v:.3f}'>"
        f"{amount(tipping(v))}"
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


def spending(amounts: dict[str, float]) -> float:
    """What rewards (> 0) and threats (< 0) cost China's budget (threats count half)."""
    return sum(max(a, 0.0) for a in amounts.values()) + THREAT_PRICE * sum(
        -min(a, 0.0) for a in amounts.values()
    )


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
    given = {c: float(v) for c, v in agent.get("inducements", {}).items()}
    rewards = solara.use_reactive({c: v for c, v in given.items() if v >= 0})
    threats = solara.use_reactive({c: -v for c, v in given.items() if v < 0})  # their sizes
    touched = solara.use_reactive(False)
    error = solara.use_reactive(None)

    def signed() -> dict[str, float]:
        return {**rewards.value, **{c: -v for c, v in threats.value.items()}}

    def set_pressure(value: float) -> None:
        if moved(pressure.value, value, PRESSURE_STEP):
            touched.set(True)
            pressure.set(min(cap, float(value)))

    def set_targets(
        kind: solara.Reactive[dict[str, float]], codes: list[str], price: float
    ) -> None:
        """Keep the amounts of targets still chosen; a new target gets what would tip it, as far
        as the budget left allows (a threat costs `THREAT_PRICE` of its size)."""
        touched.set(True)
        other_cost = spending(signed()) - price * sum(kind.value.values())
        kept = {c: kind.value[c] for c in codes if c in kind.value}
        for code in codes:
            if code not in kept:
                left = max(0.0, budget - other_cost - price * sum(kept.values()))
                kept[code] = min(tipping(needed[code]), floor_to(left / price, AMOUNT_STEP), 1.0)
        kind.set(kept)

    def set_amount(kind: solara.Reactive[dict[str, float]], code: str, value: float) -> None:
        if moved(kind.value.get(code, 0.0), value, AMOUNT_STEP):
            touched.set(True)
            kind.set({**kind.value, code: float(value)})

    actions = [
        Action(
            "Send China's move",
            lambda: {"pressure": pressure.value, "inducements": signed()},
            True,
            "send-china",
        )
    ]
    n_rewards = sum(1 for a in given.values() if a > 0)
    n_threats = sum(1 for a in given.values() if a < 0)
    with SeatFrame(decision, f"Your move: China, round {decision.round}", "seat-china"):
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would set pressure to {points(agent['pressure'])} of "
            f"100, offer {plural(n_rewards, 'state')} an inducement and threaten "
            f"{plural(n_threats, 'state')}.",
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
        solara.HTML(
            tag="h3",
            unsafe_innerHTML=f"{term_link('inducement', 'Inducements')} and threats",
        )
        solara.HTML(
            tag="p",
            unsafe_innerHTML="A reward makes leaning to China worth more to a state; a threat "
            "makes staying with the bloc cost it more. A threat costs your budget half its "
            "size.",
        )
        solara.HTML(tag="div", unsafe_innerHTML=cheapest_html(needed, info["populations"], names))
        for kind, price, label, css, other in (
            (rewards, 1.0, "reward", "inducement", threats),
            (threats, THREAT_PRICE, "threat", "threat", rewards),
        ):
            # each list in its own box: a slider added to the first must not shift (and so
            # redraw) the second list while it is open
            with solara.Div(classes=[f"{css}-group"]):
                solara.SelectMultiple(
                    f"States to {'reward' if label == 'reward' else 'threaten'}",
                    values=list(kind.value),
                    all_values=state_items([c for c in needed if c not in other.value], names),
                    on_value=lambda codes, k=kind, p=price: set_targets(k, codes, p),
                    classes=[f"{css}-targets"],
                )
                for code, size in kind.value.items():
                    with solara.Div(classes=[f"slider-{css}-{code}"]):
                        solara.SliderFloat(
                            f"{names.get(code, code)}: {label} of {points_text(size)}"
                            + (
                                f" (tips it at {amount(tipping(needed[code]))})"
                                if label == "reward"
                                else ""
                            ),
                            value=size,
                            min=0.0,
                            max=max(min(1.0, floor_to(budget / price, AMOUNT_STEP)), size),
                            step=AMOUNT_STEP,
                            on_value=lambda v, k=kind, c=code: set_amount(k, c, v),
                            thumb_label=False,
                        )
        solara.Text(
            f"Cost {amount(spending(signed()))} of a budget of {points_text(budget)} "
            "(threats count half).",
            classes=["inducement-total"],
        )
        blocked = over_budget(
            spending(signed()), budget, "Your rewards and threats cost", "of your budget"
        )
        ActionButtons(decision, game, app, actions, touched.value, error, blocked)
