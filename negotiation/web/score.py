"""A score per seat, so a class can compare: the share of the possible gain the seat captured.

The possible gain is the distance from the seat's walk-away (what no deal is worth to it) to its
ideal (100 points: everything it wants on every issue). A seat that ends at its walk-away scores
0%, one that gets its ideal 100%; below the walk-away the score is negative. The same measure for
the agent in the same seat, on the same scenario and seed (the agents-only game), is the yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass

from negotiation.model import NegotiationModel
from negotiation.web.briefing import preferences


@dataclass(frozen=True)
class SeatScore:
    actor: str
    value: float
    """What the outcome is worth to the seat (0..1)."""
    walk_away: float
    share: float
    """(value - walk_away) / (1 - walk_away): the share of the possible gain captured."""


def seat_score(model: NegotiationModel, actor: str) -> SeatScore | None:
    """The seat's score in a finished game, or None if the game or the seat's values are missing."""
    outcome = model.outcome
    if outcome is None or actor not in outcome.utilities:
        return None
    prefs = preferences(model, actor)
    walk = float(prefs.reservation) if prefs is not None else 0.0
    value = float(outcome.utilities[actor])
    room = 1.0 - walk
    share = (value - walk) / room if room > 1e-9 else 0.0
    return SeatScore(actor, value, walk, share)
