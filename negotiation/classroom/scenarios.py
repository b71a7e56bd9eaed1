"""The teacher's scenario library: list, check, save, download and upload scenario files.

The same rules as ``negotiation validate`` (`negotiation.scenario.parse_scenario`), with each
problem kept at its field (``us.salience``, ``member_states.states.PL.loyalty``) so a form can show
it beside the input. Saved files keep the teacher's own YAML text (comments included); file names
are restricted to ``[a-z0-9_-]`` (the whole name: a trailing newline is refused too) and an
existing file is only replaced when asked for explicitly.

Text from outside is guarded before it is parsed (`guard_yaml`, the engine's guard of
`negotiation.yaml_text`): larger than 1 MB, any YAML anchor or alias, or nesting too deep is
refused after one linear scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from negotiation.classroom.errors import BadScenario, ClassroomError, Conflict
from negotiation.indicators import expand_indicators
from negotiation.scenario import (
    MAX_FILE_BYTES,
    SCENARIO_FOLDER,
    ScenarioError,
    ScenarioSpec,
    not_utf8,
    parse_scenario,
    parse_scenario_text,
    read_scenario_yaml,
)
from negotiation.yaml_text import UnsafeYaml, read_yaml
from negotiation.yaml_text import guard_yaml as engine_guard_yaml

SAFE_NAME = re.compile(r"[a-z0-9_-]{1,64}")
"""Used with `fullmatch` only (``$`` would let a trailing newline through)."""
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass(frozen=True, slots=True)
class ScenarioFile:
    name: str
    title: str
    description: str


def guard_yaml(text: str, source: str = "the scenario") -> None:
    """Refuse YAML that would be costly to parse (`negotiation.yaml_text.guard_yaml`) as a
    BadScenario. Syntax errors are left to the parser, which words them with their line."""
    try:
        engine_guard_yaml(text)
    except UnsafeYaml as err:
        problem = f"line {err.line}: {err.problem}" if err.line else err.problem
        raise BadScenario(f"{source} {err.headline}", [("", problem)]) from None


def safe_load(text: str) -> Any:
    """YAML text as data for the editor's form, read as the engine reads it (`read_yaml`:
    guarded, YAML 1.2 booleans, no key twice); None if refused or broken."""
    try:
        return read_yaml(text)
    except (yaml.YAMLError, RecursionError):
        return None


def check_text(
    text: str, source: str = "the scenario", base_dir: Path = SCENARIO_FOLDER
) -> ScenarioSpec:
    """Validate scenario YAML text; raises BadScenario with the problems at their fields. An
    indicators file it names is read from `base_dir` (the folder of the scenario library)."""
    return _checked(text, source, base_dir)[0]


def room_scenario(
    text: str, source: str = "the scenario", base_dir: Path = SCENARIO_FOLDER
) -> tuple[ScenarioSpec, str]:
    """`check_text`, and the text a room stores: for text that names an indicators file, the
    text with the member states that file derives written out (the room's game replays the same
    whatever becomes of the file); other text as it is. The file is read once."""
    spec, data, expanded = _checked(text, source, base_dir)
    if expanded is data:
        return spec, text
    ref = data["member_states"]["indicators"]
    header = f"# The member states derived from {ref} when the room was opened.\n"
    return spec, header + to_text(expanded)


def _checked(text: str, source: str, base_dir: Path) -> tuple[ScenarioSpec, Any, Any]:
    """(spec, the YAML as read, the same with its indicators expanded) of valid text; raises
    BadScenario with the problems at their fields."""
    guard_yaml(text, source)
    try:
        data = read_scenario_yaml(text, source)
        expanded = expand_indicators(data, base_dir, source)
        return parse_scenario(expanded, source), data, expanded
    except ScenarioError as err:
        raise BadScenario(str(err), err.problems) from None
    except RecursionError:
        raise BadScenario(f"{source} nests too deeply", [("", "nested too deeply")]) from None


def expanded(data: Any, base_dir: Path = SCENARIO_FOLDER) -> Any:
    """A scenario dict with the member states its indicators file derives
    (`member_states.indicators`), as ``negotiation validate`` reads it; raises ScenarioError."""
    if not isinstance(data, dict):
        return data
    return expand_indicators(data, base_dir)


def check_data(
    data: Any, source: str = "the scenario", base_dir: Path = SCENARIO_FOLDER
) -> ScenarioSpec:
    """Validate a scenario already as a dict (what a form edits)."""
    try:
        return parse_scenario(expanded(data, base_dir), source)
    except ScenarioError as err:
        raise BadScenario(str(err), err.problems) from None


def field_problems(data: Any, base_dir: Path = SCENARIO_FOLDER) -> dict[str, str]:
    """{field: message} for every problem of a scenario dict (its member states derived from
    its indicators file first); empty when it is valid."""
    try:
        parse_scenario(expanded(data, base_dir))
    except ScenarioError as err:
        out: dict[str, str] = {}
        for where, message in err.problems:
            out[where] = f"{out[where]}; {message}" if where in out else message
        return out
    return {}


def decode_upload(
    content: bytes | str, source: str = "the uploaded file", base_dir: Path = SCENARIO_FOLDER
) -> str:
    """An uploaded scenario file as text: size-limited, UTF-8, and valid (parsed safely; an
    indicators file it names is read from `base_dir`)."""
    size = len(content.encode() if isinstance(content, str) else content)
    if size > MAX_FILE_BYTES:
        raise BadScenario(
            f"{source} is {size} bytes; the limit is {MAX_FILE_BYTES}",
            [("", f"file is larger than {MAX_FILE_BYTES} bytes")],
        )
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as err:
            where, problem = not_utf8(err)
            raise BadScenario(f"{source}: {where}: {problem}", [(where, problem)]) from None
    check_text(content, source, base_dir)
    return content


def to_text(data: dict[str, Any]) -> str:
    """A scenario dict (from the form) as YAML text, fields in the order given."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when installed


