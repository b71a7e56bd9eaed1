"""The outcome of a game and its measures (GAME.md, "Outcome measures").

Utilities reported here are those of the terms each actor ends up with: the bloc deal, a state's
bilateral deal laid over it on the bilateral issues, or walk-away values where nothing was signed.
The passing context of a round (pressure, inducements, loyalty) shows in the moves instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from negotiation import rules
from negotiation.frontier import distance_to_frontier, nash_point, pareto_frontier
from negotiation.issues import CLAUSE
from negotiation.per_spec import shared
from negotiation.strategies.member_states import BLOC, CONDITIONAL, STANCES

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "bloc_deal": ("a bloc deal", "the EU and the US signed one agreement; no state signed alone"),
    "bloc_deal_with_defections": (
        "a bloc deal with defections",
        "the EU and the US signed one agreement, and {signers} also signed a bilateral deal with "
        "the US",
    ),
    "bilateral_patchwork": ("a bilateral patchwork", "no bloc deal; {signers} signed with the US"),
    "no_deal": ("no deal", "no bloc deal and no bilateral deal"),
}
"""Each outcome kind (`rules.OUTCOME_TYPES`) in words: its name and what it means. Every page
that names an outcome (the game's debrief, the classroom's pages) goes through `outcome_words`."""


def outcome_words(kind: str, signers: int | None = None) -> str:
    """The outcome in words, e.g. "a bilateral patchwork (no bloc deal; 3 states signed with the
    US)"; `signers` is the number of states with a bilateral deal (unknown: "some states")."""
    if kind not in OUTCOME_LABELS:
        return kind.replace("_", " ")
    name, meaning = OUTCOME_LABELS[kind]
    if signers is None:
        who = "some states"
    else:
        who = f"{signers} state" if signers == 1 else f"{signers} states"
    return f"{name} ({meaning.format(signers=who)})"


