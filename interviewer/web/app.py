"""`interviewer serve`: the round in a browser (Starlette). The page (`static/`, no build step) talks to a small
JSON API; the interviewer's words stream to it as server-sent events.

Who is who: the first visit gets a random candidate id in an HTTP-only cookie, and every session this browser
starts belongs to that id; the session store shows a candidate only their own. There is no login: whoever
exposes this beyond the loopback puts authentication in front of it (README, "Team mode").

Every browser runs at most one live round; the rounds run the same `Practice` loop, graph and session store as
the terminal, each on its own thread, sharing one embedder, one catalog and the store's connections.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from interviewer.catalog import Catalog, load_catalog
from interviewer.config import Settings
from interviewer.errors import UserError
from interviewer.feedback.render import ROUND_TITLES
from interviewer.llm.base import Model
from interviewer.practice import BackgroundIndex, Practice, choose_question
from interviewer.rag.embeddings import Embedder
from interviewer.session_store import Store, open_store
from interviewer.types import CompanyType, Level, Round
from interviewer.web.live import LiveRound
from interviewer.web.render import feedback_html

STATIC = Path(__file__).with_name("static")
COOKIE = "interviewer_candidate"
KEEPALIVE_SECONDS = 15.0
MAX_LIVE_ROUNDS = 200
UPLOAD_SUFFIXES = (".md", ".txt", ".json")


@dataclass
class Server:
    """What every request shares."""

    settings: Settings
    catalog: Catalog
    embedder: Embedder
    store: Store
    index: BackgroundIndex
    """Retrieval for every round, opened once when the server starts."""
    model: Model | None = None
    live: dict[str, LiveRound] = field(default_factory=dict)
    """The live round of each candidate (by candidate id)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def store_for(self, owner: str) -> Store:
        return self.store.for_owner(owner)


def _error(text: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


def _owner(request: Request) -> str | None:
    value = request.cookies.get(COOKIE, "")
    return value if len(value) >= 16 and value.replace("-", "").replace("_", "").isalnum() else None


def _server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


async def page(request: Request) -> Response:
    response = FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})
    if _owner(request) is None:
        response.set_cookie(COOKIE, secrets.token_urlsafe(18), max_age=365 * 24 * 3600, httponly=True,
                            samesite="strict")
    return response


async def options(request: Request) -> Response:
    return JSONResponse({
        "rounds": [{"id": r.value, "title": ROUND_TITLES.get(r.value, r.value)} for r in Round
                   if _server(request).catalog.questions_for(r)],
        "levels": [level.value for level in Level],
        "companies": [company.value for company in CompanyType],
    })


async def sessions(request: Request) -> Response:
    owner = _owner(request)
    if owner is None:
        return _error("no candidate cookie: reload the page", 401)
    server = _server(request)

    def listing() -> list[dict[str, Any]]:
        live = server.live.get(owner)
        return [{"id": s.meta.id, "started": s.meta.started_at, "round": s.meta.round, "level": s.meta.level,
                 "question": s.meta.question, "status": s.meta.status,
                 "live": live is not None and live.id == s.meta.id and not live.done.is_set()}
                for s in server.store_for(owner).all()]

    return JSONResponse({"sessions": await run_in_threadpool(listing)})


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise UserError("the request body must be a JSON object")
    return body


def _choice(body: dict[str, Any], key: str, kind: Any, default: Any) -> Any:
    value = body.get(key) or default
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise UserError(f"unknown {key} {value!r}") from None


def _start(server: Server, owner: str, practice_for: Any, *, resuming: bool) -> LiveRound:
    """Leave the candidate's live round (saved), then start this one."""
    with server.lock:
        previous = server.live.pop(owner, None)
        running = sum(1 for r in server.live.values() if not r.done.is_set())
        if running >= MAX_LIVE_ROUNDS:
            raise UserError("the server is running as many rounds as it can: try again in a few minutes")
    if previous is not None:
        previous.stop()
    live = LiveRound(practice_for(), resuming=resuming)
    with server.lock:
        server.live[owner] = live
    return live


async def start_round(request: Request) -> Response:
    owner = _owner(request)
    if owner is None:
        return _error("no candidate cookie: reload the page", 401)
    server = _server(request)
    try:
        body = await _json_body(request)
        round_ = _choice(body, "round", Round, "system-design")
        level = _choice(body, "level", Level, "L5")
        company = _choice(body, "company", CompanyType, None)
        minutes = float(body.get("minutes") or 45)
        if not 5 <= minutes <= 120:
            raise UserError("minutes must be between 5 and 120")
    except (UserError, TypeError, ValueError) as error:
        return _error(str(error))

    def begin() -> LiveRound:
        store = server.store_for(owner)
        practised = {s.meta.question for s in store.all()}
        question = choose_question(server.catalog, round_, level, company, body.get("question"), practised)
        session = store.create(round=round_.value, level=level.value, company=company.value if company else None,
                               question=question.id, minutes=minutes,
                               model=server.model.name if server.model else "offline")
        return _start(server, owner, lambda: Practice(server.settings, server.catalog, session, server.embedder,
                                                      server.model, store, server.index), resuming=False)

    try:
        live = await run_in_threadpool(begin)
    except UserError as error:
        return _error(str(error))
    return JSONResponse({"id": live.id})


