"""Sampled designs: levers and uncertainties over ranges, sampled by LHS, Sobol, Morris or at random.

A factor is a scenario field (a PATH, as in a grid) with a range `LOW:HIGH` (uniform), a
distribution `DIST:P1:P2[...]` (SALib's: `unif`, `logunif`, `triang` low:high:peak-fraction,
`norm` mean:sd, `truncnorm` low:high:mean:sd, `lognorm` ln-mean:ln-sd) or a list of choices
`a,b,c`. Levers are what a player or a policy can set, uncertainties what nobody controls (as the
EMA Workbench keeps them apart); both are sampled alike.

Every method first draws points in the unit cube with SALib (Saltelli/Sobol' sequences for
`sobol`, Morris trajectories for `morris`, Latin hypercube for `lhs`) or numpy (`random`), then
maps each coordinate through its factor's inverse distribution: choices by equal slices of 0..1,
whole-number fields rounded down within the range. The same design (method, N, factors, seed)
always gives the same points, so `negotiation analyse` can rebuild the unit sample it needs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats

from negotiation.sweep.grid import (
    GridError,
    Point,
    Value,
    check_design_size,
    check_sweepable,
    field_type,
    parse_scalar,
)

METHODS = ("lhs", "sobol", "morris", "random")
DISTRIBUTIONS = {
    "unif": ("low", "high"),
    "logunif": ("low", "high"),
    "triang": ("low", "high", "peak fraction"),
    "norm": ("mean", "sd"),
    "truncnorm": ("low", "high", "mean", "sd"),
    "lognorm": ("ln-mean", "ln-sd"),
}
MORRIS_LEVELS = 4
MAPPING_KEYS = ("distribution", "params", "range")  # a factor given as a mapping; range = params
EDGE = 1e-9  # keeps unbounded inverse distributions finite at u = 0 or 1
Role = Literal["lever", "uncertainty"]


@dataclass(frozen=True)
class Factor:
    """One sampled scenario field: a distribution over numbers, or a list of choices."""

    path: str
    role: Role
    dist: str | None = None
    params: tuple[float, ...] = ()
    choices: tuple[Value, ...] = ()
    integer: bool = False

    def value(self, u: float) -> Value:
        """The factor's value at unit coordinate u (0..1)."""
        if self.choices:
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        p = self.params
        u = min(max(u, EDGE), 1 - EDGE) if self.dist not in ("unif", "logunif") else u
        if self.dist == "unif":
            low, high = p
            if self.integer:
                return int(min(math.floor(low + u * (high - low + 1)), high))
            x = low + u * (high - low)
        elif self.dist == "logunif":
            x = math.exp(math.log(p[0]) + u * (math.log(p[1]) - math.log(p[0])))
        elif self.dist == "triang":
            x = float(stats.triang.ppf(u, p[2], loc=p[0], scale=p[1] - p[0]))
        elif self.dist == "norm":
            x = float(stats.norm.ppf(u, p[0], p[1]))
        elif self.dist == "truncnorm":
            a, b = (p[0] - p[2]) / p[3], (p[1] - p[2]) / p[3]
            x = float(stats.truncnorm.ppf(u, a, b, loc=p[2], scale=p[3]))
        else:  # lognorm
            x = float(stats.lognorm.ppf(u, p[1], scale=math.exp(p[0])))
        return round(x) if self.integer else float(x)

    def describe(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "role": self.role}
        if self.choices:
            data["choices"] = list(self.choices)
        else:
            data.update(dist=self.dist, params=list(self.params), integer=self.integer)
        return data

    @classmethod
    def from_description(cls, data: Mapping[str, Any]) -> Factor:
        return cls(
            data["path"],
            data["role"],
            data.get("dist"),
            tuple(data.get("params", ())),
            tuple(data.get("choices", ())),
            bool(data.get("integer", False)),
        )


