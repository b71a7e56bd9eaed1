"""Typed moves as the small dicts a person sends (`encode`: what a seat's agent would play, as a
suggestion a person may send back unchanged), and how such a dict is shown (`without_noise`).
The way in, a person's dict checked into a typed move, is `seats.py`."""

from __future__ import annotations

from typing import Any

import numpy as np

from negotiation.issues import DealSpace, Package, group_offers
from negotiation.strategies.member_states import CONDITIONAL, STANCES


def without_noise(move: Any) -> Any:
    """`move` with its floats rounded to 6 decimals (110.0, not 109.99999999999999): how a
    suggested move is shown (sending the suggestion sends the move itself)."""
    if isinstance(move, float):
        return round(move, 6)
    if isinstance(move, dict):
        return {k: without_noise(x) for k, x in move.items()}
    if isinstance(move, list):
        return [without_noise(x) for x in move]
    return move


def _terms(space: DealSpace, package: Package, only_bilateral: bool = False) -> dict[str, float]:
    real = space.to_real(package)
    return {i.id: float(real[i.id]) for i in space.issues if i.bilateral or not only_bilateral}


def _package(space: DealSpace, package: Package, forms: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"terms": _terms(space, package), "clause": bool(package.clause)}
    if len(forms) > 1:
        out["form"] = package.form
    return out


def codes_of(mask: Any, codes: list[str]) -> list[str]:
    """The codes of the states a mask picks, in order."""
    return [c for c, x in zip(codes, np.asarray(mask, dtype=bool), strict=True) if x]


def encode(
    kind: str,
    move: Any,
    space: DealSpace,
    codes: list[str],
    threatened: Any = None,
    forms: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A typed move as the dict a person would send for it (what the seat's agent would play).
    Numbers are kept whole (JSON floats round-trip), so sending it back plays the agent's move.
    `threatened`: the US's tariff threats standing before the move (those it drops are listed as
    withdrawn). `forms`: the legal forms allowed (a package's form is sent when there is a
    choice)."""
    if kind == "china":
        return {
            "pressure": float(move.pressure),
            "inducements": {
                codes[i]: float(move.inducements[i]) for i in np.nonzero(move.inducements)[0]
            },
        }
    if kind == "us":
        out: dict[str, Any] = {"action": move.action}
        if move.action == "offer":
            out.update(_package(space, move.package, forms))
        groups = [
            {
                "states": [codes[i] for i in rows],
                "terms": _terms(space, offer, only_bilateral=True),
                "clause": bool(offer.clause),
            }
            for rows, offer in group_offers(move.bilateral)
        ]
        if groups:
            out["bilateral"] = groups[0] if len(groups) == 1 else groups
        out["tariffs"] = {"threaten": codes_of(move.threatened, codes)}
        if threatened is not None and np.any(threatened & ~move.threatened):
            out["tariffs"]["withdraw"] = codes_of(threatened & ~move.threatened, codes)
        return out
    if kind == "commission":
        out = {"action": move.action}
        if move.action == "counter":
            out.update(_package(space, move.package, forms))
        paid = np.nonzero(move.payments)[0]
        if paid.size:
            out["payments"] = {codes[i]: float(move.payments[i]) for i in paid}
        return out
    if kind == "stance":
        out = {"stance": STANCES[move.stance]}
        if move.stance == CONDITIONAL:
            out["ask"] = float(move.ask)
        return out
    if kind == "vote":
        return {"vote": "yes" if move.yes else "no"}
    if kind == "consent":
        return {"consent": "yes" if move.consent else "no"}
    if kind == "parliament":
        return {"procedure": "suspend" if move.suspend else "proceed"}
    raise ValueError(f"unknown kind of move {kind!r}")
