"""Member states from data: sourced indicators in, game parameters out, by one documented mapping.

`scenarios/data/member_state_indicators.csv` holds one row per EU member state (sources per column
in `scenarios/data/SOURCES.md`). `load_indicators` reads and validates it; `derive_state_fields`
turns it into each state's scenario fields (positions, saliences, exposure to China, alignment with
the US, loyalty to the bloc, territorial salience, strategy, security premium) by the formulas
tabled in docs/indicators.md; `expand_indicators` fills a scenario's `member_states.states` from
the file. `negotiation.calibration` checks the China-related parameters against the Council vote of
4 Oct 2024 on duties on Chinese electric cars, which is never an input of the mapping.

Every coefficient below is an ASSUMPTION of the mapping (a judgement, not a fact); the indicators
are the facts. Change a coefficient and docs/indicators.md must change with it.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from negotiation.scenario import ScenarioError

MAX_FILE_BYTES = 200_000

EU_CODES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus",
    "CZ": "Czechia", "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France",
    "DE": "Germany", "EL": "Greece", "HU": "Hungary", "IE": "Ireland", "IT": "Italy",
    "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg", "MT": "Malta", "NL": "Netherlands",
    "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia", "SI": "Slovenia",
    "ES": "Spain", "SE": "Sweden",
}  # fmt: skip
"""Eurostat's codes (EL for Greece), the codes the scenarios use."""


@dataclass(frozen=True)
class Column:
    """One column of the indicators file: its kind, its allowed values, and what a blank means."""

    name: str
    kind: str  # "text", "int", "float", or "choice"
    allowed: str  # said in error messages
    low: float = 0.0
    high: float = 0.0
    choices: tuple[str, ...] = ()
    blank: float | str | None = None  # the fallback for an empty cell; None: a value is required


# Fallbacks for cells the sources do not give (ASSUMPTIONS, see SOURCES.md):
EU_MANUFACTURING_SHARE = 15.6  # EU-27 manufacturing share of gross value added, 2024 (S12)
RESIDUAL_CARS_PER_1000 = 9.4  # (EU 11.4m cars - the 7 states with figures) / their population
EU_CHINA_REE_SHARE = 46.3  # China's share of EU-27 rare-earth imports by weight, 2024 (S1)
NATO_FLOOR_DEFENCE = 2.0  # NATO: every ally met 2% of GDP in 2025 (S37)

YESNO = ("yes", "no")
COLUMNS: tuple[Column, ...] = (
    Column("code", "text", "a member-state code"),
    Column("name", "text", "the state's name"),
    Column("population", "int", "a whole number of people above 0", 1, 1e9),
    Column("crma_projects", "int", "a whole number 0 to 50", 0, 50),
    Column("ree_mining", "int", "a whole number 0 to 10", 0, 10),
    Column("ree_processing", "int", "a whole number 0 to 10", 0, 10),
    Column("manufacturing_share", "float", "0 to 100 (%), or empty", 0, 100, (), EU_MANUFACTURING_SHARE),
    Column("car_production_k", "float", "0 to 20000 (thousand cars), or empty", 0, 20000, (), float("nan")),
    Column("china_ree_import_share", "float", "0 to 100 (%), or empty", 0, 100, (), EU_CHINA_REE_SHARE),
    Column("chinese_fdi_bn", "float", "0 to 100 (EUR bn), or empty", 0, 100, (), 0.0),
    Column("bri_mou", "choice", "signed, withdrawn or no", choices=("signed", "withdrawn", "no")),
    Column("nato", "choice", "yes or no", choices=YESNO),
    Column("defence_pct_gdp", "float", "0 to 10 (% of GDP), or empty", 0, 10, (), NATO_FLOOR_DEFENCE),
    Column("territory_claimed_by_us", "choice", "yes or no", choices=YESNO),
    Column("tariff_threatened_jan2026", "choice", "yes or no", choices=YESNO),
    Column("greenland_statements", "int", "a whole number 0 to 2", 0, 2),
    Column("greenland_refused", "choice", "yes or no", choices=YESNO),
    Column("ministerial_4feb", "choice", "yes or no", choices=YESNO),
    Column("ev_vote_2024", "choice", "for, against, abstain, or empty", choices=("for", "against", "abstain"), blank=""),
    Column("source", "text", "free text: sources, and which cells are assumptions"),
)  # fmt: skip
COLUMN_NAMES = tuple(c.name for c in COLUMNS)

