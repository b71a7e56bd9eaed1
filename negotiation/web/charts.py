"""The three charts of the game view, as Vega-Lite specs built with Altair.

- `concession_chart`: each side's utility for the US offer and the Commission's counter, per round;
- `plane_chart`: the US-Commission utility plane: Pareto frontier, Nash point, walk-away values,
  the path of offers and counter-offers, and the deal;
- `pressure_chart`: China's export-control pressure per round.

Building a chart with Altair takes tens of milliseconds, too slow for every round. So each chart is
built once per game with named data sets (`chart_templates`), and each round only fills in the data
(`chart_specs`): the Vega-Lite spec with its `datasets`. `Chart` renders such a spec.
"""

from __future__ import annotations

import copy
from typing import Any

import altair as alt
import solara

from negotiation.frontier import nash_point, pareto_frontier
from negotiation.model import NegotiationModel
from negotiation.web.theme import BLUE, GREY, ORANGE, VERMILLION

WIDTH, HEIGHT = 380, 260
CHART_NAMES = ("concessions", "plane", "pressure")
Records = list[dict[str, Any]]


def _style(chart: alt.TopLevelMixin, title: str) -> alt.TopLevelMixin:
    return (
        chart.properties(width=WIDTH, height=HEIGHT, title=title)
        .configure_axis(labelFontSize=14, titleFontSize=16)
        .configure_legend(labelFontSize=14, titleFontSize=15, orient="bottom")
        .configure_title(fontSize=18, anchor="start")
    )


def _rounds_axis(rounds: int) -> alt.X:
    return alt.X(
        "round:Q",
        title="round",
        scale=alt.Scale(domain=[1, rounds]),
        axis=alt.Axis(tickMinStep=1),
    )


# --- data, recomputed every round ------------------------------------------------------------


def concession_data(model: NegotiationModel) -> Records:
    """Round, package (US offer / Commission counter), side and that side's utility for it."""
    columns = {
        ("US offer", "US"): "us_offer_us_utility",
        ("US offer", "Commission"): "us_offer_commission_utility",
        ("Commission counter", "US"): "counter_us_utility",
        ("Commission counter", "Commission"): "counter_commission_utility",
    }
    rows = []
    for record in _round_records(model):
        for (offer, side), column in columns.items():
            value = record[column]
            if value == value:  # not NaN
                rows.append(
                    {"round": record["round"], "offer": offer, "side": side, "utility": value}
                )
    return rows


def _round_records(model: NegotiationModel) -> Records:
    """The DataCollector's rows, read without building a DataFrame (cheap every round)."""
    columns = model.datacollector.model_vars
    return [{k: v[i] for k, v in columns.items()} for i in range(len(columns["round"]))]


def plane_data(model: NegotiationModel) -> dict[str, Records]:
    """Offers, counter-offers and the deal in the US-Commission utility plane."""
    us, com = model.us, model.commission
    offers = [
        {"us": us.utility(p), "commission": com.utility(p), "who": "US offers", "n": k + 1}
        for k, p in enumerate(us.offers)
    ]
    offers += [
        {
            "us": us.utility(p),
            "commission": com.utility(p),
            "who": "Commission counters",
            "n": k + 1,
        }
        for k, p in enumerate(com.counters)
    ]
    deal = []
    if model.signed is not None:
        deal = [{"us": us.utility(model.signed), "commission": com.utility(model.signed)}]
    return {"offers": offers, "deal": deal}


def frontier_data(model: NegotiationModel) -> dict[str, Records]:
    """What does not change in a game: the Pareto frontier, the Nash point, walk-away values."""
    us, com = model.us, model.commission
    segments = pareto_frontier(us.side, com.side, com.clause_options)
    frontier = [
        {"us": p[0], "commission": p[1], "order": 2 * k + j}
        for k, seg in enumerate(segments)
        for j, p in enumerate(seg)
    ]
    nash = nash_point(segments, (us.side.reservation, com.base_reservation))
    return {
        "frontier": frontier,
        "nash": [{"us": nash.u_a, "commission": nash.u_b}] if nash else [],
        "walkaway": [{"us": us.side.reservation, "commission": com.base_reservation}],
    }


def pressure_data(model: NegotiationModel) -> Records:
    return [{"round": k + 1, "pressure": p} for k, p in enumerate(model.china.pressure_path)]


# --- chart templates, built once per game -----------------------------------------------------


