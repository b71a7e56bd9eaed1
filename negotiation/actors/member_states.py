"""The member states: each a Mesa agent, all evaluated at once with numpy (states x issues).

This file holds what a member state weighs. One accounting values every world a state can end
in, and the stance, the vote and the outcome all read it (docs/game.md, "One accounting"):

- a bloc deal B signed: its terms, except that a state holding a bilateral deal keeps its national
  terms on the bilateral issues (they stand beside the EU agreement); plus supply security
  (China's pressure x the state's security premium x the security terms); minus China's
  retaliation against a deal that coordinates against it (pressure x exposure x leverage x
  coordination; states leaning to China are spared); plus EU funds promised for a yes vote;
- no bloc deal: its bilateral deal (issues it does not cover at the walk-away level) or its
  walk-away; plus the deal's supply security; minus a US tariff threat if it has no deal with the
  US; plus China's reward if it leans to China;
- a bilateral signer also risks China's retaliation against a state alone (`isolated_retaliation`)
  in both worlds.
The stance weighs the two worlds by the chance of a bloc deal the state sees (`p_bloc`); its
options are valued in `stance_values.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

from negotiation.actors.stance_values import StanceValues
from negotiation.actors.state_table import state_table
from negotiation.issues import Package
from negotiation.per_spec import shared
from negotiation.strategies import make_strategy
from negotiation.strategies.member_states import (
    BLOC,
    CHINA,
    CONDITIONAL,
    STANCES,
)
from negotiation.utility import clause_factor, partial_deal

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel

_ROUND_STATE = frozenset({"stance", "inducement", "eu_payment", "ask", "tariff"})
"""Attributes that change every round: assigning one clears `_memo` but keeps `_fixed`."""


@dataclass(frozen=True, slots=True)
class Climate:
    """The forces of the round that every valuation needs: China's pressure and what it bites,
    and the size of a US tariff threat."""

    pressure: float
    leverage: float
    tariff: float
    isolated_retaliation: float
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A climate keys many memos within a round: its hash is computed once.
        fields = (self.pressure, self.leverage, self.tariff, self.isolated_retaliation)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        return self._hash


class MemberState(mesa.Agent):
    """One member state. Its numbers live in the `MemberStates` arrays at row `index`."""

    def __init__(self, model: NegotiationModel, index: int, code: str, name: str, population: int):
        super().__init__(model)
        self.index = index
        self.id = code
        self.name = name
        self.population = population

    @property
    def stance(self) -> str:
        return STANCES[self.model.states.stance[self.index]]

    @property
    def bilateral_deal(self) -> Package | None:
        return self.model.states.deals.get(self.index)


class MemberStates(StanceValues):
    """The member states' parameters and state as arrays, plus their agents.

    Values that do not change within a turn (the world without a bloc deal, the two worlds of a
    package already valued) are memoised in `_memo`, which assigning any attribute clears; values
    that change only when a state signs (per-game constants, the terms without a bloc deal) in
    `_fixed`, which assigning any attribute but the round's state clears. `sign` clears both.
    Arrays handed out from the memo are read-only."""

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        object.__setattr__(self, "_memo", {})
        if name not in _ROUND_STATE:
            object.__setattr__(self, "_fixed", {})

    def __init__(self, model: NegotiationModel):
        space = model.space
        t = state_table(model.spec, space)
        self.codes = list(t.codes)
        self.names = list(t.names)
        self.population = t.population
        self.share = t.share
        self.position = t.position
        self.salience = t.salience
        self.reservation = t.reservation
        self.exposure = t.exposure
        self.us_alignment = t.us_alignment
        self.loyalty = t.loyalty
        self.territorial_salience = t.territorial_salience
        self.security_premium = t.security_premium
        self.binding_premium = t.binding_premium
        self.form_factors = t.form_factors
        """{legal form: the share of its value each state keeps}, or None (forms change nothing)."""
        self.clause_weight = t.clause_weight
        self.bilateral_mask = space.bilateral_mask
        self.security_mask = space.security_mask
        self.china_mask = space.china_mask
        self.strategy_names = list(t.strategy_names)
        self.groups = shared(
            model.spec,
            "stance_strategies",
            lambda: [
                (make_strategy("member_state", name, params), rows)
                for name, params, rows in t.groups
            ],
        )
        """(strategy, rows) per distinct strategy (stateless: shared by the scenario's games)."""
        self.n = len(self.codes)
        k = len(space)
        self.stance = np.full(self.n, BLOC, dtype=int)
        self.inducement = np.zeros(self.n)
        """China's offer this round: a reward (> 0) or a threat (< 0)."""
        self.eu_payment = np.zeros(self.n)
        """EU funds the Commission has promised each state for its yes vote (cumulative)."""
        self.ask = np.zeros(self.n)
        """What a state backing the bloc on a condition asks the Commission for."""
        self.tariff = np.zeros(self.n, dtype=bool)
        """States the US threatens with tariffs if they end with no deal with it."""
        self.has_deal = np.zeros(self.n, dtype=bool)
        self.deal_values = np.zeros((self.n, k))
        self.deal_clause = np.ones(self.n, dtype=bool)
        self.deals: dict[int, Package] = {}
        self.deal_round: dict[int, int] = {}
        self.agents = [
            MemberState(model, i, c, nm, int(p))
            for i, (c, nm, p) in enumerate(
                zip(self.codes, self.names, self.population, strict=True)
            )
        ]
        self.index = {c.upper(): i for i, c in enumerate(self.codes)}

    # --- state changes -----------------------------------------------------------------------------

    def sign(self, rows: np.ndarray, deals: dict[int, Package], round_: int) -> None:
        """These states sign their US bilateral deal (final: a signed deal stays)."""
        if not len(rows):
            return  # nothing changes (and the memoised values stand)
        for i in rows.tolist():
            deal = deals[i]
            self.deals[i] = deal
            self.deal_round[i] = round_
            self.has_deal[i] = True
            self.deal_values[i] = deal.values
            self.deal_clause[i] = deal.clause
        self.tariff[rows] = False  # the US withdraws its threat against a state that signs
        self._memo = {}
        self._fixed = {}

    @property
    def signed(self) -> np.ndarray:
        return self.has_deal

    @property
    def behind(self) -> np.ndarray:
        """States behind the Commission: the bloc stance, or the bloc on a condition."""
        return (self.stance == BLOC) | (self.stance == CONDITIONAL)

    def share_behind(self) -> float:
        share = self._memo.get("share_behind")
        if share is None:
            share = self._memo["share_behind"] = float(self.share[self.behind].sum())
        return share

    # --- one accounting --------------------------------------------------------------------------------

    def _constants(self) -> dict:
        """Per-game constants: the clause factors with the clause in and out, the columns of
        the bilateral, security and China issues, and the signed states' bilateral terms."""
        memo = self._fixed
        k = memo.get("constants")
        if k is None:
            rows = np.nonzero(self.has_deal)[0]
            bil = np.nonzero(self.bilateral_mask)[0]
            k = {
                "factor_in": clause_factor(np.ones(self.n, bool), self.clause_weight, True),
                "factor_out": clause_factor(np.zeros(self.n, bool), self.clause_weight, True),
                "security": np.nonzero(self.security_mask)[0],
                "china": np.nonzero(self.china_mask)[0],
                "bilateral": np.nonzero(self.bilateral_mask)[0],
                "deal_rows": rows,
                "deal_cells": np.ix_(rows, bil),
                "deal_terms": self.deal_values[rows][:, self.bilateral_mask],
                "any_deal": rows.size > 0,
            }
            memo["constants"] = k
        return k

    def _climate_terms(self, c: Climate) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pressure x security premium, retaliation, retaliation against a state alone)."""
        key = ("climate", c)
        terms = self._memo.get(key)
        if terms is None:
            ret = self.retaliation(c)
            terms = (
                c.pressure * self.security_premium,
                ret,
                ret * c.isolated_retaliation * self.has_deal,
            )
            self._memo[key] = terms
        return terms

    def _terms_and_factor(self, bloc: Package) -> tuple[np.ndarray, np.ndarray]:
        """`_terms_under`, with the clause already turned into each state's clause factor (for
        when some state holds a bilateral deal)."""
        k = self._constants()
        x = np.empty((self.n, bloc.values.size))
        x[:] = bloc.values
        x[k["deal_cells"]] = k["deal_terms"]
        clause = np.where(self.has_deal, bloc.clause & self.deal_clause, bloc.clause)
        return x, self._with_form(np.where(clause, k["factor_in"], k["factor_out"]), bloc.form)

    def _with_form(self, factor: np.ndarray, form: str | None) -> np.ndarray:
        """A clause factor times the share each state keeps under the bloc deal's legal form."""
        if self.form_factors is None or form is None:
            return factor
        return factor * self.form_factors[form]

    def _uniform_factor(self, clause: bool, form: str | None) -> np.ndarray:
        """Each state's clause factor times the share it keeps under the form, for a package
        whose terms every state shares (memoised per clause and form)."""
        key = ("factor", clause, form)
        factor = self._fixed.get(key)
        if factor is None:
            k = self._constants()
            factor = self._fixed[key] = self._with_form(
                k["factor_in"] if clause else k["factor_out"], form
            )
        return factor

    def _terms_under(self, bloc: Package) -> tuple[np.ndarray, np.ndarray]:
        """Each state's terms (rows) and clause if the bloc deal is signed: its bilateral terms
        stand on the bilateral issues, the bloc's everywhere else."""
        k = self._constants()
        x = np.empty((self.n, bloc.values.size))
        x[:] = bloc.values
        if k["any_deal"]:
            x[k["deal_cells"]] = k["deal_terms"]
        clause = np.where(self.has_deal, bloc.clause & self.deal_clause, bloc.clause)
        return x, clause

    def _spatial(self, x: np.ndarray) -> np.ndarray:
        """Each state's salience-weighted closeness to terms x (one row per state, or one row
        for all); `np.add.reduce` is what `sum` calls."""
        return np.add.reduce(self.salience * (1.0 - np.abs(x - self.position)), axis=1)

    def _security(self, x: np.ndarray) -> np.ndarray:
        """How much a set of terms secures supply (0..1): the mean of its security terms (the
        sum over the columns divided by their count, as `mean` does), for one row of terms
        (a number) or one row per state."""
        cols = self._constants()["security"]
        if not cols.size:
            return np.zeros(x.shape[:-1])[()]
        return np.add.reduce(x[..., cols], axis=-1) / cols.size

    def deal_utility(self, package: Package) -> np.ndarray:
        """Every state's utility for a package's terms on all issues (clause as the mode says)."""
        x = package.values[None, :]
        return clause_factor(package.clause, self.clause_weight, True) * self._spatial(x)

    def bilateral_utility(self, package: Package) -> np.ndarray:
        """Every state's utility for a bilateral package alone (uncovered issues at walk-away)."""
        return clause_factor(package.clause, self.clause_weight, True) * partial_deal(
            package.values, self.position, self.salience, self.bilateral_mask, self.reservation
        )

    def terms_utilities(self, x: np.ndarray, clause: np.ndarray) -> np.ndarray:
        """Every state's utility for the terms it ends with (row i of x, its clause i; the clause
        counted as the mode says): one dot product per state, as for a single state."""
        weighted = (1.0 - self.clause_weight * ~clause)[:, None] * self.salience
        closeness = 1.0 - np.abs(x - self.position)
        return np.array([float(w @ d) for w, d in zip(weighted, closeness, strict=True)])

    def no_deal_terms_utility(self, i: int) -> float:
        """State i's utility with no bloc deal: its bilateral deal, or its walk-away."""
        if not self.has_deal[i]:
            return float(self.reservation[i])
        factor = 1.0 - self.clause_weight[i] * (not self.deal_clause[i])
        return float(
            factor
            * partial_deal(
                self.deal_values[i],
                self.position[i],
                self.salience[i],
                self.bilateral_mask,
                self.reservation[i],
            )
        )

    def coordination(self, bloc: Package) -> float:
        cols = self._constants()["china"]
        if not cols.size:
            return 0.5
        return float(np.add.reduce(bloc.values[cols]) / cols.size)

    def retaliation(self, c: Climate) -> np.ndarray:
        """China's retaliation per unit of coordination: pressure x exposure x leverage."""
        return c.pressure * self.exposure * c.leverage

    def bloc_world(
        self, bloc: Package, c: Climate, pay: bool = True, spared: np.ndarray | None = None
    ) -> np.ndarray:
        """Every state's value if this bloc deal is signed (with EU funds if `pay`). China spares
        the states leaning to it (`spared`: those, unless given)."""
        if self._constants()["any_deal"]:
            x, factor = self._terms_and_factor(bloc)
            terms, secured = factor * self._spatial(x), self._security(x)
            coordination = self.coordination(bloc)
        else:  # every state's terms are the bloc's
            terms, secured, coordination, _ = self._uniform_terms(bloc)
        security, ret, alone = self._climate_terms(c)
        if spared is None:  # the states leaning to China (0 x the coordination is 0, as spared)
            retaliation = self._unspared(c, ret) * coordination
        else:
            retaliation = np.where(spared, 0.0, ret * coordination)
        value = terms + security * secured - retaliation - alone
        return value + self.eu_payment if pay else value

    def _unspared(self, c: Climate, ret: np.ndarray) -> np.ndarray:
        """China's retaliation per unit of coordination, 0 for the states leaning to it
        (memoised for the turn)."""
        key = ("unspared", c)
        unspared = self._memo.get(key)
        if unspared is None:
            unspared = self._memo[key] = np.where(self.stance == CHINA, 0.0, ret)
        return unspared

    def no_bloc_world(self, c: Climate, leaning: np.ndarray | None = None) -> np.ndarray:
        """Every state's value if no bloc deal is signed; China's reward goes to the states
        leaning to it (`leaning`: those, unless given). Memoised (read-only) until the states
        change."""
        key = ("no_bloc", c, None if leaning is None else leaning.tobytes())
        value = self._memo.get(key)
        if value is not None:
            return value
        if leaning is None:
            leaning = self.stance == CHINA
        terms, security = self._no_deal_terms()
        pressure_security, _, alone = self._climate_terms(c)
        value = (
            terms
            + pressure_security * security
            - alone
            - c.tariff * (self.tariff & ~self.has_deal)
            + np.where(leaning, self._round_terms()[2], 0.0)
        )
        value.flags.writeable = False
        self._memo[key] = value
        return value

    def _no_deal_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """Each state's terms with no bloc deal (its bilateral deal or its walk-away) and the
        supply security of its bilateral deal."""
        terms = self._fixed.get("no_deal_terms")
        if terms is None:
            covered = np.where(self.has_deal[:, None], self.deal_values, 0.0)
            own = clause_factor(self.deal_clause, self.clause_weight, True) * partial_deal(
                self.deal_values,
                self.position,
                self.salience,
                self.bilateral_mask,
                self.reservation,
            )
            terms = (
                np.where(self.has_deal, own, self.reservation),
                np.where(
                    self.has_deal, self._security(np.where(self.bilateral_mask, covered, 0.0)), 0.0
                ),
            )
            self._fixed["no_deal_terms"] = terms
        return terms

    def vote_values(self, bloc: Package, c: Climate) -> tuple[np.ndarray, np.ndarray]:
        """(value of yes, value of no) for every state: the two worlds of the one accounting.
        Memoised (read-only) per package and climate until the states change."""
        key = ("vote", bloc.values.tobytes(), bloc.clause, bloc.form, c)
        values = self._memo.get(key)
        if values is None:
            yes = self.bloc_world(bloc, c)
            yes.flags.writeable = False
            values = (yes, self.no_bloc_world(c))
            self._memo[key] = values
        return values

    def _round_terms(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """China's offers this round: the size of each threat, which states it made an offer or
        a threat, and each reward (memoised for the turn)."""
        terms = self._memo.get("round")
        if terms is None:
            inducement = self.inducement
            terms = self._memo["round"] = (
                -np.minimum(inducement, 0.0),
                inducement != 0,
                np.maximum(inducement, 0.0),
            )
        return terms

    def _uniform_terms(self, package: Package) -> tuple[np.ndarray, float, float, np.ndarray]:
        """Every state's utility for a package's terms on all issues (clause and form as the
        mode says), the package's supply security (the same for every state), its coordination
        against China and the spatial utility before the clause and form; memoised per
        package."""
        key = ("uniform", package.values.tobytes(), package.clause, package.form)
        terms = self._fixed.get(key)
        if terms is None:
            values = package.values  # each state's terms: the package's (broadcast)
            factor = self._uniform_factor(package.clause, package.form)
            spatial = self._spatial(values)
            terms = self._fixed[key] = (
                factor * spatial,
                self._security(values),
                self.coordination(package),
                spatial,
            )
        return terms
