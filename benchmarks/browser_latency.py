"""Browser latency of the game: first page load, and "Next round" to the updated view.

Starts the app the way `negotiation serve` does (same command, same offline assets) on a free
port, drives headless Debian Chromium with Playwright and prints:

- first load: from navigation to the start page ready (the "Start the game" button shown), for a
  fresh browser context (a new student), median over a few loads;
- per round: from clicking "Next round" in a watched game to the view showing the new round (the
  status line and the newest round in the timeline), median and 95th percentile over full games.

Run: `.venv/bin/python benchmarks/browser_latency.py [--games 3] [--loads 5]`.
Targets on the project's 2-core machine: p95 under 300 ms per round, first load under 3 s.
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


def measure(url: str, games: int, loads: int) -> tuple[list[float], list[float]]:
    load_times: list[float] = []
    round_times: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("button", name="Start the game").wait_for(timeout=60000)
            load_times.append(time.perf_counter() - start)
            context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url)
        page.get_by_role("button", name="Start the game").click()
        status = page.locator(".game-status")
        newest = page.locator(".neg-timeline summary").first
        next_round = page.get_by_role("button", name="Next round")
        for _ in range(games):
            expect(status).to_contain_text("Ready")
            n = 0
            while next_round.is_enabled():
                n += 1
                start = time.perf_counter()
                next_round.click()
                expect(status).to_contain_text(re.compile(rf"Round {n} of|Game over"))
                expect(newest).to_contain_text(f"Round {n} ")
                round_times.append(time.perf_counter() - start)
            page.get_by_role("button", name="Reset").click()
        browser.close()
    return load_times, round_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3, help="full games to step (default 3)")
    parser.add_argument("--loads", type=int, default=5, help="first loads to time (default 5)")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, **server_environment()}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            server_command("127.0.0.1", port),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[1],
        )
        try:
            startup = wait_until_serving(url, process)
            loads, rounds = measure(url, args.games, args.loads)
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"server start (spawn to first 200): {startup:.2f} s")
    print(
        f"first page load ({len(loads)} fresh sessions): median {statistics.median(loads):.2f} s,"
        f" max {max(loads):.2f} s  (target < 3 s)"
    )
    ms = [1000 * t for t in rounds]
    print(
        f"next round -> updated view ({len(ms)} rounds in {args.games} games): "
        f"median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
        f"max {max(ms):.0f} ms  (target p95 < 300 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
