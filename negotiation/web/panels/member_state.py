"""Seat panels for a member state: its stance each round, and its vote in the Council.

Every choice shows the state's utility for it, so a student sees what each option is worth before
choosing; the option the state's agent would pick is preselected.
"""

from __future__ import annotations

import solara

from negotiation.moves import Decision
from negotiation.web.context import use_app_state
from negotiation.web.panels.inputs import MoveError, Prompt, send
from negotiation.web.state import GameSession

STANCE_CHOICES = {
    "bloc": "Stay with the bloc",
    "bilateral": "Take the US bilateral deal",
    "china": "Lean to China",
}


def stance_labels(values: dict[str, float]) -> dict[str, str]:
    """Button label per stance on offer: 'Stay with the bloc (0.70)'."""
    return {k: f"{STANCE_CHOICES[k]} ({v:.2f})" for k, v in values.items()}


@solara.component
def StancePanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    labels = stance_labels(info["values"])
    choice = solara.use_reactive(labels[decision.agent_move["stance"]])
    error = solara.use_reactive(None)
    by_label = {label: key for key, label in labels.items()}

    def submit() -> None:
        send(game, app, {"stance": by_label[choice.value]}, error)

    title = f"Your move: {decision.actor_name}, round {decision.round}: your stance"
    with solara.Card(title, classes=["seat-panel", "seat-stance"]):
        Prompt(decision.prompt)
        solara.Text(
            f"What each option is worth to you now (higher is better). China's pressure costs "
            f"you {info['pressure_cost']:.2f}; China offers you {info['inducement']:.2f}; "
            f"leaving the bloc costs you {info['loyalty']:.2f} in loyalty.",
            style={"display": "block"},
        )
        solara.ToggleButtonsSingle(
            value=choice, values=list(labels.values()), classes=["stance-choice"]
        )
        solara.Text(f"Your agent would choose: {labels[decision.agent_move['stance']]}.")
        MoveError(error.value)
        solara.Button("Send stance", on_click=submit, color="primary", classes=["send-move"])


@solara.component
def VotePanel(decision: Decision, game: GameSession) -> None:
    app = use_app_state()
    info = decision.info
    labels = {
        "yes": f"Vote yes ({info['yes_value']:.2f})",
        "no": f"Vote no (your alternative {info['alternative']:.2f})",
    }
    choice = solara.use_reactive(labels[decision.agent_move["vote"]])
    error = solara.use_reactive(None)
    by_label = {label: key for key, label in labels.items()}
    forecast = info["forecast"]

    def submit() -> None:
        send(game, app, {"vote": by_label[choice.value]}, error)

    title = f"Your move: {decision.actor_name}, round {decision.round}: the Council votes"
    with solara.Card(title, classes=["seat-panel", "seat-vote"]):
        Prompt(decision.prompt)
        solara.Text(
            f"As the others lean: {forecast['yes_states']} of {forecast['total_states']} states "
            f"and {forecast['population_share']:.0%} of the population for; "
            f"{'it passes' if forecast['passed'] else 'it fails'} without a change.",
            style={"display": "block"},
        )
        solara.ToggleButtonsSingle(
            value=choice, values=list(labels.values()), classes=["vote-choice"]
        )
        MoveError(error.value)
        solara.Button("Send vote", on_click=submit, color="primary", classes=["send-move"])
