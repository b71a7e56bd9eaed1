"""The checks of a scenario that need the whole file (pydantic checks each field on its own):
positions and saliences against the scenario's issues, strategies by name and parameters,
courting, the Council's blocking minority, each member state's required fields (after the
defaults), the Parliament a binding form needs, and the scheduled events."""

from __future__ import annotations

from negotiation.events import event_problems
from negotiation.scenario import IssueSpec, ScenarioSpec, StrategyRef
from negotiation.strategies import check_strategy, courting_problem

SALIENCE_TOLERANCE = 1e-3

STATE_REQUIRED = (
    "population",
    "salience",
    "reservation",
    "china_exposure",
    "us_alignment",
    "loyalty",
    "territorial_salience",
    "strategy",
)


def check_prefs(where: str, prefs: dict, issues: dict[str, IssueSpec], out: list) -> None:
    ids = list(issues)
    position = prefs.get("position") or {}
    salience = prefs.get("salience")
    for key in position:
        if key not in issues:
            out.append((f"{where}.position.{key}", f"unknown issue; issues are {', '.join(ids)}"))
    for key in ids:
        if key not in position:
            out.append((f"{where}.position.{key}", "missing: every issue needs a position"))
        else:
            lo, hi = issues[key].low, issues[key].high
            if not lo <= position[key] <= hi:
                out.append(
                    (
                        f"{where}.position.{key}",
                        f"{position[key]} is out of range; allowed {lo:g} to {hi:g} {issues[key].unit}",
                    )
                )
    if salience is None:
        return
    for key in salience:
        if key not in issues:
            out.append((f"{where}.salience.{key}", f"unknown issue; issues are {', '.join(ids)}"))
    missing = [k for k in ids if k not in salience]
    if missing:
        out.append((f"{where}.salience", f"missing issues: {', '.join(missing)}"))
    total = sum(salience.values())
    if abs(total - 1.0) > SALIENCE_TOLERANCE:
        out.append((f"{where}.salience", f"weights sum to {total:.4g}; they must sum to 1"))


def check_ref(where: str, ref: StrategyRef | dict | None, role: str, out: list) -> None:
    if ref is None:
        return
    ref = ref if isinstance(ref, StrategyRef) else StrategyRef.model_validate(ref)
    problem = check_strategy(role, ref.name, ref.params)
    if problem:
        out.append((where, problem))


def whole_file_problems(spec: ScenarioSpec) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    issues = spec.issues
    check_prefs("us", spec.us.model_dump(), issues, out)
    check_prefs("china", spec.china.model_dump(), issues, out)
    check_ref("us.strategy", spec.us.strategy, "offer", out)
    check_ref("commission.strategy", spec.commission.strategy, "offer", out)
    check_ref("china.strategy", spec.china.strategy, "china", out)
    if spec.commission.mandate is not None:
        check_prefs("commission.mandate", {"position": spec.commission.mandate}, issues, out)
    codes = list(spec.member_states.states)
    out.extend(code_problems(codes))
    if not spec.name.strip():
        out.append(("name", "empty; give the scenario a name (it heads the game and the results)"))
    for field in ("states_share", "population_share"):
        if getattr(spec.council, field) <= 0:
            out.append((f"council.{field}", "must be above 0 and at most 1 (e.g. 0.55, 0.65)"))
    size = getattr(spec.us.courting, "params", {}).get("size")
    if size is not None and (size != int(size) or size < 1):
        out.append(("us.courting.size", f"{size:g} is not a whole number of states, 1 or more"))
    problem = courting_problem(spec.us.courting)
    if problem:
        out.append(("us.courting", problem))
    if isinstance(spec.us.courting, list):
        twice = sorted({c for c in spec.us.courting if spec.us.courting.count(c) > 1})
        if twice:
            out.append(("us.courting", f"each state may appear once; twice: {', '.join(twice)}"))
        for code in spec.us.courting:
            if code not in spec.member_states.states:
                out.append(
                    ("us.courting", f"unknown member state {code!r}; states are {', '.join(codes)}")
                )
    if spec.us.courting_from_round > spec.rounds:
        out.append(
            (
                "us.courting_from_round",
                f"{spec.us.courting_from_round} is after the last round; allowed 1 to {spec.rounds}",
            )
        )
    blocking = spec.council.blocking_min_states
    if blocking is not None and blocking > len(codes):
        out.append(
            (
                "council.blocking_min_states",
                f"{blocking} is more states than the scenario has ({len(codes)}): no minority "
                f"could block; allowed 1 to {len(codes)}, or leave it out to derive it",
            )
        )
    if not spec.china.max_pressure >= spec.china.base_pressure:
        out.append(("china.max_pressure", "must be at least china.base_pressure"))
    for code in codes:
        where = f"member_states.states.{code}"
        fields = spec.state_fields(code)
        if not str(fields.get("name", code)).strip():
            out.append((f"{where}.name", "empty; give the state's name, e.g. Denmark"))
        for key in STATE_REQUIRED:
            if key not in fields:
                out.append(
                    (f"{where}.{key}", "missing, and member_states.defaults does not set it")
                )
        check_prefs(where, fields, issues, out)
        check_ref(f"{where}.strategy", fields.get("strategy"), "member_state", out)
    if spec.parliament is not None:
        check_prefs("parliament", spec.parliament.model_dump(), issues, out)
    elif any(f != "non_binding" for f in spec.legal_forms):
        out.append(
            (
                "parliament",
                "missing: a binding or mixed agreement needs the European Parliament's consent, "
                "so legal_forms other than non_binding need a parliament section",
            )
        )
    out.extend(event_problems(spec))
    return out


SEATS = ("us", "commission", "china", "parliament", "council", "all")
"""Names of seats and of the log's other actors: a member state's code may not be one."""


def code_problems(codes: list[str]) -> list[tuple[str, str]]:
    """A member state's code: 2 or 3 capital letters (as the EU's own: DE, EL), not a seat's
    name. A code is a seat's id in a game, a column in the results and a key in a room."""
    out = []
    for code in codes:
        where = f"member_states.states.{code}"
        if not (
            isinstance(code, str)
            and code.isascii()
            and code.isalpha()
            and code.isupper()
            and 2 <= len(code) <= 3
        ):
            out.append((where, f"the code {code!r} is not 2 or 3 capital letters (e.g. DK, EL)"))
        elif code.lower() in SEATS:
            out.append((where, f"the code {code!r} is the name of a seat ({', '.join(SEATS)})"))
    return out
