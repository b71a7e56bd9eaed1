"""'On the table': the US offer and the Commission's counter-offer side by side in real units,
with each side's utility, and the bilateral offers the US made to single states."""

from __future__ import annotations

import solara

from negotiation import legal_form
from negotiation.issues import Package, group_offers
from negotiation.model import NegotiationModel
from negotiation.web.theme import esc
from negotiation.web.words import points_html, term_link

SHOWN_OFFERS = 3
"""Bilateral offers drawn as columns; the rest are named below the table."""


def _clause(package: Package) -> str:
    return "in" if package.clause else "OUT"


FORM_WORDS = {
    legal_form.NON_BINDING: "non-binding",
    legal_form.BINDING: "binding",
    legal_form.MIXED: "mixed",
}


def _form(package: Package) -> str:
    return FORM_WORDS.get(package.form, "—")


def table_html(model: NegotiationModel) -> str:
    """An HTML table: one row per issue, a column per package on the table."""
    space, us, com = model.space, model.us, model.commission
    columns: list[tuple[str, Package, bool]] = []
    if model.agreement is not None:  # accepted this round: it replaces the offer and counter
        agreed = "Signed bloc deal" if model.signed is not None else "Agreed, to the Council vote"
        columns.append((agreed, model.agreement, False))
    else:
        if model.us_offer is not None:
            columns.append(("US offer", model.us_offer, False))
        if model.counter is not None:
            columns.append(("Commission counter", model.counter, False))
    groups = group_offers(model.offers_now())
    for rows, offer in groups[:SHOWN_OFFERS]:
        columns.append(
            (f"US bilateral offer to {', '.join(model.states.codes[i] for i in rows)}", offer, True)
        )
    if not columns:
        return '<p class="neg-muted">Nothing on the table yet.</p>'
    head = "".join(f'<th scope="col" class="num">{esc(title)}</th>' for title, _, _ in columns)
    rows = []
    for k, issue in enumerate(space.issues):
        cells = "".join(
            '<td class="num">—</td>'
            if only_bilateral and not issue.bilateral
            else f'<td class="num">{esc(issue.format(p.values[k]))}</td>'
            for _, p, only_bilateral in columns
        )
        rows.append(f"<tr><td>{esc(issue.label)}</td>{cells}</tr>")
    rows.append(
        f"<tr><td>{term_link('territorial clause', 'Territorial clause')}</td>"
        + "".join(f'<td class="num">{_clause(p)}</td>' for _, p, _ in columns)
        + "</tr>"
    )
    if len(model.spec.legal_forms) > 1:
        rows.append(
            f"<tr class='form-row'><td>{term_link('legal form', 'Legal form')}</td>"
            + "".join(
                '<td class="num">—</td>' if bil else f'<td class="num">{_form(p)}</td>'
                for _, p, bil in columns
            )
            + "</tr>"
        )
    rows.append(
        "<tr><th>Worth to the US</th>"
        + "".join(
            f'<th class="num">{points_html(us.bilateral_utility(p) if bil else us.utility(p))}</th>'
            for _, p, bil in columns
        )
        + "</tr>"
    )
    rows.append(
        "<tr><th>Worth to the Commission</th>"
        + "".join(
            '<th class="num">—</th>'
            if bil
            else f'<th class="num">{points_html(com.utility(p))}</th>'
            for _, p, bil in columns
        )
        + "</tr>"
    )
    courted = ""
    if any(bil for *_, bil in columns):
        names = [model.states.names[i] for rows, _ in groups for i in rows]
        more = len(groups) - SHOWN_OFFERS
        courted = (
            f'<p class="neg-muted">{term_link("bilateral deal", "Bilateral offers")} made to: '
            f"{esc(', '.join(names))}"
            + (f" ({more} more sets of terms in the move log)" if more > 0 else "")
            + ". The US tailors each offer to the state; a bilateral deal covers national "
            "issues only (—).</p>"
        )
    return (
        f'<table class="neg-table on-the-table"><tr><th scope="col">Issue</th>{head}</tr>'
        + "".join(rows)
        + "</table>"
        + courted
    )


@solara.component
def OnTheTable(model: NegotiationModel, version: int = 0) -> None:
    with solara.Card("On the table", classes=["neg-on-the-table"]):
        solara.HTML(tag="div", unsafe_innerHTML=table_html(model))
