"""The strategies, one small class each, chosen by name in a scenario.

Three roles: `offer` (the US and the Commission: how much to concede), `member_state` (which stance
to take) and `china` (pressure and inducements). `make_strategy` builds one by name and parameters;
an unknown name or parameter is an error that lists what is allowed.
"""

from __future__ import annotations

from typing import Any

from negotiation.strategies.china import CHINA_STRATEGIES
from negotiation.strategies.courting import COURTING_STRATEGIES, CourtFixed, CourtingStrategy
from negotiation.strategies.member_states import STANCE_STRATEGIES
from negotiation.strategies.offers import OFFER_STRATEGIES

REGISTRY: dict[str, dict[str, type]] = {
    "offer": OFFER_STRATEGIES,
    "member_state": STANCE_STRATEGIES,
    "china": CHINA_STRATEGIES,
    "courting": COURTING_STRATEGIES,
}


class UnknownStrategy(ValueError):
    """A strategy name or parameter that does not exist for the role."""


def check_strategy(role: str, name: str, params: dict[str, float] | None = None) -> str | None:
    """None if the strategy can be built, else a message naming what is allowed."""
    known = REGISTRY[role]
    if name not in known:
        return f"unknown strategy {name!r}; known {role.replace('_', ' ')} strategies: {', '.join(sorted(known))}"
    cls = known[name]
    for key, value in (params or {}).items():
        if key not in cls.params:
            allowed = ", ".join(cls.params) or "none"
            return f"strategy {name!r} has no parameter {key!r}; its parameters: {allowed}"
        if not isinstance(value, int | float) or value < 0:
            return f"parameter {key!r} of {name!r} must be a number of at least 0 (got {value!r})"
    if (
        name in ("time_dependent", "boulware", "conceder", "linear")
        and (params or {}).get("e", 1) <= 0
    ):
        return f"parameter 'e' of {name!r} must be above 0"
    return None


def make_strategy(role: str, name: str, params: dict[str, Any] | None = None):
    """Build a strategy by role and name. Raises UnknownStrategy with the allowed names."""
    problem = check_strategy(role, name, params)
    if problem:
        raise UnknownStrategy(problem)
    return REGISTRY[role][name](**(params or {}))


def strategy_names(role: str) -> list[str]:
    return sorted(REGISTRY[role])


def courting_problem(courting: Any) -> str | None:
    """None if a scenario's `us.courting` names a usable courting strategy, else why not."""
    if isinstance(courting, list):
        return None
    name = courting if isinstance(courting, str) else courting.name
    params = {} if isinstance(courting, str) else courting.params
    if name == "fixed":
        return "a fixed courting list is written as a list of member-state codes, e.g. [PL, SE]"
    return check_strategy("courting", name, params)


def make_courting(courting: Any) -> CourtingStrategy:
    """A courting strategy from a scenario's `us.courting`: a list of codes (fixed), a name, or a
    name with parameters."""
    if isinstance(courting, list):
        return CourtFixed(courting)
    if isinstance(courting, str):
        return make_strategy("courting", courting)
    return make_strategy("courting", courting.name, courting.params)
