"""User outcome functions and the per-state table of a finished game.

A sweep file may name extra outcome columns as `NAME: module:function`. The function takes the
finished model and returns one value (a number, true/false, a word, or None); its value becomes the
column NAME of the run's row. The module must be importable where the games run (on every Dask
worker too). Functions are checked (imported, callable) before any game is played.

The per-state table has one row per member state per run, from the engine's `Outcome.states`
(code, name, stance, vote, bilateral, deal_round, utility, payoff, eu_payment, china_inducement,
tariff_threat), with the partner of a bilateral deal and its terms as tailored to the state
(`bilateral_<issue>`, from `Outcome.bilateral_deals`); an engine without `states` gives no
per-state rows.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from negotiation.issues import CLAUSE
from negotiation.sweep.columns import DRAWN, FIXED
from negotiation.sweep.grid import GridError

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
BUILT_IN_PREFIXES = ("u_", "deal_", DRAWN)  # utilities, bloc deal terms, private values


class OutcomeError(GridError):
    """A user outcome function that failed in a game: the message names it and the run."""


STATE_COLUMNS = (
    "code",
    "name",
    "stance",
    "vote",
    "bilateral",
    "deal_round",
    "utility",
    "payoff",
    "eu_payment",
    "china_inducement",
    "tariff_threat",
)


@functools.cache
def resolve(target: str) -> Callable[[Any], Any]:
    """The function named `module:function`; GridError naming what is wrong."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise GridError(f"outcome function {target!r}: write module:function, e.g. mymod:margin")
    try:
        module = importlib.import_module(module_name)
    except Exception as err:
        raise GridError(
            f"outcome function {target!r}: cannot import {module_name} ({err})"
        ) from None
    func = module
    for part in attr.split("."):
        func = getattr(func, part, None)
        if func is None:
            raise GridError(f"outcome function {target!r}: {module_name} has no {attr}")
    if not callable(func):
        raise GridError(f"outcome function {target!r}: {attr} is not a function")
    return func


def check_outcome_functions(
    functions: Mapping[str, str], params: Sequence[str] = ()
) -> dict[str, str]:
    """Check every NAME: module:function (a name no built-in or parameter column has, the
    function importable); a plain dict."""
    checked = {}
    for name, target in functions.items():
        if not isinstance(name, str) or not NAME.match(name):
            raise GridError(f"outcome {name!r}: give a column name of letters, digits, _ and .")
        if name in FIXED or name.startswith(BUILT_IN_PREFIXES):
            raise GridError(
                f"outcome {name!r}: every row has a column {name}; give another name (not one "
                f"of {', '.join(FIXED)}, nor u_*, deal_*, {DRAWN}*)"
            )
        if name in params:
            raise GridError(
                f"outcome {name!r}: {name} is the column of a swept parameter; give another name"
            )
        if not isinstance(target, str):
            raise GridError(f"outcome {name}: give module:function as text (got {target!r})")
        resolve(target)
        checked[name] = target
    return checked


def user_outcomes(
    functions: Mapping[str, str], model: Any, run_id: str, seed: int
) -> dict[str, Any]:
    """The user columns of one finished game; OutcomeError naming the function and the run if
    one fails or returns something a column cannot hold."""
    row = {}
    for name, target in functions.items():
        where = f"outcome {name} ({target}) in run {run_id} (seed {seed})"
        again = "fix it and run the same command again: the games saved so far are kept"
        try:
            value = resolve(target)(model)
        except Exception as err:
            raise OutcomeError(f"{where} raised {type(err).__name__}: {err}; {again}") from None
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if value is not None and not isinstance(value, bool | int | float | str):
            raise OutcomeError(
                f"{where} returned {type(value).__name__}; return a number, true/false, a word "
                f"or None; {again}"
            )
        row[name] = value
    return row


def bilateral_issue_ids(model: Any) -> list[str]:
    """The ids of the issues a bilateral deal covers, and the clause: the `bilateral_<id>`
    columns of the per-state table (every state has them; null without a deal)."""
    space = getattr(model, "space", None)
    ids = [i.id for i in getattr(space, "issues", []) if getattr(i, "bilateral", False)]
    return [*ids, CLAUSE] if CLAUSE not in ids else ids


def state_rows(run_id: str, model: Any) -> list[dict[str, Any]] | None:
    """One row per member state (None when the engine's outcome has no `states`): its stance,
    vote, bilateral deal (partner, round and the terms tailored to it), utility and payoff."""
    outcome = model.outcome
    states = getattr(outcome, "states", None)
    if states is None:
        return None
    deals = {d["state"]: d.get("terms") or {} for d in getattr(outcome, "bilateral_deals", [])}
    issue_ids = bilateral_issue_ids(model)
    rows = []
    for s in states:
        row: dict[str, Any] = {"run_id": run_id}
        for key in STATE_COLUMNS:
            row[key] = s.get(key)
            if key == "bilateral":
                row["bilateral_partner"] = "US" if s.get("bilateral") else None
        terms = deals.get(s.get("code"))
        for issue in issue_ids:
            row[f"bilateral_{issue}"] = None if terms is None else terms.get(issue)
        rows.append(row)
    return rows
