"""`--dask` at an address that is not a Dask scheduler: one line within seconds, exit 2."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from negotiation.cli import main
from negotiation.sweep import runner

SCENARIO = str(Path(__file__).parents[1] / "scenarios" / "small_class.yaml")


def serve(reply: bytes | None) -> Iterator[str]:
    """A local server that answers every connection with `reply` (None: never answers)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)
            if reply is not None:
                conn.sendall(reply)

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


@pytest.fixture
def garbage() -> Iterator[str]:
    yield from serve(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4)


@pytest.fixture
def silent() -> Iterator[str]:
    yield from serve(None)


def sweep_on(address: str, tmp_path: Path, capsys) -> tuple[int, str, float]:
    started = time.monotonic()
    code = main(["sweep", SCENARIO, "--grid", "rounds=5,6", "--quiet", "--dask", address,
                 "--out", str(tmp_path / "d.parquet")])  # fmt: skip
    return code, capsys.readouterr().err.strip(), time.monotonic() - started


def test_a_service_that_is_not_dask_is_one_line(tmp_path, capsys, garbage):
    code, err, _ = sweep_on(garbage, tmp_path, capsys)
    assert code == 2
    assert err.splitlines()[-1].startswith(
        f"negotiation sweep: error: --dask {garbage}: what answers there is not a Dask scheduler"
    )
    assert "Traceback" not in err


def test_a_service_that_never_answers_is_given_up_on(tmp_path, capsys, silent, monkeypatch):
    monkeypatch.setattr(runner, "CONNECT_SECONDS", 3)
    code, err, took = sweep_on(silent, tmp_path, capsys)
    assert code == 2
    assert f"--dask {silent}: no Dask scheduler answered there within 3 s" in err
    assert took < 3 + 2 + 5


def test_a_port_out_of_range_is_refused_at_once(tmp_path, capsys):
    code, err, took = sweep_on("tcp://127.0.0.1:99999", tmp_path, capsys)
    assert code == 2 and took < 5
    assert err.endswith("--dask tcp://127.0.0.1:99999: the port must be from 1 to 65535; give "
                        "local or a scheduler address tcp://HOST:PORT")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_that_saved_no_game_leaves_no_parts_folder(tmp_path, capsys, garbage):
    code, _, _ = sweep_on(garbage, tmp_path, capsys)
    assert code == 2
    assert list(tmp_path.iterdir()) == []
