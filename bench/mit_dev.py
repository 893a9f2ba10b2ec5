"""Does the offline grader agree with human judges on real interviews nobody here wrote?

The MIT Interview Dataset (Naim et al. 2015): mock interviews of MIT undergraduates with career counsellors,
each rated by 9 judges on a 1-7 scale. This script reads the DEV persons only (1-49: P1-P49 and PP1-PP49, 72
interviews); persons 50 and above are held out for measurement and are never read. The repository has no licence
file, so nothing is copied: the data is read from a local git copy of
github:isunitha98selvan/Multimodal-Behavioral-Analytics (--repo or MIT_REPO).

Each interview is replayed as a behavioral round at the target level (L4 by default), and the mean dimension
grade (the figure ../shared/tools/mit_dev_eval.py reports) is compared with the judges' Overall and
RecommendHiring ratings by Spearman correlation, with a person-level bootstrap 95% interval, next to a word-count
baseline.

The answer-quality model (interviewer/data/answer_quality.yaml) has one fitted part: where each measure sits on
real interviews (median and interquartile range). Its weights are equal and signed by what an interviewer
rewards, not fitted. Cross-validation by person (the scales fitted on the other persons' interviews) shows how
the whole grader generalises; --fit writes the scales fitted on all dev persons into the model file.

    .venv/bin/python bench/mit_dev.py --repo DIR [--fit] [--folds 12] [--seeds 5] [--features]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import get_settings  # noqa: E402
from interviewer.feedback.answer_quality import (  # noqa: E402
    QUALITY_FILE,
    Cuts,
    QualityModel,
    Scale,
    answers_reading,
    composite,
    load_quality_model,
)
from interviewer.feedback.detector import SignalDetector  # noqa: E402
from interviewer.feedback.grading import GradingEvidence, gather_evidence, grade_transcript  # noqa: E402
from interviewer.feedback.speech import answer_features  # noqa: E402
from interviewer.rag.embeddings import default_embedder  # noqa: E402
from interviewer.transcripts import parse_plain  # noqa: E402
from interviewer.types import Level, Round, Transcript  # noqa: E402

RATINGS = ["Overall", "RecommendHiring", "Colleague", "Engaged", "Excited", "EyeContact", "Smiled", "SpeakingRate",
           "NoFillers", "Friendly", "Paused", "EngagingTone", "StructuredAnswers", "Calm", "NotStressed", "Focused",
           "Authentic", "NotAwkward"]
DEV_PERSONS = range(1, 50)
"""Persons 50 and above are held out: never read."""
VERDICTS = ["no hire", "lean no hire", "lean hire", "hire", "strong hire"]
TRANSCRIPTS = "Text/lexical_features/transcripts.csv"
LABELS = "Combined/y-output - Sheet1.csv"


@dataclass
class Interview:
    id: str
    person: int
    transcript: Transcript
    ratings: dict[str, float]

    @property
    def candidate_words(self) -> int:
        return sum(len(t.text.split()) for t in self.transcript.candidate_turns())


def _git_show(repo: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True, capture_output=True,
                          text=True).stdout


def _person(key: str) -> int:
    return int(key.upper().lstrip("P"))


def _plain(text: str) -> str:
    """`Interviewer: ...|Interviewee: ...` as one `Speaker: text` turn per line."""
    lines = []
    for part in text.split("|"):
        speaker, _, said = part.partition(":")
        said = " ".join(said.split())
        if said and speaker.strip():
            lines.append(f"{speaker.strip()}: {said}")
    return "\n\n".join(lines) + "\n"


def load_dev(repo: str) -> list[Interview]:
    texts: dict[str, str] = {}
    for row in csv.reader(io.StringIO(_git_show(repo, TRANSCRIPTS))):
        if len(row) >= 2 and _person(row[0].strip()) in DEV_PERSONS:
            texts[row[0].strip().upper()] = ",".join(row[1:])
    ratings: dict[str, dict[str, float]] = {}
    for row in csv.reader(io.StringIO(_git_show(repo, LABELS))):
        if row and row[0].strip() and _person(row[0].strip()) in DEV_PERSONS:
            ratings[row[0].strip().upper()] = dict(zip(RATINGS, map(float, row[1:19]), strict=True))
    return [Interview(key, _person(key), parse_plain(_plain(texts[key]), interviewer="Interviewer",
                                                     candidate="Interviewee", source=key), ratings[key])
            for key in sorted(texts) if key in ratings]


# --- the fitted part: where each measure sits on real interviews --------------------------------------------


def fit_scales(evidences: list[GradingEvidence]) -> tuple[dict[str, Scale], dict[str, Scale]]:
    def scale(values: list[float]) -> Scale:
        q1, mid, q3 = np.percentile(values, [25, 50, 75])
        return Scale(center=round(float(mid), 6), spread=round(float(q3 - q1) or 1.0, 6))

    interviews = [e.speech.features() for e in evidences if e.speech.answers]
    answers = [answer_features(a, e.speech.lexicon) for e in evidences for a in e.speech.answers]
    names = interviews[0].keys()
    return ({n: scale([f[n] for f in interviews]) for n in names},
            {n: scale([f[n] for f in answers]) for n in answers[0]})


TIERS = (33.3, 66.7)
"""Weak is the bottom third of the dev persons' readings, strong the top third."""


