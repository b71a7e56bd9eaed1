"""The sentences of the Commission's turn, the member states' votes and the Council's result.

`CouncilSentences` is a part of `narrate.Narrator` (it uses the narrator's names, codes, legal
forms and its memoised `describe` and `real`); it is kept here so that each module stays short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from negotiation import legal_form
from negotiation.moves import BY_HUMAN
from negotiation.narrate_parts import (
    Entry,
    apart,
    entry,
    names_list,
    played_for,
    round4,
    signed,
    target_of,
)

if TYPE_CHECKING:
    from negotiation.council import CouncilVote
    from negotiation.model import NegotiationModel
    from negotiation.moves import CommissionMove, Withheld


def _withheld_reason(w: Withheld) -> str:
    """Why the Commission held back an offer that met its target, in words."""
    if w.reason == "parliament":
        return (
            "the European Parliament would not consent to it (its procedure is suspended, or "
            "the agreement is worth less to it than its walk-away)."
        )
    if w.reason == "ratification":
        return (
            "a mixed agreement needs every member state's ratification, and the chance that all "
            "ratify it is below one half."
        )
    no = (
        f" {names_list(w.blockers)} would vote no, and a mixed agreement needs every state."
        if w.blockers
        else ""
    )
    return f"the Council would not pass it. {w.vote.explain()}{no}"


class CouncilSentences:
    """The Commission's, the votes' and the Council's sentences of a `Narrator`."""

    names: list[str]
    codes: list[str]
    forms: tuple[str, ...]

    # --- the Commission ----------------------------------------------------------------------------

    def commission_count(
        self, move: CommissionMove, withheld: Withheld | None, offer_u: float | None
    ) -> int:
        """How many entries `commission` writes for this move."""
        paid = int(bool((np.asarray(move.payments) > 0).any()))
        if move.action == "accept":
            return paid + 1
        return paid + int(withheld is not None and offer_u is not None) + 1

    def commission(
        self,
        move: CommissionMove,
        target: float,
        u: float,
        reservation: float,
        budget_left: float,
        budget: float,
        us_u: float,
        share: float,
        withheld: Withheld | None,
        offer_u: float | None,
        forecast: CouncilVote | None,
        by: str,
    ) -> list[Entry]:
        """The Commission's turn: its promises of EU funds, then its acceptance (with the vote it
        forecast) or its counter-offer. Takes numbers only, so it can be written later."""
        out = []
        note = played_for(by)
        pay = np.asarray(move.payments)
        if (pay > 0).any():
            paid = np.nonzero(pay > 0)[0]
            out.append(
                entry(
                    "payments",
                    "The Commission promises EU funds for a yes vote: "
                    + ", ".join(f"{self.names[i]} {pay[i]:.3f}" for i in paid)
                    + f" ({budget_left:.3f} left of {budget:.3f}).{note}",
                    {self.codes[i]: pay[i] for i in paid},
                )
            )
        terms = {"terms": self.real(move.package)}
        if move.action == "accept":
            assert forecast is not None
            out.append(
                entry(
                    "accept",
                    f"The Commission accepts the US offer: worth {u:.2f} to it against "
                    f"{target_of(by, 'a ')} of {target:.2f} (its walk-away "
                    f"{reservation:.2f}); it expects "
                    f"{forecast.yes_states} of {forecast.total_states} states with "
                    f"{forecast.population_share:.0%} of the population to vote yes.{note}",
                    {
                        "utility": u,
                        "target": target,
                        "walkaway": reservation,
                        "forecast_states": forecast.states_share,
                        "forecast_population": forecast.population_share,
                    },
                    u - target,
                    terms,
                )
            )
            return out
        if withheld is not None and offer_u is not None:
            out.append(
                entry(
                    "withhold",
                    f"The US offer meets the Commission's target ({offer_u:.2f} against "
                    f"{target:.2f}) but " + _withheld_reason(withheld) + note,
                    {"utility": offer_u, "target": target},
                )
            )
        why_not = (
            f" The US offer is worth only {offer_u:.2f} to it."
            if offer_u is not None and withheld is None
            else ""
        )
        out.append(
            entry(
                "counter",
                f"The Commission counter-offers: {self.describe(move.package)}. Worth "
                f"{u:.2f} to it ({target_of(by)} {target:.2f}, walk-away {reservation:.2f} with "
                f"{share:.0%} of the population behind it) and {us_u:.2f} to the US.{why_not}{note}",
                {
                    "utility": u,
                    "target": target,
                    "reservation": reservation,
                    "us_utility": us_u,
                },
                None if offer_u is None else target - offer_u,
                terms,
            )
        )
        return out

    # --- the Council -------------------------------------------------------------------------------

    def vote_prompt(
        self, m: NegotiationModel, i: int, yes: float, no: float, others: CouncilVote
    ) -> str:
        return (
            f"Round {m.round}: the Council votes on {self.describe(m.agreement)}.\n"
            f"For you: yes {yes:.2f}, no {no:.2f}.\nAs the others lean: {others.explain()}"
        )

    def vote(
        self,
        i: int,
        yes: bool,
        yes_v: float,
        no_v: float,
        noise: float,
        by: str,
        holds_deal: bool,
        leaning_china: bool,
        pay: float,
    ) -> Entry:
        """A vote with every term that decided it: the deal's value (EU funds included), the
        value of no deal, and the day's swing; a person's own vote only its values."""
        name = self.names[i]
        word = "yes" if yes else "no"
        numbers = {"yes": yes_v, "alternative": no_v, "noise": noise, "eu_payment": pay}
        if by == BY_HUMAN:
            return entry(
                f"vote_{word}",
                f"{name} votes {word} (a person's vote; the deal was worth {yes_v:.2f} to it, "
                f"no deal {no_v:.2f}).",
                numbers,
            )
        without = (
            "its bilateral deal alone"
            if holds_deal
            else "China's reward"
            if leaning_china
            else "no deal"
        )
        funds = f" including {pay:.4g} in EU funds" if pay > 0 else ""
        d = apart(yes_v, no_v)
        shown = abs(round4(noise)) >= 0.005  # as the move's numbers show it
        size = signed(noise) if abs(noise) >= 0.005 else f"{noise:+.3f}"  # never a swing of 0.00
        swing = f", and the day's swing of {size} " if shown else " "
        tipped = "tipped it" if shown and ((yes_v > no_v) != yes) else "did not change it"
        text = f"{name} votes {word}: the package is worth {yes_v:.{d}f} to it{funds} against {no_v:.{d}f} for {without}"
        text += (f"{swing}{tipped}." if shown else ".") + played_for(by)
        return entry(f"vote_{word}", text, numbers, abs(yes_v + noise - no_v))

    def council(
        self, vote: CouncilVote, info: dict, yes: np.ndarray, form: str | None = None
    ) -> Entry:
        rule = (
            f" The rule: {legal_form.RULE[form]}, because the deal is {legal_form.LABEL[form]}."
            if len(self.forms) > 1 and form is not None
            else ""
        )
        return entry(
            "council_vote",
            vote.explain() + rule,
            {k: v for k, v in info.items() if isinstance(v, int | float)},
            detail={"yes": [c for c, y in zip(self.codes, yes, strict=True) if y]},
        )
