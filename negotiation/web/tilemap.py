"""A tile-grid map of the EU: one square per member state, roughly where it lies in Europe,
coloured by its stance, with a short word on each tile so colour is never the only cue."""

from __future__ import annotations

import solara

from negotiation.model import NegotiationModel
from negotiation.strategies.member_states import STANCES
from negotiation.web.theme import (
    esc,
    stance_colour,
    stance_short,
    stance_text_colour,
    stance_words,
)

# (column, row) of each EU member state on a 7 x 7 grid, north-west at the top left.
EU_TILES: dict[str, tuple[int, int]] = {
    "SE": (4, 0), "FI": (5, 0),
    "IE": (0, 1), "DK": (3, 1), "EE": (5, 1),
    "NL": (1, 2), "DE": (2, 2), "PL": (3, 2), "LV": (5, 2),
    "BE": (1, 3), "LU": (2, 3), "CZ": (3, 3), "SK": (4, 3), "LT": (5, 3),
    "FR": (1, 4), "AT": (2, 4), "SI": (3, 4), "HU": (4, 4), "RO": (5, 4),
    "PT": (0, 5), "ES": (1, 5), "IT": (2, 5), "HR": (3, 5), "BG": (5, 5),
    "MT": (2, 6), "EL": (4, 6), "CY": (5, 6),
}  # fmt: skip
COLUMNS = 6


def tile_positions(codes: list[str]) -> dict[str, tuple[int, int]]:
    """Grid places for the codes: known states where they lie, any others in rows below."""
    places = {c: EU_TILES[c] for c in codes if c in EU_TILES}
    bottom = max((row for _, row in places.values()), default=-1) + 1
    others = [c for c in codes if c not in EU_TILES]
    for k, code in enumerate(others):
        places[code] = (k % COLUMNS, bottom + k // COLUMNS)
    return places


def tiles_html(model: NegotiationModel, you: frozenset[str] = frozenset()) -> str:
    """The map as HTML: a CSS grid of tiles plus the legend."""
    states = model.states
    places = tile_positions(states.codes)
    width = max(col for col, _ in places.values()) + 1
    cells = []
    for i, code in enumerate(states.codes):
        col, row = places[code]
        stance = STANCES[int(states.stance[i])]
        marks = []
        if i in states.deals:
            marks.append("signed")
        if states.inducement[i] > 0:
            marks.append("China $")
        if code in you:
            marks.append("you")
        note = stance_short(stance) + (" · " + ", ".join(marks) if marks else "")
        title = f"{states.names[i]}: {stance_words(stance)}" + (
            f" ({', '.join(marks)})" if marks else ""
        )
        cells.append(
            f'<div class="neg-tile{" you" if code in you else ""}" data-state="{esc(code)}" '
            f'data-stance="{stance}" title="{esc(title)}" '
            f'style="grid-column:{col + 1};grid-row:{row + 1};'
            f'background:{stance_colour(stance)};color:{stance_text_colour(stance)}">'
            f"{esc(code)}<small>{esc(note)}</small></div>"
        )
    legend = "".join(
        f'<span class="swatch" style="background:{stance_colour(s)}"></span>'
        f"{stance_short(s)} = {stance_words(s)}"
        for s in STANCES
    )
    counts = {s: int((states.stance == k).sum()) for k, s in enumerate(STANCES)}
    summary = ", ".join(f"{counts[s]} {stance_words(s)}" for s in STANCES)
    return (
        f'<div class="neg-tiles" style="grid-template-columns:repeat({width}, 64px)">'
        + "".join(cells)
        + f'</div><div class="neg-legend" style="margin-top:8px">{legend}</div>'
        + f'<div class="neg-muted tile-summary">{esc(summary)}</div>'
    )


@solara.component
def TileMap(model: NegotiationModel, you: frozenset[str] = frozenset(), version: int = 0) -> None:
    with solara.Card("Member states", classes=["neg-tilemap"]):
        solara.HTML(tag="div", unsafe_innerHTML=tiles_html(model, you))
