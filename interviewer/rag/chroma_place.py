"""Where the index's Chroma collection lives: embedded in the tool's home (the default), or on a Chroma server
(`chroma run`) at `INTERVIEWER_CHROMA_URL`, shared by a team.

Both keep the build's manifest (the hash of the corpus it was built from) beside the vectors: a file in the
home folder, or the collection's own metadata on the server, so every process that reads the server sees
which corpus its vectors came from, and a corpus update built by one reaches all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from interviewer.errors import UserError

COLLECTION = "corpus"
MANIFEST = "manifest.json"
MANIFEST_KEY = "interviewer_manifest"


class ChromaPlace(Protocol):
    location: str

    def client(self) -> Any: ...

    def manifest(self) -> dict[str, Any] | None:
        """The last complete build's manifest, None when there is none (or no collection)."""
        ...

    def save_manifest(self, collection: Any, manifest: dict[str, Any]) -> None: ...


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


class EmbeddedChroma:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.location = str(folder)

    def client(self) -> Any:
        import chromadb

        return chromadb.PersistentClient(path=str(self.folder / "chroma"), settings=_settings())

    def manifest(self) -> dict[str, Any] | None:
        path = self.folder / MANIFEST
        if not path.exists() or not (self.folder / "chroma").is_dir():
            return None
        data: dict[str, Any] = json.loads(path.read_text())
        return data

    def save_manifest(self, collection: Any, manifest: dict[str, Any]) -> None:
        (self.folder / MANIFEST).write_text(json.dumps(manifest))


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
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            import chromadb

            try:
                self._client = chromadb.HttpClient(host=self.host, port=self.port, ssl=self.ssl, settings=_settings())
            except Exception as error:  # noqa: BLE001 - chromadb raises plain ValueError/ConnectionError here
                raise UserError(f"cannot reach the Chroma server at {self.url}: {error}") from None
        return self._client

    def manifest(self) -> dict[str, Any] | None:
        try:
            collection = self.client().get_collection(COLLECTION, embedding_function=None)
        except UserError:
            raise
        except Exception:  # noqa: BLE001 - no collection yet (chromadb's NotFoundError has no stable import)
            return None
        stored = (collection.metadata or {}).get(MANIFEST_KEY)
        return json.loads(stored) if isinstance(stored, str) else None

    def save_manifest(self, collection: Any, manifest: dict[str, Any]) -> None:
        collection.modify(metadata={MANIFEST_KEY: json.dumps(manifest)})


def chroma_place(folder: Path, url: str | None) -> ChromaPlace:
    return ChromaServer(url) if url else EmbeddedChroma(folder)
