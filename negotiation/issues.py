"""The deal space: the issues on the table, their real units, and a package of terms.

Inside the engine every issue runs from 0 to 1; `DealSpace` converts to and from the real units a
player sees ($/kg, $bn, %). The territorial-integrity clause is not an issue on a scale but a yes/no
term carried by every package (see `rules.py` for what the constraint does with it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLAUSE = "territorial_clause"


@dataclass(frozen=True, slots=True)
class Issue:
    """One negotiable issue, with its real unit and range."""

    id: str
    label: str
    unit: str
    low: float
    high: float
    bilateral: bool
    """May a single member state agree this issue with the US (national competence)?"""
    targets_china: bool = False
    """Does a high value on this issue hurt China (coordination, export exemptions)?"""
    supply_security: bool = False
    """Does a high value on this issue secure supply (stockpiles, offtake, joint projects)?"""

    def to_real(self, value: float) -> float:
        return self.low + value * (self.high - self.low)

    def to_unit(self, real: float) -> float:
        return (real - self.low) / (self.high - self.low)

    def format(self, value: float) -> str:
        """A normalised value written in real units, e.g. '$110/kg' or '40%'."""
        return self.format_real(self.to_real(value))

    def format_real(self, real: float) -> str:
        """A value in real units written with its unit."""
        if self.unit == "$/kg":
            return f"${real:.0f}/kg"
        if self.unit == "$bn":
            return f"${real:.1f}bn"
        if self.unit == "%":
            return f"{real:.0f}%"
        return f"{real:.2f} {self.unit}".strip()


@dataclass(frozen=True, slots=True)
class Package:
    """A set of terms: one normalised value per issue, plus the territorial clause (in or out)."""

    values: np.ndarray
    clause: bool
    form: str | None = None
    """The legal form of a bloc deal (`legal_form.FORMS`); None for a bilateral deal, or where
    the scenario leaves the form out."""

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Package)
            and self.clause == other.clause
            and self.form == other.form
            and np.array_equal(self.values, other.values)
        )

    def __hash__(self) -> int:
        return hash((self.values.tobytes(), self.clause, self.form))


def group_offers(offers: dict[int, Package]) -> list[tuple[list[int], Package]]:
    """Offers to single states grouped by identical terms: [(state rows, package)], in the order
    of each group's first state."""
    groups: dict[Package, list[int]] = {}
    for i in sorted(offers):
        groups.setdefault(offers[i], []).append(i)
    return [(rows, package) for package, rows in groups.items()]


class DealSpace:
    """The ordered issues of a scenario and conversions between engine and real units."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        self.ids = [i.id for i in self.issues]
        self.index = {i.id: k for k, i in enumerate(self.issues)}
        self.bilateral_mask = np.array([i.bilateral for i in self.issues], dtype=bool)
        self.china_mask = np.array([i.targets_china for i in self.issues], dtype=bool)
        self.security_mask = np.array([i.supply_security for i in self.issues], dtype=bool)
        self.low = np.array([i.low for i in self.issues], dtype=float)
        self.high = np.array([i.high for i in self.issues], dtype=float)
        self._labels = [i.label.lower() for i in self.issues]

    def __len__(self) -> int:
        return len(self.issues)

    def to_real(self, package: Package) -> dict[str, float | bool]:
        """A package in real units, keyed by issue id, with the clause as a boolean."""
        real = (self.low + package.values * (self.high - self.low)).tolist()
        out: dict[str, float | bool] = dict(zip(self.ids, real, strict=True))
        out[CLAUSE] = bool(package.clause)
        return out

    def from_real(self, terms: dict[str, float], clause: bool) -> Package:
        """A package from real-unit terms (every issue must be given)."""
        real = np.array([float(terms[i]) for i in self.ids])
        return Package((real - self.low) / (self.high - self.low), bool(clause))

    def describe(self, package: Package, only_bilateral: bool = False) -> str:
        """One line of terms for people: 'price floor $110/kg, stockpile $4.0bn, ..., clause in'."""
        # Every issue's `to_real` at once (the same arithmetic, element by element).
        real = (self.low + package.values * (self.high - self.low)).tolist()
        parts = [
            f"{label} {issue.format_real(r)}"
            for issue, label, r in zip(self.issues, self._labels, real, strict=True)
            if issue.bilateral or not only_bilateral
        ]
        parts.append("territorial clause in" if package.clause else "territorial clause OUT")
        return ", ".join(parts)
