"""Where the index's Chroma collection lives: embedded in the tool's home (the default), or on a Chroma server
(`chroma run`) at `INTERVIEWER_CHROMA_URL`, shared by a team.

Both keep the build's manifest (the hash of the corpus it was built from, and its chunk count) beside the
vectors: a file in the home folder, or the collection's own metadata on the server, so every process that reads
the server sees which corpus its vectors came from, and a corpus update built by one reaches all.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from interviewer.errors import UserError

COLLECTION = "corpus"
MANIFEST = "manifest.json"
MANIFEST_KEY = "interviewer_manifest"


class ChromaPlace(Protocol):
    location: str
    remedy: str
    """What to do when a rebuilt index is still unusable."""

    def client(self) -> Any: ...

    def release(self, client: Any | None) -> None:
        """Let go of a client (None: one failed to open)."""
        ...

    def present(self) -> bool:
        """Whether an index was ever stored here."""
        ...

    def manifest(self) -> dict[str, Any] | None:
        """The last complete build's manifest; None when there is none or it cannot be read."""
        ...

    def manifest_unreadable(self) -> bool: ...

    def save_manifest(self, manifest: dict[str, Any] | None) -> None:
        """Write the manifest (None: forget it, until a build completes)."""
        ...

    def wipe(self) -> None:
        """Remove every vector and the manifest."""
        ...


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def _parse(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


class EmbeddedChroma:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.location = str(folder)
        self.remedy = "remove that folder and run 'interviewer index'"

    def client(self) -> Any:
        import chromadb

        return chromadb.PersistentClient(path=str(self.folder / "chroma"), settings=_settings())

    def release(self, client: Any | None) -> None:
        if client is not None:
            client.close()
        else:
            _forget_failed_system(self.folder / "chroma")

    def present(self) -> bool:
        return (self.folder / "chroma").exists()

    def _read(self) -> str | None:
        try:
            return (self.folder / MANIFEST).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def manifest(self) -> dict[str, Any] | None:
        text = self._read()
        return _parse(text) if text is not None else None

    def manifest_unreadable(self) -> bool:
        return (self.folder / MANIFEST).exists() and self.manifest() is None

    def save_manifest(self, manifest: dict[str, Any] | None) -> None:
        if manifest is None:
            (self.folder / MANIFEST).unlink(missing_ok=True)
        else:
            (self.folder / MANIFEST).write_text(json.dumps(manifest))

    def wipe(self) -> None:
        shutil.rmtree(self.folder / "chroma", ignore_errors=True)
        (self.folder / MANIFEST).unlink(missing_ok=True)


class ChromaServer:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(f"INTERVIEWER_CHROMA_URL: {url!r} is not an http://host:port URL")
        self.url = url
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = parts.scheme == "https"
        self.location = f"the Chroma server at {url}"
        self.remedy = f"delete its {COLLECTION!r} collection and run 'interviewer index'"
        self._client: Any = None

    def client(self) -> Any:
        """One HTTP client per place (it holds no lock or file: every request asks the server afresh)."""
        if self._client is None:
            import chromadb

            try:
                self._client = chromadb.HttpClient(host=self.host, port=self.port, ssl=self.ssl, settings=_settings())
            except Exception as error:  # noqa: BLE001 - chromadb raises ValueError or ConnectionError here
                raise UserError(f"cannot reach the Chroma server at {self.url}: {error}") from None
        return self._client

    def release(self, client: Any | None) -> None:
        pass

    def _collection(self) -> Any | None:
        try:
            return self.client().get_collection(COLLECTION, embedding_function=None)
        except UserError:
            raise
        except Exception:  # noqa: BLE001 - no such collection (chromadb's NotFoundError moves between versions)
            return None

    def present(self) -> bool:
        return self._collection() is not None

    def _read(self) -> str | None:
        collection = self._collection()
        stored = (collection.metadata or {}).get(MANIFEST_KEY) if collection is not None else None
        return stored if isinstance(stored, str) and stored else None

    def manifest(self) -> dict[str, Any] | None:
        text = self._read()
        return _parse(text) if text is not None else None

    def manifest_unreadable(self) -> bool:
        text = self._read()  # one request to the server
        return text is not None and _parse(text) is None

    def save_manifest(self, manifest: dict[str, Any] | None) -> None:
        collection = self._collection()
        if collection is not None:
            collection.modify(metadata={MANIFEST_KEY: json.dumps(manifest) if manifest is not None else ""})

    def wipe(self) -> None:
        if self._collection() is not None:
            self.client().delete_collection(COLLECTION)


def _forget_failed_system(path: Path) -> None:
    """Chroma keeps the system of a client that failed to open (no client holds it, so nothing closes it) and
    hands the broken system to the next client of that path: drop it, so the path can be opened afresh."""
    from chromadb.api.shared_system_client import SharedSystemClient

    if str(path) not in SharedSystemClient._identifier_to_refcount:
        SharedSystemClient._identifier_to_system.pop(str(path), None)


def chroma_place(folder: Path, url: str | None) -> ChromaPlace:
    return ChromaServer(url) if url else EmbeddedChroma(folder)
