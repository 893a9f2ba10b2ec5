"""Anthropic messages, with the stable system prompt marked for prompt caching."""

from __future__ import annotations

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

TOOL = "submit"


def alternate(messages: list[Message]) -> list[dict[str, str]]:
    """Anthropic wants user and assistant turns to alternate, starting with the user: merge neighbours."""
    merged: list[dict[str, str]] = []
    for message in messages:
        if merged and merged[-1]["role"] == message["role"]:
            merged[-1] = {"role": message["role"], "content": merged[-1]["content"] + "\n\n" + message["content"]}
        else:
            merged.append(dict(message))
    if merged and merged[0]["role"] != "user":
        merged.insert(0, {"role": "user", "content": "(The interview begins.)"})
    return merged


class AnthropicModel:
    def __init__(self, model: str, api_key: str, base_url: str | None, *, timeout: float, max_retries: int) -> None:
        import anthropic

        self.name = f"anthropic/{model}"
        self.usage = Usage()
        self._model = model
        self.parameters = dict(GENERATION_PARAMETERS)
        self._errors = (anthropic.APIError,)
        self._client: Any = anthropic.Anthropic(api_key=api_key, base_url=base_url, timeout=timeout,
                                           max_retries=max_retries)

    @staticmethod
    def _system(system: str) -> list[dict[str, Any]]:
        return [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]

    def _record(self, usage: Any) -> None:
        if usage is None:
            return
        cached = (getattr(usage, "cache_read_input_tokens", 0) or 0)
        written = (getattr(usage, "cache_creation_input_tokens", 0) or 0)
        self.usage.add((usage.input_tokens or 0) + cached + written, usage.output_tokens or 0, cached)

    def complete(self, messages: list[Message], *, system: str) -> str:
        try:
            response = self._client.messages.create(model=self._model, max_tokens=MAX_TOKENS,
                                                    system=self._system(system),
                                                    messages=alternate(messages))
        except self._errors as error:
            raise unavailable(self.name, error) from None
        except Exception as error:  # noqa: BLE001 - e.g. a body that is not JSON
            raise ModelOutputError(f"{self.name}: unreadable response ({type(error).__name__})") from None
        self._record(response.usage)
        return "".join(block.text for block in response.content if block.type == "text")

    def stream(self, messages: list[Message], *, system: str) -> Iterator[str]:
        """Text as it arrives. A stream that breaks off or ends without message_stop: ModelOutputError."""
        answered = False
        try:
            events = self._client.messages.create(model=self._model, max_tokens=MAX_TOKENS,
                                                  system=self._system(system),
                                                  messages=alternate(messages), stream=True)
            answered = True
            finished = False
            prompt_usage: Any = None
            for event in events:
                if event.type == "message_start":
                    prompt_usage = event.message.usage
                elif event.type == "content_block_delta" and getattr(event.delta, "type", "") == "text_delta":
                    yield event.delta.text
                elif event.type == "message_delta" and prompt_usage is not None:
                    prompt_usage.output_tokens = event.usage.output_tokens
                elif event.type == "message_stop":
                    finished = True
            self._record(prompt_usage)
        except Exception as error:  # noqa: BLE001 - a broken connection mid-stream surfaces as anything
            raise stream_error(self.name, error, answered, self._errors) from None
        if not finished:
            raise ModelOutputError(f"{self.name}: the stream ended before the answer was complete")

    def parse(self, messages: list[Message], schema: type[Schema], *, system: str) -> Schema:
        tool = {"name": TOOL, "description": f"Submit the {schema.__name__}.",
                "input_schema": json_schema(schema)}
        try:
            response = self._client.messages.create(
                model=self._model, max_tokens=STRUCTURED_MAX_TOKENS, system=self._system(system),
                messages=alternate(messages), tools=[tool],
                tool_choice={"type": "tool", "name": TOOL})
        except self._errors as error:
            raise unavailable(self.name, error) from None
        except Exception as error:  # noqa: BLE001 - e.g. a body that is not JSON
            raise ModelOutputError(f"{self.name}: unreadable response ({type(error).__name__})") from None
        self._record(response.usage)
        for block in response.content:
            if block.type == "tool_use":
                try:
                    return schema.model_validate(block.input)
                except ValidationError as error:
                    raise ModelOutputError(f"{self.name}: structured output does not fit {schema.__name__}: "
                                           f"{str(error).splitlines()[0]}") from None
        raise ModelOutputError(f"{self.name}: no structured output in the response")
