"""The command line end to end, as a user runs it (a real subprocess)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = str(ROOT / "scenarios" / "critical_minerals_2026.yaml")


def negotiation(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "negotiation.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_run_prints_rounds_reasons_and_the_outcome():
    out = negotiation("run", DEFAULT, "--seed", "7")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "== Round 1 (day 3) ==" in text
    assert "China holds export-control pressure" in text
    assert "Poland stays with the bloc" in text or "Poland takes" in text
    assert "Council passes" in text or "Council fails" in text
    assert "== Outcome ==" in text and "Utilities: us " in text


def test_run_is_reproducible():
    assert (
        negotiation("run", DEFAULT, "--seed", "3").stdout
        == negotiation("run", DEFAULT, "--seed", "3").stdout
    )


def test_json_document_has_the_documented_fields():
    out = negotiation("run", DEFAULT, "--seed", "7", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {"scenario", "scenario_hash", "seed", "humans", "outcome", "rounds", "moves"} <= set(doc)
    outcome = doc["outcome"]
    for key in (
        "type",
        "round",
        "bloc_terms",
        "bilateral_deals",
        "utilities",
        "clause_in",
        "council",
        "cohesion_states",
        "cohesion_population",
        "pressure_mean",
        "pressure_max",
        "pareto_distance",
        "nash_distance",
    ):
        assert key in outcome
    move = doc["moves"][0]
    assert {"round", "day", "phase", "actor", "action", "why", "numbers", "margin"} <= set(move)


def test_validate_ok_and_broken(tmp_path):
    ok = negotiation("validate", DEFAULT)
    assert ok.returncode == 0 and ok.stdout.startswith("ok: ")
    bad = tmp_path / "bad.yaml"
    shutil.copytree(Path(DEFAULT).parent / "data", tmp_path / "data")  # the indicators it reads
    bad.write_text(Path(DEFAULT).read_text().replace("rounds: 10", "rounds: ten"))
    out = negotiation("validate", str(bad))
    assert out.returncode == 2
    assert "bad.yaml: rounds: must be a whole number, not the text 'ten'" in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_file_and_unknown_seat_exit_2_without_traceback():
    missing = negotiation("run", "nowhere.yaml")
    assert missing.returncode == 2 and "nowhere.yaml: no such file" in missing.stderr
    seat = negotiation("run", DEFAULT, "--human", "russia")
    assert seat.returncode == 2 and "seats are us, commission, china" in seat.stderr
    assert "Traceback" not in missing.stderr + seat.stderr


def test_a_person_plays_the_us_at_the_terminal():
    # First an illegal offer (no clause under the hard constraint), then a real offer, then the
    # agent's suggestion for every later decision.
    lines = ["offer clause=no", "offer price_floor=95 offtake=60", *["agent"] * 40]
    out = negotiation("run", DEFAULT, "--seed", "7", "--human", "us", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert ">>> United States, your move." in text
    assert "Not allowed: the bloc offer must include the territorial-integrity clause" in text
    assert "United States [human]: The US offers the bloc: price floor $95/kg" in text
    assert "== Outcome ==" in text


def test_a_person_plays_a_member_state_and_votes():
    # Lines a decision cannot take are refused and the next line is read.
    out = negotiation(
        "run", DEFAULT, "--seed", "7", "--human", "DK", stdin="china\nbloc\nyes\n" * 30
    )
    assert out.returncode == 0, out.stderr
    assert "Not allowed: stance 'china' is not on offer this round; allowed now: bloc" in out.stdout
    assert "Denmark [human]: Denmark stays with the bloc" in out.stdout
    assert "Denmark [human]: Denmark votes yes" in out.stdout


def test_a_person_plays_the_european_parliament_in_the_terminal():
    history = str(Path(DEFAULT).parent / "history_2026.yaml")
    lines = "maybe\nsuspend\n" + "proceed\nyes\n" * 30
    out = negotiation("run", history, "--seed", "3", "--human", "parliament", stdin=lines)
    assert out.returncode == 0, out.stderr
    assert "Not allowed: procedure 'maybe' is not allowed; allowed: suspend, proceed" in out.stdout
    assert "European Parliament [human]: The European Parliament suspends" in out.stdout
    assert "European Parliament [human]: The European Parliament resumes" in out.stdout


def test_input_ending_early_is_an_error_not_a_hang():
    out = negotiation("run", DEFAULT, "--human", "china", stdin="")
    assert out.returncode == 1 and "input ended" in out.stderr


def test_bench_prints_figures():
    out = negotiation("bench", "--games", "20")
    assert out.returncode == 0
    assert "with the move log: median game" in out.stdout
    assert "outcome only (as sweeps run): median game" in out.stdout
    assert "games per second" in out.stdout


def test_a_reader_that_leaves_early_gets_no_traceback():
    # as `negotiation run ... | head -1`: the pipe closes after the first line
    with subprocess.Popen(
        [sys.executable, "-m", "negotiation.cli", "run", DEFAULT, "--seed", "7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"Critical minerals 2026")
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=120) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err, err


SMALL = str(Path(DEFAULT).parent / "small_class.yaml")


def test_lines_a_move_cannot_be_are_refused_and_the_prompt_asks_again():
    # An unbalanced quote, words after a one-word answer, a field given twice, China without its
    # pressure: each is refused with what is wrong, and the game goes on.
    lines = ['offer "abc', "offer price_floor=10 price_floor=20", "accept maybe", *["agent"] * 40]
    out = negotiation("run", SMALL, "--seed", "1", "--human", "us", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert "Not allowed: No closing quotation in 'offer \"abc'" in out.stdout
    assert "Not allowed: price_floor is given twice" in out.stdout
    assert "Not allowed: one action at a time, not 'accept maybe'" in out.stdout
    china = negotiation("run", SMALL, "--human", "china", stdin="HU=0.1\nagent\n" * 12)
    assert "Not allowed: pressure: missing; give China's pressure this round, 0 to" in china.stdout
    vote = negotiation(
        "run", DEFAULT, "--seed", "7", "--human", "DK", stdin="bloc\nno thanks\nyes\n" * 12
    )
    assert "Not allowed: answer with one word (yes | no)" in vote.stdout


def test_help_lists_the_options_on_offer_now():
    out = negotiation(
        "run", SMALL, "--seed", "1", "--human", "PL", stdin="help\nbloc\n" + "agent\n" * 30
    )
    assert "On offer now: bloc, bilateral\n" in out.stdout  # no China offer, no EU funds here


def test_json_with_a_person_keeps_stdout_a_json_document():
    out = negotiation("run", SMALL, "--seed", "1", "--human", "PL", "--json", stdin="agent\n" * 30)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["humans"] == ["PL"]
    assert ">>> Poland, your move." in out.stderr
