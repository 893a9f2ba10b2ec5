"""Model calls cached on disk, so an eval re-run is free and can be replayed offline.

The key is the hash of everything that shapes an answer: the model's name and parameters, the versions of the
prompts in play, the call's kind (text or structured output, and the output schema), the system prompt and the
messages. A changed prompt, model or input is a different key; a repeated call is read back, not paid for.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interviewer.llm.base import GENERATION_PARAMETERS, Message, Model, ModelError, Schema, Usage, json_schema
from interviewer.sqlite_files import open_sqlite


class CacheMiss(ModelError):
    """A replay-only cache was asked for a call it has never seen."""


class CachedModel:
    """Wraps a model (or, with `inner=None`, replays the cache alone and raises CacheMiss for new calls)."""

    def __init__(self, inner: Model | None, path: Path, *, name: str | None = None,
                 prompt_versions: dict[str, str] | None = None) -> None:
        if inner is None and name is None:
            raise ValueError("a replay-only cache needs the model's name")
        self.inner = inner
        self.name = inner.name if inner is not None else str(name)
        self.parameters: dict[str, Any] = dict(inner.parameters if inner is not None else GENERATION_PARAMETERS)
        self.prompt_versions = dict(sorted((prompt_versions or {}).items()))
        self.hits = 0
        self.misses = 0
        self.usage = inner.usage if inner is not None else Usage()  # the inner model's: cache hits cost nothing
        self._lock = threading.Lock()
        self._db = open_sqlite(path, "PRAGMA journal_mode=WAL",
                               "PRAGMA synchronous=NORMAL",  # a cache: no fsync per answer (a crash loses a few)
                               "CREATE TABLE IF NOT EXISTS calls (key TEXT PRIMARY KEY, answer TEXT NOT NULL)",
                               timeout=30)

    def key(self, verb: str, messages: list[Message], system: str, schema: str = "") -> str:
        payload = {"model": self.name, "parameters": self.parameters, "prompts": self.prompt_versions,
                   "verb": verb, "schema": schema, "system": system, "messages": messages}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def _get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT answer FROM calls WHERE key = ?", (key,)).fetchone()
            if row is not None:
                self.hits += 1
                return str(row[0])
            self.misses += 1
            return None

    def _put(self, key: str, answer: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO calls (key, answer) VALUES (?, ?)", (key, answer))
            self._db.commit()

    def _require_inner(self) -> Model:
        if self.inner is None:
            raise CacheMiss(f"{self.name}: this call is not in the model-call cache (replaying offline)")
        return self.inner

    def complete(self, messages: list[Message], *, system: str) -> str:
        key = self.key("text", messages, system)
        cached = self._get(key)
        if cached is not None:
            return cached
        answer = self._require_inner().complete(messages, system=system)
        self._put(key, answer)
        return answer

    def stream(self, messages: list[Message], *, system: str) -> Iterator[str]:
        """Cached text comes back as one piece; a fresh stream is stored once it has finished."""
        key = self.key("text", messages, system)
        cached = self._get(key)
        if cached is not None:
            yield cached
            return
        pieces: list[str] = []
        for piece in self._require_inner().stream(messages, system=system):
            pieces.append(piece)
            yield piece
        self._put(key, "".join(pieces))

    def parse(self, messages: list[Message], schema: type[Schema], *, system: str) -> Schema:
        schema_text = json.dumps(json_schema(schema), sort_keys=True)
        key = self.key("parse", messages, system, schema_text)
        cached = self._get(key)
        if cached is not None:
            return schema.model_validate_json(cached)
        answer = self._require_inner().parse(messages, schema, system=system)
        self._put(key, answer.model_dump_json())
        return answer
