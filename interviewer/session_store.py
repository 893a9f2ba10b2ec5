"""Where practice sessions live: the protocol both stores follow, and the choice between them.

- Files and SQLite under the tool's home (`session.py`): the default, for one person on one machine.
- PostgreSQL (`session_postgres.py`), with `INTERVIEWER_DATABASE_URL` (or `database_url` in config.toml): for a
  team, so a round started on one machine is listed and resumed on another.

Either way a store belongs to one candidate (`owner`) and shows only that candidate's sessions; the graph's
checkpoints live in the same place as the sessions. The practice loop, the terminal and the web page see only
this protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from interviewer.config import Settings
from interviewer.session import SessionMeta, SessionStore, local_user
from interviewer.types import Feedback, Transcript


class StoredSession(Protocol):
    meta: SessionMeta

    @property
    def thread_id(self) -> str: ...

    @property
    def location(self) -> str: ...

    @property
    def log_location(self) -> str: ...

    def save_meta(self) -> None: ...

    def logged_turns(self) -> list[dict[str, Any]]: ...

    def log_turn(self, turn: dict[str, Any]) -> None:
        """Durable when this returns: written before the graph (or a model) hears of it."""
        ...

    def logged_answer(self, turn_id: int) -> dict[str, Any] | None: ...

    def next_question_turn(self) -> int: ...

    def clock_used(self) -> float: ...

    def conversation(self) -> list[dict[str, Any]]: ...

    def finish(self, transcript: Transcript, feedback: Feedback) -> None: ...


class Store(Protocol):
    owner: str

    def create(self, *, round: str, level: str, company: str | None, question: str, minutes: float,
               model: str = "offline") -> StoredSession: ...

    def get(self, session_id: str) -> StoredSession: ...

    def all(self) -> Sequence[StoredSession]:
        """The owner's sessions, oldest first."""
        ...

    def turn_counts(self) -> dict[str, int]:
        """Per session id of the owner, how many turns its log holds (one query, not one per session)."""
        ...

    def latest_active(self) -> StoredSession: ...

    def for_owner(self, owner: str) -> Store:
        """The same place and connections, seen by another candidate."""
        ...

    def checkpointer(self) -> Any: ...

    def close(self) -> None: ...


def open_store(settings: Settings, owner: str | None = None) -> Store:
    """The configured store for `owner` (default: `settings.candidate`, else the local user name)."""
    who = owner or settings.candidate or local_user()
    if settings.database_url:
        from interviewer.session_postgres import PostgresStore

        return PostgresStore(settings.database_url, who)
    return SessionStore(settings.sessions_dir, who)
