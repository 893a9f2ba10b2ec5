"""The fake LLM server, driven by the real OpenAI and Anthropic SDK clients over loopback HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import anthropic
import httpx2
import openai
import pydantic
import pytest
from pydantic import BaseModel

from .fake_llm import DEFAULT_TEXT, FakeLLMServer, count_tokens, default_reply, offline_encoding

pytestmark = pytest.mark.timeout(30)

MODEL_OPENAI = "gpt-4o-mini"
MODEL_ANTHROPIC = "claude-fake"  # not a real model name, so the SDK has no deprecation to warn about
QUESTION = [{"role": "user", "content": "How does a hash map handle collisions?"}]


class Grade(BaseModel):
    score: int
    feedback: str


GRADE_SCHEMA = {
    "type": "object",
    "properties": {"score": {"type": "integer"}, "feedback": {"type": "string"}},
    "required": ["score", "feedback"],
    "additionalProperties": False,
}
GRADE_JSON = json.dumps({"score": 4, "feedback": "Clear answer; mention open addressing."})


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as fake:
        yield fake


@pytest.fixture(autouse=True)
def fresh(server: FakeLLMServer) -> Iterator[None]:
    server.reset()
    server.default_reply = default_reply
    yield
    server.reset()


@pytest.fixture
def oai(server: FakeLLMServer) -> openai.OpenAI:
    return openai.OpenAI(api_key="test-key", base_url=server.openai_base_url, max_retries=2, timeout=2)


@pytest.fixture
def claude(server: FakeLLMServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="test-key", base_url=server.anthropic_base_url, max_retries=2, timeout=2)


def openai_text(client: openai.OpenAI, **kwargs: object) -> str | None:
    reply = client.chat.completions.create(model=MODEL_OPENAI, messages=QUESTION, **kwargs)
    return reply.choices[0].message.content


def claude_text(client: anthropic.Anthropic, **kwargs: object) -> str:
    message = client.messages.create(model=MODEL_ANTHROPIC, max_tokens=256, messages=QUESTION, **kwargs)
    return message.content[0].text


# ---- tokens


def test_count_tokens_uses_cl100k_offline() -> None:
    encoding = offline_encoding("cl100k_base")
    assert encoding.name == "cl100k_base"
    assert encoding.encode("hello world") == [15339, 1917]
    assert count_tokens("hello world") == 2
    assert count_tokens("") == 0


# ---- plain completions


def test_openai_plain_completion(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    server.replies.append("Walk me through open addressing.")
    messages = [{"role": "system", "content": "You are a strict interviewer."}, *QUESTION]
    reply = oai.chat.completions.create(model=MODEL_OPENAI, messages=messages)

    assert reply.choices[0].message.content == "Walk me through open addressing."
    assert reply.choices[0].finish_reason == "stop"
    assert reply.model == MODEL_OPENAI
    expected_prompt = count_tokens("You are a strict interviewer.") + count_tokens(QUESTION[0]["content"])
    assert reply.usage is not None and reply.usage.prompt_tokens == expected_prompt
    assert reply.usage.completion_tokens == count_tokens("Walk me through open addressing.")
    assert reply.usage.prompt_tokens_details is not None and reply.usage.prompt_tokens_details.cached_tokens == 0
    path, headers, body = server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["authorization"] == "Bearer test-key"
    assert body["messages"] == messages
    assert server.prompt_tokens == [expected_prompt]
    # with the queue empty, the default reply answers
    assert openai_text(oai) == DEFAULT_TEXT


def test_anthropic_plain_completion(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    server.replies.append("Walk me through open addressing.")
    message = claude.messages.create(
        model=MODEL_ANTHROPIC, max_tokens=256, system="You are a strict interviewer.", messages=QUESTION
    )

    assert message.content[0].type == "text" and message.content[0].text == "Walk me through open addressing."
    assert message.stop_reason == "end_turn"
    expected_prompt = count_tokens("You are a strict interviewer.") + count_tokens(QUESTION[0]["content"])
    assert message.usage.input_tokens == expected_prompt
    assert message.usage.cache_read_input_tokens == 0 and message.usage.cache_creation_input_tokens == 0
    path, headers, body = server.requests[0]
    assert path == "/v1/messages"
    # anthropic 2.x sends the key as a bearer token; older versions sent x-api-key
    assert "test-key" in (headers.get("x-api-key"), headers.get("authorization", "").removeprefix("Bearer "))
    assert "anthropic-version" in headers
    assert body["system"] == "You are a strict interviewer."
    assert server.prompt_tokens == [expected_prompt]


def test_custom_default_reply(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    server.default_reply = lambda request: f"You said: {request['messages'][-1]['content']}"
    assert openai_text(oai) == f"You said: {QUESTION[0]['content']}"


# ---- streaming


def test_openai_streaming(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    server.replies.append("Good. Now what is the load factor?")
    stream = oai.chat.completions.create(
        model=MODEL_OPENAI, messages=QUESTION, stream=True, stream_options={"include_usage": True}
    )
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if chunk.choices:
            pieces.append(chunk.choices[0].delta.content or "")
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage is not None:
            usage = chunk.usage

    assert "".join(pieces) == "Good. Now what is the load factor?"
    assert len([p for p in pieces if p]) > 1  # it really came in several chunks
    assert finish == "stop"
    assert usage is not None and usage.prompt_tokens == server.prompt_tokens[0]
    assert usage.completion_tokens == count_tokens("Good. Now what is the load factor?")


def test_anthropic_streaming(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    server.replies.append("Good. Now what is the load factor?")
    with claude.messages.stream(model=MODEL_ANTHROPIC, max_tokens=256, messages=QUESTION) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()

    assert "".join(pieces) == "Good. Now what is the load factor?" and len(pieces) > 1
    assert final.stop_reason == "end_turn"
    assert final.usage.input_tokens == server.prompt_tokens[0]
    assert final.usage.output_tokens == count_tokens("Good. Now what is the load factor?")

    # the raw event order, as the API sends it
    raw = claude.messages.create(model=MODEL_ANTHROPIC, max_tokens=256, messages=QUESTION, stream=True)
    kinds = [event.type for event in raw]
    assert kinds[:2] == ["message_start", "content_block_start"]
    assert set(kinds[2:-3]) == {"content_block_delta"}
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]


# ---- structured output


def test_openai_structured_output(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    server.replies.append(GRADE_JSON)
    parsed = oai.chat.completions.parse(model=MODEL_OPENAI, messages=QUESTION, response_format=Grade)
    assert parsed.choices[0].message.parsed == Grade(score=4, feedback="Clear answer; mention open addressing.")
    assert server.requests[0][2]["response_format"]["type"] == "json_schema"

    # a plain json_schema response_format; with no scripted reply, the default fits the schema
    response_format = {"type": "json_schema", "json_schema": {"name": "grade", "schema": GRADE_SCHEMA, "strict": True}}
    text = openai_text(oai, response_format=response_format)
    assert text is not None and Grade.model_validate_json(text) == Grade(score=0, feedback=DEFAULT_TEXT)


def test_anthropic_tool_use(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    server.replies.append(GRADE_JSON)
    tool = {"name": "grade", "description": "Grade the answer.", "input_schema": GRADE_SCHEMA}
    message = claude.messages.create(
        model=MODEL_ANTHROPIC,
        max_tokens=256,
        messages=QUESTION,
        tools=[tool],
        tool_choice={"type": "tool", "name": "grade"},
    )
    block = message.content[0]
    assert block.type == "tool_use" and block.name == "grade" and block.id.startswith("toolu_")
    assert Grade.model_validate(block.input) == Grade(score=4, feedback="Clear answer; mention open addressing.")
    assert message.stop_reason == "tool_use"

    # streamed tool input arrives as input_json_delta pieces that the SDK reassembles
    server.replies.append(GRADE_JSON)
    with claude.messages.stream(
        model=MODEL_ANTHROPIC,
        max_tokens=256,
        messages=QUESTION,
        tools=[tool],
        tool_choice={"type": "tool", "name": "grade"},
    ) as stream:
        final = stream.get_final_message()
    assert final.content[0].type == "tool_use" and final.content[0].input == json.loads(GRADE_JSON)


def test_anthropic_output_config_json_schema(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    output_config = {"format": {"type": "json_schema", "schema": GRADE_SCHEMA}}
    server.replies.append(GRADE_JSON)
    assert Grade.model_validate_json(claude_text(claude, output_config=output_config)).score == 4
    # with no scripted reply, the default fits the schema
    assert Grade.model_validate_json(claude_text(claude, output_config=output_config)).feedback == DEFAULT_TEXT


# ---- faults


def test_429_then_success(server: FakeLLMServer, oai: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    server.faults.append(("429", 0.2))
    server.replies.append("after the rate limit")
    started = time.monotonic()
    assert openai_text(oai) == "after the rate limit"
    assert time.monotonic() - started >= 0.2  # the client honoured retry-after
    assert len(server.requests) == 2
    assert server.requests[1][1]["x-stainless-retry-count"] == "1"

    server.reset()
    server.faults.append(("429", 0.2))
    server.replies.append("after the rate limit")
    assert claude_text(claude) == "after the rate limit"
    assert len(server.requests) == 2


def test_429_header_defaults_to_one_second(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    server.faults.append("429")
    with pytest.raises(openai.RateLimitError) as caught:
        oai.with_options(max_retries=0).chat.completions.create(model=MODEL_OPENAI, messages=QUESTION)
    assert caught.value.response.headers["retry-after"] == "1"
    assert len(server.requests) == 1


def test_500_then_success(server: FakeLLMServer, oai: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    server.faults.append("500")  # no retry-after: the SDK's own backoff (about 0.4-0.5 s)
    server.replies.append("after the outage")
    assert openai_text(oai) == "after the outage"
    assert len(server.requests) == 2

    server.reset()
    server.faults.append(("500", 0.1))  # with a retry-after header
    server.replies.append("after the outage")
    assert claude_text(claude) == "after the outage"
    assert len(server.requests) == 2


def test_500_every_time_raises(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    server.faults.extend([("500", 0.05)] * 3)
    with pytest.raises(anthropic.InternalServerError):
        claude_text(claude)
    assert len(server.requests) == 3  # the first try and max_retries=2 retries


def test_truncated_stream_openai_raises_after_partial_text(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    """The stream yields the chunks that arrived, then raises openai.APIConnectionError (wrapping the transport's
    RemoteProtocolError: incomplete chunked read). A broken stream is not retried."""
    server.faults.append(("truncated", 2))
    server.replies.append("one two three four five six")
    pieces: list[str] = []
    stream = oai.chat.completions.create(model=MODEL_OPENAI, messages=QUESTION, stream=True)
    with pytest.raises(openai.APIConnectionError) as caught:
        for chunk in stream:
            pieces.append(chunk.choices[0].delta.content or "")
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)
    assert "".join(pieces) == "one two "
    assert len(server.requests) == 1


def test_truncated_stream_anthropic_raises_transport_error(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    """A stream cut mid-body raises a transport error after the text that arrived; no retry, and no final message.
    Which class depends on the SDK release (httpx2.RemoteProtocolError before anthropic 2.17, APIConnectionError
    since): our adapter must handle both."""
    server.faults.append(("truncated", 2))
    server.replies.append("one two three four five six")
    pieces: list[str] = []
    with pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)):
        with claude.messages.stream(model=MODEL_ANTHROPIC, max_tokens=256, messages=QUESTION) as stream:
            for piece in stream.text_stream:
                pieces.append(piece)
    assert "".join(pieces) == "one two "
    assert len(server.requests) == 1


def test_truncated_body_is_retried(server: FakeLLMServer, oai: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    """A non-streaming body cut short is a connection error raised before the SDK returns, so it is retried."""
    server.faults.append("truncated")
    server.replies.extend(["lost in transit", "second try"])
    assert openai_text(oai) == "second try"
    assert len(server.requests) == 2

    server.reset()
    server.faults.append("truncated")
    server.replies.extend(["lost in transit", "second try"])
    assert claude_text(claude) == "second try"
    assert len(server.requests) == 2


def test_malformed_json_raises(server: FakeLLMServer, oai: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    server.faults.append("malformed")
    with pytest.raises(json.JSONDecodeError):
        openai_text(oai)
    server.faults.append("malformed")
    with pytest.raises(json.JSONDecodeError):
        claude_text(claude)
    server.faults.append("malformed")
    stream = oai.chat.completions.create(model=MODEL_OPENAI, messages=QUESTION, stream=True)
    with pytest.raises(json.JSONDecodeError):
        list(stream)
    server.faults.append("malformed")
    with pytest.raises(json.JSONDecodeError):
        with claude.messages.stream(model=MODEL_ANTHROPIC, max_tokens=256, messages=QUESTION) as events:
            list(events.text_stream)
    assert len(server.requests) == 4  # a 200 with a bad body is not retried


def test_malformed_structured_output(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    """A valid response whose structured content is not JSON: the SDK's parse raises pydantic's ValidationError."""
    server.faults.append("malformed")
    server.replies.append(GRADE_JSON)
    with pytest.raises(pydantic.ValidationError, match="Invalid JSON"):
        oai.chat.completions.parse(model=MODEL_OPENAI, messages=QUESTION, response_format=Grade)


def test_slow_reply_times_out_after_retries(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    """Every try outlives the timeout: three tries (max_retries=2), then a timeout error. A short per-request
    timeout keeps the test fast; the backoff between tries is the SDK's (about 0.4 s, then 0.8 s)."""
    server.faults.extend([("slow", 1.0)] * 3)
    with pytest.raises(openai.APITimeoutError):
        oai.with_options(timeout=0.2).chat.completions.create(model=MODEL_OPENAI, messages=QUESTION)
    assert len(server.requests) == 3
    assert not server.faults


