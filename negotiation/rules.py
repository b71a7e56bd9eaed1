"""The rules of the game in one place: what a deal may contain, the mandate, and the outcome.

Everything here is a plain function of numbers; the actors and the round (`model.py`) call these
rather than restating them. The Council's qualified majority is in `council.py`.
"""

from __future__ import annotations

import numpy as np

from negotiation.council import QmvRule, can_block
from negotiation.issues import DealSpace, Package
from negotiation.moves import IllegalMove

OUTCOME_TYPES = ("bloc_deal", "bloc_deal_with_defections", "bilateral_patchwork", "no_deal")


# --- the territorial-integrity constraint ---------------------------------------------------------


def check_admissible(package: Package, mode: str, what: str = "a deal") -> None:
    """Refuse a package the constraint forbids: under `hard`, no deal without the clause."""
    if mode == "hard" and not package.clause:
        raise IllegalMove(
            f"{what} must include the territorial-integrity clause: the constraint is 'hard' "
            "(no deal, bloc or bilateral, may be signed without it)."
        )


def is_admissible(package: Package, mode: str) -> bool:
    return mode != "hard" or package.clause


def clause_options(mode: str, red_line: bool) -> tuple[bool, ...]:
    """The clause values a bloc package may take (hard mode or a mandate red line: clause in)."""
    return (True,) if mode == "hard" or red_line else (False, True)


def frames(clause_values: tuple[bool, ...], forms: tuple[str, ...]) -> tuple[tuple[bool, str], ...]:
    """The (clause, legal form) pairs a bloc package may take."""
    return tuple((c, f) for c in clause_values for f in forms)


def clause_weight_for_states(mode: str, territorial_salience: np.ndarray) -> np.ndarray:
    """How much of its utility a state loses when the clause is missing (only in `soft` mode;
    in `hard` mode it is never missing, in `off` mode nobody in the EU counts it)."""
    return territorial_salience if mode == "soft" else np.zeros_like(territorial_salience)


# --- bilateral deals ------------------------------------------------------------------------------


def check_bilateral_terms(space: DealSpace, terms: dict[str, float]) -> None:
    """A member state may only agree the issues the scenario marks bilateral (Art. 3(1)(e), 207 TFEU
    make trade and export policy EU competence)."""
    allowed = [i.id for i in space.issues if i.bilateral]
    for key in terms:
        if key in space.index and not space.issues[space.index[key]].bilateral:
            raise IllegalMove(
                f"{key} is not a bilateral issue: a member state cannot sign it alone "
                f"(EU competence). Bilateral issues: {', '.join(allowed)}."
            )


# --- the mandate ----------------------------------------------------------------------------------


def compromise_mandate(
    positions: np.ndarray, saliences: np.ndarray, populations: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The Commission's mandate by the compromise model (DEU studies, Thomson et al. 2006).

    On each issue the position is the mean of the states' positions weighted by population times
    salience; the salience is the population-weighted mean salience (so it still sums to 1).
    """
    weights = populations[:, None] * saliences
    total = weights.sum(axis=0)
    mean = (positions * populations[:, None]).sum(axis=0) / populations.sum()
    position = np.where(
        total > 0, (weights * positions).sum(axis=0) / np.maximum(total, 1e-300), mean
    )
    salience = (saliences * populations[:, None]).sum(axis=0) / populations.sum()
    return position, salience / salience.sum()


def clause_red_line(
    territorial_salience: np.ndarray, populations: np.ndarray, rule: QmvRule, threshold: float
) -> bool:
    """The clause is a red line of the mandate when the states holding it as one (salience at or
    above the threshold) could form a blocking minority."""
    return can_block(territorial_salience >= threshold, populations, rule)


def commission_reservation(base: float, share_behind: float) -> float:
    """The Commission's walk-away value falls with the population share still behind it."""
    return base * share_behind


# --- money on the table ----------------------------------------------------------------------------


THREAT_PRICE = 0.5
"""A threat costs China half its size from its budget: it is paid only if it must be carried out."""


def china_spending(inducements: np.ndarray) -> float:
    """What a set of rewards (> 0) and threats (< 0) costs China's budget."""
    return float(
        np.maximum(inducements, 0.0).sum() - THREAT_PRICE * np.minimum(inducements, 0.0).sum()
    )


# --- outcome ----------------------------------------------------------------------------------------


def outcome_type(bloc_signed: bool, bilateral_deals: int) -> str:
    if bloc_signed:
        return "bloc_deal_with_defections" if bilateral_deals else "bloc_deal"
    return "bilateral_patchwork" if bilateral_deals else "no_deal"
