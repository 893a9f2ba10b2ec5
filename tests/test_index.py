"""The Chroma index: built from the corpus, incremental by content hash, filtered retrieval."""

import shutil
from pathlib import Path

import pytest

from interviewer.rag.embeddings import Embedder
from interviewer.rag.index import CorpusIndex

from .conftest import CORPUS

CACHING_ANSWER = (
    "Most redirects hit the same few thousand links, so I'd keep those in memory in front of the database, "
    "with a time to live so stale entries expire, and I'd expect most reads never to reach the database."
)


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS, root, dirs_exist_ok=True)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, corpus_copy: Path, embedder: Embedder) -> CorpusIndex:
    index = CorpusIndex(tmp_path_factory.mktemp("index"), corpus_copy, embedder)
    report = index.build()
    assert report.added == index.count() > 100 and not report.updated and not report.removed
    return index


def test_a_rebuild_without_changes_does_nothing(built: CorpusIndex) -> None:
    assert built.is_current()
    report = built.build()
    assert not report.changed and report.unchanged == built.count()


def test_only_changed_chunks_are_reembedded(built: CorpusIndex, corpus_copy: Path) -> None:
    path = corpus_copy / "questions" / "system-design" / "sd-url-shortener.md"
    original = path.read_text()
    path.write_text(original.replace("## Common pitfalls", "## Common pitfalls\n\n- Forgetting custom aliases.", 1))
    try:
        assert not built.is_current()
        report = built.build()
        assert (report.added, report.updated, report.removed) == (0, 1, 0)
    finally:
        path.write_text(original)
        built.build()


def test_retrieval_for_a_caching_answer_returns_caching_probes(built: CorpusIndex) -> None:
    snippets = built.retrieve(CACHING_ANSWER, round="system-design", kind="probe", k=5)
    assert snippets[0].metadata["signal"] == "sd-caching"
    assert sum(s.metadata["signal"] == "sd-caching" for s in snippets) >= 3
    assert all(s.source.startswith("questions/system-design/") and s.heading for s in snippets)
    assert snippets == sorted(snippets, key=lambda s: -s.score)


def test_filters_narrow_by_round_level_kind_and_signal(built: CorpusIndex) -> None:
    samples = built.retrieve("we shard by user id", round="ml-system-design", kind="transcript", level="L6")
    assert samples and all(s.metadata["level"] == "L6" and s.metadata["round"] == "ml-system-design"
                           for s in samples)
    shared = built.retrieve("let me ask a few questions first", round="statistics", kind="signal",
                            signal="clarify-first", k=3)
    assert [s.metadata["signal"] for s in shared] == ["clarify-first"]
    assert shared[0].metadata["round"] == "all"
    rubric = built.retrieve("napkin math for storage", round="system-design", kind="rubric", k=3)
    assert all(s.kind == "rubric" for s in rubric)