def fit_cuts(model: QualityModel, evidences: list[GradingEvidence]) -> dict[str, Cuts]:
    def cuts(values: list[float]) -> Cuts:
        low, high = np.percentile(values, TIERS)
        return Cuts(weak_below=round(float(low), 6), strong_above=round(float(high), 6))

    speeches = [e.speech for e in evidences if e.speech.answers]
    interview = {kind: [composite(s.features(), getattr(model, kind), model.interview_scales, model.clip)
                        for s in speeches] for kind in ("substance", "delivery")}
    answers = [reading.value for e in evidences for exchanges in e.asked.values()
               if (reading := answers_reading(e.speech, exchanges, model)) is not None]
    return {"interview_substance": cuts(interview["substance"]), "interview_delivery": cuts(interview["delivery"]),
            "answer": cuts(answers)}


def with_scales(model: QualityModel, evidences: list[GradingEvidence]) -> QualityModel:
    interview, answer = fit_scales(evidences)
    scaled = model.model_copy(update={"interview_scales": interview, "answer_scales": answer})
    return scaled.model_copy(update={"cuts": fit_cuts(scaled, evidences)})


def write_model(model: QualityModel, path: Path = QUALITY_FILE) -> None:
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    data = model.model_dump(mode="json")
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, width=110), encoding="utf-8")


# --- replay and statistics ----------------------------------------------------------------------------------


@dataclass
class Graded:
    mean_dim: float
    level: int
    verdict: str


def grade(interview: Interview, evidence: GradingEvidence, model: QualityModel, target: Level,
          context: tuple) -> Graded:  # type: ignore[type-arg]
    rubric, detector = context
    feedback = grade_transcript(interview.transcript, rubric, detector, target=target, evidence=evidence,
                                quality=model)
    scores = [g.score for g in feedback.dimensions if g.score is not None]
    return Graded(float(np.mean(scores)) if scores else 0.0, feedback.level_estimate.rank, feedback.verdict)


def spearman(a: list[float], b: list[float]) -> float:
    value = spearmanr(a, b)[0]
    return float(value) if value == value else 0.0


def person_bootstrap(values: list[float], interviews: list[Interview], rating: str, rounds: int = 2000,
                     seed: int = 0) -> tuple[float, float]:
    """95% interval of Spearman, resampling persons (a person's two interviews stay together)."""
    rng = np.random.default_rng(seed)
    persons = sorted({i.person for i in interviews})
    rows: dict[int, list[int]] = {}
    for index, interview in enumerate(interviews):
        rows.setdefault(interview.person, []).append(index)
    ys = [i.ratings[rating] for i in interviews]
    found = []
    for _ in range(rounds):
        picked = [r for p in rng.choice(persons, size=len(persons)) for r in rows[p]]
        found.append(spearman([values[r] for r in picked], [ys[r] for r in picked]))
    low, high = np.percentile(found, [2.5, 97.5])
    return float(low), float(high)


