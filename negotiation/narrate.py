"""The sentences of the move log, written in one place from typed moves and the numbers that
decided them. The terminal, the browser and the classroom show these words; a game that does not
record moves (a sweep) never calls this module.

Each function returns an `Entry` (the fields of a `Move` other than round, actor and who played)
or a list of them. A reason names every term that decided the move, the noise draw included; a
person's move is described, never given an agent's reason.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from math import copysign, floor
from typing import TYPE_CHECKING, Any

import numpy as np

from negotiation import legal_form
from negotiation.council import CouncilVote
from negotiation.issues import DealSpace, Package, group_offers
from negotiation.strategies.member_states import BILATERAL, BLOC, CHINA, CONDITIONAL, STANCES

if TYPE_CHECKING:
    from negotiation.model import NegotiationModel
    from negotiation.moves import ChinaMove, CommissionMove, USMove, Withheld
    from negotiation.strategies.china import ChinaView

Entry = dict[str, Any]
LABEL = {
    BLOC: "the bloc",
    BILATERAL: "the US bilateral deal",
    CHINA: "China's offer",
    CONDITIONAL: "the bloc on a condition",
}
VERB = {  # [stance][same as before?]
    BLOC: ("returns to the bloc", "stays with the bloc"),
    BILATERAL: ("takes the US bilateral deal", "keeps its US bilateral deal"),
    CHINA: ("leans to China", "keeps leaning to China"),
    CONDITIONAL: ("backs the bloc on a condition", "backs the bloc on a condition"),
}
OUTLOOK = {
    "loyalist": "its loyalty to the common position",
    "atlanticist": "its Atlanticist outlook",
    "china_hedger": "its fear of China's retaliation",
    "opportunist": "its outlook",
}


def signed(x: float) -> str:
    """A number with its sign, never '+-': '+0.03', '-0.03', '0.00'."""
    return "0.00" if abs(x) < 0.005 else f"{x:+.2f}"


def count(n: int, word: str) -> str:
    """'1 state', '3 states'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def names_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def round4(x: float) -> float:
    """`round(x, 4)` for a float, exactly, in a quarter of the time.

    x * 10000 is within half an ulp of the true product; unless its fraction lies within 1e-4
    of one half, the integer it rounds to is the one the exact product rounds to, and k / 10000
    is then the double nearest k / 10**4, which is what `round` returns. Near a half (or for
    huge or non-finite x) `round` itself decides."""
    y = x * 10000.0
    if -1e9 < y < 1e9:
        f = floor(y)
        d = y - f
        if d < 0.4999 or d > 0.5001:
            k = f + 1 if d > 0.5 else f
            return k / 10000.0 if k else copysign(0.0, x)
    return round(x, 4)


def round4_array(a: np.ndarray) -> list:
    """`round4` (so `round(x, 4)`) of every element, as nested lists of floats: the same steps
    on the whole array at once, with `round` itself for the elements near a half or huge; an
    infinity or NaN stays as it is (as `round` leaves it)."""
    a = np.asarray(a, dtype=float)
    with np.errstate(invalid="ignore"):
        y = a * 10000.0
        f = np.floor(y)
        d = y - f
        k = np.where(d > 0.5, f + 1, f)
        finite = np.isfinite(a)
        r = np.where(finite, np.where(k == 0, np.copysign(0.0, a), k / 10000.0), a)
        hard = finite & ~((np.abs(y) < 1e9) & ((d < 0.4999) | (d > 0.5001)))
    if hard.any():
        r[hard] = [round(x, 4) for x in a[hard].tolist()]
    return r.tolist()


def entry(action: str, why: str, numbers: dict | None = None, margin=None, detail=None) -> Entry:
    return {
        "action": action,
        "why": why,
        "numbers": {k: round4(float(v)) for k, v in (numbers or {}).items()},
        "margin": None if margin is None else round4(float(margin)),
        "detail": detail or {},
    }


def _withheld_reason(w: Withheld) -> str:
    """Why the Commission held back an offer that met its target, in words."""
    if w.reason == "parliament":
        return (
            "the European Parliament would not consent to it (its procedure is suspended, or "
            "the agreement is worth less to it than its walk-away)."
        )
    if w.reason == "ratification":
        return (
            "a mixed agreement needs every member state's ratification, and the chance that all "
            "ratify it is below one half."
        )
    no = (
        f" {names_list(w.blockers)} would vote no, and a mixed agreement needs every state."
        if w.blockers
        else ""
    )
    return f"the Council would not pass it. {w.vote.explain()}{no}"


