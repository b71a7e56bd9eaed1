"""Shared fixtures: the scenario files and a few ready-made specs."""

from __future__ import annotations

from pathlib import Path

import pytest

from negotiation.scenario import ScenarioSpec, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DEFAULT = SCENARIOS / "critical_minerals_2026.yaml"


@pytest.fixture(scope="session")
def default_spec() -> ScenarioSpec:
    return load_scenario(DEFAULT)


@pytest.fixture(scope="session")
def small_spec() -> ScenarioSpec:
    return load_scenario(SCENARIOS / "small_class.yaml")


@pytest.fixture(scope="session")
def default_data(default_spec: ScenarioSpec) -> dict:
    """The default scenario as a plain dict, to copy and change in a test."""
    return default_spec.model_dump(mode="json")
