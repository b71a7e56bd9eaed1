"""The seat panel for China: export-control pressure and inducements to chosen member states.

For each state the panel shows the inducement that would tip it away from the bloc, and its
population, so a student can look for the cheapest set of states that could block in the Council.
"""

from __future__ import annotations

import solara

from negotiation.moves import Decision
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import MoveError, Prompt, send
from negotiation.web.state import GameSession
from negotiation.web.theme import esc


def cheapest_html(
    needed: dict[str, float], populations: dict[str, float], names: dict[str, str]
) -> str:
    """The eight states cheapest to tip, with their population (millions)."""
    rows = sorted(needed.items(), key=lambda kv: kv[1])[:8]
    body = "".join(
        f"<tr><td>{esc(names[c])}</td><td class='num'>{v:.2f}</td>"
        f"<td class='num'>{populations[c] / 1e6:.1f}</td></tr>"
        for c, v in rows
    )
    return (
        "<table class='neg-table'><tr><th>State</th><th class='num'>inducement that would tip it</th>"
        f"<th class='num'>population (m)</th></tr>{body}</table>"
    )


@solara.component
def ChinaPanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    agent = decision.agent_move
    needed: dict[str, float] = info["inducement_needed"]
    names = {c: game.model.actor_name(c) for c in needed}
    budget = float(info["budget"])
    pressure = solara.use_reactive(float(agent["pressure"]))
    amounts = solara.use_reactive({c: float(v) for c, v in agent.get("inducements", {}).items()})
    error = solara.use_reactive(None)

    def set_targets(codes: list[str]) -> None:
        """Keep the amounts of targets still chosen; a new target gets what would tip it, as far
        as the budget left allows."""
        kept = {c: amounts.value[c] for c in codes if c in amounts.value}
        for code in codes:
            if code not in kept:
                left = max(0.0, budget - sum(kept.values()))
                kept[code] = round(min(needed[code], left), 2)
        amounts.set(kept)

    def submit() -> None:
        send(game, app, {"pressure": pressure.value, "inducements": amounts.value}, error)

    with solara.Card(
        f"Your move: China, round {decision.round}", classes=["seat-panel", "seat-china"]
    ):
        Prompt(decision.prompt)
        with solara.Div(classes=["slider-pressure"]):
            solara.SliderFloat(
                f"Export-control pressure: {pressure.value:.2f}",
                value=pressure,
                min=0.0,
                max=1.0,
                step=0.05,
                thumb_label=False,
            )
        solara.HTML(tag="h3", unsafe_innerHTML="Inducements")
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
                    f"{names[code]}: {amount:.2f}",
                    value=amount,
                    min=0.0,
                    max=budget,
                    step=0.01,
                    on_value=lambda v, c=code: amounts.set({**amounts.value, c: float(v)}),
                    thumb_label=False,
                )
        total = sum(amounts.value.values())
        solara.Text(f"Total {total:.2f} of a budget of {budget:.2f}.", classes=["inducement-total"])
        MoveError(error.value)
        solara.Button("Send China's move", on_click=submit, color="primary", classes=["send-move"])
