"""The stance sentences of the move log: every member state's stance in a round, written at once.

A stance names every term that decided it: each option's value, the day's swing (noise) and the
state's outlook (its strategy's adjustment); a person's own stance only the options' values, and
one its agent took for the person in the seat the agent's terms and who played it. A round writes 27 of these, most games' largest share
of the log, so the numbers come in as arrays for the whole round and are turned into plain floats
and rounded (`round4_array`) in one pass; the per-state loop only picks and formats.
"""

from __future__ import annotations

from math import isfinite
from operator import itemgetter

import numpy as np

from negotiation.moves import BY_HUMAN
from negotiation.narrate_parts import (
    LABEL,
    OUTLOOK,
    VERB,
    Entry,
    played_for,
    round4,
    round4_array,
)
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, CONDITIONAL, STANCES

_KEYS = tuple((s, f"noise_{s}", f"seen_{s}") for s in STANCES[:3])
# A row of the rounded table: values (0-2), noise (3-5), seen (6-8), ask, yes, no (9-11).
_ASK, _YES, _NO = 9, 10, 11


def _numbers_layout(finite: tuple[bool, bool, bool], conditional: bool):
    """The keys of a stance's numbers and a getter of their rounded values from a table row:
    each option on offer (value, noise, seen), the two vote values, the ask if conditional."""
    keys: list[str] = []
    cols: list[int] = []
    for j in range(3):
        if finite[j]:
            keys += _KEYS[j]
            cols += (j, 3 + j, 6 + j)
    keys += ("vote_yes", "vote_no")
    cols += (_YES, _NO)
    if conditional:
        keys.append("ask")
        cols.append(_ASK)
    return tuple(keys), itemgetter(*cols)


_LAYOUTS = {
    (a, b, c, cond): _numbers_layout((a, b, c), cond)
    for a in (False, True)
    for b in (False, True)
    for c in (False, True)
    for cond in (False, True)
}


def _term(v: float, z: float, s: float, outlook: str) -> str:
    """An option's value as the state saw it (`s`), with the terms that made it: its value `v`,
    the day's swing `z` and the outlook's adjustment."""
    adjust = s - v - z
    swing = abs(z) >= 0.005
    if abs(adjust) >= 0.005:
        if swing:
            return f"{s:.2f} ({v:.2f}, the day's swing {z:+.2f}, {outlook} {adjust:+.2f})"
        return f"{s:.2f} ({v:.2f}, {outlook} {adjust:+.2f})"
    if swing:
        return f"{s:.2f} ({v:.2f}, the day's swing {z:+.2f})"
    return f"{s:.2f}"


def _first_max(xs: list[float]) -> int:
    """The index of the first largest value (as numpy's argmax, for values without NaN)."""
    return max(range(len(xs)), key=xs.__getitem__)


def stance_entries(
    names: list[str],
    choice: np.ndarray,
    before: np.ndarray,
    values: np.ndarray,
    noise: np.ndarray,
    seen: np.ndarray,
    ask: np.ndarray,
    holds_deal: np.ndarray,
    by: list[str],
    strategies: list[str],
    yes: np.ndarray,
    no: np.ndarray,
) -> list[Entry]:
    """Every state's stance entry for the round: `choice` the stance taken, `before` the one
    held, `values`/`noise`/`seen` (states x 3) each option's value, the day's swing and the value
    as the state's strategy saw it, `ask` the EU funds asked, `yes`/`no` the vote values now,
    `by` who made each state's stance (`moves.BY_*`)."""
    table = round4_array(np.column_stack((values, noise, seen, ask, yes, no)))
    rows = zip(
        names,
        choice.tolist(),
        before.tolist(),
        values.tolist(),
        noise.tolist(),
        seen.tolist(),
        ask.tolist(),
        holds_deal.tolist(),
        by,
        strategies,
        yes.tolist(),
        no.tolist(),
        table,
        strict=True,
    )
    out: list[Entry] = []
    for name, k, was, v, z, s, a, held, who, strategy, y, n, t in rows:
        person = who == BY_HUMAN
        conditional = k == CONDITIONAL
        keys, pick = _LAYOUTS[isfinite(v[0]), isfinite(v[1]), isfinite(v[2]), conditional]
        numbers = dict(zip(keys, pick(t), strict=True))
        margin = None
        if held and not conditional:
            action = "bilateral"
            why = f"{name} keeps its US bilateral deal" + (
                " (a person's choice)."
                if person
                else f": a yes vote is worth {y:.2f} to it, a no {n:.2f}."
            )
        elif person:
            action = STANCES[k]
            shown = ", ".join(f"{STANCES[j]} {v[j]:.2f}" for j in range(3) if isfinite(v[j]))
            extra = f", asking the Commission for {a:.3f} in EU funds" if conditional else ""
            why = (
                f"{name} {VERB[k][was == k]}{extra} (a person's choice; the options were worth "
                f"{shown})."
            )
        elif conditional:
            action = "conditional"
            margin = t[_ASK]
            verb = VERB[k][was == k]
            if held or _first_max(s) == BLOC:
                why = (
                    f"{name} {verb}: it asks the Commission for {a:.3f} in EU funds to vote yes, "
                    f"since the expected deal is worth {y:.2f} to it against {n:.2f} without one."
                )
            else:
                j = _first_max(s)
                outlook = OUTLOOK.get(strategy, "its outlook")
                why = (
                    f"{name} {verb}: {LABEL[j]} is worth {_term(v[j], z[j], s[j], outlook)} "
                    f"against {_term(v[BLOC], z[BLOC], s[BLOC], outlook)} for the bloc, so it "
                    f"asks the Commission for {a:.3f} in EU funds to stay."
                )
        else:
            action = STANCES[k]
            outlook = OUTLOOK.get(strategy, "its outlook")
            why = f"{name} {VERB[k][was == k]}: {_term(v[k], z[k], s[k], outlook)}"
            best = -1
            for j in (BLOC, BILATERAL, CHINA):  # the best option not taken (the first of equals)
                if j != k and isfinite(s[j]) and (best < 0 or s[j] > s[best]):
                    best = j
            if best >= 0:
                gap = s[k] - s[best]
                margin = round4(gap)
                why += (
                    f" against {_term(v[best], z[best], s[best], outlook)} for {LABEL[best]}; "
                    f"{LABEL[best]} would have needed +{gap:.2f} to win."
                )
            else:
                why += "; nothing else on offer."
        why += played_for(who)
        out.append(
            {"action": action, "why": why, "numbers": numbers, "margin": margin, "detail": {}}
        )
    return out
