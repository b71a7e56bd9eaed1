"""The `negotiation` command line: run a game, validate scenarios, play a seat, benchmark.

    negotiation run SCENARIO [--seed N] [--json] [--brief] [--human SEAT ...]
    negotiation validate FILE [FILE ...]
    negotiation bench [--scenario FILE] [--games N]
    negotiation serve | sweep | report | check-model   (browser app, research sweeps, model check)

Errors in input (a broken scenario, an unknown seat) print one clear message and exit with 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from negotiation.arg_types import whole_number
from negotiation.gamelog import game_document
from negotiation.model import NegotiationModel
from negotiation.model_check import register as register_check_model
from negotiation.move_dicts import without_noise
from negotiation.moves import Decision, IllegalMove, Move
from negotiation.plural import plural
from negotiation.scenario import MAX_SEED, ScenarioError, load_scenario
from negotiation.sweep.cli import register as register_sweep
from negotiation.web.serve import register as register_serve

DEFAULT_SCENARIO = (
    Path(__file__).resolve().parent.parent / "scenarios" / "critical_minerals_2026.yaml"
)
ROUTINE = ("bloc", "vote_yes")


# --- run ------------------------------------------------------------------------------------------


def _print_move(move: Move, out: TextIO) -> None:
    tag = "" if move.by == "agent" else f" [{move.by}]"
    print(f"  {move.actor_name}{tag}: {move.why}", file=out)


def _print_outcome(model: NegotiationModel, out: TextIO) -> None:
    o = model.outcome
    assert o is not None
    print("\n== Outcome ==", file=out)
    when = f" in round {o.round} (day {o.day})" if o.round else ""
    print(f"{o.type.replace('_', ' ')}{when}", file=out)
    if o.bloc_terms:
        print("Bloc deal: " + model.space.describe(model.signed), file=out)
    for deal in o.bilateral_deals:
        terms = ", ".join(
            f"{k} {v:g}" if not isinstance(v, bool) else f"{k} {'in' if v else 'OUT'}"
            for k, v in deal["terms"].items()
        )
        print(f"Bilateral deal with {deal['state']} (round {deal['round']}): {terms}", file=out)
    if o.council:
        c = o.council
        print(
            f"Council: {c['yes_states']} of {c['total_states']} states, "
            f"{c['population_share']:.1%} of the population voted yes",
            file=out,
        )
    print(
        f"Cohesion: {o.cohesion_states:.0%} of states, {o.cohesion_population:.0%} of the "
        f"population with the bloc; China's pressure mean {o.pressure_mean:.2f}, max {o.pressure_max:.2f}",
        file=out,
    )
    if o.pareto_distance is not None:
        print(
            f"Efficiency: {o.pareto_distance:.3f} from the Pareto frontier, "
            f"{o.nash_distance:.3f} from the Nash bargaining solution",
            file=out,
        )
    print("Utilities: " + ", ".join(f"{k} {v:.2f}" for k, v in o.utilities.items()), file=out)


def _parse_value(text: str) -> Any:
    low = text.lower()
    if low in ("yes", "true", "in"):
        return True
    if low in ("no", "false", "out"):
        return False
    if "_" in text:  # float() reads 1_0 as 10; a typed number has no underscores
        return text
    try:
        return float(text)
    except ValueError:
        return text


_ONE_WORD = {"vote": "vote", "consent": "consent", "parliament": "procedure"}
"""Decisions answered by one word, and the field the word fills."""


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as err:  # an unbalanced quote
        raise IllegalMove(f"{err} in {line!r}; type the move again") from None


def _pairs(words: list[str]) -> dict[str, str]:
    """The NAME=VALUE words; a name given twice is refused (which one was meant?)."""
    pairs: dict[str, str] = {}
    for word in words:
        if "=" in word:
            key, value = word.split("=", 1)
            if key in pairs:
                raise IllegalMove(
                    f"{key} is given twice ({key}={pairs[key]}, {word}); give it once"
                )
            pairs[key] = value
    return pairs


def parse_terminal_move(decision: Decision, line: str) -> dict[str, Any]:
    """A move typed at the terminal: JSON, or a short form such as `offer price_floor=90
    clause=yes`, `accept`, `bloc`, `yes`, `pressure=0.6 HU=0.1`, or `agent`."""
    line = line.strip()
    if line.startswith("{"):
        try:
            move = json.loads(line)
        except json.JSONDecodeError as err:
            raise IllegalMove(f"not valid JSON: {err.msg}") from None
        return move
    if line == "agent":
        return decision.agent_move
    words = _words(line)
    if not words:
        raise IllegalMove("type a move, 'agent' for your agent's move, or 'help'")
    kind = decision.kind
    if kind in _ONE_WORD:
        if len(words) > 1:
            raise IllegalMove(f"answer with one word ({' | '.join(decision.options)})")
        return {_ONE_WORD[kind]: words[0]}
    pairs = _pairs(words)
    plain = [w for w in words if "=" not in w]
    if len(plain) > 1:
        raise IllegalMove(
            f"one action at a time, not {' '.join(plain)!r}; type 'help' for the form"
        )
    if kind == "stance":
        move = {"stance": plain[0] if plain else words[0]}
        unknown = [k for k in pairs if k != "ask"]
        if unknown:
            raise IllegalMove(f"{unknown[0]}= is not part of a stance; only conditional takes ask=")
        if "ask" in pairs:
            move["ask"] = _parse_value(pairs["ask"])
        return move
    if kind == "china":
        if plain:
            raise IllegalMove(
                f"{plain[0]!r}: China's move is pressure=0..MAX and STATE=AMOUNT pairs"
            )
        move: dict[str, Any] = {
            "inducements": {k: _parse_value(v) for k, v in pairs.items() if k != "pressure"}
        }
        if "pressure" in pairs:
            move["pressure"] = _parse_value(pairs["pressure"])
        return move
    move = {"action": plain[0] if plain else ("offer" if kind == "us" else "counter")}
    special = ("clause", "form", "threaten", "withdraw", "court")
    odd = [k for k in pairs if ":" in k and not k.startswith("pay:")]
    if odd:
        raise IllegalMove(f"{odd[0]}= is not a move's part; EU funds are pay:STATE=AMOUNT")
    terms = {k: _parse_value(v) for k, v in pairs.items() if k not in special and ":" not in k}
    if terms:
        move["terms"] = terms
    if "clause" in pairs:
        move["clause"] = _parse_value(pairs["clause"])
    if "form" in pairs:
        move["form"] = pairs["form"]
    us_only = [k for k in ("threaten", "withdraw", "court") if k in pairs]
    if kind == "us":
        tariffs = {k: pairs[k].split(",") for k in ("threaten", "withdraw") if k in pairs}
        if tariffs:
            move["tariffs"] = tariffs
        if "court" in pairs:
            move["bilateral"] = {"states": pairs["court"].split(",")}
    elif us_only:
        raise IllegalMove(f"{us_only[0]}= is a US move; the Commission counters, accepts and pays")
    payments = {
        k.split(":", 1)[1]: _parse_value(v) for k, v in pairs.items() if k.startswith("pay:")
    }
    if payments:
        move["payments"] = payments  # (from the US seat, refused by its parser: not its move)
    return move


def _ask(model: NegotiationModel, stdin: TextIO, out: TextIO) -> bool:
    """Ask the person at the waiting seat until a legal move is given. False if input ran out."""
    decision = model.pending
    assert decision is not None
    print(f"\n>>> {decision.actor_name}, your move.\n{decision.prompt}", file=out)
    print(f"Your agent would play: {json.dumps(without_noise(decision.agent_move))}", file=out)
    print("Type a move (JSON or short form), 'agent' to let your agent play, 'help'.", file=out)
    while True:
        print("> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line:
            return False
        if line.strip() == "help":
            print(_help(decision), file=out)
            continue
        try:
            move = parse_terminal_move(decision, line)
            decision.validate(move)
        except IllegalMove as err:
            print(f"Not allowed: {err}", file=out)
            continue
        warnings = decision.warnings(move)
        if warnings:
            for warning in warnings:
                print(f"Warning: {warning}", file=out)
            print("Send it anyway? (yes/no) ", end="", file=out, flush=True)
            answer = stdin.readline()
            if not answer:
                return False
            if answer.strip().lower() not in ("yes", "y"):
                print("Not sent: type another move.", file=out)
                continue
        model.submit(move)
        return True


_HELP = {
    "us": (
        "offer ISSUE=VALUE ... clause=yes|no form=non_binding|binding|mixed (where the scenario\n"
        "  allows a choice; unnamed issues keep the suggested terms), or accept;\n"
        "  add court=PL,SE (bilateral offer on the suggested terms), threaten=PL,HU or threaten=bloc,\n"
        "  withdraw=PL (tariff threats). Full control: a JSON move."
    ),
    "commission": "counter ISSUE=VALUE ... clause=yes|no form=non_binding|binding|mixed, or accept;\n"
    "  add pay:HU=0.05 to promise EU funds",
    "china": "pressure=0..MAX [STATE=AMOUNT ...]   e.g. pressure=0.6 HU=0.1 (reward) PL=-0.1 (threat)",
    "stance": "bloc | bilateral | china | conditional ask=AMOUNT",
    "vote": "yes | no",
    "parliament": "proceed | suspend   (while suspended no binding or mixed deal can be concluded)",
    "consent": "yes | no   (your consent to the binding or mixed agreement the Council approved)",
}


def _help(decision: Decision) -> str:
    """The short forms of this kind of move, and the options open to the seat now."""
    text = _HELP[decision.kind]
    if decision.kind == "commission" and not decision.info.get("eu_funds_left"):
        text = text.split("\n")[0] + "\n  (no EU funds left to promise)"
    return text + (f"\nOn offer now: {', '.join(decision.options)}" if decision.options else "")


def _print_new_moves(model: NegotiationModel, printed: int, out: TextIO, brief: bool) -> int:
    """Print the moves made since `printed` under round headers; return the new count."""
    for k in range(printed, len(model.moves)):
        move = model.moves[k]
        if k == 0 or model.moves[k - 1].round != move.round:
            print(f"\n== Round {move.round} (day {move.day}) ==", file=out)
        if not (brief and move.action in ROUTINE):
            _print_move(move, out)
    return len(model.moves)


def cmd_run(args: argparse.Namespace, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    spec = load_scenario(args.scenario)
    try:
        model = NegotiationModel.from_spec(spec, args.seed, humans=args.human or ())
    except ValueError as err:
        print(f"error: --human: {err}", file=sys.stderr)
        return 2
    text = not args.json
    talk = out if text else sys.stderr  # with --json, stdout holds the game's document alone
    printed = 0
    if text:
        print(f"{spec.name}: seed {model.seed}, {model.rounds} rounds", file=out)
    while not model.finished:
        if model.pending is None:
            model.step()
        if text:
            printed = _print_new_moves(model, printed, out, args.brief)
        if model.pending is not None and not _ask(model, stdin, talk):
            print("error: input ended before the game did", file=sys.stderr)
            return 1
    if text:
        _print_new_moves(model, printed, out, args.brief)
    if args.json:
        json.dump(game_document(model), out, indent=2)
        out.write("\n")
    else:
        _print_outcome(model, out)
    return 0


# --- validate ---------------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.files:
        try:
            spec = load_scenario(path)
        except ScenarioError as err:
            print(f"error: {err}", file=sys.stderr)
            failed = True
        else:
            print(f"ok: {path} ({spec.name}, {plural(len(spec.member_states.states), 'state')})")
    return 2 if failed else 0


# --- bench --------------------------------------------------------------------------------------------


def cmd_bench(args: argparse.Namespace) -> int:
    spec = load_scenario(args.scenario)
    NegotiationModel.from_spec(spec, 0).run()  # warm up imports and caches
    states = len(spec.member_states.states)
    print(
        f"scenario: {spec.name} ({states} states, {spec.rounds} rounds), {args.games} games, one core"
    )
    for label, record, read in (
        ("with the move log", True, False),
        ("with the move log, read", True, True),
        ("outcome only (as sweeps run)", False, False),
    ):
        times = []
        start = time.perf_counter()
        for seed in range(args.games):
            t0 = time.perf_counter()
            model = NegotiationModel.from_spec(spec, seed, record_moves=record)
            model.run()
            if read:  # most sentences are written when the log is first read
                len(model.moves)
            times.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        print(
            f"{label}: median game {statistics.median(times) * 1000:.2f} ms, "
            f"p95 {p95 * 1000:.2f} ms, {args.games / total:.0f} games per second"
        )
    return 0


# --- entry point ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="negotiation", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="play a game in the terminal")
    run.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO))
    run.add_argument(
        "--seed", type=whole_number(0, MAX_SEED), default=None, help="default: the scenario's seed"
    )
    run.add_argument("--json", action="store_true", help="print the game as one JSON document")
    run.add_argument("--brief", action="store_true", help="hide routine moves (stays, yes votes)")
    run.add_argument(
        "--human",
        action="append",
        metavar="SEAT",
        help="a seat you play: us, commission, china, parliament or a state code (repeatable)",
    )
    run.set_defaults(func=cmd_run)

    validate = sub.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(func=cmd_validate)

    bench = sub.add_parser("bench", help="time full games on one core")
    bench.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    bench.add_argument("--games", type=whole_number(1), default=300)
    bench.set_defaults(func=cmd_bench)

    register_serve(sub)
    register_sweep(sub)
    register_check_model(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left (`negotiation run ... | head`): stop quietly
        # Python's recipe: point stdout at devnull, so the flush at exit raises nothing either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
