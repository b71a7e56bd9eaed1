"""The debrief: every room of one scenario side by side, against the agents-only baseline.

One row a room (its outcome, the deal's terms and every actor's utility: `Outcome.row()`), and for
each seed one more row: the same scenario and seed played by the agents alone, so the class sees
what its people changed. Exported as CSV.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from negotiation.classroom.rooms import RoomService
from negotiation.classroom.store import RoomRow
from negotiation.model import run_game
from negotiation.scenario import parse_scenario_text

BASELINE = "agents only"


def debrief_rows(
    service: RoomService, teacher_key: str, scenario_name: str
) -> list[dict[str, Any]]:
    """One row per room of `scenario_name` (finished or not), then one baseline row per seed."""
    rows: list[dict[str, Any]] = []
    baselines: dict[tuple[str, int], RoomRow] = {}
    for row, game in service.rooms_of(teacher_key, scenario_name):
        rows.append(
            {
                **_head(row, row.code, len(row.humans)),
                "status": row.status,
                **(game.outcome_row() or {}),
            }
        )
        baselines.setdefault((row.scenario_yaml, row.seed), row)
    for row in baselines.values():
        spec = parse_scenario_text(row.scenario_yaml, f"room {row.code}")
        outcome = run_game(spec, row.seed).outcome
        assert outcome is not None  # an agents-only game always finishes
        rows.append({**_head(row, BASELINE, 0), "status": "finished", **outcome.row()})
    return rows


def _head(row: RoomRow, room: str, humans: int) -> dict[str, Any]:
    return {"room": room, "scenario": row.scenario_name, "seed": row.seed, "human_seats": humans}


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text; columns are the union of the rows' keys, in first-seen order."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
