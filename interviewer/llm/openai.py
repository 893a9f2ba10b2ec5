"""OpenAI chat completions, and any OpenAI-compatible server (Ollama, vLLM, llama.cpp) via base_url."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from interviewer.llm.base import (
    GENERATION_PARAMETERS,
    MAX_TOKENS,
    STRUCTURED_MAX_TOKENS,
    Message,
    ModelOutputError,
    Schema,
    Usage,
    json_schema,
    stream_error,
    unavailable,
)


class OpenAIModel:
    def __init__(self, model: str, api_key: str, base_url: str | None, *, timeout: float, max_retries: int) -> None:
        import openai

        self.name = f"openai/{model}"
        self.usage = Usage()
        self._model = model
        self.parameters = dict(GENERATION_PARAMETERS)
        self._errors = (openai.APIError,)
        self._client: Any = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)

    def _messages(self, messages: list[Message], system: str) -> list[dict[str, str]]:
        return [{"role": "system", "content": system}, *messages]

    def _record(self, usage: Any) -> None:
        if usage is None:
            return
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", 0) or 0
        self.usage.add(usage.prompt_tokens or 0, usage.completion_tokens or 0, cached)

    def complete(self, messages: list[Message], *, system: str) -> str:
        try:
            response = self._client.chat.completions.create(
                model=self._model, messages=self._messages(messages, system), max_tokens=MAX_TOKENS)
        except self._errors as error:
            raise unavailable(self.name, error) from None
        except Exception as error:  # noqa: BLE001 - e.g. a body that is not JSON
            raise ModelOutputError(f"{self.name}: unreadable response ({type(error).__name__})") from None
        self._record(response.usage)
        return response.choices[0].message.content or ""

    def stream(self, messages: list[Message], *, system: str) -> Iterator[str]:
        """Text as it arrives. A stream that breaks off or ends without a finish reason: ModelOutputError."""
        answered = False
        try:
            chunks = self._client.chat.completions.create(
                model=self._model, messages=self._messages(messages, system), max_tokens=MAX_TOKENS,
                stream=True, stream_options={"include_usage": True})
            answered = True
            finished = False
            for chunk in chunks:
                if chunk.usage is not None:
                    self._record(chunk.usage)
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content
                    if choice.finish_reason:
                        finished = True
        except Exception as error:  # noqa: BLE001 - a broken connection mid-stream surfaces as anything
            raise stream_error(self.name, error, answered, self._errors) from None
        if not finished:
            raise ModelOutputError(f"{self.name}: the stream ended before the answer was complete")

    def parse(self, messages: list[Message], schema: type[Schema], *, system: str) -> Schema:
        response_format = {"type": "json_schema",
                           "json_schema": {"name": schema.__name__, "schema": json_schema(schema)}}
        try:
            response = self._client.chat.completions.create(
                model=self._model, messages=self._messages(messages, system), max_tokens=STRUCTURED_MAX_TOKENS,
                response_format=response_format)
        except self._errors as error:
            raise unavailable(self.name, error) from None
        except Exception as error:  # noqa: BLE001 - e.g. a body that is not JSON
            raise ModelOutputError(f"{self.name}: unreadable response ({type(error).__name__})") from None
        self._record(response.usage)
        content = response.choices[0].message.content or ""
        try:
            return schema.model_validate(json.loads(content))
        except (json.JSONDecodeError, ValidationError) as error:
            raise ModelOutputError(f"{self.name}: structured output does not fit {schema.__name__}: "
                                   f"{str(error).splitlines()[0]}") from None
