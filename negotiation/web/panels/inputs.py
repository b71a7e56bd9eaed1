"""Inputs the seat panels share: the panel frame, issue sliders in real units, the action buttons,
and sending a move.

A seat panel lists its actions (`Action`): the one the seat's agent would take is the primary
button, and while the student has changed nothing it sends exactly the agent's move
(`decision.agent_move`, not values rounded by the sliders). Adding an option the engine offers is
one more `Action` in the panel's list. A move the rules forbid is refused with the engine's
message; the panel shows it and the game stays as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reacton.ipyvuetify as rv
import solara

from negotiation.issues import Issue
from negotiation.moves import Decision
from negotiation.web.briefing import IssueGoal
from negotiation.web.context import AppState
from negotiation.web.focus import FocusHeading
from negotiation.web.state import GameSession
from negotiation.web.theme import esc
from negotiation.web.words import plain_sentence

STEPS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0)
MIN_POSITIONS = 40


def slider_step(low: float, high: float) -> float:
    """The coarsest round step that still gives the slider at least 40 positions."""
    fitting = [s for s in STEPS if (high - low) / s >= MIN_POSITIONS]
    return max(fitting) if fitting else (high - low) / MIN_POSITIONS


def moved(old: float, new: float, step: float) -> bool:
    """Did the student move the slider? A slider snapping a value to its grid is not a move (a
    snap moves it by at most half a step; the least a student can move it is a whole step)."""
    return abs(float(new) - float(old)) > step / 2 + 1e-9


@solara.component
def IssueSlider(
    issue: Issue, value: float, on_value: Callable[[float], None], goal: IssueGoal | None = None
) -> None:
    """A slider over an issue's real range, labelled with the value, your ideal and walk-away."""
    shown = issue.format(issue.to_unit(value))
    step = slider_step(issue.low, issue.high)
    label = f"{issue.label}: {shown}"
    if goal is not None:
        label += f" (your ideal {goal.ideal_text}, walk-away {goal.walk_away_text})"

    def changed(new: float) -> None:
        if moved(value, new, step):
            on_value(float(new))

    # Vuetify's slider itself, with the classes: a panel has a slider per issue, and a wrapping
    # element (and Solara's SliderFloat component) each was one more thing to build per decision
    rv.Slider(
        v_model=value,
        on_v_model=lambda new: changed(float(new)),
        label=label,
        min=issue.low,
        max=issue.high,
        step=step,
        thumb_label=False,
        dense=False,
        hide_details=True,
        class_=f"neg-slider slider-{issue.id}",
    )


@solara.component
def TermSliders(
    issues: list[Issue],
    terms: solara.Reactive[dict[str, float]],
    on_touch: Callable[[], None] = lambda: None,
    goals: dict[str, IssueGoal] | None = None,
) -> None:
    """One `IssueSlider` per issue, editing the real-unit terms in `terms`."""

    def set_term(key: str, value: float) -> None:
        on_touch()
        terms.set({**terms.value, key: value})

    for issue in issues:
        IssueSlider(
            issue,
            float(terms.value[issue.id]),
            lambda v, key=issue.id: set_term(key, v),
            (goals or {}).get(issue.id),
        )


@dataclass(frozen=True)
class Action:
    """One button of a seat panel: its label, the move it sends, and whether the seat's agent
    would take it (then it is the primary button and, untouched, sends the agent's own move)."""

    label: str
    build: Callable[[], dict[str, Any]]
    suggested: bool = False
    css: str = ""


def yes_no_actions(field: str, wants: str, yes_label: str, no_label: str) -> list[Action]:
    """The two buttons of a yes/no decision (a vote, the Parliament's consent): each sends
    `{field: "yes"}` or `{field: "no"}`; the agent's answer is the primary button."""
    return [
        Action(yes_label, lambda: {field: "yes"}, wants == "yes", f"{field}-yes"),
        Action(no_label, lambda: {field: "no"}, wants == "no", f"{field}-no"),
    ]


