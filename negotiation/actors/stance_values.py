"""What each member state weighs when it takes a stance (bloc, bilateral deal, China) and what
China's offers must beat: the expected values of the options, read from the one accounting of
`member_states.py` (mixed into `MemberStates`, whose arrays and memos it uses)."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import numpy as np

from negotiation.issues import Package
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, StanceContext
from negotiation.utility import clause_factor, partial_deal

if TYPE_CHECKING:
    from negotiation.actors.member_states import Climate

OPTIONS = 3  # bloc, bilateral, china: the columns a stance strategy adjusts


class StanceValues:
    """The stance side of `MemberStates`: the options' values and the stance strategies."""

    def stance_values(
        self,
        expected: Package,
        offers: dict[int, Package],
        p_bloc: float,
        c: Climate,
    ) -> np.ndarray:
        """States x (bloc, bilateral, china): each option's expected value this round, the worlds
        weighted by the chance of a bloc deal `p_bloc`.

        bloc: p x (the expected bloc deal, with promised EU funds) + (1 - p) x (no deal, with any
        US tariff threat). bilateral (if offered): the same worlds holding the US terms on the
        bilateral issues, no tariff, the risk of retaliation alone, plus the state's US alignment,
        minus the loyalty cost of breaking ranks. china (if China made an offer or a threat): the
        worlds spared China's retaliation, plus its reward, minus the loyalty cost. A threat from
        China costs its size on the bloc and bilateral tracks.
        """
        values = np.empty((self.n, OPTIONS))  # bloc and china are filled below, whole
        values[:, BILATERAL] = -np.inf
        security, ret, _ = self._climate_terms(c)
        threat, offered, reward = self._round_terms()
        terms, secured, coordination, _ = self._uniform_terms(expected)
        security = security * secured
        coordination = ret * coordination
        none = self._no_deal_now(c.tariff)
        deal = terms + security
        stay = 1 - p_bloc
        no_bloc = stay * none
        values[:, BLOC] = p_bloc * (deal - coordination + self.eu_payment) + no_bloc - threat
        if offers:
            held = self.has_deal.tolist()
            rows = sorted(i for i in offers if not held[i])
            if rows:
                b = self._bilateral_terms(rows, offers)
                over = np.empty((len(rows), expected.values.size))
                over[:] = expected.values
                over[:, b["cols"]] = b["deal_cols"]
                both = expected.clause & b["clause"]
                r = b["rows"]
                ov = (1.0 - b["w"] * (~both)) * (b["s"] * (1.0 - np.abs(over - b["pos"]))).sum(
                    axis=1
                )
                if self.form_factors is not None and expected.form is not None:
                    ov = ov * self.form_factors[expected.form][r]
                pressure_security = c.pressure * b["premium"]
                sec_ov = pressure_security * self._security(over)
                sec_alone = pressure_security * b["secured"]
                values[r, BILATERAL] = (
                    p_bloc * (ov + sec_ov - coordination[r])
                    + stay * (b["alone"] + sec_alone)
                    - ret[r] * c.isolated_retaliation
                    + b["us_alignment"]
                    - b["loyalty"]
                    - threat[r]
                )
        values[:, CHINA] = np.where(
            offered, p_bloc * deal + no_bloc + reward - self.loyalty, -np.inf
        )
        return values

    def _no_deal_now(self, tariff: float) -> np.ndarray:
        """Each state's walk-away less any US tariff threat (memoised for the turn)."""
        key = ("none", tariff)
        none = self._memo.get(key)
        if none is None:
            none = self._memo[key] = self.reservation - tariff * self.tariff
        return none

    def _bilateral_terms(self, rows: list[int], offers: dict[int, Package]) -> dict:
        """The parts of the bilateral option that depend only on the offers (memoised while
        the same offer objects stand)."""
        packages = tuple(map(offers.__getitem__, rows))
        key = ("bilateral", tuple(rows), tuple(map(id, packages)))
        hit = self._fixed.get(key)
        if hit is not None and all(map(operator.is_, hit[0], packages)):
            return hit[1]
        r = np.array(rows, dtype=int)
        deals = np.array([offers[i].values for i in rows])
        clause = np.array([offers[i].clause for i in rows])
        s, pos, w = self.salience[r], self.position[r], self.clause_weight[r]
        cols = self._constants()["bilateral"]
        b = {
            "rows": r,
            "cols": cols,
            "deal_cols": deals[:, cols],
            "clause": clause,
            "s": s,
            "pos": pos,
            "w": w,
            "alone": (1.0 - w * (~clause))
            * partial_deal(deals, pos, s, self.bilateral_mask, self.reservation[r]),
            "secured": self._security(np.where(self.bilateral_mask, deals, 0.0)),
            "premium": self.security_premium[r],
            "us_alignment": self.us_alignment[r],
            "loyalty": self.loyalty[r],
        }
        self._fixed[key] = (packages, b)
        return b

    def china_vote_gap(self, expected: Package, c: Climate) -> np.ndarray:
        """For each state leaning to China, how much more a yes to the expected deal is worth to it
        than a no before any reward (a reward must beat this to buy its no vote)."""
        everyone = np.ones(self.n, dtype=bool)
        yes = self.bloc_world(expected, c, spared=everyone)
        return np.maximum(0.0, yes - self.no_bloc_world(c, leaning=everyone))

    def china_base(self, expected: Package, p_bloc: float, c: Climate) -> np.ndarray:
        """Each state's value for leaning to China before any reward: spared China's retaliation,
        minus the loyalty cost (what China's offers must beat the US track from)."""
        _, secured, _, spatial = self._uniform_terms(expected)
        terms = clause_factor(expected.clause, self.clause_weight, True) * spatial
        security = c.pressure * self.security_premium * secured  # the same for every state
        none = self._no_deal_now(c.tariff)
        return p_bloc * (terms + security) + (1 - p_bloc) * none - self.loyalty

    def choose(self, values: np.ndarray, c: Climate) -> tuple[np.ndarray, np.ndarray]:
        """Each state's chosen stance (bloc, bilateral or china) and the values as its strategy
        saw them."""
        seen = np.empty_like(values)
        cost = self._climate_terms(c)[1]  # China's retaliation (`retaliation`, memoised)
        for strategy, rows in self.groups:
            ctx = StanceContext(pressure_cost=cost[rows], us_alignment=self.us_alignment[rows])
            seen[rows] = strategy.adjust(values[rows], ctx)
        return np.argmax(seen, axis=1), seen
