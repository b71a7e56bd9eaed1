"""Solara's front-end assets, served offline.

Solara's page asks its own server for scripts and styles under `/_solara/cdn/<package>@<version>`;
the server looks in `SOLARA_ASSETS_PROXY_CACHE_DIR` and, on a miss, asks the internet CDN (which a
school network or this machine may not reach). The `solara-assets` package ships the files, but
only under exact versions (`vega@5.21.0`), while Altair charts ask for `vega@5`, `vega-lite@5` and
`vega-embed@6`. `build_cache_dir` makes a folder of symbolic links to the shipped files plus those
major-version aliases, so every asset the app uses is found locally. It copies nothing, needs no
network and is safe to run again.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENV_VAR = "SOLARA_ASSETS_PROXY_CACHE_DIR"
ALIASED_PACKAGES = ("vega", "vega-lite", "vega-embed")
_VERSIONED = re.compile(r"^(?P<name>[^@]+)@(?P<version>\d+(?:\.\d+)*)$")


def shipped_dir(prefix: str | Path = sys.prefix) -> Path:
    """Where `solara-assets` put the files: `<prefix>/share/solara/cdn`."""
    return Path(prefix) / "share" / "solara" / "cdn"


def default_cache_dir(prefix: str | Path = sys.prefix) -> Path:
    """The folder the app serves assets from: `<prefix>/share/negotiation/solara-cdn`."""
    return Path(prefix) / "share" / "negotiation" / "solara-cdn"


def major_aliases(names: list[str]) -> dict[str, str]:
    """`{"vega@5": "vega@5.21.0", ...}`: each aliased package's newest shipped version per major."""
    newest: dict[str, tuple[tuple[int, ...], str]] = {}
    for entry in names:
        match = _VERSIONED.match(entry)
        if not match or match["name"] not in ALIASED_PACKAGES:
            continue
        version = tuple(int(part) for part in match["version"].split("."))
        alias = f"{match['name']}@{version[0]}"
        if alias not in newest or version > newest[alias][0]:
            newest[alias] = (version, entry)
    return {alias: entry for alias, (_, entry) in newest.items()}


def _link(link: Path, target: Path) -> None:
    """Make `link` point at `target`, replacing a stale link; never touch a real file or folder."""
    if link.is_symlink():
        if link.resolve() == target.resolve():
            return
        link.unlink()
    elif link.exists():
        return
    link.symlink_to(target, target_is_directory=target.is_dir())


def build_cache_dir(target: Path | None = None, source: Path | None = None) -> Path:
    """Fill `target` with links to every shipped asset and the major-version aliases; return it.

    Raises FileNotFoundError (saying what to install) when `solara-assets` is missing.
    """
    source = shipped_dir() if source is None else source
    target = default_cache_dir() if target is None else target
    if not source.is_dir():
        raise FileNotFoundError(
            f"Solara's offline assets are missing ({source}); install them with "
            "`pip install solara-assets==1.58.2`."
        )
    target.mkdir(parents=True, exist_ok=True)
    entries = sorted(p.name for p in source.iterdir())
    for name in entries:
        _link(target / name, source / name)
    for alias, real in major_aliases(entries).items():
        _link(target / alias, source / real)
    return target


def server_env(cache_dir: Path | None = None) -> dict[str, str]:
    """Environment for a Solara server that serves assets from `cache_dir` (built if needed)."""
    folder = build_cache_dir(cache_dir)
    return {"SOLARA_ASSETS_PROXY": "True", ENV_VAR: str(folder)}
