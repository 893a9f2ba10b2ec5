"""Practice sessions in PostgreSQL, for a team: metadata, every transcript turn, the final transcript and
feedback, and the graph's checkpoints (LangGraph's Postgres checkpointer), all in one database.

A turn is inserted (autocommit, so committed and durable) the moment it is shown or submitted, before the graph
or a model hears of it, as the file store does. Every query names the owner: a candidate never reads another's
sessions. The graph's thread is `owner/id`, so two candidates' sessions never share one.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from interviewer.errors import UserError
from interviewer.feedback import render
from interviewer.session import SessionMeta, TurnLog, latest_active, new_session_id
from interviewer.transcripts import to_json, to_markdown
from interviewer.types import Feedback, Transcript

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS interviewer_sessions (
        owner text NOT NULL,
        id text NOT NULL,
        meta jsonb NOT NULL,
        transcript jsonb,
        transcript_md text,
        feedback jsonb,
        feedback_md text,
        PRIMARY KEY (owner, id))""",
    """CREATE TABLE IF NOT EXISTS interviewer_turns (
        owner text NOT NULL,
        session_id text NOT NULL,
        turn_id integer NOT NULL,
        turn jsonb NOT NULL,
        PRIMARY KEY (owner, session_id, turn_id),
        FOREIGN KEY (owner, session_id) REFERENCES interviewer_sessions (owner, id) ON DELETE CASCADE)""",
]
POOL_SIZE = 16
"""Connections one process keeps open at most (a served page's sessions share them)."""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def connect_pool(url: str) -> Any:
    """A pool of autocommit connections (what LangGraph's checkpointer requires); the database is tried first,
    so a wrong URL or a server that is down is one clear line."""
    import psycopg
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise UserError(f"cannot connect to the session database {redacted(url)}: {reason}") from None
    pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, open=True,
                          kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
    pool.wait(timeout=30)
    return pool


class PostgresSession(TurnLog):
    def __init__(self, pool: Any, meta: SessionMeta) -> None:
        self._pool = pool
        self.meta = meta

    @property
    def thread_id(self) -> str:
        return f"{self.meta.owner}/{self.meta.id}"

    @property
    def location(self) -> str:
        return f"the session database (session {self.meta.id})"

    @property
    def log_location(self) -> str:
        return self.location

    def save_meta(self) -> None:
        with self._pool.connection() as connection:
            connection.execute("UPDATE interviewer_sessions SET meta = %s WHERE owner = %s AND id = %s",
                               (json.dumps(asdict(self.meta)), self.meta.owner, self.meta.id))

    def logged_turns(self) -> list[dict[str, Any]]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT turn FROM interviewer_turns WHERE owner = %s AND session_id = %s ORDER BY turn_id",
                (self.meta.owner, self.meta.id)).fetchall()
        return [row["turn"] for row in rows]

    def log_turn(self, turn: dict[str, Any]) -> None:
        """Insert a turn unless its id is logged already; committed when this returns."""
        with self._pool.connection() as connection:
            connection.execute(
                "INSERT INTO interviewer_turns (owner, session_id, turn_id, turn) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING", (self.meta.owner, self.meta.id, turn["id"], json.dumps(turn)))

    def finish(self, transcript: Transcript, feedback: Feedback) -> None:
        self.meta.status = "finished"
        with self._pool.connection() as connection:
            connection.execute(
                "UPDATE interviewer_sessions SET meta = %s, transcript = %s, transcript_md = %s, feedback = %s, "
                "feedback_md = %s WHERE owner = %s AND id = %s",
                (json.dumps(asdict(self.meta)), to_json(transcript), to_markdown(transcript), render.to_json(feedback),
                 render.to_markdown(feedback), self.meta.owner, self.meta.id))

    def feedback_markdown(self) -> str | None:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT feedback_md FROM interviewer_sessions WHERE owner = %s AND id = %s",
                                     (self.meta.owner, self.meta.id)).fetchone()
        return row["feedback_md"] if row else None


class PostgresStore:
    """One candidate's view of the sessions in a PostgreSQL database (tables created on first use)."""

    def __init__(self, url: str, owner: str, shared: PostgresStore | None = None) -> None:
        self.url = url
        self.owner = owner
        self._shared = shared is not None
        self._pool: Any = shared._pool if shared is not None else connect_pool(url)
        self._saver: Any = shared.checkpointer() if shared is not None else None
        if shared is not None:
            return
        with self._pool.connection() as connection:
            for statement in SCHEMA:
                connection.execute(statement)
        self.checkpointer()  # LangGraph's tables too, now, before threads share this store

    def for_owner(self, owner: str) -> PostgresStore:
        """The same database and connections, seen by another candidate."""
        return PostgresStore(self.url, owner, shared=self)

    def checkpointer(self) -> Any:
        if self._saver is None:
            from langgraph.checkpoint.postgres import PostgresSaver

            saver = PostgresSaver(self._pool)
            saver.setup()
            self._saver = saver
        return self._saver

    def close(self) -> None:
        if not self._shared:
            self._pool.close()

    def create(self, *, round: str, level: str, company: str | None, question: str, minutes: float,
               model: str = "offline") -> PostgresSession:
        meta = SessionMeta(new_session_id(), round, level, company, question, minutes,
                           datetime.now(UTC).isoformat(timespec="seconds"), model=model, owner=self.owner)
        with self._pool.connection() as connection:
            connection.execute("INSERT INTO interviewer_sessions (owner, id, meta) VALUES (%s, %s, %s)",
                               (self.owner, meta.id, json.dumps(asdict(meta))))
        return PostgresSession(self._pool, meta)

    def get(self, session_id: str) -> PostgresSession:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT meta FROM interviewer_sessions WHERE owner = %s AND (id = %s OR id LIKE %s) ORDER BY id",
                (self.owner, session_id, session_id.replace("%", r"\%").replace("_", r"\_") + "%")).fetchall()
        exact = [row for row in rows if row["meta"]["id"] == session_id]
        if len(exact or rows) != 1:
            raise UserError(f"no session {session_id!r} (see 'interviewer sessions')")
        return self._session((exact or rows)[0]["meta"])

    def all(self) -> list[PostgresSession]:
        with self._pool.connection() as connection:
            rows = connection.execute("SELECT meta FROM interviewer_sessions WHERE owner = %s",
                                      (self.owner,)).fetchall()
        return sorted((self._session(row["meta"]) for row in rows), key=lambda s: s.meta.started_at)

    def turn_counts(self) -> dict[str, int]:
        with self._pool.connection() as connection:
            rows = connection.execute("SELECT session_id, count(*) AS turns FROM interviewer_turns WHERE owner = %s "
                                      "GROUP BY session_id", (self.owner,)).fetchall()
        return {row["session_id"]: int(row["turns"]) for row in rows}

    def latest_active(self) -> PostgresSession:
        return latest_active(self.all())

    def _session(self, meta: dict[str, Any]) -> PostgresSession:
        known = set(SessionMeta.__dataclass_fields__)
        return PostgresSession(self._pool, SessionMeta(**{k: v for k, v in meta.items() if k in known}))
