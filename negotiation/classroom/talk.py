"""Talk between seats: private messages, public statements, the teacher's announcements, and the
short automatic line a seat played by its agent answers with.

Kinds of message (the ``kind`` column of the store):

- ``announcement``: the teacher to everyone in the room;
- ``public``: a seat to everyone (a statement);
- ``private``: a seat to one other seat; only the two of them (and the teacher) see it;
- ``auto``: a seat played by its agent answering a private message, so nobody is left unanswered.

Text is plain text: the pages show it as text (never as HTML or Markdown), so markup is shown as
typed. This module holds the rules and the wording; `RoomService` stores and applies them.
"""

from __future__ import annotations

from typing import Any

from negotiation.classroom import checks
from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.game import LiveGame
from negotiation.classroom.store import MessageRow

MAX_TEXT = 500
EVERYONE = "all"
TEACHER = "teacher"
AUTO_LINE_CHARS = 300


def clean_text(text: Any) -> str:
    """A message's text: spaces at the ends dropped, at most `MAX_TEXT` characters."""
    if not isinstance(text, str):
        raise ClassroomError(f"the message must be text, got {checks.json_kind(text)}")
    text = text.strip()
    if not text:
        raise ClassroomError("the message is empty")
    if len(text) > MAX_TEXT:
        raise ClassroomError(f"the message is {len(text)} characters long; the limit is {MAX_TEXT}")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise ClassroomError("the message contains control characters")
    return text


def visible_to(message: MessageRow, seat: str) -> bool:
    """Whether `seat` may read `message` (the teacher reads every message)."""
    if message.kind in ("announcement", "public"):
        return True
    return seat in (message.sender, message.recipient)


def describe(message: MessageRow, game: LiveGame) -> dict[str, Any]:
    """A message as the pages and the HTTP service show it."""

    def name(actor: str | None) -> str:
        if actor is None:
            return "everyone"
        if actor == TEACHER:
            return "the teacher"
        try:
            return game.model.actor_name(actor)
        except (KeyError, ValueError, IndexError):
            return actor

    return {
        "seq": message.seq,
        "kind": message.kind,
        "sender": message.sender,
        "sender_name": name(message.sender),
        "to": message.recipient or EVERYONE,
        "to_name": name(message.recipient),
        "text": message.text,
        "at": message.at,
        "round": message.round,
    }


def agent_line(game: LiveGame, actor: str) -> str:
    """What a seat played by its agent says back: what its agent would do now (the pending
    decision's suggested move) or, with nothing pending, what it did last."""
    name = game.model.actor_name(actor)
    decision = game.open_decisions().get(actor) if not game.finished else None
    if decision is not None:
        line = f"My agent would {move_words(decision.kind, decision.agent_move)}."
    else:
        last = [m for m in game.model.moves if m.actor == actor]
        if last:
            line = f"Last move (round {last[-1].round}): {last[-1].why}"
        else:
            line = "I have not moved yet; I will play by my own interests when my turn comes."
    text = f"[automatic reply: {name} is played by its agent] {line}"
    return text if len(text) <= AUTO_LINE_CHARS else text[: AUTO_LINE_CHARS - 1] + "…"


def move_words(kind: str, move: dict[str, Any]) -> str:
    """A suggested move in a few words ("take the bloc stance", "vote yes")."""
    if kind == "stance" and "stance" in move:
        return f"take the {move['stance']} stance"
    if kind == "vote" and "vote" in move:
        return f"vote {move['vote']}"
    if kind == "china" and "pressure" in move:
        return f"set export-control pressure to {float(move['pressure']):.2f}"
    action = move.get("action", "offer")
    terms = move.get("terms") or {}
    words = str(action)
    if isinstance(terms, dict) and terms:
        shown = ", ".join(
            f"{k} {v:g}" if isinstance(v, int | float) else f"{k} {v}" for k, v in terms.items()
        )
        words = f"{action} with {shown}"
    courted = bilateral_states(move.get("bilateral"))
    if courted:
        words += f", and make bilateral offers to {len(courted)} member state(s)"
    return words


def bilateral_states(given: Any) -> list[str]:
    """The states a US move's `bilateral` courts: one group or a list of groups."""
    groups = given if isinstance(given, list) else [given]
    return [
        str(code)
        for group in groups
        if isinstance(group, dict) and isinstance(group.get("states"), list)
        for code in group["states"]
    ]


def timeline(game: LiveGame, messages: list[MessageRow]) -> list[dict[str, Any]]:
    """The room's story, round by round: each round's moves in the order the game made them,
    then the messages sent during that round (in the order sent)."""
    by_round: dict[int, list[dict[str, Any]]] = {}
    for move in game.model.moves:
        by_round.setdefault(move.round, []).append(
            {
                "round": move.round,
                "type": "move",
                "who": move.actor_name,
                "to": "",
                "by": move.by,
                "text": move.why,
            }
        )
    for message in messages:
        view = describe(message, game)
        by_round.setdefault(message.round or 0, []).append(
            {
                "round": message.round or 0,
                "type": f"message ({message.kind})",
                "who": view["sender_name"],
                "to": view["to_name"],
                "by": "",
                "text": message.text,
            }
        )
    return [entry for r in sorted(by_round) for entry in by_round[r]]
