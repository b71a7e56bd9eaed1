"""The columns of a results file: a fixed type for each (so nulls never change it), labels, units.

Every column has one Arrow type whatever its values: `agreement_round` is a nullable whole number
in every file, also one where no run agreed. Readers get pandas' nullable dtypes (`Int64`,
`Float64`, `boolean`, `string`), never a float column standing in for integers with gaps.
`column_info` gives each column's readable label and unit, kept in the file's metadata and used
as chart titles.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

CLAUSE_KEY = "clause"
ACTORS = {"us": "US", "commission": "Commission", "china": "China", "council": "Council"}

# name -> (Arrow type, label, unit)
FIXED: dict[str, tuple[pa.DataType, str, str]] = {
    "run_id": (pa.string(), "run id", ""),
    "point": (pa.int64(), "design point", "index"),
    "seed_index": (pa.int64(), "seed index", "index"),
    "seed": (pa.int64(), "seed", ""),
    "scenario_hash": (pa.string(), "scenario hash", ""),
    "outcome": (pa.string(), "outcome type", ""),
    "agreement_round": (pa.int64(), "round of the bloc agreement", "round"),
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
}
STATE_TABLE: dict[str, pa.DataType] = {
    "run_id": pa.string(),
    "code": pa.string(),
    "name": pa.string(),
    "stance": pa.string(),
    "vote": pa.string(),
    "bilateral": pa.bool_(),
    "deal_round": pa.int64(),
    "utility": pa.float64(),
    "eu_payment": pa.float64(),
    "china_inducement": pa.float64(),
}
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
    if name.startswith(("deal_", "u_")):
        return pa.float64()
    return None


def value_type(values: list[Any]) -> pa.DataType:
    """The type of a parameter or user column from its values (null-only columns: float)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.float64()
    if present:
        return pa.string()
    return pa.float64()


def typed_table(
    rows: list[dict[str, Any]], known: dict[str, pa.DataType] | None = None
) -> pa.Table:
    """Rows as a table with each column's fixed type; missing values are nulls."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    known = known or {}
    arrays = {}
    for name in names:
        values = [row.get(name) for row in rows]
        kind = known.get(name) or column_type(name) or value_type(values)
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
        return {"label": param_label(name, scenario), "unit": ""}
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