def describe(name: str, values: list[float], interviews: list[Interview]) -> str:
    parts = []
    for rating in ("Overall", "RecommendHiring"):
        rho = spearman(values, [i.ratings[rating] for i in interviews])
        low, high = person_bootstrap(values, interviews, rating)
        parts.append(f"{rating} {rho:+.3f} [{low:+.3f}, {high:+.3f}]")
    return f"{name:<34} " + "  ".join(parts)


def cross_validate(interviews: list[Interview], evidences: list[GradingEvidence], base: QualityModel,
                   target: Level, context: tuple, folds: int, seeds: int) -> tuple[list[float], list[float]]:  # type: ignore[type-arg]
    """Per seed: persons split into folds; each fold graded with scales fitted on the others. Returns the
    per-seed Spearman against Overall and the first seed's out-of-fold mean grades."""
    persons = np.array(sorted({i.person for i in interviews}))
    rhos: list[float] = []
    first: list[float] = []
    for seed in range(seeds):
        order = np.random.default_rng(seed).permutation(persons)
        predicted = [0.0] * len(interviews)
        for fold in range(folds):
            held = set(order[fold::folds].tolist())
            train = [e for e, i in zip(evidences, interviews, strict=True) if i.person not in held]
            model = with_scales(base, train)
            for index, (interview, evidence) in enumerate(zip(interviews, evidences, strict=True)):
                if interview.person in held:
                    predicted[index] = grade(interview, evidence, model, target, context).mean_dim
        rhos.append(spearman(predicted, [i.ratings["Overall"] for i in interviews]))
        if seed == 0:
            first = predicted
    return rhos, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=os.environ.get("MIT_REPO"), help="git dir of a local copy of the repository")
    parser.add_argument("--level", default="L4")
    parser.add_argument("--folds", type=int, default=12)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--fit", action="store_true", help="write the scales fitted on all dev persons")
    parser.add_argument("--features", action="store_true", help="also print each measure's own correlation")
    args = parser.parse_args()
    if not args.repo:
        parser.error("give --repo DIR (or MIT_REPO): a local git copy of the MIT Interview Dataset repository")
    interviews = load_dev(args.repo)
    catalog = load_catalog(get_settings().corpus)
    rubric = catalog.rubric(Round.BEHAVIORAL)
    detector = SignalDetector(rubric, default_embedder())
    context = (rubric, detector)
    evidences = [gather_evidence(i.transcript, rubric, detector) for i in interviews]
    target = Level(args.level)
    base = load_quality_model()
    print(f"MIT Interview Dataset, dev persons 1-49: {len(interviews)} interviews of "
          f"{len({i.person for i in interviews})} persons; replayed as behavioral rounds at {target.value}\n")
    if args.features:
        for name in evidences[0].speech.features():
            values = [e.speech.features()[name] for e in evidences]
            print(describe(f"measure {name}", values, interviews))
        print()
    rhos, out_of_fold = cross_validate(interviews, evidences, base, target, context, args.folds, args.seeds)
    print(f"cross-validated ({args.folds} folds by person, {args.seeds} seeds): Spearman with Overall "
          f"{np.mean(rhos):+.3f} (sd {np.std(rhos):.3f} over seeds)")
    print(describe("  out-of-fold mean grade (seed 0)", out_of_fold, interviews))
    fitted = with_scales(base, evidences)
    graded = [grade(i, e, fitted, target, context) for i, e in zip(interviews, evidences, strict=True)]
    print(describe("all dev: mean dimension grade", [g.mean_dim for g in graded], interviews))
    print(describe("all dev: level estimate", [float(g.level) for g in graded], interviews))
    print(describe("all dev: verdict", [float(VERDICTS.index(g.verdict)) for g in graded], interviews))
    print(describe("baseline: candidate word count", [float(i.candidate_words) for i in interviews], interviews))
    print(f"\nverdicts at {target.value}: {dict(Counter(g.verdict for g in graded).most_common())}")
    print(f"level estimates: {dict(Counter(f'L{g.level}' for g in graded).most_common())}")
    grades = Counter(round(g.mean_dim, 1) for g in graded)
    print(f"mean grades: {dict(sorted(grades.items()))}")
    if args.fit:
        write_model(fitted)
        print(f"\nwrote the scales fitted on all {len(interviews)} dev interviews to {QUALITY_FILE}")


if __name__ == "__main__":
    main()
