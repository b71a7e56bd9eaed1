"""Results on disk: parts written as runs finish, resumed after an interruption, merged at the end.

Results are Parquet (`write_csv` adds a CSV copy on request). While a sweep runs, each finished
chunk becomes one Parquet file in `<OUT>.parts/` (written to a temporary name, then renamed, so a
killed sweep never leaves half a part). The runs already in OUT or in its parts are skipped when
the same sweep starts again. At the end the parts (after an earlier OUT, if the sweep extends one)
are merged into OUT in run-id order of the parts, with fixed-size row groups: the same sweep writes
the same file however its chunks were scheduled.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from negotiation.sweep.columns import to_pandas

ROW_GROUP = 10_000
METADATA_KEY = b"negotiation.sweep"
IDENTITY_FILE = "identity.json"
IDENTITY_NAMES = {
    "master_seed": "master seed",
    "scenario": "scenario content",
    "code": "code version",
    "design": "sampled design",
    "outcome_functions": "outcome functions",
}


class SweepStoreError(ValueError):
    """Output files that do not belong to this sweep."""


def is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def read_table(path: str | Path, columns: list[str] | None = None) -> pa.Table:
    """A results file (Parquet, or CSV by its suffix) as an Arrow table."""
    path = Path(path)
    if is_csv(path):
        options = pacsv.ConvertOptions(include_columns=columns) if columns else None
        return pacsv.read_csv(path, convert_options=options)
    return pq.read_table(path, columns=columns)


def read_frame(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A results file as pandas, with nullable dtypes (Int64, Float64, boolean, string)."""
    return to_pandas(read_table(path, columns))


def write_csv(parquet: str | Path, csv: str | Path) -> None:
    """A CSV copy of a Parquet results file, written batch by batch."""
    source = pq.ParquetFile(parquet)
    tmp = Path(csv).with_name(Path(csv).name + ".tmp")
    with pacsv.CSVWriter(tmp, source.schema_arrow.remove_metadata()) as writer:
        for batch in source.iter_batches(batch_size=ROW_GROUP):
            writer.write_batch(batch)
    os.replace(tmp, csv)


def check_results_file(path: str | Path) -> None:
    """SweepStoreError unless PATH is a sweep's results file (Parquet, or CSV by its suffix, with
    the columns run_id and point): not a folder, not another kind of file, not a per-state table."""
    path = Path(path)
    if path.is_dir():
        raise SweepStoreError(
            f"{path}: is a folder; give a results file of a sweep, e.g. {path}/results.parquet"
        )
    if not path.is_file():
        raise SweepStoreError(f"{path}: no such file")
    try:
        names = _column_names(path)
    except (OSError, pa.ArrowInvalid) as err:
        kind = "CSV" if is_csv(path) else "Parquet"
        raise SweepStoreError(
            f"{path}: not a results file of a sweep (cannot be read as {kind}: "
            f"{str(err).splitlines()[0]})"
        ) from None
    if not {"run_id", "point"} <= set(names):
        runs = read_metadata(path).get("runs") if "code" in names else None
        what = f" (a per-state table; its results file is {runs})" if runs else ""
        raise SweepStoreError(
            f"{path}: not a sweep results file{what}: it needs the columns run_id and point"
        )


def _column_names(path: Path) -> list[str]:
    if is_csv(path):
        with pacsv.open_csv(path) as reader:
            return reader.schema.names
    return pq.read_schema(path).names


def read_metadata(path: str | Path) -> dict:
    """The sweep plan kept in a Parquet results file (empty for CSV or other files)."""
    path = Path(path)
    if is_csv(path):
        return {}
    meta = pq.read_schema(path).metadata or {}
    return json.loads(meta[METADATA_KEY]) if METADATA_KEY in meta else {}


