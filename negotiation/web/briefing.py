"""A briefing for every seat, written from the scenario's data (so a teacher's scenario gets one).

`build_briefing(model, actor, source)` says who the seat is, what it wants on each issue (its ideal
and how far it could go on that issue and still beat walking away), its walk-away and red lines,
what it can do each round, and facts: the `FACT` comments the scenario file writes beside the
actor, the sourced indicators of a state (negotiation/web/facts.py), numbers from the scenario
(population, dependence on China), and a
`briefing` text if the scenario gives one. Nothing here knows about Solara.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from negotiation import legal_form
from negotiation.model import NegotiationModel
from negotiation.web.facts import indicator_facts
from negotiation.web.words import plural, points, strategy_words

TOP_ACTORS = ("us", "commission", "china", "parliament")
"""Seats that are not member states (the Parliament only where the scenario has one)."""


@dataclass(frozen=True)
class IssueGoal:
    """What a seat wants on one issue, in the issue's real units."""

    id: str
    label: str
    ideal: float
    low_ok: float
    high_ok: float
    """The range between the ideal and the walk-away value."""
    weight: float
    ideal_text: str
    walk_away_text: str


@dataclass(frozen=True)
class Briefing:
    actor: str
    name: str
    who: str
    goals: list[IssueGoal]
    walk_away: float | None
    red_lines: list[str]
    each_round: list[str]
    facts: list[str]
    text: str = ""
    strategy: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Preferences:
    """A seat's ideal (unit scale 0..1 per issue), issue weights and walk-away utility."""

    position: np.ndarray
    salience: np.ndarray
    reservation: float


def preferences(model: NegotiationModel, actor: str) -> Preferences | None:
    """The seat's preferences as the engine holds them, or None if the engine has none for it."""
    try:
        if actor in TOP_ACTORS:
            agent = getattr(model, actor)
            side = agent.side
            reservation = getattr(agent, "base_reservation", side.reservation)
            return Preferences(np.asarray(side.position), np.asarray(side.salience), reservation)
        states = model.states
        i = states.codes.index(actor)
        return Preferences(
            np.asarray(states.position[i]),
            np.asarray(states.salience[i]),
            float(states.reservation[i]),
        )
    except (AttributeError, ValueError, IndexError):
        return None


def _opponent(actor: str) -> str:
    """Whose ideal a seat's concessions move towards: the Commission for the US, else the US."""
    return "commission" if actor == "us" else "us"


def issue_goals(model: NegotiationModel, actor: str) -> list[IssueGoal]:
    """Per issue: the ideal, and the walk-away value: how far the seat can go towards the other
    side on that issue, conceding the same share on every issue, before the deal is worth only
    its walk-away (utility falls linearly with distance, so that share is 1 - walk-away)."""
    prefs = preferences(model, actor)
    other = preferences(model, _opponent(actor))
    if prefs is None:
        return []
    share = max(0.0, 1.0 - prefs.reservation)
    goals = []
    for k, issue in enumerate(model.space.issues):
        ideal = float(prefs.position[k])
        towards = float(other.position[k]) if other is not None else 0.5
        if abs(towards - ideal) < 1e-9:
            towards = 0.5
        step = share if towards >= ideal else -share
        limit = min(1.0, max(0.0, ideal + step))
        goals.append(
            IssueGoal(
                issue.id,
                issue.label,
                issue.to_real(ideal),
                issue.to_real(min(ideal, limit)),
                issue.to_real(max(ideal, limit)),
                float(prefs.salience[k]),
                issue.format(ideal),
                issue.format(limit),
            )
        )
    return goals


_SECTION = re.compile(r"^([A-Za-z_]\w*):")
_STATE_KEY = re.compile(r"^\s{2,6}([A-Z]{2,3}):")
_MARK = re.compile(r"\b(FACT|ASSUMPTION)\b\s*[:,-]?\s*")


def fact_segments(comment: str) -> list[str]:
    """The FACT parts of a comment (one line, or a block of comment lines joined): from each
    `FACT:` to the next `ASSUMPTION:`. A FACT in brackets inside a judgement is left out."""
    parts = _MARK.split(comment)
    out = []
    for k in range(1, len(parts) - 1, 2):
        if parts[k] != "FACT":
            continue
        if parts[k - 1].rstrip().endswith("("):
            continue  # a fact in brackets only supports the judgement around it
        text = parts[k + 1].strip().rstrip("(").strip()
        if len(text) > 1:
            out.append(text[0].upper() + text[1:])
    return out


