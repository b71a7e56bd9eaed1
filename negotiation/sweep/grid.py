"""Parameter grids: parse `PATH=VALUES`, address scenario fields by dotted path, validate points.

A PATH names one field of a scenario's `model_dump(mode="json")` dict with dots, e.g.
`china.strategy.name`, `member_states.states.PL.loyalty` or `rounds`. VALUES is a comma list
(`hard,soft`) or a range `start:stop:step`, which includes `stop` when it lands on the grid
(`0:1:0.25` is 0, 0.25, 0.5, 0.75, 1). Words parse as numbers where they can, `true`/`false` as
booleans, anything else as text. Every point of a grid is applied and checked with
`parse_scenario` before a sweep starts, so a bad grid fails at once with one `GridError`.
"""

from __future__ import annotations

import copy
import itertools
import math
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from negotiation.scenario import ScenarioError, ScenarioSpec, parse_scenario

Value = str | int | float | bool
Grid = dict[str, list[Value]]
Point = dict[str, Value]

RESERVED_PATHS = {"seed": "the seed of each run comes from --seeds and --master-seed"}
MAX_AXIS_VALUES = 10_000  # values of one grid axis
MAX_POINTS = 100_000  # design points of a sweep (each is validated before any game)


class GridError(ValueError):
    """A grid that cannot be swept: the message names the path and what is allowed."""


# --- parsing VALUES --------------------------------------------------------------------------------


def parse_scalar(text: str) -> Value:
    """One word of a VALUES list: an int, a float, `true`/`false`, or the text itself."""
    word = text.strip()
    if word.lower() in ("true", "false"):
        return word.lower() == "true"
    for kind in (int, float):
        try:
            return kind(word)
        except ValueError:
            pass
    return word


def parse_range(path: str, text: str) -> list[Value]:
    """`start:stop:step` as a list; `stop` is included when it lands on the grid."""
    parts = [parse_scalar(p) for p in text.split(":")]
    if len(parts) != 3 or not all(
        isinstance(p, int | float) and not isinstance(p, bool) for p in parts
    ):
        raise GridError(f"{path}: a range is start:stop:step with three numbers (got {text!r})")
    start, stop, step = parts
    if step == 0:
        raise GridError(f"{path}: the step of range {text!r} must not be 0")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count < 1:
        raise GridError(
            f"{path}: range {text!r} is empty (from {start} the step {step} never reaches {stop})"
        )
    last = start + (count - 1) * step
    low, high = field_bounds(path)
    if (low is not None and min(start, last) < low) or (
        high is not None and max(start, last) > high
    ):
        raise GridError(
            f"{path}: range {text!r} goes from {start} to {last}; {path} takes values from "
            f"{'-inf' if low is None else low} to {'inf' if high is None else high}"
        )
    if count > MAX_AXIS_VALUES:
        raise GridError(
            f"{path}: range {text!r} has {count:,} values; a grid axis takes at most "
            f"{MAX_AXIS_VALUES:,} (use a larger step, or a sampled design: --sample lhs N)"
        )
    if all(isinstance(p, int) for p in parts):
        return [start + i * step for i in range(count)]
    return [round(start + i * step, 12) for i in range(count)]


def parse_values(path: str, text: str) -> list[Value]:
    """VALUES of one `PATH=VALUES`: a range if it holds a colon, else a comma list."""
    text = text.strip()
    if not text:
        raise GridError(f"{path}: no values given")
    if ":" in text and "," not in text:
        return parse_range(path, text)
    words = text.split(",")
    if any(not w.strip() for w in words):
        raise GridError(
            f"{path}: empty value in {text!r}; write the values separated by single commas"
        )
    return [parse_scalar(w) for w in words]


def parse_grid_args(items: Sequence[str]) -> Grid:
    """The `--grid PATH=VALUES` arguments of the command line as one grid."""
    grid: Grid = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise GridError(
                f"--grid {item!r}: write PATH=VALUES, e.g. china.strategy.name=escalation,restraint"
            )
        add_axis(grid, path.strip(), parse_values(path.strip(), text))
    return grid


