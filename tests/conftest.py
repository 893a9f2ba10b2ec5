"""Shared fixtures: an isolated tool home, the real corpus, and one embedder per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.catalog import Catalog, load_catalog
from interviewer.config import REPO_ROOT
from interviewer.rag.embeddings import Embedder

CORPUS = REPO_ROOT / "rag_corpus"


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exported ONNX model, made once per test session and shared by every tool home."""
    return tmp_path_factory.mktemp("models")


def make_home(root: Path, models: Path, index: Path | None = None) -> Path:
    """A fresh tool home whose model folder points at the session's exported model (and, if given, whose
    index is the session's prebuilt one, as after the install command)."""
    (root / "cache").mkdir(parents=True, exist_ok=True)
    link = root / "cache" / "models"
    if not link.exists():
        link.symlink_to(models, target_is_directory=True)
    if index is not None and not (root / "index").exists():
        (root / "index").symlink_to(index, target_is_directory=True)
    return root


@pytest.fixture(scope="session")
def index_vectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedding cache the session's index was built with (every chunk's vector): a home given a copy embeds
    nothing of the corpus."""
    return tmp_path_factory.mktemp("index-cache") / "vectors.sqlite"


@pytest.fixture(scope="session")
def prebuilt_index(tmp_path_factory: pytest.TempPathFactory, models: Path, index_vectors: Path) -> Path:
    """The corpus index, built once per test session."""
    from interviewer.rag.index import CorpusIndex

    folder = tmp_path_factory.mktemp("index")
    CorpusIndex(folder, CORPUS, Embedder(index_vectors, models)).build()
    return folder


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, models: Path) -> Path:
    """No test writes to the user's real data folder."""
    home = make_home(tmp_path_factory.mktemp("home"), models)
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory: pytest.TempPathFactory, models: Path) -> Path:
    """A home shared by the tests of a session, so the embedding cache and index are built once."""
    return make_home(tmp_path_factory.mktemp("shared-home"), models)


@pytest.fixture(scope="session")
def embedder(shared_home: Path) -> Embedder:
    return Embedder(shared_home / "cache" / "embeddings.sqlite", shared_home / "cache" / "models")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CORPUS)


def cli_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["INTERVIEWER_HOME"] = str(home)
    return env


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL cluster on a free loopback port for the test session (Debian's `postgresql`)."""
    from interviewer import engines

    try:
        engines.postgres_bin()
    except engines.EngineMissing as missing:
        pytest.skip(str(missing))
    with engines.postgres() as url:
        yield url


@pytest.fixture(scope="session")
def chroma_url() -> Iterator[str]:
    """A real `chroma run` server on a free loopback port for the test session."""
    from interviewer import engines

    try:
        engines.chroma_program()
    except engines.EngineMissing as missing:
        pytest.skip(str(missing))
    with engines.chroma_server() as url:
        yield url
