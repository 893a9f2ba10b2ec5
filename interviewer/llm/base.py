"""The model protocol every provider implements, the errors it raises, and redaction of secrets. It depends on
nothing else of ours (the adapters import it; `factory.py` builds them)."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

Message = dict[str, str]
"""{"role": "user" | "assistant", "content": text}"""

Schema = TypeVar("Schema", bound=BaseModel)

KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
MAX_TOKENS = 1024
STRUCTURED_MAX_TOKENS = 4096
GENERATION_PARAMETERS = {"max_tokens": MAX_TOKENS, "structured_max_tokens": STRUCTURED_MAX_TOKENS}
"""What every provider adapter sends besides the messages; part of the model-call cache key."""


@functools.cache
def json_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a structured-output type, built once per type (it is asked for on every call)."""
    return schema.model_json_schema()


class ModelError(Exception):
    """The provider could not answer (timeouts, 429, 5xx, connection) after its retries."""


class ModelOutputError(ModelError):
    """The provider answered, but the output is unusable: a cut-off stream or malformed structured output."""


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, prompt: int, completion: int, cached: int = 0) -> None:
        with self._lock:  # eval runs call one model from many threads
            self.calls += 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.cached_tokens += cached


def unavailable(name: str, error: Exception) -> ModelError:
    """A provider error as one line that names the model and the HTTP status, never the key."""
    status = getattr(error, "status_code", None)
    what = f"HTTP {status}" if status else type(error).__name__
    return ModelError(redact(f"{name} is unavailable ({what})"))


def stream_error(name: str, error: Exception, answered: bool, provider_errors: tuple[type[Exception], ...]
                 ) -> ModelError:
    """A streamed call that failed: the provider unavailable when it never answered, else a stream that broke off
    (whatever the SDK release calls a connection cut mid-body)."""
    if not answered and isinstance(error, provider_errors):
        return unavailable(name, error)
    return ModelOutputError(f"{name}: the stream broke off ({type(error).__name__})")


def usage_line(name: str, usage: Usage, prices: dict[str, Any]) -> str:
    """'12 calls, 34,567 prompt tokens (12,000 cached), 2,345 completion tokens, about $0.0123'."""
    text = (f"{name}: {usage.calls} calls, {usage.prompt_tokens:,} prompt tokens ({usage.cached_tokens:,} cached), "
            f"{usage.completion_tokens:,} completion tokens")
    price = prices.get(name)
    if price is None:
        return text + " (no price for this model in the config)"
    cost = ((usage.prompt_tokens - usage.cached_tokens) * price.input + usage.cached_tokens * price.cached
            + usage.completion_tokens * price.output) / 1_000_000
    return text + f", about ${cost:.4f}"


class Model(Protocol):
    name: str
    usage: Usage
    parameters: dict[str, Any]
    """What besides the messages shapes an answer (token limits, server): part of the model-call cache key."""

    def complete(self, messages: list[Message], *, system: str) -> str: ...

    def stream(self, messages: list[Message], *, system: str) -> Iterator[str]: ...

    def parse(self, messages: list[Message], schema: type[Schema], *, system: str) -> Schema: ...


_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/@\s]*@", re.IGNORECASE)
_URL_SECRET_PARAMETER = re.compile(
    r"(?P<name>[?&](?:api[_-]?key|key|token|access[_-]?token|secret|password|sig|signature)=)[^&#\s]+",
    re.IGNORECASE)


def redact(text: str, environ: dict[str, str] | None = None) -> str:
    """Remove secrets from a message before it is shown or written anywhere: any API key from the environment,
    credentials inside a URL (`http://user:KEY@host`) and secret-looking query parameters (`?api_key=...`)."""
    env = dict(os.environ) if environ is None else environ
    for variable in KEY_VARIABLES.values():
        secret = env.get(variable)
        if secret and len(secret) >= 6:
            text = text.replace(secret, "[redacted]")
    text = _URL_USERINFO.sub(r"\g<scheme>[redacted]@", text)
    return _URL_SECRET_PARAMETER.sub(r"\g<name>[redacted]", text)
