"""`negotiation serve`: run the browser game on a local Solara server, offline.

`register(subparsers)` adds the subcommand to the project's command line; `serve(args)` prepares
the offline assets (see `assets`), sets the server's environment and runs
`python -m solara run app.py --production ...` until it is stopped. The browser tests and the
latency benchmark start their server with the same `server_command` and `server_environment`, so
they see exactly what users see.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from negotiation.arg_types import whole_number
from negotiation.web import assets
from negotiation.web.catalog import SCENARIO_DIR_ENV

APP_FILE = Path(__file__).resolve().parents[2] / "app.py"
DEFAULT_PORT = 8765


def server_command(
    host: str = "127.0.0.1", port: int = DEFAULT_PORT, app: Path = APP_FILE
) -> list[str]:
    """The `solara run` command line for the app, in production mode and without a version check
    (which would otherwise wait for pypi.org)."""
    return [
        sys.executable, "-m", "solara", "run", str(app),
        "--production",
        "--host", host,
        "--port", str(port),
        "--no-open",
        "--no-check-version",
    ]  # fmt: skip


def server_environment(scenario_dir: Path | None = None) -> dict[str, str]:
    """The variables the server needs on top of the caller's: offline assets, no telemetry, and
    the scenario folder when one is given."""
    env = {
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        # Solara's "runs on Solara" badge sits over the page's bottom-right controls on a phone.
        "SOLARA_THEME_SHOW_BANNER": "False",
        **assets.server_env(),
    }
    if scenario_dir is not None:
        env[SCENARIO_DIR_ENV] = str(Path(scenario_dir).resolve())
    return env


def serve(args: argparse.Namespace) -> int:
    """Run the server in the foreground, in place of this process; returns only on bad input."""
    if not APP_FILE.is_file():
        print(f"error: the Solara entry point {APP_FILE} is missing", file=sys.stderr)
        return 2
    if args.scenario_dir is not None and not Path(args.scenario_dir).is_dir():
        print(f"error: --scenario-dir {args.scenario_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        env = {**os.environ, **server_environment(args.scenario_dir)}
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Serving the negotiation game on http://{args.host}:{args.port}/ (Ctrl-C stops it)")
    sys.stdout.flush()
    command = server_command(args.host, args.port)
    os.execve(command[0], command, env)  # the server takes this process over: signals reach it


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `serve` subcommand; `cli.main` calls `args.func(args)`."""
    parser = subparsers.add_parser(
        "serve",
        help="play the game in a browser (starts a local Solara server)",
        description="Start the browser game on a local server. Works without internet.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=whole_number(1, 65535),
        default=DEFAULT_PORT,
        help="port (default %(default)s)",
    )
    parser.add_argument(
        "--scenario-dir",
        type=Path,
        default=None,
        help="folder of scenario YAML files to offer (default: the repository's scenarios/)",
    )
    parser.set_defaults(func=serve)
    return parser
