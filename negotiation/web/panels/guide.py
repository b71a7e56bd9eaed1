"""What a student reads before and during a game: the seat's briefing, "how the EU decides" with
the game's live numbers, and the glossary every jargon word in the app links to."""

from __future__ import annotations

from collections.abc import Callable

import solara

from negotiation import legal_form
from negotiation.model import NegotiationModel
from negotiation.web.briefing import Briefing
from negotiation.web.focus import FocusHeading
from negotiation.web.panels.council import council_view
from negotiation.web.theme import esc
from negotiation.web.words import GLOSSARY, plural, points_html, term_id, term_link


def briefing_html(b: Briefing) -> str:
    """The briefing as HTML: who you are, what you want, red lines, each round, facts."""
    parts = [f'<p class="brief-who">{esc(b.who)}</p>']
    if b.text:
        parts.append(f'<p class="brief-text">{esc(b.text)}</p>')
    if b.goals:
        rows = "".join(
            f'<tr data-issue="{esc(g.id)}"><td>{esc(g.label)}</td><td class="num">'
            f"{esc(g.ideal_text)}</td><td class='num'>{esc(g.walk_away_text)}</td>"
            f"<td class='num'>{round(100 * g.weight)}%</td></tr>"
            for g in b.goals
        )
        parts.append(
            "<h3>What you want</h3>"
            f"<table class='neg-table brief-goals'><caption>Your ideal on each issue, and your "
            f"{term_link('walk-away')} value if you concede the same share on every issue. "
            "The weight says how much the issue counts for you.</caption>"
            "<tr><th scope='col'>Issue</th><th scope='col' class='num'>Ideal</th>"
            "<th scope='col' class='num'>Walk-away</th><th scope='col' class='num'>Weight</th>"
            f"</tr>{rows}</table>"
        )
    if b.walk_away is not None:
        parts.append(
            f"<p>Any deal worth less than {points_html(b.walk_away)} to you is worse than no deal "
            f"(your {term_link('walk-away')}).</p>"
        )
    if b.red_lines:
        items = "".join(f"<li>{esc(x)}</li>" for x in b.red_lines)
        parts.append(f"<h3>Your {term_link('red line', 'red lines')}</h3><ul>{items}</ul>")
    items = "".join(f"<li>{esc(x)}</li>" for x in b.each_round)
    parts.append(f"<h3>What you can do each round</h3><ul class='brief-actions'>{items}</ul>")
    if b.facts:
        items = "".join(f"<li>{esc(x)}</li>" for x in b.facts)
        parts.append(f"<h3>Facts</h3><ul class='brief-facts'>{items}</ul>")
    if b.strategy:
        parts.append(
            f"<p class='neg-muted'>When you let your agent play, it {esc(b.strategy)}.</p>"
        )
    return "".join(parts)


def rules_html(model: NegotiationModel) -> str:
    """How the EU decides, with this game's numbers and the vote as it stands now."""
    rule = model.rule
    n = model.states.n
    need_states = next(k for k in range(n + 1) if k / n >= rule.states_share - 1e-9)
    total = model.states.population.sum()
    bilateral = [i.label.lower() for i in model.space.issues if i.bilateral]
    eu_only = [i.label.lower() for i in model.space.issues if not i.bilateral]
    now = ""
    view = council_view(model)
    if view is not None:
        title, vote = view
        verdict = "passes" if vote.passed else "fails"
        now = (
            f"<p class='rules-now'><b>Now:</b> {esc(title)}, it {verdict}: "
            f"{vote.yes_states} of {plural(vote.total_states, 'state')} for "
            f"({vote.states_share:.0%}), with {vote.population_share:.0%} of the population.</p>"
        )
    return (
        f"<p><b>{term_link('qualified majority', 'Qualified majority')}.</b> The Council approves "
        f"the deal only with at least {rule.states_share:.0%} of the states (here "
        f"{need_states} of {n}) holding at least {rule.population_share:.0%} of the population "
        f"({rule.population_share * total / 1e6:.0f} of {total / 1e6:.0f} million people).</p>"
        f"<p><b>{term_link('blocking minority', 'Blocking minority')}.</b> States holding more "
        f"than {1 - rule.population_share:.0%} of the population can block, but only if they are "
        f"at least {plural(rule.blocking_min_states, 'state')}; with fewer, the deal passes.</p>"
        f"<p><b>{term_link('mandate', 'The mandate')}.</b> The member states let the Commission "
        "negotiate for all of them. Its mandate sits near the population-weighted middle of their "
        "positions; it can accept only a deal the Council would pass.</p>"
        f"<p><b>{term_link('competence', 'EU or national competence')}.</b> Trade and export "
        f"policy are the EU's alone ({esc(', '.join(eu_only))}): no member state can sign them. "
        f"A state may sign a {term_link('bilateral deal')} with the US on national matters only "
        f"({esc(', '.join(bilateral))}).</p>" + form_html(model) + now
    )


