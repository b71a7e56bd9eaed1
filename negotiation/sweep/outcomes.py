"""User outcome functions and the per-state table of a finished game.

A sweep file may name extra outcome columns as `NAME: module:function`. The function takes the
finished model and returns one value (a number, true/false, a word, or None); its value becomes the
column NAME of the run's row. A column holds one type: None mixes with any, but a function that
returns a word in one run and a number in another stops the sweep (`OutcomeKinds`). The module
must be importable where the games run (installed, or on PYTHONPATH; on every Dask worker too).
Functions are checked (imported, callable) before any game is played.

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

import pyarrow as pa

from negotiation.issues import CLAUSE
from negotiation.sweep.columns import DRAWN, FIXED
from negotiation.sweep.grid import GridError

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
BUILT_IN_PREFIXES = ("u_", "deal_", DRAWN)  # utilities, bloc deal terms, private values
EMA_OUTCOME = "outcome_"  # the EMA export's 0/1 column per outcome type (`export.ema_results`)
INT64 = 2**63  # a whole number a column holds is above -INT64 and below INT64
AGAIN = "fix it and run the same command again: the games saved so far are kept"


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
            f"outcome function {target!r}: cannot import {module_name} ({err}); the module must "
            "be importable: install it, or put its folder on PYTHONPATH (e.g. PYTHONPATH=. "
            "negotiation sweep ...)"
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
        if name.startswith(EMA_OUTCOME):
            raise GridError(
                f"outcome {name!r}: the EMA export makes the columns {EMA_OUTCOME}<type> (1 where "
                f"a run ends in that outcome type), and {name} would overwrite one; give another "
                "name"
            )
        if name in FIXED or name.startswith(BUILT_IN_PREFIXES):
            raise GridError(
                f"outcome {name!r}: every row has a column {name}; give another name (not one "
                f"of {', '.join(FIXED)}, nor u_*, deal_*, {DRAWN}*, {EMA_OUTCOME}*)"
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
        try:
            value = resolve(target)(model)
        except Exception as err:
            raise OutcomeError(f"{where} raised {type(err).__name__}: {err}; {AGAIN}") from None
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if value is not None and not isinstance(value, bool | int | float | str):
            raise OutcomeError(
                f"{where} returned {type(value).__name__}; return a number, true/false, a word "
                f"or None; {AGAIN}"
            )
        if isinstance(value, int) and abs(value) >= INT64:
            raise OutcomeError(
                f"{where} returned {value}, a whole number too large for a column (at most "
                f"2**63 - 1 either way); return float(...) or a smaller number; {AGAIN}"
            )
        row[name] = value
    return row


def value_kind(value: Any) -> str | None:
    """What a user outcome value is, in words: a number, true/false or a word (None: nothing)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true/false"
    return "a number" if isinstance(value, int | float) else "a word"


def arrow_kind(kind: pa.DataType) -> str | None:
    """What a column of this Arrow type holds, in the words of `value_kind`."""
    if pa.types.is_null(kind):
        return None
    if pa.types.is_boolean(kind):
        return "true/false"
    return "a number" if pa.types.is_integer(kind) or pa.types.is_floating(kind) else "a word"


class OutcomeKinds:
    """The kind of value each user outcome has returned so far in a sweep, and where first: a
    column holds one type, so a function that returns another kind stops the sweep (None mixes
    with any kind; whole and decimal numbers are both numbers)."""

    def __init__(self, functions: Mapping[str, str]):
        self.functions = dict(functions)
        self.seen: dict[str, tuple[str, str]] = {}

    def see(self, name: str, kind: str | None, where: str) -> None:
        """Note that outcome NAME gave KIND at WHERE; OutcomeError if it gave another before."""
        if kind is None or name not in self.functions:
            return
        first, first_where = self.seen.setdefault(name, (kind, where))
        if first != kind:
            raise OutcomeError(
                f"outcome {name} ({self.functions[name]}) returned {first} in {first_where} and "
                f"{kind} in {where}; a column holds one type (None mixes with any): return the "
                f"same type in every run; {AGAIN}"
            )

    def see_row(self, row: Mapping[str, Any], run_id: str) -> None:
        for name, value in row.items():
            self.see(name, value_kind(value), f"run {run_id}")

    def see_schema(self, schema: pa.Schema, where: str) -> None:
        for name in self.functions:
            if name in schema.names:
                self.see(name, arrow_kind(schema.field(name).type), where)

    def see_table(self, table: pa.Table) -> None:
        """The user columns of a chunk's runs, each named by the first run with a value."""
        for name in self.functions:
            if name not in table.column_names:
                continue
            valued = table.filter(table[name].is_valid())["run_id"]
            if len(valued):
                kind = arrow_kind(table.schema.field(name).type)
                self.see(name, kind, f"run {valued[0].as_py()}")


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
