"""Colours, words and type sizes shared by the pages.

Stances and actors use the Okabe-Ito palette (safe for the common forms of colour blindness), and
every colour is paired with a word or a mark so that nothing is told by colour alone. Type is
large so a class can read the page on a projector.
"""

from __future__ import annotations

import html

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
GREEN = "#009E73"
GREY = "#6b6b6b"

STANCE_COLOURS = {"bloc": BLUE, "bilateral": ORANGE, "china": VERMILLION}
STANCE_TEXT = {"bloc": "#ffffff", "bilateral": "#000000", "china": "#000000"}
STANCE_WORDS = {
    "bloc": "with the bloc",
    "bilateral": "US bilateral deal",
    "china": "leaning to China",
}
STANCE_SHORT = {"bloc": "EU", "bilateral": "US", "china": "CN"}
ACTOR_COLOURS = {"US": ORANGE, "Commission": BLUE, "China": VERMILLION}

CSS = """
.neg-app { font-size: 18px; line-height: 1.45; }
.neg-app .v-btn { font-size: 16px; letter-spacing: 0; text-transform: none; }
.neg-app h1 { font-size: 30px; margin: 4px 0 8px; }
.neg-app h2 { font-size: 24px; margin: 4px 0 8px; }
.neg-app h3 { font-size: 20px; margin: 4px 0 6px; }
.neg-app .v-label, .neg-app .v-input { font-size: 17px; }
.neg-app .v-card { padding: 12px 16px; margin-bottom: 12px; }
.neg-app .v-card__text { font-size: 18px; line-height: 1.45; color: #1a1a1a; }
.neg-app .v-card__title { font-size: 24px; }
.neg-utilities { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
            gap: 2px 24px; }
.neg-utilities div { display: flex; justify-content: space-between;
            border-bottom: 1px solid #ddd; padding: 2px 0; }
.neg-utilities b { font-variant-numeric: tabular-nums; }
.neg-status { font-size: 24px; font-weight: 600; }
.neg-muted { color: #444; }
.neg-table { border-collapse: collapse; width: 100%; }
.neg-table th, .neg-table td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: left; }
.neg-table td.num, .neg-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
.neg-bar { position: relative; height: 28px; background: #e8e8e8; border-radius: 4px;
           margin: 4px 0 24px; }
.neg-bar-fill { height: 100%; border-radius: 4px; }
.neg-bar-line { position: absolute; top: -6px; bottom: -6px; width: 3px; background: #000; }
.neg-bar-label { position: absolute; top: 30px; font-size: 14px; transform: translateX(-50%); }
.neg-tiles { display: grid; gap: 4px; }
.neg-tile { border-radius: 4px; text-align: center; padding: 4px 0; font-weight: 700;
            font-size: 17px; line-height: 1.15; border: 3px solid transparent; }
.neg-tile small { display: block; font-weight: 500; font-size: 12px; }
.neg-tile.you { border-color: #000; outline: 2px dashed #000; }
.neg-legend span.swatch { display: inline-block; width: 18px; height: 18px; vertical-align: -3px;
            margin: 0 6px 0 14px; border-radius: 3px; }
.neg-timeline details { margin: 4px 0 10px; }
.neg-timeline summary { font-size: 20px; font-weight: 600; cursor: pointer; }
.neg-timeline li { margin: 3px 0; }
.neg-timeline .who { font-weight: 700; }
.neg-timeline .person { background: #000; color: #fff; border-radius: 3px; padding: 0 5px;
            font-size: 14px; margin-left: 4px; }
.neg-error { font-size: 18px; }
"""


def esc(text: object) -> str:
    return html.escape(str(text))


def pct(x: float) -> str:
    return f"{x:.0%}"
