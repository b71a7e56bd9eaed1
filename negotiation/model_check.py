"""The model check: does the model answer its question, and do its levers work as documented?

    negotiation check-model [SCENARIO] [--seeds 500] [--first-seed 0] [--workers 2]
        [--levers NAME,...] [--lever PATH=VALUES@METRIC@DIRECTION ...] [--json]

For one scenario it plays the seeds and prints:

- the outcome distribution (share of each outcome type, 95% Wilson intervals);
- the share of the historical outcome (a bloc deal with the clause kept and no bilateral deal);
- the number of distinct final packages: the outcome type, the bloc terms rounded to the units
  shown to players, and each bilateral deal with the state that signed it;
- whether outcomes differ across seeds at `noise: 0` (the same seeds, counted as distinct games);
- the targets of issue 8 (set for the default scenario) and whether they are met;
- the levers (negotiation/check_levers.py): the metric at each value with its 95% interval, the
  paired difference last-minus-first (the same seeds at every value: common random numbers), the
  measured direction, whether every step is within the noise of the predicted direction, and
  PASS (the difference is significant in the predicted direction and no step goes significantly
  against it) or FAIL.

The levers are data (negotiation/check_levers.py), the statistics are in check_stats.py and the
text report in check_report.py; docs/model_check.md explains the figures.

A lever whose field (or value) the scenario schema does not accept is reported as "lever not
available" and skipped. Results depend only on the scenario, the seeds and the levers, not on the
number of workers. Exit codes: 0 done (whatever the verdicts), 2 bad input, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import signal
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from negotiation.check_levers import (
    LEVERS,
    SCENARIO_OWN,
    Lever,
    is_historical,
    metric,
    parse_lever_arg,
    select_levers,
)
from negotiation.check_report import print_report
from negotiation.check_states import facts_report, states_report, states_targets
from negotiation.check_stats import (
    against,
    measured_direction,
    paired_difference,
    share_or_mean,
    wilson,
)
from negotiation.model import NegotiationModel
from negotiation.scenario import ScenarioError, ScenarioSpec, load_scenario, parse_scenario
from negotiation.sweep.grid import GridError, apply_point, check_path, get_path, point_problem

DEFAULT_SCENARIO = (
    Path(__file__).resolve().parent.parent / "scenarios" / "critical_minerals_2026.yaml"
)
BAD_INPUT = 2
INTERRUPTED = 130
MAX_SEEDS = 100_000
MAX_WORKERS = 64
TARGET_HISTORICAL = (0.6, 0.9)
TARGET_PACKAGES = 25


# --- playing games (runs in the worker processes) ---------------------------------------------------


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def _package(model: NegotiationModel) -> str:
    """The final package as players see it: the outcome type, the bloc terms in the units shown,
    and each bilateral deal with the state that signed it."""
    o = model.outcome
    space = model.space
    issues = {issue.id: issue for issue in space.issues}

    def shown(terms: Mapping[str, Any]) -> str:
        parts = []
        for key, value in terms.items():
            if isinstance(value, bool):
                parts.append(f"{key} {'in' if value else 'out'}")
            elif key in issues:
                issue = issues[key]
                parts.append(f"{key} {issue.format(issue.to_unit(value))}")
            else:
                parts.append(f"{key} {value:g}")
        return ", ".join(parts)

    bloc = f"{shown(o.bloc_terms)} ({o.legal_form})" if o.bloc_terms else "no bloc deal"
    deals = "; ".join(f"{d['state']}: {shown(d['terms'])}" for d in o.bilateral_deals)
    return f"{o.type} | {bloc} | {deals or 'no bilateral deal'}"


def _record(model: NegotiationModel) -> dict[str, Any]:
    """What the check keeps of one game: the outcome row, its package and a fingerprint."""
    o = model.outcome
    row = {k: _round(v) for k, v in o.row().items()}
    game = {k: v for k, v in row.items() if not k.startswith("deal_")}
    game["package"] = _package(model)
    game["signers"] = sorted(d["state"] for d in o.bilateral_deals)
    deals = [(d["state"], d["round"], sorted(d["terms"].items())) for d in o.bilateral_deals]
    game["fingerprint"] = json.dumps([row, deals], sort_keys=True, default=str)
    return game


def play(spec: ScenarioSpec, seeds: list[int]) -> list[dict[str, Any]] | str:
    """Play one scenario over seeds, outcomes only; an engine failure comes back as text."""
    games = []
    for seed in seeds:
        try:
            model = NegotiationModel.from_spec(spec, seed, record_moves=False)
            model.run()
            games.append(_record(model))
        except Exception as err:  # an engine fault on one setting must not lose the others
            return f"seed {seed}: {type(err).__name__}: {err}"
    return games


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops the check cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def play_all(
    settings: dict[str, ScenarioSpec], seeds: list[int], workers: int
) -> dict[str, list[dict[str, Any]] | str]:
    """Play every setting over the same seeds; per setting its games in seed order (or the text
    of an engine failure)."""
    size = max(10, math.ceil(len(seeds) / (2 * workers)))
    chunks = [seeds[i : i + size] for i in range(0, len(seeds), size)]
    tasks = [(key, k) for key in settings for k in range(len(chunks))]
    if workers == 1:
        results = [play(settings[key], chunks[k]) for key, k in tasks]
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["negotiation.model_check"])
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_sigint)
        try:
            futures = [pool.submit(play, settings[key], chunks[k]) for key, k in tasks]
            results = [f.result() for f in futures]
        finally:  # on Ctrl-C, drop the chunks not started; the running ones are short
            pool.shutdown(wait=True, cancel_futures=True)
    out: dict[str, list[dict[str, Any]] | str] = {key: [] for key in settings}
    for (key, _), result in zip(tasks, results, strict=True):
        done = out[key]
        if isinstance(done, str):
            continue
        out[key] = result if isinstance(result, str) else done + result
    return out


# --- levers -------------------------------------------------------------------------------------------


def _label(value: Any, own: bool) -> str:
    text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    if len(text) > 24:
        text = text[:21] + "..."
    return f"scenario's ({text})" if own else text


def resolve_lever(
    lever: Lever, base: dict, source: str
) -> tuple[list[Any], list[str], list[ScenarioSpec]] | str:
    """The lever's concrete values, their labels and scenarios; or why it is not available."""
    for path in [*lever.setup, lever.path]:
        try:
            check_path(path)
        except GridError as err:
            return f"lever not available: {path} ({err})"
    values, labels, specs = [], [], []
    for raw in lever.values:
        own = raw is SCENARIO_OWN
        value = get_path(base, lever.path) if own else raw
        point = {**lever.setup, lever.path: value}
        problem = point_problem(base, point, source)
        if problem:
            reason = " ".join(line.strip() for line in problem.splitlines())
            return f"lever not available: {lever.path}={value!r} ({reason})"
        values.append(value)
        labels.append(_label(value, own))
        specs.append(parse_scenario(apply_point(base, point), source=source))
    return values, labels, specs


