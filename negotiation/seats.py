"""Human seats: turning a person's move (a small dict) into what the engine applies.

Each `parse_*` function checks a move against the rules and raises `IllegalMove` with a message that
names what is wrong and what is allowed. Nothing here changes the game: the model applies a move
only after it has parsed cleanly, so a refused move leaves the state exactly as it was.
The way out, a typed move as the dict a person would send, is `move_dicts.py`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from negotiation import rules
from negotiation.actors.commission import PAYMENT_STEP
from negotiation.issues import CLAUSE, DealSpace, Package
from negotiation.move_dicts import codes_of
from negotiation.moves import (
    ChinaMove,
    CommissionMove,
    ConsentMove,
    IllegalMove,
    ParliamentMove,
    StanceMove,
    USMove,
    VoteMove,
)
from negotiation.strategies.member_states import CONDITIONAL, STANCES


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


def _mapping(
    move: Any, what: str, fields: tuple[str, ...] | None = None, values: str = ""
) -> dict[str, Any]:
    """The move as a mapping; with `fields`, a field not among them is refused (a typo would
    otherwise be ignored without a word). `values`: what a one-field move's field may be."""
    if not isinstance(move, dict):
        raise IllegalMove(f"a {what} move must be a mapping of fields, got {move!r}")
    if fields is not None:
        unknown = [k for k in move if k not in fields]
        if unknown:
            raise IllegalMove(
                f"{unknown[0]!r} is not a field of a {what} move; allowed: {', '.join(fields)}"
                + (f" ({fields[0]} allowed: {values})" if values else "")
            )
    return move


def _within(x: float) -> str:
    """An amount one may spend, to 3 places and rounded down (what shows is affordable)."""
    return f"{math.floor(x * 1000 + 1e-9) / 1000:.3f}"


def _beyond(x: float) -> str:
    """An amount spent, to 3 places and rounded up (so it shows above what it exceeds)."""
    return f"{math.ceil(x * 1000 - 1e-9) / 1000:.3f}"


ABSENT: Any = object()
"""`terms` left out of a move: the base terms stand (an explicit null is refused)."""


def parse_terms(
    space: DealSpace, terms: Any, base: Package, only_bilateral: bool = False
) -> np.ndarray:
    """Real-unit terms over `base`: each named issue must exist and lie in its range."""
    if terms is ABSENT:
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


def parse_package(
    space: DealSpace, move: dict, base: Package, mode: str, what: str, forms: tuple[str, ...] = ()
) -> Package:
    terms = move.get("terms", ABSENT)
    values = parse_terms(space, terms, base)
    given = terms.get(CLAUSE, base.clause) if isinstance(terms, dict) else base.clause
    clause = _flag(move.get("clause", given), "clause")
    form = move.get("form", base.form)
    if form != base.form and form not in forms:
        allowed = ", ".join(forms) or str(base.form)
        raise IllegalMove(f"form {form!r} is not allowed in this scenario; allowed: {allowed}")
    package = Package(values, clause, form)
    rules.check_admissible(package, mode, what)
    return package


def _state_mask(targets: Any, codes: list[str], field: str) -> np.ndarray:
    """Member-state codes (a list, or text with commas) as a mask over the states."""
    if isinstance(targets, str):
        targets = [t.strip() for t in targets.split(",") if t.strip()]
    if not isinstance(targets, list | tuple):
        raise IllegalMove(f"{field}: give a list of member-state codes, got {targets!r}")
    mask = np.zeros(len(codes), dtype=bool)
    upper = [c.upper() for c in codes]
    for t in targets:
        if str(t).upper() not in upper:
            raise IllegalMove(f"{field}: unknown member state {t!r}; states are {', '.join(codes)}")
        mask[upper.index(str(t).upper())] = True
    return mask


