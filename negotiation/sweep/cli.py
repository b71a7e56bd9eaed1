"""The `sweep` and `report` subcommands (`register` adds them to the `negotiation` command).

    negotiation sweep SCENARIO --grid PATH=VALUES ... --seeds N --master-seed S --out FILE
        [--csv] [--rounds-table FILE] [--workers N] [--dask local|tcp://HOST:PORT]
    negotiation sweep --file sweep.yaml [options that override the file]
    negotiation report FILE [--out DIR]

Exit codes: 0 done, 2 bad input
(grid, scenario, sweep file, output of another sweep, unreachable cluster), 130 interrupted (run again to resume).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from negotiation.scenario import ScenarioError
from negotiation.sweep.grid import GridError, grid_from_mapping, parse_grid_args
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.report import write_report
from negotiation.sweep.runner import ClusterError, default_workers, execute
from negotiation.sweep.store import SweepStoreError
from negotiation.sweep.sweepfile import load_sweep_file

BAD_INPUT = 2
INTERRUPTED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `sweep` and `report` subcommands."""
    sweep = subparsers.add_parser(
        "sweep",
        help="play a scenario over a parameter grid and many seeds",
        description="Play a scenario over a grid of parameters by seeds; rows go to Parquet. "
        "PATH is a dotted scenario field (e.g. china.strategy.name, "
        "member_states.states.PL.loyalty, rounds); VALUES is a comma list (hard,soft) or a range "
        "start:stop:step that includes stop when it lands on the grid. An interrupted sweep "
        "resumes when run again with the same output.",
    )
    sweep.add_argument("scenario", nargs="?", help="scenario YAML file")
    sweep.add_argument("--file", help="a sweep file (YAML) holding the sweep's settings")
    sweep.add_argument(
        "--grid", action="append", default=[], metavar="PATH=VALUES", help="a swept field"
    )
    sweep.add_argument("--seeds", type=int, help="seeds per grid point (default 1)")
    sweep.add_argument("--master-seed", type=int, help="the seed all run seeds derive from (0)")
    sweep.add_argument("--out", help="results file (Parquet)")
    sweep.add_argument("--csv", action="store_true", default=None, help="also write CSV copies")
    sweep.add_argument("--rounds-table", metavar="FILE", help="also keep one row per round")
    sweep.add_argument("--workers", type=int, help="local processes (default: all cores)")
    sweep.add_argument(
        "--dask", metavar="local|tcp://HOST:PORT", help="run on a Dask cluster instead"
    )
    sweep.add_argument("--chunk-size", type=int, help="runs per task (default: automatic)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.set_defaults(func=run_sweep_command)

    report = subparsers.add_parser(
        "report", help="write an HTML report with charts (and PNGs) of a sweep's results"
    )
    report.add_argument("file", help="results file of a sweep (Parquet or CSV)")
    report.add_argument("--out", help="report folder (default: FILE's name + _report)")
    report.set_defaults(func=run_report_command)


def _settings(args: argparse.Namespace) -> dict:
    """The sweep's settings: the sweep file's, overridden by options given on the command line."""
    settings: dict = {"grid": {}, "seeds": 1, "master_seed": 0, "csv": False}
    if args.file:
        settings.update(load_sweep_file(args.file).model_dump())
        settings["grid"] = grid_from_mapping(settings["grid"])
    given = {
        "scenario": args.scenario,
        "seeds": args.seeds,
        "master_seed": args.master_seed,
        "out": args.out,
        "csv": args.csv,
        "rounds_table": args.rounds_table,
        "workers": args.workers,
        "dask": args.dask,
    }
    settings.update({k: v for k, v in given.items() if v is not None})
    settings["grid"] = {**settings["grid"], **parse_grid_args(args.grid)}
    for key, flag in (("scenario", "SCENARIO"), ("out", "--out")):
        if not settings.get(key):
            raise GridError(f"{key}: missing; give {flag} or a sweep file with --file")
    if settings.get("workers") is None:
        settings["workers"] = default_workers()
    if settings["workers"] < 1:
        raise GridError(f"workers: must be at least 1 (got {settings['workers']})")
    return settings


def run_sweep_command(args: argparse.Namespace) -> int:
    try:
        s = _settings(args)
        plan = SweepPlan.build(s["scenario"], s["grid"], s["seeds"], s["master_seed"])
        where = f"Dask ({s['dask']})" if s.get("dask") else f"{s['workers']} process(es)"
        print(
            f"sweep: {plan.n_runs} games ({len(plan.points)} grid points x {plan.seeds} seeds) "
            f"on {where} -> {s['out']}",
            file=sys.stderr,
        )
        summary = execute(
            plan,
            Path(s["out"]),
            rounds_out=s.get("rounds_table"),
            csv=s["csv"],
            workers=s["workers"],
            dask=s.get("dask"),
            chunk_size=args.chunk_size,
            progress=not args.quiet,
        )
    except (GridError, ScenarioError, SweepStoreError, ClusterError) as err:
        print(f"negotiation sweep: error: {err}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        print(
            "negotiation sweep: interrupted; finished chunks are saved, run the same command "
            "again to resume",
            file=sys.stderr,
        )
        return INTERRUPTED
    print(
        f"sweep: {summary.ran} games played, {summary.skipped} already saved, "
        f"{summary.games_per_second:.0f} games/s; results in {s['out']}",
        file=sys.stderr,
    )
    return 0


def run_report_command(args: argparse.Namespace) -> int:
    if not Path(args.file).is_file():
        print(f"negotiation report: error: {args.file}: no such file", file=sys.stderr)
        return BAD_INPUT
    try:
        page = write_report(args.file, args.out)
    except (OSError, ValueError) as err:
        print(f"negotiation report: error: {args.file}: {err}", file=sys.stderr)
        return BAD_INPUT
    print(f"report: {page}", file=sys.stderr)
    return 0
