"""Scenario files: the YAML schema, the loader, and clear errors for broken files.

A scenario names the issues, the actors' positions and saliences, the member states (defaults plus
per-state overrides), the strategies and the rules (rounds, constraint mode, Council thresholds).
Every field is documented in docs/scenarios.md. `load_scenario` turns a file into a validated
`ScenarioSpec`; anything wrong becomes one `ScenarioError` naming the file, the field and what is
allowed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from mesa.experimental.scenarios import Scenario
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from negotiation.events import EventSpec
from negotiation.scenario_problems import not_a_number, numeric_kind, pydantic_problems
from negotiation.yaml_text import MAX_FILE_BYTES, UnsafeYaml, read_yaml

Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class ScenarioError(Exception):
    """A scenario that cannot be used, with where and why."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{field}: {message}" if field else message for field, message in problems]
        super().__init__(
            f"{source}: " + ("\n  ".join(lines) if len(lines) == 1 else "\n  " + "\n  ".join(lines))
        )


MAX_SEED = 2**63 - 1
MAX_BUDGET = 100.0
"""Budgets are in utility points summed over the states (27 at most from 0 to 1 each): a
hundred is more than any game can spend."""


class _Strict(BaseModel):
    """Unknown fields refused, numbers finite, and a number field takes no text or true/false."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        kind = _field_kind(cls, info.field_name)
        if kind in ("number", "whole number"):
            why = not_a_number(value, kind)
        elif kind == "numbers" and isinstance(value, dict):
            why = next(
                (f"{k}: {w}" for k, v in value.items() if (w := not_a_number(v)) is not None),
                None,
            )
        else:
            why = None
        if why is not None:
            raise ValueError(why)
        return value


@functools.cache
def _field_kind(model: type[BaseModel], name: str) -> str | None:
    """`numeric_kind` of a model's field (a scenario validates hundreds of fields)."""
    return numeric_kind(model.model_fields[name].annotation)


class StrategyRef(_Strict):
    """A strategy by name, with optional parameters (`{name: boulware, e: 0.1}`)."""

    name: str
    params: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"name": data}
        if isinstance(data, dict) and "params" not in data:
            name = data.get("name")
            return {"name": name, "params": {k: v for k, v in data.items() if k != "name"}}
        return data


class IssueSpec(_Strict):
    label: str
    unit: str
    low: float
    high: float
    bilateral: bool = False
    targets_china: bool = False
    supply_security: bool = False
    """Does a high value on this issue secure supply (stockpiles, offtake, joint projects)?"""
    note: str = ""

    @model_validator(mode="after")
    def _range(self) -> IssueSpec:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        return self


class PrivateRange(_Strict):
    """A private value: each game draws it uniformly from [low, high] (the scenario's seed and
    the game's seed decide the draw); the other actors know only the range."""

    low: Annotated[float, Field(ge=0.0, le=MAX_BUDGET)]
    high: Annotated[float, Field(ge=0.0, le=MAX_BUDGET)]

    @model_validator(mode="after")
    def _ordered(self) -> PrivateRange:
        if not self.high >= self.low:
            raise ValueError(f"high ({self.high}) must be at least low ({self.low})")
        return self


class UnitRange(PrivateRange):
    """A private value between 0 and 1 (a walk-away utility)."""

    low: Unit
    high: Unit


UnitOrRange = Unit | UnitRange
BudgetOrRange = Annotated[float, Field(ge=0.0, le=MAX_BUDGET)] | PrivateRange


def range_of(value: float | PrivateRange) -> tuple[float, float]:
    """(low, high) of a value that may be private: a fixed number is its own range."""
    if isinstance(value, PrivateRange):
        return value.low, value.high
    return float(value), float(value)


class ActorPrefs(_Strict):
    """Ideal positions (real units), saliences (sum to 1) and the walk-away utility."""

    position: dict[str, float]
    salience: dict[str, Annotated[float, Field(ge=0.0)]]
    reservation: UnitOrRange


