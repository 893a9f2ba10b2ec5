"""One run of the sandbox's child program (`runner.py`): start it in a fresh temporary directory, hand it the
payload, read its records against a wall-clock deadline, stop it, and reap it with its own resource usage.

The CPU time is this child's alone (`os.wait4`), never the whole process's `RUSAGE_CHILDREN`, so runs going on
at the same time (an eval's concurrent cases) do not charge each other.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import selectors
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.sandbox import isolation

RUNNER = Path(__file__).with_name("runner.py")
FILE_LIMIT_MB = 16
"""Largest file the candidate's code may write (inside the temporary directory)."""
OUTPUT_CAP = 8 * 1024 * 1024
"""The child's output beyond this is not read (a flood is stopped, not buffered)."""
_ENV = {"PATH": os.defpath, "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Ending:
    """How the child ended."""

    returncode: int
    cpu_seconds: float
    """User plus system CPU time of this child."""
    wall_timeout: bool
    stderr: str

    def killed_by(self, signum: int) -> bool:
        return self.returncode == -signum


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children ...), read from /proc; none where there is no /proc.
    Killing bubblewrap left the sandboxed program running: it sits in its own session, and changing to the
    sandbox's user cleared the parent-death signal that would have ended it."""
    children: dict[int, list[int]] = {}
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return []
    for name in entries:
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(name))
    found: list[int] = []
    waiting = [pid]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.append(child)
            waiting.append(child)
    return found


class Child:
    """The child program running on one payload. Use as a context manager: leaving it stops the child."""

    def __init__(self, payload: dict[str, Any], *, wall_limit: float, pass_fds: tuple[int, ...] = ()) -> None:
        self.nonce = secrets.token_hex(8)
        self._deadline = time.monotonic() + wall_limit
        self._folder = tempfile.TemporaryDirectory(prefix="interviewer-sandbox-")
        limits = isolation.Limits(cpu_seconds=max(1, math.ceil(payload["time_limit"])),
                                  memory_mb=payload["memory_mb"], file_mb=FILE_LIMIT_MB)
        self._launch = isolation.launch(RUNNER, self._folder.name, _ENV, limits)
        self.process = subprocess.Popen(
            self._launch.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=self._launch.cwd, env=self._launch.env, start_new_session=True, pass_fds=pass_fds)
        self._buffer = b""
        self._stderr = b""
        self._read = 0
        self._open = {"stdout", "stderr"}
        self._selector = selectors.DefaultSelector()
        assert self.process.stdout is not None and self.process.stderr is not None
        for stream, name in ((self.process.stdout, "stdout"), (self.process.stderr, "stderr")):
            os.set_blocking(stream.fileno(), False)
            self._selector.register(stream, selectors.EVENT_READ, name)
        self.wall_timeout = False
        self._ending: Ending | None = None
        self._send({**payload, "nonce": self.nonce, "file_limit_mb": FILE_LIMIT_MB})

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _send(self, payload: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(payload).encode("utf-8"))
            self.process.stdin.close()
        except BrokenPipeError:  # the child died before reading: its ending says why
            pass

    def records(self, *, until: float | None = None) -> list[dict[str, Any]]:
        """Records the child reports until it closes its output (or `until`, a monotonic time, or the wall
        deadline, whichever comes first). Lines without the nonce are ignored."""
        stop = min(self._deadline, until) if until is not None else self._deadline
        records: list[dict[str, Any]] = []
        while self._open:
            records += self._complete_lines()
            left = stop - time.monotonic()
            if left <= 0:
                self.wall_timeout = stop == self._deadline
                break
            for key, _ in self._selector.select(timeout=left):
                self._read_from(key.fileobj, key.data)
        return records + self._complete_lines()

    def next_record(self, *, until: float) -> dict[str, Any] | None:
        """The next record, or None when the child ends or the time runs out first."""
        stop = min(self._deadline, until)
        while True:
            found = self._complete_lines(limit=1)
            if found:
                return found[0]
            left = stop - time.monotonic()
            if not self._open or left <= 0:
                self.wall_timeout = self.wall_timeout or (left <= 0 and stop == self._deadline)
                return None
            for key, _ in self._selector.select(timeout=left):
                self._read_from(key.fileobj, key.data)

    def drain(self) -> list[dict[str, Any]]:
        """The records already written, without waiting for more (the app's exception is reported before its
        error response is sent, so it is here once the response has been read)."""
        if self._open:
            for key, _ in self._selector.select(timeout=0):
                self._read_from(key.fileobj, key.data)
        return self._complete_lines()

    def _read_from(self, stream: Any, name: str) -> None:
        try:
            chunk = os.read(stream.fileno(), 65536)
        except BlockingIOError:
            return
        if not chunk or self._read > OUTPUT_CAP:
            self._selector.unregister(stream)
            self._open.discard(name)
            return
        self._read += len(chunk)
        if name == "stdout":
            self._buffer += chunk
        else:
            self._stderr = (self._stderr + chunk)[-4096:]

    def _complete_lines(self, limit: int | None = None) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while b"\n" in self._buffer and (limit is None or len(records) < limit):
            line, self._buffer = self._buffer.split(b"\n", 1)
            text = line.decode("utf-8", "replace")
            if not text.startswith(self.nonce):
                continue
            try:
                record = json.loads(text[len(self.nonce):])
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
        return records

    def stop(self, grace: float = 0.0) -> Ending:
        """Kill the child's process group and reap it with its resource usage; with `grace`, a child that is
        ending by itself (behind bubblewrap it takes a moment) is given that long to exit with its own status."""
        if self._ending is not None:
            return self._ending
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and os.waitid(os.P_PID, self.process.pid,
                                                         os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            time.sleep(0.01)  # (WNOWAIT: it is reaped below, with its resource usage)
        strays = descendants(self.process.pid)  # found before the kill: after it they belong to init
        try:  # also when its output is closed: the candidate's code may have closed it and kept running
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in strays:  # bubblewrap puts the child in a session of its own, out of the group's reach
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = self._launch.returncode(os.waitstatus_to_exitcode(status))  # reaped here
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self._selector.close()
        self._folder.cleanup()
        self._ending = Ending(returncode=self.process.returncode, cpu_seconds=usage.ru_utime + usage.ru_stime,
                              wall_timeout=self.wall_timeout, stderr=self._stderr.decode("utf-8", "replace"))
        return self._ending

    def alive(self) -> bool:
        return bool(self._open)
