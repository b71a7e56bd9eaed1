"""The page frame: title bar, a tab per page, and the session's game for every page."""

from __future__ import annotations

import solara

from negotiation.web.context import provide_app_state
from negotiation.web.focus import PageSetup
from negotiation.web.theme import CSS


@solara.component
def Layout(children: list | None = None) -> None:
    """Solara's app layout with our type sizes; tabs appear once there is more than one page."""
    provide_app_state()
    route, routes = solara.use_route()
    router = solara.use_router()
    paths = [solara.resolve_path(r, level=0) for r in routes]
    solara.Style(CSS)
    PageSetup.element()
    with solara.AppLayout(
        title="Critical minerals 2026: a negotiation game",
        classes=["neg-app"],
        style={"height": "100%", "overflow": "auto", "padding": "12px 24px"},
    ):
        if len(routes) > 1:
            with (
                solara.AppBar(),
                solara.lab.Tabs(
                    value=routes.index(route) if route in routes else 0,
                    on_value=lambda i: router.push(paths[i]),
                    align="center",
                ),
            ):
                for r in routes:
                    solara.lab.Tab(r.label or r.path)
        for child in children or []:
            solara.display(child)
