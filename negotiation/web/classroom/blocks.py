"""Small building blocks the classroom's pages share."""

from __future__ import annotations

import solara


@solara.component
def Line(text: str, classes: list[str] | None = None) -> None:
    """One entry of a list (a timeline line, a message) on a line of its own: a block, where
    `solara.Text` is an inline span and consecutive entries run into one paragraph."""
    solara.v.Html(tag="div", children=[text], class_=" ".join(classes or []))
