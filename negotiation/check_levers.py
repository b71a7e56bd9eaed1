"""The levers of the model check: which scenario fields should move which outcome, and which way.

The table `LEVERS` below is data. Each entry names a scenario field (a dotted path, as in
`negotiation sweep --grid`), the values to play it at, the outcome metric it should move, the
direction the docs predict (+1: the metric rises along the values; -1: it falls) and why, in one
line. `setup` fixes other fields first (a regime: `china.max_pressure` is checked once with no
security premium and once with a high one). Edit the table when the mechanics change: the check,
its output and its tests (tests/test_model_check.py, one test per entry) follow it.

The table lives in Python rather than in `scenarios/levers.yaml` because every YAML file in
`scenarios/` is read as a scenario by the browser, the classroom and the scenario tests.

A value may be `SCENARIO_OWN`: the value the scenario itself sets for that field (the fixed courting
list of the default scenario, for instance).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from negotiation.sweep.grid import GridError, parse_values


class _ScenarioOwn:
    """The value the scenario sets for the lever's field."""

    def __repr__(self) -> str:
        return "SCENARIO_OWN"


SCENARIO_OWN: Any = _ScenarioOwn()
BLOC_OUTCOMES = frozenset({"bloc_deal", "bloc_deal_with_defections"})


@dataclass(frozen=True, slots=True)
class Metric:
    """An outcome measure of one game, and whether it is a 0/1 event (a share) or a number."""

    name: str
    label: str
    binary: bool
    value: Callable[[Mapping[str, Any]], float | None]
    """The metric of one game; None where it is not defined (the seed is then left out)."""


def _p_bloc(game: Mapping[str, Any]) -> float:
    return float(game["outcome"] in BLOC_OUTCOMES)


def is_historical(game: Mapping[str, Any]) -> bool:
    """The outcome of 2026: a bloc deal that keeps the clause, with no state signing alone."""
    return (
        game["outcome"] == "bloc_deal"
        and game["clause_in"] is not None
        and bool(game["clause_in"])  # a numpy bool too
        and int(game["bilateral_deals"]) == 0
    )


METRICS: dict[str, Metric] = {
    "p_bloc": Metric("p_bloc", "P(bloc deal)", True, _p_bloc),
    "p_historical": Metric(
        "p_historical", "P(historical outcome)", True, lambda g: float(is_historical(g))
    ),
    "bilateral_deals": Metric(
        "bilateral_deals", "mean bilateral deals", False, lambda g: float(g["bilateral_deals"])
    ),
    "p_non_binding": Metric(
        "p_non_binding",
        "P(a non-binding bloc deal)",
        True,
        lambda g: float(g["outcome"] in BLOC_OUTCOMES and g.get("legal_form") == "non_binding"),
    ),
    "council_yes": Metric(
        "council_yes",
        "mean population share voting yes at the last Council vote (seeds with a vote at every value)",
        False,
        lambda g: (
            None if g.get("council_yes_population") is None else float(g["council_yes_population"])
        ),
    ),
}


def metric(name: str) -> Metric:
    """A metric by name: one of METRICS, or `u_ACTOR` (an actor's utility: u_us, u_commission,
    u_china, u_PL...). ValueError names what is allowed."""
    if name in METRICS:
        return METRICS[name]
    if name.startswith("u_") and len(name) > 2:
        key = name

        def utility(game: Mapping[str, Any]) -> float:
            if key not in game:
                raise KeyError(f"metric {key}: no such utility in the outcome")
            return float(game[key])

        return Metric(name, f"mean utility of {name[2:]}", False, utility)
    raise ValueError(
        f"unknown metric {name!r}; metrics are {', '.join(METRICS)} or u_ACTOR "
        "(u_us, u_commission, u_china, u_PL ...)"
    )


@dataclass(frozen=True, slots=True)
class Lever:
    """One documented cause and effect: set `path` to each of `values` and `metric` moves in
    `direction` (+1 up, -1 down) for the reason given."""

    name: str
    path: str
    values: tuple[Any, ...]
    metric: str
    direction: int
    reason: str
    setup: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.direction not in (1, -1):
            raise ValueError(f"lever {self.name}: direction must be +1 or -1")
        if len(self.values) < 2:
            raise ValueError(f"lever {self.name}: give at least two values")
        metric(self.metric)

    def title(self) -> str:
        regime = ", ".join(f"{p}={v}" for p, v in self.setup.items())
        return f"{self.path}" + (f" (with {regime})" if regime else "")


