"""The fake LLM server speaks the OpenAI and Anthropic wire formats (checked with the real SDK clients), and our
provider adapters turn its faults into what the rest of the tool expects (checked through `interviewer.llm`)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import anthropic
import httpx2
import openai
import pytest
from pydantic import BaseModel

from interviewer.llm.base import Model, ModelError, ModelOutputError
from interviewer.llm.factory import ModelChoice, get_model

from .fake_llm import DEFAULT_TEXT, FAKE_MODEL, FakeLLMServer, count_tokens, default_reply, offline_encoding

pytestmark = pytest.mark.timeout(30)

MODEL_OPENAI = "gpt-4o-mini"
MODEL_ANTHROPIC = "claude-fake"  # not a real model name, so the SDK has no deprecation to warn about
QUESTION = [{"role": "user", "content": "How does a hash map handle collisions?"}]
KEY = "test-key-0123456789"


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


# ---- faults, through our adapters (interviewer.llm): what our code promises, whatever the SDK raises inside


def our_model(server: FakeLLMServer, provider: str, *, timeout: float = 2.0, max_retries: int = 1) -> Model:
    base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
    environ = {"OPENAI_API_KEY": KEY} if provider == "openai" else {"ANTHROPIC_API_KEY": KEY}
    model = get_model(ModelChoice(f"{provider}/{FAKE_MODEL}", base, "test"), timeout=timeout,
                      max_retries=max_retries, environ=environ)
    assert model is not None
    return model


def ask(model: Model, verb: str) -> str:
    if verb == "complete":
        return model.complete(QUESTION, system="You are a strict interviewer.")
    if verb == "stream":
        return "".join(model.stream(QUESTION, system="You are a strict interviewer."))
    return model.parse(QUESTION, Grade, system="You are a strict interviewer.").feedback


PROVIDERS = ["openai", "anthropic"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_our_adapters_answer_and_count_tokens(server: FakeLLMServer, provider: str) -> None:
    model = our_model(server, provider)
    server.replies.extend(["Walk me through open addressing.", "Good. Now the load factor?", GRADE_JSON])
    assert ask(model, "complete") == "Walk me through open addressing."
    assert ask(model, "stream") == "Good. Now the load factor?"
    assert ask(model, "parse") == "Clear answer; mention open addressing."
    assert model.usage.calls == 3
    assert model.usage.prompt_tokens == sum(server.prompt_tokens)
    assert model.usage.completion_tokens > 0


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["429", "500", "truncated"])
def test_a_failed_call_is_retried_and_answers(server: FakeLLMServer, provider: str, fault: str) -> None:
    """Rate limits, server errors and a body cut short are retried (our max_retries reaches the client)."""
    server.faults.append((fault, 0.05) if fault != "truncated" else fault)
    server.replies.extend(["lost in transit", "after the outage"] if fault == "truncated" else ["after the outage"])
    model = our_model(server, provider)
    assert ask(model, "complete") == "after the outage"
    assert len(server.requests) == 2 and model.usage.calls == 1


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(("fault", "shown"), [(("500", 0.01), "HTTP 500"), (("429", 0.01), "HTTP 429"),
                                               (("slow", 1.0), "APITimeoutError")])
def test_a_provider_that_stays_down_is_one_model_error(server: FakeLLMServer, provider: str, fault: tuple[str, float],
                                                       shown: str) -> None:
    server.faults.extend([fault] * 2)
    model = our_model(server, provider, timeout=0.3, max_retries=1)
    with pytest.raises(ModelError, match=rf"^{provider}/{FAKE_MODEL} is unavailable \({shown}\)$") as caught:
        ask(model, "complete")
    assert not isinstance(caught.value, ModelOutputError) and KEY not in str(caught.value)
    assert len(server.requests) == 2  # the call and its one retry


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_cut_stream_is_an_output_error_after_the_text_that_arrived(server: FakeLLMServer, provider: str) -> None:
    """Whatever the SDK raises for a stream cut mid-body (its classes change between releases), our adapter says
    ModelOutputError, after yielding the text that arrived; a broken stream is not retried."""
    server.faults.append(("truncated", 2))
    server.replies.append("one two three four five six")
    pieces: list[str] = []
    with pytest.raises(ModelOutputError, match="stream"):
        for piece in our_model(server, provider).stream(QUESTION, system="s"):
            pieces.append(piece)
    assert "".join(pieces) == "one two "
    assert len(server.requests) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("verb", ["complete", "stream", "parse"])
def test_a_malformed_response_is_an_output_error(server: FakeLLMServer, provider: str, verb: str) -> None:
    server.faults.append("malformed")
    server.replies.append(GRADE_JSON)
    with pytest.raises(ModelOutputError):
        ask(our_model(server, provider), verb)
    assert len(server.requests) == 1  # a 200 with a bad body is not retried


@pytest.mark.parametrize("provider", PROVIDERS)
def test_structured_output_that_does_not_fit_the_schema_is_an_output_error(server: FakeLLMServer,
                                                                           provider: str) -> None:
    server.replies.append(json.dumps({"score": "four"}))
    with pytest.raises(ModelOutputError, match="does not fit Grade"):
        ask(our_model(server, provider), "parse")


def test_a_slow_reply_within_the_timeout_arrives(server: FakeLLMServer) -> None:
    server.faults.append(("slow", 0.3))
    server.replies.append("worth the wait")
    assert ask(our_model(server, "anthropic"), "complete") == "worth the wait"
    assert len(server.requests) == 1


def test_the_fake_names_an_unknown_fault_and_answers_404_off_its_routes(server: FakeLLMServer) -> None:
    server.faults.append("timeout")  # not a fault name: a 500 that names the known ones
    reply = httpx2.post(f"{server.openai_base_url}/chat/completions", json={"model": FAKE_MODEL, "messages": QUESTION})
    assert reply.status_code == 500 and "unknown fault 'timeout'" in reply.text and "slow" in reply.text
    assert httpx2.get(f"{server.openai_base_url}/models").status_code == 404
    assert [path for path, _, _ in server.requests][-1] == "/v1/models"
