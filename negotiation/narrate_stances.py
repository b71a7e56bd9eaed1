"""The stance sentences of the move log: every member state's stance in a round, written at once.

A stance names every term that decided it: each option's value, the day's swing (noise) and the
state's outlook (its strategy's adjustment); a person's own stance only the options' values, and
one its agent took for the person in the seat the agent's terms and who played it. A round writes 27 of these, most games' largest share
of the log, so the numbers come in as arrays for the whole round and are turned into plain floats
and rounded (`round4_array`) in one pass; the per-state loop only picks and formats.
"""

from __future__ import annotations

import math
from math import isfinite
from operator import itemgetter

import numpy as np

from negotiation.actors.commission import PAYMENT_STEP
from negotiation.moves import BY_HUMAN, BY_RULES
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


_STEP_NOTE = f"and one step more, rounded up to whole steps of {PAYMENT_STEP:g}"
"""How an ask follows from the gap it covers (`PAYMENT_STEP`; the stance turn's formula)."""


def _parts(v: float, z: float, s: float, places: int) -> tuple[float, float, float, float]:
    """An option's value `s` as shown: its value `v`, the day's swing `z` and the outlook's
    adjustment, each rounded to `places`, and the total as their sum (so the shown terms add up
    to the shown total exactly)."""
    a, b, c = round(v, places), round(z, places), round(s - v - z, places)
    return round(a + b + c, places), a, b, c


def _places(
    taken: tuple[float, float, float], other: tuple[float, float, float], ask: float | None = None
) -> int:
    """Decimal places (2 to 6) at which each option's rounded terms add up to its rounded value
    and the option taken shows as worth more than the other; with `ask`, also at which the gap
    shown leads to that ask by the stance turn's formula."""
    for places in range(2, 7):
        shown_taken, shown_other = _parts(*taken, places)[0], _parts(*other, places)[0]
        gap = shown_taken - shown_other
        if (
            gap > 0
            and shown_taken == round(taken[2], places)
            and shown_other == round(other[2], places)
            and (ask is None or abs(_ask_for(gap) - ask) < 1e-9)
        ):
            return places
    return 6  # the terms' sum, a millionth off the value at most


def _ask_for(gap: float) -> float:
    """The ask that covers a gap: the gap and one step more, rounded up to whole steps."""
    return math.ceil((gap + PAYMENT_STEP) / PAYMENT_STEP - 1e-9) * PAYMENT_STEP


def _gap(taken: tuple[float, float, float], other: tuple[float, float, float], places: int) -> str:
    """How much more the option taken shows as worth than the other, from the shown totals."""
    gap = _parts(*taken, places)[0] - _parts(*other, places)[0]
    return f"{gap:.{places}f}"


def _term(v: float, z: float, s: float, outlook: str, places: int | None = None) -> str:
    """An option's value as the state saw it (`s`), with the terms that made it: its value `v`,
    the day's swing `z` and the outlook's adjustment, to `places` decimals (by default the fewest,
    from 2 to 4, at which the terms add up to the value; a term that shows as 0 is left out)."""
    if places is None:
        for places in (2, 3, 4):  # (4 whatever the sum)
            shown = _parts(v, z, s, places)
            if shown[0] == round(s, places):
                break
    else:
        shown = _parts(v, z, s, places)
    total, v, z, adjust = shown
    f = f".{places}f"
    swing = z != 0
    if adjust != 0:
        if swing:
            return f"{total:{f}} ({v:{f}}, the day's swing {z:+{f}}, {outlook} {adjust:+{f}})"
        return f"{total:{f}} ({v:{f}}, {outlook} {adjust:+{f}})"
    if swing:
        return f"{total:{f}} ({v:{f}}, the day's swing {z:+{f}})"
    return f"{total:{f}}"


def _against(
    a: tuple[float, float, float], b: tuple[float, float, float], outlook: str, places: int
) -> str:
    """Two options' values (v, z, s) as the state saw them, 'A against B', to `places`."""
    return f"{_term(*a, outlook, places)} against {_term(*b, outlook, places)}"


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
                else " (it has signed with the US, and the Commission has no EU funds to ask for: nothing "
                "else is on offer)."
                if who == BY_RULES
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
                no_deal, deal = (n, 0.0, n), (y, 0.0, y)
                p = _places(no_deal, deal, a)
                why = (
                    f"{name} {verb}: it asks the Commission for {a:.3f} in EU funds to vote yes, "
                    f"since the expected deal is worth {y:.{p}f} to it against {n:.{p}f} without "
                    f"one (the gap of {_gap(no_deal, deal, p)} {_STEP_NOTE})."
                )
            else:
                j = _first_max(s)
                outlook = OUTLOOK.get(strategy, "its outlook")
                leave, bloc = (v[j], z[j], s[j]), (v[BLOC], z[BLOC], s[BLOC])
                p = _places(leave, bloc, a)
                why = (
                    f"{name} {verb}: {LABEL[j]} is worth {_against(leave, bloc, outlook, p)} "
                    f"for the bloc, so it asks the Commission for {a:.3f} in EU funds to stay (the gap of "
                    f"{_gap(leave, bloc, p)} {_STEP_NOTE})."
                )
        else:
            action = STANCES[k]
            outlook = OUTLOOK.get(strategy, "its outlook")
            best = -1
            for j in (BLOC, BILATERAL, CHINA):  # the best option not taken (the first of equals)
                if j != k and isfinite(s[j]) and (best < 0 or s[j] > s[best]):
                    best = j
            if best >= 0:
                margin = round4(s[k] - s[best])
                taken, other = (v[k], z[k], s[k]), (v[best], z[best], s[best])
                places = _places(taken, other)
                why = (
                    f"{name} {VERB[k][was == k]}: {_against(taken, other, outlook, places)} for "
                    f"{LABEL[best]}; {LABEL[best]} would have needed +{_gap(taken, other, places)} "
                    "to win."
                )
            else:
                why = (
                    f"{name} {VERB[k][was == k]}: {_term(v[k], z[k], s[k], outlook)}; nothing "
                    "else on offer."
                )
        why += played_for(who)
        out.append(
            {"action": action, "why": why, "numbers": numbers, "margin": margin, "detail": {}}
        )
    return out
