"""The three charts of the game view, as Vega-Lite specs built with Altair.

- `concession_chart`: each side's utility for the US offer and the Commission's counter, per round;
- `plane_chart`: the US-Commission utility plane: Pareto frontier, Nash point, walk-away values,
  the path of offers and counter-offers, and the deal;
- `pressure_chart`: China's export-control pressure per round.

Building a chart with Altair takes tens of milliseconds, too slow for every round. So each chart is
built once per game with named data sets (`chart_templates`), and each round gives only the data
(`chart_data`). `Chart` draws a template once (`LiveChart`, livechart.py) and then hands each
round's data to the running Vega view, which redraws only what changed.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import solara

from negotiation.frontier import nash_point, pareto_frontier
from negotiation.model import NegotiationModel
from negotiation.web.livechart import LiveChart
from negotiation.web.theme import BLUE, GREY, ORANGE, VERMILLION, esc

WIDTH, HEIGHT = "container", 260
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.2.0.json"
"""The Vega-Lite the app serves and draws with (solara-assets ships vega-lite 5.2.0). Altair 6
writes v6 specs; the charts here use nothing v5 lacks, so they are declared v5: one version end
to end, and no version-mismatch warnings in the browser."""
CHART_NAMES = ("concessions", "plane", "pressure")
Records = list[dict[str, Any]]


def _style(chart: alt.TopLevelMixin, title: str) -> alt.TopLevelMixin:
    return (
        chart.properties(
            width=WIDTH, height=HEIGHT, title=title, autosize={"type": "fit", "contains": "padding"}
        )
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
                    {"round": record["round"], "offer": offer, "side": side, "points": 100 * value}
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
        {"us": 100 * us.utility(p), "commission": 100 * com.utility(p), "who": "US offers",
         "n": k + 1}
        for k, p in enumerate(us.offers)
    ]  # fmt: skip
    offers += [
        {
            "us": 100 * us.utility(p),
            "commission": 100 * com.utility(p),
            "who": "Commission counters",
            "n": k + 1,
        }
        for k, p in enumerate(com.counters)
    ]
    deal = []
    if model.signed is not None:
        deal = [
            {"us": 100 * us.utility(model.signed), "commission": 100 * com.utility(model.signed)}
        ]
    return {"offers": offers, "deal": deal}


def frontier_data(model: NegotiationModel) -> dict[str, Records]:
    """What does not change in a game: the Pareto frontier, the Nash point, walk-away values."""
    us, com = model.us, model.commission
    segments = pareto_frontier(us.side, com.side, com.frames)
    frontier = [
        {"us": 100 * p[0], "commission": 100 * p[1], "order": 2 * k + j}
        for k, seg in enumerate(segments)
        for j, p in enumerate(seg)
    ]
    nash = nash_point(segments, (us.side.reservation, com.base_reservation))
    return {
        "frontier": frontier,
        "nash": [{"us": 100 * nash.u_a, "commission": 100 * nash.u_b}] if nash else [],
        "walkaway": [{"us": 100 * us.side.reservation, "commission": 100 * com.base_reservation}],
    }


def pressure_data(model: NegotiationModel) -> Records:
    return [{"round": k + 1, "pressure": 100 * p} for k, p in enumerate(model.china.pressure_path)]


# --- chart templates, built once per game -----------------------------------------------------


def concession_chart(rounds: int) -> alt.TopLevelMixin:
    chart = (
        alt.Chart(alt.NamedData("concessions"))
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3)
        .encode(
            x=_rounds_axis(rounds),
            y=alt.Y("points:Q", title="points (of 100)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "side:N",
                title="worth to",
                scale=alt.Scale(domain=["US", "Commission"], range=[ORANGE, BLUE]),
            ),
            strokeDash=alt.StrokeDash(
                "offer:N",
                title="package",
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=400),
            ),
            shape=alt.Shape("offer:N", title="package", legend=None),
            tooltip=["round:Q", "offer:N", "side:N", alt.Tooltip("points:Q", format=".0f")],
        )
    )
    return _style(chart, "Concessions: what each package is worth")


def plane_chart() -> alt.TopLevelMixin:
    x = alt.X("us:Q", title="points for the US", scale=alt.Scale(domain=[0, 100]))
    y = alt.Y("commission:Q", title="points for the Commission", scale=alt.Scale(domain=[0, 100]))
    values = [alt.Tooltip("us:Q", format=".0f"), alt.Tooltip("commission:Q", format=".0f")]
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
        .mark_text(text="fair split", dx=14, dy=-14, fontSize=15, fontWeight="bold")
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
    return _style(layered, "Who gets what: offers, fair split, best deals")


def pressure_chart(rounds: int) -> alt.TopLevelMixin:
    chart = (
        alt.Chart(alt.NamedData("pressure"))
        .mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3, color=VERMILLION)
        .encode(
            x=_rounds_axis(rounds),
            y=alt.Y(
                "pressure:Q",
                title="export-control pressure (of 100)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            tooltip=["round:Q", alt.Tooltip("pressure:Q", format=".0f")],
        )
    )
    return _style(chart, "China's pressure")


def _marks_silent(node: Any) -> None:
    """Set `aria: false` on every mark of a spec (and on its point overlays)."""
    if isinstance(node, list):
        for item in node:
            _marks_silent(item)
    elif isinstance(node, dict):
        mark = node.get("mark")
        if isinstance(mark, str):
            node["mark"] = {"type": mark, "aria": False}
        elif isinstance(mark, dict):
            mark["aria"] = False
            if isinstance(mark.get("point"), dict):
                mark["point"]["aria"] = False
        for key in ("layer", "hconcat", "vconcat", "concat", "spec"):
            if key in node:
                _marks_silent(node[key])


def chart_templates(model: NegotiationModel) -> dict[str, dict[str, Any]]:
    """The three Vega-Lite specs of a game, without their round-by-round data."""
    charts = {
        "concessions": concession_chart(model.rounds),
        "plane": plane_chart(),
        "pressure": pressure_chart(model.rounds),
    }
    specs = {name: chart.to_dict(validate=False) for name, chart in charts.items()}
    for spec in specs.values():
        spec["$schema"] = VEGA_LITE_SCHEMA
        # no "..." actions menu: an unlabelled control, and saving images is not needed here
        spec["usermeta"] = {"embedOptions": {"actions": False, "renderer": "svg"}}
        # the marks are not read out one by one: the chart's description and the sentence
        # under it say what it shows
        spec.setdefault("config", {})["aria"] = False
        _marks_silent(spec)
    specs["plane"]["datasets"] = frontier_data(model)
    return specs


def chart_data(model: NegotiationModel) -> dict[str, dict]:
    """Per chart, its named data sets that change round by round (the ones fixed for a game,
    such as the frontier, are in the chart's template)."""
    return {
        "concessions": {"concessions": concession_data(model)},
        "plane": plane_data(model),
        "pressure": {"pressure": pressure_data(model)},
    }


def chart_texts(model: NegotiationModel) -> dict[str, str]:
    """A sentence per chart saying what it shows now (the charts' text alternative)."""
    us, com = model.us, model.commission
    if us.offers:
        last = us.offers[-1]
        concessions = (
            f"{len(us.offers)} US offers so far; the latest is worth "
            f"{round(100 * us.utility(last))} points to the US and "
            f"{round(100 * com.utility(last))} to the Commission."
        )
        if com.counters:
            c = com.counters[-1]
            concessions += (
                f" The latest Commission counter-offer is worth {round(100 * us.utility(c))} to "
                f"the US and {round(100 * com.utility(c))} to the Commission."
            )
    else:
        concessions = "No offers yet."
    nash = frontier_data(model)["nash"]
    plane = (
        f"The fair split (Nash point) gives the US {nash[0]['us']:.0f} points and the "
        f"Commission {nash[0]['commission']:.0f}."
        if nash
        else "No deal beats both walk-away values."
    )
    plane += (
        f" Walk-away values: the US {round(100 * us.side.reservation)}, the Commission "
        f"{round(100 * com.base_reservation)}."
    )
    if model.signed is not None:
        plane += (
            f" The deal: the US {round(100 * us.utility(model.signed))}, the Commission "
            f"{round(100 * com.utility(model.signed))}."
        )
    path = model.china.pressure_path
    pressure = (
        "China's pressure by round, out of 100: "
        + ", ".join(str(round(100 * p)) for p in path)
        + "."
        if path
        else "China has not moved yet."
    )
    return {"concessions": concessions, "plane": plane, "pressure": pressure}


@solara.component
def Chart(
    template: str,
    datasets: str,
    text: str = "",
    classes: list[str] | None = None,
) -> None:
    """A chart drawn once per game from `template` (a Vega-Lite spec as JSON text), then fed each
    round's `datasets` (JSON text: data set name -> rows); `text` is its description for screen
    readers and, below it, for everyone."""
    with solara.Div(classes=[*(classes or []), "neg-chart"]):
        LiveChart.element(spec=template, datasets=datasets, description=text)
        solara.HTML(tag="p", unsafe_innerHTML=esc(text), classes=["chart-text"])