LEVERS: list[Lever] = [
    Lever(
        "generosity",
        "us.bilateral_generosity",
        (0.0, 0.33, 0.67, 1.0),
        "bilateral_deals",
        +1,
        "terms tailored closer to each state's own position make signing alone worth more",
    ),
    Lever(
        "courting",
        "us.courting",
        ("none", "pivotal", SCENARIO_OWN, "all"),
        "bilateral_deals",
        +1,
        "the more states the US courts (none, the pivotal few, the 13 of 4 Feb, all), the more sign",
    ),
    Lever(
        "china_budget",
        "china.inducement_budget",
        (0.0, 0.5, 1.0, 2.0),
        "p_historical",
        -1,
        "states China pays lean to it and vote no; the bloc looks weaker and more sign alone",
        setup={"china.strategy": "escalate_and_divide"},
    ),
    Lever(
        "pressure_deters",
        "china.max_pressure",
        (0.3, 0.6, 0.9),
        "bilateral_deals",
        -1,
        "China retaliates against a state that signs alone (isolated_retaliation): pressure deters it",
    ),
    Lever(
        "pressure_splits",
        "china.max_pressure",
        (0.3, 0.6, 0.9),
        "council_yes",
        -1,
        "without a security premium pressure is only a cost of a deal against China: fewer vote yes",
        setup={"member_states.defaults.security_premium": 0.0},
    ),
    Lever(
        "pressure_rallies",
        "china.max_pressure",
        (0.3, 0.6, 0.9),
        "council_yes",
        +1,
        "with a high security premium pressure makes the deal's supply security worth more: more yes",
        setup={"member_states.defaults.security_premium": 0.8},
    ),
    Lever(
        "commission_budget",
        "commission.budget",
        (0.0, 0.1, 0.2, 0.3),
        "p_historical",
        +1,
        "EU funds buy back states that would leave the bloc or vote no",
    ),
    Lever(
        "loyalty",
        "member_states.defaults.loyalty",
        (0.0, 0.1, 0.2, 0.3),
        "bilateral_deals",
        -1,
        "loyalty to the bloc is a cost of signing alone",
    ),
    Lever(
        "ambition",
        "us.territorial_ambition",
        (0.0, 0.3, 0.6),
        "p_bloc",
        -1,
        "a US that wants the clause out meets the states' red line and fails at the bloc table",
    ),
    Lever(
        "binding_premium",
        "us.binding_premium",
        (0.0, 0.1, 0.2, 0.3),
        "p_non_binding",
        -1,
        "the more the US values binding terms, the more it pays for a binding or mixed form",
    ),
    Lever(
        "deadline",
        "rounds",
        (2, 3, 4, 7),
        "p_bloc",
        +1,
        "more rounds leave time for the concessions that close a bloc deal",
    ),
    Lever(
        "deadline_courting",
        "rounds",
        (4, 7, 10, 14),
        "bilateral_deals",
        +1,
        "a longer negotiation gives the US more rounds to court single states",
    ),
]


def parse_lever_arg(text: str) -> Lever:
    """A lever given on the command line: `PATH=VALUES@METRIC@DIRECTION`, e.g.
    `us.bilateral_generosity=0,0.5,1@p_bloc@-1` (VALUES as in `negotiation sweep --grid`).
    ValueError with one line naming what is wrong."""
    path, sep, rest = text.partition("=")
    parts = rest.split("@")
    if not sep or not path.strip() or len(parts) != 3:
        raise ValueError(
            f"--lever {text!r}: write PATH=VALUES@METRIC@DIRECTION, "
            "e.g. us.bilateral_generosity=0,0.5,1@p_bloc@-1"
        )
    values_text, metric_name, direction_text = (p.strip() for p in parts)
    path = path.strip()
    try:
        values = parse_values(path, values_text)
    except GridError as err:
        raise ValueError(f"--lever {text!r}: {err}") from None
    if direction_text not in ("+1", "1", "-1"):
        raise ValueError(f"--lever {text!r}: the direction is +1 or -1, not {direction_text!r}")
    try:
        return Lever(
            path, path, tuple(values), metric_name, int(direction_text), "given on the command line"
        )
    except ValueError as err:
        raise ValueError(f"--lever {text!r}: {err}") from None


def select_levers(levers: list[Lever], names: str | None) -> list[Lever]:
    """The levers named in a comma list (by name or by path); ValueError lists the known names."""
    if not names:
        return list(levers)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    chosen: list[Lever] = []
    for name in wanted:
        found = [lv for lv in levers if name in (lv.name, lv.path)]
        if not found:
            known = ", ".join(lv.name for lv in levers)
            raise ValueError(f"--levers: unknown lever {name!r}; levers are {known}")
        chosen.extend(lv for lv in found if lv not in chosen)
    if not chosen:
        raise ValueError("--levers: name at least one lever")
    return chosen
