"""One server per classroom database: a lock file beside the database, held while a server runs.

Two servers on one file would each keep their own rooms in memory and never see the other's moves,
so the second one refuses to start. The lock is an ``flock`` on ``<database>.lock``: the operating
system drops it when the process ends, however it ends (even ``kill -9``), so a crash never leaves
a stale lock behind. The file holds the holder's process id, for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from negotiation.classroom.errors import ClassroomError


class DatabaseInUse(ClassroomError):
    """Another server holds this database."""

    status = 409


class DatabaseLock:
    """The exclusive lock on one database file; `release` (or the process ending) frees it."""

    def __init__(self, db_path: str | Path):
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DatabaseInUse(
                f"the classroom database {db_path} is in use by another classroom server "
                f"(process {holder}). Stop that server first, or give this one another database "
                "(--db, or NEGOTIATION_CLASSROOM_DB for negotiation serve)."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
