"""The three charts of the game view, as Vega-Lite specs built with Altair.

- `concession_chart`: each side's utility for the US offer and the Commission's counter, per round;
- `plane_chart`: the US-Commission utility plane: Pareto frontier, Nash point, walk-away values,
  the path of offers and counter-offers, and the deal;
- `pressure_chart`: China's export-control pressure per round.

`Chart` renders a spec without Altair's schema validation (the specs here are fixed, and the check
costs time on every round).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import solara

from negotiation.frontier import nash_point, pareto_frontier
from negotiation.model import NegotiationModel
from negotiation.web.theme import BLUE, GREY, ORANGE, VERMILLION

WIDTH, HEIGHT = 380, 260
SIDE_COLOURS = alt.Scale(domain=["US", "Commission"], range=[ORANGE, BLUE])


def _style(chart: alt.Chart, title: str) -> alt.Chart:
    return (
        chart.properties(width=WIDTH, height=HEIGHT, title=title)
        .configure_axis(labelFontSize=14, titleFontSize=16)
        .configure_legend(labelFontSize=14, titleFontSize=15, orient="bottom")
        .configure_title(fontSize=18, anchor="start")
    )


def concession_data(model: NegotiationModel) -> pd.DataFrame:
    """Long table: round, offer (US offer / Commission counter), side, utility."""
    frame = model.rounds_frame()
    rows = []
    columns = {
        ("US offer", "US"): "us_offer_us_utility",
        ("US offer", "Commission"): "us_offer_commission_utility",
        ("Commission counter", "US"): "counter_us_utility",
        ("Commission counter", "Commission"): "counter_commission_utility",
    }
    for record in frame.to_dict(orient="records"):
        for (offer, side), column in columns.items():
            value = record.get(column)
            if value is not None and value == value:
                rows.append(
                    {"round": record["round"], "offer": offer, "side": side, "utility": value}
                )
    return pd.DataFrame(rows, columns=["round", "offer", "side", "utility"])


def concession_chart(model: NegotiationModel) -> alt.Chart:
    data = concession_data(model)
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3)
        .encode(
            x=alt.X("round:Q", title="round", scale=alt.Scale(domain=[1, model.rounds]),
                    axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("utility:Q", title="utility", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("side:N", title="utility to", scale=SIDE_COLOURS),
            strokeDash=alt.StrokeDash("offer:N", title="package"),
            tooltip=["round", "offer", "side", alt.Tooltip("utility:Q", format=".2f")],
        )
    )  # fmt: skip
    return _style(chart, "Concessions: what each package is worth")


def plane_data(model: NegotiationModel) -> dict[str, pd.DataFrame]:
    """Frontier polyline, Nash point, offer paths and the deal, in the US-Commission plane."""
    us, com = model.us, model.commission
    segments = pareto_frontier(us.side, com.side, com.clause_options)
    frontier = pd.DataFrame(
        [{"us": p[0], "commission": p[1], "order": 2 * k + j}
         for k, seg in enumerate(segments) for j, p in enumerate(seg)]
    )  # fmt: skip
    nash = nash_point(segments, (us.side.reservation, com.base_reservation))
    offers = [
        {"us": us.utility(p), "commission": com.utility(p), "who": "US offers", "n": k + 1}
        for k, p in enumerate(us.offers)
    ] + [
        {
            "us": us.utility(p),
            "commission": com.utility(p),
            "who": "Commission counters",
            "n": k + 1,
        }
        for k, p in enumerate(com.counters)
    ]
    points = [{"us": nash.u_a, "commission": nash.u_b, "what": "Nash point"}] if nash else []
    if model.signed is not None:
        points.append(
            {
                "us": us.utility(model.signed),
                "commission": com.utility(model.signed),
                "what": "deal",
            }
        )
    return {
        "frontier": frontier,
        "offers": pd.DataFrame(offers, columns=["us", "commission", "who", "n"]),
        "points": pd.DataFrame(points, columns=["us", "commission", "what"]),
        "walkaway": pd.DataFrame([{"us": us.side.reservation, "commission": com.base_reservation}]),
    }


def plane_chart(model: NegotiationModel) -> alt.Chart:
    d = plane_data(model)
    x = alt.X("us:Q", title="utility to the US", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("commission:Q", title="utility to the Commission", scale=alt.Scale(domain=[0, 1]))
    frontier = (
        alt.Chart(d["frontier"])
        .mark_line(color=GREY, strokeWidth=3)
        .encode(x=x, y=y, order="order:Q")
    )
    walk_us = alt.Chart(d["walkaway"]).mark_rule(color=ORANGE, strokeDash=[4, 4]).encode(x="us:Q")
    walk_c = (
        alt.Chart(d["walkaway"]).mark_rule(color=BLUE, strokeDash=[4, 4]).encode(y="commission:Q")
    )
    path = (
        alt.Chart(d["offers"])
        .mark_line(point=alt.OverlayMarkDef(size=80), strokeWidth=2)
        .encode(
            x=x,
            y=y,
            order="n:Q",
            color=alt.Color(
                "who:N",
                title="offers",
                scale=alt.Scale(domain=["US offers", "Commission counters"], range=[ORANGE, BLUE]),
            ),
            tooltip=["who", "n", alt.Tooltip("us:Q", format=".2f"),
                     alt.Tooltip("commission:Q", format=".2f")],
        )
    )  # fmt: skip
    points = (
        alt.Chart(d["points"])
        .mark_point(size=320, filled=True, color="#000")
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "what:N",
                title="",
                scale=alt.Scale(domain=["Nash point", "deal"], range=["diamond", "square"]),
            ),
            tooltip=["what", alt.Tooltip("us:Q", format=".2f"),
                     alt.Tooltip("commission:Q", format=".2f")],
        )
    )  # fmt: skip
    layered = alt.layer(frontier, walk_us, walk_c, path, points).resolve_scale(
        color="independent", shape="independent"
    )
    return _style(layered, "Utility plane: frontier, Nash point, offers")


def pressure_chart(model: NegotiationModel) -> alt.Chart:
    data = pd.DataFrame(
        {
            "round": list(range(1, len(model.china.pressure_path) + 1)),
            "pressure": model.china.pressure_path,
        }
    )
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3, color=VERMILLION)
        .encode(
            x=alt.X("round:Q", title="round", scale=alt.Scale(domain=[1, model.rounds]),
                    axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("pressure:Q", title="export-control pressure", scale=alt.Scale(domain=[0, 1])),
            tooltip=["round", alt.Tooltip("pressure:Q", format=".2f")],
        )
    )  # fmt: skip
    return _style(chart, "China's pressure")


@solara.component
def Chart(chart: alt.TopLevelMixin, classes: list[str] | None = None) -> None:
    """Render an Altair chart, skipping Altair's schema validation."""
    with solara.Div(classes=classes or []):
        solara.widgets.VegaLite.element(spec=chart.to_dict(validate=False))
