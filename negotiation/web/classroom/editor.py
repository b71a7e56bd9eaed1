"""The scenario editor: a form over the scenario's fields with the validator's message at each
field as the teacher types, the whole file as YAML for everything else, save under a new name,
download and upload.

The form edits a dict; every change re-runs the same checks as ``negotiation validate``
(`field_problems`) and shows each problem under its input (or in the list below for fields the
form does not show). Saving keeps the YAML text as the teacher last wrote it when it was edited as
text; a form edit rewrites the text from the dict (comments are not kept).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import solara

from negotiation.classroom.errors import ClassroomError
from negotiation.classroom.scenarios import (
    ScenarioLibrary,
    expanded,
    field_problems,
    safe_load,
    to_text,
)
from negotiation.scenario import ScenarioError, read_scenario_yaml
from negotiation.strategies import strategy_names

TOP_FIELDS = (
    ("name", "Name", str),
    ("description", "Description", str),
    ("rounds", "Rounds", int),
    ("days_per_round", "Days per round", int),
    ("noise", "Noise", float),
    ("seed", "Default seed", int),
)
ACTOR_FIELDS = {
    "us": ("reservation", "territorial_ambition", "bilateral_generosity"),
    "commission": ("reservation",),
    "china": ("reservation", "base_pressure", "max_pressure", "inducement_budget"),
}
ACTOR_ROLE = {"us": "offer", "commission": "offer", "china": "china"}
STATE_FIELDS = (
    "population",
    "reservation",
    "china_exposure",
    "us_alignment",
    "loyalty",
    "territorial_salience",
)
ISSUE_FIELDS = (("low", float), ("high", float))


def get_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `data` with `path` (dotted) set to `value` (None removes it)."""
    out = copy.deepcopy(data)
    target = out
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    if value is None:
        target.pop(parts[-1], None)
    else:
        target[parts[-1]] = value
    return out


_RANGE = re.compile(r"\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s+to\s+([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*")
"""A private range as the form shows it: '0.5 to 0.7'."""


def parse_as(kind: type, text: str) -> Any:
    """Typed text as `kind`; 'LOW to HIGH' as a private range {low, high} for a number; text that
    is neither stays text (the validator says so)."""
    if kind is str or text.strip() == "":
        return text if kind is str else None
    if kind is float and (found := _RANGE.fullmatch(text)):
        try:
            return {"low": float(found[1]), "high": float(found[2])}
        except ValueError:
            return text
    try:
        return kind(text)
    except ValueError:
        return text


def shown_as(value: Any) -> str:
    """A field's value as the form shows it: a private range {low, high} as 'LOW to HIGH'."""
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) == {"low", "high"}:
        return f"{value['low']} to {value['high']}"
    return str(value)


@solara.component
def ScenarioEditor(library: ScenarioLibrary) -> None:
    files = [f.name for f in library.files()]
    base = solara.use_reactive(files[0] if files else "")
    text = solara.use_reactive(library.text(base.value) if base.value else "")
    data: solara.Reactive[dict[str, Any]] = solara.use_reactive(_load(text.value))
    save_as = solara.use_reactive("")
    overwrite = solara.use_reactive(False)
    note = solara.use_reactive("")
    state = solara.use_reactive("")
    problems = (
        field_problems(data.value, library.folder)
        if isinstance(data.value, dict)
        else {"": "not a mapping"}
    )
    refused = solara.use_memo(lambda: _refusal(text.value), [text.value])
    if refused:
        problems = {"": refused}

    def load(name: str) -> None:
        base.set(name)
        set_text(library.text(name))

    def set_text(new: str) -> None:
        text.set(new)
        data.set(_load(new))

    def edit(path: str, value: Any) -> None:
        data.set(set_path(data.value, path, value))
        text.set(to_text(data.value))

    def save() -> None:
        try:
            library.save(save_as.value, text.value, overwrite=overwrite.value)
            note.set(f"Saved as {save_as.value}.yaml")
        except ClassroomError as err:
            note.set(f"Not saved: {err}")

    def upload(file: Any) -> None:
        try:
            set_text(library.decode(file["data"], file["name"]))
            note.set(f"Loaded {file['name']}")
        except ClassroomError as err:
            note.set(f"Upload refused: {err}")

    with solara.Card("Edit a scenario", classes=["scenario-editor"]):
        with solara.Row():
            solara.Select("Start from", values=files, value=base.value, on_value=load)
            solara.FileDrop(label="Or drop a scenario YAML file here", on_file=upload, lazy=False)
        solara.Text(
            "The scenario is valid." if not problems else f"{len(problems)} problem(s).",
            classes=["editor-status"],
        )
        with solara.Row(style={"flex-wrap": "wrap"}):
            for path, label, kind in TOP_FIELDS:
                Field(label, path, kind, data.value, problems, edit)
            solara.Select(
                "Territorial constraint",
                values=["hard", "soft", "off"],
                value=get_path(data.value, "territorial_constraint") or "hard",
                on_value=lambda v: edit("territorial_constraint", v),
            )
        for actor, fields in ACTOR_FIELDS.items():
            with solara.Row(style={"flex-wrap": "wrap"}):
                for name in fields:
                    path = f"{actor}.{name}"
                    Field(path, path, float, data.value, problems, edit)
                solara.Select(
                    f"{actor}.strategy",
                    values=strategy_names(ACTOR_ROLE[actor]),
                    value=_strategy(get_path(data.value, f"{actor}.strategy")),
                    on_value=lambda v, a=actor: edit(
                        f"{a}.strategy", _renamed(get_path(data.value, f"{a}.strategy"), v)
                    ),
                )
        IssueFields(data.value, problems, edit)
        derived = _derived(data.value, library.folder)
        states = list(get_path(derived, "member_states.states") or {})
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Select("Member state", values=["defaults", *states], value=state)
            if state.value:
                where = (
                    "member_states.defaults"
                    if state.value == "defaults"
                    else f"member_states.states.{state.value}"
                )
                for name in STATE_FIELDS:
                    kind = int if name == "population" else float
                    Field(name, f"{where}.{name}", kind, data.value, problems, edit, derived)
                solara.Select(
                    "strategy",
                    values=["", *strategy_names("member_state")],
                    value=_strategy(get_path(data.value, f"{where}.strategy")) or "",
                    on_value=lambda v, w=where: edit(
                        f"{w}.strategy", _renamed(get_path(data.value, f"{w}.strategy"), v)
                    ),
                )
        shown = _shown_paths(data.value, state.value)
        others = {k: v for k, v in problems.items() if k not in shown}
        for where, message in others.items():
            solara.Error(f"{where or 'file'}: {message}", classes=["editor-problem"])
        solara.InputTextArea(
            "The whole scenario (YAML)", value=text.value, on_value=set_text, rows=12
        )
        with solara.Row():
            solara.InputText("Save as (a-z, 0-9, _ and -)", value=save_as, continuous_update=True)
            solara.Switch(label="Replace an existing file", value=overwrite)
            solara.Button("Save", on_click=save, disabled=bool(problems), classes=["save-btn"])
            solara.FileDownload(
                text.value,
                filename=f"{save_as.value or base.value or 'scenario'}.yaml",
                label="Download YAML",
                mime_type="application/yaml",
            )
        if note.value:
            solara.Info(note.value, classes=["editor-note"])


