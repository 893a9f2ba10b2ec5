"""A model with queued replies that records its calls: for tests and evals, no network."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from interviewer.llm.base import GENERATION_PARAMETERS, Message, ModelOutputError, Schema, Usage


@dataclass
class Call:
    verb: str
    system: str
    messages: list[Message]


@dataclass
class ScriptedModel:
    """Replies are popped in order: a string (text or JSON), a pydantic object or dict (for parse), or an
    exception instance to raise. With the queue empty, `default` answers."""

    replies: deque[Any] = field(default_factory=deque)
    default: str = "Tell me more about that."
    name: str = "scripted/test"
    usage: Usage = field(default_factory=Usage)
    parameters: dict[str, Any] = field(default_factory=lambda: dict(GENERATION_PARAMETERS))
    calls: list[Call] = field(default_factory=list)

    def _next(self, verb: str, messages: list[Message], system: str) -> Any:
        self.calls.append(Call(verb, system, [dict(m) for m in messages]))
        reply = self.replies.popleft() if self.replies else self.default
        if isinstance(reply, BaseException):
            raise reply
        self.usage.add(sum(len(m["content"]) for m in messages) // 4 + len(system) // 4, 20)
        return reply

    def complete(self, messages: list[Message], *, system: str) -> str:
        return str(self._next("complete", messages, system))

    def stream(self, messages: list[Message], *, system: str) -> Iterator[str]:
        text = str(self._next("stream", messages, system))
        for index, word in enumerate(text.split(" ")):
            yield word if index == 0 else " " + word

    def parse(self, messages: list[Message], schema: type[Schema], *, system: str) -> Schema:
        reply = self._next("parse", messages, system)
        if isinstance(reply, BaseModel):
            return schema.model_validate(reply.model_dump())
        try:
            data = json.loads(reply) if isinstance(reply, str) else reply
            return schema.model_validate(data)
        except Exception as error:  # noqa: BLE001 - any bad reply is an output error
            raise ModelOutputError(f"scripted reply does not fit {schema.__name__}: {error}") from None
