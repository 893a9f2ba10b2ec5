"""Corpus files: Markdown with YAML front matter, and the chunks the index stores."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from interviewer.errors import UserError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """YAML through libyaml when it is there (several times faster than the pure-Python loader)."""
    return yaml.load(text, Loader=_LOADER)


def read_yaml_file(path: Path, what: str = "file") -> Any:
    """A YAML file's data; a missing file or bad YAML is one line ("cannot read suite evals/x.yaml: ...")."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot read {what} {path}: {error.strerror}") from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as error:
        raise UserError(f"{what} {path} is not valid YAML: {str(error).splitlines()[0]}") from None


_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)
_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*$", re.MULTILINE)

Metadata = dict[str, str | int | float | bool | list[str]]


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    relative: str
    meta: dict[str, Any]
    body: str

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", ""))


@dataclass(frozen=True)
class Chunk:
    """One retrievable snippet with the metadata the index filters on."""

    id: str
    text: str
    metadata: Metadata = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        payload = self.text + "\x1f" + repr(sorted(self.metadata.items()))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def split_front_matter(text: str) -> tuple[str, str] | None:
    """The YAML of a leading '---' block and the text after it; None when the text has no such block."""
    match = _FRONT_MATTER.match(text)
    return (match.group("meta"), match.group("body")) if match else None


def read_corpus_file(path: Path, root: Path) -> CorpusFile:
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    relative = path.relative_to(root).as_posix()
    if parts is None:
        raise UserError(f"{relative}: no YAML front matter (a file starts with a '---' block)")
    front, body = parts
    try:
        meta = load_yaml(front)
    except yaml.YAMLError as error:
        raise UserError(f"{relative}: invalid YAML front matter: {error}".splitlines()[0]) from None
    if not isinstance(meta, dict):
        raise UserError(f"{relative}: front matter is not a mapping")
    return CorpusFile(path=path, relative=relative, meta=meta, body=body)


def corpus_files(root: Path) -> list[CorpusFile]:
    if not root.is_dir():
        raise UserError(f"corpus folder {root} does not exist (set INTERVIEWER_CORPUS)")
    paths = sorted(p for p in root.rglob("*.md") if p.name != "README.md")
    return [read_corpus_file(path, root) for path in paths]


def sections(body: str) -> list[tuple[str, str]]:
    """Split a Markdown body into (heading, text) sections; text before any heading has heading ''."""
    parts: list[tuple[str, str]] = []
    matches = list(_HEADING.finditer(body))
    start_text = body[: matches[0].start()] if matches else body
    if start_text.strip():
        parts.append(("", start_text.strip()))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        text = body[match.end() : end].strip()
        if text:
            parts.append((match.group(2).strip(), text))
    return parts
