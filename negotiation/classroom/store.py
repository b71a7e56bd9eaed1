"""The classroom's database: rooms, seats, every move and every message, in one SQLite file.

SQLite (the standard library's ``sqlite3``) in WAL mode with ``synchronous=FULL``: each write is one
transaction, committed before the caller answers, so a server killed at any moment (even with
``kill -9``) keeps every move it ever confirmed. The live games are not stored: they are rebuilt by
replaying the stored moves (the engine is deterministic for a scenario, a seed and the moves).

Another program holding the write lock (a backup, a second connection) makes a write wait up to
`BUSY_SECONDS` before it fails with ``sqlite3.OperationalError``; the caller decides (the clock
retries, a request answers "busy, try again"). A file that is not an SQLite database is refused
with `DatabaseUnreadable`, never overwritten. Databases from before messages between seats get the
new columns on open.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negotiation.classroom.errors import BRIEF_WAIT_SECONDS, Busy, ClassroomError

BUSY_SECONDS = 5.0
QUICK_COMMIT_SECONDS = 0.002
"""Commits quicker than this (a moving average) may be made on the server's event loop: a move
then costs no hand-over to a thread. On a slower disk every commit runs in a worker thread."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code          TEXT PRIMARY KEY,
    scenario_name TEXT NOT NULL,
    scenario_yaml TEXT NOT NULL,
    seed          INTEGER NOT NULL,
    humans        TEXT NOT NULL,            -- JSON list of actor ids played by people
    time_limit    REAL,                     -- seconds per phase, or NULL for no limit
    status        TEXT NOT NULL,            -- open | running | paused | finished
    deadline      REAL,                     -- when the current round times out (epoch seconds)
    remaining     REAL,                     -- seconds left in the round while paused
    created_at    REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS seats (
    room       TEXT NOT NULL REFERENCES rooms(code),
    actor      TEXT NOT NULL,
    holder     TEXT,
    token_hash TEXT,
    last_seen  REAL,
    muted      INTEGER NOT NULL DEFAULT 0,  -- 1: the teacher muted the seat's messages
    session_hash TEXT,                      -- hash of the browser session that took the seat
    PRIMARY KEY (room, actor)
);
CREATE TABLE IF NOT EXISTS moves (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    room  TEXT NOT NULL REFERENCES rooms(code),
    round INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind  TEXT NOT NULL,                    -- decision kind: china, us, commission, stance, vote
    move  TEXT NOT NULL,                    -- the move dict as JSON
    by    TEXT NOT NULL,                    -- human | agent (seat idle) | agent (teacher advanced)
    at    REAL NOT NULL,
    UNIQUE (room, round, actor, kind)
);
CREATE TABLE IF NOT EXISTS messages (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    room   TEXT NOT NULL REFERENCES rooms(code),
    sender TEXT NOT NULL,                   -- 'teacher' or the sending seat's actor id
    text   TEXT NOT NULL,
    at     REAL NOT NULL,
    recipient TEXT,                         -- a seat for a private message, NULL for everyone
    kind   TEXT NOT NULL DEFAULT 'announcement',  -- announcement | public | private | auto
    round  INTEGER                          -- the game's round when it was sent
);
"""
MIGRATIONS = {
    ("seats", "muted"): "ALTER TABLE seats ADD COLUMN muted INTEGER NOT NULL DEFAULT 0",
    ("messages", "recipient"): "ALTER TABLE messages ADD COLUMN recipient TEXT",
    ("messages", "kind"): (
        "ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'announcement'"
    ),
    ("messages", "round"): "ALTER TABLE messages ADD COLUMN round INTEGER",
    ("seats", "session_hash"): "ALTER TABLE seats ADD COLUMN session_hash TEXT",
}


class DatabaseUnreadable(ClassroomError):
    """The file is not an SQLite database (or cannot be read)."""


@dataclass(frozen=True, slots=True)
class RoomRow:
    code: str
    scenario_name: str
    scenario_yaml: str
    seed: int
    humans: tuple[str, ...]
    time_limit: float | None
    status: str
    deadline: float | None
    remaining: float | None
    created_at: float


@dataclass(frozen=True, slots=True)
class SeatRow:
    room: str
    actor: str
    holder: str | None
    token_hash: str | None
    last_seen: float | None
    muted: int = 0
    session_hash: str | None = None


@dataclass(frozen=True, slots=True)
class MoveRow:
    seq: int
    room: str
    round: int
    actor: str
    kind: str
    move: dict[str, Any]
    by: str
    at: float


@dataclass(frozen=True, slots=True)
class MessageRow:
    seq: int
    room: str
    sender: str
    text: str
    at: float
    recipient: str | None = None
    kind: str = "announcement"
    round: int | None = None


class Store:
    """All reads and writes of the classroom's SQLite file; safe to share between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Job] = []
        self._commit_seconds = 0.0  # a moving average of how long a commit takes (`quick`)
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=BUSY_SECONDS
        )
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            with self._lock:
                self._conn.executescript(SCHEMA)  # CREATE ... IF NOT EXISTS: safe on every start
                self._migrate()
        except sqlite3.DatabaseError as err:
            self._conn.close()
            raise DatabaseUnreadable(
                f"{self.path} is not a readable classroom database ({err}). Nothing was changed. "
                "Restore it from a backup, or move it aside to start an empty classroom."
            ) from None

    def _migrate(self) -> None:
        """Add the columns that older databases lack."""
        for (table, column), sql in MIGRATIONS.items():
            columns = {r["name"] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                self._conn.execute(sql)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One transaction: committed on success, rolled back on any error."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    @property
    def quick(self) -> bool:
        """Do commits take so little time (`QUICK_COMMIT_SECONDS`, a moving average) that a
        caller on the event loop may commit without a thread?"""
        return self._commit_seconds < QUICK_COMMIT_SECONDS

    def _grouped(self, write: Callable[[sqlite3.Cursor], Any], wait: bool = True) -> Any:
        """`write(cursor)` in a transaction, committed before this returns (group commit).

        Writes that other threads ask for while a commit is under way join the next one: the
        first of them to get the database commits them all, each in its own savepoint, so one
        write's error (a move made twice) undoes only that write and is raised to its own caller,
        and a failed commit is raised to each of them. Ten rooms' moves arriving together cost one
        sync of the file, not ten; each still returns only once its write is on disk.

        Without `wait`, the write is committed at once on its own, or Busy is raised (nothing
        written) if another thread or another program is writing."""
        job = _Job(write)
        if not wait:
            if not self._lock.acquire(timeout=BRIEF_WAIT_SECONDS):
                raise Busy("the database is in use")
            try:
                self._commit([job], wait=False)
            finally:
                self._lock.release()
        else:
            with self._queue_lock:
                self._queue.append(job)
            with self._lock:
                if not job.done:
                    with self._queue_lock:
                        batch, self._queue = self._queue, []
                    self._commit(batch)
        if job.error is not None:
            raise job.error
        return job.result

    def _commit(self, batch: list[_Job], wait: bool = True) -> None:
        start = time.perf_counter()
        cur = self._conn.cursor()
        try:
            self._begin(cur, wait)
        except sqlite3.OperationalError:
            if not wait:  # another program holds the file: the caller writes where it may wait
                raise Busy("the database is in use") from None
            raise
        except BaseException as err:
            for job in batch:
                job.finish(error=err)
            raise
        try:
            for job in batch:
                cur.execute("SAVEPOINT write")
                try:
                    job.result = job.write(cur)
                except Exception as err:
                    cur.execute("ROLLBACK TO write")
                    job.error = err
                cur.execute("RELEASE write")
            cur.execute("COMMIT")
        except BaseException as err:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            for job in batch:
                job.finish(error=err)
            raise
        finally:
            self._commit_seconds += 0.2 * (time.perf_counter() - start - self._commit_seconds)
        for job in batch:
            job.finish()

    def _begin(self, cur: sqlite3.Cursor, wait: bool) -> None:
        """Start a write transaction; without `wait`, fail at once if the file is locked."""
        if wait:
            cur.execute("BEGIN IMMEDIATE")
            return
        cur.execute("PRAGMA busy_timeout=0")
        try:
            cur.execute("BEGIN IMMEDIATE")
        finally:
            cur.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")

    def _read(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # --- rooms -----------------------------------------------------------------------------------

    def add_room(self, room: RoomRow, seats: list[str]) -> None:
        """A new room and its human seats (empty), in one transaction."""
        with self._write() as cur:
            cur.execute(
                "INSERT INTO rooms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    room.code,
                    room.scenario_name,
                    room.scenario_yaml,
                    room.seed,
                    json.dumps(list(room.humans)),
                    room.time_limit,
                    room.status,
                    room.deadline,
                    room.remaining,
                    room.created_at,
                ),
            )
            cur.executemany(
                "INSERT INTO seats (room, actor) VALUES (?, ?)", [(room.code, a) for a in seats]
            )

    def room_exists(self, code: str) -> bool:
        return bool(self._read("SELECT 1 FROM rooms WHERE code = ?", (code,)))

    def rooms(self) -> list[RoomRow]:
        return [_room(r) for r in self._read("SELECT * FROM rooms ORDER BY created_at")]

    def room_codes(self) -> list[str]:
        """Every room's code, oldest first (read each room with `room`, one at a time)."""
        return [r["code"] for r in self._read("SELECT code FROM rooms ORDER BY created_at")]

    def room(self, code: str) -> RoomRow | None:
        rows = self._read("SELECT * FROM rooms WHERE code = ?", (code,))
        return _room(rows[0]) if rows else None

    def set_clock(
        self, code: str, status: str, deadline: float | None, remaining: float | None
    ) -> None:
        """The room's status and round clock."""
        self._grouped(
            lambda cur: cur.execute(
                "UPDATE rooms SET status = ?, deadline = ?, remaining = ? WHERE code = ?",
                (status, deadline, remaining, code),
            )
        )

    # --- seats -----------------------------------------------------------------------------------

    def seats(self, code: str) -> list[SeatRow]:
        rows = self._read("SELECT * FROM seats WHERE room = ? ORDER BY rowid", (code,))
        return [SeatRow(**dict(r)) for r in rows]

    def set_holder(
        self, code: str, actor: str, holder: str | None, token_hash: str | None, now: float
    ) -> None:
        with self._write() as cur:
            cur.execute(
                "UPDATE seats SET holder = ?, token_hash = ?, last_seen = ? "
                "WHERE room = ? AND actor = ?",
                (holder, token_hash, now if holder else None, code, actor),
            )

    def take_free_seat(
        self,
        code: str,
        actor: str,
        holder: str,
        token_hash: str,
        now: float,
        session_hash: str | None = None,
    ) -> bool:
        """Give a free seat to `holder` (from the browser session of that hash, if any); False
        if someone holds it already (checked atomically)."""
        with self._write() as cur:
            cur.execute(
                "UPDATE seats SET holder = ?, token_hash = ?, last_seen = ?, session_hash = ? "
                "WHERE room = ? AND actor = ? AND token_hash IS NULL",
                (holder, token_hash, now, session_hash, code, actor),
            )
            return cur.rowcount == 1

    def set_muted(self, code: str, actor: str, muted: bool) -> None:
        with self._write() as cur:
            cur.execute(
                "UPDATE seats SET muted = ? WHERE room = ? AND actor = ?",
                (int(muted), code, actor),
            )

    def touch_seat(self, code: str, actor: str, now: float) -> None:
        with self._write() as cur:
            cur.execute(
                "UPDATE seats SET last_seen = ? WHERE room = ? AND actor = ?", (now, code, actor)
            )

    def touch_seats(self, code: str, seen: list[tuple[float, str]]) -> None:
        """Several seats' last-seen times (time, actor), in one transaction."""
        if not seen:
            return
        with self._write() as cur:
            cur.executemany(
                "UPDATE seats SET last_seen = ? WHERE room = ? AND actor = ?",
                [(t, code, actor) for t, actor in seen],
            )

    # --- moves -----------------------------------------------------------------------------------

    def add_move(
        self,
        code: str,
        round_: int,
        actor: str,
        kind: str,
        move: dict,
        by: str,
        now: float,
        wait: bool = True,
    ) -> int:
        """Store one move; returns its sequence number. Raises sqlite3.IntegrityError if this seat
        already moved in this round and phase; without `wait`, Busy if another thread is writing
        (nothing stored)."""
        row = (code, round_, actor, kind, json.dumps(move), by, now)

        def write(cur: sqlite3.Cursor) -> int:
            cur.execute(
                "INSERT INTO moves (room, round, actor, kind, move, by, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid or 0)

        return self._grouped(write, wait)

    def add_moves(
        self, code: str, moves: list[tuple[int, str, str, dict, str]], now: float
    ) -> None:
        """Several moves (round, actor, kind, move, by) in one transaction."""
        rows = [(code, r, a, k, json.dumps(m), b, now) for r, a, k, m, b in moves]
        self._grouped(
            lambda cur: cur.executemany(
                "INSERT INTO moves (room, round, actor, kind, move, by, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        )

    def moves(self, code: str) -> list[MoveRow]:
        rows = self._read("SELECT * FROM moves WHERE room = ? ORDER BY seq", (code,))
        return [
            MoveRow(**{**dict(r), "move": json.loads(r["move"])})  # type: ignore[arg-type]
            for r in rows
        ]

    # --- messages --------------------------------------------------------------------------------

    def add_message(
        self,
        code: str,
        sender: str,
        text: str,
        now: float,
        recipient: str | None = None,
        kind: str = "announcement",
        round_: int | None = None,
    ) -> MessageRow:
        """Store one message; returns it with its sequence number."""
        with self._write() as cur:
            cur.execute(
                "INSERT INTO messages (room, sender, text, at, recipient, kind, round) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (code, sender, text, now, recipient, kind, round_),
            )
            seq = int(cur.lastrowid or 0)
        return MessageRow(seq, code, sender, text, now, recipient, kind, round_)

    def messages(self, code: str) -> list[MessageRow]:
        rows = self._read("SELECT * FROM messages WHERE room = ? ORDER BY seq", (code,))
        return [MessageRow(**dict(r)) for r in rows]


class _Job:
    """One write waiting for a group commit (`Store._grouped`)."""

    __slots__ = ("done", "error", "result", "write")

    def __init__(self, write: Callable[[sqlite3.Cursor], Any]):
        self.write = write
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False

    def finish(self, error: BaseException | None = None) -> None:
        if error is not None and self.error is None:
            self.error = error
        self.done = True


def _room(row: sqlite3.Row) -> RoomRow:
    data = dict(row)
    data["humans"] = tuple(json.loads(data["humans"]))
    return RoomRow(**data)


def now() -> float:
    """Wall-clock time in epoch seconds (what the store records)."""
    return time.time()
