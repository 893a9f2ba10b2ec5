"""Every corpus file is loaded and validated; the corpus holds what the rounds need."""

from pathlib import Path

import pytest

from interviewer.catalog import Catalog, load_catalog
from interviewer.errors import UserError
from interviewer.rag.chunks import chunks_for
from interviewer.types import Level, Round

from .conftest import CORPUS

SHARED = ["clarify-first", "plan-first", "think-aloud", "takes-hints", "self-corrects", "business-close"]
FULL_ROUNDS = [Round.SYSTEM_DESIGN, Round.ML_SYSTEM_DESIGN]


def test_every_round_has_a_rubric_with_both_bars(catalog: Catalog) -> None:
    assert set(catalog.rubrics) == set(Round)
    for rubric in catalog.rubrics.values():
        assert len(rubric.dimensions) >= 6, rubric.round
        bars = {signal.bar for signal in rubric.signals.values()}
        assert bars == {"execution", "strategy"}, rubric.round
        for dimension in rubric.dimensions:
            assert dimension.execution_bar and dimension.strategy_bar and dimension.below_bar


def test_thought_process_signals_belong_to_every_communication_dimension(catalog: Catalog) -> None:
    for rubric in catalog.rubrics.values():
        communication = next(d for d in rubric.dimensions if d.id == "communication")
        assert communication.signals[: len(SHARED)] == SHARED, rubric.round


def test_absence_texts_only_say_what_was_never_shown(catalog: Catalog) -> None:
    """A signal's `missing` completes "The candidate ..." in an absence claim, which the checker holds against every
    candidate turn: it may say what never happened, never accuse ("attributed problems to others")."""
    openers = ("never ", "did not ", "gave no ", "had no ", "named no ", "made no ", "showed no ", "asked no ",
               "stated no ", "offered no ", "wrote no ", "set no ", "put no ")
    texts = {s.id: s.missing for rubric in catalog.rubrics.values() for s in rubric.signals.values()}
    assert [sid for sid, text in texts.items() if not text.startswith(openers)] == []


def test_system_design_has_the_named_dimensions(catalog: Catalog) -> None:
    ids = [d.id for d in catalog.rubric(Round.SYSTEM_DESIGN).dimensions]
    assert ids == ["problem-framing", "estimation", "high-level-design", "deep-dive", "scale-bottlenecks",
                   "trade-offs", "reliability", "product-sense", "communication"]


@pytest.mark.parametrize("round_", FULL_ROUNDS)
def test_full_rounds_have_question_banks_with_probes(catalog: Catalog, round_: Round) -> None:
    questions = catalog.questions_for(round_)
    assert len(questions) >= 8
    for question in questions:
        assert len(question.probes) >= 4
        assert len({p.signal for p in question.probes}) >= 4, question.id
        assert question.facts, question.id


@pytest.mark.parametrize("round_", FULL_ROUNDS)
def test_full_rounds_have_labelled_samples_at_each_bar(catalog: Catalog, round_: Round) -> None:
    samples = catalog.samples_for(round_)
    assert {s.level for s in samples} >= {Level.L4, Level.L5, Level.L6}
    for sample in samples:
        words = sum(len(turn.text.split()) for turn in sample.transcript.turns)
        assert words >= 2500, (sample.id, words)
        assert sample.signals_shown and sample.signals_missed


def test_every_file_becomes_chunks_with_filterable_metadata(catalog: Catalog) -> None:
    kinds = set()
    for file in catalog.files:
        chunks = chunks_for(file)
        assert chunks, file.relative
        for chunk in chunks:
            assert chunk.text.strip()
            assert chunk.metadata["kind"] and chunk.metadata["round"] and chunk.metadata["source"]
            kinds.add(chunk.metadata["kind"])
    assert kinds == {"rubric", "signal", "question", "probe", "transcript", "company"}


