"""Where a result came from: the code's version and hash, the git commit, the libraries, the times.

`code_hash()` is a hash of the source of every module that shapes a row (the engine and the sweep's
row-making modules, not the web app, the classroom or the report), so results of different code
are told apart even before anything is committed. `provenance(...)` gathers what a results file
keeps in its metadata and what `negotiation report` prints.
"""

from __future__ import annotations

import functools
import hashlib
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import negotiation

PACKAGE_ROOT = Path(negotiation.__file__).resolve().parent
# Sub-packages and sweep modules that never change a row's values.
NOT_ROW_CODE = ("web/", "classroom/", "cli.py")
SWEEP_ROW_MODULES = ("grid.py", "plan.py", "worker.py", "design.py", "columns.py")
LIBRARIES = (
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "dask",
    "distributed",
    "pydantic",
    "salib",
    "ema-workbench",
)


def now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def package_version() -> str:
    try:
        return metadata.version("negotiation")
    except metadata.PackageNotFoundError:
        return "unknown"


def library_versions() -> dict[str, str]:
    """Python's version and each library's (None for one not installed)."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _row_code_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        rel = path.relative_to(PACKAGE_ROOT).as_posix()
        if rel.startswith(NOT_ROW_CODE):
            continue
        if rel.startswith("sweep/") and rel.removeprefix("sweep/") not in SWEEP_ROW_MODULES:
            continue
        files.append(path)
    return files


@functools.cache
def code_hash() -> str:
    """A short hash of the source of every module that shapes a row (read once per process)."""
    digest = hashlib.sha256()
    for path in _row_code_files():
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def git_state() -> dict[str, object]:
    """The git commit of the package's checkout and whether its files differ from it."""
    root = PACKAGE_ROOT.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no", "--", "negotiation")
    return {"commit": commit, "dirty": bool(status)}


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed (program name shortened to `negotiation` when it is our CLI)."""
    args = list(sys.argv if argv is None else argv)
    if args and Path(args[0]).name in ("cli.py", "negotiation", "__main__.py"):
        args[0] = "negotiation"
    return " ".join(shlex.quote(a) for a in args)


def code_identity() -> dict[str, str]:
    """What of the code decides a row: the package version and the hash of the row code."""
    return {"version": package_version(), "source_hash": code_hash()}


def provenance(
    *,
    scenario_text: str,
    scenario_source: str,
    command: str,
    sweep_file_text: str | None,
    executor: str,
    started: str,
    finished: str,
) -> dict[str, object]:
    """Everything a results file keeps about how it was made, JSON-ready."""
    return {
        "package_version": package_version(),
        "code_hash": code_hash(),
        "git": git_state(),
        "libraries": library_versions(),
        "scenario_source": scenario_source,
        "scenario_text": scenario_text,
        "command": command,
        "sweep_file": sweep_file_text,
        "executor": executor,
        "started": started,
        "finished": finished,
        "host": platform.node(),
    }
