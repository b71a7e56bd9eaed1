"""A game as plain data: the JSON document that `negotiation run --json`, the browser's download
and the classroom's log share, and the conversion of numpy values to plain JSON types."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


def to_jsonable(value: Any) -> Any:
    """Numbers, lists and dicts that `json.dumps` takes (numpy scalars and arrays included; NaN
    and infinities become None)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_PLAIN = frozenset({str, int, bool, type(None)})
"""Types `to_jsonable` returns as they are (the most common: checked first)."""


def game_document(model: NegotiationModel) -> dict[str, Any]:
    """The whole game in plain types (fields documented in the README, `--json`)."""
    return to_jsonable(
        {
            "scenario": model.spec.name,
            "scenario_hash": model.spec.fingerprint(),
            "seed": int(model.seed),
            "humans": sorted(model.humans),
            "finished": model.finished,
            "outcome": model.outcome.to_dict() if model.outcome else None,
            "rounds": model.rounds_frame().to_dict(orient="records"),
            "moves": [m.to_dict() for m in model.moves],
        }
    )
