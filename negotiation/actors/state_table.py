"""The member states' fixed parameters, read from a scenario once and shared by its games.

Every game of a scenario starts from the same table (the private draws come later, per game), so
`state_table` builds it on the first game and hands the same object to the next ones. Its arrays
are read-only: a game that changes a parameter (the reservation spread) assigns a new array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotiation import legal_form, rules
from negotiation.issues import DealSpace
from negotiation.per_spec import frozen, shared
from negotiation.scenario import ScenarioSpec


@dataclass(frozen=True, slots=True)
class StateTable:
    codes: tuple[str, ...]
    names: tuple[str, ...]
    population: np.ndarray
    share: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    reservation: np.ndarray
    exposure: np.ndarray
    us_alignment: np.ndarray
    loyalty: np.ndarray
    territorial_salience: np.ndarray
    security_premium: np.ndarray
    binding_premium: np.ndarray
    form_factors: dict[str, np.ndarray | float] | None
    """{legal form: the share of its value each state keeps}, or None (forms change nothing)."""
    clause_weight: np.ndarray
    strategy_names: tuple[str, ...]
    groups: tuple[tuple[str, dict, np.ndarray], ...]
    """Strategy groups: (name, params, rows) per distinct strategy, in order of first use."""


def state_table(spec: ScenarioSpec, space: DealSpace) -> StateTable:
    """The table of this scenario (built once; `space` must be the scenario's deal space)."""
    return shared(spec, "state_table", lambda: _build(spec, space))


def _build(spec: ScenarioSpec, space: DealSpace) -> StateTable:
    codes = tuple(spec.member_states.states)
    fields = [spec.state_fields(c) for c in codes]
    population = np.array([f["population"] for f in fields], dtype=float)
    territorial = np.array([f["territorial_salience"] for f in fields])
    salience = frozen(np.array([[f["salience"][i] for i in space.ids] for f in fields]))
    binding = frozen(np.array([f.get("binding_premium", 0.0) for f in fields]))
    forms = legal_form.form_factors(
        binding, salience, space.bilateral_mask, tuple(spec.legal_forms)
    )
    if forms is not None:
        forms = {k: frozen(v) if isinstance(v, np.ndarray) else v for k, v in forms.items()}
    groups: dict[tuple, list[int]] = {}
    refs: dict[tuple, dict] = {}
    for i, f in enumerate(fields):
        ref = f["strategy"]
        key = (ref["name"], tuple(sorted(ref["params"].items())))
        groups.setdefault(key, []).append(i)
        refs[key] = ref
    return StateTable(
        codes=codes,
        names=tuple(f["name"] for f in fields),
        population=frozen(population),
        share=frozen(population / population.sum()),
        position=frozen(np.array([space.from_real(f["position"], True).values for f in fields])),
        salience=salience,
        reservation=frozen(np.array([f["reservation"] for f in fields])),
        exposure=frozen(np.array([f["china_exposure"] for f in fields])),
        us_alignment=frozen(np.array([f["us_alignment"] for f in fields])),
        loyalty=frozen(np.array([f["loyalty"] for f in fields])),
        territorial_salience=frozen(territorial),
        security_premium=frozen(np.array([f.get("security_premium", 0.0) for f in fields])),
        binding_premium=binding,
        form_factors=forms,
        clause_weight=frozen(
            rules.clause_weight_for_states(spec.territorial_constraint, territorial)
        ),
        strategy_names=tuple(f["strategy"]["name"] for f in fields),
        groups=tuple(
            (refs[k]["name"], dict(refs[k]["params"]), frozen(np.array(rows)))
            for k, rows in groups.items()
        ),
    )
