"""Checks on values that come from outside (a request, a form): each bad value is refused with a
`ClassroomError` that names the field and says what is allowed, before anything else runs.

JSON is parsed with non-finite numbers refused (``NaN``, ``Infinity`` and ``1e400``, which Python's
`json` would turn into ``inf``), and a move is bounded in size and depth before the engine sees it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from negotiation.classroom.errors import ClassroomError

MAX_SEED = 2**32 - 1
MAX_TIME_LIMIT = 24 * 3600.0
MAX_SEATS = 200
MAX_ACTOR_ID = 64
MAX_MOVE_BYTES = 8_000
MAX_DEPTH = 8


def _non_finite(name: str) -> float:
    raise ValueError(f"{name} is not allowed (numbers must be finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large (numbers must be finite)")
    return value


def parse_json(raw: bytes | str) -> Any:
    """JSON text as Python values; non-finite numbers and absurd nesting are refused."""
    try:
        return json.loads(raw, parse_constant=_non_finite, parse_float=_finite_float)
    except RecursionError:
        raise ClassroomError("the JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise ClassroomError(f"the request body is not valid JSON: {err}") from None


def whole_number(value: Any, field: str, low: int, high: int) -> int:
    """An integer in [low, high]; a float is taken only when it is whole (``7.0``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ClassroomError(f"{field}: {value!r} is not a whole number from {low} to {high}")
    try:
        if isinstance(value, float) or (isinstance(value, str) and any(c in value for c in ".eE")):
            number = float(value)  # checked as whole below (int() would cut 1.5 to 1)
        else:
            number = int(value)
    except (ValueError, OverflowError):
        raise ClassroomError(
            f"{field}: {value!r} is not a whole number from {low} to {high}"
        ) from None
    if isinstance(number, float):
        if not math.isfinite(number) or not number.is_integer():
            raise ClassroomError(f"{field}: {value!r} is not a whole number from {low} to {high}")
        number = int(number)
    if not low <= number <= high:
        raise ClassroomError(f"{field}: {value!r} is out of range; allowed {low} to {high}")
    return number


def seconds(value: Any, field: str, high: float = MAX_TIME_LIMIT) -> float | None:
    """A positive, finite number of seconds up to `high`; None, 0 or "" mean "no limit"."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool):
        value = repr(value)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ClassroomError(
            f"{field}: {value!r} is not a number of seconds; allowed 1 to {high:g}, or 0 for none"
        ) from None
    if number == 0:  # "0" from a query string, as 0
        return None
    if not math.isfinite(number) or not 1 <= number <= high:
        raise ClassroomError(
            f"{field}: {value!r} is out of range; allowed 1 to {high:g} seconds, or 0 for none"
        )
    return number


def actor_list(value: Any, field: str = "humans") -> list[str]:
    """A list of seat ids (short strings)."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_SEATS:
        raise ClassroomError(
            f"{field}: must be a list of seat ids such as ['us', 'PL'], got {value!r}"[:300]
        )
    out = []
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= MAX_ACTOR_ID:
            raise ClassroomError(
                f"{field}: {item!r} is not a seat id (a short text such as 'PL')"[:300]
            )
        out.append(item)
    return out


def text_field(value: Any, field: str, limit: int) -> str:
    """A text of at most `limit` characters (spaces folded); numbers are refused, not converted."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ClassroomError(f"{field}: must be text, got {json_kind(value)}")
    if len(value) > limit * 4:
        raise ClassroomError(f"{field}: is {len(value)} characters long; the limit is {limit}")
    return value


def depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and mappings nest in `value` (stops counting past `limit`)."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > limit:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def json_kind(value: Any) -> str:
    """What a JSON value is, in the words of JSON (a message never names a Python type)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


def move_dict(move: Any) -> dict[str, Any]:
    """A move as sent: a mapping, small and shallow, with text keys."""
    if not isinstance(move, dict):
        raise ClassroomError(
            f'the move must be a mapping of fields such as {{"stance": "bloc"}}, got {json_kind(move)}'
        )
    if depth(move) > MAX_DEPTH:
        raise ClassroomError(f"the move is nested more than {MAX_DEPTH} levels deep")
    size = len(json.dumps(move))
    if size > MAX_MOVE_BYTES:
        raise ClassroomError(f"the move is {size} bytes; the limit is {MAX_MOVE_BYTES}")
    return move


def decision_ref(value: Any) -> tuple[int, str]:
    """Which decision a move answers, as sent: ``{"round": 3, "kind": "stance"}`` (the round
    and kind of the decision in the seat's view)."""
    if not isinstance(value, dict) or set(value) != {"round", "kind"}:
        raise ClassroomError(
            'decision: must be the decision the move answers, {"round": 3, "kind": "stance"}, '
            f"got {json_kind(value)}"
        )
    kind = text_field(value["kind"], "decision kind", 20)
    return whole_number(value["round"], "decision round", 1, 10_000), kind
