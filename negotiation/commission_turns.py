"""The Commission's turn and the Council vote: mixed into `NegotiationModel` next to `Phases`
(they use its state and views). When moves are recorded, their sentences are written when the log
is first read (`movelog.py`), from numbers taken during the round."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from negotiation import legal_form, rules, seats
from negotiation.actors.commission import PAYMENT_STEP
from negotiation.council import CouncilVote
from negotiation.frontier import best_utility
from negotiation.issues import Package
from negotiation.moves import BY_HUMAN, BY_RULES, CommissionMove, VoteMove, Withheld
from negotiation.narrate import Entry
from negotiation.phases import Round
from negotiation.strategies.member_states import CHINA


def _one(write: Callable[..., Entry], *args: Any) -> list[Entry]:
    return [write(*args)]


class CommissionTurns:
    """The Commission's answer to the US (phase 4) and the Council vote on an agreement (phase 5)."""

    # phase 4 -----------------------------------------------------------------------------------------

    def _commission_turn(self) -> Round:
        self.phase = "commission"
        com, us, states = self.commission, self.us, self.states
        share = states.share_behind()
        com.update_reservation(share)
        target = com.target(self.progress, [com.utility(o) for o in us.offers])
        com.targets.append(target)
        counter_target = max(target, min(com.belief_floor(us.side), 1.0))
        offer = self.us_offer
        action, package, pay, withheld = "counter", None, np.zeros(states.n), None
        if offer is not None:
            yes_v, no_v = self.commission_view_of_votes(offer)
            pay = com.payments_to_pass(
                yes_v, no_v, states.ask, self._counter(offer.form).passes, states.population
            )
            forecast = self._vote(yes_v + pay > no_v, offer.form)
            if (
                rules.is_admissible(offer, self.mode)
                and com.mandate_allows(offer)
                and com.utility(offer) >= target - 1e-9
            ):
                ratified = forecast.passed and self.ratification_expected(offer)
                if ratified and self.parliament_would_consent(offer):
                    action, package = "accept", offer
                else:
                    blockers = [
                        states.names[i] for i in np.nonzero(yes_v + pay <= no_v)[0].tolist()
                    ]
                    withheld = Withheld(
                        forecast,
                        "council"
                        if not forecast.passed
                        else "ratification"
                        if not ratified
                        else "parliament",
                        blockers if legal_form.needs_unanimity(offer.form) else [],
                    )
        if package is None:
            package = com.council_proof_counter(counter_target, us.side, self.would_pass)
            yes_v, no_v = self.commission_view_of_votes(package)
            asks = np.where(states.ask > 0, states.ask, 0.0)
            # A counter is promised only the asks (a vote where all say yes passes at once).
            pay = com.payments_to_pass(yes_v, no_v, asks, lambda yes: True, states.population)

        def parse(m: Any) -> CommissionMove:
            return seats.parse_commission(
                m,
                space=self.space,
                mode=self.mode,
                base=package,
                offer=offer,
                red_line=com.red_line,
                codes=states.codes,
                budget=com.budget_left,
                forms=com.forms,
            )

        move = yield from self._seat(
            "commission",
            "commission",
            CommissionMove(action, package, pay),
            lambda: dict(
                prompt=self.narrator.table_prompt(self, "the Commission")
                + f"\nYour walk-away now: {com.reservation:.2f} ({share:.0%} of the population behind you)."
                + self.narrator.funds_prompt(self)
                + (
                    f"\nIf you accept the US offer: {self.forecast(offer).explain()}"
                    if offer is not None
                    else ""
                ),
                info={
                    **self._table_info(),
                    "target": target,
                    "reservation": com.reservation,
                    "walkaway": com.reservation,
                    "belief_us_walkaway": com.belief.estimate,
                    "forecast": self._vote_info(self.forecast(offer))
                    if offer is not None
                    else None,
                    "red_line": com.red_line,
                    "eu_funds_left": com.budget_left,
                    "asks": {
                        c: round(float(a), 4)
                        for c, a in zip(states.codes, states.ask, strict=True)
                        if a > 0
                    },
                    "vote_gaps": {
                        c: round(float(g), 4)
                        for c, g in zip(states.codes, no_v - yes_v, strict=True)
                        if g > 0
                    },
                },
                validate=parse,
                options=["counter"]
                + (["accept"] if offer is not None else [])
                + (["payments"] if com.budget_left >= PAYMENT_STEP else []),
                check=lambda m: self._below_walkaway(
                    "the Commission", com.utility, com.reservation, parse(m).package
                ),
            ),
        )
        if self._played_by("commission") == BY_HUMAN:
            withheld = None  # the agent's note to itself; a person is not second-guessed
        states.eu_payment = states.eu_payment + move.payments
        com.budget_left -= float(move.payments.sum())
        states.ask = np.where(move.payments > 0, 0.0, states.ask)
        if move.action == "accept":
            self.agreement = move.package
        else:
            self.counter = move.package
            com.counters.append(move.package)
            us.belief.update(
                com.utility(move.package),
                best_utility(com.side, com.frames),
                self.progress,
                scale=share,
            )
        if self.record_moves:
            offer_u = com.utility(offer) if offer is not None else None
            self._record_later(
                "commission",
                self.narrator.commission_count(move, withheld, offer_u),
                partial(
                    self.narrator.commission,
                    move,
                    target,
                    com.utility(move.package),
                    com.reservation,
                    com.budget_left,
                    com.budget,
                    us.utility(move.package),
                    share,
                    withheld,
                    offer_u,
                    self.forecast(move.package) if move.action == "accept" else None,
                    self._played_by("commission"),
                ),
            )

    # phase 5 -----------------------------------------------------------------------------------------

    def _council_vote(self) -> Round:
        self.phase = "council"
        states = self.states
        package = self.agreement
        assert package is not None
        rules.check_admissible(package, self.mode, "the bloc deal")
        yes_v, no_v = states.vote_values(package, self.climate())
        noise = self.rng.normal(0.0, self.noise, states.n) if self.noise else np.zeros(states.n)
        yes = yes_v + noise > no_v

        def question(i: int) -> dict[str, Any]:
            others = self._vote(yes, package.form)
            return dict(
                prompt=self.narrator.vote_prompt(self, i, yes_v[i], no_v[i], others),
                info={
                    "yes_value": round(float(yes_v[i]), 4),
                    "alternative": round(float(no_v[i]), 4),
                    "forecast": self._vote_info(others),
                    "terms": self.space.to_real(package),
                },
                validate=seats.parse_vote,
                options=["yes", "no"],
            )

        def answer(i: int, move: VoteMove) -> None:
            yes[i] = move.yes
            if self._played_by(states.codes[i]) == BY_HUMAN:  # a person's own vote: no swing
                noise[i] = 0.0

        yield from self._ask_states(
            "vote", lambda i: VoteMove(bool(yes[i])), question, answer, live=True
        )
        vote = self._vote(yes, package.form)
        self.votes.append((self.round, vote))
        self.last_yes = yes.copy()
        if self.record_moves:
            held, paid = states.signed.tolist(), states.eu_payment.tolist()
            leaning = (states.stance == CHINA).tolist()
            for i, code in enumerate(states.codes):
                self._record_one_later(
                    code,
                    self.narrator.vote,
                    i,
                    bool(yes[i]),
                    float(yes_v[i]),
                    float(no_v[i]),
                    float(noise[i]),
                    self._played_by(code),
                    held[i],
                    leaning[i],
                    paid[i],
                )
            self._record_one_later(  # the Council's count, no seat's move
                "council",
                self.narrator.council,
                vote,
                self._vote_info(vote),
                yes,
                package.form,
                by=BY_RULES,
            )
        if not vote.passed:
            self._fail_agreement()
        elif legal_form.needs_unanimity(package.form):
            self._ratify(package, yes_v, no_v)
        elif not legal_form.needs_parliament(package.form):
            self._sign(package)

    def _record_one_later(
        self, actor: str, write: Callable[..., Entry], *args: Any, by: str | None = None
    ) -> None:
        """Record one entry of this actor, `write(*args)`, written when the log is read; `by` who
        made it (the seat's `_played_by` if None)."""
        self._record_later(actor, 1, partial(_one, write, *args), by)

    def _sign(self, package: Package) -> None:
        self.signed = package
        self.signed_round = self.round

    def _fail_agreement(self) -> None:
        self.agreement = None
        self.counter = None  # the failed package is off the table; the Commission re-drafts

    def _vote_info(self, vote: CouncilVote) -> dict[str, Any]:
        return {
            "yes_states": vote.yes_states,
            "total_states": vote.total_states,
            "states_share": round(vote.states_share, 4),
            "population_share": round(vote.population_share, 4),
            "passed": vote.passed,
            "blocking_minority": vote.blocking_minority,
            "blocking_min_states": self.rule.blocking_min_states,
        }
