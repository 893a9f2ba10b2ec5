"""Practice sessions on disk, under the tool's home: one folder per session.

`transcript.jsonl` is the crash log: every turn is appended (flushed and fsynced) the moment it is shown or
submitted, before the graph hears of it, so a killed process loses no word the candidate submitted. The
graph's own checkpoints live in one SQLite file for all sessions (`checkpoints.sqlite`, one thread per
session). At the end, `transcript.json`, `transcript.md`, `feedback.md` and `feedback.json` are written.

This is the default session store; `session_postgres.py` is the other one (`session_store.py` chooses). A store
shows one candidate (`owner`) only that candidate's sessions.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from interviewer.errors import UserError
from interviewer.feedback import render
from interviewer.sqlite_files import open_sqlite
from interviewer.transcripts import to_json, to_markdown
from interviewer.types import Feedback, Transcript

Status = Literal["active", "finished"]


@dataclass
class SessionMeta:
    id: str
    round: str
    level: str
    company: str | None
    question: str
    minutes: float
    started_at: str
    status: Status = "active"
    model: str = "offline"
    elapsed: float = 0.0
    """Interview seconds used when the candidate last left (a live round's clock goes on from there)."""
    owner: str = ""
    """The candidate it belongs to ("" in a session from before owners: the local user's)."""


_saver_lock = threading.Lock()


def local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def new_session_id() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class TurnLog:
    """What a session's turn log tells, whichever store keeps it (`logged_turns` and `meta` come from it)."""

    meta: SessionMeta

    def logged_turns(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def logged_answer(self, turn_id: int) -> dict[str, Any] | None:
        """The candidate's turn with this id, if the log has it."""
        return next((t for t in self.logged_turns() if t["id"] == turn_id and t["role"] == "candidate"), None)

    def next_question_turn(self) -> int:
        """The id of the interviewer turn the next answer will answer: the last logged turn if it is the
        interviewer's, else the turn that follows the last logged answer."""
        logged = self.logged_turns()
        if not logged:
            return 1
        last = max(logged, key=lambda t: t["id"])
        return last["id"] + 1 if last["role"] == "candidate" else last["id"]

    def clock_used(self) -> float:
        """Interview seconds used so far: when the candidate left, or when their last answer was sent."""
        clocks = [float(t["clock"]) for t in self.logged_turns() if t.get("clock") is not None]
        return max([self.meta.elapsed, *clocks])

    def conversation(self) -> list[dict[str, Any]]:
        """The logged turns in order (one per id)."""
        return sorted({t["id"]: t for t in self.logged_turns()}.values(), key=lambda t: t["id"])


class Session(TurnLog):
    def __init__(self, folder: Path, meta: SessionMeta) -> None:
        self.folder = folder
        self.meta = meta
        self._logged: set[int] | None = None
        self._log_lock = threading.Lock()
        """The candidate's thread and the interviewer's both log turns."""

    @property
    def thread_id(self) -> str:
        """The graph's thread for this session in the checkpointer."""
        return self.meta.id

    @property
    def location(self) -> str:
        """Where its transcript and feedback are, for the candidate."""
        return str(self.folder)

    @property
    def log_location(self) -> str:
        """Where every turn is logged as it happens."""
        return str(self.log_path)

    @property
    def log_path(self) -> Path:
        return self.folder / "transcript.jsonl"

    def save_meta(self) -> None:
        temporary = self.folder / "meta.json.tmp"
        temporary.write_text(json.dumps(asdict(self.meta), indent=2))
        temporary.replace(self.folder / "meta.json")

    def logged_turns(self) -> list[dict[str, Any]]:
        """Turns in the crash log; a line cut short by a crash (or otherwise not a turn) is ignored."""
        if not self.log_path.exists():
            return []
        turns = []
        for line in self.log_path.read_bytes().decode("utf-8", errors="replace").splitlines():
            try:
                logged = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(logged, dict) and isinstance(logged.get("id"), int) and {"role", "text"} <= set(logged):
                turns.append(logged)
        return turns

    def log_turn(self, turn: dict[str, Any]) -> None:
        """Append a turn unless its id is logged already; durable when this returns."""
        with self._log_lock:
            if self._logged is None:
                self._logged = {logged["id"] for logged in self.logged_turns()}
            if turn["id"] in self._logged:
                return
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(turn, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._logged.add(turn["id"])

    def finish(self, transcript: Transcript, feedback: Feedback) -> None:
        (self.folder / "transcript.json").write_text(to_json(transcript), encoding="utf-8")
        (self.folder / "transcript.md").write_text(to_markdown(transcript), encoding="utf-8")
        (self.folder / "feedback.md").write_text(render.to_markdown(feedback), encoding="utf-8")
        (self.folder / "feedback.json").write_text(render.to_json(feedback), encoding="utf-8")
        self.meta.status = "finished"
        self.save_meta()


class SessionStore:
    """Sessions as folders under `root`, checkpoints in one SQLite file beside them."""

    def __init__(self, root: Path, owner: str | None = None) -> None:
        self.root = root
        self.owner = owner or local_user()
        self._saver: Any = None
        self._shares_saver = False

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints.sqlite"

    def for_owner(self, owner: str) -> SessionStore:
        """The same folder and checkpoint connection, seen by another candidate."""
        other = SessionStore(self.root, owner)
        other._saver = self.checkpointer()
        other._shares_saver = True
        return other

    def checkpointer(self) -> Any:
        """The graph's checkpointer, shared by every session of this store (one connection, thread-safe)."""
        with _saver_lock:
            return self._open_saver()

    def _open_saver(self) -> Any:
        if self._saver is None:
            from langgraph.checkpoint.sqlite import SqliteSaver

            # WAL with synchronous=NORMAL survives a killed process (only a power cut can lose the last commit),
            # and spares an fsync per checkpoint. A damaged file is set aside (sessions resume from their logs).
            connection = open_sqlite(self.checkpoints, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")
            self._saver = SqliteSaver(connection)
        return self._saver

    def close(self) -> None:
        if self._saver is not None and not self._shares_saver:
            self._saver.conn.close()
            self._saver = None

    def _visible(self, meta: SessionMeta) -> bool:
        return meta.owner == self.owner or (not meta.owner and self.owner == local_user())

    def create(self, *, round: str, level: str, company: str | None, question: str, minutes: float,
               model: str = "offline") -> Session:
        session_id = new_session_id()
        folder = self.root / session_id
        folder.mkdir(parents=True)
        session = Session(folder, SessionMeta(session_id, round, level, company, question, minutes,
                                              datetime.now(UTC).isoformat(timespec="seconds"), model=model,
                                              owner=self.owner))
        session.save_meta()
        return session

    def get(self, session_id: str) -> Session:
        folder = self.root / session_id
        meta_path = folder / "meta.json"
        if not meta_path.exists():
            matches = sorted(p.name for p in self.root.glob(f"{session_id}*") if (p / "meta.json").exists())
            if len(matches) != 1:
                raise UserError(f"no session {session_id!r} (see 'interviewer sessions')")
            folder, meta_path = self.root / matches[0], self.root / matches[0] / "meta.json"
        try:
            session = Session(folder, SessionMeta(**json.loads(meta_path.read_text())))
        except (OSError, json.JSONDecodeError, TypeError):
            raise UserError(f"{meta_path}: unreadable session metadata") from None
        if not self._visible(session.meta):
            raise UserError(f"no session {session_id!r} (see 'interviewer sessions')")
        return session

    def all(self) -> list[Session]:
        """Every readable session, oldest first (a folder with broken metadata is left out)."""
        if not self.root.exists():
            return []
        sessions = []
        for folder in sorted(self.root.iterdir()):
            if (folder / "meta.json").exists():
                try:
                    sessions.append(self.get(folder.name))
                except UserError:
                    continue
        return sorted(sessions, key=lambda s: s.meta.started_at)

    def turn_counts(self) -> dict[str, int]:
        return {session.meta.id: len(session.logged_turns()) for session in self.all()}

    def latest_active(self) -> Session:
        return latest_active(self.all())


class _WithMeta(Protocol):
    meta: SessionMeta


S = TypeVar("S", bound=_WithMeta)


def latest_active(sessions: list[S]) -> S:
    """The newest unfinished session of a store's `all()`."""
    active = [s for s in sessions if s.meta.status == "active"]
    if not active:
        raise UserError("no unfinished session to resume (start one with 'interviewer practice')")
    return active[-1]
