"""The turning points of one finished game, by name, for the debrief: who signed with the US and
when, how each state voted in the last Council vote, whom China rewarded or threatened, the EU funds
the Commission promised, the US tariff threats, and who played each human seat.

Everything comes from the engine's numbers (the outcome's per-state table, its bilateral deals and
Council vote, the move log's typed numbers), never from its sentences. `facts` gives plain data (the
JSON); `facts_text` the same as one readable text per column (the CSV and the page).
"""

from __future__ import annotations

from typing import Any

from negotiation.classroom.readable import tidy
from negotiation.model import NegotiationModel

CHINA_ACTIONS = ("inducements", "threats")
"""China's log entries whose numbers are its reward (> 0) or threat (< 0) for each state."""
FACT_COLUMNS = (
    "players",
    "signed_with_us",
    "council_vote",
    "china",
    "eu_funds",
    "us_tariff_threats",
)


def facts(model: NegotiationModel, holders: dict[str, str | None]) -> dict[str, Any]:
    """The facts of a game (the outcome's ones only once it is finished); `holders` maps each
    human seat to the student holding it (None: free, its agent played)."""
    out: dict[str, Any] = {
        "players": [
            {"seat": seat, "name": model.actor_name(seat), "player": holder}
            for seat, holder in holders.items()
        ]
    }
    outcome = model.outcome
    if outcome is None:
        return out
    names = {s["code"]: s["name"] for s in outcome.states}
    out["signed_with_us"] = [
        {"state": d["state"], "name": names[d["state"]], "round": d["round"]}
        for d in sorted(outcome.bilateral_deals, key=lambda d: (d["round"], d["state"]))
    ]
    out["council_vote"] = _council(outcome.council, outcome.states)
    out["china"] = _china(model, names)
    paid = outcome.bloc_terms is not None
    rounds = _rounds_of(model, "commission", ("payments",), names)
    out["eu_funds"] = [
        {
            "state": s["code"],
            "name": s["name"],
            "amount": tidy("amount", s["eu_payment"]),
            "rounds": rounds.get(s["code"], []),
            "paid": paid and s["vote"] == "yes",
        }
        for s in outcome.states
        if s["eu_payment"] > 0
    ]
    out["us_tariff_threats"] = _tariffs(model, outcome.states)
    return out


def _council(council: dict[str, Any] | None, states: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last Council vote: its round, whether it passed, and the states for and against."""
    if council is None:
        return None
    return {
        "round": council["round"],
        "passed": council["passed"],
        "yes": [s["name"] for s in states if s["vote"] == "yes"],
        "no": [s["name"] for s in states if s["vote"] == "no"],
    }


def _rounds_of(
    model: NegotiationModel, actor: str, actions: tuple[str, ...], names: dict[str, str]
) -> dict[str, list[int]]:
    """Per state, the rounds in which `actor` logged one of `actions` with a number for it."""
    rounds: dict[str, list[int]] = {}
    for move in model.moves:
        if move.actor == actor and move.action in actions:
            for code in move.numbers:
                if code in names and move.round not in rounds.setdefault(code, []):
                    rounds[code].append(move.round)
    return rounds


def _china(model: NegotiationModel, names: dict[str, str]) -> list[dict[str, Any]]:
    """Every state China rewarded or threatened, per kind (a state may get both in turn): the
    rounds and the amount of each round's offer (a threat's as a positive cost), in the order
    China first turned to them. Offers lapse at the end of their round."""
    offers: dict[tuple[str, str], dict[int, float]] = {}
    for move in model.moves:
        if move.actor == "china" and move.action in CHINA_ACTIONS:
            for code, value in move.numbers.items():
                if code in names and value:
                    kind = "reward" if value > 0 else "threat"
                    offers.setdefault((code, kind), {})[move.round] = abs(float(value))
    return [
        {
            "state": code,
            "name": names[code],
            "kind": kind,
            "rounds": list(by_round),
            "amounts": [tidy("amount", a) for a in by_round.values()],  # one per round
        }
        for (code, kind), by_round in offers.items()
    ]


def _tariffs(model: NegotiationModel, states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every state the US threatened with tariffs: the round of each threat and of its
    withdrawal (from the move log), the round it was lifted because the state signed with the
    US, and whether it still stood at the end (from the outcome; a threat a scheduled event made
    is known only from there)."""
    made: dict[str, list[int]] = {}
    withdrawn: dict[str, list[int]] = {}
    for move in model.moves:
        if move.actor == "us" and move.action in ("tariff_threat", "tariff_withdrawn"):
            into = made if move.action == "tariff_threat" else withdrawn
            for code in move.detail.get("states", []):
                into.setdefault(code, []).append(move.round)
    return [
        {
            "state": s["code"],
            "name": s["name"],
            "threatened": made.get(s["code"], []),
            "withdrawn": withdrawn.get(s["code"], []),
            "standing": bool(s["tariff_threat"]),
            "lifted_on_signing": s["deal_round"]
            if s["deal_round"] and not s["tariff_threat"]
            else None,
        }
        for s in states
        if s["code"] in made or s["tariff_threat"]
    ]


