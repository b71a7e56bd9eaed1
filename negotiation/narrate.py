"""The sentences of the move log, written in one place from typed moves and the numbers that
decided them. The terminal, the browser and the classroom show these words; a game that does not
record moves (a sweep) never calls this module.

Each function returns an `Entry` (the fields of a `Move` other than round, actor and who played)
or a list of them. A reason names every term that decided the move, the noise draw included; a
person's move is described, never given an agent's reason. A seat's move takes `by`, who made it
(`moves.BY_*`): a move its agent made for the person in it (an idle seat, the teacher's Advance)
keeps the agent's reason and says who played it (`played_for`). China's, the US's and the prompts'
sentences are here; the Commission's, the votes' and the Council's in `narrate_council`, the
stances' in `narrate_stances`, the legal form's and the Parliament's in `narrate_form`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from negotiation import legal_form
from negotiation.actors.commission import PAYMENT_STEP
from negotiation.issues import DealSpace, Package, group_offers
from negotiation.moves import BY_HUMAN
from negotiation.narrate_council import CouncilSentences
from negotiation.narrate_parts import Entry, count, entry, names_list, played_for, target_of
from negotiation.strategies.member_states import STANCES

if TYPE_CHECKING:
    from negotiation.council import CouncilVote
    from negotiation.model import NegotiationModel
    from negotiation.moves import ChinaMove, USMove
    from negotiation.strategies.china import ChinaView


class Narrator(CouncilSentences):
    """Writes the log for one game: it knows the issues and the member states' names."""

    def __init__(
        self, space: DealSpace, codes: list[str], names: list[str], forms: tuple[str, ...] = ()
    ):
        self.space = space
        self.codes = codes
        self.names = names
        self.forms = forms
        """The legal forms allowed; a package's form is written only when there is a choice."""
        self._names = {
            "us": "United States",
            "commission": "Commission",
            "china": "China",
            "parliament": "European Parliament",
            "council": "Council",
            "member_states": "Member states",
            **dict(zip(codes, names, strict=True)),
        }
        self._described: dict[tuple, str] = {}
        self._real: dict[tuple, dict[str, float | bool | str]] = {}
        self._bilateral_entries: dict[tuple, Entry] = {}
        self._bilateral_round: dict[tuple, tuple[tuple[Package, ...], list[Entry]]] = {}

    def describe(self, package: Package, only_bilateral: bool = False) -> str:
        """`DealSpace.describe`, memoised: the same terms come back round after round."""
        key = (package.values.tobytes(), package.clause, package.form, only_bilateral)
        text = self._described.get(key)
        if text is None:
            text = self.space.describe(package, only_bilateral)
            if len(self.forms) > 1 and package.form is not None and not only_bilateral:
                text += f"; {legal_form.LABEL[package.form]}"
            self._described[key] = text
        return text

    def real(self, package: Package) -> dict[str, float | bool]:
        """`DealSpace.to_real`, memoised (each call returns its own dict)."""
        key = (package.values.tobytes(), package.clause, package.form)
        terms = self._real.get(key)
        if terms is None:
            terms = self._real[key] = self.space.to_real(package)
            if len(self.forms) > 1 and package.form is not None:
                terms["form"] = package.form
        return dict(terms)

    def name(self, actor: str) -> str:
        return self._names[actor] if actor in self._names else self._names[actor.upper()]

    def _states(self, mask: np.ndarray) -> list[str]:
        return [self.names[i] for i in np.nonzero(mask)[0]]

    # --- China -------------------------------------------------------------------------------------

    def china_prompt(self, round_: int, previous: float, v: ChinaView) -> str:
        return (
            f"Round {round_}: China. Pressure now {previous:.2f} (0 to {v.max_pressure:.2f}). A deal "
            f"is {v.closeness:.0%} close, coordinating {v.coordination:.0%} against you. Budget "
            f"for rewards and threats: {v.budget:.2f} (threats count half)."
        )

    def china_count(self, move: ChinaMove) -> int:
        """How many entries `china` writes for this move: the pressure, rewards, threats."""
        ind = np.asarray(move.inducements)
        return 1 + bool((ind > 0).any()) + bool((ind < 0).any())

    def china(
        self,
        move: ChinaMove,
        previous: float,
        v: ChinaView,
        round_: int,
        without_paid: CouncilVote,
        by: str,
    ) -> list[Entry]:
        p = move.pressure
        direction = (
            "raises" if p > previous + 1e-9 else "lowers" if p < previous - 1e-9 else "holds"
        )
        situation = (
            f"a deal is {v.closeness:.0%} close and coordinates {v.coordination:.0%} against China"
        )
        if by == BY_HUMAN:
            reason = f"a person's decision; {situation}"
        elif round_ > 1:
            reason = situation
        else:
            reason = "the controls already in force"
        out = [
            entry(
                "pressure",
                f"China {direction} export-control pressure to {p:.2f} ({reason})."
                + played_for(by),
                {
                    "pressure": p,
                    "previous": previous,
                    "closeness": v.closeness,
                    "coordination": v.coordination,
                },
            )
        ]
        ind = np.asarray(move.inducements)
        rewarded, threatened = ind > 0, ind < 0
        if rewarded.any():
            names = self._states(rewarded)
            out.append(
                entry(
                    "inducements",
                    f"China offers {names_list(names)} rewards worth {ind[rewarded].sum():.3f} in "
                    f"all to lean its way: {count(len(names), 'state')} with "
                    f"{1 - without_paid.population_share:.0%} of the EU population together with any "
                    f"state it threatens, {'enough' if without_paid.blocking_minority else 'not enough'} "
                    "to block." + played_for(by),
                    {self.codes[i]: ind[i] for i in np.nonzero(rewarded)[0]},
                )
            )
        if threatened.any():
            names = self._states(threatened)
            out.append(
                entry(
                    "threats",
                    f"China threatens {names_list(names)}: staying with the bloc or signing with "
                    f"the US will cost {-ind[threatened].sum():.3f} in all; leaning to China "
                    "avoids it." + played_for(by),
                    {self.codes[i]: ind[i] for i in np.nonzero(threatened)[0]},
                )
            )
        return out

    # --- the US ------------------------------------------------------------------------------------

    def table_prompt(self, m: NegotiationModel, who: str) -> str:
        lines = [f"Round {m.round} of {m.rounds} (day {m.day}): {who} to move."]
        if m.agreement is not None:  # the US accepted the counter: it goes to the vote
            lines.append(
                f"The US accepted the Commission's counter: {self.describe(m.agreement)} (US "
                f"{m.us_value(m.agreement):.2f}, Commission "
                f"{m.commission.utility(m.agreement):.2f}). It goes to the Council vote this round."
            )
        elif m.us_offer is not None:
            lines.append(
                f"US offer: {self.describe(m.us_offer)} (US {m.us_value(m.us_offer):.2f}, "
                f"Commission {m.commission.utility(m.us_offer):.2f})"
            )
        if m.counter is not None and m.agreement is None:
            lines.append(
                f"Commission counter: {self.describe(m.counter)} (US "
                f"{m.us_value(m.counter):.2f}, Commission {m.commission.utility(m.counter):.2f})"
            )
        lines.append(f"China's pressure: {m.china.pressure:.2f}.")
        return "\n".join(lines)

    def us_count(self, move: USMove, new_threats: np.ndarray, withdrawn: np.ndarray) -> int:
        """How many entries `us` writes for this move: the offer (or acceptance), one per group
        of states offered the same bilateral terms, new tariff threats, withdrawn ones."""
        groups = len(set(move.bilateral.values()))
        return 1 + groups + bool(new_threats.any()) + bool(withdrawn.any())

    def us(
        self,
        move: USMove,
        target: float,
        walkaway: float,
        us_u: float,
        com_u: float,
        bilateral_value: Callable[[Package], float],
        single_walkaway: float,
        new_threats: np.ndarray,
        withdrawn: np.ndarray,
        by: str,
    ) -> list[Entry]:
        out = []
        note = played_for(by)
        terms = {"terms": self.real(move.package)}
        if move.action == "accept":
            out.append(
                entry(
                    "accept",
                    f"The US accepts the Commission's counter-offer: worth {us_u:.2f} to it against "
                    f"{target_of(by, 'a ')} of {target:.2f} (its walk-away "
                    f"{walkaway:.2f}).{note}",
                    {"utility": us_u, "target": target, "walkaway": walkaway},
                    us_u - target,
                    terms,
                )
            )
        else:
            asks = "" if move.asked is None else f"it asks {move.asked:.2f}; "
            out.append(
                entry(
                    "offer",
                    f"The US offers the bloc: {self.describe(move.package)}. Worth {us_u:.2f} "
                    f"to the US ({asks}its walk-away {walkaway:.2f}) and "
                    f"{com_u:.2f} to the Commission.{note}",
                    {
                        "utility": us_u,
                        **({} if move.asked is None else {"target": move.asked}),
                        "walkaway": walkaway,
                        "commission_utility": com_u,
                    },
                    detail=terms,
                )
            )
        out.extend(
            {
                "action": made["action"],
                "why": made["why"] + note,
                "numbers": dict(made["numbers"]),
                "margin": None,
                "detail": {
                    "terms": dict(made["detail"]["terms"]),
                    "states": list(made["detail"]["states"]),
                },
            }
            for made in self._bilateral_offers(
                move.bilateral, bilateral_value, walkaway, single_walkaway
            )
        )
        if new_threats.any():
            names = self._states(new_threats)
            out.append(
                entry(
                    "tariff_threat",
                    f"The US threatens {names_list(names)} with tariffs if they end with no deal "
                    f"with it (neither the bloc deal nor a bilateral one).{note}",
                    detail={"states": [self.codes[i] for i in np.nonzero(new_threats)[0]]},
                )
            )
        if withdrawn.any():
            names = self._states(withdrawn)
            out.append(
                entry(
                    "tariff_withdrawn",
                    f"The US withdraws its tariff threat against {names_list(names)}.{note}",
                    detail={"states": [self.codes[i] for i in np.nonzero(withdrawn)[0]]},
                )
            )
        return out

    def _bilateral_offers(
        self,
        bilateral: dict[int, Package],
        bilateral_value: Callable[[Package], float],
        walkaway: float,
        single_walkaway: float,
    ) -> list[Entry]:
        """One entry per group of states offered the same bilateral terms (the caller copies
        them). The same offer objects stand round after round: the entries of the latest set are
        kept, and each group's entry is written once."""
        packages = tuple(bilateral.values())
        key = (tuple(bilateral), tuple(map(id, packages)), walkaway, single_walkaway)
        hit = self._bilateral_round.get(key)
        if hit is not None and all(map(operator.is_, hit[0], packages)):
            return hit[1]
        made_all = []
        for rows, offer in group_offers(bilateral):
            bil_u = bilateral_value(offer)
            group = (
                tuple(rows),
                offer.values.tobytes(),
                offer.clause,
                bil_u,
                walkaway,
                single_walkaway,
            )
            made = self._bilateral_entries.get(group)
            if made is None:
                names = [self.names[i] for i in rows]
                made = self._bilateral_entries[group] = entry(
                    "bilateral_offer",
                    f"The US offers {'a bilateral deal' if len(rows) == 1 else 'bilateral deals'} "
                    f"to {names_list(names)}: {self.describe(offer, only_bilateral=True)}. "
                    f"Worth {bil_u:.2f} to the US per deal (its walk-away for a single state "
                    f"{single_walkaway:.2f}; {walkaway:.2f} at the bloc table).",
                    {"utility": bil_u, "walkaway": single_walkaway},
                    detail={
                        "terms": self.real(offer),
                        "states": [self.codes[i] for i in rows],
                    },
                )
            made_all.append(made)
        self._bilateral_round = {key: (packages, made_all)}
        return made_all

    # --- member states -----------------------------------------------------------------------------

    def stance_prompt(
        self, m: NegotiationModel, i: int, values: np.ndarray, yes: float, no: float
    ) -> str:
        states = m.states
        left = m.commission.budget_left
        if states.signed[i]:
            options = (
                f"you signed with the US in round {states.deal_round[i]} and keep that deal "
                "(stance bilateral)"
            )
        else:
            options = ", ".join(
                f"{STANCES[k]} {values[k]:.2f}" for k in range(3) if np.isfinite(values[k])
            )
        condition = (
            f"; or back the bloc on a condition (ask the Commission for EU funds; {left:.3f} left)"
            if left >= PAYMENT_STEP
            else " (the Commission has no EU funds left to ask for)"
        )
        threat = (
            f"\nThe US threatens you with tariffs (a loss of {m.climate().tariff:.2f}) if you end "
            "with no deal with it."
            if states.tariff[i]
            else ""
        )
        return (
            self.table_prompt(m, self.names[i])
            + threat
            + f"\nYour options: {options}{condition}.\nIf the expected deal came to a "
            f"vote today: yes {yes:.2f}, no {no:.2f}."
        )

    def funds_prompt(self, m: NegotiationModel) -> str:
        """The Commission's EU funds left and the conditional asks standing (none: empty)."""
        com, states = m.commission, m.states
        if com.budget <= 0:
            return ""
        asks = [f"{states.names[i]} {a:.3f}" for i, a in enumerate(states.ask.tolist()) if a > 0]
        return f"\nEU funds left: {com.budget_left:.3f} of {com.budget:.3f}." + (
            f" Conditional asks: {', '.join(asks)}." if asks else ""
        )


__all__ = ["Entry", "Narrator", "Package"]