def analyse_lever(lever: Lever, labels: list[str], games: list[list[dict]]) -> dict[str, Any]:
    """The metric at each value, the paired difference last-minus-first, the steps, the verdict."""
    m = metric(lever.metric)
    raw = [[m.value(g) for g in per_value] for per_value in games]
    # A metric undefined in a game (None: no Council vote) drops that seed at every value, so the
    # comparison stays paired.
    keep = [i for i in range(len(raw[0])) if all(r[i] is not None for r in raw)]
    series = [[r[i] for i in keep] for r in raw]
    at_values = [share_or_mean(x, m.binary) for x in series]
    diff = paired_difference(series[-1], series[0])
    steps = [paired_difference(series[k + 1], series[k]) for k in range(len(series) - 1)]
    against_steps = [
        f"{labels[k]} -> {labels[k + 1]}"
        for k, step in enumerate(steps)
        if against(step, lever.direction)
    ]
    measured = measured_direction(diff)
    passed = measured == lever.direction and not against_steps
    return {
        "name": lever.name,
        "path": lever.path,
        "setup": dict(lever.setup),
        "metric": lever.metric,
        "metric_label": m.label,
        "seeds_used": len(keep),
        "predicted": lever.direction,
        "reason": lever.reason,
        "values": [
            {"label": label, **est.to_dict()} for label, est in zip(labels, at_values, strict=True)
        ],
        "difference": diff.to_dict(),
        "measured": measured,
        "steps": [s.to_dict() for s in steps],
        "steps_against": against_steps,
        "monotone": not against_steps,
        "verdict": "PASS" if passed else "FAIL",
    }