def form_html(model: NegotiationModel) -> str:
    """The legal forms this scenario allows and the vote rule each one triggers."""
    forms = [f for f in legal_form.FORMS if f in (model.spec.legal_forms or ())]
    head = f"<p><b>The {term_link('legal form')} of the agreement and who must consent.</b> "
    if len(forms) < 2:
        parliament = (
            "The European Parliament sits in this game, but a memorandum needs no consent from it."
            if model.parliament is not None
            else "This scenario does not model the European Parliament."
        )
        return (
            head + "The bloc deal is a memorandum of understanding with an action plan, not a "
            "treaty. The Commission negotiates and signs, but only after the Council approves "
            "(the Court of Justice, case C-660/13, 2016). A binding trade agreement would also "
            f"need the European Parliament's consent (Art. 218(6) TFEU). {parliament}</p>"
        )
    items = "".join(
        f"<li><b>{esc(legal_form.LABEL[f][:1].upper() + legal_form.LABEL[f][1:])}</b>: "
        f"{esc(legal_form.RULE[f])}.</li>"
        for f in forms
    )
    suspended = ""
    if model.parliament is not None:
        state = "suspended" if model.parliament.suspended else "running"
        suspended = (
            f"<p>The Parliament may suspend its {term_link('consent procedure')}; while it is "
            "suspended no binding or mixed agreement can be concluded. It is "
            f"<b class='parliament-procedure'>{state}</b> now.</p>"
        )
    return (
        head + "The US and the Commission choose the form with the terms; the form sets the vote."
        f"</p><ul class='rules-forms'>{items}</ul>{suspended}"
    )


def glossary_html() -> str:
    items = "".join(
        f'<dt id="{term_id(term)}">{esc(term)}</dt><dd>{esc(text)}</dd>'
        for term, text in sorted(GLOSSARY.items(), key=lambda kv: kv[0].lower())
    )
    return f'<dl class="glossary">{items}</dl>'


@solara.component
def BriefingCard(
    briefing: Briefing, on_close: Callable[[], None] | None = None, first: bool = False
) -> None:
    """The seat's briefing; `first` before the first move (with a button to begin)."""
    with solara.Card(classes=["briefing"]):
        FocusHeading.element(
            text=f"Your briefing: {briefing.name}", level=2, extra_class="briefing-title", grab=True
        )
        solara.HTML(tag="div", unsafe_innerHTML=briefing_html(briefing))
        if on_close is not None:
            label = "I have read my briefing: to the game" if first else "Close the briefing"
            solara.Button(label, on_click=on_close, color="primary", classes=["close-briefing"])


@solara.component
def RulesPanel(model: NegotiationModel, version: int = 0, open_: bool = False) -> None:
    """'How the EU decides', with the live numbers (folded unless `open_`)."""
    with solara.Card(classes=["neg-rules"]):
        solara.HTML(
            tag="details",
            attributes={"open": ""} if open_ else {},
            unsafe_innerHTML="<summary>How the EU decides: the rules of the game</summary>"
            + f'<div class="rules-text">{rules_html(model)}</div>',
        )


@solara.component
def Glossary() -> None:
    with solara.Card("Glossary", classes=["neg-glossary"]):
        solara.HTML(tag="div", unsafe_innerHTML=glossary_html())
