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
from negotiation.issues import CLAUSE, Package
from negotiation.strategies.member_states import BLOC

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


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
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def row(self) -> dict[str, Any]:
        """The outcome flattened to one row of scalars (for sweeps and tables)."""
        row: dict[str, Any] = {
            "outcome": self.type,
            "agreement_round": self.round,
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
        return row


def measure_outcome(model: NegotiationModel) -> Outcome:
    states, us, com, china = model.states, model.us, model.commission, model.china
    signed = model.signed
    kind = rules.outcome_type(signed is not None, len(states.deals))
    shares = states.population / states.population.sum()
    deal_shares = np.array([shares[i] for i in states.deals]) if states.deals else np.zeros(0)
    covered = float(deal_shares.sum())

    utilities: dict[str, float] = {}
    if signed is not None:
        utilities["us"] = us.utility(signed)
        utilities["commission"] = com.utility(signed)
        utilities["china"] = china.utility(signed)
    else:
        bil_us = sum(
            s * us.bilateral_utility(states.deals[i])
            for i, s in zip(states.deals, deal_shares, strict=True)
        )
        bil_cn = sum(
            s * china.partial_utility(states.deals[i])
            for i, s in zip(states.deals, deal_shares, strict=True)
        )
        utilities["us"] = float(bil_us + (1 - covered) * us.side.reservation)
        utilities["commission"] = float(com.base_reservation)
        utilities["china"] = float(bil_cn + (1 - covered) * china.side.reservation)
    state_u = states.reservation.copy()
    if signed is not None:
        state_u = states.deal_utility(signed)
    mask = model.space.bilateral_mask
    for i, deal in states.deals.items():
        if signed is not None:
            overlay = signed.values.copy()
            overlay[mask] = deal.values[mask]
            state_u[i] = states.deal_utility(Package(overlay, signed.clause and deal.clause))[i]
        else:
            state_u[i] = states.bilateral_utility(deal)[i]
    for code, value in zip(states.codes, state_u, strict=True):
        utilities[code] = float(value)
    utilities = {k: round(float(v), 6) for k, v in utilities.items()}

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

    frontier = pareto_frontier(us.side, com.side, com.clause_options)
    nash = nash_point(frontier, (us.side.reservation, com.base_reservation))
    pareto_d = nash_d = None
    if signed is not None:
        point = (us.utility(signed), com.utility(signed))
        pareto_d = round(distance_to_frontier(point, frontier), 6)
        if nash is not None:
            nash_d = round(float(np.hypot(point[0] - nash.u_a, point[1] - nash.u_b)), 6)

    behind = states.stance == BLOC
    path = china.pressure_path or [china.pressure]
    return Outcome(
        type=kind,
        round=model.signed_round,
        day=model.signed_round * model.spec.days_per_round if model.signed_round else None,
        bloc_terms=model.space.to_real(signed) if signed is not None else None,
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
        moves=len(model.moves),
    )