def parse_tariffs(
    tariffs: Any, codes: list[str], threatened: np.ndarray, free: np.ndarray
) -> np.ndarray:
    """Tariff threats after a move: `{"threaten": [codes or "bloc"], "withdraw": [...]}`. A
    threat falls only on states without a US deal ("bloc": all of those); a state is withdrawn
    only from a threat that stands, and not threatened in the same move."""
    out = threatened.copy()
    if not tariffs:
        return out
    tariffs = _mapping(tariffs, "tariffs")
    for key in tariffs:
        if key not in ("threaten", "withdraw"):
            raise IllegalMove(f"tariffs.{key}: not allowed; allowed: threaten, withdraw")
    masks = {}
    for key in ("threaten", "withdraw"):
        targets = tariffs.get(key) or []
        if targets == "bloc" or (isinstance(targets, list) and "bloc" in targets):
            masks[key] = free.copy() if key == "threaten" else threatened.copy()
            if not masks[key].any():
                raise IllegalMove(
                    f"tariffs.{key}: bloc names no state; "
                    + (
                        "every state has signed with the US"
                        if key == "threaten"
                        else "no tariff threat stands to withdraw"
                    )
                )
            continue
        masks[key] = _state_mask(targets, codes, f"tariffs.{key}")
    threaten, withdraw = masks["threaten"], masks["withdraw"]
    if (threaten & ~free).any():
        raise IllegalMove(
            f"tariffs.threaten: {codes_of(threaten & ~free, codes)[0]} has signed with the US; "
            "a threat falls only on states without a US deal"
        )
    if (threaten & withdraw).any():
        both = codes_of(threaten & withdraw, codes)[0]
        raise IllegalMove(f"tariffs: {both} is both threatened and withdrawn; choose one")
    if (withdraw & ~threatened).any():
        standing = ", ".join(codes_of(threatened, codes)) or "none"
        raise IllegalMove(
            f"tariffs.withdraw: no tariff threat against {codes_of(withdraw & ~threatened, codes)[0]}"
            f" stands; threatened now: {standing}"
        )
    out[threaten] = True
    out[withdraw] = False
    return out


def parse_us(
    move: Any,
    *,
    space: DealSpace,
    mode: str,
    base: Package,
    counter: Package | None,
    codes: list[str],
    free: np.ndarray,
    bilateral_base: dict[int, Package],
    red_line: bool,
    threatened: np.ndarray,
    forms: tuple[str, ...] = (),
) -> USMove:
    """The US: accept the Commission's counter-offer or make a bloc offer; bilateral offers to
    states that have not signed; tariff threats on states or on the whole bloc."""
    move = _mapping(move, "US", ("action", "terms", "clause", "form", "bilateral", "tariffs"))
    action = move.get("action", "offer")
    if action == "accept":
        if counter is None:
            raise IllegalMove("there is no Commission counter-offer to accept yet; make an offer")
        package = counter
    elif action == "offer":
        package = parse_package(space, move, base, mode, "the bloc offer", forms)
        if red_line and not package.clause:
            raise IllegalMove(
                "the Commission's mandate makes the territorial clause a red line: a bloc offer "
                "without it cannot be accepted; put the clause in"
            )
    else:
        raise IllegalMove(f"action {action!r} is not allowed; allowed: offer, accept")
    bilateral = parse_bilateral(
        move.get("bilateral"), space=space, mode=mode, codes=codes, free=free, base=bilateral_base
    )
    courted = np.zeros(len(codes), dtype=bool)
    courted[list(bilateral)] = True
    tariffs = parse_tariffs(move.get("tariffs"), codes, threatened, free)
    return USMove(action, package, courted, bilateral, tariffs & free)


