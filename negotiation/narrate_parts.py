"""The small parts every sentence module of the move log shares: the entry a sentence becomes,
the labels of the member states' stances, the words for a move a seat's agent made for a person,
and how numbers are written (signs, counts, lists of names, rounding to four places)."""

from __future__ import annotations

from math import copysign, floor
from typing import Any

import numpy as np

from negotiation.moves import BY_AGENT, BY_HUMAN, BY_IDLE, BY_RULES, BY_SCENARIO, BY_TEACHER
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, CONDITIONAL

Entry = dict[str, Any]
LABEL = {
    BLOC: "the bloc",
    BILATERAL: "the US bilateral deal",
    CHINA: "China's offer",
    CONDITIONAL: "the bloc on a condition",
}
VERB = {  # [stance][same as before?]
    BLOC: ("returns to the bloc", "stays with the bloc"),
    BILATERAL: ("takes the US bilateral deal", "keeps its US bilateral deal"),
    CHINA: ("leans to China", "keeps leaning to China"),
    CONDITIONAL: ("backs the bloc on a condition", "backs the bloc on a condition"),
}
OUTLOOK = {
    "loyalist": "its loyalty to the common position",
    "atlanticist": "its Atlanticist outlook",
    "china_hedger": "its fear of China's retaliation",
    "opportunist": "its outlook",
}

STAND_IN = {BY_IDLE: "the seat was idle", BY_TEACHER: "the teacher advanced the round"}
"""Why a seat's agent made a person's move, by the move's `by`."""


def played_for(by: str) -> str:
    """What a sentence adds when a seat's agent made the move for the person in the seat (`by`
    neither a person's own move nor an agent's seat): ' Played by its agent: the seat was idle.'
    Empty otherwise."""
    if by in (BY_HUMAN, BY_AGENT, BY_RULES, BY_SCENARIO):
        return ""
    reason = STAND_IN.get(by)
    return f" Played by its agent: {reason}." if reason else " Played by its agent."


def target_of(by: str, article: str = "") -> str:
    """The target a sentence quotes: a person sets none, so for a person's own move it is "its
    agent's target" (the agent's advice), else `article` + "target"."""
    return "its agent's target" if by == BY_HUMAN else f"{article}target"


def signed(x: float) -> str:
    """A number with its sign, never '+-': '+0.03', '-0.03', '0.00'."""
    return "0.00" if abs(x) < 0.005 else f"{x:+.2f}"


def count(n: int, word: str) -> str:
    """'1 state', '3 states'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def names_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def round4(x: float) -> float:
    """`round(x, 4)` for a float, exactly, in a quarter of the time.

    x * 10000 is within half an ulp of the true product; unless its fraction lies within 1e-4
    of one half, the integer it rounds to is the one the exact product rounds to, and k / 10000
    is then the double nearest k / 10**4, which is what `round` returns. Near a half (or for
    huge or non-finite x) `round` itself decides."""
    y = x * 10000.0
    if -1e9 < y < 1e9:
        f = floor(y)
        d = y - f
        if d < 0.4999 or d > 0.5001:
            k = f + 1 if d > 0.5 else f
            return k / 10000.0 if k else copysign(0.0, x)
    return round(x, 4)


def round4_array(a: np.ndarray) -> list:
    """`round4` (so `round(x, 4)`) of every element, as nested lists of floats: the same steps
    on the whole array at once, with `round` itself for the elements near a half or huge; an
    infinity or NaN stays as it is (as `round` leaves it)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(invalid="ignore"):
        y = a * 10000.0
        f = np.floor(y)
        d = y - f
        k = np.where(d > 0.5, f + 1, f)
        finite = np.isfinite(a)
        r = np.where(finite, np.where(k == 0, np.copysign(0.0, a), k / 10000.0), a)
        hard = finite & ~((np.abs(y) < 1e9) & ((d < 0.4999) | (d > 0.5001)))
    if hard.any():
        r[hard] = [round(x, 4) for x in a[hard].tolist()]
    return r.tolist()


def apart(a: float, b: float) -> int:
    """Decimal places (2 to 4) at which two different numbers show as different."""
    return next((p for p in (2, 3) if round(a, p) != round(b, p)), 4)


def entry(action: str, why: str, numbers: dict | None = None, margin=None, detail=None) -> Entry:
    return {
        "action": action,
        "why": why,
        "numbers": {k: round4(float(v)) for k, v in (numbers or {}).items()},
        "margin": None if margin is None else round4(float(margin)),
        "detail": detail or {},
    }