class USSpec(ActorPrefs):
    strategy: StrategyRef = StrategyRef(name="linear")
    territorial_ambition: Unit = 0.0
    courting: str | list[str] | StrategyRef = "none"
    """A courting strategy: `none`, `all`, `pivotal` (or `{name: pivotal, size: 4}`), or a fixed
    list of member-state codes."""
    courting_from_round: Annotated[int, Field(ge=1)] = 1
    bilateral_generosity: Unit = 0.5
    tariff_threat: Unit = 0.0
    """What a US tariff threat costs a threatened state if it ends with no deal with the US (0: the
    agent US makes no threats; a person in the US seat may still threaten with 0.1)."""
    binding_premium: Unit = 0.0
    """The share of a term's value lost when it does not bind (negotiation/legal_form.py)."""


class CommissionSpec(_Strict):
    strategy: StrategyRef = StrategyRef(name="linear")
    reservation: UnitOrRange = 0.5
    mandate: dict[str, float] | None = None
    """Optional hand-set mandate positions (real units) that replace the computed ones."""
    budget: BudgetOrRange = 0.0
    """EU funds (RESourceEU) the Commission may promise to member states for their support, in
    utility points summed over states."""


class ChinaSpec(ActorPrefs):
    strategy: StrategyRef = StrategyRef(name="restraint")
    base_pressure: Unit = 0.3
    max_pressure: Unit = 1.0
    inducement_budget: BudgetOrRange = 0.5
    supply_shares: dict[str, Unit] = Field(default_factory=dict)
    leverage: Unit | None = None
    """How hard pressure bites; by default the mean of `supply_shares` (or 0.7 without them)."""
    isolated_retaliation: Unit = 0.5
    """Retaliation a state that signs alone with the US risks, per unit of pressure x exposure x
    leverage (a bloc member risks the deal's coordination instead)."""


class StateFields(_Strict):
    """Fields a member state may set; any left out come from `member_states.defaults`."""

    name: str | None = None
    population: Annotated[int, Field(gt=0, le=10**10)] | None = None
    position: dict[str, float] | None = None
    salience: dict[str, Annotated[float, Field(ge=0.0)]] | None = None
    reservation: Unit | None = None
    china_exposure: Unit | None = None
    us_alignment: Unit | None = None
    loyalty: Unit | None = None
    territorial_salience: Unit | None = None
    security_premium: Unit | None = None
    binding_premium: Unit | None = None
    strategy: StrategyRef | None = None


class MemberStatesSpec(_Strict):
    defaults: StateFields
    states: dict[str, StateFields]
    reservation_spread: Annotated[float, Field(ge=0, le=0.5)] = 0.0
    """Each state's walk-away is private: drawn per seed, uniformly within this distance of its
    `reservation` (0: exactly the reservation)."""

    @field_validator("states")
    @classmethod
    def _some_states(cls, v: dict[str, StateFields]) -> dict[str, StateFields]:
        if len(v) < 1:
            raise ValueError("at least one member state is needed")
        return v


class CouncilSpec(_Strict):
    states_share: Unit = 0.55
    population_share: Unit = 0.65
    blocking_min_states: Annotated[int, Field(ge=1)] | None = None
    """Fewest states a blocking minority needs; by default derived from the states present
    (Art. 16(4) TEU, Art. 238(3)(a) TFEU: 4 for the 27)."""
    red_line_salience: Unit = 0.5
    """A state holds the territorial clause as a red line at or above this salience."""


class ParliamentSpec(ActorPrefs):
    """The European Parliament: it gives or refuses consent to a binding agreement."""

    territorial_salience: Unit = 0.5
    """The share of its value lost when a deal leaves the territorial clause out (soft mode)."""
    binding_premium: Unit = 0.0
    suspends_over_territory: bool = True
    """Does it suspend its consent procedure while the US threatens a member state's territory?"""