class PartStore:
    """One output (runs or rounds) being written as parts: `OUT.parts/part-<first run id>.parquet`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.parts_dir = self.out.with_name(self.out.name + ".parts")

    def parts(self) -> list[Path]:
        if not self.parts_dir.is_dir():
            return []
        return sorted(self.parts_dir.glob("part-*.parquet"))

    def write(self, name: str, table: pa.Table) -> None:
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        final = self.parts_dir / f"part-{name}.parquet"
        tmp = final.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, final)

    def sources(self) -> list[Path]:
        """An earlier complete output first, then the parts in run-id order."""
        return ([self.out] if self.out.is_file() else []) + self.parts()

    def merge(self, metadata: dict | None = None) -> None:
        """Merge the sources into OUT (atomically) and remove the parts."""
        if not self.parts():
            shutil.rmtree(self.parts_dir, ignore_errors=True)
            return
        sources = self.sources()
        schema = _union_schema([_schema(s) for s in sources])
        if metadata is not None:
            columns = metadata.get("columns") or {}
            schema = pa.schema(
                [
                    f.with_metadata({k: str(v) for k, v in columns[f.name].items()})
                    if f.name in columns
                    else f
                    for f in schema
                ]
            )
            schema = schema.with_metadata({METADATA_KEY: json.dumps(metadata)})
        tmp = self.out.with_name(self.out.name + ".tmp")
        writer = pq.ParquetWriter(tmp, schema)
        try:
            pending: list[pa.Table] = []
            rows = 0
            for batch in _batches(sources):
                pending.append(_conform(batch, schema))
                rows += batch.num_rows
                if rows >= ROW_GROUP:
                    table = pa.concat_tables(pending)
                    full = rows - rows % ROW_GROUP
                    writer.write_table(table.slice(0, full), row_group_size=ROW_GROUP)
                    pending, rows = [table.slice(full)], rows - full
            if rows:
                writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP)
        finally:
            writer.close()
        os.replace(tmp, self.out)
        shutil.rmtree(self.parts_dir, ignore_errors=True)


def make_folder(path: str | Path, what: str) -> Path:
    """Make the output folder PATH; SweepStoreError naming it and the reason if it cannot be."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        reason = err.strerror or str(err)
        raise SweepStoreError(
            f"{what} {path}: cannot make the folder ({reason}); give a folder you can write in"
        ) from None
    return Path(path)


def check_writable(path: Path, what: str) -> None:
    """SweepStoreError unless PATH can be written as a file (checked before any game is played)."""
    if path.is_dir():
        raise SweepStoreError(
            f"{what} {path}: is a folder; give a file name, e.g. {path}/runs.parquet"
        )
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise SweepStoreError(f"{what} {path}: {parent} is a file, not a folder")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=parent, prefix=f".{path.name}.", suffix=".probe"):
            pass
    except OSError as err:
        reason = err.strerror or str(err)
        raise SweepStoreError(f"{what} {path}: cannot write in {parent} ({reason})") from None
    parts = path.with_name(path.name + ".parts")
    if parts.exists() and not parts.is_dir():
        raise SweepStoreError(f"{what} {path}: {parts} is in the way (a file, not a folder)")


def another_sweep(path: Path, what: str, problems: list[str]) -> SweepStoreError:
    """The error for an output that holds results of another sweep."""
    return SweepStoreError(
        f"{path} holds results of another sweep ({'; '.join(problems)}); choose a new {what} "
        "to keep them, or add --force-new to replace them"
    )


def not_results(path: Path, what: str) -> SweepStoreError:
    """The error for an output that exists and is no table of a sweep."""
    return SweepStoreError(
        f"{path}: exists and is not a results file of a sweep; choose another {what}, or add "
        "--force-new to replace it"
    )


def identity_problems(saved: dict, now: dict) -> list[str]:
    """What differs between the identity a file was made with and this sweep's."""
    problems = []
    for key, name in IDENTITY_NAMES.items():
        if saved.get(key) != now.get(key):
            there, here = _short(saved.get(key)), _short(now.get(key))
            problems.append(f"{name} {there} there, {here} now")
    return problems


