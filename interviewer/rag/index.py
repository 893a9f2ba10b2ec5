"""The Chroma index of the corpus: incremental builds by content hash, and filtered retrieval."""

from __future__ import annotations

import fcntl
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.errors import UserError
from interviewer.rag.chroma_place import COLLECTION, MANIFEST, chroma_place
from interviewer.rag.chunks import chunks_for
from interviewer.rag.corpus import Chunk, corpus_files
from interviewer.rag.embeddings import Embedder
from interviewer.rag.onnx_model import MODEL_ID

BATCH = 64

Progress = Callable[[int, int], None]


class BuildCancelled(Exception):
    """The build was asked to stop; what was embedded so far is kept and the next build goes on from there."""


@dataclass(frozen=True)
class BuildReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    seconds: float
    repaired: str | None = None
    """Why the index was found damaged and rebuilt from scratch (None when it was sound)."""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.repaired)


@dataclass(frozen=True)
class Snippet:
    text: str
    source: str
    heading: str
    kind: str
    score: float
    """Cosine similarity to the query, 1.0 is identical."""
    metadata: dict[str, Any]


def corpus_chunks(corpus: Path) -> list[Chunk]:
    return [chunk for file in corpus_files(corpus) for chunk in chunks_for(file)]


def _vector_hash(chunk: Chunk) -> str:
    """What a stored vector was made from: the chunk's content and the embedding model."""
    return hashlib.sha256(f"{MODEL_ID}\x1f{chunk.content_hash}".encode()).hexdigest()