def parse_bilateral(
    given: Any,
    *,
    space: DealSpace,
    mode: str,
    codes: list[str],
    free: np.ndarray,
    base: dict[int, Package],
) -> dict[int, Package]:
    """Bilateral offers: one group `{"states": [...], "terms": {...}, "clause": ...}` or a list of
    groups. Terms left out keep the agent's tailored terms for each state (`base`); a state may
    appear in one group only and must not have signed yet."""
    if not given:
        return {}
    groups = given if isinstance(given, list) else [given]
    offers: dict[int, Package] = {}
    for n, group in enumerate(groups):
        field = "bilateral" if len(groups) == 1 else f"bilateral[{n}]"
        group = _mapping(group, field)
        unknown = set(group) - {"states", "terms", "clause"}
        if unknown:
            raise IllegalMove(
                f"{field}: unknown key {sorted(unknown)[0]!r}; a bilateral offer has states, terms, clause"
            )
        rows = np.nonzero(_state_mask(group.get("states", []), codes, f"{field}.states"))[0]
        if not rows.size:
            raise IllegalMove(
                f"{field}: a bilateral offer needs at least one member state in 'states'"
            )
        for k in rows.tolist():
            if not free[k]:
                raise IllegalMove(f"{codes[k]} already holds a bilateral deal")
            if k in offers:
                raise IllegalMove(
                    f"{codes[k]} is in two bilateral offers; offer each state one deal"
                )
            own = base[k]
            values = parse_terms(space, group.get("terms", ABSENT), own, only_bilateral=True)
            clause = _flag(group.get("clause", own.clause), f"{field}.clause")
            offer = Package(values, clause)
            rules.check_admissible(offer, mode, "a bilateral offer")
            offers[k] = offer
    return offers


def parse_payments(given: Any, codes: list[str], budget: float) -> np.ndarray:
    """EU funds promised per state code; each at least 0, together within the budget left."""
    pay = np.zeros(len(codes))
    if not given:
        return pay
    if not isinstance(given, dict):
        raise IllegalMove("payments must map member-state codes to amounts, e.g. {HU: 0.05}")
    upper = [c.upper() for c in codes]
    for code, amount in given.items():
        if str(code).upper() not in upper:
            raise IllegalMove(
                f"payments: unknown member state {code!r}; states are {', '.join(codes)}"
            )
        value = _number(amount, f"payments.{code}")
        if value < 0:
            raise IllegalMove(f"payments.{code}: {value:g} is below 0; a payment is 0 or more")
        pay[upper.index(str(code).upper())] = value
    if pay.sum() > budget + 1e-9:
        raise IllegalMove(
            f"payments total {_beyond(pay.sum())}, above the EU funds left ({_within(budget)})"
        )
    return pay


def parse_commission(
    move: Any,
    *,
    space: DealSpace,
    mode: str,
    base: Package,
    offer: Package | None,
    red_line: bool,
    codes: list[str],
    budget: float,
    forms: tuple[str, ...] = (),
) -> CommissionMove:
    """The Commission: accept the US offer or counter-offer, and promise EU funds."""
    move = _mapping(move, "Commission", ("action", "terms", "clause", "form", "payments"))
    action = move.get("action", "counter")
    payments = parse_payments(move.get("payments"), codes, budget)
    if action == "accept":
        if offer is None:
            raise IllegalMove("there is no US offer to accept; make a counter-offer")
        rules.check_admissible(offer, mode, "the US offer")
        if red_line and not offer.clause:
            raise IllegalMove(
                "the mandate makes the territorial clause a red line: this US offer lacks it"
            )
        return CommissionMove("accept", offer, payments)
    if action != "counter":
        raise IllegalMove(f"action {action!r} is not allowed; allowed: counter, accept")
    package = parse_package(space, move, base, mode, "the counter-offer", forms)
    if red_line and not package.clause:
        raise IllegalMove("the mandate makes the territorial clause a red line: keep it in")
    return CommissionMove("counter", package, payments)