ISSUE_RANGES: dict[str, tuple[float, float]] = {
    "price_floor": (0.0, 150.0),
    "stockpile": (0.0, 20.0),
    "export_exemptions": (0.0, 100.0),
    "joint_projects": (0.0, 30.0),
    "offtake": (0.0, 100.0),
    "coordination": (0.0, 1.0),
}
"""The six issues the mapping derives positions for, with the default scenario's real ranges."""

US_ALIGNMENT_MAX = (
    0.10  # the default scenario's hand-set scale: a bonus in utility units (0.05-0.1)
)
LOYALTY_MIN, LOYALTY_SPAN = 0.02, 0.20  # likewise the cost of breaking ranks (0.03-0.2 there)


# --- reading and validating ------------------------------------------------------------------------


def _fail(path: str, problems: list[tuple[str, str]]) -> None:
    if problems:
        raise ScenarioError(path, problems)


def _read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """The table as text cells, and its separator (`,`, or `;` as spreadsheets save it in
    countries that write decimal commas)."""
    src = str(path)
    if not path.is_file():
        raise ScenarioError(src, [("", "no such file (an indicators CSV file is expected)")])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(src, [("", f"file is larger than {MAX_FILE_BYTES} bytes")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(src, [("", "not UTF-8 text; save the CSV as UTF-8")]) from None
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    header = [c.strip() for c in next(csv.reader([first], delimiter=sep), [])]
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise ScenarioError(src, [(f"column {c}", "appears twice in the header") for c in doubled])
    try:
        table = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "empty file"
        raise ScenarioError(src, [("", f"not a readable CSV table: {first}")]) from None
    return table, sep


def _parse_cell(col: Column, text: str, decimal_comma: bool) -> tuple[Any, str | None, bool]:
    """(value, problem, filled from the blank fallback)."""
    text = text.strip()
    if text == "":
        if col.blank is None:
            return None, f"empty; allowed {col.allowed}", False
        return col.blank, None, col.kind != "choice"
    if col.kind == "text":
        return text, None, False
    if col.kind == "choice":
        low = text.lower()
        if low not in col.choices:
            return None, f"{text!r} is not allowed; allowed {col.allowed}", False
        return low, None, False
    try:
        number = float(text.replace(",", ".") if decimal_comma else text)
    except ValueError:
        return None, f"{text!r} is not a number; allowed {col.allowed}", False
    if not np.isfinite(number) or not col.low <= number <= col.high:
        return None, f"{text} is out of range; allowed {col.allowed}", False
    if col.kind == "int":
        if number != int(number):
            return None, f"{text} is not a whole number; allowed {col.allowed}", False
        return int(number), None, False
    return number, None, False


def load_indicators(path: str | Path) -> pd.DataFrame:
    """Read and validate an indicators CSV: one row per member state, indexed by its code.

    Empty cells in the columns that allow them get the documented fallback (SOURCES.md); the
    column `assumed` lists, per state, the cells so filled. Anything wrong raises one ScenarioError
    naming the file, the row (state code and line) and the column, and what is allowed.
    """
    path = Path(path)
    src = str(path)
    table, sep = _read_table(path)
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in COLUMN_NAMES if c not in table.columns]
    unknown = [c for c in table.columns if c not in COLUMN_NAMES]
    problems = [(f"column {c}", "missing") for c in missing]
    problems += [(f"column {c}", "unknown column (a typo?)") for c in unknown]
    if problems:
        problems.append(("header", "the columns must be: " + ", ".join(COLUMN_NAMES)))
    _fail(src, problems)
    if table.empty:
        raise ScenarioError(src, [("", "no rows: one row per member state is needed")])

    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(table.to_dict("records")):
        line = i + 2  # the header is line 1
        code = str(raw["code"]).strip().upper()
        where = f"row {code or '?'} (line {line})"
        if code not in EU_CODES:
            problems.append(
                (
                    f"{where}, column code",
                    f"unknown state code {raw['code']!r}; allowed: {', '.join(EU_CODES)}",
                )
            )
            continue
        if code in seen:
            problems.append(
                (f"{where}, column code", f"duplicate row: {code} is already on line {seen[code]}")
            )
            continue
        seen[code] = line
        row: dict[str, Any] = {"code": code}
        filled: list[str] = []
        for col in COLUMNS[1:]:
            value, problem, was_filled = _parse_cell(col, str(raw[col.name]), sep == ";")
            if problem:
                problems.append((f"{where}, column {col.name}", problem))
            row[col.name] = value
            if was_filled:
                filled.append(col.name)
        if row.get("nato") == "no" and "defence_pct_gdp" in filled:
            filled.remove("defence_pct_gdp")  # blank means "not a NATO member", not a guess
        row["assumed"] = ", ".join(filled)
        row["line"] = line
        rows.append(row)
    _fail(src, problems)
    df = pd.DataFrame(rows).set_index("code")
    df["source_file"] = src
    return df


# --- the mapping -----------------------------------------------------------------------------------


def _clip(x: pd.Series | np.ndarray | float, lo: float = 0.0, hi: float = 1.0):
    return np.clip(x, lo, hi)


def indicator_scores(df: pd.DataFrame) -> pd.DataFrame:
    """The intermediate scores (each 0..1) the parameters are built from; docs/indicators.md."""
    cars = df["car_production_k"].astype(float)
    cars_per_1000 = (cars * 1e6 / df["population"]).fillna(RESIDUAL_CARS_PER_1000)
    s = pd.DataFrame(index=df.index)
    s["producer"] = (
        0.5 * _clip(df["crma_projects"] / 9)
        + 0.3 * _clip(df["ree_mining"].astype(float))
        + 0.2 * _clip(df["ree_processing"] / 2)
    )
    s["manufacturing"] = _clip((df["manufacturing_share"] - 5) / 20)
    s["cars"] = _clip(cars_per_1000 / 100)
    s["industry"] = 0.5 * s["manufacturing"] + 0.5 * s["cars"]
    s["dependence"] = df["china_ree_import_share"] / 100
    bri = df["bri_mou"].map({"signed": 1.0, "withdrawn": 0.5, "no": 0.0})
    refused = (df["greenland_refused"] == "yes").astype(float)
    s["ties"] = 0.25 * bri + 0.5 * _clip(df["chinese_fdi_bn"] / 5) + 0.25 * refused
    nato = (df["nato"] == "yes").astype(float)
    defence = df["defence_pct_gdp"].where(nato > 0, 0.0).astype(float)
    s["security"] = nato * (0.3 + 0.7 * _clip((defence - 2.0) / 2.5))
    s["courted"] = (df["ministerial_4feb"] == "yes").astype(float)
    s["solidarity"] = df["greenland_statements"] / 2
    s["tariff"] = (df["tariff_threatened_jan2026"] == "yes").astype(float)
    s["territory"] = (df["territory_claimed_by_us"] == "yes").astype(float)
    s["refused"] = refused
    return s


def derive_parameters(df: pd.DataFrame) -> pd.DataFrame:
    """Every derived parameter per state, positions normalised to 0..1 (columns `pos_<issue>`)."""
    s = indicator_scores(df)
    p = pd.DataFrame(index=df.index)
    p["security_premium"] = _clip(0.6 * s["industry"] + 0.4 * s["dependence"])
    p["china_exposure"] = _clip(
        0.1 + 0.45 * s["industry"] + 0.5 * (s["dependence"] - 0.3) + 0.3 * s["ties"]
    )
    p["us_alignment"] = US_ALIGNMENT_MAX * _clip(
        0.15 + 0.6 * s["security"] + 0.25 * s["courted"] - 0.3 * s["ties"]
    )
    p["loyalty"] = LOYALTY_MIN + LOYALTY_SPAN * _clip(
        0.3
        + 0.35 * s["solidarity"]
        + 0.15 * s["tariff"]
        + 0.2 * (1 - s["ties"])
        - 0.6 * s["refused"]
    )
    p["territorial_salience"] = _clip(
        0.15
        + 0.45 * s["territory"]
        + 0.25 * s["tariff"]
        + 0.1 * s["solidarity"]
        + 0.25 * s["security"]
        - 0.1 * s["refused"]
    )
    p["reservation"] = _clip(0.5 - 0.15 * p["security_premium"] + 0.15 * s["ties"], 0.3, 0.7)
    p["pos_price_floor"] = _clip(0.27 + 0.73 * s["producer"] - 0.27 * s["industry"])
    p["pos_stockpile"] = 0.2 + 0.6 * p["security_premium"]
    p["pos_export_exemptions"] = 0.65 + 0.3 * p["security_premium"]
    p["pos_joint_projects"] = 0.2 + 0.6 * s["producer"]
    p["pos_offtake"] = 0.15 + 0.6 * s["producer"]
    p["pos_coordination"] = _clip(
        0.35 + 0.4 * s["security"] - 0.35 * s["ties"] - 0.15 * s["industry"]
    )
    weights = pd.DataFrame(index=df.index)
    weights["price_floor"] = 0.10 + 0.3 * s["producer"] + 0.1 * s["industry"]
    weights["stockpile"] = 0.08 + 0.2 * p["security_premium"]
    weights["export_exemptions"] = 0.15 + 0.15 * p["security_premium"]
    weights["joint_projects"] = 0.08 + 0.2 * s["producer"]
    weights["offtake"] = 0.05 + 0.2 * s["producer"]
    weights["coordination"] = 0.08 + 0.15 * s["security"] + 0.2 * s["ties"]
    weights = weights.div(weights.sum(axis=1), axis=0)
    for issue in ISSUE_RANGES:
        p[f"sal_{issue}"] = weights[issue]
    p["strategy"] = [_strategy(s.loc[c]) for c in df.index]
    return p


def _strategy(s: pd.Series) -> str:
    """The first rule that holds: docs/indicators.md, "Strategy"."""
    if s["ties"] >= 0.5:
        return "china_hedger"
    if s["security"] >= 0.6 and s["tariff"] == 0 and s["ties"] < 0.3:
        return "atlanticist"
    if s["industry"] >= 0.5 and s["solidarity"] == 0:
        return "opportunist"
    return "loyalist"


def _saliences(row: pd.Series) -> dict[str, float]:
    """Rounded to 4 places, the rounding remainder put on the largest so they sum to exactly 1."""
    sal = {i: round(float(row[f"sal_{i}"]), 4) for i in ISSUE_RANGES}
    top = max(sal, key=sal.get)
    sal[top] = round(sal[top] + 1.0 - sum(sal.values()), 4)
    return sal


def derive_state_fields(
    df: pd.DataFrame, issues: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, dict[str, Any]]:
    """code -> the fields of a scenario's `member_states.states` entry, derived from indicators.

    `issues` maps each of the six issues to its real (low, high) range; by default the default
    scenario's. Positions come out in those real units.
    """
    ranges = dict(ISSUE_RANGES if issues is None else issues)
    p = derive_parameters(df)
    out: dict[str, dict[str, Any]] = {}
    for code in df.index:
        row = p.loc[code]
        position = {}
        for issue, (lo, hi) in ranges.items():
            position[issue] = round(
                lo + float(row[f"pos_{issue}"]) * (hi - lo), 3 if hi - lo <= 1 else 1
            )
        out[code] = {
            "name": str(df.loc[code, "name"]),
            "population": int(df.loc[code, "population"]),
            "position": position,
            "salience": _saliences(row),
            "reservation": round(float(row["reservation"]), 3),
            "china_exposure": round(float(row["china_exposure"]), 3),
            "us_alignment": round(float(row["us_alignment"]), 4),
            "loyalty": round(float(row["loyalty"]), 4),
            "territorial_salience": round(float(row["territorial_salience"]), 3),
            "strategy": str(row["strategy"]),
            "security_premium": round(float(row["security_premium"]), 3),
        }
    return out


def state_profile(fields: Mapping[str, Any]) -> tuple:
    """Everything that makes a state's preferences and behaviour (not its name or size)."""
    return (
        tuple(sorted(fields["position"].items())),
        tuple(sorted(fields["salience"].items())),
        *(fields[k] for k in ("reservation", "china_exposure", "us_alignment", "loyalty")),
        *(fields[k] for k in ("territorial_salience", "strategy", "security_premium")),
    )


# --- scenarios that point at an indicators file ----------------------------------------------------


def expand_indicators(raw: dict, base_dir: Path, source: str | None = None) -> dict:
    """A raw scenario mapping with `member_states.indicators: <file>` -> the same mapping with
    `member_states.states` derived from that file (path relative to `base_dir`, the scenario's
    folder). Fields written in the scenario override the derived ones: `defaults` for every
    state, then each state's own entry (positions issue by issue; a salience given in the
    scenario replaces the derived one whole). So `member_states.defaults.loyalty: 0.3` (in a
    sweep too) sets the loyalty of all 27 states. A mapping
    without `indicators` comes back unchanged. Raises ScenarioError for a bad file or reference.
    """
    ms = raw.get("member_states") if isinstance(raw, dict) else None
    if not isinstance(ms, dict) or "indicators" not in ms:
        return raw
    where = source or "<scenario>"
    ref = ms["indicators"]
    field = "member_states.indicators"
    if not isinstance(ref, str) or not ref.strip().lower().endswith(".csv"):
        raise ScenarioError(where, [(field, "must be the path of a .csv file, relative to the scenario file")])  # fmt: skip
    folder = Path(base_dir).resolve()
    path = (folder / ref.strip()).resolve()
    if not path.is_relative_to(folder):  # a scenario from a browser must not read other files
        raise ScenarioError(where, [(field, f"{ref!r} must be inside the scenario's folder")])
    issues = raw.get("issues")
    ranges: dict[str, tuple[float, float]] | None = None
    if isinstance(issues, dict):
        if set(issues) != set(ISSUE_RANGES):
            raise ScenarioError(
                where,
                [(field, "the indicator mapping derives positions for the issues "
                  f"{', '.join(ISSUE_RANGES)}; this scenario's issues are {', '.join(map(str, issues))}")],
            )  # fmt: skip
        try:
            ranges = {i: (float(issues[i]["low"]), float(issues[i]["high"])) for i in ISSUE_RANGES}
        except (KeyError, TypeError, ValueError):
            ranges = None  # the scenario's own validation names the broken issue
    try:
        df = load_indicators(path)
    except ScenarioError as err:  # named as the scenario names it, not by the server's path
        raise ScenarioError(
            where, [(field, f"{ref.strip()}: {w + ': ' if w else ''}{m}") for w, m in err.problems]
        ) from None
    derived = derive_state_fields(df, ranges)
    explicit = ms.get("states") or {}
    if not isinstance(explicit, dict):
        raise ScenarioError(
            where, [("member_states.states", "must be a mapping of code -> fields")]
        )
    problems = []
    for code, own in explicit.items():
        if code not in derived:
            problems.append(
                (f"member_states.states.{code}", f"not in {ref}; its states: {', '.join(derived)}")
            )
        elif own is not None and not isinstance(own, dict):
            problems.append((f"member_states.states.{code}", "must be a mapping of fields"))
    _fail(where, problems)
    defaults = ms.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ScenarioError(where, [("member_states.defaults", "must be a mapping of fields")])
    states = {}
    for code, fields in derived.items():
        own = explicit.get(code) or {}
        merged = {**fields, **defaults, **own}
        position = {**fields["position"]}
        for layer in (defaults, own):
            if isinstance(layer.get("position"), dict):
                position.update(layer["position"])
        if isinstance(merged.get("position"), dict):
            merged["position"] = position
        states[code] = merged
    new_ms = {k: v for k, v in ms.items() if k != "indicators"}
    new_ms["states"] = states
    new_ms.setdefault("defaults", {})
    return {**raw, "member_states": new_ms}


def format_derived(fields_by_state: Mapping[str, Mapping[str, Any]]) -> str:
    """One line per state: the derived parameters, for a teacher to read."""
    head = f"{'state':<6}{'strategy':<14}{'floor':>6}{'exp':>6}{'us':>7}{'loy':>7}{'terr':>6}{'sec':>6}{'res':>6}"
    lines = [head]
    for code, f in fields_by_state.items():
        lines.append(
            f"{code:<6}{f['strategy']:<14}{f['position']['price_floor']:>6.0f}{f['china_exposure']:>6.2f}"
            f"{f['us_alignment']:>7.3f}{f['loyalty']:>7.3f}{f['territorial_salience']:>6.2f}"
            f"{f['security_premium']:>6.2f}{f['reservation']:>6.2f}"
        )
    return "\n".join(lines)


DEFAULT_FILE = (
    Path(__file__).resolve().parent.parent / "scenarios" / "data" / "member_state_indicators.csv"
)


def main(argv: list[str] | None = None) -> int:
    """`python -m negotiation.indicators [FILE]`: the derived parameters and the calibration."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_FILE
    try:
        df = load_indicators(path)
    except ScenarioError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    from negotiation.calibration import ev_vote_calibration, format_calibration, real_ev_votes

    fields = derive_state_fields(df)
    print(format_derived(fields))
    print(
        f"\ndistinct state profiles: {len({state_profile(f) for f in fields.values()})} of {len(fields)}\n"
    )
    print(format_calibration(ev_vote_calibration(fields, real_ev_votes(df))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
