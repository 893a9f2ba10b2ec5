"""The SQLite files the tool keeps in its home (embedding cache, model-call cache, interview checkpoints), opened
so that a damaged one never stops the tool: it is set aside as `<name>.damaged` (nothing is deleted) and a fresh
file takes its place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """Not a database, or a malformed one (as opposed to busy, locked or read-only)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return type(error) is sqlite3.DatabaseError or name.startswith(_DAMAGE)


def set_aside(path: Path) -> Path:
    """Move a damaged database (and its journal files) out of the way; returns where it went."""
    target = path.with_name(path.name + ".damaged")
    for suffix in ("-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if path.exists():
        path.replace(target)
    return target


def open_sqlite(path: Path, *statements: str, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection to `path` with `statements` run (pragmas, CREATE TABLE IF NOT EXISTS). A file that is not a
    sound database is set aside and a fresh one opened; other errors (busy, read-only) are raised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        db = sqlite3.connect(path, check_same_thread=False, timeout=timeout)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            for statement in statements:
                db.execute(statement)
            db.commit()
            return db
        except sqlite3.DatabaseError as error:
            db.close()
            if attempt or not is_damage(error):
                raise
            set_aside(path)
    raise AssertionError("unreachable")
