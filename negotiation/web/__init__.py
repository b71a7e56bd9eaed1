"""The browser face of the game: a Solara app where a class watches the agents or takes a seat.

`app.py` at the repository root is the entry point `solara run` serves; it only lists the pages.
Modules here, top to bottom:

- `serve`: the `negotiation serve` command (prepares offline assets, runs the Solara server);
- `assets`: the offline copy of Solara's front-end assets (no CDN is ever asked);
- `catalog`: the scenario files on offer and strategy changes made on the start page;
- `state`: one browser session's game (`GameSession`): step, submit, replay "what if", export;
- `context`: how the pages of one browser session share that game;
- `layout`, `play`: the page frame and the play page (start page, then the game view);
- `panels/`: the pieces of the game view; `charts`, `tilemap`, `theme`: drawing helpers.

The engine never imports this package; this package only calls the engine's public API.
"""
