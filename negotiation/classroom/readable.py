"""Values as a teacher reads them: rounds and counts as whole numbers, shares and utilities with
three decimals, a deal's terms with two, no float noise (109.99999999999999 is 110), nothing for a
missing value; and the outcome of a room in words.

`tidy` is for the debrief's JSON and CSV (still numbers); `shown` is for the teacher's page (text:
shares as percentages, "—" for a missing value, yes/no for true/false).
"""

from __future__ import annotations

import math
from typing import Any

from negotiation.outcome import outcome_words

WHOLE = frozenset(
    {"seed", "human_seats", "agreement_round", "agreement_day", "bilateral_deals", "votes_held"}
)
"""Columns that are rounds or counts."""
SHARES = frozenset(
    {"cohesion_states", "cohesion_population", "council_yes_states", "council_yes_population"}
)
"""Columns that are shares (0 to 1): a percentage on the page."""
DECIMALS = 3
TERMS_DECIMALS = 2
"""A deal's terms are in real units ($/kg, $bn, %): two decimals are plenty."""
MISSING = "—"


def tidy(key: str, value: Any) -> Any:
    """One debrief value for JSON or CSV: whole numbers for rounds and counts, other numbers
    rounded (an integral result as an int), NaN as None; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if math.isnan(value) or math.isinf(value):
        return None
    if key in WHOLE:
        return round(value)
    rounded = round(float(value), TERMS_DECIMALS if key.startswith("deal_") else DECIMALS)
    return int(rounded) if rounded.is_integer() else rounded


def tidy_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: tidy(key, value) for key, value in row.items()}


def shown(key: str, value: Any) -> str:
    """One debrief value as the page shows it."""
    value = tidy(key, value)
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in SHARES:
        return f"{value:.0%}"
    return str(value)


def row_words(row: dict[str, Any]) -> str:
    """The outcome of an outcome row (`Outcome.row()`) in words, with the number of states that
    signed with the US."""
    return outcome_words(row["outcome"], row.get("bilateral_deals"))


HEADERS = {
    "room": "Room",
    "scenario": "Scenario",
    "seed": "Seed",
    "human_seats": "Seats for people",
    "status": "Status",
    "outcome": "Outcome (id)",
    "outcome_words": "Outcome",
    "players": "Players",
    "signed_with_us": "Signed with the US",
    "council_vote": "Council vote",
    "china": "China",
    "eu_funds": "EU funds",
    "us_tariff_threats": "US tariff threats",
    "agreement_round": "Agreement round",
    "agreement_day": "Agreement day",
    "legal_form": "Legal form",
    "clause_in": "Territorial clause in",
    "bilateral_deals": "States that signed with the US",
    "cohesion_states": "Cohesion (states)",
    "cohesion_population": "Cohesion (population)",
    "pressure_mean": "Pressure (mean)",
    "pressure_max": "Pressure (highest)",
    "pareto_distance": "Distance to the Pareto frontier",
    "nash_distance": "Distance to the Nash bargain",
    "votes_held": "Council votes held",
    "council_yes_states": "Council yes (states)",
    "council_yes_population": "Council yes (population)",
    "eu_funds_promised": "EU funds promised",
}
"""A debrief column's header on the teacher's page (the CSV keeps the column ids)."""


def header(key: str) -> str:
    """A debrief column's header in words: 'deal_price_floor' is 'Deal: price floor',
    'u_us' is 'Utility: us', any other unknown id its words ('Some new column')."""
    if key in HEADERS:
        return HEADERS[key]
    for prefix, label in (("deal_", "Deal"), ("u_", "Utility")):
        if key.startswith(prefix):
            return f"{label}: {key.removeprefix(prefix).replace('_', ' ')}"
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
