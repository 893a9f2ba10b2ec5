"""The interview graph for LangGraph's own server: `langgraph.json` at the repository root points `langgraph dev`
(or a LangGraph deployment) at `graph` here.

The server keeps the checkpoints and passes only JSON, so each run's context (scene, detector, retrieval,
grader, voice) is made here from the state's own fields, once per thread. A run starts with

    {"session_id": "any-id", "round": "system-design", "level": "L5", "company": null,
     "question_id": "sd-url-shortener", "minutes": 45, "turns": []}

stops at each question (an interrupt whose value is the question), and goes on with
`Command(resume={"text": "...", "seconds": 60})`, or `{"command": "end"}`, as in the terminal. The index,
model and settings come from the environment as for the `interviewer` command (`INTERVIEWER_HOME`,
`INTERVIEWER_CHROMA_URL`, `INTERVIEWER_MODEL`...).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from typing import Any

from interviewer.catalog import Catalog, load_catalog
from interviewer.config import get_settings
from interviewer.graph.build import build_graph
from interviewer.graph.nodes import InterviewContext
from interviewer.graph.state import InterviewState
from interviewer.practice import BackgroundIndex, interview_context, scene_for
from interviewer.rag.embeddings import Embedder, default_embedder
from interviewer.rag.index import corpus_index
from interviewer.session import SessionMeta

CONTEXTS_KEPT = 64


@cache
def _shared() -> tuple[Catalog, Embedder, BackgroundIndex, Any]:
    from interviewer.llm.factory import choose_model, get_model

    settings = get_settings()
    embedder = default_embedder()
    model = get_model(choose_model(settings.model if settings.model != "offline" else None, settings.base_url),
                      timeout=settings.timeout, max_retries=settings.max_retries)
    return load_catalog(settings.corpus), embedder, BackgroundIndex(corpus_index(settings, embedder)), model


class Contexts:
    """One context per thread (a voice keeps the words it said), the most recent few kept."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[Any, ...], InterviewContext] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, state: InterviewState) -> InterviewContext:
        key = (state.get("session_id"), state["round"], state["level"], state.get("company"), state["question_id"],
               state.get("minutes", 45.0))
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        catalog, embedder, retriever, model = _shared()
        meta = SessionMeta(id=str(key[0] or "served"), round=key[1], level=key[2], company=key[3], question=key[4],
                           minutes=float(key[5]), started_at="")
        context = interview_context(scene_for(catalog, meta), embedder, retriever, catalog, model)
        with self._lock:
            self._kept[key] = context
            while len(self._kept) > CONTEXTS_KEPT:
                self._kept.popitem(last=False)
        return context


graph = build_graph(context_of=Contexts())
