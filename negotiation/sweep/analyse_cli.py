"""The `analyse` and `export` subcommands (added by `negotiation.sweep.cli.register`).

    negotiation analyse FILE --outcome COLUMN[OP VALUE] [--method auto|sobol|morris|prim|features]
        [--threshold 0.8] [--out DIR]
    negotiation export FILE --ema OUT.tar.gz

Exit codes: 0 done, 2 bad input (no such file, a folder, not a sweep's results file, an outcome or
method the file cannot give).
"""

from __future__ import annotations

import argparse
import sys

BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    analyse = subparsers.add_parser(
        "analyse",
        aliases=["analyze"],
        help="sensitivity (Sobol, Morris), scenario discovery (PRIM) and feature scores",
        description="Analyse one outcome of a sweep's results. OUTCOME is a column (u_us, "
        "cohesion_states) or a condition (outcome==bloc_deal, cohesion_states<1) whose mean is a "
        "probability. Sobol and Morris need a sweep made with --sample sobol or morris.",
    )
    analyse.add_argument("file", help="results file of a sweep (Parquet)")
    analyse.add_argument("--outcome", required=True, help="COLUMN or COLUMN OP VALUE")
    analyse.add_argument(
        "--method",
        default="auto",
        help="auto (default), sobol, morris, prim or features",
    )
    analyse.add_argument(
        "--threshold", type=float, default=0.8, help="PRIM: the density a box must reach (0.8)"
    )
    analyse.add_argument("--out", help="folder for tables and charts (default FILE_analysis)")
    analyse.set_defaults(func=run_analyse_command)

    export = subparsers.add_parser(
        "export", help="export a sweep's results in the EMA Workbench's experiments/outcomes form"
    )
    export.add_argument("file", help="results file of a sweep (Parquet)")
    export.add_argument("--ema", required=True, metavar="OUT.tar.gz", help="the archive to write")
    export.set_defaults(func=run_export_command)


def run_analyse_command(args: argparse.Namespace) -> int:
    from negotiation.sweep.analyse import AnalysisError
    from negotiation.sweep.analysis_report import write_analysis
    from negotiation.sweep.store import SweepStoreError, check_results_file

    try:
        check_results_file(args.file)
        result, out = write_analysis(args.file, args.outcome, args.method, args.threshold, args.out)
    except (AnalysisError, SweepStoreError, OSError) as err:
        print(f"negotiation analyse: error: {err}", file=sys.stderr)
        return BAD_INPUT
    print("\n".join(result.lines))
    print(f"analyse: tables and charts in {out}", file=sys.stderr)
    return 0


def run_export_command(args: argparse.Namespace) -> int:
    from negotiation.sweep.export import ExportError, export_ema
    from negotiation.sweep.store import SweepStoreError, check_results_file

    try:
        check_results_file(args.file)
        path = export_ema(args.file, args.ema)
    except (ExportError, SweepStoreError, OSError) as err:
        print(f"negotiation export: error: {err}", file=sys.stderr)
        return BAD_INPUT
    print(f"export: {path}", file=sys.stderr)
    return 0
