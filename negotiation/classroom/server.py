"""The classroom over HTTP/JSON (uvicorn, Starlette's requests and responses, the route table of
`asgi`): ``python -m negotiation.classroom.server``.

Every route calls `RoomService`; refusals come back as ``{"error": ...}`` with the status of the
`ClassroomError` (400 a bad value, 403 wrong token or key, 404 unknown code, 409 not now, 413 a body
too large, 422 a move or scenario the rules refuse, with ``problems`` for a scenario, 429 too many
attempts, with ``Retry-After``, 503 the database is busy). Teachers send the key in
``X-Teacher-Key``, students their seat token in ``X-Seat-Token``.
``GET .../seats/{actor}?after=<version>&wait=<s>`` waits (long poll) until the room changes, so a
page or a bot learns of a new decision at once; the token is checked first, and the wait is an
asyncio future (no thread), at most `MAX_WAIT` seconds, a few per client.
A move's body is ``{"move": {...}}``, and may name the decision it answers,
``"decision": {"round": 3, "kind": "stance"}`` (from the view): it is then refused with 409 once that
decision is no longer open, never applied to the seat's next decision.
``POST .../seats/{actor}/moves?log_from=<n>`` answers with the seat's view after the move too
(``view``, the log from move `n` on), so a page asks for nothing more but waits for the next change;
with ``&wait=<s>`` as well, the answer itself waits as that long poll would (``after=`` the move's
version), so a bot sends one request a move.

Bodies are read up to `MAX_BODY` bytes (a scenario upload by the teacher, checked first: up to the
scenario file limit); anything longer is refused with 413 before it is read whole (`bodies.py`). Scenario checks
run in a worker thread with a time limit, never on the event loop.

Routes: ``GET /api/health``; teacher: ``GET|POST /api/rooms``, ``GET /api/scenarios``,
``GET|PUT /api/scenarios/{name}``, ``POST /api/scenarios/check``, ``GET /api/rooms/{code}/monitor``,
``GET /api/rooms/{code}/log``, ``GET /api/rooms/{code}/timeline``, ``POST /api/rooms/{code}/messages``
(an announcement), ``PUT /api/rooms/{code}/seats/{actor}/holder``,
``PUT /api/rooms/{code}/seats/{actor}/muted``, ``POST /api/rooms/{code}/{start|pause|resume|advance}``,
``GET /api/debrief/{scenario}[?format=csv]`` (404 for a name that is no scenario); anyone with the code: ``GET /api/rooms/{code}``,
``GET /api/rooms/{code}/screen`` (the class screen: no secrets), ``POST /api/rooms/{code}/join``,
``POST /api/rooms/{code}/seats/{actor}`` (take a seat); a seat's holder:
``GET /api/rooms/{code}/seats/{actor}``, ``POST .../seats/{actor}/moves``,
``POST .../seats/{actor}/messages`` (``{"to": "PL" or "all", "text": ...}``).

Start-up: ``--db`` (default ``classroom.db``) is locked (a second server on it exits with a
message) and every room in it rebuilt (a damaged room is reported and skipped); the teacher's key
comes from ``NEGOTIATION_TEACHER_KEY`` (12 characters at least) or is generated and printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import logging
import resource
import secrets
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import uvicorn
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from negotiation.arg_types import whole_number
from negotiation.classroom import checks, keys
from negotiation.classroom.asgi import App
from negotiation.classroom.bodies import MAX_BODY, MAX_SCENARIO_BODY, read_body
from negotiation.classroom.debrief import debrief_rows, to_csv
from negotiation.classroom.errors import BadScenario, Busy, ClassroomError
from negotiation.classroom.game import encode
from negotiation.classroom.limits import TooMany
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import DEFAULT_DIR, ScenarioLibrary
from negotiation.moves import IllegalMove

MAX_WAIT = 30.0
CHECK_SECONDS = 10.0
"""The longest a scenario check may take before the request is answered with a refusal."""
WORKER_THREADS = 64
"""Threads for blocking calls (the database, the engine); waits use none."""
SESSION_COOKIE = "classroom_session"
log = logging.getLogger("negotiation.classroom")


_WORKERS = ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="classroom")
"""The standard library's pool hands work over through a queue written in C: a move costs the
event loop less than through anyio's worker threads."""


async def in_thread(fn: Callable[..., Any], *args: Any, limit: float | None = None) -> Any:
    """`fn(*args)` in a worker thread; with `limit`, give up waiting after that many seconds
    (the thread finishes on its own)."""
    work = asyncio.get_running_loop().run_in_executor(_WORKERS, fn, *args)
    if limit is None:
        return await work
    try:
        return await asyncio.wait_for(work, limit)
    except TimeoutError:
        raise ClassroomError(
            f"checking this took longer than {limit:g} s; make the scenario smaller"
        ) from None


