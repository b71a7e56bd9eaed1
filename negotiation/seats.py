"""Human seats: turning a person's move (a small dict) into what the engine applies.

Each `parse_*` function checks a move against the rules and raises `IllegalMove` with a message that
names what is wrong and what is allowed. Nothing here changes the game: the model applies a move
only after it has parsed cleanly, so a refused move leaves the state exactly as it was.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from negotiation import rules
from negotiation.issues import CLAUSE, DealSpace, Package
from negotiation.moves import IllegalMove
from negotiation.strategies.member_states import STANCES


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise IllegalMove(f"{field}: {value!r} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise IllegalMove(f"{field}: {value!r} is not a number") from None
    if not np.isfinite(number):
        raise IllegalMove(f"{field}: {value!r} is not a finite number")
    return number


def _flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "no", "true", "false", "in", "out"):
        return value.lower() in ("yes", "true", "in")
    raise IllegalMove(f"{field}: {value!r} is not yes/no (allowed: true, false, yes, no, in, out)")


def _mapping(move: Any, what: str) -> dict[str, Any]:
    if not isinstance(move, dict):
        raise IllegalMove(f"a {what} move must be a mapping of fields, got {move!r}")
    return move


def parse_terms(
    space: DealSpace, terms: Any, base: Package, only_bilateral: bool = False
) -> np.ndarray:
    """Real-unit terms over `base`: each named issue must exist and lie in its range."""
    if terms is None:
        return base.values.copy()
    if not isinstance(terms, dict):
        raise IllegalMove(f"terms must be a mapping of issue to value, got {terms!r}")
    if only_bilateral:
        rules.check_bilateral_terms(space, terms)
    values = base.values.copy()
    for key, raw in terms.items():
        if key == CLAUSE:
            continue
        if key not in space.index:
            raise IllegalMove(f"{key!r} is not an issue; issues are {', '.join(space.ids)}")
        issue = space.issues[space.index[key]]
        real = _number(raw, key)
        if not issue.low <= real <= issue.high:
            raise IllegalMove(
                f"{key}: {real:g} is out of range; allowed {issue.low:g} to {issue.high:g} {issue.unit}"
            )
        values[space.index[key]] = issue.to_unit(real)
    return values


def parse_package(space: DealSpace, move: dict, base: Package, mode: str, what: str) -> Package:
    values = parse_terms(space, move.get("terms"), base)
    clause = _flag(move.get("clause", move.get("terms", {}).get(CLAUSE, base.clause)), "clause")
    package = Package(values, clause)
    rules.check_admissible(package, mode, what)
    return package


def parse_us(
    move: Any,
    *,
    space: DealSpace,
    mode: str,
    base: Package,
    counter: Package | None,
    codes: list[str],
    free: np.ndarray,
    bilateral_base: Package,
    red_line: bool,
) -> tuple[str, Package | None, tuple[np.ndarray, Package] | None]:
    """The US: accept the Commission's counter-offer, or make a bloc offer (and bilateral offers)."""
    move = _mapping(move, "US")
    action = move.get("action", "offer")
    if action == "accept":
        if counter is None:
            raise IllegalMove("there is no Commission counter-offer to accept yet; make an offer")
        package = counter
    elif action == "offer":
        package = parse_package(space, move, base, mode, "the bloc offer")
        if red_line and not package.clause:
            raise IllegalMove(
                "the Commission's mandate makes the territorial clause a red line: a bloc offer "
                "without it cannot be accepted; put the clause in"
            )
    else:
        raise IllegalMove(f"action {action!r} is not allowed; allowed: offer, accept")
    bilateral = None
    if move.get("bilateral"):
        bil = _mapping(move["bilateral"], "bilateral")
        targets = bil.get("states", [])
        if isinstance(targets, str):
            targets = [t.strip() for t in targets.split(",") if t.strip()]
        mask = np.zeros(len(codes), dtype=bool)
        upper = [c.upper() for c in codes]
        for t in targets:
            if str(t).upper() not in upper:
                raise IllegalMove(f"unknown member state {t!r}; states are {', '.join(codes)}")
            k = upper.index(str(t).upper())
            if not free[k]:
                raise IllegalMove(f"{codes[k]} already holds a bilateral deal")
            mask[k] = True
        if not mask.any():
            raise IllegalMove("a bilateral offer needs at least one member state in 'states'")
        values = parse_terms(space, bil.get("terms"), bilateral_base, only_bilateral=True)
        clause = _flag(bil.get("clause", bilateral_base.clause), "bilateral.clause")
        offer = Package(values, clause)
        rules.check_admissible(offer, mode, "a bilateral offer")
        bilateral = (mask, offer)
    return action, package, bilateral