def grid_from_mapping(data: Mapping[str, Any]) -> Grid:
    """A grid from a sweep file: each value a list, a single value, or a VALUES string."""
    grid: Grid = {}
    for path, raw in data.items():
        if isinstance(raw, str):
            values = parse_values(path, raw)
        elif isinstance(raw, list):
            values = list(raw)
        else:
            values = [raw]
        if not values:
            raise GridError(f"{path}: no values given")
        add_axis(grid, str(path), values)
    return grid


def add_axis(grid: Grid, path: str, values: list[Value]) -> None:
    if path in grid:
        raise GridError(f"{path}: given twice in the grid")
    check_sweepable(path)
    kinds = {_kind(path, v) for v in values}
    if len(kinds) > 1:
        raise GridError(
            f"{path}: values {', '.join(map(str, values))} mix {' and '.join(sorted(kinds))}; "
            "the values of one path must be all numbers, all true/false, or all words"
        )
    if kinds == {"numbers"} and any(isinstance(v, float) for v in values):
        values = [float(v) for v in values]  # one column type: 0,0.5 are 0.0,0.5
    if len(set(values)) != len(values):
        raise GridError(f"{path}: a value is given twice ({', '.join(map(str, values))})")
    grid[path] = values


def check_sweepable(path: str) -> None:
    """GridError if PATH is a field a sweep sets itself (the seed), not a grid axis or factor."""
    if path in RESERVED_PATHS:
        raise GridError(f"{path}: cannot be swept; {RESERVED_PATHS[path]}")


def _kind(path: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "numbers"
    if isinstance(value, str):
        return "words"
    raise GridError(f"{path}: {value!r} is not a value; give numbers, true/false or words")


def points(grid: Grid) -> list[Point]:
    """Every combination of the grid's values, the last path varying fastest."""
    paths = list(grid)
    return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*grid.values())]


# --- addressing scenario fields --------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """The type under Annotated[...] and `X | None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _step(tp: Any, node: Any, key: str, where: str) -> Any:
    """The schema type of `node[key]`; GridError if the schema has no such field or entry."""
    here = f"{where}.{key}" if where else key
    if _is_model(tp):
        fields = tp.model_fields
        if key not in fields:
            raise GridError(f"{here}: unknown field; fields here are {', '.join(fields)}")
        return fields[key].annotation
    if typing.get_origin(tp) is dict:
        value_type = _unwrap(typing.get_args(tp)[1])
        if isinstance(node, dict) and key not in node and _is_model(value_type):
            known = ", ".join(sorted(node)) or "none"
            raise GridError(f"{here}: unknown key {key!r}; known keys here are {known}")
        return value_type
    raise GridError(f"{here}: {where} is a single value, not a group of fields")


def check_path(path: str) -> None:
    """Raise GridError if PATH cannot name a scenario field (checked against the schema)."""
    set_path({}, path, None, schema_only=True)


def set_path(data: dict, path: str, value: Any, *, schema_only: bool = False) -> None:
    """Set the field PATH of a scenario dict in place, creating keys the schema allows."""
    keys = path.split(".")
    if not all(keys):
        raise GridError(f"{path}: empty part in the path")
    tp: Any = ScenarioSpec
    node: Any = data
    where = ""
    for depth, key in enumerate(keys):
        tp = _step(_unwrap(tp), None if schema_only else node, key, where)
        where = f"{where}.{key}" if where else key
        if schema_only:
            continue
        if depth == len(keys) - 1:
            node[key] = value
        else:
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
            if not isinstance(node, dict):
                raise GridError(f"{path}: {where} is a single value, not a group of fields")


def field_bounds(path: str) -> tuple[float | None, float | None]:
    """The lowest and highest value the field PATH allows (None where the schema sets none, or
    the path is unknown: `check_path` says so later)."""
    try:
        tp, metadata = _field(path)
    except GridError:
        return None, None
    if typing.get_origin(tp) in (typing.Union, types.UnionType):  # `X | None`
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = args[0] if len(args) == 1 else tp
    while typing.get_origin(tp) is typing.Annotated:
        tp, *extra = typing.get_args(tp)
        metadata += extra
    low = high = None
    for item in [m for entry in metadata for m in [entry, *getattr(entry, "metadata", [])]]:
        low = getattr(item, "ge", getattr(item, "gt", low))  # a FieldInfo's own metadata too
        high = getattr(item, "le", getattr(item, "lt", high))
    return low, high


