"""The log's sentences about the legal form, the European Parliament and scheduled events (the
rest of the log is `narrate.py`)."""

from __future__ import annotations

from negotiation.legal_form import LABEL
from negotiation.moves import BY_HUMAN, ConsentMove, EventMove, ParliamentMove
from negotiation.narrate_parts import Entry, entry, names_list, played_for

_EVENT = {
    "tariff_threat": "threatens tariffs of {value} on {states}",
    "lift_tariffs": "drops its tariff threats on {states}",
    "territorial_threat": "threatens a member state's territory",
    "territorial_threat_ends": "drops its territorial threat",
    "court": "courts {states} with bilateral offers",
    "suspend_consent": "suspends its consent procedure",
    "resume_consent": "resumes its consent procedure",
    "china_pressure": "sets its export-control pressure to {value}",
}


def event(move: EventMove, actor_name: str, state_names: list[str]) -> Entry:
    """A scheduled event, with the scenario's note (its source)."""
    states = names_list([state_names[i] for i in move.rows]) if move.rows else "every state"
    value = "" if move.value is None else f"{move.value:.2f}"
    what = _EVENT[move.kind].format(states=states, value=value)
    note = f" ({move.note})" if move.note else ""
    numbers = {} if move.value is None else {"value": move.value}
    return entry(f"event_{move.kind}", f"Scheduled event: {actor_name} {what}{note}.", numbers)


def procedure(move: ParliamentMove, was: bool, by: str) -> Entry | None:
    """The Parliament's consent procedure, logged when it changes (a person's choice always);
    `by` who made the move."""
    if move.suspend == was:
        if by != BY_HUMAN:
            return None
        return entry(
            "hold_suspension" if move.suspend else "proceed_consent",
            "The European Parliament "
            + (
                "keeps its consent procedure suspended"
                if move.suspend
                else "proceeds with its consent procedure"
            )
            + ": a person's decision."
            + played_for(by),
        )
    if by == BY_HUMAN:
        why = "a person's decision"
    elif move.suspend and move.threat:
        why = "the US threatens a member state's territory (as on 21 January 2026 over Greenland)"
    elif move.suspend:
        why = "it holds its suspension"
    else:
        why = "the territorial threat has ended (as on 4 February 2026)"
    if move.suspend:
        return entry(
            "suspend_consent",
            f"The European Parliament suspends its consent procedure: {why}. No binding or "
            "mixed agreement can be concluded while it is suspended." + played_for(by),
        )
    return entry(
        "resume_consent",
        f"The European Parliament resumes its consent procedure: {why}." + played_for(by),
    )


def consent(
    move: ConsentMove,
    form: str,
    value: float,
    reservation: float,
    swing: float,
    suspended: bool,
    by: str,
    threat: bool,
) -> Entry:
    """The Parliament's consent or refusal; `by` who made the move (a person's own vote is given
    no swing)."""
    word = "gives" if move.consent else "refuses"
    numbers = {"value": value, "walkaway": reservation, "noise": swing}
    if suspended and threat:  # a person cannot consent then either (seats.parse_consent)
        why = "its consent procedure is suspended while the US threatens a member state's territory"
    elif suspended:
        why = "its consent procedure is suspended, and no binding or mixed agreement can be concluded while it is"
    elif by == BY_HUMAN:
        why = f"a person's vote; the agreement was worth {value:.2f} to it, its walk-away {reservation:.2f}"
    else:
        swing_text = f" with the day's swing of {swing:+.2f}" if abs(swing) >= 0.005 else ""
        why = f"{LABEL[form]} is worth {value:.2f} to it{swing_text} against its walk-away {reservation:.2f}"
    return entry(
        "consent" if move.consent else "refuse_consent",
        f"The European Parliament {word} its consent (Art. 218(6)(a)(v) TFEU): {why}."
        + played_for(by),
        numbers,
        abs(value + swing - reservation),
    )


def ratification(refused: list[str], numbers: dict[str, tuple[float, float, float]]) -> Entry:
    """National ratification of a mixed agreement: who refused and by how much."""
    if not refused:
        return entry(
            "ratified",
            "Every member state ratifies the mixed agreement (national competence: each is a party).",
        )
    detail = "; ".join(
        f"{code}: worth {yes:.2f} against {no:.2f} without it, swing {swing:+.2f}"
        for code, (yes, no, swing) in numbers.items()
    )
    return entry(
        "ratification_fails",
        f"{names_list(refused)} {'refuses' if len(refused) == 1 else 'refuse'} to ratify the mixed "
        f"agreement, which needs every member state: it fails ({detail}).",
        detail={"refused": list(numbers)},
    )