# --- the whole check ----------------------------------------------------------------------------------


def _outcomes(games: list[dict]) -> dict[str, Any]:
    n = len(games)
    counts = Counter(g["outcome"] for g in games)
    historical = sum(is_historical(g) for g in games)
    return {
        "games": n,
        "types": {kind: {"count": c, **wilson(c, n).to_dict()} for kind, c in counts.most_common()},
        "historical": {"count": historical, **wilson(historical, n).to_dict()},
        "distinct_packages": len({g["package"] for g in games}),
        "most_common_packages": Counter(g["package"] for g in games).most_common(3),
    }


def _targets(outcomes: dict, noise0_distinct: int) -> list[dict[str, Any]]:
    """Issue 8's targets for the default scenario, each with the figure and met or not."""
    historical = outcomes["historical"]
    others = Counter()
    for kind, row in outcomes["types"].items():
        others[kind] += row["count"]
    others["bloc_deal"] -= historical["count"]  # the historical games are bloc deals
    most_common = historical["count"] > max(others.values(), default=0)
    lo, hi = TARGET_HISTORICAL
    return [
        {
            "target": f"historical outcome the most common, share in [{lo}, {hi}]",
            "figure": f"{historical['value']:.3f}"
            + ("" if most_common else " (not the most common)"),
            "met": most_common and lo <= historical["value"] <= hi,
        },
        {
            "target": f"at least {TARGET_PACKAGES} distinct final packages",
            "figure": str(outcomes["distinct_packages"]),
            "met": outcomes["distinct_packages"] >= TARGET_PACKAGES,
        },
        {
            "target": "outcomes differ across seeds at noise 0",
            "figure": f"{noise0_distinct} distinct games",
            "met": noise0_distinct > 1,
        },
    ]


