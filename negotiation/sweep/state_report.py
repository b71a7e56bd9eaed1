"""The member states in a sweep's report, from its per-state table (`--states-table`).

Per state, over every run: the share of runs in which it signed a bilateral deal (Wilson's 95%
interval, N), its stance at the end, its vote in the last Council vote (of the runs that held
one), the mean utility and payoff with 95% intervals, the EU funds and China's offers it got, and
the mean terms of its bilateral deals (the US tailors them per state). Written as
`states_aggregate.csv` and drawn as two charts: bilateral deals by state, stance by state.
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from negotiation.sweep.charts import NamedChart, mean_ci, measure_stats
from negotiation.sweep.columns import state_column_info
from negotiation.sweep.store import read_frame, read_metadata

STANCES = ("bloc", "conditional", "bilateral", "china")
STANCE_COLOURS = ("#4c78a8", "#72b7b2", "#e45756", "#b279a2")


def find_states_table(results: Path, metadata: dict) -> Path | None:
    """The per-state table a results file was made with (kept in its metadata), if it is there."""
    name = (metadata.get("outputs") or {}).get("states_table")
    if not name:
        return None
    path = Path(name) if Path(name).is_absolute() else results.parent / name
    return path if path.is_file() else None


def load_states(path: Path, runs: pd.DataFrame, identity: dict | None = None) -> pd.DataFrame:
    """The per-state table; ValueError if it does not belong to the runs file (another sweep's
    identity, or runs the file does not hold)."""
    states = read_frame(path)
    if "run_id" not in states.columns or "code" not in states.columns:
        raise ValueError(f"{path}: not a per-state table of a sweep (no run_id and code columns)")
    meta = read_metadata(path)
    if identity and meta.get("identity") and meta["identity"] != identity:
        raise ValueError(
            f"{path}: made by another sweep (its master seed, scenario, code or design differ); "
            "give the per-state table of the same sweep"
        )
    unknown = set(states["run_id"]) - set(runs["run_id"])
    if unknown:
        raise ValueError(
            f"{path}: holds runs the results file does not ({len(unknown)}, e.g. "
            f"{sorted(unknown)[0]}); give the per-state table of the same sweep"
        )
    states.attrs["columns"] = meta.get("columns") or {}
    return states


def state_summary(states: pd.DataFrame) -> pd.DataFrame:
    """One row per member state, in the table's order: shares, means, intervals and N."""
    terms = [c for c in states.columns if c.startswith("bilateral_") and c != "bilateral_partner"]
    rows = []
    for code, group in states.groupby("code", sort=False):
        n = len(group)
        deals = group[group["bilateral"].fillna(False).astype(bool)]
        bilateral = measure_stats(group["bilateral"].astype("Float64"), share=True)
        row = {
            "code": code,
            "name": group["name"].iloc[0],
            "n": n,
            "share_bilateral": bilateral["mean"],
            "share_bilateral_low": bilateral["low"],
            "share_bilateral_high": bilateral["high"],
        }
        stance = group["stance"].astype(str)
        for name in STANCES:
            row[f"share_stance_{name}"] = float((stance == name).mean())
        votes = group["vote"].dropna()
        row["n_votes"] = len(votes)
        row["share_vote_yes"] = float((votes == "yes").mean()) if len(votes) else None
        for measure in ("utility", "payoff", "eu_payment", "china_inducement"):
            if measure in group.columns:
                mean, _sd, low, high, _n = mean_ci(group[measure])
                row[f"mean_{measure}"] = mean
                if measure in ("utility", "payoff"):
                    row[f"{measure}_low"], row[f"{measure}_high"] = low, high
        if "tariff_threat" in group.columns:
            row["share_tariff_threat"] = float(group["tariff_threat"].fillna(False).mean())
        row["n_deals"] = len(deals)
        for column in terms:
            values = deals[column].astype("Float64") if len(deals) else pd.Series(dtype=float)
            row[f"mean_{column}"] = float(values.mean()) if len(values.dropna()) else None
        rows.append(row)
    return pd.DataFrame(rows)


def state_charts(summary: pd.DataFrame, runs: int) -> list[NamedChart]:
    """Bilateral deals by state (share with Wilson intervals) and stance at the end by state."""
    data = summary.assign(label=summary["name"] + " (" + summary["code"] + ")")
    order = list(data.sort_values("share_bilateral", ascending=False)["label"])
    y = alt.Y("label:N", sort=order, title=None)
    base = alt.Chart(data)
    bars = base.mark_bar(color="#e45756").encode(
        y=y,
        x=alt.X(
            "share_bilateral:Q",
            title="share of runs with a bilateral deal",
            scale={"domain": [0, 1]},
        ),
        tooltip=[
            alt.Tooltip("label:N", title="state"),
            alt.Tooltip("share_bilateral:Q", title="share", format=".3f"),
            alt.Tooltip("share_bilateral_low:Q", title="95% low", format=".3f"),
            alt.Tooltip("share_bilateral_high:Q", title="95% high", format=".3f"),
            alt.Tooltip("n:Q", title="N"),
        ],
    )
    errors = base.mark_errorbar(color="black").encode(
        y=y,
        x=alt.X("share_bilateral_low:Q", title="share of runs with a bilateral deal"),
        x2="share_bilateral_high:Q",
    )
    title = "Bilateral deals by member state"
    deals = NamedChart(
        "states_bilateral",
        title,
        alt.layer(bars, errors).properties(
            title=alt.Title(
                title,
                subtitle=f"share of {runs} runs with 95% Wilson intervals; N = {runs} per state",
            ),
            width=420,
        ),
    )
    long = data.melt(
        id_vars=["label", "n"],
        value_vars=[f"share_stance_{s}" for s in STANCES],
        var_name="stance",
        value_name="share",
    )
    long["stance"] = long["stance"].str.removeprefix("share_stance_")
    stance_title = "Stance at the end by member state"
    stances = NamedChart(
        "states_stance",
        stance_title,
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, title=None),
            x=alt.X("share:Q", stack="normalize", title="share of runs"),
            color=alt.Color(
                "stance:N",
                sort=list(STANCES),
                scale=alt.Scale(domain=list(STANCES), range=list(STANCE_COLOURS)),
                title=state_column_info("stance")["label"],
            ),
            order=alt.Order("stance_order:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="state"),
                "stance:N",
                alt.Tooltip("share:Q", format=".3f"),
                alt.Tooltip("n:Q", title="N"),
            ],
        )
        .transform_calculate(
            stance_order=" + ".join(
                f"(datum.stance == '{s}' ? {k} : 0)" for k, s in enumerate(STANCES)
            )
        )
        .properties(title=alt.Title(stance_title, subtitle=f"over {runs} runs"), width=420),
    )
    return [deals, stances]