def send(
    game: GameSession,
    app: AppState,
    move: dict[str, Any],
    error: solara.Reactive,
    decision: Decision | None = None,
) -> str | None:
    """Submit a person's move (for `decision`, the one the panel shows): on refusal keep the
    message in `error`, else clear it and re-render the page. Returns the refusal, or None."""
    problem = game.submit(move, decision)
    error.set(problem)
    if problem is None:
        app.changed()
    return problem


@solara.component
def ActionButtons(
    decision: Decision,
    game: GameSession,
    app: AppState,
    actions: list[Action],
    touched: bool,
    error: solara.Reactive,
    blocked: str | None = None,
) -> None:
    """The panel's buttons, the agent's choice first and primary. A legal move the engine still
    warns about (e.g. worth less to you than walking away) is sent only on a second press. A move
    the panel already knows the rules refuse (`blocked`, the reason in the panel's words) is
    explained above the buttons, which wait until it is put right."""
    ordered = sorted(actions, key=lambda a: not a.suggested)
    warned = solara.use_reactive(None)
    """(label, move) of the move last warned about: a second press sends that move only."""
    refused = solara.use_reactive(None)
    """(label, move) of the move last refused: its message stands while the move is unchanged."""

    def move_of(action: Action) -> dict[str, Any]:
        if action.suggested and not touched:
            return copy.deepcopy(decision.agent_move)
        return action.build()

    def unchanged(pressed: tuple[str, dict[str, Any]] | None) -> bool:
        """Is the move pressed still the move its button would send now?"""
        action = next((a for a in actions if pressed and a.label == pressed[0]), None)
        return action is not None and move_of(action) == pressed[1]

    def press(action: Action) -> None:
        move = move_of(action)
        warnings = decision_warnings(decision, move)
        if warnings and warned.value != (action.label, move):
            warned.set((action.label, move))
            error.set(None)
            return
        problem = send(game, app, move, error, decision)
        refused.set((action.label, move) if problem else None)

    MoveError(error.value if refused.value is None or unchanged(refused.value) else None)
    if blocked:
        solara.Warning(blocked, classes=["move-blocked"])
    if warned.value is not None and unchanged(warned.value):
        with solara.Div(classes=["move-warning"], style={"font-size": "18px"}):
            solara.Warning(
                f"Before you send \u201c{warned.value[0]}\u201d: "
                + " ".join(plain_sentence(w) for w in decision_warnings(decision, warned.value[1]))
                + " Press it again to send it anyway."
            )
    with solara.Row(classes=["seat-actions"], style={"flex-wrap": "wrap", "gap": "8px"}):
        for action in ordered:
            primary = action.suggested or not any(a.suggested for a in actions)
            solara.Button(
                action.label,
                on_click=lambda a=action: press(a),
                color="primary" if primary else None,
                outlined=not primary,
                disabled=bool(blocked),
                classes=["send-move" if primary else "other-move", action.css],
            )


def decision_warnings(decision: Decision, move: dict[str, Any]) -> list[str]:
    """The engine's warnings for a legal move, if this engine gives any."""
    warn = getattr(decision, "warnings", None)
    try:
        return list(warn(move)) if callable(warn) else []
    except Exception:  # a warning must never stop a move the rules allow
        return []


@solara.component
def MoveError(error: str | None) -> None:
    if error:
        solara.Error(f"Move refused: {plain_sentence(error)}", classes=["move-error", "neg-error"])


@solara.component
def SeatFrame(decision: Decision, title: str, kind_class: str, children: list | None = None):
    """The frame of every seat panel: a heading that takes the focus, the children, and the
    engine's own summary folded at the bottom."""
    with solara.Card(classes=["seat-panel", kind_class]):
        FocusHeading.element(text=title, level=2, extra_class="seat-title")
        for child in children or []:
            solara.display(child)
        solara.HTML(
            tag="details",
            classes=["engine-prompt"],
            unsafe_innerHTML="<summary>The model's numbers behind this choice</summary>"
            f"<pre>{esc(plain_sentence(decision.prompt))}</pre>",
        )


@solara.component
def Prompt(text: str) -> None:
    """The engine's own summary of the decision, as plain text."""
    solara.Text(text, style={"white-space": "pre-line", "display": "block"}, classes=["neg-muted"])
