"""How the sandbox's child process is isolated from the machine: the layer under `runner.py`'s own guards.

- `process` (the default, for one person running their own code): a separate process in a fresh temporary
  directory with a cleared environment; `runner.py` caps CPU, memory and file sizes and refuses network,
  processes and writes outside its directory at the Python level. That is no boundary against someone else's
  code: it can still read any file the user can.
- `bwrap` (what `interviewer serve` uses, and any command with `INTERVIEWER_SANDBOX=bwrap`): Debian's bubblewrap puts
  the child in new user, mount, PID, network, IPC, UTS and cgroup namespaces. It sees a read-only /usr, the
  Python environment (read-only), the runner, and a small size-limited tmpfs as its working directory, and
  nothing else: no /etc, no home, no other session's folder, no process of the server (its own /proc), no
  network (its own empty namespace; a service under test accepts on a socket the parent opened and passed in).
  Its environment is cleared. `prlimit` sets hard limits on CPU time, address space, file size and the number
  of processes before bubblewrap starts, so nothing inside can raise them. Run as root, the server also drops
  each child to a fresh unprivileged user id (no files, no other processes share it).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Mode = Literal["process", "bwrap"]
MODES: tuple[Mode, ...] = ("process", "bwrap")
INSIDE = "/box"
"""The child's working directory inside bubblewrap (a tmpfs)."""
RUNNER_INSIDE = "/sandbox/runner.py"
DISK_MB = 64
"""Size of the child's tmpfs: all it can write, together."""
PROCESSES = 32
"""Processes (and threads) the child's user may have at once."""
UID_RANGE = (200_000, 260_000)
"""Unprivileged user ids a root server gives its children (none of them has a file or a process here)."""

_mode: list[Mode] = ["process"]


def use(mode: Mode) -> None:
    """Choose the isolation for every child this process starts from now on."""
    _mode[0] = mode


def current() -> Mode:
    return _mode[0]


def unavailable() -> str | None:
    """Why bubblewrap cannot isolate a child here, in one line; None when it can."""
    for tool, package in (("bwrap", "bubblewrap"), ("prlimit", "util-linux")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: apt-get install {package})"
    probe = subprocess.run(["bwrap", *_mounts(), "--", sys.executable, "-I", "-c", "pass"],
                           capture_output=True, text=True, timeout=30, **_user_options())
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"bubblewrap cannot create namespaces here: {last}"
    return None


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_mb: int
    file_mb: int
    processes: int = PROCESSES


@dataclass
class Launch:
    """How to start one child: the command line, its working directory, environment and Popen options."""

    argv: list[str]
    cwd: str
    env: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)
    signal_offset: int = 0
    """bubblewrap exits with 128 + the signal that killed the child: add this back to read it."""

    def returncode(self, code: int) -> int:
        return -(code - self.signal_offset) if self.signal_offset and code > self.signal_offset else code


def launch(runner: Path, workdir: str, env: dict[str, str], limits: Limits) -> Launch:
    """The child running `runner` with the current isolation; `workdir` is a fresh host directory."""
    python = [sys.executable, "-I"]
    if current() == "process":
        return Launch([*python, str(runner)], workdir, {**env, "HOME": workdir, "TMPDIR": workdir})
    rlimits = [f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}", f"--as={limits.memory_mb << 20}",
               f"--fsize={limits.file_mb << 20}", f"--nproc={_processes(limits.processes)}", "--core=0"]
    inside = {**env, "HOME": INSIDE, "TMPDIR": INSIDE}
    variables = [part for key, value in inside.items() for part in ("--setenv", key, value)]
    argv = ["prlimit", *rlimits, "--", "bwrap", *_mounts(), "--ro-bind", str(runner), RUNNER_INSIDE,
            "--chdir", INSIDE, "--clearenv", *variables, "--", *python, RUNNER_INSIDE]
    return Launch(argv, "/", {}, _user_options(), signal_offset=128)


def _mounts() -> list[str]:
    """Namespaces and the file system the child sees (read-only but for its tmpfs)."""
    mounts = ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
              "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            mounts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            mounts += ["--ro-bind", str(path), str(path)]
    if Path("/etc/ld.so.cache").exists():
        mounts += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for prefix in dict.fromkeys((sys.base_prefix, sys.prefix)):
        if not prefix.startswith("/usr"):
            mounts += ["--ro-bind", prefix, prefix]
    mounts += ["--proc", "/proc", "--dev", "/dev", "--size", str(1 << 20), "--tmpfs", "/dev/shm",
               "--size", str(DISK_MB << 20), "--tmpfs", INSIDE, "--remount-ro", "/dev", "--remount-ro", "/"]
    return mounts


def _user_options() -> dict[str, Any]:
    """Run as root, the child gets an unprivileged user id of its own; otherwise the server's own (inside a
    user namespace, with no capability)."""
    if os.geteuid() != 0:
        return {}
    uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
    return {"user": uid, "group": uid, "extra_groups": []}


def _processes(allowed: int) -> int:
    """The process limit counts every process of the user: a child with a user id of its own starts from none,
    one running as the server's user from all the user has now."""
    if os.geteuid() == 0:
        return allowed
    uid = str(os.geteuid())
    running = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        running += line.split()[1] == uid
    return running + allowed
