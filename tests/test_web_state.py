"""The browser game's plain-Python parts: the session controller, the scenario catalog, the
offline assets and the `serve` command (no Solara rendering here)."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from negotiation.gamelog import to_jsonable
from negotiation.moves import BY_AGENT, BY_RULES
from negotiation.scenario import ScenarioError
from negotiation.web import assets, serve
from negotiation.web.catalog import (
    KEEP,
    SCENARIO_DIR_ENV,
    list_scenarios,
    scenario_strategy,
    strategy_options,
    with_strategies,
)
from negotiation.web.state import GameSession, GameSetup
from negotiation.web.tilemap import EU_TILES, tile_positions

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def spec():
    return next(c.spec for c in list_scenarios() if c.path.name == "critical_minerals_2026.yaml")


def play_out(game: GameSession) -> None:
    """Play a game to its end, people's seats taking their agent's suggestion."""
    while not game.finished:
        if game.pending is not None:
            assert game.submit(game.pending.agent_move) is None
        else:
            assert game.step()


# --- the session controller ------------------------------------------------------------------


def test_watch_mode_steps_round_by_round_to_the_end(spec):
    game = GameSession(GameSetup(spec, seed=7))
    assert game.watching and game.status().startswith("Ready")
    game.step()
    assert game.model.round == 1 and game.status().startswith("Round 1 of")
    game.run_to_end()
    assert game.finished and game.status().startswith("Game over")
    assert not game.step()


def test_a_refused_move_names_the_rule_and_changes_nothing(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    game.step()
    before = (len(game.model.moves), game.model.us_offer, game.pending)
    move = {**game.pending.agent_move, "clause": False}
    problem = game.submit(move)
    assert problem is not None and "territorial" in problem
    assert (len(game.model.moves), game.model.us_offer, game.pending) == before
    assert game.human_moves == []


def test_a_panel_the_game_has_moved_past_is_refused(spec):
    # Two tabs on one game: both drew the US's round 1 panel; one sends, the game moves on to the
    # US's round 2 move, then the other tab's round 1 panel sends its offer.
    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    game.step()
    round_1 = game.pending
    assert game.submit(round_1.agent_move, round_1) is None
    while game.pending is None:
        game.step()
    round_2 = game.pending
    assert (round_2.round, round_2.kind) == (2, "us")
    stale = {**round_1.agent_move, "terms": {"price_floor": 0}}
    problem = game.submit(stale, round_1)
    assert (
        problem is not None and "this panel was for the move of United States in round 1" in problem
    )
    assert "round 2" in problem and game.pending is round_2 and len(game.human_moves) == 1
    assert game.submit(round_2.agent_move, round_2) is None


@pytest.mark.parametrize("seat", ["us", "commission", "china", "PL"])
def test_people_moves_are_recorded_and_replay_exactly(spec, seat):
    game = GameSession(GameSetup(spec, seed=7, humans=(seat,)))
    play_out(game)
    assert game.human_moves and all(h.actor == seat for h in game.human_moves)
    full = game.replay_from(game.model.rounds + 1)
    assert [m.to_dict() for m in full.model.moves] == [m.to_dict() for m in game.model.moves]
    early = game.replay_from(2)
    assert early.from_round == 2 and early.model.finished
    assert {m.by for m in early.model.moves if m.round >= 2} <= {BY_AGENT, BY_RULES}
    first = [m.to_dict() for m in game.model.moves if m.round == 1]
    assert [m.to_dict() for m in early.model.moves if m.round == 1] == first


def test_reset_starts_the_same_game_again(spec):
    game = GameSession(GameSetup(spec, seed=3, humans=("us",)))
    game.step()
    game.submit(game.pending.agent_move)
    game.reset()
    assert game.model.round == 0 and game.human_moves == [] and game.what_if is None


def test_the_log_downloads_as_csv_and_json(spec):
    game = GameSession(GameSetup(spec, seed=7, humans=("PL",), source="x.yaml"))
    play_out(game)
    csv_text = game.moves_csv()
    assert csv_text.splitlines()[0].startswith("round,day,phase,actor")
    assert len(csv_text.splitlines()) == len(game.model.moves) + 1
    log = json.loads(game.log_json())
    assert log["seed"] == 7 and log["humans"] == ["PL"] and log["scenario_file"] == "x.yaml"
    assert log["outcome"]["type"] == game.model.outcome.type
    assert len(log["moves"]) == len(game.model.moves) and log["human_moves"]


def test_to_jsonable_makes_plain_values():
    import numpy as np

    assert to_jsonable({"a": np.float64(1.5), "b": (np.int64(2), float("nan"))}) == {
        "a": 1.5,
        "b": [2, None],
    }


# --- the catalog ---------------------------------------------------------------------------------


def test_scenarios_are_listed_default_first_and_broken_files_explained(tmp_path, monkeypatch):
    (tmp_path / "b.yaml").write_text((REPO / "scenarios/critical_minerals_2026.yaml").read_text())
    shutil.copytree(REPO / "scenarios/data", tmp_path / "data")  # the indicators it names
    (tmp_path / "a.yaml").write_text("name: [broken")
    monkeypatch.setenv(SCENARIO_DIR_ENV, str(tmp_path))
    choices = list_scenarios()
    assert [c.path.name for c in choices] == ["a.yaml", "b.yaml"]
    assert choices[0].spec is None and "a.yaml" in choices[0].error
    assert choices[1].spec is not None
    default = list_scenarios(REPO / "scenarios")
    assert default[0].path.name == "critical_minerals_2026.yaml"


def test_strategies_can_be_changed_by_name(spec):
    changed = with_strategies(spec, {"us": "hardliner", "PL": "loyalist", "china": KEEP})
    assert scenario_strategy(changed, "us") == "hardliner"
    assert scenario_strategy(changed, "PL") == "loyalist"
    assert scenario_strategy(changed, "china") == scenario_strategy(spec, "china")
    assert with_strategies(spec, {"us": KEEP}) is spec
    assert "boulware" in strategy_options("commission") and "loyalist" in strategy_options("DE")
    with pytest.raises(ScenarioError, match="unknown strategy"):
        with_strategies(spec, {"us": "no_such_strategy"})


def test_every_eu_state_has_its_own_tile():
    assert len(EU_TILES) == 27 and len(set(EU_TILES.values())) == 27
    places = tile_positions(["DE", "XX", "YY"])
    assert places["DE"] == EU_TILES["DE"]
    assert len(set(places.values())) == 3


# --- assets and the serve command -----------------------------------------------------------------


def test_asset_cache_links_shipped_files_and_major_aliases(tmp_path):
    source = tmp_path / "shipped"
    for name in ("vega@5.21.0", "vega@5.3.0", "vega-lite@5.2.0", "vega-embed@6.20.2", "other@1.0"):
        (source / name).mkdir(parents=True)
    target = tmp_path / "cache"
    assert assets.build_cache_dir(target, source) == target
    assets.build_cache_dir(target, source)  # idempotent
    assert (target / "vega@5").resolve() == (source / "vega@5.21.0").resolve()
    assert (target / "vega-lite@5").resolve() == (source / "vega-lite@5.2.0").resolve()
    assert (target / "vega-embed@6").is_symlink() and (target / "other@1.0").is_symlink()
    assert not (target / "other@1").exists()


def test_asset_cache_says_what_to_install_when_assets_are_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="solara-assets"):
        assets.build_cache_dir(tmp_path / "cache", tmp_path / "missing")


def test_the_real_asset_cache_serves_what_altair_asks_for():
    folder = assets.build_cache_dir()
    for alias in ("vega@5", "vega-lite@5", "vega-embed@6"):
        assert (folder / alias).is_dir(), alias


def test_serve_subcommand_parses_and_builds_the_server_command(tmp_path):
    parser = argparse.ArgumentParser()
    serve.register(parser.add_subparsers())
    args = parser.parse_args(["serve", "--port", "9001", "--scenario-dir", str(tmp_path)])
    assert args.func is serve.serve and args.port == 9001 and args.host == "127.0.0.1"
    assert parser.parse_args(["serve"]).port == serve.DEFAULT_PORT
    cmd = serve.server_command("127.0.0.1", 9001)
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[4].endswith("app.py")
    assert {"--production", "--no-check-version", "--no-open"} <= set(cmd)
    env = serve.server_environment(tmp_path)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env[SCENARIO_DIR_ENV] == str(tmp_path.resolve())
    assert Path(env[assets.ENV_VAR], "vega@5").is_dir()


def test_serve_refuses_a_missing_scenario_folder(tmp_path, capsys):
    args = argparse.Namespace(host="127.0.0.1", port=1, scenario_dir=tmp_path / "nope")
    assert serve.serve(args) == 2
    assert "not a folder" in capsys.readouterr().err


# --- the teaching parts: plain words, briefings, scores, the seed field, saved games ----------


def test_plain_sentences_show_points_and_words_not_raw_numbers():
    from negotiation.web.words import plain_sentence

    said = plain_sentence(
        "Hungary leans to China: 0.62 against 0.55 for the bloc (china_hedger); the bloc would "
        "have needed +0.07 to win, +-0.31 in all; 1 states against; coordination 0.90 index."
    )
    assert "62/100 against 55/100" in said and "(hedges towards China)" in said
    assert "+7/100" in said and "+-" not in said and "−31/100" in said
    assert "1 state against" in said and "0.90 index" in said  # an index is not a utility


def test_every_seat_gets_a_briefing_from_the_scenario(spec):
    from negotiation.web.briefing import build_briefing

    model = GameSession(GameSetup(spec, seed=7)).model
    source = REPO / "scenarios" / "critical_minerals_2026.yaml"
    for actor in model.actor_ids():
        b = build_briefing(model, actor, source)
        assert b.who and b.each_round and b.walk_away is not None, actor
        assert [g.id for g in b.goals] == [i.id for i in model.space.issues], actor
    denmark = build_briefing(model, "DK", source)
    assert any("Greenland" in f for f in denmark.facts)
    assert any("red line" in r for r in denmark.red_lines)
    hungary = build_briefing(model, "HU", source)
    assert "china" not in hungary.strategy.split("_")  # plain words, not 'china_hedger'
    # facts from the sourced indicators the scenario names
    assert any("Chinese investment" in f for f in hungary.facts)
    sweden = build_briefing(model, "SE", source)
    assert any("largest known deposit in Europe" in f for f in sweden.facts)
    us = build_briefing(model, "us", source)
    floor = next(g for g in us.goals if g.id == "price_floor")
    # the US concedes towards the Commission: its walk-away floor is below its ideal
    assert floor.low_ok < floor.ideal == floor.high_ok


def test_the_seed_field_refuses_what_is_not_a_seed():
    from negotiation.web.panels.start import parse_seed

    assert parse_seed("7") == (7, None) and parse_seed(" 12 ") == (12, None)
    for text, says in (("-5", "out of range"), ("abc", "not a whole number"),
                       ("1e3", "not a whole number"), ("", "Type a seed"),
                       ("99999999999", "out of range")):  # fmt: skip
        seed, problem = parse_seed(text)
        assert seed is None and says in problem and "whole number from 0" in problem


def test_saved_games_are_found_by_their_token_and_the_oldest_go_first(spec):
    from negotiation.web.sessions import GameRegistry, token_in

    registry = GameRegistry(limit=2)
    games = [GameSession(GameSetup(spec, seed=s)) for s in (1, 2, 3)]
    tokens = [registry.add(g) for g in games]
    assert games[0].token == tokens[0] and len(set(tokens)) == 3
    assert registry.get(tokens[0]) is None  # dropped: only two kept
    assert registry.get(tokens[2]) is games[2] and registry.get("nonsense") is None
    assert token_in(f"game={tokens[1]}&x=1") == tokens[1] and token_in(None) is None


def test_a_person_is_credited_with_their_own_moves_only(spec):
    from negotiation.web.state import persons_move

    game = GameSession(GameSetup(spec, seed=7, humans=("commission",)))
    play_out(game)
    model = game.model
    mine = [m for m in model.moves if persons_move(m, game.human_moves)]
    assert mine and all(m.actor == "commission" for m in mine)
    assert not [m for m in mine if m.action == "council_vote"]
    assert [m for m in model.moves if m.action == "council_vote"]  # the Council did vote


def test_scores_compare_a_seat_with_its_agent_on_the_same_seed(spec):
    from negotiation.web.score import seat_score

    game = GameSession(GameSetup(spec, seed=7, humans=("us",)))
    play_out(game)
    agents = game.agents_only()
    assert agents.outcome is not None and not agents.humans
    mine, theirs = seat_score(game.model, "us"), seat_score(agents, "us")
    # every move was the agent's own, so the scores are equal
    assert mine.share == pytest.approx(theirs.share)
    assert mine.share == pytest.approx((mine.value - mine.walk_away) / (1 - mine.walk_away))
    assert all(h.move == h.agent_move for h in game.human_moves)