@solara.component
def Field(
    label: str,
    path: str,
    kind: type,
    data: dict,
    problems: dict[str, str],
    edit: Any,
    derived: dict | None = None,
) -> None:
    """One input, its validator message underneath. A field the file leaves out shows the value
    derived from the indicators file (`derived`); typing sets it in the file."""
    value = get_path(data, path)
    if value is None and derived is not None:
        value = get_path(derived, path)
    solara.InputText(
        label,
        value=shown_as(value),
        on_value=lambda t: edit(path, parse_as(kind, t)),
        continuous_update=True,
        error=problems.get(path, False) or False,
        classes=[f"field-{path.replace('.', '-')}"],
        style={"max-width": "260px"},
    )


@solara.component
def IssueFields(data: dict, problems: dict[str, str], edit: Any) -> None:
    issues = get_path(data, "issues") or {}
    with solara.Row(style={"flex-wrap": "wrap"}):
        for issue in issues:
            for name, kind in ISSUE_FIELDS:
                path = f"issues.{issue}.{name}"
                Field(f"{issue} {name}", path, kind, data, problems, edit)


def _load(text: str) -> dict[str, Any]:
    """The text as a dict for the form (guarded: aliases, deep nesting or a huge text give {})."""
    data = safe_load(text)
    return data if isinstance(data, dict) else {}


def _derived(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The form's dict with the member states its indicators file (in `folder`, the library's)
    derives ({} if it cannot)."""
    try:
        out = expanded(data, folder)
    except Exception:  # a broken reference is shown by field_problems
        return {}
    return out if isinstance(out, dict) else {}


def _refusal(text: str) -> str:
    """Why the text cannot be read as a scenario at all (too large, aliases, deep nesting, not
    valid YAML, a key written twice, not a mapping), in `negotiation validate`'s words, or ""."""
    try:
        read_scenario_yaml(text, "the YAML")
    except ScenarioError as err:
        return str(err)
    return ""


def _strategy(ref: Any) -> str | None:
    return ref.get("name") if isinstance(ref, dict) else ref


def _renamed(ref: Any, name: str) -> Any:
    """A strategy reference with a new name; its parameters are kept (None if no name)."""
    if not name:
        return None
    return {**ref, "name": name} if isinstance(ref, dict) else name


def _shown_paths(data: dict, state: str) -> set[str]:
    paths = {path for path, _, _ in TOP_FIELDS} | {"territorial_constraint"}
    paths |= {f"{a}.{n}" for a, fields in ACTOR_FIELDS.items() for n in fields}
    paths |= {f"{a}.strategy" for a in ACTOR_FIELDS}
    paths |= {f"issues.{i}.{n}" for i in (get_path(data, "issues") or {}) for n, _ in ISSUE_FIELDS}
    if state:
        where = "member_states.defaults" if state == "defaults" else f"member_states.states.{state}"
        paths |= {f"{where}.{n}" for n in STATE_FIELDS}
    return paths
