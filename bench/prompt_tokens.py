"""Prompt tokens over a scripted 40-turn practice round through the OpenAI client and a loopback server.

The server counts the prompt tokens of every request it receives. The baseline is what resending the whole
conversation verbatim each turn would cost: the same system prompt and instruction, with every turn so far in
place of the rolling summary and recent window. Target: at most 40% of the baseline, with the final feedback
still passing quote verification.

    .venv/bin/python bench/prompt_tokens.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.catalog import load_catalog  # noqa: E402
from interviewer.config import Settings  # noqa: E402
from interviewer.llm.factory import ModelChoice, get_model  # noqa: E402
from interviewer.llm.tokens import count_tokens  # noqa: E402
from interviewer.practice import Answer, BackgroundIndex, Engine, make_scene  # noqa: E402
from interviewer.rag.embeddings import Embedder  # noqa: E402
from interviewer.rag.index import CorpusIndex  # noqa: E402
from interviewer.session import SessionStore  # noqa: E402
from tests.fake_llm import FakeLLMServer, quoting_judge, structured_schema  # noqa: E402

TURNS = 40
ANSWERS = [
    "Let me walk through the write path first. The client calls the create endpoint with the long URL; the API "
    "service validates it, checks it against a malware list, and asks the key service for the next id from a "
    "pre-allocated range, so two servers never hand out the same code. We encode the id in base62, which gives "
    "seven characters for trillions of links, and store code to URL in a key-value store partitioned by the code "
    "and replicated three ways across zones. The response returns the short link right away; analytics is off the "
    "critical path. For custom aliases we do a conditional insert and return a conflict if the alias is taken, "
    "and we reserve a namespace so aliases never collide with generated codes. That keeps writes simple, "
    "idempotent on retry if the client sends a request id, and cheap: one insert per link.",
    "How long should links live by default, and do paying customers need their own expiry rules?",
    "On the read side, redirects dominate, so I'd put a cache in front of the store. Access follows a power law: "
    "a small fraction of links takes most clicks, so a few gigabytes of cache should serve well over ninety "
    "percent of redirects. On a miss we read the store and fill the cache with a TTL of a day; links never change "
    "after creation, so we don't need invalidation except on deletion, where we delete the cache entry after the "
    "store. For a sudden hot link we would see one key hammer one cache shard, so I'd add a small in-process cache "
    "on each API server with a few seconds of TTL, which absorbs the spike without coordination. The redirect "
    "itself is a 302 so clicks keep reaching us and analytics stays accurate, at the cost of a little latency.",
    "Sure.",
    "Sizing it: 120 million new links a month is about 46 writes per second on average and maybe five times that "
    "at peak. With a hundred reads per write, that's about 4,600 redirects per second on average and perhaps "
    "20,000 at peak. Each record is under 500 bytes, so five years of links is roughly 3.6 terabytes before "
    "replication, about 11 terabytes with three copies: a modest cluster. The cache needs only the hot set, a few "
    "gigabytes per region. Network is small: 20,000 redirects a second at half a kilobyte each is around 10 "
    "megabytes a second. These numbers tell me the store is not the bottleneck; the hot-key behaviour and the "
    "analytics pipeline are where I'd spend the design effort, and I'd keep the core path boring and replicated.",
    "Is real-time click analytics required, or is an hourly report good enough for customers?",
    "Do we need to support link editing after creation, or are links immutable once created?",
    "What availability target do customers expect for redirects compared with link creation?",
    "Should deleted links return a 404 or a branded landing page, and who decides that?",
]
def main() -> None:
    with FakeLLMServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.default_reply = quoting_judge(
            "Understood. Tell me how that part holds up when the traffic doubles, and what breaks first?")
        settings = Settings(home=Path(tmp))
        catalog = load_catalog(settings.corpus)
        store = SessionStore(settings.sessions_dir)
        session = store.create(round="system-design", level="L5", company=None, question="sd-url-shortener",
                               minutes=240)
        embedder = Embedder(settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "models")
        retriever = BackgroundIndex(CorpusIndex(settings.index_dir, settings.corpus, embedder))
        retriever.wait()
        model = get_model(ModelChoice("openai/fake-model", server.openai_base_url, ""),
                          environ={"OPENAI_API_KEY": "sk-bench"})
        engine = Engine(store, session, make_scene(catalog, session), embedder, retriever, catalog, model)
        engine.settle()
        answered = 0
        baseline = 0
        while engine.pending() is not None and answered < TURNS:
            text = ANSWERS[answered % len(ANSWERS)]
            answered += 1
            requests_before = len(server.requests)
            for _ in engine.submit(Answer(text=text, seconds=30)):
                pass
            for _path, _headers, body in server.requests[requests_before:]:
                if structured_schema(body) is not None:
                    continue
                messages = body["messages"]
                system, instruction = messages[0]["content"], messages[-1]["content"]
                history = [t["text"] for t in engine.values()["turns"]]
                baseline += count_tokens(system) + count_tokens(instruction) + sum(count_tokens(h) for h in history)
        for _ in engine.submit(Answer(command="end")):
            pass
        feedback = engine.values()["feedback"]
        voice_tokens = sum(tokens for tokens, (_p, _h, body) in zip(server.prompt_tokens, server.requests, strict=True)
                           if structured_schema(body) is None)
        print(f"candidate turns: {answered}; voice requests: "
              f"{sum(1 for _p, _h, b in server.requests if structured_schema(b) is None)}")
        print(f"prompt tokens sent (counted by the server): {voice_tokens:,}; full resend each turn: {baseline:,}; "
              f"ratio {voice_tokens / baseline:.1%} (target <= 40%)")
        check = feedback["verification"]
        print(f"feedback: grader {feedback['grader']}, {check['claims_verified']} of {check['claims_total']} claims "
              f"verified, {check['claims_dropped']} dropped")
        retriever.close()


if __name__ == "__main__":
    main()
