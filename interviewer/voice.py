"""The offline voice: says the planner's move in the persona's words, from phrase templates. No model.

A model voice (with a key or a local server) phrases the same move; this one is the default and the fallback.
Each part of a turn is the phrase the round has used least so far (by its opening words and its text), ties
broken by a hash of the session and turn: deterministic, so a node that runs again says the same thing, and
varied, so a round does not open turn after turn with the same words.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.catalog import Persona, Phase, Phrases
from interviewer.feedback.render import ROUND_TITLES
from interviewer.moves import RoundMoves
from interviewer.planner import Move
from interviewer.types import CompanyType, Level, Question, Rubric

OPENING_WORDS = 3
"""A turn's opening: its first words, lower case, without punctuation (what a listener hears as a template)."""


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
    library: RoundMoves | None = None
    """The round's follow-ups besides the question's probes (`moves.load_moves`)."""
    common_words: frozenset[str] = frozenset()
    """The corpus's everyday vocabulary (`Catalog.common_words`): no sign of what a follow-up asks."""


def opening_words(text: str, words: int = OPENING_WORDS) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower())[:words])


def in_sentence(text: str) -> str:
    """'System design' -> 'system design' mid-sentence; acronyms ('ML system design', 'API design') stay."""
    return text if text[:2].isupper() or not text else text[0].lower() + text[1:]


def opening_text(scene: Scene) -> str:
    """The persona's opening with the question's prompt, and the code handed over with it (a class to fill in,
    the buggy module to debug, the service's interface) as a Python block, kept verbatim."""
    overlay = scene.persona.overlay(scene.level)
    prompt = scene.question.ambiguous_prompt if overlay.prompt == "ambiguous" else scene.question.prompt
    text = scene.persona.opening.format(
        name=scene.persona.name, role=scene.persona.role, minutes=round(scene.minutes),
        round_title=in_sentence(ROUND_TITLES[scene.question.round.value]), prompt=" ".join(prompt.split()),
    )
    spec = scene.question.code or scene.question.service
    if spec is not None and spec.starter.strip():
        text += f"\n\n```python\n{spec.starter.strip()}\n```"
    return text


class _Chooser:
    """Picks, for each part of a turn, the phrase the round has used least: by how many earlier turns open
    with the same words (for the turn's first part), then by how often its fixed words were said."""

    def __init__(self, scene: Scene, turn: int, history: Sequence[str]) -> None:
        self._scene = scene
        self._turn = turn
        self._history = list(history)
        self._openings = Counter(opening_words(text) for text in history)
        self.parts: list[str] = []

    def pick(self, part: str, options: list[str], **values: str) -> str:
        digest = hashlib.sha256(f"{self._scene.session_id}:{self._turn}:{part}".encode()).digest()
        first = not self.parts

        def used(index: int) -> tuple[int, int, int]:
            text = options[index].format(**values)
            fixed = options[index].split("{")[0].strip()
            opening = self._openings[opening_words(text)] if first else 0
            said = sum(fixed in earlier for earlier in self._history) if len(fixed) > 2 else 0
            return opening, said, (index - digest[0]) % len(options)

        return options[min(range(len(options)), key=used)].format(**values)

    def add(self, part: str, options: list[str], **values: str) -> None:
        self.parts.append(self.pick(part, options, **values))

    def say(self, text: str | None) -> None:
        if text:
            self.parts.append(" ".join(text.split()))

    def text(self) -> str:
        return " ".join(part for part in self.parts if part)