def parse_china(
    move: Any, *, codes: list[str], budget: float, max_pressure: float, free: np.ndarray
) -> ChinaMove:
    """China: pressure from 0 to its maximum, and per state code an inducement (> 0) or a threat
    (< 0); rewards, and threats at half their size, must fit the budget. States holding a US
    bilateral deal are out of China's reach."""
    move = _mapping(move, "China", ("pressure", "inducements"))
    if "pressure" not in move:
        raise IllegalMove(
            f"pressure: missing; give China's pressure this round, 0 to {max_pressure:g}"
        )
    pressure = _number(move["pressure"], "pressure")
    if not 0.0 <= pressure <= max_pressure + 1e-12:
        raise IllegalMove(
            f"pressure: {move.get('pressure')!r} is out of range; allowed 0 to {max_pressure:g}"
        )
    inducements = np.zeros(len(codes))
    upper = [c.upper() for c in codes]
    given = move.get("inducements") or {}
    if not isinstance(given, dict):
        raise IllegalMove("inducements must map member-state codes to amounts, e.g. {HU: 0.1}")
    for code, amount in given.items():
        if str(code).upper() not in upper:
            raise IllegalMove(f"unknown member state {code!r}; states are {', '.join(codes)}")
        k = upper.index(str(code).upper())
        value = _number(amount, f"inducements.{code}")
        if not -1.0 <= value <= 1.0:
            raise IllegalMove(
                f"inducements.{code}: {value:g} is out of range; allowed -1 (threat) to 1 (reward)"
            )
        if value and not free[k]:
            raise IllegalMove(
                f"inducements.{code}: {codes[k]} has signed with the US; China cannot sway it"
            )
        inducements[k] = value
    spent = rules.china_spending(inducements)
    if spent > budget + 1e-9:
        raise IllegalMove(
            f"inducements and threats cost {_beyond(spent)} (threats count half), above China's "
            f"budget of {_within(budget)}"
        )
    return ChinaMove(pressure, inducements)


def parse_stance(move: Any, *, available: list[str], funds: float = 1.0) -> StanceMove:
    """A member state's stance: one of the options on offer; `conditional` (back the bloc if the
    Commission promises EU funds) takes an `ask` above 0 and at most the EU funds left."""
    move = _mapping(move, "stance", ("stance", "ask"))
    stance = move.get("stance")
    if stance not in STANCES:
        raise IllegalMove(f"stance {stance!r} is not allowed; allowed now: {', '.join(available)}")
    if stance not in available:
        raise IllegalMove(
            f"stance {stance!r} is not on offer this round; allowed now: {', '.join(available)}"
        )
    k = STANCES.index(stance)
    ask = 0.0
    if k == CONDITIONAL:
        # An ask may round the funds left up to a whole step, as the agents' asks do.
        cap = min(1.0, math.ceil(funds / PAYMENT_STEP - 1e-9) * PAYMENT_STEP)
        allowed = (
            f"above 0 and at most {cap:.3f} (the EU funds the Commission has left, "
            f"{_within(funds)}, rounded up to a whole step of {PAYMENT_STEP:g})"
        )
        if move.get("ask") is None:
            raise IllegalMove(
                f"ask: missing; the conditional stance asks for an amount of EU funds {allowed}, "
                "e.g. ask=0.01"
            )
        ask = _number(move["ask"], "ask")
        if not 0.0 < ask <= cap + 1e-9:
            raise IllegalMove(f"ask: {ask:g} is not allowed; the conditional stance asks {allowed}")
    elif "ask" in move:
        raise IllegalMove(f"ask: only the conditional stance asks for EU funds, not {stance!r}")
    return StanceMove(k, ask)


def _yes_no(move: Any, field: str) -> bool:
    """A yes/no answer in `move[field]` (also true/false)."""
    answer = _mapping(move, field, (field,), "yes, no").get(field)
    if answer not in ("yes", "no", True, False):
        raise IllegalMove(f"{field} {answer!r} is not allowed; allowed: yes, no")
    return answer in ("yes", True)


def parse_consent(move: Any, suspended: bool = False) -> ConsentMove:
    """The European Parliament's consent vote; while its procedure is suspended only a no."""
    consent = ConsentMove(_yes_no(move, "consent"))
    if suspended and consent.consent:
        raise IllegalMove(
            "your consent procedure is suspended: you cannot give consent now; allowed: no "
            "(proceed with the procedure in a later round to be able to consent)"
        )
    return consent


def parse_procedure(move: Any, threat: bool) -> ParliamentMove:
    """The European Parliament's consent procedure this round: suspend or proceed."""
    action = _mapping(move, "procedure", ("procedure",), "suspend, proceed").get("procedure")
    if action not in ("suspend", "proceed"):
        raise IllegalMove(f"procedure {action!r} is not allowed; allowed: suspend, proceed")
    return ParliamentMove(action == "suspend", threat)


def parse_vote(move: Any) -> VoteMove:
    return VoteMove(_yes_no(move, "vote"))
