"""The member states in the model check: how many distinct profiles a scenario's states have, how
many distinct utilities they get for one game's final deal, the calibration of their
China-related parameters against the Council's real vote of 4 Oct 2024 (docs/indicators.md), and
how often the games reproduce the stylised facts of 2026 (pattern-oriented validation, Grimm et
al. 2005)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from negotiation.calibration import ev_vote_calibration, real_ev_votes
from negotiation.check_levers import BLOC_OUTCOMES
from negotiation.check_stats import wilson
from negotiation.indicators import load_indicators
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


def _lowest(code: str) -> Callable[[Mapping[str, Any]], bool | None]:
    def check(game: Mapping[str, Any]) -> bool | None:
        states = {k: v for k, v in game.items() if k.startswith("u_") and k[2:].isupper()}
        if f"u_{code}" not in states:
            return None
        return game[f"u_{code}"] <= min(states.values())

    return check


DEADLINE_DAY = 65
"""6 March 2026, counted from 1 January: 30 days after the 4 February joint statement."""


def _after_deadline(game: Mapping[str, Any]) -> bool:
    return game["agreement_day"] is not None and game["agreement_day"] > DEADLINE_DAY


FACTS: list[tuple[str, Callable[[Mapping[str, Any]], bool | None], Callable[[Any], bool]]] = [
    ("an agreement at bloc level", lambda g: g["outcome"] in BLOC_OUTCOMES, lambda s: True),
    ("no member state signed its own deal with the US", lambda g: not g["signers"], lambda s: True),
    ("the territorial clause held", lambda g: bool(g["clause_in"]), lambda s: True),
    ("Denmark signed nothing alone", lambda g: "DK" not in g["signers"], lambda s: True),
    (
        "the Commission kept the mandate (90% of the population behind it at the end)",
        lambda g: float(g["cohesion_population"] or 0.0) >= 0.9,
        lambda s: True,
    ),
    (
        "Hungary the least aligned (the lowest utility of the member states for the final terms)",
        _lowest("HU"),
        lambda s: True,
    ),
    (
        "the agreement was non-binding (a memorandum or action plan)",
        lambda g: g["outcome"] in BLOC_OUTCOMES and g["legal_form"] == "non_binding",
        lambda s: len(s.legal_forms) > 1,
    ),
    (
        f"the agreement came after the 30-day deadline of 4 Feb (day {DEADLINE_DAY} from 1 Jan)",
        _after_deadline,
        lambda s: s.rounds * s.days_per_round > DEADLINE_DAY,
    ),
]
"""Stylised facts of January-April 2026 (../shared/scenario-facts.md): (label, check on a game's
row, does it apply to a scenario). The form applies only where the scenario lets the form vary;
the deadline only where the calendar runs from 1 January past day 65 (history_2026.yaml)."""


def facts_report(games: list[Mapping[str, Any]], spec: Any) -> dict[str, Any]:
    """How often each stylised fact is reproduced, and how often all that apply together."""
    rows = []
    together = [True] * len(games)
    for label, check, applies in FACTS:
        results = [check(g) for g in games] if applies(spec) else [None]
        if any(r is None for r in results):
            rows.append({"fact": label, "applies": False})
            continue
        count = sum(bool(r) for r in results)
        together = [t and bool(r) for t, r in zip(together, results, strict=True)]
        rows.append(
            {"fact": label, "applies": True, "count": count, **wilson(count, len(games)).to_dict()}
        )
    count = sum(together)
    return {
        "games": len(games),
        "facts": rows,
        "together": {"count": count, **wilson(count, len(games)).to_dict()},
    }
