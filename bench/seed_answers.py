"""Replay the model answers of seed 004 (an AI-developer question bank written by someone outside the team) as a
candidate's turns, and print how the offline grader credits them.

The answers were not written for us, so they are a fair check that the grader credits what an answer contains:
each system design answer is one round (the question, then the answer as the candidate's turn), the behavioral
STAR answers are one behavioral round, and the other sections are replayed in the round that covers them when
this installation has it. Nothing of the seed is copied into the repository; the script reads it from a path.

    .venv/bin/python bench/seed_answers.py [../shared/seeds/004_*.txt] [--level L5]
"""

from __future__ import annotations

import argparse
import glob
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import get_settings  # noqa: E402
from interviewer.feedback.detector import SignalDetector  # noqa: E402
from interviewer.feedback.grading import grade_transcript  # noqa: E402
from interviewer.rag.embeddings import Embedder, default_embedder  # noqa: E402
from interviewer.types import Feedback, Level, Question, Round, Transcript, Turn  # noqa: E402

SECTIONS = {
    "Core Concepts": "ml-fundamentals",
    "Data Structures and Algorithms": "coding",
    "System Design": "system-design",
    "Coding and Debugging": "debugging",
    "Behavioral Questions": "behavioral",
}
"""Seed section -> the round that covers it (a round this installation lacks is skipped)."""
ONE_ROUND = {"behavioral"}
"""Sections whose questions make one interview together (a behavioral round asks several questions)."""
_QUESTION = re.compile(r"^(\d+)\.\s+(.{40,})$")
DEFAULT_SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


@dataclass
class Item:
    section: str
    question: str
    answer: str


def parse(text: str) -> list[Item]:
    """Numbered questions per section, each with the text up to the next one. Numbered lists inside an answer
    restart at 1, so only the next number in sequence opens a question."""
    items: list[Item] = []
    section = None
    expected = 1
    body: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in SECTIONS:
            section, expected = stripped, 1
            continue
        match = _QUESTION.match(stripped)
        if section and match and int(match.group(1)) == expected:
            if items and body:
                items[-1].answer = "\n".join(body).strip()
            items.append(Item(section, match.group(2), ""))
            body, expected = [], expected + 1
            continue
        if items:
            body.append(line)
    if items and body:
        items[-1].answer = "\n".join(body).strip()
    return [item for item in items if item.answer]


def _plain(answer: str) -> str:
    """Markdown emphasis and LaTeX markers dropped; code blocks and lists kept (a candidate pastes them)."""
    return re.sub(r"\*\*|\$", "", answer).replace("\\text{", "").strip()


def transcript(items: list[Item]) -> Transcript:
    turns: list[Turn] = []
    for item in items:
        turns.append(Turn(id=len(turns) + 1, speaker="Interviewer", role="interviewer", text=item.question))
        turns.append(Turn(id=len(turns) + 1, speaker="Candidate", role="candidate", text=_plain(item.answer)))
    return Transcript(turns=turns)


SAME_QUESTION = 0.6
"""Cosine from which a seed question is taken for one of our bank's questions (its key points, hidden tests and
not-applicable signals then count)."""


def our_question(item: Item, questions: list[Question], embedder: Embedder) -> Question | None:
    if not questions:
        return None
    vectors = embedder.embed([item.question, *(f"{q.title}. {q.prompt}" for q in questions)])
    scores = vectors[1:] @ vectors[0]
    best = int(np.argmax(scores))
    return questions[best] if float(scores[best]) >= SAME_QUESTION else None


def describe(name: str, feedback: Feedback) -> str:
    graded = [g for g in feedback.dimensions if g.score is not None]
    grades = " ".join(f"{g.dimension}={g.score}" for g in graded)
    credited = sum(len(g.signals_shown) for g in feedback.dimensions)
    return (f"{name[:70]:<70} {feedback.level_estimate.value} {feedback.verdict:<12} signals {credited:>2}  "
            f"claims {feedback.verification.claims_verified}/{feedback.verification.claims_total}  {grades}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seed", nargs="?", help="seed 004's text file (default: ../shared/seeds/004_*.txt)")
    parser.add_argument("--level", default="L5")
    args = parser.parse_args()
    path = Path(args.seed) if args.seed else Path(next(iter(sorted(glob.glob(str(DEFAULT_SEED / "004_*.txt")))), ""))
    if not path.is_file():
        parser.error("give the path of seed 004 (../shared/seeds/004_*.txt)")
    items = parse(path.read_text(encoding="utf-8"))
    catalog = load_catalog(get_settings().corpus)
    embedder = default_embedder()
    target = Level(args.level)
    known = {r.value for r in catalog.rubrics}
    print(f"seed 004: {len(items)} model answers in {len({i.section for i in items})} sections; target {target.value}")
    for section, round_name in SECTIONS.items():
        chosen = [i for i in items if i.section == section]
        if round_name not in known:
            print(f"\n{section}: {len(chosen)} answers; no {round_name} round here, skipped")
            continue
        rubric = catalog.rubric(Round(round_name))
        detector = SignalDetector(rubric, embedder)
        groups = [chosen] if round_name in ONE_ROUND else [[i] for i in chosen]
        print(f"\n{section} -> {round_name}")
        levels: Counter[str] = Counter()
        bank = catalog.questions_for(Round(round_name))
        for group in groups:
            question = our_question(group[0], bank, embedder) if len(group) == 1 else None
            feedback = grade_transcript(transcript(group), rubric, detector, target=target, question=question)
            levels[feedback.level_estimate.value] += 1
            name = group[0].question if len(group) == 1 else f"{len(group)} questions in one round"
            print(describe(name, feedback) + (f"  [as {question.id}]" if question else ""))
        print(f"level estimates: {dict(levels)}")


if __name__ == "__main__":
    main()
