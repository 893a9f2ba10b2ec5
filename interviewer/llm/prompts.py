"""Prompt files: named templates with explicit `$variables`. A missing variable raises; a prompt's version
is the hash of its text, so a changed prompt is a different prompt (evals and caches key on it)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from interviewer.errors import UserError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def version(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:12]

    def render(self, **values: object) -> str:
        try:
            return Template(self.text).substitute({key: str(value) for key, value in values.items()})
        except KeyError as error:
            raise UserError(f"prompt {self.name!r} needs a value for ${error.args[0]}") from None
        except ValueError as error:
            raise UserError(f"prompt {self.name!r} is not a valid template: {error}") from None


def load_prompt(name: str, overrides: dict[str, Path] | None = None) -> Prompt:
    """The prompt `name` (a file in interviewer/prompts), or the variant file given for it in `overrides`."""
    path = (overrides or {}).get(name, PROMPTS_DIR / f"{name}.md")
    try:
        return Prompt(name, path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"cannot read prompt {name!r} from {path}: {error.strerror}") from None