class Narrator:
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
        self, move: ChinaMove, previous: float, v: ChinaView, round_: int, without_paid: CouncilVote
    ) -> list[Entry]:
        p = move.pressure
        direction = (
            "raises" if p > previous + 1e-9 else "lowers" if p < previous - 1e-9 else "holds"
        )
        reason = (
            f"a deal is {v.closeness:.0%} close and coordinates {v.coordination:.0%} against China"
            if round_ > 1
            else "the controls already in force"
        )
        out = [
            entry(
                "pressure",
                f"China {direction} export-control pressure to {p:.2f} ({reason}).",
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
                    f"China offers {names_list(names)} rewards worth {ind[rewarded].sum():.2f} in "
                    f"all to lean its way: {count(len(names), 'state')} with "
                    f"{1 - without_paid.population_share:.0%} of the EU population together with any "
                    f"state it threatens, {'enough' if without_paid.blocking_minority else 'not enough'} "
                    "to block.",
                    {self.codes[i]: ind[i] for i in np.nonzero(rewarded)[0]},
                )
            )
        if threatened.any():
            names = self._states(threatened)
            out.append(
                entry(
                    "threats",
                    f"China threatens {names_list(names)}: staying on the US track will cost "
                    f"{-ind[threatened].sum():.2f} in all; leaning to China avoids it.",
                    {self.codes[i]: ind[i] for i in np.nonzero(threatened)[0]},
                )
            )
        return out

    # --- the US ------------------------------------------------------------------------------------

    def table_prompt(self, m: NegotiationModel, who: str) -> str:
        lines = [f"Round {m.round} of {m.rounds} (day {m.day}): {who} to move."]
        if m.us_offer is not None:
            lines.append(
                f"US offer: {self.describe(m.us_offer)} (US {m.us_value(m.us_offer):.2f}, "
                f"Commission {m.commission.utility(m.us_offer):.2f})"
            )
        if m.counter is not None:
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
    ) -> list[Entry]:
        out = []
        terms = {"terms": self.real(move.package)}
        if move.action == "accept":
            out.append(
                entry(
                    "accept",
                    f"The US accepts the Commission's counter-offer: worth {us_u:.2f} to it against "
                    f"a target of {target:.2f} (its walk-away {walkaway:.2f}).",
                    {"utility": us_u, "target": target, "walkaway": walkaway},
                    us_u - target,
                    terms,
                )
            )
        else:
            out.append(
                entry(
                    "offer",
                    f"The US offers the bloc: {self.describe(move.package)}. Worth {us_u:.2f} "
                    f"to the US (it asks {move.asked:.2f}; its walk-away {walkaway:.2f}) and "
                    f"{com_u:.2f} to the Commission.",
                    {
                        "utility": us_u,
                        "target": move.asked,
                        "walkaway": walkaway,
                        "commission_utility": com_u,
                    },
                    detail=terms,
                )
            )
        out.extend(
            {
                "action": made["action"],
                "why": made["why"],
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
                    "with it (neither the bloc deal nor a bilateral one).",
                    detail={"states": [self.codes[i] for i in np.nonzero(new_threats)[0]]},
                )
            )
        if withdrawn.any():
            names = self._states(withdrawn)
            out.append(
                entry(
                    "tariff_withdrawn",
                    f"The US withdraws its tariff threat against {names_list(names)}.",
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
        options = ", ".join(
            f"{STANCES[k]} {values[k]:.2f}" for k in range(3) if np.isfinite(values[k])
        )
        return (
            self.table_prompt(m, self.names[i])
            + f"\nYour options: {options}; or back the bloc on a condition (ask the Commission "
            f"for EU funds; {m.commission.budget_left:.2f} left).\nIf the expected deal came to a "
            f"vote today: yes {yes:.2f}, no {no:.2f}."
        )

    # --- the Commission ----------------------------------------------------------------------------

    def commission_count(
        self, move: CommissionMove, withheld: Withheld | None, offer_u: float | None
    ) -> int:
        """How many entries `commission` writes for this move."""
        paid = int(bool((np.asarray(move.payments) > 0).any()))
        if move.action == "accept":
            return paid + 1
        return paid + int(withheld is not None and offer_u is not None) + 1

    def commission(
        self,
        move: CommissionMove,
        target: float,
        u: float,
        reservation: float,
        budget_left: float,
        budget: float,
        us_u: float,
        share: float,
        withheld: Withheld | None,
        offer_u: float | None,
        forecast: CouncilVote | None,
    ) -> list[Entry]:
        """The Commission's turn: its promises of EU funds, then its acceptance (with the vote it
        forecast) or its counter-offer. Takes numbers only, so it can be written later."""
        out = []
        pay = np.asarray(move.payments)
        if (pay > 0).any():
            paid = np.nonzero(pay > 0)[0]
            out.append(
                entry(
                    "payments",
                    "The Commission promises EU funds for a yes vote: "
                    + ", ".join(f"{self.names[i]} {pay[i]:.2f}" for i in paid)
                    + f" ({budget_left:.2f} left of {budget:.2f}).",
                    {self.codes[i]: pay[i] for i in paid},
                )
            )
        terms = {"terms": self.real(move.package)}
        if move.action == "accept":
            assert forecast is not None
            out.append(
                entry(
                    "accept",
                    f"The Commission accepts the US offer: worth {u:.2f} to it against a target of "
                    f"{target:.2f} (its walk-away {reservation:.2f}); it expects "
                    f"{forecast.yes_states} of {forecast.total_states} states with "
                    f"{forecast.population_share:.0%} of the population to vote yes.",
                    {
                        "utility": u,
                        "target": target,
                        "walkaway": reservation,
                        "forecast_states": forecast.states_share,
                        "forecast_population": forecast.population_share,
                    },
                    u - target,
                    terms,
                )
            )
            return out
        if withheld is not None and offer_u is not None:
            out.append(
                entry(
                    "withhold",
                    f"The US offer meets the Commission's target ({offer_u:.2f} against "
                    f"{target:.2f}) but " + _withheld_reason(withheld),
                    {"utility": offer_u, "target": target},
                )
            )
        why_not = (
            f" The US offer is worth only {offer_u:.2f} to it."
            if offer_u is not None and withheld is None
            else ""
        )
        out.append(
            entry(
                "counter",
                f"The Commission counter-offers: {self.describe(move.package)}. Worth "
                f"{u:.2f} to it (target {target:.2f}, walk-away {reservation:.2f} with "
                f"{share:.0%} of the population behind it) and {us_u:.2f} to the US.{why_not}",
                {
                    "utility": u,
                    "target": target,
                    "reservation": reservation,
                    "us_utility": us_u,
                },
                None if offer_u is None else target - offer_u,
                terms,
            )
        )
        return out

    # --- the Council -------------------------------------------------------------------------------

    def vote_prompt(
        self, m: NegotiationModel, i: int, yes: float, no: float, others: CouncilVote
    ) -> str:
        return (
            f"Round {m.round}: the Council votes on {self.describe(m.agreement)}.\n"
            f"For you: yes {yes:.2f}, no {no:.2f}.\nAs the others lean: {others.explain()}"
        )

    def vote(
        self,
        i: int,
        yes: bool,
        yes_v: float,
        no_v: float,
        noise: float,
        person: bool,
        holds_deal: bool,
        leaning_china: bool,
        pay: float,
    ) -> Entry:
        """A vote with every term that decided it: the deal's value (EU funds included), the
        value of no deal, and the day's swing."""
        name = self.names[i]
        word = "yes" if yes else "no"
        numbers = {"yes": yes_v, "alternative": no_v, "noise": noise, "eu_payment": pay}
        if person:
            return entry(
                f"vote_{word}",
                f"{name} votes {word} (a person's vote; the deal was worth {yes_v:.2f} to it, "
                f"no deal {no_v:.2f}).",
                numbers,
            )
        without = (
            "its bilateral deal alone"
            if holds_deal
            else "China's reward"
            if leaning_china
            else "no deal"
        )
        funds = f" including {pay:.2f} in EU funds" if pay >= 0.005 else ""
        shown = abs(round4(noise)) >= 0.005  # as the move's numbers show it
        size = signed(noise) if abs(noise) >= 0.005 else f"{noise:+.3f}"  # never a swing of 0.00
        swing = f", and the day's swing of {size} " if shown else " "
        tipped = "tipped it" if shown and ((yes_v > no_v) != yes) else "did not change it"
        text = f"{name} votes {word}: the package is worth {yes_v:.2f} to it{funds} against {no_v:.2f} for {without}"
        text += f"{swing}{tipped}." if shown else "."
        return entry(f"vote_{word}", text, numbers, abs(yes_v + noise - no_v))

    def council(
        self, vote: CouncilVote, info: dict, yes: np.ndarray, form: str | None = None
    ) -> Entry:
        rule = (
            f" The rule: {legal_form.RULE[form]}, because the deal is {legal_form.LABEL[form]}."
            if len(self.forms) > 1 and form is not None
            else ""
        )
        return entry(
            "council_vote",
            vote.explain() + rule,
            {k: v for k, v in info.items() if isinstance(v, int | float)},
            detail={"yes": [c for c, y in zip(self.codes, yes, strict=True) if y]},
        )


__all__ = ["Entry", "Narrator", "Package"]