class ScenarioSpec(_Strict):
    """A whole scenario file, validated."""

    name: str
    description: str = ""
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    rounds: Annotated[int, Field(ge=1, le=100)] = 10
    days_per_round: Annotated[int, Field(ge=1)] = 3
    territorial_constraint: Literal["hard", "soft", "off"] = "hard"
    noise: Annotated[float, Field(ge=0.0, le=0.5)] = 0.02
    council: CouncilSpec = CouncilSpec()
    issues: dict[str, IssueSpec]
    us: USSpec
    commission: CommissionSpec = CommissionSpec()
    china: ChinaSpec
    member_states: MemberStatesSpec
    legal_forms: list[Literal["non_binding", "binding", "mixed"]] = ["non_binding"]
    """The legal forms a bloc deal may take (negotiation/legal_form.py); the first is the
    Commission's opening form."""
    parliament: ParliamentSpec | None = None
    events: list[EventSpec] = Field(default_factory=list)

    @field_validator("legal_forms")
    @classmethod
    def _some_forms(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("at least one legal form is needed")
        if len(set(v)) < len(v):
            raise ValueError("each form may appear once")
        return v

    @field_validator("issues")
    @classmethod
    def _some_issues(cls, v: dict[str, IssueSpec]) -> dict[str, IssueSpec]:
        if not v:
            raise ValueError("at least one issue is needed")
        return v

    def state_fields(self, code: str) -> dict[str, Any]:
        """One member state's fields: the defaults overlaid with its own (positions merge)."""
        base = self.member_states.defaults.model_dump(exclude_none=True)
        own = self.member_states.states[code].model_dump(exclude_none=True)
        merged = {**base, **own}
        merged["position"] = {**base.get("position", {}), **own.get("position", {})}
        merged.setdefault("name", code)
        return merged

    def fingerprint(self) -> str:
        """A short hash of the scenario's content, to tell results of different scenarios apart."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def parse_scenario(data: Any, source: str = "<scenario>") -> ScenarioSpec:
    """Validate a scenario already read from YAML (a dict). Raises ScenarioError."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", NOT_A_MAPPING)])
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(source, pydantic_problems(err)) from None
    from negotiation.scenario_checks import whole_file_problems  # it builds on this module

    problems = whole_file_problems(spec)
    if problems:
        raise ScenarioError(source, problems)
    return spec


SCENARIO_FOLDER = Path(__file__).resolve().parent.parent / "scenarios"


def parse_scenario_text(
    text: str, source: str = "<scenario>", base_dir: Path | None = None
) -> ScenarioSpec:
    """Validate scenario YAML text. Raises ScenarioError for bad YAML or bad content. A file of
    indicators it names (`member_states.indicators`) is read from `base_dir` (by default the
    project's scenarios folder, for text typed in the browser)."""
    data = read_scenario_yaml(text, source)
    from negotiation.indicators import expand_indicators  # it builds on this module

    data = expand_indicators(data, base_dir or SCENARIO_FOLDER, source)
    return parse_scenario(data, source)


NOT_A_MAPPING = "the file must hold a mapping of scenario fields"


def read_scenario_yaml(text: str, source: str = "<scenario>") -> dict[str, Any]:
    """Scenario YAML text as a mapping, read safely (`yaml_text.read_yaml`); raises
    ScenarioError at the line for text that is unsafe, not valid YAML (a key written twice
    included) or not a mapping."""
    try:
        data = read_yaml(text)
    except UnsafeYaml as err:
        where = f"line {err.line}" if err.line else ""
        raise ScenarioError(source, [(where, f"the file {err.headline}")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioError(source, [(where, f"not valid YAML: {problem}")]) from None
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", NOT_A_MAPPING)])
    return data


def load_scenario(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario file. Raises ScenarioError naming the file and field."""
    path = Path(path)
    if path.is_dir():
        raise ScenarioError(str(path), [("", "a folder, not a scenario file")])
    if not path.is_file():
        raise ScenarioError(str(path), [("", "no such file")])
    try:
        if path.stat().st_size > MAX_FILE_BYTES:  # refused before it is read into memory
            raise ScenarioError(str(path), [("", f"file is larger than {MAX_FILE_BYTES} bytes")])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(str(path), [not_utf8(err)]) from None
    except OSError as err:
        raise ScenarioError(
            str(path), [("", f"cannot read the file: {err.strerror or err}")]
        ) from None
    return parse_scenario_text(text, str(path), path.parent)


def not_utf8(err: UnicodeDecodeError) -> tuple[str, str]:
    """(where, problem) for bytes that are not UTF-8: the line and column of the first bad byte."""
    before = err.object[: err.start]
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    byte = err.object[err.start]
    return (
        f"line {line}, column {column}",
        f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
    )


class GameScenario(Scenario):
    """The Mesa scenario of one game: the validated scenario spec, the seed, the human seats, and
    whether to keep the move log (always kept when people play)."""

    spec: ScenarioSpec
    humans: frozenset[str] = frozenset()
    record_moves: bool = True
