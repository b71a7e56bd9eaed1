"""Facts about a member state for its briefing, from the indicators file its scenario names.

A scenario that writes `member_states: {indicators: data/....csv}` takes its states from sourced
indicators (negotiation/indicators.py). `indicator_facts(source)` reads that file once per
scenario file and words each state's notable indicators as sentences: a US claim on its
territory, the January 2026 tariff threat, the Greenland statements, Chinese investment and the
Belt and Road, raw-material projects and deposits, and the notes its `source` column gives in
brackets (e.g. Sweden's deposit). A scenario without an indicators file gives no facts here.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from negotiation.indicators import load_indicators
from negotiation.scenario import ScenarioError

_BRACKETS = re.compile(r"\(([^()]*)\)")
_FALLBACK = re.compile(r"\b(nf|none)\b", re.IGNORECASE)
"""'nf' (not found) marks a documented fallback in the sources, not a fact."""


def _indicators_path(source: Path) -> Path | None:
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    ms = raw.get("member_states") if isinstance(raw, dict) else None
    ref = ms.get("indicators") if isinstance(ms, dict) else None
    if not isinstance(ref, str):
        return None
    folder = source.resolve().parent
    path = (folder / ref.strip()).resolve()
    return path if path.is_relative_to(folder) else None


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def source_notes(text: str) -> list[str]:
    """The notes in brackets of a `source` cell that say something ("Per Geijer: ..."), not the
    fallbacks ("nf: EU average") nor bare references."""
    notes = []
    for inside in _BRACKETS.findall(text or ""):
        for part in inside.split(";"):
            part = part.strip()
            if ":" in part and not _FALLBACK.search(part):
                notes.append(part)
    return notes


def row_facts(row: dict[str, Any]) -> list[str]:
    """Sentences about one state's indicators (only those worth a student's attention)."""
    facts = []
    assumed = str(row.get("assumed", ""))
    if row.get("territory_claimed_by_us") == "yes":
        facts.append(
            "The United States claims territory of yours: Greenland, which it wants to control."
        )
    if row.get("tariff_threatened_jan2026") == "yes":
        facts.append("The US threatened you with tariffs in January 2026 (dropped days later).")
    signed = int(_number(row.get("greenland_statements")))
    if signed:
        facts.append(
            f"You signed {'both' if signed >= 2 else 'one'} of the EU statements of January 2026 "
            "on Greenland, against the US claim."
        )
    if row.get("greenland_refused") == "yes":
        facts.append("You refused to back the EU statement on Greenland.")
    fdi = _number(row.get("chinese_fdi_bn"))
    if fdi > 0 and "chinese_fdi_bn" not in assumed:
        facts.append(f"Chinese investment in your country: about EUR {fdi:g} bn in large plants.")
    if row.get("bri_mou") == "signed":
        facts.append("You signed China's Belt and Road memorandum.")
    elif row.get("bri_mou") == "withdrawn":
        facts.append("You signed China's Belt and Road memorandum, then withdrew.")
    projects = int(_number(row.get("crma_projects")))
    if projects:
        facts.append(
            f"You host {projects} strategic project{'s' if projects != 1 else ''} under the "
            "EU's Critical Raw Materials Act."
        )
    facts += [f"From the sources: {note}." for note in source_notes(str(row.get("source", "")))]
    return facts


@lru_cache(maxsize=16)
def _facts(path: str, mtime: float) -> dict[str, list[str]]:
    try:
        table = load_indicators(path)
    except (ScenarioError, OSError, ValueError):
        return {}
    return {code: row_facts(row) for code, row in table.to_dict("index").items()}


def indicator_facts(source: str | Path | None) -> dict[str, list[str]]:
    """Per state code, the facts from the indicators file of the scenario file `source`."""
    if not source:
        return {}
    path = _indicators_path(Path(source))
    if path is None or not path.is_file():
        return {}
    return _facts(str(path), path.stat().st_mtime)
