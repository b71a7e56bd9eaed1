"""The Council vote: qualified majority (Art. 16(4) TEU, Art. 238(3) TFEU).

A package passes when the states voting yes are at least 55% of the states present and hold at
least 65% of their population. A blocking minority needs at least four states: with fewer than four
states voting no, the qualified majority is deemed reached. With fewer than 27 states in a scenario
the same percentages apply to the states present.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class QmvRule:
    """The thresholds of a qualified-majority vote."""

    states_share: float = 0.55
    population_share: float = 0.65
    blocking_min_states: int = 4


@dataclass(frozen=True, slots=True)
class CouncilVote:
    """The arithmetic of one vote, kept whole so it can be shown and explained."""

    yes_states: int
    total_states: int
    yes_population: float
    total_population: float
    no_states: int
    rule: QmvRule

    @property
    def states_share(self) -> float:
        return self.yes_states / self.total_states if self.total_states else 0.0

    @property
    def population_share(self) -> float:
        return self.yes_population / self.total_population if self.total_population else 0.0

    @property
    def blocking_minority(self) -> bool:
        """Do the states voting no block? They need the numbers and at least four states."""
        blocks_by_share = (
            self.states_share < self.rule.states_share
            or self.population_share < self.rule.population_share
        )
        return blocks_by_share and self.no_states >= self.rule.blocking_min_states

    @property
    def passed(self) -> bool:
        return not self.blocking_minority

    def explain(self) -> str:
        """The vote in one sentence, with the thresholds it was measured against."""
        verdict = "passes" if self.passed else "fails"
        note = ""
        if self.passed and (
            self.states_share < self.rule.states_share
            or self.population_share < self.rule.population_share
        ):
            note = (
                f" (only {self.no_states} against: a blocking minority needs "
                f"{self.rule.blocking_min_states} states)"
            )
        return (
            f"Council {verdict}: {self.yes_states} of {self.total_states} states "
            f"({self.states_share:.0%}, need {self.rule.states_share:.0%}) holding "
            f"{self.population_share:.1%} of the population (need {self.rule.population_share:.0%})"
            f"{note}."
        )


def qualified_majority(yes: np.ndarray, populations: np.ndarray, rule: QmvRule) -> CouncilVote:
    """Count a Council vote: `yes` is a boolean per state present, `populations` its population."""
    yes = np.asarray(yes, dtype=bool)
    populations = np.asarray(populations, dtype=float)
    if yes.shape != populations.shape:
        raise ValueError("yes and populations must have one entry per state")
    return CouncilVote(
        yes_states=int(yes.sum()),
        total_states=int(yes.size),
        yes_population=float(populations[yes].sum()),
        total_population=float(populations.sum()),
        no_states=int((~yes).sum()),
        rule=rule,
    )


def can_block(members: np.ndarray, populations: np.ndarray, rule: QmvRule) -> bool:
    """Could these states (a boolean mask) block a package on their own by voting no?"""
    return qualified_majority(~np.asarray(members, dtype=bool), populations, rule).blocking_minority
