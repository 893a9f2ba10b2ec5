"""Which model to use, and building it: the one place that knows every provider adapter."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from interviewer.errors import UserError
from interviewer.llm.base import KEY_VARIABLES, Model, redact

DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}


@dataclass(frozen=True)
class ModelChoice:
    name: str
    """`provider/model`, or `offline`."""
    base_url: str | None
    reason: str


def choose_model(requested: str | None, base_url: str | None, environ: dict[str, str] | None = None,
                 why: str = "as requested") -> ModelChoice:
    """An explicit choice wins (for the reason `why`); else a provider whose key is set; else the offline engine."""
    env = dict(os.environ) if environ is None else environ
    if requested:
        return ModelChoice(requested, base_url, why)
    for provider, variable in KEY_VARIABLES.items():
        if env.get(variable):
            return ModelChoice(f"{provider}/{DEFAULT_MODELS[provider]}", base_url, f"{variable} is set")
    return ModelChoice("offline", None, "no OPENAI_API_KEY or ANTHROPIC_API_KEY set")


def get_model(choice: ModelChoice, *, timeout: float = 60.0, max_retries: int = 3,
              environ: dict[str, str] | None = None) -> Model | None:
    """The model for `provider/model` (None for offline). A missing key or unknown provider is a UserError."""
    env = dict(os.environ) if environ is None else environ
    if choice.name == "offline":
        return None
    provider, _, model = choice.name.partition("/")
    if provider not in KEY_VARIABLES or not model:
        raise UserError(f"unknown model {choice.name!r}: use openai/MODEL, anthropic/MODEL or offline")
    if choice.base_url is not None:
        _check_base_url(choice.base_url)
    key = env.get(KEY_VARIABLES[provider])
    if not key:
        if choice.base_url and provider == "openai":
            key = "not-needed"  # local OpenAI-compatible servers (Ollama, vLLM, llama.cpp) take any key
        else:
            raise UserError(f"{choice.name} needs {KEY_VARIABLES[provider]} in the environment")
    if provider == "openai":
        from interviewer.llm.openai import OpenAIModel

        return OpenAIModel(model, key, choice.base_url, timeout=timeout, max_retries=max_retries)
    from interviewer.llm.anthropic import AnthropicModel

    return AnthropicModel(model, key, choice.base_url, timeout=timeout, max_retries=max_retries)


def _check_base_url(url: str) -> None:
    """An http(s) URL with a host and a numeric port (if any), else a UserError that shows it redacted."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"base URL {redact(url)!r} is not an http:// or https:// URL with a host")
