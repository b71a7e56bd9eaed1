"""The timeline: every round's moves with their reasons, newest round first.

Routine moves (a state keeping the stance it had, a single state's vote, whose total is in the
Council's line) are folded away unless "show every move" is on; moves by people always show.
"""

from __future__ import annotations

from itertools import groupby

import solara

from negotiation.moves import Move
from negotiation.strategies.member_states import STANCES
from negotiation.web.state import GameSession, HumanMove, persons_move
from negotiation.web.theme import esc
from negotiation.web.words import plain_sentence

STANCE_ACTIONS = tuple(STANCES)


def routine(moves: list[Move], human_moves: list[HumanMove] = ()) -> list[bool]:
    """For each move: is it routine (a repeated stance or a single vote, made by an agent)?"""
    last: dict[str, str] = {}
    flags = []
    for move in moves:
        flag = False
        if move.action in STANCE_ACTIONS:
            flag = last.get(move.actor) == move.action
            last[move.actor] = move.action
        elif move.action.startswith("vote_"):
            flag = True
        flags.append(flag and not persons_move(move, list(human_moves)))
    return flags


def timeline_html(game: GameSession, show_all: bool) -> str:
    moves = game.model.moves
    if not moves:
        return '<p class="neg-muted">No moves yet.</p>'
    human = game.human_moves
    flags = routine(moves, human)
    rounds = []
    for rnd, group in groupby(zip(moves, flags, strict=True), key=lambda mf: mf[0].round):
        group = list(group)
        shown = [m for m, flag in group if show_all or not flag]
        hidden = len(group) - len(shown)
        items = "".join(
            f'<li><span class="who">{esc(m.actor_name)}</span>'
            + ('<span class="person">you</span>' if persons_move(m, human) else "")
            + f": {esc(plain_sentence(m.why))}</li>"
            for m in shown
        )
        if hidden:
            items += (
                f'<li class="neg-muted">{hidden} routine moves folded away (states keeping '
                "their stance, single votes).</li>"
            )
        day = group[0][0].day
        rounds.append((rnd, f"<summary>Round {rnd} · day {day}</summary><ul>{items}</ul>"))
    newest = rounds[-1][0]
    return "".join(
        f'<details{" open" if rnd == newest else ""} class="round-{rnd}">{body}</details>'
        for rnd, body in reversed(rounds)
    )


@solara.component
def Timeline(game: GameSession, version: int = 0) -> None:
    show_all = solara.use_reactive(False)
    with solara.Card("Timeline: the moves and why", classes=["neg-timeline"]):
        solara.Checkbox(label="Show every move", value=show_all)
        solara.HTML(tag="div", unsafe_innerHTML=timeline_html(game, show_all.value))
