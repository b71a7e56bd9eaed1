"""The turns the legal form adds (national ratification of a mixed agreement, the European
Parliament's procedure and consent) and the scheduled events: mixed into `NegotiationModel` next to
`Phases` (they use its state and views)."""

from __future__ import annotations

import numpy as np

from negotiation import legal_form, narrate_form, seats
from negotiation.events import apply_event
from negotiation.moves import BY_HUMAN, BY_RULES, BY_SCENARIO
from negotiation.phases import Round


class ParliamentTurns:
    """Scheduled events at the start of a round; the Parliament's procedure and its consent."""

    def _scheduled_events(self) -> None:
        for event in self.spec.events:
            if event.round == self.round:
                self.phase = "event"
                move = apply_event(self, event)
                if self.record_moves:
                    self._record(
                        event.actor,
                        narrate_form.event(move, self.actor_name(event.actor), self.states.names),
                        BY_SCENARIO,
                    )

    def _parliament_turn(self) -> Round:
        """Suspend or proceed with the consent procedure (a person may choose either)."""
        self.phase = "parliament"
        ep = self.parliament
        was = ep.suspended
        move = ep.procedure(self.territorial_threat)
        move = yield from self._seat(
            "parliament",
            "parliament",
            move,
            lambda: dict(
                prompt=self.narrator.table_prompt(self, "the European Parliament")
                + "\nYour consent is needed for a binding or mixed agreement. Suspend your consent "
                "procedure (no binding deal can be concluded) or proceed?"
                + (
                    "\nThe US is threatening a member state's territory."
                    if self.territorial_threat
                    else ""
                ),
                info={
                    **self._table_info(),
                    "suspended": was,
                    "territorial_threat": self.territorial_threat,
                    "walkaway": ep.side.reservation,
                },
                validate=lambda m: seats.parse_procedure(m, self.territorial_threat),
                options=["proceed", "suspend"],
            ),
        )
        if self._played_by("parliament") == BY_HUMAN:
            # A person's suspension holds until the person lifts it, unless it is its agent's
            # own (during a territorial threat): then it ends with the threat, as the agent's.
            ep.held = move.suspend and not (move.threat and ep.suspends_over_territory)
        ep.suspended = move.suspend
        if self.record_moves:
            self._record(
                "parliament", narrate_form.procedure(move, was, self._played_by("parliament"))
            )

    def _ratify(self, package, yes_v: np.ndarray, no_v: np.ndarray) -> None:
        """National ratification of a mixed agreement the Council approved: each state's
        parliament ratifies when the agreement is worth more to the state than no agreement, with
        a swing of its own (a fresh draw); a state whose vote a person made ratifies as it voted
        (a vote its agent made for an absent person is the agents' rule). One refusal fails the
        agreement."""
        states = self.states
        swing = self.rng.normal(0.0, self.noise, states.n) if self.noise else np.zeros(states.n)
        person = np.array([self._played_by(c) == BY_HUMAN for c in states.codes])
        ratified = np.where(person, self.last_yes, yes_v + swing > no_v)
        if self.record_moves:
            refused = np.nonzero(~ratified)[0].tolist()
            self._record(  # the member states' parliaments, no seat's move
                "member_states",
                narrate_form.ratification(
                    [states.names[i] for i in refused],
                    {
                        states.codes[i]: (float(yes_v[i]), float(no_v[i]), float(swing[i]))
                        for i in refused
                    },
                ),
                BY_RULES,
            )
        if ratified.all():
            if not legal_form.needs_parliament(package.form):
                self._sign(package)
        else:
            self._fail_agreement()

    def _consent_vote(self) -> Round:
        """The Parliament's consent to a binding or mixed agreement the Council approved."""
        self.phase = "consent"
        ep, package = self.parliament, self.agreement  # a binding form needs one (scenario checks)
        value = ep.utility(package)
        swing = float(self.rng.normal(0.0, self.noise)) if self.noise else 0.0
        move = ep.consent(package, swing)  # never a yes while suspended
        move = yield from self._seat(
            "parliament",
            "consent",
            move,
            lambda: dict(
                prompt=f"The Council approved {legal_form.LABEL[package.form]}: "
                f"{self.narrator.describe(package)}. It is worth {value:.2f} to you; your "
                f"walk-away is {ep.side.reservation:.2f}. Give your consent?",
                info={
                    "value": round(float(value), 4),
                    "walkaway": ep.side.reservation,
                    "suspended": ep.suspended,
                    "form": package.form,
                    "terms": self.space.to_real(package),
                },
                validate=lambda m: seats.parse_consent(m, ep.suspended),
                options=["no"] if ep.suspended else ["yes", "no"],
            ),
        )
        by = self._played_by("parliament")
        if self.record_moves:
            self._record(
                "parliament",
                narrate_form.consent(
                    move,
                    package.form,
                    value,
                    ep.side.reservation,
                    0.0 if by == BY_HUMAN else swing,
                    ep.suspended,
                    by,
                    self.territorial_threat,
                ),
            )
        if move.consent:
            self._sign(package)
        else:
            self._fail_agreement()
