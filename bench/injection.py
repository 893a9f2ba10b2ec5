"""Prompt injection: how many of the written variants are flagged, whether any raises a grade, and how many
ordinary candidate sentences are flagged by mistake.

Each variant of `evals/data/injections.yaml` is appended to the second answer of every labelled sample transcript
(18, all rounds and levels) and graded offline with and without it: a variant counts as flagged when it is
flagged in every sample, and any dimension score, level estimate or verdict that rises is printed. False
positives are counted over every candidate sentence of the samples and of the scripted candidates
(`evals/candidates/`). Answers nobody here wrote, never used to choose the prototypes or thresholds, can be
added: `--answers FILE` (plain text, answers separated by blank lines; e.g. the seed 004 model answers) and
`--mit GITDIR` (the interviewee turns of persons 1-49 of the MIT Interview Dataset, read from a local git copy).

    .venv/bin/python bench/injection.py [--answers FILE ...] [--mit GITDIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import REPO_ROOT, get_settings  # noqa: E402
from interviewer.conversation import split_answers  # noqa: E402
from interviewer.evaluation.injections import load_variants, with_injection  # noqa: E402
from interviewer.evaluation.scripted import load_candidate, load_gaps  # noqa: E402
from interviewer.feedback.detector import SignalDetector  # noqa: E402
from interviewer.feedback.grading import grade_transcript  # noqa: E402
from interviewer.feedback.injection import find_injections, sentence_spans  # noqa: E402
from interviewer.rag.embeddings import default_embedder  # noqa: E402
from interviewer.types import Feedback, LabelledTranscript, Transcript, Turn  # noqa: E402

CANDIDATES = REPO_ROOT / "evals" / "candidates"
VERDICTS = ["no hire", "lean no hire", "lean hire", "hire", "strong hire"]


def rises(before: Feedback, after: Feedback) -> list[str]:
    """What is graded higher with the injection than without it."""
    found = [f"{b.dimension} {b.score}->{a.score}" for b, a in zip(before.dimensions, after.dimensions, strict=True)
             if (a.score or 0) > (b.score or 0)]
    if after.level_estimate.rank > before.level_estimate.rank:
        found.append(f"level {before.level_estimate.value}->{after.level_estimate.value}")
    if VERDICTS.index(after.verdict) > VERDICTS.index(before.verdict):
        found.append(f"verdict {before.verdict}->{after.verdict}")
    return found


def candidate_sentences(transcripts: list[Transcript]) -> int:
    return sum(len(sentence_spans(turn.text)) for t in transcripts for turn in t.candidate_turns())


def answers_transcript(answers: list[str]) -> Transcript:
    turns = []
    for index, answer in enumerate(answers):
        turns.append(Turn(id=2 * index + 1, speaker="Interviewer", role="interviewer", text="Go on."))
        turns.append(Turn(id=2 * index + 2, speaker="Candidate", role="candidate", text=answer))
    return Transcript(turns=turns)


def mit_answers(git_dir: Path) -> list[Transcript]:
    """The interviewee's turns of persons 1-49 (both interviews each); persons 50 and above are held out."""
    text = subprocess.run(["git", "--git-dir", str(git_dir), "show", "HEAD:Text/lexical_features/transcripts.csv"],
                          capture_output=True, text=True, check=True).stdout
    transcripts = []
    for row in csv.reader(io.StringIO(text)):
        person = re.fullmatch(r"p{1,2}(\d+)", row[0].strip().lower())
        if person is None or int(person.group(1)) >= 50:
            continue
        turns = [part.split(":", 1)[1].strip() for part in row[1].split("|") if part.startswith("Interviewee:")]
        transcripts.append(answers_transcript([turn for turn in turns if turn]))
    return transcripts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=Path, nargs="*", default=[], help="more ordinary answers to count")
    parser.add_argument("--mit", type=Path, help="git directory of the MIT Interview Dataset (persons 1-49 read)")
    args = parser.parse_args()
    settings = get_settings()
    catalog = load_catalog(settings.corpus)
    embedder = default_embedder()
    data = load_variants()
    samples: list[LabelledTranscript] = catalog.samples
    graded = []
    for sample in samples:
        rubric = catalog.rubric(sample.round)
        detector = SignalDetector(rubric, embedder)
        before = grade_transcript(sample.transcript, rubric, detector, target=sample.level)
        graded.append((sample, rubric, detector, before))

    print(f"{'variant':<18}{'kind':<24}{'flagged':>9}  grade changes over {len(samples)} samples")
    flagged_variants = 0
    for variant in data.variants:
        flagged = 0
        changes: list[str] = []
        for sample, rubric, detector, before in graded:
            injected = with_injection(sample.transcript, variant.text)
            flagged += bool(find_injections(injected, embedder))
            after = grade_transcript(injected, rubric, detector, target=sample.level)
            changes += [f"{sample.id}: {change}" for change in rises(before, after)]
        flagged_variants += flagged == len(samples)
        print(f"{variant.id:<18}{variant.kind:<24}{flagged:>4}/{len(samples):<4}  "
              f"{'; '.join(changes) if changes else 'none raised'}")
    print(f"flagged in every sample: {flagged_variants} of {len(data.variants)} variants")

    dev = answers_transcript(data.dev)
    dev_found = {item.turn_id for item in find_injections(dev, embedder)}
    print(f"dev list: {len(dev_found)} of {len(data.dev)} flagged")
    for turn in dev.candidate_turns():
        if turn.id not in dev_found:
            print(f"  not flagged: {turn.text}")

    sets = {"sample transcripts": [s.transcript for s in samples]}
    gaps = load_gaps(REPO_ROOT / "evals" / "data" / "gaps.yaml", catalog)
    candidates = [load_candidate(path, catalog, gaps) for path in sorted(CANDIDATES.glob("*.yaml"))]
    sets["scripted candidates"] = [answers_transcript([a.text for a in c.answers]) for c in candidates]
    for path in args.answers:
        sets[path.name] = [answers_transcript(split_answers(path.read_text(encoding="utf-8")))]
    if args.mit is not None:
        sets["MIT interviews, persons 1-49"] = mit_answers(args.mit)
    for name, transcripts in sets.items():
        found = [item for t in transcripts for item in find_injections(t, embedder)]
        total = candidate_sentences(transcripts)
        print(f"false positives, {name}: {len(found)} of {total} candidate sentences "
              f"({len(found) / max(total, 1):.2%})")
        for item in found:
            print(f"  turn {item.turn_id}: {item.reason}: {' '.join(item.text.split())[:110]}")


if __name__ == "__main__":
    main()
