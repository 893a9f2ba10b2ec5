"""Follow-ups that the candidate's own artefacts call for: a misconception just voiced (ML fundamentals), or a
component drawn in their diagram but never explained, or a data path missing from it (design rounds).

Pure functions over plain data, like the planner: they take the candidate turns and what has been asked, and return
a `Move` that replaces the planner's ordinary probe, or None. They never displace commands, clarifications, the
wrap-up or the end: only a probe chosen after a real answer.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field

from interviewer.diagram import Diagram, diagram_in, without_diagram
from interviewer.planner import Move
from interviewer.rag.corpus import read_yaml_file
from interviewer.types import Round, Strict

DIAGRAMS_FILE = Path(__file__).parent / "data" / "diagrams.yaml"
MISCONCEPTION_PREFIX = "misconception-"
DIAGRAM_PREFIX = "diagram-"
CHALLENGE_SIGNAL = "self-corrects"
"""A challenged misconception is the candidate's occasion to correct themselves."""


class DiagramRound(Strict):
    dimension: str
    signal: str


class DiagramQuestions(Strict):
    unexplained: str
    isolated: str
    no_consumer: str


class DiagramWords(Strict):
    entry: list[str]
    queue: list[str]
    generic: list[str]


class DiagramPolicy(Strict):
    max_probes: int = Field(ge=0)
    rounds: dict[Round, DiagramRound]
    questions: DiagramQuestions
    words: DiagramWords


@cache
def load_diagram_policy(path: Path = DIAGRAMS_FILE) -> DiagramPolicy:
    return DiagramPolicy.model_validate(read_yaml_file(path, "diagram settings"))


def diagram_rounds() -> list[str]:
    return [round_.value for round_ in load_diagram_policy().rounds]


# --- what a diagram leaves open -----------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def mentioned(component: str, spoken: str, policy: DiagramPolicy | None = None) -> bool:
    """Did the candidate's words name the component? At least half of its distinctive words appear (a plural or
    singular form counts), so "the cache" names "Redis cache"."""
    policy = policy or load_diagram_policy()
    words = _words(component)
    distinctive = [w for w in words if w not in policy.words.generic] or words
    said = set(_words(spoken))
    said |= {w[:-1] for w in said if w.endswith("s")} | {f"{w}s" for w in said}
    hits = sum(1 for word in distinctive if word in said)
    return hits >= math.ceil(len(distinctive) / 2)


def _is(component: str, kind: list[str]) -> bool:
    return any(word in kind for word in _words(component))


def diagram_gaps(diagram: Diagram, spoken: str, policy: DiagramPolicy | None = None) -> list[tuple[str, str]]:
    """(kind, component) pairs, most telling first: components never named in the candidate's words (entry points
    such as the client aside, the most connected first), then components with no connection, then queues that
    nothing reads from."""
    policy = policy or load_diagram_policy()
    unexplained = [c for c in diagram.components
                   if not _is(c, policy.words.entry) and not mentioned(c, spoken, policy)]
    unexplained.sort(key=lambda c: -diagram.degree(c))
    gaps = [("unexplained", c) for c in unexplained]
    if diagram.connections:
        gaps += [("isolated", c) for c in diagram.components if diagram.degree(c) == 0]
    gaps += [("no_consumer", c) for c in diagram.components if _is(c, policy.words.queue) and diagram.degree(c)
             and not any(edge.source == c or (not edge.directed and edge.target == c) for edge in diagram.connections)]
    return gaps


def latest_diagram(answers: list[str]) -> Diagram | None:
    for text in reversed(answers):
        diagram = diagram_in(text)
        if diagram is not None:
            return diagram
    return None


def spoken_words(answers: list[str]) -> str:
    """Everything the candidate said, diagram blocks left out."""
    return "\n".join(without_diagram(text) for text in answers)


def probe_id(kind: str, component: str) -> str:
    return DIAGRAM_PREFIX + kind + "-" + "-".join(_words(component))[:60]


# --- the moves ----------------------------------------------------------------------------------


def misconception_probe(heard: list[dict[str, str]], asked: set[str], phase: int) -> Move | None:
    """Challenge the first misconception of the last answer that has not been challenged yet, quoting it."""
    for item in heard:
        probe = MISCONCEPTION_PREFIX + item["id"]
        if probe not in asked:
            return Move("probe", phase, probe=probe, probe_text=item["challenge"], signal=CHALLENGE_SIGNAL,
                        quote=item["quote"])
    return None


def diagram_probe(round_: Round, answers: list[str], asked: set[str], last_probe: str | None, phase: int,
                  policy: DiagramPolicy | None = None) -> Move | None:
    """Ask about the most telling gap in the candidate's latest diagram, at most `max_probes` times a round and
    never right after another diagram question."""
    policy = policy or load_diagram_policy()
    setting = policy.rounds.get(round_)
    diagram = latest_diagram(answers)
    if setting is None or diagram is None or (last_probe or "").startswith(DIAGRAM_PREFIX):
        return None
    if sum(1 for probe in asked if probe.startswith(DIAGRAM_PREFIX)) >= policy.max_probes:
        return None
    for kind, component in diagram_gaps(diagram, spoken_words(answers), policy):
        probe = probe_id(kind, component)
        if probe not in asked:
            text = getattr(policy.questions, kind).format(component=component)
            return Move("probe", phase, probe=probe, probe_text=" ".join(text.split()), signal=setting.signal,
                        prefix=["acknowledge"])
    return None


def artefact_probe(move: Move, *, round_: Round, turns: list[dict[str, Any]], last: dict[str, Any],
                   asked: set[str], last_probe: str | None, phase: int) -> Move | None:
    """The follow-up the candidate's artefacts call for, in place of an ordinary probe after a real answer."""
    if move.kind != "probe" or last.get("kind") != "answer":
        return None
    challenge = misconception_probe(last.get("misconceptions") or [], asked, phase)
    if challenge is not None:
        return challenge
    answers = [turn["text"] for turn in turns if turn["role"] == "candidate"]
    return diagram_probe(round_, answers, asked, last_probe, phase)
