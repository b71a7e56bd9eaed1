"""The Council vote: qualified majority (Art. 16(4) TEU, Art. 238(3)(a) TFEU).

A package passes when the states voting yes are at least 55% of the states present and hold at
least 65% of their population. Abstaining counts as not voting yes. A package that misses either
share still passes unless the states not voting yes form a blocking minority, which needs a minimum
number of states:

- all 27 member states (Art. 16(4) TEU): at least four states;
- fewer states taking part (Art. 238(3)(a) TFEU, a teaching table or a scenario with a subset):
  the smallest number of participating states that together hold more than 35% of the
  participating population, plus one.

`QmvRule.for_table` derives the rule from the populations of the states present; a scenario may
still fix the blocking number itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negotiation.plural import plural

EU_MEMBER_STATES = 27
TEU_BLOCKING_MIN_STATES = 4


def minimum_blocking_states(populations: np.ndarray, population_share: float = 0.65) -> int:
    """Art. 238(3)(a) TFEU: the fewest states holding more than (1 - population_share) of the
    population of the states present (35% under the usual rule), plus one."""
    pops = np.sort(np.asarray(populations, dtype=float))[::-1]
    if pops.ndim != 1 or pops.size == 0:
        raise ValueError("populations must list at least one state")
    if not np.all(np.isfinite(pops)) or np.any(pops <= 0):
        raise ValueError("every population must be a positive number")
    needed = (1.0 - population_share) * pops.sum()
    # The largest states first reach the share soonest; searchsorted finds the first cumulative
    # sum strictly above it.
    fewest = int(np.searchsorted(np.cumsum(pops), needed, side="right")) + 1
    return min(fewest, pops.size) + 1


@dataclass(frozen=True, slots=True)
class QmvRule:
    """The thresholds of a qualified-majority vote."""

    states_share: float = 0.55
    population_share: float = 0.65
    blocking_min_states: int = 4
    basis: str = field(default="", compare=False)
    """Where the rule comes from (e.g. "Art. 16(4) TEU"), for explanations only."""

    @classmethod
    def for_table(
        cls,
        populations: np.ndarray,
        states_share: float = 0.55,
        population_share: float = 0.65,
        blocking_min_states: int | None = None,
    ) -> QmvRule:
        """The rule for the states present, given their populations.

        With all 27 member states Art. 16(4) TEU applies (a blocking minority needs four states);
        with fewer, Art. 238(3)(a) TFEU (`minimum_blocking_states`). `blocking_min_states`, when
        given, overrides the derived number (a scenario that sets it on purpose).
        """
        for name, share in (("states_share", states_share), ("population_share", population_share)):
            if not 0.0 < share <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {share}")
        pops = np.asarray(populations, dtype=float)
        derived = minimum_blocking_states(pops, population_share)
        if blocking_min_states is not None:
            if int(blocking_min_states) != blocking_min_states or blocking_min_states < 1:
                raise ValueError(
                    f"blocking_min_states must be a whole number of at least 1, "
                    f"got {blocking_min_states}"
                )
            return cls(states_share, population_share, int(blocking_min_states), "the scenario")
        if pops.size == EU_MEMBER_STATES:
            return cls(states_share, population_share, TEU_BLOCKING_MIN_STATES, "Art. 16(4) TEU")
        return cls(states_share, population_share, derived, "Art. 238(3)(a) TFEU")

    @classmethod
    def unanimity(cls) -> QmvRule:
        """Every state present must vote yes: one no blocks (a mixed agreement)."""
        return cls(1.0, 1.0, 1, "unanimity, Art. 218(8) TFEU, then ratification by every state")


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
        """Do the states not voting yes block? They need the numbers and enough states."""
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
            basis = f", {self.rule.basis}" if self.rule.basis else ""
            note = (
                f" (only {self.no_states} against: a blocking minority needs "
                f"{plural(self.rule.blocking_min_states, 'state')}{basis})"
            )
        return (
            f"Council {verdict}: {self.yes_states} of {plural(self.total_states, 'state')} "
            f"({self.states_share:.0%}, need {self.rule.states_share:.0%}) holding "
            f"{self.population_share:.1%} of the population (need {self.rule.population_share:.0%})"
            f"{note}."
        )


def qualified_majority(yes: np.ndarray, populations: np.ndarray, rule: QmvRule) -> CouncilVote:
    """Count a Council vote: `yes` is a boolean per state present (an abstention is not yes),
    `populations` its population."""
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


class VoteCounter:
    """`qualified_majority` for one table of states, counted fast: with whole-number populations
    (as every scenario has) the yes population is an exact integer sum, the same in any order,
    so it is one integer dot product; otherwise it falls back to `qualified_majority`."""

    def __init__(self, populations: np.ndarray, rule: QmvRule):
        self.populations = np.asarray(populations, dtype=float)
        self.rule = rule
        self.total = float(self.populations.sum())
        whole = np.all(self.populations == np.round(self.populations))
        self._ints = (
            self.populations.astype(np.int64)
            if whole and self.total < 2.0**53 and np.all(self.populations >= 0)
            else None
        )

    def __call__(self, yes: np.ndarray) -> CouncilVote:
        yes = np.asarray(yes, dtype=bool)
        if self._ints is None or yes.shape != self.populations.shape:
            return qualified_majority(yes, self.populations, self.rule)
        yes_states = int(np.count_nonzero(yes))
        return CouncilVote(
            yes_states=yes_states,
            total_states=int(yes.size),
            yes_population=float(int(self._ints @ yes)),
            total_population=self.total,
            no_states=int(yes.size) - yes_states,
            rule=self.rule,
        )

    def passes(self, yes: np.ndarray) -> bool:
        """`self(yes).passed`, counted without building the vote: the same comparisons, and
        the population counted only when the states not voting yes are enough to block."""
        if self._ints is None or yes.shape != self.populations.shape:
            return self(yes).passed
        rule = self.rule
        total = int(yes.size)
        yes_states = int(np.count_nonzero(yes))
        if total - yes_states < rule.blocking_min_states:
            return True
        if (yes_states / total if total else 0.0) < rule.states_share:
            return False
        population = float(int(self._ints @ yes))
        return not (population / self.total if self.total else 0.0) < rule.population_share


def can_block(members: np.ndarray, populations: np.ndarray, rule: QmvRule) -> bool:
    """Could these states (a boolean mask) block a package on their own by voting no?"""
    return qualified_majority(~np.asarray(members, dtype=bool), populations, rule).blocking_minority
