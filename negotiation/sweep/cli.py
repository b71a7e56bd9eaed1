"""The `sweep` and `report` subcommands (`register` adds them to the `negotiation` command).

    negotiation sweep SCENARIO --grid PATH=VALUES ... --seeds N --master-seed S --out FILE
        [--csv] [--rounds-table FILE] [--workers N] [--dask local|tcp://HOST:PORT]
    negotiation sweep SCENARIO --sample lhs|sobol|morris|random N --lever PATH=LOW:HIGH
        --uncertainty PATH=DIST:PARAMS ... --out FILE
    negotiation sweep --file sweep.yaml [options that override the file]
    negotiation report FILE [--out DIR]
    negotiation analyse FILE --outcome COLUMN[OP VALUE] [--method sobol|morris|prim|features]
    negotiation export FILE --ema OUT.tar.gz

Exit codes: 0 done, 2 bad input
(grid, scenario, sweep file, output of another sweep, unreachable cluster), 130 interrupted (run again to resume).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from negotiation.scenario import ScenarioError
from negotiation.sweep.analyse_cli import register as register_analysis
from negotiation.sweep.design import Sample, factors_from_mapping, parse_factor_args
from negotiation.sweep.grid import GridError, grid_from_mapping, parse_grid_args
from negotiation.sweep.plan import SweepPlan
from negotiation.sweep.provenance import command_line
from negotiation.sweep.runner import ClusterError, default_workers, execute
from negotiation.sweep.store import SweepStoreError, check_results_file, make_folder
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
    sweep.add_argument(
        "--sample",
        nargs=2,
        metavar=("METHOD", "N"),
        help="a sampled design instead of a grid: lhs|random N points, sobol N (a power of 2; "
        "N*(factors+2) points), morris N trajectories (N*(factors+1) points)",
    )
    sweep.add_argument(
        "--lever",
        action="append",
        default=[],
        metavar="PATH=SPEC",
        help="a sampled policy lever: LOW:HIGH, DIST:PARAMS (unif, logunif, triang, norm, "
        "truncnorm, lognorm) or a,b,c choices",
    )
    sweep.add_argument(
        "--uncertainty",
        action="append",
        default=[],
        metavar="PATH=SPEC",
        help="a sampled uncertainty (same forms as --lever)",
    )
    sweep.add_argument(
        "--outcome",
        action="append",
        default=[],
        metavar="NAME=MODULE:FUNCTION",
        help="an extra column: FUNCTION(model) of each finished game",
    )
    sweep.add_argument("--seeds", type=int, help="seeds per design point (default 1)")
    sweep.add_argument("--master-seed", type=int, help="the seed all run seeds derive from (0)")
    sweep.add_argument("--out", help="results file (Parquet)")
    sweep.add_argument("--csv", action="store_true", default=None, help="also write CSV copies")
    sweep.add_argument("--rounds-table", metavar="FILE", help="also keep one row per round")
    sweep.add_argument(
        "--states-table", metavar="FILE", help="also keep one row per member state per game"
    )
    sweep.add_argument(
        "--force-new",
        action="store_true",
        help="replace an --out made by another sweep (master seed, scenario, code, design)",
    )
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
    report.add_argument(
        "--states",
        metavar="FILE",
        help="the sweep's per-state table (default: the --states-table it wrote, if there)",
    )
    report.set_defaults(func=run_report_command)
    register_analysis(subparsers)


def _settings(args: argparse.Namespace) -> dict:
    """The sweep's settings: the sweep file's, overridden by options given on the command line."""
    settings: dict = {"grid": {}, "seeds": 1, "master_seed": 0, "csv": False, "outcomes": {}}
    factors = []
    if args.file:
        settings.update(load_sweep_file(args.file).model_dump())
        settings["sweep_file_text"] = Path(args.file).read_text(encoding="utf-8")
        try:
            settings["grid"] = grid_from_mapping(settings["grid"])
            factors += factors_from_mapping(settings.pop("levers"), "lever")
            factors += factors_from_mapping(settings.pop("uncertainties"), "uncertainty")
        except GridError as err:
            raise GridError(f"{args.file}: {err}") from None
    factors += parse_factor_args(args.lever, "lever")
    factors += parse_factor_args(args.uncertainty, "uncertainty")
    settings["outcomes"].update(_outcome_args(args.outcome))
    given = {
        "scenario": args.scenario,
        "seeds": args.seeds,
        "master_seed": args.master_seed,
        "out": args.out,
        "csv": args.csv,
        "rounds_table": args.rounds_table,
        "states_table": args.states_table,
        "workers": args.workers,
        "dask": args.dask,
    }
    settings.update({k: v for k, v in given.items() if v is not None})
    settings["grid"] = {**settings["grid"], **parse_grid_args(args.grid)}
    sample = settings.get("sample")
    if args.sample:
        method, n = args.sample
        # a word that is no whole number goes to Sample as it is, which says what N must be
        sample = {"method": method, "n": int(n) if re.fullmatch(r"\s*[-+]?\d+\s*", n) else n}
    if factors and not sample:
        raise GridError("--lever/--uncertainty need --sample METHOD N (lhs, sobol, morris, random)")
    settings["sample"] = (
        Sample(sample["method"], sample["n"], tuple(factors), settings["master_seed"])
        if sample
        else None
    )
    for key, flag in (("scenario", "SCENARIO"), ("out", "--out")):
        if not settings.get(key):
            raise GridError(f"{key}: missing; give {flag} or a sweep file with --file")
    if settings.get("workers") is None:
        settings["workers"] = default_workers()
    if settings["workers"] < 1:
        raise GridError(f"workers: must be at least 1 (got {settings['workers']})")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise GridError(f"--chunk-size: must be at least 1 (got {args.chunk_size})")
    return settings


def _outcome_args(items: list[str]) -> dict[str, str]:
    """The `--outcome NAME=module:function` arguments; GridError for a name given twice."""
    outcomes: dict[str, str] = {}
    for item in items:
        name, sep, target = item.partition("=")
        if not sep:
            raise GridError(f"--outcome {item!r}: write NAME=module:function")
        name = name.strip()
        if name in outcomes:
            raise GridError(
                f"outcome {name!r} given twice ({outcomes[name]}, {target.strip()}); a column "
                "has one function: give it once"
            )
        outcomes[name] = target.strip()
    return outcomes


def _command(args: argparse.Namespace) -> str:
    """The command that started this sweep: as typed, or rebuilt from its options when the CLI
    was called from Python (`main([...])`)."""
    if "sweep" in sys.argv[1:3]:
        return command_line()
    words = ["negotiation", "sweep"] + ([args.scenario] if args.scenario else [])
    for name, value in sorted(vars(args).items()):
        if name in ("scenario", "func", "command") or value in (None, False, []):
            continue
        flag = "--" + name.replace("_", "-")
        if name == "sample":
            words += [flag, *value]
            continue
        for item in value if isinstance(value, list) else [value]:
            words += [flag] if item is True else [flag, str(item)]
    return command_line(words)


def run_sweep_command(args: argparse.Namespace) -> int:
    try:
        s = _settings(args)
        plan = SweepPlan.build(
            s["scenario"],
            s["grid"],
            s["seeds"],
            s["master_seed"],
            sample=s["sample"],
            outcome_functions=s["outcomes"],
        )
        where = f"Dask ({s['dask']})" if s.get("dask") else f"{s['workers']} process(es)"
        design = (
            f"{plan.sample.method} sample of {len(plan.points)} points"
            if plan.sample
            else f"{len(plan.points)} grid points"
        )
        print(
            f"sweep: {plan.n_runs} games ({design} x {plan.seeds} seeds) on {where} -> {s['out']}",
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
            states_out=s.get("states_table"),
            force_new=args.force_new,
            command=_command(args),
            sweep_file_text=s.get("sweep_file_text"),
            sweep_file=args.file,
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
    from negotiation.sweep.report import provenance_lines, write_report

    try:
        check_results_file(args.file)
        if args.out is not None:
            make_folder(args.out, "--out")
    except SweepStoreError as err:
        print(f"negotiation report: error: {err}", file=sys.stderr)
        return BAD_INPUT
    try:
        if args.states is not None and not Path(args.states).is_file():
            raise ValueError(f"--states {args.states}: no such file")
        page = write_report(args.file, args.out, args.states)
    except (OSError, ValueError) as err:
        print(f"negotiation report: error: {args.file}: {err}", file=sys.stderr)
        return BAD_INPUT
    for line in provenance_lines(args.file):
        print(line)
    print(f"report: {page}", file=sys.stderr)
    return 0
