"""The member states in the model check: how many distinct profiles a scenario's states have, how
many distinct utilities they get for one game's final deal, and the calibration of their
China-related parameters against the Council's real vote of 4 Oct 2024 (docs/indicators.md)."""

from __future__ import annotations

from typing import Any

from negotiation.indicators import ev_vote_calibration, load_indicators, real_ev_votes
from negotiation.model import run_game
from negotiation.scenario import SCENARIO_FOLDER, ScenarioSpec

INDICATORS = SCENARIO_FOLDER / "data" / "member_state_indicators.csv"
"""Where the real votes of 4 Oct 2024 are recorded (facts, whatever the scenario)."""
TARGET_PROFILES = 12
TARGET_UTILITIES = 15


def _profile(fields: dict[str, Any]) -> tuple:
    keys = ("reservation", "china_exposure", "us_alignment", "loyalty", "territorial_salience")
    strategy = fields["strategy"]
    return (
        tuple(sorted(fields["position"].items())),
        tuple(sorted(fields["salience"].items())),
        *(round(float(fields[k]), 6) for k in keys),
        strategy["name"] if isinstance(strategy, dict) else str(strategy),
    )


def states_report(spec: ScenarioSpec, seed: int) -> dict[str, Any]:
    """Distinct profiles, distinct final utilities in the game of `seed`, and the calibration."""
    fields = {code: spec.state_fields(code) for code in spec.member_states.states}
    game = run_game(spec, seed).outcome
    utilities = {round(s["utility"], 6) for s in game.states}
    calibration = ev_vote_calibration(fields, real_ev_votes(load_indicators(INDICATORS)))
    return {
        "states": len(fields),
        "profiles": len({_profile(f) for f in fields.values()}),
        "utilities_seed": seed,
        "distinct_utilities": len(utilities),
        "calibration": calibration,
    }


def states_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The grounded-model issue's targets for the states of the default scenario."""
    return [
        {
            "target": f"at least {TARGET_PROFILES} distinct state profiles",
            "figure": f"{report['profiles']} of {report['states']}",
            "met": report["profiles"] >= TARGET_PROFILES,
        },
        {
            "target": f"at least {TARGET_UTILITIES} distinct state utilities for the final deal",
            "figure": f"{report['distinct_utilities']} (seed {report['utilities_seed']})",
            "met": report["distinct_utilities"] >= TARGET_UTILITIES,
        },
    ]
