"""The classroom over HTTP/JSON (Starlette + uvicorn): ``python -m negotiation.classroom.server``.

Every route calls `RoomService`; refusals come back as ``{"error": ...}`` with the status of the
`ClassroomError` (404 unknown code, 403 wrong token or key, 409 not now, 422 a move or scenario the
rules refuse, with ``problems`` for a scenario). Teachers send the key in ``X-Teacher-Key``,
students their seat token in ``X-Seat-Token``. ``GET .../seats/{actor}?after=<version>&wait=<s>``
waits (long poll) until the room changes, so a page or a bot learns of a new decision at once.

Start-up: ``--db`` (default ``classroom.db``) is opened and every room in it rebuilt; the teacher's
key comes from ``NEGOTIATION_TEACHER_KEY`` or is generated and printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import anyio.to_thread
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from negotiation.classroom import keys
from negotiation.classroom.debrief import debrief_rows, to_csv
from negotiation.classroom.errors import BadScenario, ClassroomError
from negotiation.classroom.rooms import RoomService
from negotiation.classroom.scenarios import DEFAULT_DIR, ScenarioLibrary, decode_upload
from negotiation.moves import IllegalMove

MAX_WAIT = 30.0
WORKER_THREADS = 200
"""Threads for blocking calls; each waiting (long-polling) page holds one."""


def create_app(service: RoomService, library: ScenarioLibrary) -> Starlette:
    """The HTTP/JSON face of `service` and `library`."""

    def teacher(request: Request) -> str:
        key = request.headers.get("x-teacher-key", "")
        service.check_teacher(key)
        return key

    def token(request: Request) -> str | None:
        return request.headers.get("x-seat-token")

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            raise ClassroomError("the request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise ClassroomError("the request body must be a JSON object")
        return data

    async def health(request: Request) -> Any:
        return {"ok": True}

    async def scenarios(request: Request) -> Any:
        teacher(request)
        return [asdict(f) for f in library.files()]

    async def scenario_text(request: Request) -> Response:
        teacher(request)
        text = library.text(request.path_params["name"])
        return PlainTextResponse(text, media_type="application/yaml")

    async def scenario_check(request: Request) -> Any:
        teacher(request)
        try:
            decode_upload(await request.body())
        except BadScenario as err:
            return {"ok": False, "problems": err.problems}
        return {"ok": True, "problems": []}

    async def scenario_save(request: Request) -> Any:
        teacher(request)
        text = decode_upload(await request.body())
        overwrite = request.query_params.get("overwrite") in ("1", "true", "yes")
        library.save(request.path_params["name"], text, overwrite=overwrite)
        return {"saved": request.path_params["name"]}

    async def rooms(request: Request) -> Any:
        key = teacher(request)
        if request.method == "GET":
            return service.list_rooms(key)
        data = await body(request)
        text = data.get("scenario_yaml") or library.text(str(data.get("scenario", "")))
        return await run_in_threadpool(
            lambda: service.create_room(
                key,
                text,
                seed=int(data.get("seed", 0)),
                humans=list(data.get("humans", [])),
                time_limit=data.get("time_limit"),
                scenario_name=data.get("scenario_name") or data.get("scenario"),
            )
        )

    async def room(request: Request) -> Any:
        return service.room_info(request.path_params["code"])

    async def join(request: Request) -> Any:
        data = await body(request)
        return service.join(request.path_params["code"], str(data.get("name", "")))

    async def take_seat(request: Request) -> Any:
        data = await body(request)
        p = request.path_params
        return await run_in_threadpool(
            service.take_seat, p["code"], p["actor"], str(data.get("name", ""))
        )

    async def seat(request: Request) -> Any:
        p, q = request.path_params, request.query_params
        if "after" in q:
            wait = min(float(q.get("wait", 10)), MAX_WAIT)
            await run_in_threadpool(service.wait_for_change, p["code"], int(q["after"]), wait)
        log_from = int(q.get("log_from", 0))
        return await run_in_threadpool(
            service.seat_view, p["code"], p["actor"], token(request), log_from
        )

    async def holder(request: Request) -> Any:
        key = teacher(request)
        data = await body(request)
        p = request.path_params
        new = await run_in_threadpool(
            service.assign_seat, key, p["code"], p["actor"], data.get("name")
        )
        return {"actor": p["actor"], "token": new}

    async def move(request: Request) -> Any:
        data = await body(request)
        p = request.path_params
        return await run_in_threadpool(
            service.submit_move, p["code"], p["actor"], token(request), data.get("move")
        )

    async def control(request: Request) -> Any:
        key = teacher(request)
        code, action = request.path_params["code"], request.path_params["action"]
        actions: dict[str, Callable[[str, str], Any]] = {
            "start": service.start,
            "pause": service.pause,
            "resume": service.resume,
            "advance": service.advance,
        }
        if action not in actions:
            raise ClassroomError(f"unknown action {action!r}; allowed: {', '.join(actions)}")
        result = await run_in_threadpool(actions[action], key, code)
        return {"done": action, "result": result}

    async def message(request: Request) -> Any:
        key = teacher(request)
        data = await body(request)
        service.broadcast(key, request.path_params["code"], str(data.get("text", "")))
        return {"sent": True}

    async def monitor(request: Request) -> Any:
        key = teacher(request)
        return await run_in_threadpool(service.monitor, key, request.path_params["code"])

    async def log(request: Request) -> Any:
        key = teacher(request)
        start = int(request.query_params.get("log_from", 0))
        return service.room_log(key, request.path_params["code"], start)

    async def debrief(request: Request) -> Any:
        key = teacher(request)
        name = request.path_params["scenario"]
        rows = await run_in_threadpool(debrief_rows, service, key, name)
        if request.query_params.get("format") == "csv":
            headers = {"content-disposition": f'attachment; filename="debrief-{name}.csv"'}
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
        ("/api/rooms/{code}/join", join, ["POST"]),
        ("/api/rooms/{code}/monitor", monitor, ["GET"]),
        ("/api/rooms/{code}/log", log, ["GET"]),
        ("/api/rooms/{code}/messages", message, ["POST"]),
        ("/api/rooms/{code}/seats/{actor}", seat, ["GET"]),
        ("/api/rooms/{code}/seats/{actor}", take_seat, ["POST"]),
        ("/api/rooms/{code}/seats/{actor}/holder", holder, ["PUT"]),
        ("/api/rooms/{code}/seats/{actor}/moves", move, ["POST"]),
        ("/api/rooms/{code}/{action}", control, ["POST"]),
        ("/api/debrief/{scenario}", debrief, ["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        stop = service.start_clock()
        try:
            yield
        finally:
            stop.set()

    return Starlette(
        routes=[Route(path, _json(fn), methods=methods) for path, fn, methods in routes],
        lifespan=lifespan,
    )


def _json(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Wrap a handler: its result as JSON, refusals as ``{"error": ...}`` with their status."""

    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except BadScenario as err:
            return JSONResponse({"error": str(err), "problems": err.problems}, err.status)
        except ClassroomError as err:
            return JSONResponse({"error": str(err)}, err.status)
        except IllegalMove as err:
            return JSONResponse({"error": f"move refused: {err}"}, 422)
        except (ValueError, KeyError) as err:
            return JSONResponse({"error": f"bad request: {err}"}, 400)
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return endpoint


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The classroom server (HTTP/JSON).")
    parser.add_argument("--db", default="classroom.db", help="SQLite file (created if missing)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scenarios", default=str(DEFAULT_DIR), help="scenario folder")
    args = parser.parse_args(argv)
    key, generated = keys.teacher_key_from_env()
    if generated:
        print(f"teacher key (set {keys.TEACHER_KEY_ENV} to choose one): {key}", flush=True)
    service = RoomService.open(Path(args.db), key)
    app = create_app(service, ScenarioLibrary(args.scenarios))
    print(f"classroom server on http://{args.host}:{args.port}/ (database {args.db})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
