"""Inputs the seat panels share: issue sliders in real units, and sending a move.

A move is sent with `send`: the game refuses a move the rules forbid and says why; the panel shows
that message and the game stays as it was. An accepted move re-renders the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from negotiation.issues import Issue
from negotiation.web.context import AppState
from negotiation.web.state import GameSession

STEPS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0)
MIN_POSITIONS = 40


def slider_step(low: float, high: float) -> float:
    """The coarsest round step that still gives the slider at least 40 positions."""
    fitting = [s for s in STEPS if (high - low) / s >= MIN_POSITIONS]
    return max(fitting) if fitting else (high - low) / MIN_POSITIONS


@solara.component
def IssueSlider(issue: Issue, value: float, on_value: Callable[[float], None]) -> None:
    """A slider over an issue's real range, labelled with the value in its unit."""
    shown = issue.format(issue.to_unit(value))
    with solara.Div(classes=["neg-slider", f"slider-{issue.id}"]):
        solara.SliderFloat(
            label=f"{issue.label}: {shown}",
            value=value,
            min=issue.low,
            max=issue.high,
            step=slider_step(issue.low, issue.high),
            on_value=on_value,
            thumb_label=False,
        )


@solara.component
def TermSliders(issues: list[Issue], terms: solara.Reactive[dict[str, float]]) -> None:
    """One `IssueSlider` per issue, editing the real-unit terms in `terms`."""
    for issue in issues:
        IssueSlider(
            issue,
            float(terms.value[issue.id]),
            lambda v, key=issue.id: terms.set({**terms.value, key: float(v)}),
        )


def send(game: GameSession, app: AppState, move: dict[str, Any], error: solara.Reactive) -> None:
    """Submit a person's move: on refusal keep the message in `error`, else re-render the page."""
    problem = game.submit(move)
    if problem is not None:
        error.set(problem)
    else:
        app.changed()


@solara.component
def MoveError(error: str | None) -> None:
    if error:
        solara.Error(f"Move refused: {error}", classes=["move-error", "neg-error"])


@solara.component
def Prompt(text: str) -> None:
    """The engine's own summary of the decision, as plain text."""
    solara.Text(text, style={"white-space": "pre-line", "display": "block"}, classes=["neg-muted"])