async def resume_round(request: Request) -> Response:
    owner = _owner(request)
    if owner is None:
        return _error("no candidate cookie: reload the page", 401)
    server = _server(request)
    session_id = request.path_params["session"]

    def begin() -> LiveRound:
        live = server.live.get(owner)
        if live is not None and live.id == session_id and not live.done.is_set():
            return live
        store = server.store_for(owner)
        session = store.get(session_id)
        if session.meta.status == "finished":
            raise UserError(f"session {session_id} is finished")
        return _start(server, owner, lambda: Practice(server.settings, server.catalog, session, server.embedder,
                                                      server.model, store, server.index), resuming=True)

    try:
        live = await run_in_threadpool(begin)
    except UserError as error:
        return _error(str(error), 404)
    return JSONResponse({"id": live.id})


def _live(request: Request) -> LiveRound | None:
    owner = _owner(request)
    live = _server(request).live.get(owner) if owner else None
    return live if live is not None and live.id == request.path_params["session"] else None


async def answer(request: Request) -> Response:
    live = _live(request)
    if live is None:
        return _error("this round is not running in this browser", 404)
    try:
        body = await _json_body(request)
    except UserError as error:
        return _error(str(error))
    text = body.get("text")
    if not isinstance(text, str):
        return _error("text must be a string")
    live.conversation.post(text)
    return JSONResponse({"ok": True})


async def events(request: Request) -> Response:
    """Server-sent events from the round: `after` (or Last-Event-ID) events are skipped."""
    live = _live(request)
    if live is None:
        return _error("this round is not running in this browser", 404)
    raw = request.headers.get("last-event-id") or request.query_params.get("after") or "0"
    seen = int(raw) if raw.isdigit() else 0
    conversation = live.conversation

    async def stream() -> AsyncIterator[str]:
        nonlocal seen
        while True:
            new = conversation.after(seen)
            for event in new:
                seen += 1
                yield f"id: {seen}\ndata: {json.dumps(event)}\n\n"
            if new and new[-1]["type"] == "closed":
                return
            if not new:
                if await request.is_disconnected():
                    return
                await conversation.wait(seen, KEEPALIVE_SECONDS)
                if not conversation.after(seen):
                    yield ": keep-alive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def replay(request: Request) -> Response:
    """Feedback on an uploaded transcript: {"name", "text", "round"?, "level"?, "company"?} -> {"html"}."""
    from interviewer.feedback.replay import replay_feedback, resolve_round
    from interviewer.transcripts import MAX_BYTES, read_transcript

    server = _server(request)
    try:
        body = await _json_body(request)
        text, name = body.get("text"), str(body.get("name") or "transcript.txt")
        if not isinstance(text, str) or not text.strip():
            raise UserError("the transcript is empty")
        if len(text.encode("utf-8")) > MAX_BYTES:
            raise UserError(f"the transcript is larger than {MAX_BYTES // (1024 * 1024)} MB")
        round_ = _choice(body, "round", Round, None)
        level = _choice(body, "level", Level, None)
        company = _choice(body, "company", CompanyType, None)
    except UserError as error:
        return _error(str(error))
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in UPLOAD_SUFFIXES else ".txt"

    def grade() -> str:
        with tempfile.TemporaryDirectory(prefix="interviewer-upload-") as folder:
            path = Path(folder) / f"transcript{suffix}"
            path.write_text(text, encoding="utf-8")
            transcript = read_transcript(path)
        if round_ is None and transcript.round is None:
            raise UserError("this transcript does not say its round: choose one")
        feedback = replay_feedback(transcript, server.settings, round_=resolve_round(transcript, round_),
                                   level=level, company=company, embedder=server.embedder, model=server.model)
        return feedback_html(feedback)

    try:
        html = await run_in_threadpool(grade)
    except UserError as error:
        return _error(str(error))
    return JSONResponse({"html": html})


def create_app(settings: Settings, *, model: Model | None = None, embedder: Embedder | None = None,
               store: Store | None = None) -> Starlette:
    """The web app over the configured session store (or `store`), sharing one embedder and catalog."""
    from interviewer.rag.embeddings import default_embedder
    from interviewer.rag.index import corpus_index

    embedder = embedder or default_embedder()
    server = Server(settings=settings, catalog=load_catalog(settings.corpus), embedder=embedder,
                    store=store or open_store(settings), index=BackgroundIndex(corpus_index(settings, embedder)),
                    model=model)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        rounds = list(server.live.values())
        for live in rounds:
            live.conversation.leave()
        for live in rounds:
            await run_in_threadpool(live.done.wait, 30)
        await run_in_threadpool(server.index.close)
        server.store.close()

    app = Starlette(routes=[
        Route("/", page),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/options", options),
        Route("/api/sessions", sessions),
        Route("/api/rounds", start_round, methods=["POST"]),
        Route("/api/rounds/{session}/resume", resume_round, methods=["POST"]),
        Route("/api/rounds/{session}/answer", answer, methods=["POST"]),
        Route("/api/rounds/{session}/events", events),
        Route("/api/replay", replay, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ], lifespan=lifespan)
    app.state.server = server
    return app