def _broken_copy(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    root = tmp_path / "corpus"
    for path in CORPUS.rglob("*.md"):
        target = root / path.relative_to(CORPUS)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        if path.relative_to(CORPUS).as_posix() == relative:
            assert old in text
            text = text.replace(old, new, 1)
        target.write_text(text)
    return root


@pytest.mark.parametrize(
    ("relative", "old", "new", "message"),
    [
        ("questions/system-design/sd-url-shortener.md", "signal: sd-", "signal: sd-nonexistent-",
         "names unknown signal"),
        ("questions/system-design/sd-url-shortener.md", "phase: ", "phase: lunch-", "names unknown phase"),
        ("questions/system-design/sd-url-shortener.md", "title:", "colour: red\ntitle:", "Extra inputs"),
        ("transcripts/system-design/sd-l5-rate-limiter.md", "level: L5", "level: L9", "level"),
        ("rubrics/system-design.md", "bar: strategy", "bar: heroic", "bar"),
        ("companies/faang.md", "estimation:", "estimations:", "unknown system-design dimensions"),
        ("questions/ml-fundamentals/mlf-batch-norm.md", "      contrast: running-stats-at-inference",
         "      contrast: nowhere", "names unknown key point nowhere"),
        ("questions/ml-fundamentals/mlf-batch-norm.md", "concepts:\n", "concepts_gone:\n", "Extra inputs"),
    ],
)
def test_a_typo_in_the_corpus_fails_loudly(tmp_path: Path, relative: str, old: str, new: str,
                                           message: str) -> None:
    root = _broken_copy(tmp_path, relative, old, new)
    with pytest.raises(UserError, match=message) as error:
        load_catalog(root)
    assert relative in str(error.value) or "signal" in str(error.value)


@pytest.mark.parametrize("round_", list(Round))
def test_every_round_has_a_persona_and_phases(catalog: Catalog, round_: Round) -> None:
    from interviewer.catalog import load_persona

    persona = load_persona(round_)
    assert set(persona.levels) == {"execution", "strategy"}
    assert persona.levels["execution"].prompt == "scoped" and persona.levels["strategy"].prompt == "ambiguous"
    assert set(persona.companies) == {"faang", "ai-first", "product", "startup"}
    assert "{prompt}" in persona.opening
    phases = catalog.phases[round_]
    assert sum(p.minutes for p in phases) == 45 and phases[-1].id == "wrap-up"
    used = {p.phase for q in catalog.questions_for(round_) for p in q.probes}
    assert used <= {p.id for p in phases}


def test_phrases_fill_their_placeholders() -> None:
    from interviewer.catalog import load_phrases

    phrases = load_phrases()
    values = dict(phase="p", previous="q", goal="g", quote="x", probe="y", fact="f", topic="t", hint="h", minutes=1)
    for kind, options in phrases.model_dump().items():
        assert options, kind
        for option in options:
            option.format(**values)


def test_ml_fundamentals_questions_carry_key_points_misconceptions_and_probes(catalog: Catalog) -> None:
    questions = catalog.questions_for(Round.ML_FUNDAMENTALS)
    assert len(questions) >= 12
    for question in questions:
        assert question.concepts is not None, question.id
        assert len(question.concepts.key_points) >= 5 and len(question.concepts.misconceptions) >= 3, question.id
        assert len(question.probes) >= 8 and len({p.signal for p in question.probes}) >= 6, question.id
        assert question.facts, question.id
        for item in question.concepts.misconceptions:
            assert "?" in item.challenge, (question.id, item.id)  # a question the candidate must answer
    samples = catalog.samples_for(Round.ML_FUNDAMENTALS)
    assert {s.level for s in samples} >= {Level.L4, Level.L5, Level.L6}
    for sample in samples:
        words = sum(len(turn.text.split()) for turn in sample.transcript.turns)
        assert words >= 900, (sample.id, words)


@pytest.mark.parametrize("round_", list(Round))
def test_every_round_has_a_bank_of_at_least_twelve_questions(catalog: Catalog, round_: Round) -> None:
    questions = catalog.questions_for(round_)
    assert len(questions) >= 12, (round_, len(questions))
    for question in questions:
        assert len(question.probes) >= 7 and len({p.signal for p in question.probes}) >= 6, question.id
        assert len(question.facts) >= 5, question.id
        assert question.prompt.strip() and question.ambiguous_prompt.strip()
