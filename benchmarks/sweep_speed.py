"""Engine speed before and after, in the same run: a default game, outcome only, on one core.

    git archive 81a797b | tar -x -C /tmp/orig                 # the engine when issue 12 was filed
    .venv/bin/python benchmarks/sweep_speed.py --baseline /tmp/orig --games 200
    .venv/bin/python benchmarks/sweep_speed.py --profile 50    # where the current engine's time goes

Each engine runs in its own subprocess (PYTHONPATH set to its source tree) with the same loop as
`negotiation bench`: N games of its own default scenario, seeds 0..N-1, `record_moves=False`,
one warm-up game first. The two are run alternately (`--repeats`, default 2) so that a change in
the machine's load hits both; the figures printed are per repeat, with `uptime`'s load average
beside them. `--profile N` plays N current games under cProfile and prints the functions with the
largest own and cumulative time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LOOP = r"""
import json, statistics, sys, time
from pathlib import Path
from negotiation.model import NegotiationModel
from negotiation.scenario import load_scenario
games = int(sys.argv[1])
spec = load_scenario(Path(sys.argv[2]) / "scenarios" / "critical_minerals_2026.yaml")
NegotiationModel.from_spec(spec, 0, record_moves=False).run()
times = []
start = time.perf_counter()
for seed in range(games):
    t0 = time.perf_counter()
    NegotiationModel.from_spec(spec, seed, record_moves=False).run()
    times.append(time.perf_counter() - t0)
total = time.perf_counter() - start
times.sort()
print(json.dumps({
    "states": len(spec.member_states.states),
    "median_ms": statistics.median(times) * 1000,
    "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
    "games_per_s": games / total,
}))
"""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def measure(tree: Path, games: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", LOOP, str(games), str(tree)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tree,
    )
    if done.returncode != 0:
        sys.exit(f"engine at {tree} failed:\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(baseline: Path | None, games: int, repeats: int) -> None:
    trees = [("current", ROOT)] + ([("baseline", baseline)] if baseline else [])
    results: dict[str, list[dict]] = {name: [] for name, _ in trees}
    print(f"default game, outcome only, one core, {games} games per engine per repeat")
    for repeat in range(1, repeats + 1):
        for name, tree in trees if repeat % 2 else reversed(trees):
            before = load()
            r = measure(tree, games)
            results[name].append(r)
            print(
                f"repeat {repeat} {name:8s} ({r['states']} states): median {r['median_ms']:.2f} "
                f"ms, p95 {r['p95_ms']:.2f} ms, {r['games_per_s']:.0f} games/s  [{before}]"
            )
    if baseline:
        now = min(r["median_ms"] for r in results["current"])
        then = min(r["median_ms"] for r in results["baseline"])
        verdict = "faster" if now < then else "slower"
        ratio = then / now if now < then else now / then
        print(
            f"best medians: current {now:.2f} ms, baseline {then:.2f} ms: the current engine is "
            f"{ratio:.2f}x {verdict} (target: 5x faster)"
        )


def profile(games: int) -> None:
    import cProfile
    import pstats

    from negotiation.model import NegotiationModel
    from negotiation.scenario import load_scenario

    spec = load_scenario(ROOT / "scenarios" / "critical_minerals_2026.yaml")
    NegotiationModel.from_spec(spec, 0, record_moves=False).run()
    profiler = cProfile.Profile()
    profiler.enable()
    for seed in range(games):
        NegotiationModel.from_spec(spec, seed, record_moves=False).run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{games} games, {total:.2f} s under the profiler [{load()}]")
    for key in ("tottime", "cumulative"):
        print(f"--- by {key} ---")
        stats.sort_stats(key).print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="source tree of the engine to compare with")
    parser.add_argument("--games", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--profile", type=int, metavar="N", help="profile N current games")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile)
    else:
        compare(args.baseline, args.games, args.repeats)


if __name__ == "__main__":
    main()