def _short(value: Any) -> str:
    if isinstance(value, dict) and "source_hash" in value:
        return f"{value.get('version')}/{value['source_hash']}"
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str | int) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ResultStore:
    """The runs table (and optionally the rounds and per-state tables) of one sweep, with resume."""

    def __init__(
        self,
        out: str | Path,
        rounds_out: str | Path | None = None,
        states_out: str | Path | None = None,
    ):
        self.runs = PartStore(Path(out))
        self.rounds = PartStore(Path(rounds_out)) if rounds_out else None
        self.states = PartStore(Path(states_out)) if states_out else None

    def outputs(self) -> list[tuple[str, PartStore]]:
        named = [("--out", self.runs), ("--rounds-table", self.rounds)]
        return [(n, s) for n, s in [*named, ("--states-table", self.states)] if s is not None]

    def preflight(self, inputs: Mapping[str, str | Path | None] | None = None) -> None:
        """Every output can be written, and no output is another output or an input file
        (`inputs`: what -> path, e.g. {"the scenario file": "scenarios/x.yaml"})."""
        taken = {Path(p).resolve(): name for name, p in (inputs or {}).items() if p is not None}
        for what, part in self.outputs():
            key = part.out.resolve()
            if key in taken:
                raise SweepStoreError(
                    f"{what} {part.out}: is {taken[key]}; give another file for the output"
                )
            check_writable(part.out, what)
            taken[key] = f"the file of {what}"

    def saved_identity(self) -> dict | None:
        """The identity the outputs were made with (None when nothing is saved yet)."""
        marker = self.runs.parts_dir / IDENTITY_FILE
        if marker.is_file():
            return json.loads(marker.read_text(encoding="utf-8"))
        if self.runs.out.is_file():
            try:
                meta = read_metadata(self.runs.out)
            except (OSError, pa.ArrowInvalid, ValueError):
                raise not_results(self.runs.out, "--out") from None
            return meta.get("identity", {"made by": "an older version without identities"})
        if self.runs.parts():
            return {"made by": "an older version without identities"}
        return None

    def claim(self, identity: dict, force_new: bool = False) -> None:
        """Check the outputs belong to this sweep (or clear them with `force_new`), then mark them.

        SweepStoreError, naming what differs and how to go on, for outputs of another sweep.
        """
        if force_new:
            for _, part in self.outputs():
                shutil.rmtree(part.parts_dir, ignore_errors=True)
                part.out.unlink(missing_ok=True)
        saved = self.saved_identity()
        if saved is not None and saved != identity:
            if "made by" in saved:
                problems = [f"made by {saved['made by']}"]
            else:
                problems = identity_problems(saved, identity) or ["made by another sweep"]
            raise another_sweep(self.runs.out, "--out", problems)
        for what, part in self.outputs()[1:]:
            self._check_side_table(what, part, identity)
        self.runs.parts_dir.mkdir(parents=True, exist_ok=True)
        marker = self.runs.parts_dir / IDENTITY_FILE
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps(identity, sort_keys=True), encoding="utf-8")
        os.replace(tmp, marker)

    def _check_side_table(self, what: str, part: PartStore, identity: dict) -> None:
        """SweepStoreError unless the rounds or per-state table PART (if it exists) is the table
        of this sweep's --out: not a file of another kind, not a results file, not another's."""
        if (part.parts_dir / IDENTITY_FILE).is_file():
            raise another_sweep(part.out, what, [f"{part.parts_dir} holds the runs of a sweep"])
        if not part.out.is_file():
            return
        try:
            meta = read_metadata(part.out)
        except (OSError, pa.ArrowInvalid, ValueError):
            raise not_results(part.out, what) from None
        if "runs" not in meta:
            made = "the results file of a sweep" if "sessions" in meta else "no table of a sweep"
            raise another_sweep(part.out, what, [f"it is {made}, not {what} of {self.runs.out}"])
        problems = identity_problems(meta.get("identity") or {}, identity)
        if Path(meta["runs"]).name != self.runs.out.name:
            problems.append(f"the table of {meta['runs']}, not of {self.runs.out}")
        elif not self.runs.sources():
            problems.append(f"its runs are not in {self.runs.out}")
        if problems:
            raise another_sweep(part.out, what, problems)

    def discard_if_unsaved(self) -> None:
        """Remove the parts folders when they hold no saved game (only the identity marker, or
        rounds parts without their runs): what a sweep that failed before its first chunk made.
        Parts that hold games are kept, so the same command resumes."""
        if self.runs.parts():
            return
        for _, part in self.outputs():
            shutil.rmtree(part.parts_dir, ignore_errors=True)

    def done(self) -> dict[str, tuple[str, int]]:
        """run_id -> (scenario_hash, seed) of every run already saved (in OUT or its parts)."""
        self._drop_orphan_rounds()
        done: dict[str, tuple[str, int]] = {}
        for source in self.runs.sources():
            table = _read(source, ["run_id", "scenario_hash", "seed"])
            pairs = zip(table["scenario_hash"].to_pylist(), table["seed"].to_pylist(), strict=True)
            done.update(zip(table["run_id"].to_pylist(), pairs, strict=True))
        return done

    def write(
        self, name: str, runs: pa.Table, rounds: pa.Table | None, states: pa.Table | None = None
    ) -> None:
        """Save one chunk: rounds and states first, so a saved run always has them."""
        if self.rounds is not None and rounds is not None:
            self.rounds.write(name, rounds)
        if self.states is not None and states is not None:
            self.states.write(name, states)
        self.runs.write(name, runs)

    def saved_schemas(self) -> list[tuple[Path, pa.Schema]]:
        """Each saved source of the runs table (an earlier OUT, then the parts) and its columns."""
        return [(source, _schema(source)) for source in self.runs.sources()]

    def column_names(self) -> list[str]:
        """The columns the merged runs file will have."""
        sources = self.runs.sources()
        return _union_schema([_schema(s) for s in sources]).names if sources else []

    def state_column_names(self) -> list[str]:
        """The columns the merged per-state table will have (none without one)."""
        sources = self.states.sources() if self.states is not None else []
        return _union_schema([_schema(s) for s in sources]).names if sources else []

    def finish(self, metadata: dict, state_columns: dict | None = None) -> None:
        """Merge every output; the runs file keeps `metadata` (with the earlier sessions), the
        per-state table the identity and its columns' labels and units (`state_columns`)."""
        side = {"identity": metadata.get("identity"), "runs": str(self.runs.out)}
        if self.rounds is not None:
            self.rounds.merge(side)
        if self.states is not None:
            self.states.merge({**side, "columns": state_columns or {}})
        if self.runs.out.is_file() and self.runs.parts():
            earlier = read_metadata(self.runs.out).get("sessions", [])
            metadata = {**metadata, "sessions": [*earlier, *metadata.get("sessions", [])]}
        self.runs.merge(metadata)

    def _drop_orphan_rounds(self) -> None:
        """Rounds or states parts whose runs part was never saved (killed between) are dropped."""
        saved = {p.name for p in self.runs.parts()}
        for extra in (self.rounds, self.states):
            if extra is None:
                continue
            for part in extra.parts():
                if part.name not in saved:
                    part.unlink()


