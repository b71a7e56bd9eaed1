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


def routine(
    moves: list[Move], human_moves: list[HumanMove] = (), cache: dict | None = None
) -> list[bool]:
    """For each move: is it routine (a repeated stance or a single vote, made by an agent)?
    With `cache` (a dict kept per game), only the moves added since the last call are looked at
    (all again when a person's move was added)."""
    human = list(human_moves)
    known = cache.get("routine") if cache is not None else None
    if known is None or known[0] != len(human) or known[1] > len(moves):
        known = (len(human), 0, {}, [])
    _, done, last, flags = known
    for move in moves[done:]:
        flag = False
        if move.action in STANCE_ACTIONS:
            flag = last.get(move.actor) == move.action
            last[move.actor] = move.action
        elif move.action.startswith("vote_"):
            flag = True
        flags.append(flag and not persons_move(move, human))
    if cache is not None:
        cache["routine"] = (len(human), len(moves), last, flags)
    return list(flags)


def round_items(
    moves: list[Move], flags: list[bool], human: list[HumanMove], show_all: bool
) -> str:
    """The list items of one round: its moves with their reasons, routine ones folded away."""
    shown = [m for m, flag in zip(moves, flags, strict=True) if show_all or not flag]
    hidden = len(moves) - len(shown)
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
    return f"<summary>Round {moves[0].round} · day {moves[0].day}</summary><ul>{items}</ul>"


def timeline_rounds(
    game: GameSession, show_all: bool, cache: dict | None = None
) -> list[tuple[int, str]]:
    """Per round, newest first: the round and the inside of its `<details>`. A round whose moves
    are unchanged is taken from `cache` (a dict kept per game), so a new round builds only its own
    text."""
    moves = game.model.moves
    human = game.human_moves
    flags = routine(moves, human, cache)
    rounds = []
    start = 0
    for rnd, group in groupby(moves, key=lambda m: m.round):
        n = len(list(group))
        key = (rnd, start, n, show_all, len(human))
        body = cache.get(key) if cache is not None else None
        if body is None:
            body = round_items(moves[start : start + n], flags[start : start + n], human, show_all)
            if cache is not None:
                cache[key] = body
        rounds.append((rnd, body))
        start += n
    return rounds[::-1]


def timeline_html(game: GameSession, show_all: bool) -> str:
    """The whole timeline as one HTML text (the newest round open)."""
    rounds = timeline_rounds(game, show_all)
    if not rounds:
        return '<p class="neg-muted">No moves yet.</p>'
    return "".join(
        f'<details{" open" if k == 0 else ""} class="round-{rnd}">{body}</details>'
        for k, (rnd, body) in enumerate(rounds)
    )


@solara.component
def Timeline(game: GameSession, version: int = 0) -> None:
    """One `<details>` per round, each its own element keyed by round: a new round sends only its
    own text to the browser, not the whole timeline again."""
    show_all = solara.use_reactive(False)
    cache = solara.use_memo(dict, dependencies=[id(game.model)])
    rounds = timeline_rounds(game, show_all.value, cache)
    with solara.Card("Timeline: the moves and why", classes=["neg-timeline"]):
        solara.Checkbox(label="Show every move", value=show_all)
        with solara.Div():
            if not rounds:
                solara.HTML(tag="p", unsafe_innerHTML="No moves yet.", classes=["neg-muted"])
            for k, (rnd, body) in enumerate(rounds):
                solara.HTML(
                    tag="details",
                    unsafe_innerHTML=body,
                    classes=[f"round-{rnd}"],
                    attributes={"open": ""} if k == 0 else {},
                ).key(f"round-{rnd}")
