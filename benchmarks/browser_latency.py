"""Browser latency of the game: first load, "Next round" and a sent move, to the redrawn view.

Starts the app the way `negotiation serve` does (same command, same offline assets) on a free
port, drives headless Debian Chromium with Playwright and prints:

- first load: from navigation to the start page ready ("Start the game" shown), for a fresh
  browser context (a new student), median and max over a few loads;
- next round: in watched games, from the click on "Next round" to the view finished redrawing;
- sent move: in games played as the US, from the click on the seat panel's primary button to the
  view finished redrawing (the next panel or the round's end drawn).

"Finished redrawing" is the last change to the page's DOM (a MutationObserver) before the page
stays quiet for 300 ms, charts included; the click and the clock are both inside the page
(`performance.now()`), so Playwright's own round trips are not counted. A game's first click
waits until the game view has finished its own first drawing (after "Start the game", or after
the briefing's close for a seat), which is not part of any round.

Run: `.venv/bin/python benchmarks/browser_latency.py [--games 3] [--loads 5] [--baseline DIR]`;
`--baseline` measures another checkout (a before) in the same run, game by game in turn.
Targets on the project's 2-core machine: next round p95 <= 300 ms, sent move p95 <= 400 ms,
first load <= 1.5 s. Quote the load average (`uptime`) with the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from negotiation.web.serve import server_command, server_environment

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 90) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within {timeout:.0f} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


WATCH_DOM = """() => {
    window.__lastChange = performance.now();
    new MutationObserver(() => { window.__lastChange = performance.now(); })
        .observe(document.body, {subtree: true, childList: true, attributes: true,
                                 characterData: true});
}"""
CLICK = """([selector, text]) => {
    const button = [...document.querySelectorAll(selector)]
        .find(b => !b.disabled && b.innerText.includes(text));
    window.__t0 = performance.now();
    window.__lastChange = window.__t0;
    button.click();
}"""
QUIET_MS = 300


def redraw_ms(page, selector: str, text: str, before: str) -> float:
    """Click the button in the page, wait for the status line to change and the page to stay
    quiet; return click -> last DOM change, in ms."""
    expect(page.locator(selector).filter(has_text=text).first).to_be_enabled(timeout=30000)
    page.evaluate(CLICK, [selector, text])
    expect(page.locator(".game-status")).not_to_have_text(before, timeout=30000)
    page.wait_for_function(
        f"performance.now() - window.__lastChange > {QUIET_MS}", polling=50, timeout=30000
    )
    return page.evaluate("window.__lastChange - window.__t0")


def start(page, url: str, seat: str | None) -> None:
    page.goto(url)
    page.get_by_role("button", name="Start the game").wait_for(timeout=60000)
    if seat:
        page.locator(".v-select").filter(has_text="Who plays").click()
        page.locator(".v-menu__content.menuable__content__active .v-list-item").filter(
            has_text=re.compile(f"^Play as {seat}$")
        ).click()
    page.get_by_role("button", name="Start the game").click()
    if seat:
        page.get_by_role("button", name=re.compile("I have read my briefing")).click()
    expect(page.locator(".game-status")).to_contain_text("Ready")
    page.evaluate(WATCH_DOM)
    # the game view (its charts included) draws itself once after the start, or after the
    # briefing's close: let it finish, so the first "Next round" times a round, not that drawing
    expect(page.locator(".watch-controls")).to_be_visible(timeout=30000)
    page.wait_for_function(
        f"performance.now() - window.__lastChange > {QUIET_MS}", polling=50, timeout=30000
    )


def measure(url: str, games: int, loads: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"load": [], "round": [], "move": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("button", name="Start the game").wait_for(timeout=60000)
            times["load"].append(time.perf_counter() - t0)
            context.close()
        for seat in (None, "United States"):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            start(page, url, seat)
            status = page.locator(".game-status")
            for _ in range(games):
                while True:
                    now = status.inner_text()
                    if now.startswith("Game over"):
                        break
                    if "your move" in now:
                        times["move"].append(redraw_ms(page, ".seat-panel .send-move", "", now))
                    else:
                        times["round"].append(
                            redraw_ms(page, ".watch-controls .v-btn", "Next round", now)
                        )
                page.get_by_role("button", name="Reset").click()
                expect(status).to_contain_text("Ready")
            context.close()
        browser.close()
    return times


def summary(name: str, ms: list[float], target: float) -> str:
    if not ms:
        return f"{name}: no samples"
    return (
        f"{name} ({len(ms)} samples): median {statistics.median(ms):.0f} ms, "
        f"p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms  (target p95 <= {target:.0f} ms)"
    )


def start_server(app_dir: Path, port: int, log) -> subprocess.Popen:
    """`negotiation serve`'s command for the app in `app_dir` (its own `negotiation` package)."""
    env = {**os.environ, **server_environment()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(app_dir), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        server_command("127.0.0.1", port, app_dir / "app.py"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=app_dir,
    )


def report(name: str, startup: float, times: dict[str, list[float]]) -> None:
    loads = times["load"]
    print(f"== {name}")
    print(f"server start (spawn to first 200): {startup:.2f} s")
    print(
        f"first page load ({len(loads)} fresh sessions): median {statistics.median(loads):.2f} s,"
        f" max {max(loads):.2f} s  (target <= 1.5 s)"
    )
    print(summary("next round -> view redrawn", times["round"], 300))
    print(summary("sent move -> view redrawn", times["move"], 400))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3, help="full games to step (default 3)")
    parser.add_argument("--loads", type=int, default=5, help="first loads to time (default 5)")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/before HEAD~1`) measured in the "
        "same run, alternating game by game with this one, so both see the same load",
    )
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1]
    apps = {"this checkout": here}
    if args.baseline is not None:
        apps = {f"baseline {args.baseline}": args.baseline.resolve(), **apps}
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    load_before = os.getloadavg()
    servers: dict[str, tuple[str, subprocess.Popen, float]] = {}
    times = {name: {"load": [], "round": [], "move": []} for name in apps}
    with tempfile.TemporaryFile() as log:
        try:
            for name, app_dir in apps.items():
                port = free_port()
                url = f"http://127.0.0.1:{port}/"
                process = start_server(app_dir, port, log)
                servers[name] = (url, process, wait_until_serving(url, process))
            for _ in range(args.games):  # alternate, so both apps see the same load
                for name in apps:
                    got = measure(servers[name][0], 1, -(-args.loads // args.games))
                    for key, values in got.items():
                        times[name][key] += values
        finally:
            for _, process, _ in servers.values():
                process.terminate()
                process.wait(timeout=10)
    print(f"load average before / after: {load_before} / {os.getloadavg()}")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    for name in apps:
        report(name, servers[name][2], times[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
