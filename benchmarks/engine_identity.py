"""Are the games of this tree byte-identical to those of another commit? Prints "identical" or
the first difference (and exits 1).

    .venv/bin/python benchmarks/engine_identity.py --ref b787303     # this tree against a commit
    .venv/bin/python benchmarks/engine_identity.py --save /tmp/ref    # write this tree's games
    .venv/bin/python benchmarks/engine_identity.py --check /tmp/ref   # compare with saved games

For every scenario in scenarios/*.yaml it writes, per file, the games of seeds 0..199 played
without the move log (each outcome as JSON, the floats at full precision, the rounds frame as
CSV and the raw paths of pressure, targets and EU funds) and the games of seeds 0..29 played with
the move log (the same, plus `moves_frame().to_csv()`), and the games of seeds 0..9 with the US,
the Commission, China and two member states played as persons who submit their agents' moves
(the log read after every step). `--ref` exports the commit with
`git archive` to a temporary directory, writes its games there in a subprocess with
PYTHONPATH set to it, writes this tree's games and compares them file by file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTCOME_SEEDS = 200
LOG_SEEDS = 30
SEAT_SEEDS = 10


def _seats(spec) -> list[str]:
    """The seats played by a person in the seat games: the three powers and two member states."""
    return ["us", "commission", "china", *list(spec.member_states.states)[:2]]


def _game_text(model) -> str:
    """Everything a game produced that can be compared as text."""
    raw = {
        "pressure_path": model.china.pressure_path,
        "us_targets": model.us.targets,
        "commission_targets": model.commission.targets,
        "eu_payment": model.states.eu_payment.tolist(),
        "reservation": model.states.reservation.tolist(),
        "stance": model.states.stance.tolist(),
    }
    return (
        json.dumps(model.outcome.to_dict(), sort_keys=True, default=repr)
        + "\n"
        + json.dumps(raw, sort_keys=True)
        + "\n"
        + model.rounds_frame().to_csv()
    )


def save(out: Path, root: Path) -> None:
    """Write the games of the tree at `root` (imported from sys.path) to `out`."""
    from negotiation.model import NegotiationModel
    from negotiation.scenario import load_scenario

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted((root / "scenarios").glob("*.yaml")):
        spec = load_scenario(path)
        with open(out / f"{path.stem}.outcomes.txt", "w") as f:
            for seed in range(OUTCOME_SEEDS):
                model = NegotiationModel.from_spec(spec, seed, record_moves=False)
                model.run()
                f.write(f"=== seed {seed}\n{_game_text(model)}")
        with open(out / f"{path.stem}.logs.txt", "w") as f:
            for seed in range(LOG_SEEDS):
                model = NegotiationModel.from_spec(spec, seed)
                model.run()
                f.write(f"=== seed {seed}\n{_game_text(model)}")
                f.write(model.moves_frame().to_csv())
        with open(out / f"{path.stem}.seats.txt", "w") as f:
            for seed in range(SEAT_SEEDS):
                model = NegotiationModel.from_spec(spec, seed, humans=_seats(spec))
                sizes = []
                while (
                    not model.finished
                ):  # each seat plays its agent's move; the log read as it grows
                    if model.pending is not None:
                        model.submit(model.pending.agent_move)
                    else:
                        model.step()
                    sizes.append(len(model.moves))
                f.write(f"=== seed {seed}\n{sizes}\n{_game_text(model)}")
                f.write(model.moves_frame().to_csv())


def compare(a: Path, b: Path) -> str | None:
    """The first difference between two directories of saved games, or None."""
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    for name in names:
        if not (a / name).exists() or not (b / name).exists():
            return f"{name}: only in one of the two"
        left = (a / name).read_text().splitlines()
        right = (b / name).read_text().splitlines()
        seed = ""
        for n, (x, y) in enumerate(zip(left, right, strict=False), 1):
            if x.startswith("=== seed"):
                seed = x[4:]
            if x != y:
                return f"{name} line {n} ({seed}):\n  ref:  {x[:300]}\n  this: {y[:300]}"
        if len(left) != len(right):
            return f"{name}: {len(left)} lines in the reference, {len(right)} here"
    return None


def _save_tree(tree: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(
        [sys.executable, __file__, "--save", str(out), "--root", str(tree)], check=True, env=env
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ref", help="a git commit to compare this tree's games with")
    parser.add_argument("--save", type=Path, help="write this tree's games to a directory")
    parser.add_argument("--check", type=Path, help="compare this tree's games with a directory")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.save:
        save(args.save, args.root)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        mine = Path(tmp) / "this"
        _save_tree(ROOT, mine)
        if args.check:
            reference = args.check
        else:
            tree, reference = Path(tmp) / "tree", Path(tmp) / "ref"
            tree.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.ref or "HEAD"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
            _save_tree(tree, reference)
        difference = compare(reference, mine)
    print(difference or "identical")
    return 1 if difference else 0


if __name__ == "__main__":
    sys.exit(main())
