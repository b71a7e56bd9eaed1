"""Browser-test harness: a real ``solara run`` server and headless Debian Chromium.

Plain ``playwright.sync_api`` fixtures (pytest-playwright's ``page``/``new_context`` are overridden
here; do not mix these tests with pytest-playwright's ``browser``/``playwright`` fixtures or
pytest-ipywidgets' ``solara_test`` in one session: a second sync Playwright in one thread fails).

- ``solara_app_path`` (session): what ``solara run`` serves, a file or a module name; default
  ``<repo>/app.py``.  Override it in a test module or a nested conftest::

      @pytest.fixture(scope="session")
      def solara_app_path():
          return "negotiation/web/other_app.py"

- ``solara_server_env`` (session): extra environment for the server, e.g.
  ``{"NEGOTIATION_SCENARIO_DIR": ...}``; it is laid over what ``negotiation serve`` sets.  The
  default gives the classroom a fresh database in a temporary folder and the teacher's key
  ``CLASSROOM_TEACHER_KEY``.
- ``app_server`` (session): the server exactly as ``negotiation serve`` starts it: the command of
  ``negotiation.web.serve.server_command`` (``python -m solara run <app> --production --host
  127.0.0.1 --port <free> --no-open --no-check-version``) and the environment of
  ``server_environment`` (offline asset folder with the vega aliases, telemetry off); waits until
  ``/`` answers 200 and stops the server after the session.  A :class:`SolaraServer`: ``.url``, ``.port``,
  ``.startup_seconds``, ``.log_path``, ``.log_text()``, ``.cdn_misses()``.
- ``app_url`` (session): ``app_server.url``, e.g. ``http://127.0.0.1:43123/``.
- ``chromium`` (session): headless Chromium from ``/usr/bin/chromium`` (or ``$CHROMIUM_PATH``);
  if it is missing the tests FAIL (never skip) with the install command.
- ``new_context`` (function): ``new_context(**browser_context_kwargs) -> BrowserContext``; one per
  simulated user (each gets its own Solara kernel, i.e. its own session state).  Each context
  records every request and websocket URL in ``ctx.request_log`` (a :class:`RequestLog`).
- ``page`` (function): a page in a fresh context; ``page.request_log`` is its log.
- ``open_app`` (function): ``open_app(page, path="", ready_selector=".solara-autorouter-content")``
  loads the served app and waits until Solara rendered it (or ``ready_selector``, e.g.
  ``"text=Next round"``); returns the seconds taken.
- ``assert_local_only`` (function): ``assert_local_only()`` fails the test now if any context of the
  test requested a non-loopback host, or if the server's asset proxy tried the internet CDN.
  The same check runs automatically when ``new_context``/``page`` are torn down.

On a failing test every open page is saved as a PNG under pytest's tmp dir (path printed).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}
SERVER_START_TIMEOUT = float(os.environ.get("UI_TEST_SERVER_TIMEOUT", "90"))
DEFAULT_TIMEOUT_MS = int(os.environ.get("UI_TEST_TIMEOUT_MS", "20000"))
CLASSROOM_TEACHER_KEY = "browser-test-teacher-key"

# Environment for the server: no CDN, no telemetry, no version check, unbuffered logs.
SERVER_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_ASSETS_PROXY": "True",  # serve assets from <venv>/share/solara/cdn (solara-assets)
    "PYTHONUNBUFFERED": "1",
}


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SolaraServer:
    app: str
    port: int
    process: subprocess.Popen
    log_path: Path
    host: str = "127.0.0.1"
    startup_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def cdn_misses(self, since: int = 0) -> list:
        """Asset-proxy misses: the server tried to fetch a file from the internet CDN."""
        text = self.log_text()[since:]
        return [line for line in text.splitlines() if "Could not load URL" in line]

    def log_tail(self, n: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-n:])


def _wait_until_serving(server: SolaraServer, timeout: float) -> float:
    """Poll the server's root until it answers 200; returns the seconds it took."""
    start = time.monotonic()
    last_error: object = None
    while time.monotonic() - start < timeout:
        if server.process.poll() is not None:
            pytest.fail(
                f"solara server for {server.app} exited with code {server.process.returncode} "
                f"before serving.\n--- server log ---\n{server.log_tail()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(server.url, timeout=5) as resp:
                if resp.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, OSError) as e:  # not up yet
            last_error = e
        time.sleep(0.2)
    pytest.fail(
        f"solara server for {server.app} did not serve {server.url} within {timeout:.0f}s "
        f"(last error: {last_error!r}).\n--- server log ---\n{server.log_tail()}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def solara_app_path() -> str:
    """What ``solara run`` serves: a file path or a module name. Override to test another app."""
    return str(REPO_ROOT / "app.py")


@pytest.fixture(scope="session")
def solara_server_env(tmp_path_factory) -> dict:
    """Extra environment variables for the server; override to add e.g.
    ``SOLARA_ASSETS_PROXY_CACHE_DIR`` (the directory the ``/_solara/cdn/`` proxy serves from).

    The default gives the classroom pages a fresh database in a temporary folder (never the
    repository's ``classroom.db``) and the known teacher's key `CLASSROOM_TEACHER_KEY`."""
    db = tmp_path_factory.mktemp("classroom") / "classroom.db"
    return {"NEGOTIATION_CLASSROOM_DB": str(db), "NEGOTIATION_TEACHER_KEY": CLASSROOM_TEACHER_KEY}


@pytest.fixture(scope="session")
def app_server(solara_app_path, solara_server_env, tmp_path_factory):
    """A real ``solara run`` server on a free loopback port, in production mode, offline."""
    app = str(solara_app_path)
    if app.endswith(".py") and not Path(app).exists():
        pytest.fail(f"Solara app file not found: {app}", pytrace=False)
    from negotiation.web.serve import server_command, server_environment

    port = _free_port()
    log_path = tmp_path_factory.mktemp("solara_server") / "server.log"
    cmd = [*server_command("127.0.0.1", port, Path(app)), "--log-level", "warning"]
    env = {**os.environ, **SERVER_ENV, **server_environment(), **solara_server_env}
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            cmd,
            cwd=str(REPO_ROOT),
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        server = SolaraServer(app=app, port=port, process=process, log_path=log_path)
        try:
            server.startup_seconds = _wait_until_serving(server, SERVER_START_TIMEOUT)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server.url


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium through Playwright's sync API (fails, never skips, if missing)."""
    if not (os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}. Browser tests need it: "
            "`apt-get update && apt-get install -y chromium` (as root), or set CHROMIUM_PATH. "
            "`playwright install` cannot download browsers on this network.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as e:
        pw.stop()
        pytest.fail(f"Could not launch Chromium at {CHROMIUM_PATH}: {e}", pytrace=False)
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


@dataclass
class RequestLog:
    """Every URL one browser context asked for, plus page errors seen."""

    urls: list = field(default_factory=list)
    websockets: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def off_host(self) -> list:
        return [u for u in self.urls + self.websockets if not is_local_url(u)]


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class _ContextList(list):
    server = None
    log_offset = 0


def _attach_page_listeners(page, log: RequestLog) -> None:
    page.on("websocket", lambda ws: log.websockets.append(ws.url))
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))