def create_app(service: RoomService, library: ScenarioLibrary) -> App:
    """The HTTP/JSON face of `service` and `library`."""

    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    async def teacher(request: Request) -> str:
        key = request.headers.get("x-teacher-key", "")
        await in_thread(service.check_teacher, key, client(request))
        return key

    def token(request: Request) -> str | None:
        return request.headers.get("x-seat-token")

    def query_number(request: Request, name: str, default: int, high: int) -> int:
        value = request.query_params.get(name)
        return default if value is None else checks.whole_number(value, name, 0, high)

    async def body(request: Request, limit: int = MAX_BODY) -> dict[str, Any]:
        raw = await read_body(request, limit)
        data = checks.parse_json(raw or b"{}")
        if not isinstance(data, dict):
            raise ClassroomError("the request body must be a JSON object")
        return data

    async def health(request: Request) -> Any:
        return {"ok": True}

    async def scenarios(request: Request) -> Any:
        await teacher(request)
        return [asdict(f) for f in await in_thread(library.files)]

    async def scenario_text(request: Request) -> Response:
        await teacher(request)
        text = await in_thread(library.text, request.path_params["name"])
        return PlainTextResponse(text, media_type="application/yaml")

    async def scenario_check(request: Request) -> Any:
        await teacher(request)
        raw = await read_body(request, MAX_SCENARIO_BODY)
        try:
            await in_thread(library.decode, raw, limit=CHECK_SECONDS)
        except BadScenario as err:
            return {"ok": False, "problems": err.problems}
        return {"ok": True, "problems": []}

    async def scenario_save(request: Request) -> Any:
        await teacher(request)
        raw = await read_body(request, MAX_SCENARIO_BODY)
        text = await in_thread(library.decode, raw, limit=CHECK_SECONDS)
        overwrite = request.query_params.get("overwrite") in ("1", "true", "yes")
        await in_thread(library.save, request.path_params["name"], text, overwrite)
        return {"saved": request.path_params["name"]}

    async def rooms(request: Request) -> Any:
        key = await teacher(request)
        if request.method == "GET":
            return await in_thread(service.list_rooms, key)
        data = await body(request, MAX_SCENARIO_BODY)
        name = data.get("scenario_name") or data.get("scenario")
        if name is not None and not isinstance(name, str):
            raise ClassroomError(
                f"scenario: must be a scenario's name, got {checks.json_kind(name)}"
            )
        text = data.get("scenario_yaml") or await in_thread(library.text, str(name or ""))
        checked = await in_thread(
            lambda: service.check_room(
                key,
                text,
                seed=data.get("seed", 0),
                humans=data.get("humans", []),
                time_limit=data.get("time_limit"),
                scenario_name=name,
                base_dir=library.folder,
            ),
            limit=CHECK_SECONDS,
        )
        # Only the check has a time limit: a room is opened only after its check finished in
        # time (a check that ran out of time, and goes on in its thread, opens nothing).
        return await in_thread(service.open_room, checked)

    async def room(request: Request) -> Any:
        return await in_thread(service.room_info, request.path_params["code"], client(request))

    async def screen(request: Request) -> Any:
        return await in_thread(service.screen, request.path_params["code"], client(request))

    async def join(request: Request) -> Any:
        data = await body(request)
        return await in_thread(
            service.join, request.path_params["code"], data.get("name", ""), client(request)
        )

    async def take_seat(request: Request) -> Any:
        data = await body(request)
        p = request.path_params
        session = request.cookies.get(SESSION_COOKIE)
        fresh = session is None or len(session) > 64
        if fresh:
            session = secrets.token_urlsafe(16)
        seat = await in_thread(
            lambda: service.take_seat(
                p["code"], p["actor"], data.get("name", ""), client(request), session
            )
        )
        response = JSONResponse(seat)
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return response

    async def seat(request: Request) -> Any:
        # The check and the view read memory only (the room's shared snapshot): on the event
        # loop, no thread; a snapshot that lags a change in progress is rebuilt in a thread.
        p, q = request.path_params, request.query_params
        actor = service.check_seat(p["code"], p["actor"], token(request), client(request))
        log_from = query_number(request, "log_from", 0, 10**6)
        if "after" in q:
            after = checks.whole_number(q["after"], "after", -1, 2**62)
            await wait_for_seat(request, actor, after, q.get("wait", 10))
        return Response(await seat_view(request, actor, log_from), media_type="application/json")

    async def wait_for_seat(request: Request, actor: str, after: int, wait: Any) -> None:
        """Wait, as a long poll, until the room passes version `after` (see `wait_async`)."""
        seconds = checks.seconds(wait, "wait", MAX_WAIT) or 0.0
        code = request.path_params["code"]
        who = f"{client(request)}/{keys.normalise_code(code)}/{actor}"
        await service.wait_async(code, after, seconds, who, actor)

    async def seat_view(request: Request, actor: str, log_from: int) -> bytes:
        code = request.path_params["code"]
        view = service.seat_view_json(code, actor, token(request), log_from)
        if view is None:
            view = await in_thread(
                service.seat_view_json_locked, code, actor, token(request), log_from
            )
        return view

    async def holder(request: Request) -> Any:
        key = await teacher(request)
        data = await body(request)
        p = request.path_params
        new = await in_thread(service.assign_seat, key, p["code"], p["actor"], data.get("name"))
        return {"actor": p["actor"], "token": new}

    async def muted(request: Request) -> Any:
        key = await teacher(request)
        data = await body(request)
        p = request.path_params
        value = data.get("muted", True)
        if not isinstance(value, bool):
            raise ClassroomError(f"muted: must be true or false, got {value!r}"[:100])
        await in_thread(service.mute, key, p["code"], p["actor"], value)
        return {"actor": p["actor"], "muted": value}

    async def move(request: Request) -> Any:
        data = await body(request)
        p, q = request.path_params, request.query_params
        log_from = query_number(request, "log_from", 0, 10**6) if "log_from" in q else None
        if log_from is not None and "wait" in q:
            checks.seconds(q["wait"], "wait", MAX_WAIT)  # a bad wait is refused before the move
        submit = functools.partial(
            service.submit_move,
            p["code"],
            p["actor"],
            token(request),
            data.get("move"),
            client(request),
            answers=data.get("decision"),
        )
        moved = None
        if service.store.quick:  # on the event loop if the room and the database are free
            with contextlib.suppress(Busy):
                moved = submit(wait=False)
        if moved is None:
            moved = await in_thread(submit)
        if log_from is None:
            return moved
        actor = service.check_seat(p["code"], p["actor"], token(request), client(request))
        if "wait" in q and moved["status"] != "finished":  # as the long poll after the move
            await wait_for_seat(request, actor, moved["version"], q["wait"])
        view = await seat_view(request, actor, log_from)
        return Response(
            encode(moved)[:-1] + b',"view":' + view + b"}", media_type="application/json"
        )

    async def seat_message(request: Request) -> Any:
        data = await body(request)
        p = request.path_params
        return await in_thread(
            lambda: service.send_message(
                p["code"],
                p["actor"],
                token(request),
                data.get("to"),
                data.get("text"),
                client(request),
            )
        )

    async def control(request: Request) -> Any:
        key = await teacher(request)
        code, action = request.path_params["code"], request.path_params["action"]
        actions: dict[str, Callable[[str, str], Any]] = {
            "start": service.start,
            "pause": service.pause,
            "resume": service.resume,
            "advance": service.advance,
        }
        if action not in actions:
            shown = action[:20]
            raise ClassroomError(f"unknown action {shown!r}; allowed: {', '.join(actions)}")
        result = await in_thread(actions[action], key, code)
        return {"done": action, "result": result}

    async def message(request: Request) -> Any:
        key = await teacher(request)
        data = await body(request)
        await in_thread(service.broadcast, key, request.path_params["code"], data.get("text"))
        return {"sent": True}

    async def monitor(request: Request) -> Any:
        key = await teacher(request)
        return await in_thread(service.monitor, key, request.path_params["code"])

    async def room_log(request: Request) -> Any:
        key = await teacher(request)
        start = query_number(request, "log_from", 0, 10**6)
        return await in_thread(service.room_log, key, request.path_params["code"], start)

    async def timeline(request: Request) -> Any:
        key = await teacher(request)
        return await in_thread(service.timeline, key, request.path_params["code"])

    async def debrief(request: Request) -> Any:
        key = await teacher(request)
        name = request.path_params["scenario"]
        files = [f.name for f in await in_thread(library.files)]
        rows = await in_thread(debrief_rows, service, key, name, files)
        if request.query_params.get("format") == "csv":
            safe = "".join(c for c in name if c.isalnum() or c in "_-")[:64]
            headers = {"content-disposition": f'attachment; filename="debrief-{safe}.csv"'}
            return PlainTextResponse(to_csv(rows), media_type="text/csv", headers=headers)
        return rows

    routes = [
        ("/api/health", health, ["GET"]),
        ("/api/scenarios", scenarios, ["GET"]),
        ("/api/scenarios/check", scenario_check, ["POST"]),
        ("/api/scenarios/{name}", scenario_text, ["GET"]),
        ("/api/scenarios/{name}", scenario_save, ["PUT"]),
        ("/api/rooms", rooms, ["GET", "POST"]),
        ("/api/rooms/{code}", room, ["GET"]),
        ("/api/rooms/{code}/screen", screen, ["GET"]),
        ("/api/rooms/{code}/join", join, ["POST"]),
        ("/api/rooms/{code}/monitor", monitor, ["GET"]),
        ("/api/rooms/{code}/log", room_log, ["GET"]),
        ("/api/rooms/{code}/timeline", timeline, ["GET"]),
        ("/api/rooms/{code}/messages", message, ["POST"]),
        ("/api/rooms/{code}/seats/{actor}", seat, ["GET"]),
        ("/api/rooms/{code}/seats/{actor}", take_seat, ["POST"]),
        ("/api/rooms/{code}/seats/{actor}/holder", holder, ["PUT"]),
        ("/api/rooms/{code}/seats/{actor}/muted", muted, ["PUT"]),
        ("/api/rooms/{code}/seats/{actor}/moves", move, ["POST"]),
        ("/api/rooms/{code}/seats/{actor}/messages", seat_message, ["POST"]),
        ("/api/rooms/{code}/{action}", control, ["POST"]),
        ("/api/debrief/{scenario}", debrief, ["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        stop = service.start_clock()
        try:
            yield
        finally:
            stop.set()

    return App([(path, _json(fn), methods) for path, fn, methods in routes], lifespan)


def _json(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Wrap a handler: its result as JSON, refusals as ``{"error": ...}`` with their status. An
    unexpected error is logged with its traceback and answered with a short JSON message."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except BadScenario as err:
            return JSONResponse({"error": str(err), "problems": err.problems}, err.status)
        except TooMany as err:
            headers = {"retry-after": str(err.retry_after)}
            return JSONResponse({"error": str(err)}, err.status, headers=headers)
        except ClassroomError as err:
            return JSONResponse({"error": str(err)}, err.status)
        except IllegalMove as err:
            return JSONResponse({"error": f"move refused: {err}"}, 422)
        except sqlite3.OperationalError as err:
            log.warning("Classroom: database busy on %s: %s", request.url.path, err)
            return JSONResponse(
                {
                    "error": "the classroom database is busy; nothing was changed, try again in a few seconds"
                },
                503,
                headers={"retry-after": "2"},
            )
        except (ValueError, KeyError, TypeError) as err:
            return JSONResponse({"error": f"bad request: {err}"[:300]}, 400)
        except ClientDisconnect:  # the client left (or its body's deadline passed): nobody to tell
            return Response(status_code=400)
        except Exception:
            log.exception("Classroom: unexpected error on %s", request.url.path)
            return JSONResponse(
                {"error": "unexpected server error; the server log has details"}, 500
            )
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return endpoint


def open_service(db: str | Path) -> tuple[RoomService, str]:
    """The service for a server (teacher's key from the environment, database locked); start-up
    problems are `ClassroomError`/`WeakTeacherKey` with a message for the person starting it."""
    key, generated = keys.teacher_key_from_env()
    service = RoomService.open(Path(db), key)
    for code, why in service.damaged.items():
        print(f"Classroom: room {code} could not be loaded and is skipped: {why}", flush=True)
    return service, (key if generated else "")


def _raise_open_file_limit() -> None:
    """Allow as many open connections as the system lets this process have: slow or idle clients
    are cut by the protocol's deadlines and per-address cap, not by running out of files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    if wanted > soft:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The classroom server (HTTP/JSON).")
    parser.add_argument("--db", default="classroom.db", help="SQLite file (created if missing)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=whole_number(1, 65535), default=8765)
    parser.add_argument("--scenarios", default=str(DEFAULT_DIR), help="scenario folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    _raise_open_file_limit()
    db = Path(args.db)
    problem = (
        f"--db {db} is a folder; give a database file (created if missing)"
        if db.is_dir()
        else f"--db {db}: the folder {db.parent} does not exist"
        if not db.parent.is_dir()
        else None
    )
    try:
        if problem:
            raise ClassroomError(problem)
        service, generated = open_service(db)
    except (ClassroomError, keys.WeakTeacherKey, OSError, sqlite3.Error) as err:
        print(f"classroom server not started: {err}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if generated:
        print(f"teacher key (set {keys.TEACHER_KEY_ENV} to choose one): {generated}", flush=True)
    app = create_app(service, ScenarioLibrary(args.scenarios))
    # What start-up made (the engine's imports, the rooms' scenarios) lives as long as the
    # server: frozen, the garbage collector no longer scans it, so a full collection during a
    # round takes a fraction of the time (85 -> under 50 ms in the school benchmark).
    gc.collect()
    gc.freeze()
    print(f"classroom server on http://{args.host}:{args.port}/ (database {args.db})", flush=True)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        # httptools with a cap on request heads and deadlines for slow requests (see protocol.py)
        http="negotiation.classroom.protocol:ClassroomHttpProtocol",
        timeout_keep_alive=5,  # an idle kept-alive connection is closed after 5 s
    )


if __name__ == "__main__":
    main()
