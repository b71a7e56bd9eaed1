"""Levers beside the bloc talks: the Commission's EU funds for member states and the US tariff
threats. Each editor starts from the seat agent's suggestion and calls `on_touch` when the person
changes it (the panel then sends what is shown instead of the agent's move)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import solara

from negotiation.actors.commission import PAYMENT_STEP
from negotiation.web.panels.inputs import moved
from negotiation.web.theme import esc
from negotiation.web.words import amount, points_html, points_text, term_link

PAY_STEP = PAYMENT_STEP
"""The funds sliders' step: the engine's own (half a point), so a slider reaches every amount
the Commission's agent pays or a state asks."""


def floor_to(value: float, step: float = PAY_STEP) -> float:
    """`value` rounded down to `step` (a default must not exceed the funds left)."""
    return round(math.floor(value / step + 1e-9) * step, 6)


def ceil_to(value: float, step: float = PAY_STEP) -> float:
    """`value` rounded up to `step` (an amount that should tip a state must not fall short)."""
    return round(math.ceil(value / step - 1e-9) * step, 6)


def state_items(codes: list[str], names: dict[str, str]) -> list[dict[str, str]]:
    """A list's entries: the state's name shown, its code the value sent."""
    return [{"text": names.get(c, c), "value": c} for c in codes]


def over_budget(total: float, left: float, what: str, of: str) -> str | None:
    """The inline warning when `total` exceeds what is `left`, in points; None when it fits."""
    if total <= left + 1e-9:
        return None
    return (
        f"{what} {points_text(total)}, more than the {points_text(left)} {of}: lower an amount "
        "(or drop a state) to send your move."
    )


def funds_html(info: dict[str, Any], names: dict[str, str]) -> str:
    """The states asking for EU funds, and those that would vote no by a small margin."""
    asks: dict[str, float] = info.get("asks") or {}
    gaps: dict[str, float] = info.get("vote_gaps") or {}
    rows = "".join(
        f"<tr><td>{esc(names.get(c, c))}</td><td class='num'>"
        f"{points_html(asks[c], unit=False, exact=True) if c in asks else '—'}</td>"
        f"<td class='num'>{points_html(gaps[c], unit=False, exact=True) if c in gaps else '—'}"
        "</td></tr>"
        for c in sorted({*asks, *gaps}, key=lambda c: (c not in asks, asks.get(c, gaps.get(c))))
    )
    if not rows:
        return "<p class='neg-muted'>No state asks for EU funds now.</p>"
    return (
        "<table class='neg-table funds-table'><caption>Who asks for EU funds</caption><tr>"
        "<th scope='col'>State</th><th scope='col' class='num'>asks (points)</th>"
        "<th scope='col' class='num'>would vote no by (points)</th></tr>" + rows + "</table>"
    )


@solara.component
def PaymentsEditor(
    info: dict[str, Any],
    names: dict[str, str],
    payments: solara.Reactive[dict[str, float]],
    on_touch: Any,
) -> None:
    """EU funds per state: choose the states, then the amount for each, within the funds left.
    Amounts are shown to a tenth of a point, as they are sent."""
    left = float(info.get("eu_funds_left", 0.0))
    asks: dict[str, float] = info.get("asks") or {}
    gaps: dict[str, float] = info.get("vote_gaps") or {}
    wanted = {**gaps, **asks}

    def starting(code: str) -> float:
        """A new state's amount: its ask, else the least step above its no vote's margin."""
        return asks[code] if code in asks else floor_to(gaps.get(code, 0.0)) + PAY_STEP

    def set_states(codes: list[str]) -> None:
        on_touch()
        kept = {c: payments.value[c] for c in codes if c in payments.value}
        for code in codes:
            if code not in kept:
                room = max(0.0, left - sum(kept.values()))
                kept[code] = floor_to(min(starting(code), room))
        payments.set(kept)

    def set_amount(code: str, value: float) -> None:
        if moved(payments.value.get(code, 0.0), value, PAY_STEP):
            on_touch()
            payments.set({**payments.value, code: float(value)})

    solara.HTML(tag="h3", unsafe_innerHTML=f"{term_link('EU funds', 'EU funds')} for member states")
    solara.HTML(
        tag="p",
        classes=["funds-left"],
        unsafe_innerHTML=f"You have {points_html(left, exact=True)} of EU funds left this game. "
        "A payment adds to what the bloc deal is worth to that state, so it may back the bloc or vote "
        "yes.",
    )
    solara.HTML(tag="div", unsafe_innerHTML=funds_html(info, names))
    codes = sorted(names, key=lambda c: (c not in wanted, names[c]))
    solara.SelectMultiple(
        "States to pay",
        values=list(payments.value),
        all_values=state_items(codes, names),
        on_value=set_states,
        classes=["payment-states"],
    )
    for code, paid in payments.value.items():
        asked = (
            f" (it asks {amount(asks[code])})"
            if code in asks
            else (f" (it would vote no by {amount(gaps[code])})" if code in gaps else "")
        )
        with solara.Div(classes=[f"slider-payment-{code}"]):
            solara.SliderFloat(
                f"{names.get(code, code)}: {points_text(paid)}{asked}",
                value=paid,
                min=0.0,
                max=max(floor_to(left), paid, PAY_STEP),
                step=PAY_STEP,
                on_value=lambda v, c=code: set_amount(c, v),
                thumb_label=False,
            )
    solara.Text(
        f"Total {amount(sum(payments.value.values()))} of {points_text(left)} left.",
        classes=["payment-total"],
    )


def tariff_move(chosen: list[str], threatened_now: list[str]) -> dict[str, list[str]]:
    """The US move's `tariffs`: threaten the chosen states, withdraw the other threats."""
    return {"threaten": list(chosen), "withdraw": [c for c in threatened_now if c not in chosen]}


@solara.component
def TariffEditor(
    info: dict[str, Any],
    names: dict[str, str],
    chosen: solara.Reactive[list[str]],
    on_touch: Callable[[], None],
) -> None:
    """Which member states the US threatens with tariffs after this move."""
    now: list[str] = info.get("threatened") or []
    free: list[str] = info.get("free_states") or []
    size = float(info.get("tariff_size") or 0.0)

    def choose(codes: list[str]) -> None:
        on_touch()
        chosen.set(list(codes))

    solara.HTML(tag="h3", unsafe_innerHTML=f"{term_link('tariff threat', 'Tariff threats')}")
    solara.HTML(
        tag="p",
        unsafe_innerHTML="A threatened state loses "
        + points_html(size)
        + " if it ends the game with no deal with the US (neither the bloc deal nor a bilateral "
        "one). Threatened now: "
        + (esc(", ".join(names.get(c, c) for c in now)) if now else "none")
        + ".",
    )
    solara.SelectMultiple(
        "States threatened with tariffs after this move",
        values=chosen.value,
        all_values=state_items(free, names),
        on_value=choose,
        classes=["tariff-states"],
    )
    withdrawn = [c for c in now if c not in chosen.value]
    added = [c for c in chosen.value if c not in now]
    said = []
    if added:
        said.append("threaten " + ", ".join(names.get(c, c) for c in added))
    if withdrawn:
        said.append("withdraw the threat against " + ", ".join(names.get(c, c) for c in withdrawn))
    solara.HTML(
        tag="p",
        unsafe_innerHTML=esc(
            ("This move will " + " and ".join(said) + ".") if said else "No change to the threats."
        ),
        classes=["tariff-change"],
    )