def _read(path: Path, columns: list[str]) -> pa.Table:
    try:
        return read_table(path, columns)
    except (pa.ArrowInvalid, KeyError) as err:
        raise SweepStoreError(f"{path}: not a results file of a sweep ({err})") from None


def _schema(path: Path) -> pa.Schema:
    return pq.read_schema(path).remove_metadata()


def _union_schema(schemas: list[pa.Schema]) -> pa.Schema:
    """All columns of all sources; the widest source's order first, then the rest by name.

    A column that is null in some sources takes the type of the others (a user outcome that
    returned None in a whole chunk); one null everywhere is a float column."""
    try:
        unified = pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowTypeError, pa.ArrowInvalid) as err:
        raise SweepStoreError(
            f"the saved parts cannot be merged ({err}); they are kept as they are"
        ) from None
    widest = max(schemas, key=len)
    order = widest.names + sorted(set(unified.names) - set(widest.names))
    fields = [unified.field(name) for name in order]
    return pa.schema([f.with_type(pa.float64()) if pa.types.is_null(f.type) else f for f in fields])


def _batches(sources: list[Path]) -> Iterator[pa.Table]:
    for source in sources:
        for batch in pq.ParquetFile(source).iter_batches(batch_size=ROW_GROUP):
            yield pa.Table.from_batches([batch])


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table with the schema's columns, in its order and types (missing columns null)."""
    columns = [
        table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)
