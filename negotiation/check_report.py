"""The model check's report as text: the sections `negotiation check-model` prints.

`print_report` writes the dict that `negotiation.model_check.check_model` returns (the same that
`--json` prints), so the text and the JSON always hold the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, TextIO

from negotiation.calibration import format_calibration


def _signed(direction: int) -> str:
    return {1: "+1", -1: "-1", 0: "0 (no significant change)"}[direction]


def print_report(report: dict[str, Any], out: TextIO) -> None:
    seeds = report["seeds"]
    last = seeds["first"] + seeds["count"] - 1
    print(
        f"Model check: {report['scenario']} ({report['source']}), seeds {seeds['first']}-{last}, "
        f"noise {report['noise']:g}; 95% intervals",
        file=out,
    )
    o = report["outcomes"]
    print(f"\n== Outcomes ({o['games']} games) ==", file=out)
    for kind, row in o["types"].items():
        print(f"  {kind:<28} {row['count']:>5}  {_est(row)}", file=out)
    h = o["historical"]
    print(
        f"  historical outcome (bloc deal, clause kept, no bilateral deal): {h['count']}  {_est(h)}",
        file=out,
    )
    print(f"  distinct final packages: {o['distinct_packages']}", file=out)
    for package, count in o["most_common_packages"]:
        print(f"    {count:>5} x {package}", file=out)
    n0 = report["noise0"]
    differ = "yes" if n0["distinct_games"] > 1 else "NO: every seed plays the same game"
    print(
        f"  at noise 0: {n0['distinct_games']} distinct games over {n0['seeds']} seeds; "
        f"outcomes differ across seeds: {differ}",
        file=out,
    )
    if "types" in n0:
        kinds = ", ".join(f"{k} {c}" for k, c in n0["types"].items())
        print(
            f"  at noise 0: {n0['distinct_packages']} distinct final packages; outcome types: {kinds}",
            file=out,
        )
    print("\n== Targets (issue 8, set for the default scenario) ==", file=out)
    for t in report["targets"]:
        print(f"  {'met    ' if t['met'] else 'NOT MET'}  {t['target']}: {t['figure']}", file=out)
    if "member_states" in report:
        ms = report["member_states"]
        print("\n== Member states (issue 9) ==", file=out)
        for t in report["states_targets"]:
            print(
                f"  {'met    ' if t['met'] else 'NOT MET'}  {t['target']}: {t['figure']}", file=out
            )
        print("", file=out)
        for line in format_calibration(ms["calibration"]).splitlines():
            print(f"  {line}" if line else "", file=out)
    if "stylised_facts" in report:
        sf = report["stylised_facts"]
        print(f"\n== Stylised facts of 2026 ({sf['games']} games) ==", file=out)
        for row in sf["facts"]:
            if row["applies"]:
                print(f"  {row['count']:>5}  {_est(row)}  {row['fact']}", file=out)
            else:
                print(f"      -  not applicable to this scenario: {row['fact']}", file=out)
        t = sf["together"]
        print(f"  {t['count']:>5}  {_est(t)}  all that apply, together", file=out)
    print("\n== Levers (the same seeds at every value) ==", file=out)
    for line in report["unavailable"]:
        print(f"  {line}", file=out)
    for lv in report["levers"]:
        setup = ", ".join(f"{p}={v}" for p, v in lv["setup"].items())
        print(
            f"\n  {lv['name']}: {lv['path']}{f' (with {setup})' if setup else ''} -> "
            f"{lv['metric_label']}, predicted {_signed(lv['predicted'])}: {lv['reason']}",
            file=out,
        )
        width = max(len(v["label"]) for v in lv["values"]) + 2
        for v in lv["values"]:
            print(f"    {v['label']:<{width}} {_est(v)}", file=out)
        print(
            f"    last - first: {_est(lv['difference'])}, measured {_signed(lv['measured'])}; "
            + (
                "monotone within the noise"
                if lv["monotone"]
                else "steps against the prediction: " + ", ".join(lv["steps_against"])
            ),
            file=out,
        )
        if lv["seeds_used"] < report["seeds"]["count"]:
            print(f"    (paired over the {lv['seeds_used']} seeds where it is defined)", file=out)
        print(f"    {lv['verdict']}", file=out)
    verdicts = Counter(lv["verdict"] for lv in report["levers"])
    print(
        f"\nLevers: {verdicts['PASS']} PASS, {verdicts['FAIL']} FAIL, "
        f"{len(report['unavailable'])} not available or failed",
        file=out,
    )


def _est(row: Mapping[str, float]) -> str:
    return f"{row['value']:.3f} [{row['low']:.3f}, {row['high']:.3f}]"
