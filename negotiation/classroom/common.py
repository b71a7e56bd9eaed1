"""What the classroom's rooms share: who made a move (labels), limits on names, links to a room
and a seat, and the logger."""

from __future__ import annotations

import logging

from negotiation.classroom import checks, talk
from negotiation.classroom.errors import ClassroomError
from negotiation.moves import BY_HUMAN as BY_HUMAN  # who made a move, for the rooms
from negotiation.moves import BY_IDLE as BY_IDLE
from negotiation.moves import BY_TEACHER as BY_TEACHER

log = logging.getLogger("negotiation.classroom")

CONNECTED_SECONDS = 15.0
"""A seat counts as connected if its holder's page was heard from this recently."""
LAST_SEEN_WRITE_SECONDS = 30.0
"""How often a seat's last-seen time is written to the database (it is kept in memory meanwhile)."""
MAX_NAME = 40
MAX_MESSAGE = talk.MAX_TEXT
JOIN_PATH = "/classroom"


def join_link(code: str) -> str:
    """The link a teacher hands out: the join page with the room's code."""
    return f"{JOIN_PATH}?room={code}"


def seat_link(code: str, actor: str, token: str) -> str:
    """A student's own link: opening it again gives the same seat back."""
    return f"{JOIN_PATH}?room={code}&seat={actor}&token={token}"


def clean_name(name: str | None) -> str:
    text = " ".join(checks.text_field(name, "name", MAX_NAME).split())[:MAX_NAME]
    if not text:
        raise ClassroomError("please give your name")
    return text


def connected(last_seen: float | None, t: float) -> bool:
    return last_seen is not None and t - last_seen <= CONNECTED_SECONDS
