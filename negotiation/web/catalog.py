"""What the start page offers: the scenario files, and strategy changes to a scenario.

Scenarios come from `scenarios/*.yaml` in the repository, or from the folder named by the
environment variable `NEGOTIATION_SCENARIO_DIR` (set by `negotiation serve --scenario-dir`). A file
that does not load is listed with its error instead of breaking the page.

Reading a scenario file (YAML, then the indicators behind its parameters) takes a good part of a
second, so each file is read once per server and read again only when it changes (its size or
modification time): every new browser session gets the start page without parsing them again.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from negotiation.scenario import ScenarioError, ScenarioSpec, load_scenario, parse_scenario
from negotiation.strategies import strategy_names

SCENARIO_DIR_ENV = "NEGOTIATION_SCENARIO_DIR"
DEFAULT_SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
DEFAULT_SCENARIO = "critical_minerals_2026.yaml"
KEEP = "as in the scenario"
"""The strategy choice that leaves an actor's strategy as the scenario sets it."""


@dataclass(frozen=True)
class ScenarioChoice:
    """One scenario file: its spec, or the error that stopped it loading."""

    path: Path
    spec: ScenarioSpec | None
    error: str = ""

    @property
    def title(self) -> str:
        return self.spec.name if self.spec else f"{self.path.name} (cannot be loaded)"


def scenario_dir() -> Path:
    return Path(os.environ.get(SCENARIO_DIR_ENV) or DEFAULT_SCENARIO_DIR)


_LOADED: dict[Path, tuple[tuple[int, int], ScenarioChoice]] = {}
"""Scenario files already read, by path: (modification time in ns, size) and what was read."""
_LOADING = threading.Lock()


def load_choice(path: Path) -> ScenarioChoice:
    """The scenario in the file (or the error that stopped it), read again only if it changed."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _LOADED.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        choice = ScenarioChoice(path, load_scenario(path))
    except ScenarioError as err:
        choice = ScenarioChoice(path, None, str(err))
    _LOADED[path] = (stamp, choice)
    return choice


def list_scenarios(folder: Path | None = None) -> list[ScenarioChoice]:
    """Every `*.yaml`/`*.yml` file in the folder, the default scenario first."""
    folder = scenario_dir() if folder is None else folder
    paths = sorted(
        [*folder.glob("*.yaml"), *folder.glob("*.yml")],
        key=lambda p: (p.name != DEFAULT_SCENARIO, p.name),
    )
    with _LOADING:  # sessions opening together wait for one reading, not each read the files
        return [load_choice(path) for path in paths]


def strategy_role(actor: str) -> str:
    """The strategy role of a seat: 'offer' (US, Commission), 'china' or 'member_state'."""
    return {"us": "offer", "commission": "offer", "china": "china"}.get(actor, "member_state")


def strategy_options(actor: str) -> list[str]:
    return [KEEP, *strategy_names(strategy_role(actor))]


def has_strategy(spec: ScenarioSpec, actor: str) -> bool:
    """Does an agent strategy play this seat? (The European Parliament follows fixed rules.)"""
    return actor in ("us", "commission", "china") or actor in spec.member_states.states


def scenario_strategy(spec: ScenarioSpec, actor: str) -> str:
    """The strategy name the scenario gives an actor (a member state's own, else the default)."""
    if actor in ("us", "commission", "china"):
        return getattr(spec, actor).strategy.name
    own = spec.member_states.states[actor].strategy
    return (own or spec.member_states.defaults.strategy).name


def with_strategies(spec: ScenarioSpec, changes: dict[str, str]) -> ScenarioSpec:
    """The scenario with some actors' strategies replaced by name (`{"us": "boulware", "PL":
    "loyalist"}`). A changed strategy starts from its default parameters; `KEEP` changes nothing.
    Raises ScenarioError for an unknown name."""
    changes = {a: n for a, n in changes.items() if n != KEEP and n != scenario_strategy(spec, a)}
    if not changes:
        return spec
    data = spec.model_dump(mode="json")
    for actor, name in changes.items():
        if actor in ("us", "commission", "china"):
            data[actor]["strategy"] = {"name": name, "params": {}}
        else:
            data["member_states"]["states"][actor]["strategy"] = {"name": name, "params": {}}
    return parse_scenario(data, source=f"{spec.name} with changed strategies")
