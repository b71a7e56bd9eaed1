"""Plain words for the game's numbers and jargon, shared by every panel.

Utilities (0..1 inside the engine) are shown as points out of 100, with the exact number on hover.
Jargon words (qualified majority, mandate, walk-away, Nash point...) link to the glossary, whose
entries live here so the rules panel, the briefings and the tests read one list.
"""

from __future__ import annotations

import re

from negotiation.plural import plural as plural  # the one rule, used by the pages from here
from negotiation.web.theme import esc

GLOSSARY: dict[str, str] = {
    "points": "How much an outcome is worth to an actor, from 0 (the worst possible) to 100 (all "
    "it wants on every issue). Hover a number to see the exact value the model uses (0 to 1).",
    "walk-away": "The value of having no deal. A side is better off walking away than accepting "
    "anything worth less to it. (Economists call it the reservation value.)",
    "target": "What a side asks for this round, in points. Agents start high and concede towards "
    "their walk-away as the deadline nears.",
    "unanimity": "Every member state votes yes; one state alone can veto. A mixed agreement "
    "needs it in the Council, and ratification by every member state after.",
    "legal form": "What the agreement is in law: a non-binding memorandum (the Council approves "
    "it by qualified majority), a binding EU agreement (also needs the European Parliament's "
    "consent) or a mixed agreement (unanimity, ratification by every state and the Parliament's "
    "consent).",
    "consent procedure": "The European Parliament's vote on a binding or mixed agreement "
    "(Art. 218(6)(a)(v) TFEU). While it suspends the procedure, no such agreement can be "
    "concluded.",
    "qualified majority": "How the Council of the EU passes trade deals: at least 55% of the "
    "member states, together holding at least 65% of the EU population (Art. 16(4) TEU).",
    "blocking minority": "Enough 'no' votes to stop a qualified majority: states holding more than "
    "35% of the population, and at least four of them (Art. 16(4) TEU).",
    "mandate": "The member states authorise the Commission to negotiate for the whole EU and set "
    "what it should get: its mandate. The Commission cannot accept a deal the Council would "
    "reject.",
    "competence": "Who may decide. Trade and export policy are EU (exclusive) competence: only the "
    "EU can sign on them. Stockpiles, national projects and offtake contracts stay national: a "
    "member state may sign those alone.",
    "bilateral deal": "A deal between the US and a single member state. It can cover only the "
    "issues that are national competence (stockpile, joint projects, offtake).",
    "bloc deal": "One deal between the US and the EU as a whole, negotiated by the Commission and "
    "approved by the Council by the rule its legal form sets (see ratification).",
    "territorial clause": "A line in the deal that respects the territorial integrity of every "
    "member state (Greenland belongs to Denmark). Some states will not sign without it.",
    "red line": "Something a side will not give up at any price, e.g. the territorial clause for "
    "Denmark.",
    "stance": "Where a member state stands each round: with the bloc, taking a US bilateral deal, "
    "leaning to China, or backing the bloc on condition that the Commission pays it EU funds.",
    "EU funds": "Money the Commission can promise member states from an EU programme (here "
    "RESourceEU) so that they back the bloc or vote yes, in points for that state. The budget is "
    "limited and private.",
    "tariff threat": "The US may threaten a member state with tariffs: if the state ends with no "
    "deal with the US (neither the bloc deal nor a bilateral one), it loses that many points. "
    "The US withdraws the threat when the state signs.",
    "export-control pressure": "How hard China restricts exports of critical minerals, from 0 "
    "(none) to 100 (the most the scenario allows). It costs the states that depend on Chinese "
    "supply.",
    "inducement": "What China offers a member state to lean its way (investment, eased controls), "
    "in points for that state. A negative amount is a threat.",
    "Nash point": "The fair split (Nash bargaining solution): the deal that makes the product of "
    "both sides' gains over their walk-away values as large as possible.",
    "efficient frontier": "The deals where neither side can gain without the other losing (the "
    "Pareto frontier). A deal off the frontier leaves value on the table.",
    "ratification": "After the US and the Commission agree, the Council votes by the rule the "
    "deal's legal form sets: a qualified majority for a non-binding deal; a qualified majority "
    "and the European Parliament's consent for a binding EU agreement; unanimity, ratification by "
    "every member state and the Parliament's consent for a mixed agreement.",
    "seed": "A whole number that fixes the dice: the same scenario and seed give the same game, "
    "so a class can compare.",
    "strategy": "How an agent plays: how fast it concedes, or how a member state weighs its "
    "options. You can change them under Advanced on the start page.",
}

