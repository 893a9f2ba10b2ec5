"""`langgraph dev` (LangGraph's own HTTP server, from langgraph-cli[inmem]) serves the interview graph of
`langgraph.json`, offline: a round started, answered and ended through its API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.config import REPO_ROOT
from interviewer.engines import free_port

from .conftest import cli_env, make_home


def call(base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=180).read())


@pytest.fixture(scope="module")
def langgraph_server(tmp_path_factory: pytest.TempPathFactory, models: Path, prebuilt_index: Path) -> Iterator[str]:
    program = Path(sys.executable).with_name("langgraph")
    if not program.exists():
        pytest.skip("langgraph-cli is not installed (pip install 'langgraph-cli[inmem]')")
    home = make_home(tmp_path_factory.mktemp("langgraph-home"), models, prebuilt_index)
    folder = tmp_path_factory.mktemp("langgraph-run")  # it keeps its .langgraph_api/ in the working folder
    log = folder / "server.log"
    with open(log, "w") as handle:
        process = subprocess.Popen([str(program), "dev", "--config", str(REPO_ROOT / "langgraph.json"),
                                    "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(free_port())],
                                   cwd=folder, stdout=handle, stderr=subprocess.STDOUT, env=cli_env(home))
    try:
        deadline = time.monotonic() + 120
        while (base := _answering(log.read_text())) is None:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _answering(log: str) -> str | None:
    """The server's address once it has started and answers there. It moves to another port by itself when the
    one asked for is taken, so the last address it printed is the one; "Application started" can come a moment
    before the port accepts connections (CI once saw "connection refused" on the first request)."""
    found = re.findall(r"http://127\.0\.0\.1:\d+", log)
    if not found or "Application started" not in log:
        return None
    try:
        urllib.request.urlopen(found[-1] + "/ok", timeout=5).read()
    except OSError:
        return None
    return found[-1]


def test_langgraph_dev_serves_a_round(langgraph_server: str) -> None:
    thread = call(langgraph_server, "/threads", {})["thread_id"]
    start = {"session_id": "lg-1", "round": "system-design", "level": "L5", "company": None,
             "question_id": "sd-url-shortener", "minutes": 45, "turns": []}
    first = call(langgraph_server, f"/threads/{thread}/runs/wait", {"assistant_id": "interview", "input": start})
    question = first["__interrupt__"][0]["value"]
    assert question["turn"] == 1 and question["text"].startswith("Hi, I'm Maya")
    answer = {"resume": {"text": "How many new links per month, and what is the read to write ratio?",
                         "seconds": 30}}
    second = call(langgraph_server, f"/threads/{thread}/runs/wait", {"assistant_id": "interview", "command": answer})
    assert "120 million new short links a month" in second["__interrupt__"][0]["value"]["text"]  # answered from facts
    end = call(langgraph_server, f"/threads/{thread}/runs/wait",
               {"assistant_id": "interview", "command": {"resume": {"command": "end", "seconds": 5}}})
    assert end["done"] is True and "__interrupt__" not in end
    assert end["feedback"]["verdict"] in {"no hire", "lean no hire", "lean hire", "hire", "strong hire"}
    assert [t["role"] for t in end["turns"]] == ["interviewer", "candidate", "interviewer", "interviewer"]
    state = call(langgraph_server, f"/threads/{thread}/state")
    assert state["values"]["feedback"] == end["feedback"]
