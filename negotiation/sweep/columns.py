"""The columns of a results file: a fixed type for each (so nulls never change it), labels, units.

Every column has one Arrow type whatever its values: `agreement_round` is a nullable whole number
in every file, also one where no run agreed. Readers get pandas' nullable dtypes (`Int64`,
`Float64`, `boolean`, `string`), never a float column standing in for integers with gaps.
`column_info` gives each column's readable label and unit, kept in the file's metadata and used
as chart titles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

from negotiation.issues import CLAUSE
from negotiation.sweep.grid import field_bounds

DRAWN = "private_"  # columns of the private values drawn per seed
CLAUSE_KEY = CLAUSE  # the clause's id in the engine's terms: its column is deal_territorial_clause
ACTORS = {
    "us": "US",
    "commission": "Commission",
    "china": "China",
    "parliament": "European Parliament",
    "council": "Council",
}

# name -> (Arrow type, label, unit)
FIXED: dict[str, tuple[pa.DataType, str, str]] = {
    "run_id": (pa.string(), "run id", ""),
    "point": (pa.int64(), "design point", "index"),
    "seed_index": (pa.int64(), "seed index", "index"),
    "seed": (pa.int64(), "seed", ""),
    "scenario_hash": (pa.string(), "scenario hash", ""),
    "outcome": (pa.string(), "outcome type", ""),
    "agreement_round": (pa.int64(), "round of the bloc agreement", "round"),
    "agreement_day": (pa.int64(), "day of the bloc agreement", "day"),
    "legal_form": (pa.string(), "legal form of the bloc deal", "non_binding, binding or mixed"),
    "clause_in": (pa.bool_(), "territorial clause in the deal(s)", "true/false"),
    "bilateral_deals": (pa.int64(), "bilateral deals", "count"),
    "cohesion_states": (pa.float64(), "states with the bloc at the end", "share of states"),
    "cohesion_population": (
        pa.float64(),
        "population with the bloc at the end",
        "share of EU population",
    ),
    "pressure_mean": (pa.float64(), "China's pressure, mean over rounds", "0-1"),
    "pressure_max": (pa.float64(), "China's pressure, highest", "0-1"),
    "pareto_distance": (pa.float64(), "distance from the Pareto frontier", "utility"),
    "nash_distance": (pa.float64(), "distance from the Nash solution", "utility"),
    "votes_held": (pa.int64(), "Council votes held", "count"),
    "council_yes_states": (pa.float64(), "Council yes, states (last vote)", "share of states"),
    "council_yes_population": (
        pa.float64(),
        "Council yes, population (last vote)",
        "share of EU population",
    ),
    "eu_funds_promised": (pa.float64(), "EU funds promised to member states", "budget share"),
    "private_us_reservation": (pa.float64(), "US walk-away (drawn per seed)", "utility, 0-1"),
    "private_commission_reservation": (
        pa.float64(),
        "Commission walk-away (drawn per seed)",
        "utility, 0-1",
    ),
    "private_china_budget": (pa.float64(), "China's budget (drawn per seed)", "budget share"),
    "private_commission_budget": (
        pa.float64(),
        "Commission's budget (drawn per seed)",
        "budget share",
    ),
}
# Units of swept scenario fields by their name (the last part of the path); see `param_unit`.
PARAM_UNITS = {
    "rounds": "rounds",
    "reservation": "utility, 0-1",
    "noise": "utility",
    "budget": "budget share",
    "inducement_budget": "budget share",
    "population_share": "share of EU population",
}
# The per-state table: name -> (Arrow type, label, unit); `bilateral_<issue>` columns (the terms
# of the state's own bilateral deal, tailored per state) are added per scenario.
STATE_FIXED: dict[str, tuple[pa.DataType, str, str]] = {
    "run_id": (pa.string(), "run id", ""),
    "code": (pa.string(), "member state code", ""),
    "name": (pa.string(), "member state", ""),
    "stance": (pa.string(), "stance at the end", "bloc, bilateral, china or conditional"),
    "vote": (pa.string(), "vote in the last Council vote", "yes/no"),
    "bilateral": (pa.bool_(), "signed a bilateral deal with the US", "true/false"),
    "bilateral_partner": (pa.string(), "partner of the bilateral deal", ""),
    "deal_round": (pa.int64(), "round of the bilateral deal", "round"),
    "utility": (pa.float64(), "utility of the terms the state ends with", "utility, 0-1"),
    "payoff": (
        pa.float64(),
        "payoff with supply security, retaliation, EU funds and tariffs counted",
        "utility",
    ),
    "eu_payment": (pa.float64(), "EU funds paid to the state", "budget share"),
    "china_inducement": (pa.float64(), "China's inducement to the state", "budget share"),
    "tariff_threat": (pa.bool_(), "under a US tariff threat at the end", "true/false"),
}
STATE_TABLE: dict[str, pa.DataType] = {name: kind for name, (kind, _, _) in STATE_FIXED.items()}
NULLABLE = {
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
}


def column_type(name: str) -> pa.DataType | None:
    """The fixed type of an engine column (None for parameters and user columns)."""
    if name in FIXED:
        return FIXED[name][0]
    if name == f"deal_{CLAUSE_KEY}":
        return pa.bool_()
    if name.startswith(("deal_", "u_", DRAWN)):
        return pa.float64()
    return None


def state_column_type(name: str) -> pa.DataType | None:
    """The fixed type of a per-state table column (None for unknown columns)."""
    if name in STATE_FIXED:
        return STATE_FIXED[name][0]
    if name == f"bilateral_{CLAUSE_KEY}":
        return pa.bool_()
    if name.startswith("bilateral_"):
        return pa.float64()
    return None


def state_column_info(name: str, scenario: dict | None = None) -> dict[str, str]:
    """A per-state column's label and unit."""
    if name in STATE_FIXED:
        _, label, unit = STATE_FIXED[name]
        return {"label": label, "unit": unit}
    if name == f"bilateral_{CLAUSE_KEY}":
        return {"label": "territorial clause in the bilateral deal", "unit": "true/false"}
    if name.startswith("bilateral_"):
        issue = _issues(scenario or {}).get(name[10:], {})
        return {
            "label": f"bilateral deal: {issue.get('label', name[10:]).lower()}",
            "unit": issue.get("unit", ""),
        }
    return {"label": name.replace("_", " "), "unit": ""}