STRATEGY_WORDS: dict[str, str] = {
    "linear": "concedes at a steady pace",
    "boulware": "holds firm, concedes near the deadline",
    "conceder": "concedes early",
    "time_dependent": "concedes with time",
    "tit_for_tat": "mirrors the other side's concessions",
    "loyalist": "sticks with the bloc",
    "atlanticist": "leans to the US",
    "opportunist": "takes the best offer",
    "china_hedger": "hedges towards China",
    "hardliner": "take it or leave it",
    "escalation": "escalates as a deal nears",
    "restraint": "keeps the controls in force",
    "divide_and_rule": "buys the cheapest blocking minority",
    "escalate_and_divide": "escalates as a deal nears and buys states to divide the bloc",
}


def strategy_words(name: str) -> str:
    """A strategy name in plain words: 'china_hedger' -> 'hedges towards China'."""
    return STRATEGY_WORDS.get(name, name.replace("_", " "))


def points(u: float) -> int:
    """A utility in [0, 1] as whole points out of 100."""
    return round(100 * float(u))


def amount(u: float) -> str:
    """An amount of EU funds or an inducement in points to a tenth (the engine pays EU funds in
    steps of half a point): 0.015 -> '1.5', 0.02 -> '2'."""
    shown = f"{round(100 * float(u), 1):.1f}".removesuffix(".0")
    return "0" if shown == "-0" else shown


def with_unit(shown: str) -> str:
    """A number shown in points with its unit: '1 point', '1.5 points'."""
    return f"{shown} point" if shown == "1" else f"{shown} points"


def points_text(u: float) -> str:
    """An amount in points with its unit, to a tenth: '1.5 points', '1 point'."""
    return with_unit(amount(u))


def points_html(u: float, unit: bool = True, exact: bool = False) -> str:
    """'<span title="utility 0.812">81 points</span>': points, with the exact value on hover;
    `exact` shows amounts to a tenth of a point (EU funds, inducements)."""
    shown = amount(u) if exact else f"{points(u)}"
    if unit:
        shown = with_unit(shown)
    return f'<span class="pts" title="exact value {float(u):.3f} (0 to 1)">{shown}</span>'


def term_id(term: str) -> str:
    return "glossary-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def term_link(term: str, text: str | None = None) -> str:
    """A glossary link with the definition on hover."""
    shown = esc(text if text is not None else term)
    return f'<a class="term" href="#{term_id(term)}" title="{esc(GLOSSARY[term])}">{shown}</a>'


def signed_points(delta: float) -> str:
    """A change in points with a real sign: '+7', '−3', '0'."""
    p = points(delta)
    return f"+{p}" if p > 0 else (f"−{-p}" if p < 0 else "0")


_UTILITY = re.compile(r"(?<![\w.$])([+-]?)(\d\.\d{2,6})(?![\d%]| ?index)")
_IDENT = re.compile(r"\(([a-z]+(?:_[a-z]+)+)\)")


def plain_sentence(text: str) -> str:
    """An engine sentence in the app's words: utilities as points out of 100 ('0.81' -> '81/100',
    '0.015' -> '1.5/100', '0.93510' -> '93.51/100'),
    strategy identifiers in words ('(china_hedger)' -> '(hedges towards China)'), no '+-' and
    no '1 states'."""
    text = text.replace("+-", "−").replace("+−", "−")

    def as_points(match: re.Match) -> str:
        sign = {"-": "−"}.get(match.group(1), match.group(1))
        number = match.group(2)
        places = len(number) - 2
        if places == 2:
            shown = str(points(float(number)))
        elif places == 3:  # an amount of funds, to a tenth of a point
            shown = amount(float(number))
        else:  # as many places as the engine needed to tell two values apart
            shown = f"{100 * float(number):.{places - 2}f}".rstrip("0").rstrip(".")
        if float(number) > 1:  # a sum, or a value with a reward on top: not out of 100
            return f"{sign}{shown} points"
        return f"{sign}{shown}/100"

    text = _UTILITY.sub(as_points, text)
    text = _IDENT.sub(lambda m: f"({strategy_words(m.group(1))})", text)
    return re.sub(r"\b1 (states|members|votes)\b", lambda m: "1 " + m.group(1)[:-1], text)
