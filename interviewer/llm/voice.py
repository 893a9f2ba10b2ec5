"""The interviewer's voice through a language model. The planner has already decided what to probe; the
model says it in the persona's words. If the model fails, the offline voice says it instead and the round
goes on: the candidate sees a short notice, the transcript keeps the offline words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interviewer.feedback.render import ROUND_TITLES
from interviewer.llm.base import Model, ModelError, redact
from interviewer.llm.context import candidate_block, conversation
from interviewer.llm.prompts import load_prompt
from interviewer.planner import Move
from interviewer.voice import Scene, opening_text, say

TEMPLATE_MOVES = {"opening"}
"""Moves said from the persona's own text even with a model: the opening (on screen before any model is
ready)."""


def _details(move: Move, scene: Scene, offline: str) -> str:
    lines = []
    if move.facts:
        lines.append("Answer the candidate's questions with these facts first: " + " ".join(move.facts))
    for question in move.unanswered:
        lines.append(f'Nothing defines "{question}": say plainly it is their call and they should state an '
                     "assumption." if move.kind not in ("answer_questions", "end") else
                     f'You cannot answer "{question}": say so briefly and point them to the recruiter.')
    for question in move.not_mine:
        lines.append(f'You cannot answer "{question}": say so briefly and point them to the recruiter.')
    if move.kind == "probe":
        lines.append(f"Ask this follow-up (rephrase it for the conversation): {move.probe_text}")
        if move.hook:
            lines.append(f'It builds on the candidate\'s own words: "{move.hook}". Keep them.')
        if move.signal in scene.rubric.signals:
            lines.append(f"It probes: {scene.rubric.signals[move.signal].name}.")
    elif move.kind == "clarify" and not move.facts and not move.unanswered:
        lines.append(f"The candidate asked something the problem leaves open: "
                     f"{scene.persona.overlay(scene.level).clarify_none}")
    elif move.kind == "clarify":
        lines.append("Then invite them to go on; ask nothing new.")
    elif move.kind == "elaborate":
        lines.append("The answer was very short: ask the candidate to say more about their reasoning.")
    elif move.kind == "hint":
        lines.append(f"The candidate asked for a hint. Nudge without giving the answer: {offline}")
    elif move.kind == "closing_questions":
        lines.append("Wrap up: invite the candidate's questions for you.")
    elif move.kind == "answer_questions":
        lines.append("Then ask whether they have anything else to ask.")
    if move.quote and not move.hook:
        lines.append(f'Refer to what the candidate said: "{move.quote}".')
    if move.note:
        lines.append(f"Say first: {move.note}")
    framing = {"dont_know": "The candidate said they don't know: reassure briefly, then come at it another way.",
               "off_topic": "The answer drifted off the problem: bring it back.",
               "skip": "The candidate skipped the last question.",
               "transition": f"Move to the next phase ({scene.phases[move.phase].name}), acknowledging briefly "
                             "what the last one covered.",
               "time_up": "Time for the previous phase is up: say so and move on."}
    lines += [framing[kind] for kind in move.prefix if kind in framing]
    if move.push and scene.company is not None:
        lines.append(f"Add the company's angle: {scene.persona.companies[scene.company].push}")
    for snippet in move.context[:1]:
        lines.append(f"(How a strong candidate handled similar ground, for your judgement only, never quote it: "
                     f"{snippet['text'][:200]})")
    return "\n".join(lines)


class ModelVoice:
    def __init__(self, model: Model, prompt_overrides: dict[str, Path] | None = None) -> None:
        self.model = model
        self.name = model.name
        self._system = load_prompt("voice", prompt_overrides)
        self._turn = load_prompt("voice_turn", prompt_overrides)
        self.text = ""
        self.fallbacks = 0

    def system(self, scene: Scene) -> str:
        overlay = scene.persona.overlay(scene.level)
        push = scene.persona.companies[scene.company].push if scene.company else ""
        problem = opening_text(scene).split("Here's the problem:")[-1].strip()
        return self._system.render(
            name=scene.persona.name, role=scene.persona.role, voice=scene.persona.voice,
            round_title=ROUND_TITLES[scene.question.round.value], stance=" ".join(overlay.stance.split()),
            company_push=f"This company cares about: {push}" if push else "", problem=problem)

    def speak(self, move: Move, scene: Scene, turn: int, turns: list[dict[str, Any]]) -> Iterator[str]:
        offline = say(move, scene, turn, [t["text"] for t in turns if t["role"] == "interviewer"])
        if move.kind in TEMPLATE_MOVES or (move.kind == "end" and not (move.facts or move.unanswered or move.not_mine)):
            self.text = offline
            yield offline
            return
        phase = scene.phases[move.phase]
        instruction = self._turn.render(phase=phase.name, goal=phase.goal, move=move.kind,
                                        details=_details(move, scene, offline))
        messages = conversation(turns) + [{"role": "user", "content": instruction}]
        produced: list[str] = []
        try:
            for chunk in self.model.stream(messages, system=self.system(scene)):
                produced.append(chunk)
                yield chunk
            text = "".join(produced).strip()
            if not text:
                raise ModelError(f"{self.model.name} returned nothing")
            self.text = text
        except ModelError as error:
            self.fallbacks += 1
            self.text = offline
            yield ("\n" if produced else "") + f"[{redact(str(error))}; the offline interviewer continues] "
            yield offline


class OfflineVoice:
    """The phrase-template voice as a Voice."""

    name = "offline"

    def __init__(self) -> None:
        self.text = ""
        self.fallbacks = 0

    def speak(self, move: Move, scene: Scene, turn: int, turns: list[dict[str, Any]]) -> Iterator[str]:
        self.text = say(move, scene, turn, [t["text"] for t in turns if t["role"] == "interviewer"])
        yield self.text


__all__ = ["ModelVoice", "OfflineVoice", "candidate_block"]
