"""One settings object. Every field can be set by an `INTERVIEWER_<NAME>` environment variable."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("interviewer")))
    """Where the index, sessions and caches live. Never the working folder."""
    corpus: Path = REPO_ROOT / "rag_corpus"
    model: str = "offline"
    """A model named `provider/model`, or `offline`."""
    base_url: str | None = None

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def sessions_dir(self) -> Path:
        return self.home / "sessions"


@cache
def get_settings() -> Settings:
    return Settings()