@dataclass(slots=True)
class Outcome:
    type: str
    round: int | None
    day: int | None
    bloc_terms: dict[str, float | bool] | None
    bilateral_deals: list[dict[str, Any]]
    utilities: dict[str, float]
    clause_in: bool | None
    council: dict[str, Any] | None
    cohesion_states: float
    cohesion_population: float
    pressure_mean: float
    pressure_max: float
    pareto_distance: float | None
    nash_distance: float | None
    nash_point: dict[str, float] | None
    votes_held: int
    issue_ids: list[str] = field(default_factory=list)
    scenario: str = ""
    seed: int = 0
    moves: int = 0
    states: list[dict[str, Any]] = field(default_factory=list)
    """One entry per member state: stance, vote, bilateral deal, utility of its terms, payoff
    (its terms with supply security, China's retaliation, EU funds and tariffs counted)."""
    private: dict[str, float] = field(default_factory=dict)
    """The private values drawn for this game (walk-aways and budgets)."""
    extra: dict[str, Any] = field(default_factory=dict)
    legal_form: str | None = None
    """The bloc deal's legal form (negotiation/legal_form.py); None without a bloc deal."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def row(self) -> dict[str, Any]:
        """The outcome flattened to one row of scalars (for sweeps and tables)."""
        row: dict[str, Any] = {
            "outcome": self.type,
            "agreement_round": self.round,
            "agreement_day": self.day,
            "legal_form": self.legal_form,
            "clause_in": self.clause_in,
            "bilateral_deals": len(self.bilateral_deals),
            "cohesion_states": self.cohesion_states,
            "cohesion_population": self.cohesion_population,
            "pressure_mean": self.pressure_mean,
            "pressure_max": self.pressure_max,
            "pareto_distance": self.pareto_distance,
            "nash_distance": self.nash_distance,
            "votes_held": self.votes_held,
        }
        council = self.council or {}
        row["council_yes_states"] = council.get("states_share")
        row["council_yes_population"] = council.get("population_share")
        terms = self.bloc_terms or {}
        for key in [*self.issue_ids, CLAUSE]:  # always every column: None without a bloc deal
            row[f"deal_{key}"] = terms.get(key)
        for actor, value in self.utilities.items():
            row[f"u_{actor}"] = value
        row["eu_funds_promised"] = self.private.get("eu_funds_promised")
        return row


def measure_outcome(model: NegotiationModel) -> Outcome:
    states, us, com, china = model.states, model.us, model.commission, model.china
    signed = model.signed
    kind = rules.outcome_type(signed is not None, len(states.deals))
    shares = states.share
    covered = float(sum(shares[i] for i in states.deals))

    utilities: dict[str, float] = {}
    if signed is not None:
        utilities["us"] = model.us_value(signed)
        utilities["commission"] = com.utility(signed)
        utilities["china"] = china.utility(signed)
    else:
        utilities["us"] = model.us_walkaway()
        utilities["commission"] = float(com.base_reservation)
        bil_cn = sum(shares[i] * china.partial_utility(d) for i, d in states.deals.items())
        utilities["china"] = float(bil_cn + (1 - covered) * china.side.reservation)
    if model.parliament is not None:
        ep = model.parliament
        utilities["parliament"] = ep.utility(signed) if signed is not None else ep.side.reservation
    # One accounting: the terms each state ends with, and its payoff with everything counted.
    climate = model.climate()
    if signed is not None:
        x, clause = states._terms_under(signed)
        state_u = states.terms_utilities(x, clause)
        payoff = states.bloc_world(signed, climate, pay=False) + np.where(
            model.last_yes if model.last_yes is not None else True, states.eu_payment, 0.0
        )
    else:
        state_u = np.array([states.no_deal_terms_utility(i) for i in range(states.n)])
        payoff = states.no_bloc_world(climate)
    for code, value in zip(states.codes, state_u, strict=True):
        utilities[code] = float(value)
    utilities = {k: round(float(v), 6) for k, v in utilities.items()}
    yes = model.last_yes
    per_state = [
        {
            "code": code,
            "name": states.names[i],
            "stance": STANCES[int(states.stance[i])],
            "vote": None if yes is None else ("yes" if yes[i] else "no"),
            "bilateral": bool(states.has_deal[i]),
            "deal_round": states.deal_round.get(i),
            "utility": round(float(state_u[i]), 6),
            "payoff": round(float(payoff[i]), 6),
            "eu_payment": round(float(states.eu_payment[i]), 6),
            "china_inducement": round(float(states.inducement[i]), 6),
            "tariff_threat": bool(states.tariff[i]),
        }
        for i, code in enumerate(states.codes)
    ]

    bilateral = [
        {
            "state": states.codes[i],
            "round": states.deal_round[i],
            "terms": {
                k: v
                for k, v in model.space.to_real(deal).items()
                if k not in model.space.index or model.space.issues[model.space.index[k]].bilateral
            },
        }
        for i, deal in sorted(states.deals.items())
    ]
    clause_in: bool | None
    if signed is not None:
        clause_in = signed.clause
    elif states.deals:
        clause_in = all(d.clause for d in states.deals.values())
    else:
        clause_in = None

    council = None
    if model.votes:
        rnd, vote = model.votes[-1]
        council = {
            "round": rnd,
            "passed": vote.passed,
            "yes_states": vote.yes_states,
            "total_states": vote.total_states,
            "states_share": round(vote.states_share, 6),
            "population_share": round(vote.population_share, 6),
        }

    # The frontier reads the two sides' positions, saliences, stakes in the clause and legal form
    # factors, which are the scenario's (not the private walk-aways): it is drawn once per scenario.
    frontier = shared(
        model.spec, "frontier", lambda: pareto_frontier(us.side, com.side, com.frames)
    )
    nash = nash_point(frontier, (us.side.reservation, com.base_reservation))
    pareto_d = nash_d = None
    if signed is not None:
        point = (us.utility(signed), com.utility(signed))
        pareto_d = round(distance_to_frontier(point, frontier), 6)
        if nash is not None:
            nash_d = round(float(np.hypot(point[0] - nash.u_a, point[1] - nash.u_b)), 6)

    behind = (states.stance == BLOC) | (states.stance == CONDITIONAL)
    path = china.pressure_path or [china.pressure]
    return Outcome(
        type=kind,
        round=model.signed_round,
        day=model.signed_round * model.spec.days_per_round if model.signed_round else None,
        bloc_terms=model.space.to_real(signed) if signed is not None else None,
        legal_form=signed.form if signed is not None else None,
        bilateral_deals=bilateral,
        utilities=utilities,
        clause_in=clause_in,
        council=council,
        cohesion_states=round(float(behind.mean()), 6),
        cohesion_population=round(float(shares[behind].sum()), 6),
        pressure_mean=round(float(np.mean(path)), 6),
        pressure_max=round(float(np.max(path)), 6),
        pareto_distance=pareto_d,
        nash_distance=nash_d,
        nash_point={"us": round(nash.u_a, 6), "commission": round(nash.u_b, 6)} if nash else None,
        votes_held=len(model.votes),
        issue_ids=list(model.space.ids),
        scenario=model.spec.name,
        seed=int(model.seed),
        moves=len(model.log),
        states=per_state,
        private={
            "us_reservation": round(us.side.reservation, 6),
            "commission_reservation": round(com.base_reservation, 6),
            "china_budget": round(china.budget, 6),
            "commission_budget": round(com.budget, 6),
            "eu_funds_promised": round(float(states.eu_payment.sum()), 6),
        },
    )
