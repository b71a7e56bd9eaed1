"""Seat panels for a member state: its stance each round, and its vote in the Council.

Every choice shows what it is worth to the state (points out of 100), so a student sees the value
of each option before choosing. Each option is a button; the one the state's agent would pick is
the primary button. A new option is one more entry in `STANCE_CHOICES` (or the vote's list).
"""

from __future__ import annotations

import solara

from negotiation.moves import Decision
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import Action, ActionButtons, SeatFrame
from negotiation.web.state import GameSession
from negotiation.web.words import plural, points_html, term_link

STANCE_CHOICES = {
    "bloc": "Stay with the bloc",
    "bilateral": "Take the US bilateral deal",
    "china": "Lean to China",
    "conditional": "Back the bloc, on conditions",
}


def stance_labels(values: dict[str, float]) -> dict[str, str]:
    """Button label per stance on offer: 'Stay with the bloc (70 points)'."""
    return {
        k: f"{STANCE_CHOICES.get(k, k.replace('_', ' ').capitalize())} ({round(100 * v)} points)"
        for k, v in values.items()
    }


@solara.component
def StancePanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    labels = stance_labels(info["values"])
    wants = decision.agent_move["stance"]
    error = solara.use_reactive(None)
    actions = [
        Action(label, lambda k=key: {"stance": k}, key == wants, f"stance-{key}")
        for key, label in labels.items()
    ]
    title = f"Your move: {decision.actor_name}, round {decision.round}: your stance"
    with SeatFrame(decision, title, "seat-stance"):
        solara.HTML(
            tag="p",
            unsafe_innerHTML=f"Choose your {term_link('stance')}. What each option is worth to "
            f"you now: China's {term_link('export-control pressure')} costs you "
            f"{points_html(info['pressure_cost'])}; China offers you "
            f"{points_html(info['inducement'])}; leaving the bloc costs you "
            f"{points_html(info['loyalty'])} in loyalty.",
        )
        solara.HTML(
            tag="p",
            classes=["agent-suggests"],
            unsafe_innerHTML=f"Your agent would choose: {labels[wants]}.",
        )
        ActionButtons(decision, game, app, actions, False, error)


@solara.component
def VotePanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    wants = decision.agent_move["vote"]
    forecast = info["forecast"]
    error = solara.use_reactive(None)
    actions = [
        Action(
            f"Vote yes (the package is worth {round(100 * info['yes_value'])} points to you)",
            lambda: {"vote": "yes"},
            wants == "yes",
            "vote-yes",
        ),
        Action(
            f"Vote no (your alternative is worth {round(100 * info['alternative'])} points)",
            lambda: {"vote": "no"},
            wants == "no",
            "vote-no",
        ),
    ]
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