def _field(path: str) -> tuple[Any, list[Any]]:
    """The schema type at PATH as declared and the metadata of its model field (its bounds);
    GridError if unknown."""
    tp: Any = ScenarioSpec
    where = ""
    metadata: list[Any] = []
    for key in path.split("."):
        model = _unwrap(tp)
        tp = _step(model, None, key, where)
        where = f"{where}.{key}" if where else key
        metadata = list(model.model_fields[key].metadata) if _is_model(model) else []
    return tp, metadata


def field_type(path: str) -> Any:
    """The schema type of the field PATH (under Annotated and Optional); GridError if unknown."""
    return _unwrap(_field(path)[0])


def get_path(data: dict, path: str) -> Any:
    """The value at PATH of a scenario dict (None if a level is missing)."""
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


DEFAULTS = "member_states.defaults."


def apply_point(base: dict, point: Point) -> dict:
    """A copy of a scenario dict with the point's values set. A member-state default
    (`member_states.defaults.FIELD`) is set for every state, also where a state has its own
    value (from the scenario or its indicators file): a lever on all states, as a sweep means it.
    Defaults are set first, so a state's own swept value in the same point
    (`member_states.states.PL.FIELD`) wins over the default, whatever the order of the axes."""
    data = copy.deepcopy(base)
    ordered = sorted(point.items(), key=lambda item: not item[0].startswith(DEFAULTS))
    for path, value in ordered:
        set_path(data, path, value)
        if path.startswith(DEFAULTS):
            rest = path[len(DEFAULTS) :]
            first = rest.split(".")[0]
            states = get_path(data, "member_states.states") or {}
            for code, own in states.items():
                if isinstance(own, dict) and first in own:
                    set_path(data, f"member_states.states.{code}.{rest}", copy.deepcopy(value))
    return data


# --- validating a whole grid -----------------------------------------------------------------------


def _describe(point: Point) -> str:
    return ", ".join(f"{p}={v!r}" for p, v in point.items())


def point_problem(base: dict, point: Point, source: str) -> str | None:
    """None if the point gives a valid scenario, else one message naming the fields."""
    try:
        spec = parse_scenario(apply_point(base, point), source=source)
    except ScenarioError as err:
        lines = []
        for field, message in err.problems:
            swept = field in point
            label = f"{field}={point[field]!r}" if swept else field
            lines.append(f"{label}: {message}")
        return f"grid point {_describe(point)} gives a bad scenario:\n  " + "\n  ".join(lines)
    parsed = spec.model_dump(mode="json")
    for path, value in point.items():
        kept = get_path(parsed, path)
        if isinstance(value, bool) != isinstance(kept, bool):
            wants = "a number" if isinstance(kept, int | float) else f"a value like {kept!r}"
            given = "true/false" if isinstance(value, bool) else repr(value)
            return (
                f"grid point {_describe(point)}: {path}={value!r}: the field takes {wants}, "
                f"not {given}"
            )
    return None


def check_design_size(n_points: int, what: str, hint: str) -> None:
    """GridError if a design has more than MAX_POINTS points (checked before it is expanded)."""
    if n_points > MAX_POINTS:
        raise GridError(
            f"{what} has {n_points:,} design points; a sweep takes at most {MAX_POINTS:,} ({hint})"
        )


def validate_grid(spec: ScenarioSpec, grid: Grid, source: str = "<scenario>") -> list[Point]:
    """Check every path against the schema and every point with `parse_scenario`; the points."""
    if not grid:
        return [{}]
    for path in grid:
        check_path(path)
    sizes = [len(v) for v in grid.values()]
    shape = " x ".join(map(str, sizes))
    check_design_size(math.prod(sizes), f"the grid ({shape})", "give fewer values or larger steps")
    base = spec.model_dump(mode="json")
    all_points = points(grid)
    for point in all_points:
        problem = point_problem(base, point, source)
        if problem:
            raise GridError(problem)
    return all_points
