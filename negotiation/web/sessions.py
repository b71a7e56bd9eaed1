"""Games that outlive the page: a registry of the server's games, keyed by a token in the address.

When a student starts a game, the page's address becomes `/?game=<token>`. A reload or Back and
Forward opens a new page, which finds the same game here by its token. The registry is held in the
server's memory (a restart loses it) and keeps the most recently used games only.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from urllib.parse import parse_qs

from negotiation.web.state import GameSession

LIMIT = 500
"""Games kept; the least recently used one is dropped beyond this."""


class GameRegistry:
    """Token -> game, least recently used first out."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self._games: OrderedDict[str, GameSession] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, game: GameSession) -> str:
        """Keep a game; returns its token (also set as `game.token`)."""
        token = secrets.token_urlsafe(9)
        with self._lock:
            self._games[token] = game
            while len(self._games) > self.limit:
                self._games.popitem(last=False)
        game.token = token
        return token

    def get(self, token: str | None) -> GameSession | None:
        if not token:
            return None
        with self._lock:
            game = self._games.get(token)
            if game is not None:
                self._games.move_to_end(token)
            return game

    def __len__(self) -> int:
        return len(self._games)


REGISTRY = GameRegistry()


def token_in(search: str | None) -> str | None:
    """The `game` token of an address's query string (`game=abc&x=1` -> `abc`), if any."""
    values = parse_qs(search or "").get("game")
    return values[0] if values else None


def game_path(token: str) -> str:
    return f"/?game={token}"