def parse_commission(
    move: Any, *, space: DealSpace, mode: str, base: Package, offer: Package | None, red_line: bool
) -> tuple[str, Package]:
    """The Commission: accept the US offer, or counter-offer."""
    move = _mapping(move, "Commission")
    action = move.get("action", "counter")
    if action == "accept":
        if offer is None:
            raise IllegalMove("there is no US offer to accept; make a counter-offer")
        rules.check_admissible(offer, mode, "the US offer")
        if red_line and not offer.clause:
            raise IllegalMove(
                "the mandate makes the territorial clause a red line: this US offer lacks it"
            )
        return "accept", offer
    if action != "counter":
        raise IllegalMove(f"action {action!r} is not allowed; allowed: counter, accept")
    package = parse_package(space, move, base, mode, "the counter-offer")
    if red_line and not package.clause:
        raise IllegalMove("the mandate makes the territorial clause a red line: keep it in")
    return "counter", package


def parse_china(move: Any, *, codes: list[str], budget: float) -> tuple[float, np.ndarray]:
    """China: pressure in [0, 1], and per state code an inducement (> 0) or a threat (< 0); the
    amounts, counted without sign, must fit the budget."""
    move = _mapping(move, "China")
    pressure = _number(move.get("pressure"), "pressure") if "pressure" in move else None
    if pressure is None or not 0.0 <= pressure <= 1.0:
        raise IllegalMove(f"pressure: {move.get('pressure')!r} is out of range; allowed 0 to 1")
    inducements = np.zeros(len(codes))
    upper = [c.upper() for c in codes]
    given = move.get("inducements") or {}
    if not isinstance(given, dict):
        raise IllegalMove("inducements must map member-state codes to amounts, e.g. {HU: 0.1}")
    for code, amount in given.items():
        if str(code).upper() not in upper:
            raise IllegalMove(f"unknown member state {code!r}; states are {', '.join(codes)}")
        value = _number(amount, f"inducements.{code}")
        if not -1.0 <= value <= 1.0:
            raise IllegalMove(
                f"inducements.{code}: {value:g} is out of range; allowed -1 (threat) to 1 (reward)"
            )
        inducements[upper.index(str(code).upper())] = value
    if np.abs(inducements).sum() > budget + 1e-9:
        raise IllegalMove(
            f"inducements and threats total {np.abs(inducements).sum():.3g}, above China's "
            f"budget of {budget:.3g}"
        )
    return pressure, inducements


def parse_stance(move: Any, *, available: list[str]) -> int:
    move = _mapping(move, "stance")
    stance = move.get("stance")
    if stance not in STANCES:
        raise IllegalMove(f"stance {stance!r} is not allowed; allowed now: {', '.join(available)}")
    if stance not in available:
        raise IllegalMove(
            f"stance {stance!r} is not on offer this round; allowed now: {', '.join(available)}"
        )
    return STANCES.index(stance)


def parse_vote(move: Any) -> bool:
    move = _mapping(move, "vote")
    vote = move.get("vote")
    if vote not in ("yes", "no", True, False):
        raise IllegalMove(f"vote {vote!r} is not allowed; allowed: yes, no")
    return vote in ("yes", True)