def _check_local(contexts, server=None, log_offset: int = 0) -> None:
    problems = []
    bad = sorted({u for ctx in contexts for u in ctx.request_log.off_host()})
    if bad:
        problems.append(
            "The page requested hosts other than the local server (must work offline):\n  "
            + "\n  ".join(bad)
        )
    misses = sorted(set(server.cdn_misses(log_offset))) if server is not None else []
    if misses:
        problems.append(
            "The server's /_solara/cdn proxy had no local copy of an asset and tried the internet "
            "CDN (offline, the widget that needs it breaks):\n  " + "\n  ".join(misses)
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


def _screenshot_pages(contexts, request) -> None:
    out = request.getfixturevalue("tmp_path_factory").mktemp("ui_failure")
    for i, ctx in enumerate(contexts):
        for j, pg in enumerate(ctx.pages):
            path = out / f"context{i}_page{j}.png"
            try:
                pg.screenshot(path=str(path), full_page=True)
                print(f"screenshot of failing UI test: {path}")
            except Exception as e:  # the page may be gone
                print(f"could not screenshot {pg.url}: {e}")


@pytest.fixture
def _browser_contexts(request):
    """The contexts made by ``new_context`` in the current test, and the server to check."""
    contexts = _ContextList()
    server = request.getfixturevalue("app_server") if "app_server" in request.fixturenames else None
    contexts.server = server
    contexts.log_offset = len(server.log_text()) if server is not None else 0
    return contexts


@pytest.fixture
def new_context(chromium, _browser_contexts, request):
    """Factory for isolated browser contexts (one per simulated user / browser session)."""

    def make(**kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        ctx = chromium.new_context(**kwargs)
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        log = RequestLog()
        ctx.request_log = log
        ctx.on("request", lambda req: log.urls.append(req.url))
        ctx.on("requestfailed", lambda req: log.failed.append(f"{req.url} {req.failure}"))
        ctx.on("page", lambda p: _attach_page_listeners(p, log))
        _browser_contexts.append(ctx)
        return ctx

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        _screenshot_pages(_browser_contexts, request)
    try:
        _check_local(_browser_contexts, _browser_contexts.server, _browser_contexts.log_offset)
    finally:
        for ctx in _browser_contexts:
            with contextlib.suppress(Exception):  # the context may be gone already
                ctx.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context; ``page.request_log`` lists what it requested."""
    ctx = new_context()
    p = ctx.new_page()
    p.request_log = ctx.request_log
    return p


@pytest.fixture
def assert_local_only(_browser_contexts):
    """``assert_local_only()``: fail now if any context of this test requested a non-loopback host.

    Also runs automatically when ``new_context``/``page`` are torn down.
    """

    def check():
        _check_local(_browser_contexts, _browser_contexts.server, _browser_contexts.log_offset)

    return check


# --------------------------------------------------------------------------- helpers

# Solara's HTML template already has ``#app.v-application`` while its loader runs; this class only
# exists once the app's first component tree has rendered through the websocket.
APP_READY_SELECTOR = ".solara-autorouter-content"


def open_solara_page(
    page, url: str, ready_selector: str = APP_READY_SELECTOR, timeout_ms: int = 60000
) -> float:
    """Go to ``url`` and wait until Solara has rendered the app; returns the seconds it took.

    Solara first serves a loader page, opens a websocket, starts a kernel and only then
    renders the widgets, so ``goto`` alone is not enough: wait for a rendered element.
    Pass ``ready_selector`` (e.g. ``'text=Round'``) to wait for something app-specific.
    """
    t0 = time.monotonic()
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.locator(ready_selector).first.wait_for(state="visible", timeout=timeout_ms)
    return time.monotonic() - t0


@pytest.fixture
def open_app(app_url):
    """``open_app(page, path="", ready_selector=...) -> seconds``: load the served app in ``page``."""

    def go(page, path: str = "", **kwargs) -> float:
        return open_solara_page(page, app_url + path.lstrip("/"), **kwargs)

    return go