def scenario_facts(path: str | Path | None) -> dict[str, list[str]]:
    """The `FACT: ...` comments of a scenario file, by the actor they sit beside: a top-level
    section (us, commission, china, parliament) or a member state's line under
    `member_states.states`. Consecutive comment lines are read as one comment, so a fact
    written over several lines is whole; a comment at the start of a line (column 0) belongs to
    no actor."""
    facts: dict[str, list[str]] = {}
    if not path:
        return facts
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return facts
    section, state = "", ""
    block: list[str] = []
    block_owner = ""

    def owner() -> str:
        who = state if section == "member_states" else section
        return who if who and who in (*TOP_ACTORS, state) else ""

    def keep(who: str, comment: str) -> None:
        if who:
            facts.setdefault(who, []).extend(fact_segments(comment))

    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("#"):
            if not block:
                block_owner = "" if line.startswith("#") else owner()
            block.append(stripped[1:].strip())
            continue
        if block:
            keep(block_owner, " ".join(block))
            block = []
        if (top := _SECTION.match(line)) is not None:
            section, state = top.group(1), ""
        elif section == "member_states" and (key := _STATE_KEY.match(line)) is not None:
            state = key.group(1)
        if "#" in line:
            keep(owner(), line.split("#", 1)[1].strip())
    if block:
        keep(block_owner, " ".join(block))
    return facts


def _own_briefing_text(model: NegotiationModel, actor: str) -> str:
    """A `briefing` text the scenario may give: top-level `briefing: {actor: text}` or a
    `briefing` field on the actor's own entry. Absent in older scenarios."""
    spec = model.spec
    top = getattr(spec, "briefing", None)
    if isinstance(top, dict) and isinstance(top.get(actor), str):
        return top[actor]
    entry = getattr(spec, actor, None) if actor in TOP_ACTORS else None
    if entry is None and actor not in TOP_ACTORS:
        entry = spec.member_states.states.get(actor)
    text = getattr(entry, "briefing", None) if entry is not None else None
    return text if isinstance(text, str) else ""


def _state_facts(model: NegotiationModel, i: int) -> list[str]:
    states = model.states
    share = states.population[i] / states.population.sum()
    exposure = float(states.exposure[i])
    depends = "heavily" if exposure >= 0.65 else ("moderately" if exposure >= 0.4 else "little")
    return [
        f"You hold {share:.1%} of the EU's population: one vote of {states.n} in the Council.",
        f"You depend {depends} on Chinese supply (exposure {points(exposure)} of 100 in this "
        "scenario), so China's pressure costs you accordingly.",
    ]


def _who(model: NegotiationModel, actor: str) -> str:
    rule = model.rule
    if actor == "us":
        return (
            "You are the United States. You want a critical-minerals deal that secures supply "
            "outside China. You may bargain with the Commission for the whole EU, or court single "
            "member states with bilateral deals on the issues they control themselves."
        )
    if actor == "commission":
        return (
            "You are the European Commission. You negotiate for the whole EU under the mandate "
            "the member states gave you. Any deal you accept goes to the Council, which must "
            f"approve it by qualified majority ({rule.states_share:.0%} of the states with "
            f"{rule.population_share:.0%} of the population)."
        )
    if actor == "china":
        return (
            "You are China, outside the room. You supply most of Europe's critical minerals. You "
            "can tighten or ease export controls and offer member states inducements to lean "
            "your way, so that no deal coordinates against you."
        )
    if actor == "parliament":
        return (
            "You are the European Parliament. A binding EU agreement, or a mixed one, needs your "
            "consent (Art. 218(6)(a)(v) TFEU); a non-binding memorandum does not. Each round you "
            "decide whether to go on with your consent procedure or suspend it, as you did on 21 "
            "January 2026 when the US threatened Greenland (you resumed on 4 February)."
        )
    name = model.actor_name(actor)
    return (
        f"You are {name}, one of the {model.states.n} EU member states. The Commission "
        "negotiates for all of you; you decide each round whether to stay with the bloc, take a "
        "US bilateral deal or lean to China, and you vote in the Council on the final package."
    )


