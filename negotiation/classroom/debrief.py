"""The debrief: every room of one scenario side by side, against the agents-only baseline.

One row a room: who played which seat, the outcome in words, the turning points by name (who signed
with the US and when, the last Council vote's no-voters, China's rewards and threats, the EU funds,
the US tariff threats: `debrief_facts`), the deal's terms and every actor's utility
(`Outcome.row()`), every number readable (`readable.tidy`). For each seed one more row: the same
scenario and seed played by the agents alone, so the class sees what its people changed. As JSON
(the facts as lists and dicts) or CSV (one row a room, each fact as one readable text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from typing import Any

from negotiation.classroom.debrief_facts import FACT_COLUMNS, facts, facts_text
from negotiation.classroom.errors import UnknownScenario
from negotiation.classroom.readable import row_words, tidy_row
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.store import RoomRow
from negotiation.gamelog import to_jsonable
from negotiation.model import NegotiationModel, run_game
from negotiation.scenario import parse_scenario_text

BASELINE = "agents only"
LEAD = ("room", "scenario", "seed", "human_seats", "status", "outcome", "outcome_words")
"""The first columns of the table (then the facts, then the outcome's measures)."""


def debrief_rows(
    service: RoomService, teacher_key: str, scenario_name: str, files: Collection[str] = ()
) -> list[dict[str, Any]]:
    """One row per room of `scenario_name` (finished or not), then one baseline row per seed.
    A name that is neither a room's scenario nor one of the scenario `files` is refused
    (UnknownScenario, naming the scenarios there are); a file with no room yet has no rows."""
    rooms = service.rooms_of(teacher_key, scenario_name)
    if not rooms and scenario_name not in files:
        known = sorted({*files, *service.scenario_names(teacher_key)})
        shown = repr(scenario_name) if len(scenario_name) <= 64 else repr(scenario_name[:64] + "…")
        raise UnknownScenario(
            f"no scenario named {shown}; the scenarios are: {', '.join(known) or 'none yet'}"
        )
    rows: list[dict[str, Any]] = []
    baselines: dict[tuple[str, int], RoomRow] = {}
    for row, _game in rooms:
        holders = {s.actor: s.holder for s in service.store.seats(row.code)}
        found = service.read_game(row.code, lambda model, h=holders: _row(model, h))
        rows.append({**_head(row, row.code, len(row.humans)), "status": row.status, **found})
        baselines.setdefault((row.scenario_yaml, row.seed), row)
    for row in baselines.values():
        spec = parse_scenario_text(row.scenario_yaml, f"room {row.code}")
        model = run_game(spec, row.seed)
        assert model.outcome is not None  # an agents-only game always finishes
        rows.append({**_head(row, BASELINE, 0), "status": "finished", **_row(model, {})})
    return rows


def _row(model: NegotiationModel, holders: dict[str, str | None]) -> dict[str, Any]:
    """The outcome columns of a game (none before it ends) with its facts, numbers tidied."""
    if model.outcome is None:
        return facts(model, holders)
    outcome = tidy_row(to_jsonable(model.outcome.row()))
    words = {"outcome_words": row_words(outcome), "outcome": outcome.pop("outcome")}
    return {**words, **facts(model, holders), **outcome}


def _head(row: RoomRow, room: str, humans: int) -> dict[str, Any]:
    return {"room": room, "scenario": row.scenario_name, "seed": row.seed, "human_seats": humans}


def as_text(row: dict[str, Any]) -> dict[str, Any]:
    """A debrief row with each fact as one readable text (for the CSV and the page)."""
    found = {k: row[k] for k in FACT_COLUMNS if k in row}
    return {**row, **facts_text(found)}


def columns(rows: list[dict[str, Any]]) -> list[str]:
    """The debrief's columns: the lead ones, the facts, then every other in first-seen order."""
    found: dict[str, None] = dict.fromkeys([*LEAD, *FACT_COLUMNS])
    for row in rows:
        found.update(dict.fromkeys(row))
    return list(found)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text, one line a room, each fact as one text; a missing value is an empty
    cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(as_text(r) for r in rows)
    return out.getvalue()
