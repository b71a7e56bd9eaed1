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
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

ROW_GROUP = 10_000
METADATA_KEY = b"negotiation.sweep"


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


def write_csv(parquet: str | Path, csv: str | Path) -> None:
    """A CSV copy of a Parquet results file, written batch by batch."""
    source = pq.ParquetFile(parquet)
    tmp = Path(csv).with_name(Path(csv).name + ".tmp")
    with pacsv.CSVWriter(tmp, source.schema_arrow.remove_metadata()) as writer:
        for batch in source.iter_batches(batch_size=ROW_GROUP):
            writer.write_batch(batch)
    os.replace(tmp, csv)


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
            return
        sources = self.sources()
        schema = _union_schema([_schema(s) for s in sources])
        if metadata is not None:
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


class ResultStore:
    """The runs table (and optionally the rounds table) of one sweep, with resume."""

    def __init__(self, out: str | Path, rounds_out: str | Path | None = None):
        self.runs = PartStore(Path(out))
        self.rounds = PartStore(Path(rounds_out)) if rounds_out else None

    def done(self) -> dict[str, str]:
        """run_id -> scenario_hash of every run already saved (in OUT or its parts)."""
        self._drop_orphan_rounds()
        done: dict[str, str] = {}
        for source in self.runs.sources():
            table = _read(source, ["run_id", "scenario_hash"])
            done.update(
                zip(table["run_id"].to_pylist(), table["scenario_hash"].to_pylist(), strict=True)
            )
        return done

    def write(self, name: str, runs: pa.Table, rounds: pa.Table | None) -> None:
        """Save one chunk: rounds first, so a saved run always has its rounds."""
        if self.rounds is not None and rounds is not None:
            self.rounds.write(name, rounds)
        self.runs.write(name, runs)

    def finish(self, metadata: dict) -> None:
        if self.rounds is not None:
            self.rounds.merge()
        self.runs.merge(metadata)

    def _drop_orphan_rounds(self) -> None:
        """Rounds parts whose runs part was never saved (killed in between) are dropped."""
        if self.rounds is None:
            return
        saved = {p.name for p in self.runs.parts()}
        for part in self.rounds.parts():
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
    """All columns of all sources; the widest source's order first, then the rest by name."""
    unified = pa.unify_schemas(schemas, promote_options="permissive")
    widest = max(schemas, key=len)
    order = widest.names + sorted(set(unified.names) - set(widest.names))
    return pa.schema([unified.field(name) for name in order])


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
