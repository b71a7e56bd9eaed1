"""Pydantic's validation errors of a scenario, as one line per field a teacher can act on.

Two things pydantic leaves to us: a value that may take one of several forms (a number or a
range `{low, high}`, a courting strategy by name or a list of states) fails once per form, and
each of those failures would otherwise be a line of its own naming internal type names
(`constrained-float`, `PrivateRange`); and lax mode would read `true` as 1 and the text "0.5" as
a number (`numbers_are_numbers`).
"""

from __future__ import annotations

import re
import types
import typing
from typing import Annotated, Any, Union

from pydantic import ValidationError

UNION_HINTS = {
    "reservation": "a number from 0 to 1, or a range {low: ..., high: ...} of such numbers",
    "budget": "a number from 0 to 100, or a range {low: ..., high: ...} of such numbers",
    "inducement_budget": "a number from 0 to 100, or a range {low: ..., high: ...} of such numbers",
    "courting": "none, all, pivotal, {name: pivotal, size: N} or a list of member-state codes",
}
"""What a field that takes several forms allows, by its name (docs/scenarios.md)."""

_PRIMITIVE_TAGS = {"str", "int", "float", "bool"}


def _is_form_tag(part: str) -> bool:
    """Is this part of an error's location pydantic's name for one form of a union
    (`constrained-float`, `list[str]`, `PrivateRange`) rather than a field, issue or state?"""
    return (
        part in _PRIMITIVE_TAGS
        or "-" in part
        or "[" in part
        or re.fullmatch(r"[A-Z][a-z]\w*", part) is not None
    )


def _shown(value: Any) -> str:
    return "nothing: the field is empty" if value is None else repr(value)[:60]


def _message(e: dict) -> str:
    msg = e["msg"].removeprefix("Value error, ")
    if e["type"] == "extra_forbidden":
        return "unknown field (see docs/scenarios.md for the fields allowed)"
    if e["type"] in ("model_type", "dict_type"):  # pydantic would name its class
        msg = "must be a mapping of fields"
    if e["type"] == "literal_error":
        msg = msg.replace("Input should be", "allowed values are")
    if "input" in e and e["type"] not in ("missing", "extra_forbidden", "value_error"):
        msg = f"{msg} (got {_shown(e['input'])})"
    return msg


def pydantic_problems(err: ValidationError) -> list[tuple[str, str]]:
    """(field, message) per problem; a field that may take several forms gets one line."""
    plain: list[tuple[list[str], dict]] = []
    unions: dict[tuple[str, ...], list[tuple[list[str], dict]]] = {}
    for e in err.errors():
        parts = [str(p) for p in e["loc"] if not str(p).startswith("function-")]
        cut = next((i for i, p in enumerate(parts) if _is_form_tag(p)), None)
        if cut is None:
            plain.append((parts, e))
        else:
            unions.setdefault(tuple(parts[:cut]), []).append((parts[:cut] + parts[cut + 1 :], e))
    for parts, e in list(plain):  # a failure inside a form's mapping belongs to its union
        prefix = next((u for u in unions if tuple(parts[: len(u)]) == u), None)
        if prefix is not None:
            plain.remove((parts, e))
            unions[prefix].append((parts, e))
    problems = [(".".join(parts), _message(e)) for parts, e in plain]
    for prefix, errors in unions.items():
        deeper = [(parts, e) for parts, e in errors if len(parts) > len(prefix)]
        value = next((e["input"] for parts, e in errors if len(parts) == len(prefix)), None)
        if deeper and isinstance(value, dict | type(None)):
            problems += [(".".join(parts), _message(e)) for parts, e in deeper]
            continue
        own = [e for parts, e in errors if len(parts) == len(prefix) and e["type"] == "value_error"]
        if isinstance(value, dict) and own:  # the range form's own check (high below low)
            problems.append((".".join(prefix), _message(own[0])))
            continue
        hint = UNION_HINTS.get(prefix[-1] if prefix else "")
        if hint is None:
            hint = " or ".join(dict.fromkeys(_message(e).split(" (got ")[0] for _, e in errors))
        problems.append((".".join(prefix), f"must be {hint} (got {_shown(value)})"))
    return problems


def _members(annotation: Any) -> list[Any]:
    """The types a field annotation allows, with Annotated unwrapped and None left out."""
    if typing.get_origin(annotation) is Annotated:
        return _members(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [] if annotation is type(None) else [annotation]


def numeric_kind(annotation: Any) -> str | None:
    """ "number" for a field that takes a number (perhaps or a range), "numbers" for a mapping of
    numbers, None otherwise (text and true/false are then allowed)."""
    members = _members(annotation)
    if any(m in (str, bool) for m in members):
        return None
    if any(m is float for m in members):
        return "number"
    if any(m is int for m in members):
        return "whole number"
    if (
        len(members) == 1
        and typing.get_origin(members[0]) is dict
        and all(m in (int, float) for m in _members(typing.get_args(members[0])[1]))
    ):
        return "numbers"
    return None


def not_a_number(value: Any, kind: str = "number") -> str | None:
    """Why `value` is no number (true/false or text), or None if it may be one."""
    if isinstance(value, bool):
        return f"must be a {kind}, not {str(value).lower()}"
    if isinstance(value, str):
        why = f"must be a {kind}, not the text {value!r}"
        if re.fullmatch(r"[-+]?\d+[eE][-+]?\d+", value.strip()):
            why += " (YAML reads 1e5 as text: write 1.0e+5)"
        return why
    return None
