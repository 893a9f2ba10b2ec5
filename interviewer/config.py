"""One settings object. Every field can be set by an `INTERVIEWER_<NAME>` environment variable."""

from __future__ import annotations

import os
import tempfile
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from platformdirs import user_data_dir
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.errors import UserError, first_problem

REPO_ROOT = Path(__file__).resolve().parent.parent


PRICES_FILE = Path(__file__).parent / "data" / "prices.yaml"


class Price(BaseModel):
    """US dollars per million tokens."""

    input: float
    cached: float
    output: float


def _default_prices() -> dict[str, Price]:
    data = yaml.safe_load(PRICES_FILE.read_text(encoding="utf-8"))
    return {name: Price.model_validate(value) for name, value in data.items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", extra="ignore", env_ignore_empty=True)
    """An empty variable (`INTERVIEWER_HOME=`) counts as unset."""

    home: Path = Field(default_factory=lambda: Path(user_data_dir("interviewer")))
    """Where the index, sessions and caches live. Never the working folder."""
    corpus: Path = REPO_ROOT / "rag_corpus"
    model: str = "offline"
    """A model named `provider/model`, or `offline`."""
    base_url: str | None = None
    """For either provider: an OpenAI-compatible server (Ollama, vLLM, llama.cpp), a gateway or a proxy."""
    timeout: float = 60.0
    max_retries: int = 3
    prices: dict[str, Price] = Field(default_factory=_default_prices)
    # Team mode (README "Team mode"): shared engines instead of the tool's home, and who the candidate is.
    database_url: str | None = None
    """postgresql://...: sessions and the graph's checkpoints in PostgreSQL instead of the home folder."""
    chroma_url: str | None = None
    """http://host:port of a `chroma run` server: the index lives there instead of the home folder."""
    candidate: str | None = None
    """Whose sessions these are (default: the login name); a store shows a candidate only their own."""
    sandbox: Literal["auto", "process", "bwrap"] = "auto"
    """Isolation of candidates' code (`sandbox/isolation.py`): auto is a plain process in the terminal and
    bubblewrap when serving."""

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def sessions_dir(self) -> Path:
        return self.home / "sessions"


def usable_home(home: Path) -> Path:
    """The tool's home, created if needed, or a UserError naming the folder when it cannot hold our files."""
    fix = "set INTERVIEWER_HOME to a folder you can write to"
    if home.exists() and not home.is_dir():
        raise UserError(f"the tool's home {home} is a file, not a folder: {fix}")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the tool's home {home} ({error.strerror}): {fix}") from None
    try:
        with tempfile.TemporaryFile(dir=home):
            pass
    except OSError as error:
        raise UserError(f"cannot write in the tool's home {home} ({error.strerror}): {fix}") from None
    return home


@cache
def get_settings() -> Settings:
    """Environment first, then `config.toml` in the tool's home, then defaults. The home is created here, and
    a home that cannot hold our files is a UserError."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = f"INTERVIEWER_{str(first['loc'][0]).upper()}"
        raise UserError(f"{name}: {first['msg']}") from None
    usable_home(settings.home)
    path = settings.home / "config.toml"
    if not path.exists():
        return settings
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: the config file is not UTF-8 text (byte {error.start})") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"{path}: cannot read the config file: {error}") from None
    unknown = set(data) - set(Settings.model_fields) - {"home"}
    if unknown:
        raise UserError(f"{path}: unknown settings {', '.join(sorted(unknown))}")
    from_file = {k: v for k, v in data.items() if f"INTERVIEWER_{k.upper()}" not in os.environ and k != "home"}
    if "prices" in from_file:
        from_file["prices"] = {**_default_prices(), **from_file["prices"]}
    try:
        return Settings(**{**from_file, "home": settings.home})
    except ValidationError as error:
        raise UserError(f"{path}: {first_problem(error)}") from None