def _each_round(model: NegotiationModel, actor: str) -> list[str]:
    if actor == "us":
        return [
            "Make the Commission a bloc offer on every issue, or accept its counter-offer.",
            "Also offer bilateral deals to single states, on the national issues only "
            "(" + ", ".join(i.label.lower() for i in model.space.issues if i.bilateral) + ").",
        ]
    if actor == "commission":
        return [
            "Answer the US: a counter-offer on every issue, or accept its offer.",
            "An accepted package goes to a Council vote; if it fails, talks go on.",
        ]
    if actor == "china":
        cap = getattr(model.china, "max_pressure", 1.0)
        return [
            f"Set export-control pressure, from 0 up to {points(cap)} of 100.",
            f"Offer inducements (or threats) to member states from a budget of "
            f"{points(model.china.budget)} points.",
        ]
    if actor == "parliament":
        return [
            "Proceed with your consent procedure, or suspend it: while it is suspended no binding "
            "or mixed agreement can be concluded.",
            "When the Council approves a binding or mixed agreement, give or refuse your consent; "
            "without it the agreement falls and the talks go on.",
        ]
    return [
        "Choose a stance: stay with the bloc, take the US bilateral deal (when the US offers you "
        "one), or lean to China (when China makes you an offer).",
        "Vote yes or no when a package comes to the Council.",
    ]


def _red_lines(model: NegotiationModel, actor: str) -> list[str]:
    mode = model.mode
    lines = []
    if mode == "hard":
        lines.append(
            "Every bloc or bilateral deal must keep the territorial clause: this scenario makes "
            "it a rule of the game."
        )
    if actor == "commission" and getattr(model.commission, "red_line", False):
        lines.append("Your mandate makes the territorial clause a red line: keep it in.")
    if actor == "us" and model.spec.us.territorial_ambition > 0 and mode != "hard":
        lines.append("You would rather leave the territorial clause out: it costs you when in.")
    if actor not in TOP_ACTORS:
        i = model.states.codes.index(actor)
        if model.states.territorial_salience[i] >= model.spec.council.red_line_salience:
            lines.append("The territorial clause is a red line for you: a deal without it is "
                         "worth much less to you.")  # fmt: skip
    return lines


def _parliament_facts(model: NegotiationModel) -> list[str]:
    forms = [legal_form.LABEL.get(f, f) for f in model.spec.legal_forms]
    facts = ["The deal may take the form of " + " or ".join(forms) + " in this scenario."]
    if not any(legal_form.needs_parliament(f) for f in model.spec.legal_forms):
        facts.append("Only a non-binding memorandum is on offer: it never needs your consent.")
    spec = model.spec.parliament
    if spec is not None and spec.suspends_over_territory:
        facts.append(
            "When you let your agent play, it suspends your consent procedure while the US "
            "threatens a member state's territory."
        )
    return facts


def _strategy(model: NegotiationModel, actor: str) -> str:
    try:
        if actor in TOP_ACTORS:
            return getattr(model.spec, actor).strategy.name
        return model.states.strategy_names[model.states.codes.index(actor)]
    except (AttributeError, ValueError):
        return ""


def build_briefing(
    model: NegotiationModel, actor: str, source: str | Path | None = None
) -> Briefing:
    """The briefing of one seat of this game."""
    prefs = preferences(model, actor)
    facts = list(scenario_facts(source).get(actor, []))
    if actor not in TOP_ACTORS:
        facts += indicator_facts(source).get(actor, [])
        facts += _state_facts(model, model.states.codes.index(actor))
    elif actor == "us":
        courted = getattr(model.spec.us, "courting", None)
        if isinstance(courted, list) and courted:
            names = ", ".join(model.actor_name(c) for c in courted if c in model.states.codes)
            facts.append(f"You court {plural(len(courted), 'state')}: {names}.")
    elif actor == "china":
        shares = model.spec.china.supply_shares
        if shares:
            top = sorted(shares.items(), key=lambda kv: -kv[1])[:3]
            facts.append(
                "Your share of the EU's supply: "
                + ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in top)
                + "."
            )
    elif actor == "parliament":
        facts += _parliament_facts(model)
    strategy = _strategy(model, actor)
    return Briefing(
        actor=actor,
        name=model.actor_name(actor),
        who=_who(model, actor),
        goals=issue_goals(model, actor),
        walk_away=prefs.reservation if prefs is not None else None,
        red_lines=_red_lines(model, actor),
        each_round=_each_round(model, actor),
        facts=facts,
        text=_own_briefing_text(model, actor),
        strategy=strategy_words(strategy) if strategy else "",
    )
