"""Utilities: how much an actor likes a package.

Spatial and additive (GAME.md, "Utility"): on each issue an actor gets 1 at its ideal position,
falling linearly with distance, and the issues are weighted by its saliences (which sum to 1), so a
spatial utility is always in [0, 1]. The territorial clause scales that utility: an actor that
wants the clause keeps a share `1 - weight` of it when the clause is missing; the US, which pays for
conceding the clause, keeps `1 - territorial_ambition` when it is in. Multiplying keeps utilities
in [0, 1] and keeps the trade-off on the issues exact for each value of the clause.

All functions take numpy arrays and work for one actor (positions of shape (n,)) or many at once
(shape (k, n)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negotiation.issues import DealSpace


def spatial(x: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray | float:
    """Salience-weighted closeness of x to the ideal position, in [0, 1]."""
    if salience.ndim == 1:  # one actor: a dot product is the fast path
        return float(salience @ (1.0 - np.abs(x - position)))
    return (salience * (1.0 - np.abs(x - position))).sum(axis=-1)


def partial_deal(
    x: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    covered: np.ndarray,
    reservation: np.ndarray | float,
) -> np.ndarray | float:
    """Spatial utility of a deal that covers only some issues (a bilateral deal).

    Issues the deal does not cover are worth the actor's reservation level, as if it walked away
    on them.
    """
    inside = (salience * covered * (1.0 - np.abs(x - position))).sum(axis=-1)
    outside = (salience * ~covered).sum(axis=-1)
    return inside + outside * reservation


def clause_factor(
    clause: bool, weight: np.ndarray | float, wants_clause: bool
) -> np.ndarray | float:
    """The share of spatial utility an actor keeps, given the clause and how much it cares."""
    return 1.0 - weight * (clause != wants_clause)


@dataclass(frozen=True, slots=True)
class Side:
    """One bargaining side's preferences: ideal, saliences, and its stake in the clause."""

    position: np.ndarray
    salience: np.ndarray
    clause_weight: float
    wants_clause: bool
    reservation: float
    forms: dict[str, float] | None = None
    """The share of value kept under each legal form (`legal_form.form_factors`); None: the
    form changes nothing."""

    def utility(self, x: np.ndarray, clause: bool, form: str | None = None) -> float:
        return self.factor(clause, form) * float(self.salience @ (1.0 - np.abs(x - self.position)))

    def factor(self, clause: bool, form: str | None = None) -> float:
        f = 1.0 - self.clause_weight * (clause != self.wants_clause)
        if self.forms is not None and form is not None:
            return f * self.forms[form]
        return f

    def partial_utility(self, x: np.ndarray, clause: bool, covered: np.ndarray) -> float:
        """Utility of a deal covering only the `covered` issues (see `partial_deal`)."""
        return self.factor(clause) * float(
            partial_deal(x, self.position, self.salience, covered, self.reservation)
        )

    @classmethod
    def from_prefs(
        cls, space: DealSpace, prefs: Any, clause_weight: float, wants_clause: bool
    ) -> Side:
        """A side from a scenario actor's `position` (real units), `salience` and `reservation`."""
        return cls(
            position=space.from_real(prefs.position, False).values,
            salience=np.array([prefs.salience[i] for i in space.ids]),
            clause_weight=clause_weight,
            wants_clause=wants_clause,
            reservation=prefs.reservation,
        )
