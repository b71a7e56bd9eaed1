"""The calibration check of the member states' parameters: each state's vote on the Council's
duties on Chinese electric cars (4 Oct 2024) predicted from its China-related parameters alone, by a
rule fixed before the agreement was computed, against the real vote (docs/indicators.md). The vote
is never an input of the mapping in `negotiation/indicators.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from negotiation.indicators import LOYALTY_MIN, LOYALTY_SPAN, US_ALIGNMENT_MAX

VOTES = ("for", "against", "abstain")
CALIBRATION_BAND = 0.25
CALIBRATION_RULE = (
    "china_hedger -> against; atlanticist -> for; otherwise lean = china_exposure - "
    "(us_alignment/US_ALIGNMENT_MAX + (loyalty-0.02)/0.20)/2, each pull on 0..1: against if "
    "lean > 0.25, for if lean < -0.25, else abstain (rule fixed before the agreement was computed)"
)


def predict_ev_vote(fields: Mapping[str, Any]) -> tuple[str, float]:
    """(predicted vote, lean) from the China-related parameters alone. Duties against Chinese cars:
    a state pulled to China votes against them, one pulled to the US and the bloc votes for."""
    west = (
        float(fields["us_alignment"]) / US_ALIGNMENT_MAX
        + (float(fields["loyalty"]) - LOYALTY_MIN) / LOYALTY_SPAN
    ) / 2
    lean = float(fields["china_exposure"]) - west
    strategy = fields["strategy"]
    strategy = strategy["name"] if isinstance(strategy, Mapping) else str(strategy)
    if strategy == "china_hedger":
        return "against", lean
    if strategy == "atlanticist":
        return "for", lean
    if lean > CALIBRATION_BAND:
        return "against", lean
    if lean < -CALIBRATION_BAND:
        return "for", lean
    return "abstain", lean


def ev_vote_calibration(
    fields_by_state: Mapping[str, Mapping[str, Any]], real_votes: Mapping[str, str]
) -> dict[str, Any]:
    """Predict each state's 4 Oct 2024 vote and compare with the real one.

    Returns `states` (code -> predicted, real, lean), `agreement` (share of states with both where
    the prediction is right), `n`, `confusion` (real -> predicted -> count), `baseline` (the share
    right if every state were given the most common real vote), `rule`, and `missing` (codes with
    fields but no real vote, or the other way round).
    """
    codes = [c for c in fields_by_state if real_votes.get(c) in VOTES]
    missing = sorted((set(fields_by_state) - set(codes)) | (set(real_votes) - set(fields_by_state)))
    states = {}
    confusion = {r: dict.fromkeys(VOTES, 0) for r in VOTES}
    for code in codes:
        predicted, lean = predict_ev_vote(fields_by_state[code])
        real = real_votes[code]
        states[code] = {"predicted": predicted, "real": real, "lean": round(lean, 3)}
        confusion[real][predicted] += 1
    n = len(codes)
    right = sum(confusion[v][v] for v in VOTES)
    counts = [sum(confusion[r].values()) for r in VOTES]
    return {
        "rule": CALIBRATION_RULE,
        "states": states,
        "n": n,
        "agreement": right / n if n else float("nan"),
        "baseline": max(counts) / n if n else float("nan"),
        "confusion": confusion,
        "missing": missing,
    }


def real_ev_votes(df: pd.DataFrame) -> dict[str, str]:
    """The real 4 Oct 2024 votes recorded in an indicators table (states with a vote only)."""
    return {c: v for c, v in df["ev_vote_2024"].items() if v in VOTES}


def format_calibration(result: Mapping[str, Any]) -> str:
    """The calibration as text: the rule, the agreement, the confusion table, the misses."""
    n = result["n"]
    right = round(result["agreement"] * n) if n else 0
    lines = [
        "Calibration: the Council vote of 4 Oct 2024 on duties on Chinese electric cars",
        f"rule: {result['rule']}",
        f"agreement: {right} of {n} states ({result['agreement']:.0%}); "
        f"always guessing the most common vote: {result['baseline']:.0%}",
        "",
        f"{'real \\ predicted':<18}" + "".join(f"{v:>9}" for v in VOTES),
    ]
    for real in VOTES:
        row = result["confusion"][real]
        lines.append(f"{real:<18}" + "".join(f"{row[p]:>9}" for p in VOTES))
    misses = [
        f"{c} (real {s['real']}, predicted {s['predicted']}, lean {s['lean']:+.2f})"
        for c, s in result["states"].items()
        if s["real"] != s["predicted"]
    ]
    if misses:
        lines += ["", "wrong: " + "; ".join(misses)]
    if result.get("missing"):
        lines.append("left out (no vote or no fields): " + ", ".join(result["missing"]))
    return "\n".join(lines)