def concession_chart(rounds: int) -> alt.TopLevelMixin:
    chart = (
        alt.Chart(alt.NamedData("concessions"))
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3)
        .encode(
            x=_rounds_axis(rounds),
            y=alt.Y("utility:Q", title="utility", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "side:N",
                title="utility to",
                scale=alt.Scale(domain=["US", "Commission"], range=[ORANGE, BLUE]),
            ),
            strokeDash=alt.StrokeDash("offer:N", title="package"),
            tooltip=["round:Q", "offer:N", "side:N", alt.Tooltip("utility:Q", format=".2f")],
        )
    )
    return _style(chart, "Concessions: what each package is worth")


def plane_chart() -> alt.TopLevelMixin:
    x = alt.X("us:Q", title="utility to the US", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("commission:Q", title="utility to the Commission", scale=alt.Scale(domain=[0, 1]))
    values = [alt.Tooltip("us:Q", format=".2f"), alt.Tooltip("commission:Q", format=".2f")]
    frontier = (
        alt.Chart(alt.NamedData("frontier"))
        .mark_line(color=GREY, strokeWidth=3)
        .encode(x=x, y=y, order="order:Q")
    )
    walkaway = alt.Chart(alt.NamedData("walkaway"))
    walk_us = walkaway.mark_rule(color=ORANGE, strokeDash=[4, 4]).encode(x="us:Q")
    walk_c = walkaway.mark_rule(color=BLUE, strokeDash=[4, 4]).encode(y="commission:Q")
    path = (
        alt.Chart(alt.NamedData("offers"))
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
            tooltip=["who:N", "n:Q", *values],
        )
    )
    nash = (
        alt.Chart(alt.NamedData("nash"))
        .mark_point(size=320, filled=True, color="#000", shape="diamond")
        .encode(x=x, y=y, tooltip=values)
    )
    nash_label = (
        alt.Chart(alt.NamedData("nash"))
        .mark_text(text="Nash", dx=12, dy=-12, fontSize=15, fontWeight="bold")
        .encode(x=x, y=y)
    )
    deal = (
        alt.Chart(alt.NamedData("deal"))
        .mark_point(size=380, filled=False, color="#000", shape="square", strokeWidth=3)
        .encode(x=x, y=y, tooltip=values)
    )
    deal_label = (
        alt.Chart(alt.NamedData("deal"))
        .mark_text(text="deal", dx=-18, dy=16, fontSize=15, fontWeight="bold")
        .encode(x=x, y=y)
    )
    layered = alt.layer(frontier, walk_us, walk_c, path, nash, nash_label, deal, deal_label)
    return _style(layered, "Utility plane: frontier, Nash point, offers")


def pressure_chart(rounds: int) -> alt.TopLevelMixin:
    chart = (
        alt.Chart(alt.NamedData("pressure"))
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3, color=VERMILLION)
        .encode(
            x=_rounds_axis(rounds),
            y=alt.Y("pressure:Q", title="export-control pressure", scale=alt.Scale(domain=[0, 1])),
            tooltip=["round:Q", alt.Tooltip("pressure:Q", format=".2f")],
        )
    )
    return _style(chart, "China's pressure")


def chart_templates(model: NegotiationModel) -> dict[str, dict[str, Any]]:
    """The three Vega-Lite specs of a game, without their round-by-round data."""
    charts = {
        "concessions": concession_chart(model.rounds),
        "plane": plane_chart(),
        "pressure": pressure_chart(model.rounds),
    }
    specs = {name: chart.to_dict(validate=False) for name, chart in charts.items()}
    specs["plane"]["datasets"] = frontier_data(model)
    return specs


def chart_specs(model: NegotiationModel, templates: dict[str, dict[str, Any]]) -> dict[str, dict]:
    """The templates with this round's data filled in."""
    data = {
        "concessions": {"concessions": concession_data(model)},
        "plane": plane_data(model),
        "pressure": {"pressure": pressure_data(model)},
    }
    specs = {}
    for name, template in templates.items():
        spec = copy.copy(template)
        spec["datasets"] = {**template.get("datasets", {}), **data[name]}
        specs[name] = spec
    return specs


@solara.component
def Chart(spec: dict[str, Any], classes: list[str] | None = None) -> None:
    """Render a Vega-Lite spec (a dict)."""
    with solara.Div(classes=classes or []):
        solara.widgets.VegaLite.element(spec=spec)
