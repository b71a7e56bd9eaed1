"""The classroom's SQLite store: WAL mode, one transaction a write, one move a seat and phase."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from negotiation.classroom import keys
from negotiation.classroom.errors import Busy
from negotiation.classroom.store import BUSY_SECONDS, RoomRow, Store


def room(code: str = "ABCDEF") -> RoomRow:
    return RoomRow(code, "s", "name: s", 1, ("us", "PL"), 30.0, "open", None, None, 0.0)


def test_rooms_seats_moves_messages_round_trip(tmp_path: Path):
    store = Store(tmp_path / "c.db")
    store.add_room(room(), ["us", "PL"])
    assert store.room("ABCDEF") == room() and store.room_exists("ABCDEF")
    assert store.take_free_seat("ABCDEF", "PL", "Ana", keys.hash_token("t"), 5.0)
    assert not store.take_free_seat("ABCDEF", "PL", "Ben", keys.hash_token("u"), 6.0)
    store.add_move("ABCDEF", 1, "us", "us", {"action": "offer"}, "human", 7.0)
    store.add_moves("ABCDEF", [(1, "PL", "stance", {"stance": "bloc"}, "agent (seat idle)")], 8.0)
    store.add_message("ABCDEF", "teacher", "hi", 9.0)
    store.set_clock("ABCDEF", "running", 100.0, None)
    store.close()

    again = Store(tmp_path / "c.db")
    assert again.room("ABCDEF").status == "running" and again.room("ABCDEF").deadline == 100.0
    seats = {s.actor: s for s in again.seats("ABCDEF")}
    assert seats["PL"].holder == "Ana" and seats["us"].holder is None
    assert seats["PL"].token_hash == keys.hash_token("t") != "t"
    assert [(m.actor, m.move, m.by) for m in again.moves("ABCDEF")] == [
        ("us", {"action": "offer"}, "human"),
        ("PL", {"stance": "bloc"}, "agent (seat idle)"),
    ]
    assert again.messages("ABCDEF")[0].text == "hi"


def test_wal_mode_and_full_sync(tmp_path: Path):
    Store(tmp_path / "c.db").close()
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_seat_moves_once_per_round_and_kind(tmp_path: Path):
    store = Store(tmp_path / "c.db")
    store.add_room(room(), ["us"])
    store.add_move("ABCDEF", 1, "us", "us", {}, "human", 1.0)
    with pytest.raises(sqlite3.IntegrityError):
        store.add_move("ABCDEF", 1, "us", "us", {}, "human", 2.0)
    assert len(store.moves("ABCDEF")) == 1


def test_a_failed_batch_writes_nothing(tmp_path: Path):
    store = Store(tmp_path / "c.db")
    store.add_room(room(), ["us"])
    store.add_move("ABCDEF", 1, "us", "us", {}, "human", 1.0)
    batch = [(1, "PL", "stance", {}, "agent"), (1, "us", "us", {}, "agent")]  # second clashes
    with pytest.raises(sqlite3.IntegrityError):
        store.add_moves("ABCDEF", batch, 2.0)
    assert [m.actor for m in store.moves("ABCDEF")] == ["us"]


def test_moves_from_many_threads_commit_together_and_apart(tmp_path: Path):
    """Group commit: writes that arrive together share a transaction, yet each is its own: a
    move made twice is refused to its caller alone, every other move is stored."""
    from concurrent.futures import ThreadPoolExecutor

    store = Store(tmp_path / "c.db")
    store.add_room(room(), ["us"])
    store.add_move("ABCDEF", 1, "us", "us", {}, "human", 1.0)

    def add(n: int) -> str:
        try:
            actor = "us" if n == 0 else f"S{n}"  # n == 0 clashes with the move above
            store.add_move("ABCDEF", 1, actor, "us" if n == 0 else "stance", {"n": n}, "human", 2.0)
            store.set_clock("ABCDEF", "running", float(n), None)
        except sqlite3.IntegrityError:
            return "refused"
        return "stored"

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(add, range(64)))
    assert results.count("refused") == 1 and results[0] == "refused"
    with pytest.raises(sqlite3.IntegrityError):
        store.add_move("ABCDEF", 1, "S5", "stance", {}, "human", 3.0)
    assert len(store.moves("ABCDEF")) == 64
    store.close()
    reopened = Store(tmp_path / "c.db")
    assert sorted(m.move.get("n", -1) for m in reopened.moves("ABCDEF")) == [-1, *range(1, 64)]


def test_a_write_that_may_not_wait_is_refused_at_once_when_the_file_is_in_use(tmp_path: Path):
    """`wait=False` (the server's event loop): with another program holding the file's write
    lock, the write is refused at once with Busy, not after the busy timeout, and nothing is
    stored; once the lock is gone it is stored, and the usual writes still wait."""
    store = Store(tmp_path / "c.db")
    store.add_room(room(), ["us"])
    other = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a backup, say, holds the write lock
    t0 = time.perf_counter()
    with pytest.raises(Busy):
        store.add_move("ABCDEF", 1, "us", "us", {}, "human", 1.0, wait=False)
    assert time.perf_counter() - t0 < BUSY_SECONDS / 2
    other.execute("ROLLBACK")
    assert store.moves("ABCDEF") == []
    store.add_move("ABCDEF", 1, "us", "us", {}, "human", 2.0, wait=False)
    with pytest.raises(sqlite3.IntegrityError):  # refusals are as with waiting
        store.add_move("ABCDEF", 1, "us", "us", {}, "human", 3.0, wait=False)
    assert [m.at for m in store.moves("ABCDEF")] == [2.0]
    assert store.quick  # commits on this disk take well under QUICK_COMMIT_SECONDS


def test_a_write_that_may_not_wait_is_refused_while_another_thread_writes(tmp_path: Path):
    store = Store(tmp_path / "c.db")
    store.add_room(room(), ["us"])
    with store._lock:  # another thread's commit under way
        outcome: list[str] = []

        def try_now() -> None:
            try:
                store.add_move("ABCDEF", 1, "us", "us", {}, "human", 1.0, wait=False)
                outcome.append("stored")
            except Busy:
                outcome.append("busy")

        thread = threading.Thread(target=try_now)
        thread.start()
        thread.join()
    assert outcome == ["busy"] and store.moves("ABCDEF") == []
