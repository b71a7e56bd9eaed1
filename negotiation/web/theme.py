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

STANCE_COLOURS = {"bloc": BLUE, "bilateral": ORANGE, "china": VERMILLION, "conditional": SKY}
STANCE_TEXT = {"bloc": "#ffffff", "bilateral": "#000000", "china": "#000000"}
STANCE_WORDS = {
    "bloc": "with the bloc",
    "bilateral": "US bilateral deal",
    "china": "leaning to China",
    "conditional": "with the bloc, on conditions",
}
STANCE_SHORT = {"bloc": "EU", "bilateral": "US", "china": "CN", "conditional": "EU?"}


def stance_colour(stance: str) -> str:
    return STANCE_COLOURS.get(stance, GREY)


def stance_text_colour(stance: str) -> str:
    return STANCE_TEXT.get(stance, "#000000" if stance in STANCE_COLOURS else "#ffffff")


def stance_words(stance: str) -> str:
    return STANCE_WORDS.get(stance, stance.replace("_", " "))


def stance_short(stance: str) -> str:
    return STANCE_SHORT.get(stance, stance[:3].upper())


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
.neg-muted { color: #3d3d3d; }
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
.neg-app a.term { color: inherit; text-decoration: underline dotted; text-underline-offset: 3px; }
.neg-app .pts { border-bottom: 1px dotted #555; }
/* A focus ring everyone can see, on every control. */
.neg-app :focus-visible, .neg-app .focus-heading:focus {
    outline: 3px solid #000 !important; outline-offset: 2px; box-shadow: 0 0 0 5px #ffd400 !important;
}
.neg-app .v-slider__thumb-container:focus-within .v-slider__thumb {
    outline: 3px solid #000; box-shadow: 0 0 0 5px #ffd400; }
.neg-app .v-input--switch:focus-within, .neg-app .v-input--checkbox:focus-within {
    outline: 3px solid #000; outline-offset: 2px; }
.focus-heading { font-size: 22px; margin: 0 0 8px; }
.seat-panel { border: 3px solid #0072B2 !important; }
.neg-columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; }
.neg-columns > * { min-width: 0; }
.neg-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr));
              gap: 16px; width: 100%; }
.neg-chart { min-width: 0; }
.neg-chart .vega-embed { width: 100%; }
.neg-chart summary { cursor: pointer; }
.chart-text { font-size: 16px; color: #333; margin: 4px 0 0; }
.neg-tiles { overflow-x: auto; }
.neg-table caption { caption-side: top; text-align: left; color: #333; padding: 2px 0 6px; }
.neg-on-the-table, .neg-on-the-table .v-card__text { overflow-x: auto; }
.engine-prompt pre { white-space: pre-wrap; font-size: 15px; }
.engine-prompt summary, .neg-rules summary { cursor: pointer; font-weight: 600; }
.glossary dt { font-weight: 700; margin-top: 6px; }
.glossary dd { margin-left: 16px; }
.briefing { border: 3px solid #009E73 !important; }
.neg-app .v-card { max-width: 100%; overflow-x: auto; }
@media (max-width: 760px) {
    .neg-app { font-size: 16px; padding: 8px 6px !important; }
    .neg-table th, .neg-table td { padding: 4px 4px; }
    .neg-app .v-card { padding: 8px 8px; }
    .neg-columns { grid-template-columns: minmax(0, 1fr); }
    .neg-status { font-size: 19px; }
    .neg-app h1 { font-size: 24px; }
    .neg-app .v-card__title { font-size: 20px; word-break: normal; }
    .neg-tiles { grid-template-columns: repeat(6, minmax(36px, 1fr)) !important; }
    .neg-tile { font-size: 14px; }
    .neg-tile small { font-size: 10px; }
    .neg-utilities { grid-template-columns: minmax(0, 1fr); }
    .solara-autorouter-content, .neg-app .v-main__wrap > div { padding-left: 4px !important;
                                                               padding-right: 4px !important; }
}
"""


def esc(text: object) -> str:
    return html.escape(str(text))


def pct(x: float) -> str:
    return f"{x:.0%}"