def check_model(
    spec: ScenarioSpec,
    source: str,
    seeds: list[int],
    levers: list[Lever],
    workers: int = 2,
    log: Callable[[str], None] = lambda text: None,
) -> dict[str, Any]:
    """Run the whole check; the report as a JSON-ready dict."""
    base = spec.model_dump(mode="json")
    settings: dict[str, ScenarioSpec] = {
        "base": spec,
        "noise0": parse_scenario(apply_point(base, {"noise": 0.0}), source=source),
    }
    unavailable: list[str] = []
    resolved: list[tuple[int, Lever, list[str]]] = []
    for i, lever in enumerate(levers):
        found = resolve_lever(lever, base, source)
        if isinstance(found, str):
            unavailable.append(found)
            continue
        _, labels, specs = found
        resolved.append((i, lever, labels))
        for k, lever_spec in enumerate(specs):
            settings[f"lever{i}:{k}"] = lever_spec
    log(f"playing {len(settings)} settings x {len(seeds)} seeds on {workers} worker(s)")
    played = play_all(settings, seeds, workers)
    for key in ("base", "noise0"):
        if isinstance(played[key], str):
            raise RuntimeError(f"the engine failed on the scenario ({key}): {played[key]}")
    outcomes = _outcomes(played["base"])
    noise0 = len({g["fingerprint"] for g in played["noise0"]})
    noise0_outcomes = _outcomes(played["noise0"])
    states = states_report(spec, seeds[0])
    lever_reports: list[dict[str, Any]] = []
    for i, lever, labels in resolved:
        games = [played[f"lever{i}:{k}"] for k in range(len(labels))]
        failed = next((g for g in games if isinstance(g, str)), None)
        if failed is not None:
            unavailable.append(f"lever failed: {lever.title()}: {failed}")
            continue
        try:
            lever_reports.append(analyse_lever(lever, labels, games))
        except KeyError as err:
            unavailable.append(f"lever failed: {lever.title()}: {err.args[0]}")
    return {
        "scenario": spec.name,
        "source": source,
        "seeds": {"first": seeds[0], "count": len(seeds)},
        "noise": spec.noise,
        "outcomes": outcomes,
        "noise0": {
            "seeds": len(seeds),
            "distinct_games": noise0,
            "distinct_packages": noise0_outcomes["distinct_packages"],
            "types": {k: row["count"] for k, row in noise0_outcomes["types"].items()},
        },
        "targets": _targets(outcomes, noise0),
        "member_states": states,
        "stylised_facts": facts_report(played["base"], spec),
        "states_targets": states_targets(states),
        "levers": lever_reports,
        "unavailable": unavailable,
    }


# --- the subcommand -----------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `check-model` subcommand."""
    cmd = subparsers.add_parser(
        "check-model",
        help="outcome distribution, distinct packages and lever directions of a scenario",
        description=__doc__.split("\n")[0],
    )
    cmd.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO))
    cmd.add_argument("--seeds", type=int, default=500, help="games per setting (default 500)")
    cmd.add_argument("--first-seed", type=int, default=0, help="the first seed (default 0)")
    cmd.add_argument("--workers", type=int, default=2, help="local processes (default 2)")
    cmd.add_argument(
        "--levers", metavar="NAME,...", help="check only these levers (names or paths)"
    )
    cmd.add_argument(
        "--lever",
        action="append",
        default=[],
        metavar="PATH=VALUES@METRIC@DIRECTION",
        help="an extra lever, e.g. us.bilateral_generosity=0,0.5,1@p_bloc@-1; with --lever only "
        "the levers given (and those named by --levers) are checked",
    )
    cmd.add_argument("--json", action="store_true", help="print the report as one JSON document")
    cmd.set_defaults(func=cmd_check_model)


def _bad(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return BAD_INPUT


def cmd_check_model(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    if not 2 <= args.seeds <= MAX_SEEDS:
        return _bad(f"--seeds {args.seeds}: give 2 to {MAX_SEEDS} seeds")
    if args.first_seed < 0:
        return _bad(f"--first-seed {args.first_seed}: a seed is 0 or more")
    if not 1 <= args.workers <= MAX_WORKERS:
        return _bad(f"--workers {args.workers}: give 1 to {MAX_WORKERS}")
    try:
        spec = load_scenario(args.scenario)
        extra = [parse_lever_arg(text) for text in args.lever]
        levers = select_levers(LEVERS, args.levers) if args.levers or not extra else []
    except (ScenarioError, ValueError) as err:
        return _bad(str(err).splitlines()[0] if isinstance(err, ValueError) else str(err))
    base = spec.model_dump(mode="json")
    for lever in extra:  # a lever typed by the user must be right: no silent skip
        found = resolve_lever(lever, base, args.scenario)
        if isinstance(found, str):
            return _bad(f"--lever {lever.path}: {found.removeprefix('lever not available: ')}")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    try:
        report = check_model(
            spec,
            args.scenario,
            seeds,
            levers + extra,
            args.workers,
            log=lambda text: print(text, file=sys.stderr),
        )
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(report, out, indent=2)
        out.write("\n")
    else:
        print_report(report, out)
    return 0