def parse_factor(path: str, spec: Any, role: Role) -> Factor:
    """A factor from `LOW:HIGH`, `DIST:P1:P2...`, `a,b,c`, a list of choices, or a mapping."""
    where = f"{role} {path}"
    check_sweepable(path)
    kind = field_type(path)
    integer = kind is int
    if isinstance(spec, Mapping):
        unknown = sorted(set(map(str, spec)) - set(MAPPING_KEYS))
        params = spec.get("params", spec.get("range", []))
        if unknown or not isinstance(params, list):
            got = f"unknown key {', '.join(unknown)}" if unknown else f"params {params!r}"
            raise GridError(
                f"{where}: {got}; a distribution takes {', '.join(MAPPING_KEYS)} "
                "(e.g. {distribution: norm, params: [0.1, 0.02]})"
            )
        dist = spec.get("distribution", "unif")
        if not params:
            raise GridError(f"{where}: {_needs_params(dist)}")
        spec = ":".join(str(v) for v in [dist, *params])
    if isinstance(spec, list):
        choices = tuple(spec)
    elif isinstance(spec, str) and ":" not in spec:
        words = spec.split(",")
        if any(not w.strip() for w in words):
            raise GridError(f"{where}: empty choice in {spec!r}")
        choices = tuple(parse_scalar(w) for w in words)
    elif isinstance(spec, str):
        return _numeric_factor(path, role, spec, integer)
    else:
        raise GridError(f"{where}: give LOW:HIGH, DIST:PARAMS or a list of choices (got {spec!r})")
    if len(choices) < 2 or len(set(choices)) != len(choices):
        raise GridError(f"{where}: give at least two different choices (got {list(choices)})")
    return Factor(path, role, choices=choices)


def _needs_params(dist: Any) -> str:
    """What a distribution given without its params needs (or that it is unknown)."""
    if dist not in DISTRIBUTIONS:
        return f"unknown distribution {dist!r}; known: {', '.join(DISTRIBUTIONS)}"
    return f"{dist} needs params [{', '.join(DISTRIBUTIONS[dist])}]"