def value_type(values: list[Any]) -> pa.DataType:
    """The type of a parameter or user column from its values. Null-only values have the null
    type, which takes the column's type from the other chunks at the merge (float if none)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.float64()
    if present:
        return pa.string()
    return pa.null()


def typed_table(
    rows: list[dict[str, Any]],
    known: dict[str, pa.DataType] | None = None,
    typer: Callable[[str], pa.DataType | None] = column_type,
) -> pa.Table:
    """Rows as a table with each column's fixed type (`known`, else `typer`, else from the
    values); missing values are nulls."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    known = known or {}
    arrays = {}
    for name in names:
        values = [row.get(name) for row in rows]
        kind = known.get(name) or typer(name) or value_type(values)
        if kind == pa.string():
            values = [None if v is None else str(v) for v in values]
        arrays[name] = pa.array(values, type=kind)
    return pa.table(arrays)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A results table as pandas with nullable dtypes (Int64, Float64, boolean, string)."""
    return table.to_pandas(types_mapper=NULLABLE.get)


def param_label(path: str, scenario: dict | None = None) -> str:
    """A readable name for a scenario PATH: `us.territorial_ambition` -> `US: territorial ambition`."""
    keys = path.split(".")
    scenario = scenario or {}
    who = ""
    if keys[0] in ACTORS:
        who, keys = ACTORS[keys[0]], keys[1:]
    elif keys[:2] == ["member_states", "defaults"]:
        who, keys = "every member state", keys[2:]
    elif keys[:2] == ["member_states", "states"] and len(keys) > 2:
        states = scenario.get("member_states", {}).get("states", {})
        who = (states.get(keys[2]) or {}).get("name") or keys[2]
        keys = keys[3:]
    if keys[:2] == ["strategy", "name"]:
        keys = ["strategy", *keys[2:]]
    elif keys[:2] == ["strategy", "params"]:
        keys = ["strategy parameter", *keys[2:]]
    if keys[:1] == ["position"] and len(keys) == 2:
        issue = (
            scenario.get("issues", {}).get(keys[1], {})
            if isinstance(scenario.get("issues"), dict)
            else {}
        )
        keys = ["position on", issue.get("label", keys[1]).lower()]
    words = " ".join(k.replace("_", " ") for k in keys)
    return f"{who}: {words}" if who and words else who or words or path


def param_unit(path: str, scenario: dict | None = None) -> str:
    """The unit of a swept scenario field: by its name (PARAM_UNITS), an issue's own unit for a
    position, `index 0-1` for any other field the scenario bounds to 0..1, else none (words)."""
    keys = path.split(".")
    if len(keys) >= 2 and keys[-2] == "position":
        return _issues(scenario or {}).get(keys[-1], {}).get("unit", "")
    if keys[-1] in PARAM_UNITS:
        return PARAM_UNITS[keys[-1]]
    return "index 0-1" if field_bounds(path) == (0, 1) else ""


def _issues(scenario: dict) -> dict[str, dict]:
    issues = scenario.get("issues") or {}
    if isinstance(issues, list):
        return {i.get("id", str(n)): i for n, i in enumerate(issues)}
    return issues


def column_info(name: str, scenario: dict | None = None) -> dict[str, str]:
    """A column's label and unit, for titles and the file's metadata."""
    scenario = scenario or {}
    if name in FIXED:
        _, label, unit = FIXED[name]
        return {"label": label, "unit": unit}
    if name.startswith("u_"):
        actor = name[2:]
        states = scenario.get("member_states", {}).get("states", {})
        who = ACTORS.get(actor) or (states.get(actor) or {}).get("name") or actor
        return {"label": f"utility of {who}", "unit": "utility, 0-1"}
    if name == f"deal_{CLAUSE_KEY}":
        return {"label": "territorial clause in the bloc deal", "unit": "true/false"}
    if name.startswith("deal_"):
        issue = _issues(scenario).get(name[5:], {})
        return {
            "label": f"bloc deal: {issue.get('label', name[5:]).lower()}",
            "unit": issue.get("unit", ""),
        }
    if "." in name or name in scenario:
        return {"label": param_label(name, scenario), "unit": param_unit(name, scenario)}
    return {"label": name.replace("_", " "), "unit": ""}


def label_with_unit(name: str, info: dict[str, dict[str, str]] | None = None) -> str:
    """`label (unit)` for an axis title."""
    entry = (info or {}).get(name) or column_info(name)
    unit = entry.get("unit")
    return f"{entry['label']} ({unit})" if unit else entry["label"]


def scenario_of(metadata: dict) -> dict:
    """The scenario a results file was made from, as a dict (empty if not recorded)."""
    text = (metadata.get("provenance") or {}).get("scenario_text") or ""
    try:
        data = yaml.safe_load(text) if text else {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}
