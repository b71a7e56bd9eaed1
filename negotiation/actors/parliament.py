"""The European Parliament: it gives or refuses consent to a binding agreement (Art. 218(6)(a)(v)
TFEU) and may suspend its consent procedure while the US threatens a member state's territory, as
it did on 21 January 2026 over Greenland (it resumed on 4 February)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from negotiation import legal_form
from negotiation.issues import Package
from negotiation.moves import ConsentMove, ParliamentMove
from negotiation.per_spec import frozen, shared
from negotiation.utility import Side

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel


def _parliament_side(model: NegotiationModel) -> Side:
    """The Parliament's preferences in every game of a scenario (with the scenario's public
    walk-away, which a game replaces by its private one): a stake in the clause in soft mode,
    and in a binding form."""
    spec = model.spec.parliament
    assert spec is not None
    space = model.space
    weight = spec.territorial_salience if model.mode == "soft" else 0.0
    base = Side.from_prefs(space, spec, weight, True)
    forms = tuple(model.spec.legal_forms)
    return Side(
        frozen(base.position),
        frozen(base.salience),
        weight,
        True,
        base.reservation,
        legal_form.form_factors(spec.binding_premium, base.salience, space.bilateral_mask, forms),
    )


class Parliament(mesa.Agent):
    """The Parliament seat: spatial preferences over the issues, a stake in the territorial
    clause (soft mode) and in a binding form, and a walk-away."""

    id = "parliament"
    name = "European Parliament"

    def __init__(self, model: NegotiationModel):
        super().__init__(model)
        spec = model.spec.parliament
        assert spec is not None
        base = shared(model.spec, "parliament", lambda: _parliament_side(model))
        self.side = Side(
            base.position,
            base.salience,
            base.clause_weight,
            True,
            model.private_value(spec.reservation),
            base.forms,
        )
        self.suspends_over_territory = spec.suspends_over_territory
        self.held = False
        """A suspension decided on its own (a scheduled event or a person), kept until lifted."""
        self.suspended = False

    def utility(self, package: Package) -> float:
        return self.side.utility(package.values, package.clause, package.form)

    def procedure(self, territorial_threat: bool) -> ParliamentMove:
        """Suspend the consent procedure while the US threatens territory (if the scenario says
        it does) or while a suspension decided on its own holds; otherwise proceed."""
        threat = self.suspends_over_territory and territorial_threat
        return ParliamentMove(self.held or threat, threat)

    def consent(self, package: Package, swing: float) -> ConsentMove:
        """Consent when the agreement is worth more than walking away, with the day's swing;
        never while the procedure is suspended."""
        return ConsentMove(
            not self.suspended and bool(self.utility(package) + swing > self.side.reservation)
        )

    def forecast(self, package: Package, noise: float) -> bool:
        """What the Commission expects: consent only if it wins by more than the swing, and not
        while suspended."""
        return not self.suspended and self.utility(package) - noise > self.side.reservation
