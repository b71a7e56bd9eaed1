"""What every side can see of the table (the climate, the expected package, how close the two
sides are, the chance of a bloc deal) and the Commission's cautious forecasts (the Council vote,
national ratification, the Parliament's consent): mixed into `NegotiationModel`."""

from __future__ import annotations

import math

import numpy as np

from negotiation import legal_form
from negotiation.actors.member_states import Climate
from negotiation.council import CouncilVote, VoteCounter
from negotiation.issues import Package
from negotiation.phases import PERSON_TARIFF


class Views:
    """The model's views of the table, read by the actors' turns."""

    def climate(self, pressure: float | None = None) -> Climate:
        china = self.china
        fields = (
            china.pressure if pressure is None else pressure,
            china.leverage,
            self.us.tariff_size or PERSON_TARIFF,
            china.isolated_retaliation,
        )
        last = self._climate
        if last is None or last[0] != fields:  # the same climate object while nothing changes
            last = self._climate = (fields, Climate(*fields))
        return last[1]

    def expected_package(self) -> Package:
        """What the states expect the bloc to get: the middle of the US offer and the Commission's
        standing position (its counter-offer, or its mandate before it has made one)."""
        if self.agreement is not None:
            return self.agreement
        position = self.counter or Package(
            self.commission.mandate_position, True, self.commission.forms[0]
        )
        if self.us_offer is None:
            return position
        return Package((self.us_offer.values + position.values) / 2, position.clause, position.form)

    def closeness(self) -> float:
        """1 minus the mean gap between the US offer and the Commission's standing position."""
        if self.us_offer is None:
            return 0.0
        memo = self._closeness
        if memo is not None and memo[0] is self.us_offer and memo[1] is self.counter:
            return memo[2]
        standing = self.counter.values if self.counter else self.commission.mandate_position
        gap = np.abs(self.us_offer.values - standing)
        value = float(1 - np.add.reduce(gap) / gap.size)  # the mean, as `mean` computes it
        self._closeness = (self.us_offer, self.counter, value)  # until either package changes
        return value

    def p_bloc(self) -> float:
        """The chance of a bloc deal every state sees: the population share behind the
        Commission, discounted while the two sides are far apart."""
        return self.states.share_behind() * (0.5 + 0.5 * self.closeness())

    def offers_now(self) -> dict[int, Package]:
        signed = self.states.signed
        return {i: p for i, p in self.bilateral_offers.items() if not signed[i]}

    def us_walkaway(self) -> float:
        return self.us.walkaway(self.states.share, self.states.deals)

    def us_value(self, package: Package) -> float:
        return self.us.bloc_value(package, self.states.share, self.states.deals)

    def forecast(self, package: Package, pay: np.ndarray | None = None) -> CouncilVote:
        """The Council vote the Commission expects from today's stances. It is cautious: it
        counts a state as a yes only if the state prefers the deal by more than the day-to-day
        swing of its judgement (the scenario's `noise`, which every side knows)."""
        yes, no = self.commission_view_of_votes(package)
        if pay is not None:
            yes = yes + pay
        return self._vote(yes > no, package.form)

    def would_pass(self, package: Package) -> bool:
        """Would the package pass, as the cautious Commission reads it: the Council by its
        form's rule (`forecast`), national ratification and the Parliament's consent where the
        form needs them."""
        yes, no = self.states.vote_values(package, self.climate())
        unanimity = legal_form.needs_unanimity(package.form)
        return (
            self._counter(package.form).passes(yes - self.noise > no)
            and (not unanimity or self._ratifies(yes, no))
            and self.parliament_would_consent(package)
        )

    def ratification_expected(self, package: Package) -> bool:
        """For a mixed agreement: is it more likely than not that every state's parliament
        ratifies it? Each ratifies when its yes value plus a fresh swing (normal, sd `noise`)
        beats its no value; the chance that all do is the product of their chances."""
        if not legal_form.needs_unanimity(package.form):
            return True
        return self._ratifies(*self.states.vote_values(package, self.climate()))

    def _ratifies(self, yes: np.ndarray, no: np.ndarray) -> bool:
        """`ratification_expected` from the states' (yes, no) values."""
        if self.noise == 0:
            return bool(np.all(yes > no))
        z = ((yes - no) / (self.noise * math.sqrt(2.0))).tolist()
        return math.prod(0.5 * (1.0 + math.erf(v)) for v in z) >= 0.5

    def parliament_would_consent(self, package: Package) -> bool:
        if not legal_form.needs_parliament(package.form):
            return True
        return self.parliament is not None and self.parliament.forecast(package, self.noise)

    def commission_view_of_votes(self, package: Package) -> tuple[np.ndarray, np.ndarray]:
        """(yes, no) values as the cautious Commission reads them: yes less one swing."""
        yes, no = self.states.vote_values(package, self.climate())
        return yes - self.noise, no

    def _vote(self, yes: np.ndarray, form: str | None = None) -> CouncilVote:
        """Count a Council vote by the rule the legal form sets (unanimity for a mixed
        agreement, qualified majority otherwise)."""
        return self._counter(form)(yes)

    def _counter(self, form: str | None) -> VoteCounter:
        """The vote counter of the rule the legal form sets."""
        return self._count_unanimous if legal_form.needs_unanimity(form) else self._count_votes