def test_slow_reply_within_timeout_arrives(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    server.faults.append(("slow", 0.3))
    server.replies.append("worth the wait")
    started = time.monotonic()
    assert claude_text(claude) == "worth the wait"
    assert time.monotonic() - started >= 0.3
    assert len(server.requests) == 1


def test_slow_reply_anthropic_times_out(server: FakeLLMServer, claude: anthropic.Anthropic) -> None:
    server.faults.extend([("slow", 0.4)] * 3)
    server.replies.append("kept for the next request")
    with pytest.raises(anthropic.APITimeoutError):
        claude.with_options(timeout=0.2).messages.create(model=MODEL_ANTHROPIC, max_tokens=256, messages=QUESTION)
    assert len(server.requests) == 3
    time.sleep(0.3)  # the abandoned handlers wake up, see the client gone, and leave the scripted reply alone
    assert list(server.replies) == ["kept for the next request"]


def test_unknown_fault_and_route(server: FakeLLMServer, oai: openai.OpenAI) -> None:
    server.faults.append("timeout")  # not a fault name: a 500 that names the known ones, not retried
    with pytest.raises(openai.InternalServerError, match="unknown fault 'timeout'"):
        openai_text(oai)
    assert len(server.requests) == 1

    with pytest.raises(openai.NotFoundError):
        oai.models.list()
    assert server.requests[1][0] == "/v1/models"