def _manifest_hash(chunks: list[Chunk]) -> str:
    digest = hashlib.sha256()
    for chunk in sorted(chunks, key=lambda c: c.id):
        digest.update(f"{chunk.id}\x1f{_vector_hash(chunk)}\n".encode())
    return digest.hexdigest()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class CorpusIndex:
    """A Chroma collection kept in step with the corpus: persistent under `folder`, or on the Chroma server at
    `url` (then `folder` holds only the lock that keeps two local builds apart)."""

    def __init__(self, folder: Path, corpus: Path, embedder: Embedder, url: str | None = None) -> None:
        self.folder = folder
        self.corpus = corpus
        self.embedder = embedder
        self.place = chroma_place(folder, url)
        self._client: Any = None
        self._collection: Any = None

    def _open(self) -> Any:
        if self._collection is None:
            self._client = self.place.client()
            self._collection = self._client.get_or_create_collection(
                COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
        return self._collection

    def close(self) -> None:
        """Release the store (a damaged one is also forgotten, so the path can be opened afresh)."""
        self.place.release(self._client)
        self._client = self._collection = None

    def _manifest(self) -> dict[str, Any] | None:
        """What the last complete build wrote; None when there is none or it cannot be read."""
        return self.place.manifest()

    def damage(self) -> str | None:
        """Why the stored index cannot be used, or None when it can: it is opened, counted against what the last
        build wrote, and one stored vector is read back and must find itself. A missing index is not damaged."""
        if not self.place.present():
            return None
        manifest = self._manifest()
        try:
            collection = self._open()
            count = int(collection.count())
            expected = manifest.get("chunks") if manifest else None
            if isinstance(expected, int) and count != expected:
                return f"it holds {count} chunks where the last build wrote {expected}"
            if count == 0:
                return None
            sample = collection.get(limit=1, include=["embeddings"])
            found = collection.query(query_embeddings=sample["embeddings"], n_results=1, include=["distances"])
            if found["ids"][0][:1] != sample["ids"][:1]:
                return "a stored vector does not find itself"
        except Exception as error:  # noqa: BLE001 - a damaged store fails in many ways; all mean "rebuild"
            self.close()
            return _first_line(error)
        return None

    def is_current(self, chunks: list[Chunk] | None = None) -> bool:
        """True when the last build saw exactly this corpus and the index itself is sound (see `damage`)."""
        chunks = chunks if chunks is not None else corpus_chunks(self.corpus)
        return self._built_from(chunks) and self.damage() is None

    def _built_from(self, chunks: list[Chunk]) -> bool:
        manifest = self._manifest()
        return manifest is not None and manifest.get("hash") == _manifest_hash(chunks)

    def build(self, progress: Progress | None = None, cancel: threading.Event | None = None) -> BuildReport:
        """Bring the collection in step with the corpus; with no change it touches nothing. A damaged index is
        removed and built again from scratch (vectors come back from the embedding cache)."""
        from chromadb.errors import ChromaError

        started = time.perf_counter()
        chunks = corpus_chunks(self.corpus)
        damaged = self.damage()
        if damaged is None and self._built_from(chunks):
            return BuildReport(0, 0, 0, len(chunks), time.perf_counter() - started)
        unreadable = self.place.manifest_unreadable()
        repaired = damaged or (f"{MANIFEST} could not be read" if unreadable else None)
        with _locked(self.folder):
            if damaged is not None:
                self._wipe()
            self.place.save_manifest(None)  # written again only when the build completes
            try:
                added, updated, removed = self._sync(chunks, progress, cancel)
            except ChromaError as error:  # damage the probe missed shows up while reading it all
                repaired = _first_line(error)
                self._wipe()
                added, updated, removed = self._sync(chunks, progress, cancel)
            self.place.save_manifest({"hash": _manifest_hash(chunks), "chunks": len(chunks)})
            problem = self.damage()
            if problem is not None:
                raise UserError(f"the index in {self.place.location} is still unusable after a rebuild ({problem}): "
                                f"{self.place.remedy}")
        return BuildReport(added=added, updated=updated, removed=removed,
                           unchanged=len(chunks) - added - updated, seconds=time.perf_counter() - started,
                           repaired=repaired)

    def _wipe(self) -> None:
        self.close()
        self.place.wipe()

    def _sync(self, chunks: list[Chunk], progress: Progress | None,
              cancel: threading.Event | None) -> tuple[int, int, int]:
        """Embed what is new or changed, delete what the corpus no longer has: (added, updated, removed)."""
        collection = self._open()
        existing = collection.get(include=["metadatas"])
        stored = {
            chunk_id: (meta or {}).get("hash")
            for chunk_id, meta in zip(existing["ids"], existing["metadatas"], strict=True)
        }
        wanted = {chunk.id: chunk for chunk in chunks}
        stale = [chunk_id for chunk_id in stored if chunk_id not in wanted]
        todo = [chunk for chunk in chunks if stored.get(chunk.id) != _vector_hash(chunk)]
        todo.sort(key=lambda chunk: len(chunk.text))  # batches of similar length: less padding to embed
        if stale:
            collection.delete(ids=stale)
        for start in range(0, len(todo), BATCH):
            if cancel is not None and cancel.is_set():
                raise BuildCancelled
            batch = todo[start : start + BATCH]
            vectors = self.embedder.embed([chunk.text for chunk in batch])
            collection.upsert(
                ids=[chunk.id for chunk in batch],
                embeddings=vectors,
                documents=[chunk.text for chunk in batch],
                metadatas=[{**chunk.metadata, "hash": _vector_hash(chunk)} for chunk in batch],
            )
            if progress:
                progress(min(start + BATCH, len(todo)), len(todo))
        added = sum(1 for chunk in todo if chunk.id not in stored)
        return added, len(todo) - added, len(stale)

    def ensure(self, cancel: threading.Event | None = None) -> None:
        """Build the index if it is missing, damaged, or the corpus changed since the last build."""
        if not self.is_current():
            self.build(cancel=cancel)

    def count(self) -> int:
        return int(self._open().count())

    def retrieve(
        self,
        query: str,
        *,
        round: str | None = None,
        level: str | None = None,
        kind: str | list[str] | None = None,
        signal: str | list[str] | None = None,
        question: str | None = None,
        k: int = 5,
    ) -> list[Snippet]:
        """Ranked snippets for `query`; each filter narrows by metadata (shared rubric text matches any round)."""
        clauses: list[dict[str, Any]] = []
        if round is not None:
            clauses.append({"round": {"$in": [round, "all"]}})
        if level is not None:
            clauses.append({"level": level})
        for key, value in (("kind", kind), ("signal", signal)):
            if isinstance(value, list):
                clauses.append({key: {"$in": value}})
            elif value is not None:
                clauses.append({key: value})
        if question is not None:
            clauses.append({"question": question})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        vector = self.embedder.embed([query])
        result = self._open().query(
            query_embeddings=vector, n_results=k, where=where,
            include=["documents", "metadatas", "distances"],
        )
        snippets = []
        for text, meta, distance in zip(
            result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            meta = dict(meta or {})
            snippets.append(Snippet(text=text, source=str(meta.get("source", "")),
                                    heading=str(meta.get("heading", "")), kind=str(meta.get("kind", "")),
                                    score=1.0 - float(distance), metadata=meta))
        return snippets


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:200]


def default_index() -> CorpusIndex:
    from interviewer.config import get_settings
    from interviewer.rag.embeddings import default_embedder

    return corpus_index(get_settings(), default_embedder())


def corpus_index(settings: Any, embedder: Embedder) -> CorpusIndex:
    """The index the settings name: on the Chroma server at `chroma_url`, else in the home folder."""
    return CorpusIndex(settings.index_dir, settings.corpus, embedder, settings.chroma_url)