def say(move: Move, scene: Scene, turn: int, history: Sequence[str] = ()) -> str:
    """The interviewer's words for `move` at transcript turn number `turn`, after the interviewer's earlier
    turns `history`."""
    if move.kind == "opening":
        return opening_text(scene)
    phrases = scene.phrases
    words = _Chooser(scene, turn, history)
    if move.kind == "end":
        _answers(words, move, phrases, invite=False)
        persona = scene.persona
        words.say(persona.closing if move.closing == "time" or not persona.closing_early else persona.closing_early)
        return words.text()
    if move.kind == "answer_questions":
        _answers(words, move, phrases, invite=True)
        return words.text()
    if move.confirm:
        words.add("confirm", phrases.confirm)
    if move.kind == "clarify":
        _clarify(words, move, scene)
        return words.text()
    if move.facts:
        words.add("facts_then_probe", phrases.facts_then_probe, facts=" ".join(move.facts))
    _unanswered(words, move, phrases)
    if move.tests and not move.tests["failures"]:
        words.add("tests", phrases.tests_passed, total=str(move.tests["total"]))
    else:
        words.say(move.note)
    entering = move.previous_phase not in (None, move.phase) and "follow" not in move.prefix
    for kind in move.prefix:
        if kind in ("transition", "time_up", "ahead"):
            _transition(words, move, scene, kind)
        elif kind == "follow":
            continue  # the candidate moved the round on themselves: no announcement
        elif kind == "acknowledge":
            if not (entering or move.quote or move.hook or move.facts or move.unanswered or move.not_mine
                    or move.note or move.confirm or move.tests):
                words.add(kind, phrases.acknowledge)
        else:
            words.add(kind, getattr(phrases, kind))
    if move.quote and not move.hook and not entering and move.kind == "probe":
        words.add("refer", phrases.refer, quote=move.quote)
    if move.kind == "probe" and move.source == "tests" and move.tests and move.tests.get("steps"):
        words.say(move.probe_text)  # a service's hidden tests: the planner says which build step is next
    elif move.kind == "probe" and move.source == "tests" and move.tests:
        failure = move.tests["failures"][0]
        detail = f": {failure['detail']}" if failure.get("detail") else ""
        words.add("tests", phrases.tests_failed, summary=move.tests["summary"], name=failure["name"],
                  kind=failure["kind"], status=failure["status"], detail=detail)
    elif move.kind == "probe":
        words.say(move.probe_text)
        words.say(_company_push(move, scene))
    elif move.kind == "elaborate":
        words.add("short", phrases.short)
    elif move.kind == "hint":
        _hint(words, move, phrases)
    elif move.kind == "closing_questions":
        words.add("closing_questions", phrases.closing_questions)
    return words.text()


def _transition(words: _Chooser, move: Move, scene: Scene, kind: str) -> None:
    """Leaving a phase: acknowledge what it produced (when its ground was covered) or that its time is up, then
    open the next phase in the persona's words (or, reaching the wrap-up early, say so)."""
    previous = scene.phases[move.previous_phase] if move.previous_phase is not None else None
    if previous is not None and move.covered and previous.done:
        words.add("covered", scene.phrases.covered, done=previous.done)
    elif kind == "time_up" and previous is not None:
        words.add("time_up", scene.phrases.time_up, previous=in_sentence(previous.name))
    elif kind != "ahead" and move.kind != "probe":
        words.add("transition", scene.phrases.transition)
    if kind == "ahead":
        words.add("ahead", scene.phrases.ahead)
    elif move.kind == "probe":
        words.say(scene.phases[move.phase].opener())


def _clarify(words: _Chooser, move: Move, scene: Scene) -> None:
    """Answer the candidate's questions from the question's facts; say plainly what is not defined."""
    phrases = scene.phrases
    if move.facts:
        words.add("facts", phrases.facts, facts=" ".join(move.facts))
    _unanswered(words, move, phrases)
    if not (move.facts or move.unanswered or move.not_mine or move.confirm):
        words.say(scene.persona.overlay(scene.level).clarify_none)
    else:
        words.add("go_on", phrases.go_on)


def _unanswered(words: _Chooser, move: Move, phrases: Phrases) -> None:
    if move.unanswered:
        words.add("unanswered", phrases.unanswered, questions=_quoted(move.unanswered))
    if move.not_mine:
        words.add("no_answer", phrases.no_answer, questions=_quoted(move.not_mine))


def _answers(words: _Chooser, move: Move, phrases: Phrases, *, invite: bool) -> None:
    """At the end: answer the candidate's questions about the team and the role."""
    if move.facts:
        words.add("answers", phrases.answers, facts=" ".join(move.facts))
    if move.unanswered or move.not_mine:
        words.add("no_answer", phrases.no_answer, questions=_quoted([*move.unanswered, *move.not_mine]))
    if invite:
        words.add("more_questions", phrases.more_questions)


def _hint(words: _Chooser, move: Move, phrases: Phrases) -> None:
    if move.hint_kind == "fact" and move.hint:
        words.add("hint", phrases.hint_fact, hint=move.hint)
    elif move.hint_kind == "pitfall" and move.hint:
        words.add("hint", phrases.hint_pitfall, hint=in_sentence(move.hint).rstrip("."))
    else:
        words.add("hint", phrases.hint_general)


def _quoted(questions: list[str], words: int = 12) -> str:
    """'"how long links live", "custom aliases" and "deleting links"': each question quoted, shortened."""
    quoted = []
    for question in questions:
        tokens = question.split()
        quoted.append('"' + " ".join(tokens[:words]) + ("…" if len(tokens) > words else "") + '"')
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _company_push(move: Move, scene: Scene) -> str | None:
    """The company's push, on the first probe of a phase that the company weighs more."""
    if scene.company is None or not move.push:
        return None
    return scene.persona.companies[scene.company].push