def _numeric_factor(path: str, role: Role, spec: str, integer: bool) -> Factor:
    where = f"{role} {path}"
    words = [w.strip() for w in spec.split(":")]
    dist = "unif"
    if words[0] in DISTRIBUTIONS:
        dist, words = words[0], words[1:]
    elif not _is_number(words[0]):
        raise GridError(
            f"{where}: unknown distribution {words[0]!r}; known: {', '.join(DISTRIBUTIONS)}"
        )
    names = DISTRIBUTIONS[dist]
    if len(words) != len(names) or not all(_is_number(w) for w in words):
        raise GridError(
            f"{where}: {dist} takes {len(names)} numbers ({':'.join(names)}), got {spec!r}"
        )
    params = tuple(float(w) for w in words)
    if dist in ("unif", "logunif", "triang", "truncnorm") and not params[0] < params[1]:
        raise GridError(f"{where}: the low end must be below the high end (got {spec!r})")
    if dist == "logunif" and params[0] <= 0:
        raise GridError(f"{where}: logunif needs a low end above 0 (got {spec!r})")
    if dist == "triang" and not 0 <= params[2] <= 1:
        raise GridError(f"{where}: the peak fraction of triang is between 0 and 1 (got {spec!r})")
    if dist in ("norm", "lognorm", "truncnorm") and params[-1] <= 0:
        raise GridError(f"{where}: the standard deviation must be above 0 (got {spec!r})")
    if integer and dist == "unif":
        if not all(p.is_integer() for p in params):
            raise GridError(f"{where}: a whole-number field takes a whole-number range")
        params = tuple(int(p) for p in params)
    return Factor(path, role, dist, params, integer=integer)


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Sample:
    """A sampled design: the method, N, the factors and the seed of the sampler."""

    method: str
    n: int
    factors: tuple[Factor, ...]
    seed: int

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise GridError(f"--sample {self.method!r}: give one of {', '.join(METHODS)}")
        smallest = 2 if self.method == "morris" else 1
        whole = isinstance(self.n, int) and not isinstance(self.n, bool)
        if not whole or self.n < smallest or (self.method == "sobol" and self.n & (self.n - 1)):
            raise GridError(f"--sample {self.method} {self.n}: {n_rule(self.method, self.n)}")
        if not self.factors:
            raise GridError(
                f"--sample {self.method}: no factors to sample; give --lever PATH=LOW:HIGH or "
                "--uncertainty PATH=LOW:HIGH (or levers/uncertainties in the sweep file)"
            )
        paths = [f.path for f in self.factors]
        if len(set(paths)) != len(paths):
            raise GridError(f"--sample: a factor is given twice ({', '.join(paths)})")
        check_design_size(self.n_points, f"--sample {self.method} {self.n}", "give a smaller N")

    @property
    def params(self) -> list[str]:
        return [f.path for f in self.factors]

    def problem(self) -> dict[str, Any]:
        """SALib's problem dict over the unit cube (the factors' values come after)."""
        return {
            "num_vars": len(self.factors),
            "names": self.params,
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }

    @property
    def n_points(self) -> int:
        d = len(self.factors)
        return {"sobol": self.n * (d + 2), "morris": self.n * (d + 1)}.get(self.method, self.n)

    def unit_matrix(self) -> np.ndarray:
        """The design in the unit cube, one row per point (the same for the same design)."""
        problem = self.problem()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "sobol":
                from SALib.sample import sobol

                return sobol.sample(problem, self.n, calc_second_order=False, seed=self.seed)
            if self.method == "morris":
                from SALib.sample import morris

                return morris.sample(problem, self.n, num_levels=MORRIS_LEVELS, seed=self.seed)
            if self.method == "lhs":
                from SALib.sample import latin

                return latin.sample(problem, self.n, seed=self.seed)
        return np.random.default_rng(self.seed).random((self.n, len(self.factors)))

    def points(self) -> list[Point]:
        unit = self.unit_matrix()
        return [
            {f.path: f.value(float(u)) for f, u in zip(self.factors, row, strict=True)}
            for row in unit
        ]

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "sample",
            "method": self.method,
            "n": self.n,
            "seed": self.seed,
            "factors": [f.describe() for f in self.factors],
        }

    @classmethod
    def from_description(cls, data: Mapping[str, Any]) -> Sample:
        factors = tuple(Factor.from_description(f) for f in data["factors"])
        return cls(data["method"], int(data["n"]), factors, int(data["seed"]))


def n_rule(method: str, n: Any) -> str:
    """What N of `--sample METHOD N` must be, with an example near N where there is one."""
    if method == "sobol":
        near = 2 ** max(1, round(math.log2(n))) if isinstance(n, int) and n > 0 else 128
        return f"N must be a power of 2 (e.g. {near}) for Sobol' sequences to converge"
    if method == "morris":
        return "N (trajectories) must be a whole number of at least 2 (e.g. 10)"
    return "N must be a whole number of at least 1 (e.g. 128)"


def parse_factor_args(items: list[str], role: Role) -> list[Factor]:
    """`--lever PATH=SPEC` / `--uncertainty PATH=SPEC` arguments as factors."""
    factors = []
    for item in items:
        path, sep, spec = item.partition("=")
        if not sep or not path.strip() or not spec.strip():
            raise GridError(f"--{role} {item!r}: write PATH=LOW:HIGH, PATH=DIST:PARAMS or PATH=a,b")
        factors.append(parse_factor(path.strip(), spec.strip(), role))
    return factors


def factors_from_mapping(data: Mapping[str, Any], role: Role) -> list[Factor]:
    """Levers or uncertainties of a sweep file: PATH -> spec string, list, or mapping."""
    return [parse_factor(str(path), spec, role) for path, spec in data.items()]
