"""The Council arithmetic: who would vote yes to the package on the table, against the 55% of
states and 65% of population lines, and whether a blocking minority stands."""

from __future__ import annotations

import solara

from negotiation import legal_form
from negotiation.council import CouncilVote
from negotiation.model import NegotiationModel
from negotiation.web.theme import BLUE, VERMILLION, esc
from negotiation.web.words import plural, term_link


def council_view(model: NegotiationModel) -> tuple[str, CouncilVote] | None:
    """What to show: the vote held this round, else the forecast for the newest package (the
    agreement, the Commission's counter, the US offer, or the expected middle ground)."""
    if model.votes and model.votes[-1][0] == model.round:
        return f"The Council vote of round {model.round}", model.votes[-1][1]
    for label, package in (
        ("the agreed package", model.agreement),
        ("the Commission's counter-offer", model.counter),
        ("the US offer", model.us_offer),
    ):
        if package is not None:
            return f"If the Council voted now on {label}", model.forecast(package)
    expected = model.expected_package()
    if expected is None:
        return None
    return "If the Council voted now on the Commission's mandate", model.forecast(expected)


def form_in_view(model: NegotiationModel) -> str | None:
    """The legal form of the package the panel shows (None when the scenario has no choice of
    form or no package is on the table)."""
    if len(getattr(model.spec, "legal_forms", ()) or ()) < 2:
        return None
    for package in (model.agreement, model.counter, model.us_offer, model.expected_package()):
        if package is not None:
            return package.form
    return None


def rule_html(model: NegotiationModel) -> str:
    """Which vote the deal needs: the rule of the shown package's legal form, else QMV."""
    form = form_in_view(model)
    if form not in legal_form.RULE:
        return f"A deal needs a {term_link('qualified majority')} of the states."
    return (
        f"This package is {esc(legal_form.LABEL[form])} ({term_link('legal form')}): it needs "
        f"{esc(legal_form.RULE[form])}."
    )


def _bar(label: str, share: float, line: float, colour: str) -> str:
    return (
        f"<div>{esc(label)}: <b>{share:.0%}</b> (need {line:.0%})</div>"
        f'<div class="neg-bar"><div class="neg-bar-fill" style="width:{share:.1%};'
        f'background:{colour}"></div>'
        f'<div class="neg-bar-line" style="left:{line:.1%}"></div>'
        f'<div class="neg-bar-label" style="left:{line:.1%}">{line:.0%}</div></div>'
    )


def council_html(title: str, vote: CouncilVote) -> str:
    rule = vote.rule
    state_ok = vote.states_share >= rule.states_share
    pop_ok = vote.population_share >= rule.population_share
    blocking = (
        f"<b>Yes:</b> {plural(vote.no_states, 'state')} against, enough to block."
        if vote.blocking_minority
        else f"<b>No</b> ({plural(vote.no_states, 'state')} against; a blocking minority needs "
        f"at least {plural(rule.blocking_min_states, 'state')} with more than "
        f"{1 - rule.population_share:.0%} of the population)."
    )
    if rule.states_share >= 1.0:  # unanimity (a mixed agreement): one state against blocks
        blocking = (
            f"{term_link('unanimity', 'Unanimity')}: one state against blocks; "
            f"{plural(vote.no_states, 'state')} against."
        )
    verdict = "passes" if vote.passed else "fails"
    return (
        f'<div class="council-title">{esc(title)}: <b class="council-verdict">{verdict}</b></div>'
        + _bar(
            f"States for ({vote.yes_states} of {vote.total_states})",
            vote.states_share,
            rule.states_share,
            BLUE if state_ok else VERMILLION,
        )
        + _bar("Population for", vote.population_share, rule.population_share,
               BLUE if pop_ok else VERMILLION)
        + '<div class="council-blocking">'
        + ("" if rule.states_share >= 1.0
           else f'{term_link("blocking minority", "Blocking minority")}: ')
        + f"{blocking}</div>"
    )  # fmt: skip


@solara.component
def CouncilPanel(model: NegotiationModel, version: int = 0) -> None:
    with solara.Card("Council arithmetic", classes=["neg-council"]):
        solara.HTML(
            tag="p",
            classes=["neg-muted", "council-rule"],
            unsafe_innerHTML=rule_html(model),
        )
        view = council_view(model)
        if view is None:
            solara.Text("No package yet.")
        else:
            solara.HTML(tag="div", unsafe_innerHTML=council_html(*view))
