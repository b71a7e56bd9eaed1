"""The legal form of an EU agreement, and who must say yes to it.

- `non_binding`: a memorandum or action plan (what was signed: the US-EU Action Plan of 24 April
  2026). The Council approves its signature by qualified majority (Case C-660/13).
- `binding`: a binding EU agreement on EU-competence issues (trade, price floors, export policy).
  Council qualified majority plus the European Parliament's consent (Art. 218(6)(a)(v) TFEU). Its
  terms on national-competence issues (stockpiles, joint projects, offtake) do not bind.
- `mixed`: binding on every issue, national competence included, so the member states are parties
  too: unanimity in the Council plus ratification by every member state (one state can veto) and
  the Parliament's consent.

How much a form is worth to an actor (decided here): a term that does not bind may not be honoured,
so it is worth `1 - binding_premium` of a binding one. An actor's value of a package is multiplied
by `1 - binding_premium x (the share of its salience on issues that do not bind)`: all of it for a
non-binding deal, the national-competence issues for a binding one, none for a mixed one. A
premium of 0 (every scenario without a `legal_form` section) leaves every value as it was.
"""

from __future__ import annotations

import numpy as np

NON_BINDING, BINDING, MIXED = "non_binding", "binding", "mixed"
FORMS = (NON_BINDING, BINDING, MIXED)

LABEL = {
    NON_BINDING: "a non-binding memorandum",
    BINDING: "a binding EU agreement",
    MIXED: "a mixed agreement",
}

RULE = {
    NON_BINDING: "qualified majority in the Council (approval of signature, Case C-660/13)",
    BINDING: "qualified majority in the Council plus the European Parliament's consent "
    "(Art. 218(6)(a)(v) TFEU)",
    MIXED: "unanimity in the Council, ratification by every member state and the European "
    "Parliament's consent (its binding terms on stockpiles, joint projects and offtake are "
    "national competence)",
}


def needs_parliament(form: str | None) -> bool:
    return form in (BINDING, MIXED)


def needs_unanimity(form: str | None) -> bool:
    return form == MIXED


def unbound_share(form: str, salience: np.ndarray, bilateral: np.ndarray) -> np.ndarray | float:
    """The share of an actor's salience (one row, or one per row) on issues the form leaves
    unbound."""
    if form == NON_BINDING:
        return np.ones(salience.shape[:-1]) if salience.ndim > 1 else 1.0
    if form == BINDING:
        return (salience * bilateral).sum(axis=-1)
    return np.zeros(salience.shape[:-1]) if salience.ndim > 1 else 0.0


def form_factors(
    premium: np.ndarray | float, salience: np.ndarray, bilateral: np.ndarray, forms: tuple
) -> dict[str, np.ndarray | float] | None:
    """{form: the share of value an actor keeps under it}, or None when nothing binds differently
    (premium 0 or a single form), so callers can skip the multiplication."""
    if np.all(np.asarray(premium) == 0) or (len(forms) < 2 and forms[0] == NON_BINDING):
        return None
    return {f: 1.0 - premium * unbound_share(f, salience, bilateral) for f in forms}