class ScenarioLibrary:
    """The scenario files in one folder (by default the project's ``scenarios/``)."""

    def __init__(self, folder: str | Path = DEFAULT_DIR):
        self.folder = Path(folder)

    def check(self, text: str, source: str = "the scenario") -> ScenarioSpec:
        """`check_text` with this folder's indicators files."""
        return check_text(text, source, self.folder)

    def decode(self, content: bytes | str, source: str = "the uploaded file") -> str:
        """`decode_upload` with this folder's indicators files."""
        return decode_upload(content, source, self.folder)

    def _path(self, name: str) -> Path:
        if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
            shown = repr(name)[:40]
            raise ClassroomError(
                f"scenario name {shown} is not allowed: use 1 to 64 characters from a-z, 0-9, "
                "'_' and '-'"
            )
        return self.folder / f"{name}.yaml"

    def files(self) -> list[ScenarioFile]:
        """Every valid scenario file, by name (files that fail validation are left out)."""
        out = []
        for path in sorted(self.folder.glob("*.yaml")):
            if not SAFE_NAME.fullmatch(path.stem):
                continue
            try:
                spec = parse_scenario_text(path.read_text(encoding="utf-8"), str(path), self.folder)
            except (ScenarioError, OSError, UnicodeDecodeError):
                continue
            out.append(ScenarioFile(path.stem, spec.name, spec.description))
        return out

    def text(self, name: str) -> str:
        """A scenario file's YAML text (what a download gives)."""
        path = self._path(name)
        if not path.is_file():
            raise ClassroomError(f"no scenario named {name!r}")
        return path.read_text(encoding="utf-8")

    def save(self, name: str, text: str, overwrite: bool = False) -> Path:
        """Validate `text` and write it as ``<name>.yaml``; an existing file is kept unless
        `overwrite` is true."""
        path = self._path(name)
        self.decode(text, f"{name}.yaml")
        if path.exists() and not overwrite:
            raise Conflict(f"a scenario named {name!r} exists; choose a new name")
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return path
