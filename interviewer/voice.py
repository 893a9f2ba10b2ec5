"""The offline voice: says the planner's move in the persona's words, from phrase templates. No model.

A model voice (with a key or a local server) phrases the same move; this one is the default and the fallback.
Phrase choice is deterministic per session and turn, so a node that runs again says the same thing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from interviewer.catalog import Persona, Phase, Phrases
from interviewer.feedback.render import ROUND_TITLES
from interviewer.planner import Move
from interviewer.types import CompanyType, Level, Question, Rubric


@dataclass(frozen=True)
class Scene:
    """Everything the voice needs besides the move."""

    persona: Persona
    phrases: Phrases
    question: Question
    rubric: Rubric
    phases: list[Phase]
    level: Level
    company: CompanyType | None
    minutes: float
    session_id: str
    signal_phases: dict[str, str]
    """Each signal's usual phase in this round (`planner.home_phases`)."""


def _pick(options: list[str], scene: Scene, turn: int, kind: str) -> str:
    digest = hashlib.sha256(f"{scene.session_id}:{turn}:{kind}".encode()).digest()
    return options[digest[0] % len(options)]


def opening_text(scene: Scene) -> str:
    """The persona's opening with the question's prompt, and the code handed over with it (a class to fill in,
    the buggy module to debug, the service's interface) as a Python block, kept verbatim."""
    overlay = scene.persona.overlay(scene.level)
    prompt = scene.question.ambiguous_prompt if overlay.prompt == "ambiguous" else scene.question.prompt
    text = scene.persona.opening.format(
        name=scene.persona.name, role=scene.persona.role, minutes=round(scene.minutes),
        round_title=_in_sentence(ROUND_TITLES[scene.question.round.value]), prompt=" ".join(prompt.split()),
    )
    spec = scene.question.code or scene.question.service
    if spec is not None and spec.starter.strip():
        text += f"\n\n```python\n{spec.starter.strip()}\n```"
    return text


def _in_sentence(title: str) -> str:
    """'System design' -> 'system design' mid-sentence; acronyms ('ML system design') stay."""
    return title if title[:2].isupper() else title[0].lower() + title[1:]


def say(move: Move, scene: Scene, turn: int) -> str:
    """The interviewer's words for `move` at transcript turn number `turn`."""
    if move.kind == "opening":
        return opening_text(scene)
    if move.kind == "end":
        return " ".join(scene.persona.closing.split())
    phrases = scene.phrases
    phase = scene.phases[move.phase]
    previous = scene.phases[move.previous_phase] if move.previous_phase is not None else None
    values = {
        "phase": phase.name.lower(), "goal": phase.goal, "quote": move.quote or "",
        "previous": previous.name.lower() if previous else "", "fact": move.fact or "",
        "probe": move.probe_text or "",
    }
    parts: list[str] = []
    for kind in move.prefix:
        options = getattr(phrases, kind)
        if kind == "refer" and not move.quote:
            continue
        parts.append(_pick(options, scene, turn, kind).format(**values))
    if move.quote and "refer" not in move.prefix and move.kind == "probe":
        parts.append(_pick(phrases.refer, scene, turn, "refer").format(**values))
    if move.note:
        parts.append(move.note)
    if move.kind == "probe":
        parts.append(" ".join((move.probe_text or "").split()))
        push = _company_push(move, scene)
        if push:
            parts.append(push)
    elif move.kind == "clarify":
        if move.fact:
            parts.append(_pick(phrases.clarify_answer, scene, turn, "clarify").format(**values))
        else:
            parts.append(scene.persona.overlay(scene.level).clarify_none)
    elif move.kind == "elaborate":
        parts.append(_pick(phrases.short, scene, turn, "short"))
    elif move.kind == "hint":
        parts.append(_pick(phrases.hint, scene, turn, "hint").format(hint=_hint(move, scene)))
    elif move.kind == "closing_questions":
        parts.append(_pick(phrases.closing_questions, scene, turn, "closing"))
    return " ".join(part for part in parts if part)


def _company_push(move: Move, scene: Scene) -> str | None:
    """The company's push, on the first probe of a phase that the company weighs more."""
    if scene.company is None or not move.push:
        return None
    return scene.persona.companies[scene.company].push


def _hint(move: Move, scene: Scene) -> str:
    if move.signal is None or move.signal not in scene.rubric.signals:
        return "step back and state the one decision that matters most here, and why."
    signal = scene.rubric.signals[move.signal]
    return f"think about {signal.name[0].lower() + signal.name[1:]}. {signal.next_level}"