# --- as text --------------------------------------------------------------------------------------


def facts_text(found: dict[str, Any]) -> dict[str, str]:
    """Each fact column as one readable text ("Italy (round 1); Poland (round 1)"); "none" for an
    empty list; columns the game does not have yet are left out."""
    text = {
        "players": lambda v: _join(
            f"{p['name']}: {p['player'] or 'nobody (its agent)'}" for p in v
        ),
        "signed_with_us": lambda v: _join(f"{d['name']} (round {d['round']})" for d in v),
        "council_vote": _council_text,
        "china": lambda v: _join(
            f"{c['name']} {c['kind']} {_amounts_text(c['amounts'])} ({_rounds_text(c['rounds'])})"
            for c in v
        ),
        "eu_funds": lambda v: _join(
            f"{e['name']} {e['amount']} ({_rounds_text(e['rounds'])}, "
            f"{'paid' if e['paid'] else 'not paid'})"
            for e in v
        ),
        "us_tariff_threats": lambda v: _join(f"{t['name']} ({_tariff_text(t)})" for t in v),
    }
    return {key: text[key](value) for key, value in found.items()}


def _join(parts: Any) -> str:
    return "; ".join(parts) or "none"


def _council_text(vote: dict[str, Any] | None) -> str:
    if vote is None:
        return "no Council vote"
    verdict = "passed" if vote["passed"] else "failed"
    against = ", ".join(vote["no"]) or "nobody"
    return f"{verdict} in round {vote['round']}: {len(vote['yes'])} yes; no: {against}"


def _amounts_text(amounts: list[float]) -> str:
    """One amount, or the range of a changing one: "0.356", "0.70 to 0.75"."""
    low, high = min(amounts), max(amounts)
    return f"{low}" if low == high else f"{low} to {high}"


def _tariff_text(threat: dict[str, Any]) -> str:
    """ "threatened in round 3, withdrawn in round 6", "... standing at the end"."""
    parts = []
    if threat["threatened"]:
        parts.append(f"threatened in {_rounds_text(threat['threatened'])}")
    if threat["withdrawn"]:
        parts.append(f"withdrawn in {_rounds_text(threat['withdrawn'])}")
    if threat["lifted_on_signing"]:
        parts.append(f"lifted when it signed with the US in round {threat['lifted_on_signing']}")
    if threat["standing"]:
        parts.append("standing at the end")
    return ", ".join(parts)


def _rounds_text(rounds: list[int]) -> str:
    """Rounds as ranges: "round 3", "rounds 1-4, 7"."""
    spans: list[list[int]] = []
    for r in rounds:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    shown = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
    return f"round {shown}" if len(rounds) == 1 else f"rounds {shown}"
