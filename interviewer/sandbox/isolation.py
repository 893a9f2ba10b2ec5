"""How the sandbox's child process is isolated from the machine: the layer under `runner.py`'s own guards.

- `process` (the default, for one person running their own code): a separate process in a fresh temporary
  directory with a cleared environment; `runner.py` caps CPU, memory and file sizes and refuses network,
  processes and writes outside its directory at the Python level. That is no boundary against someone else's
  code: it can still read any file the user can.
- `bwrap` (what `interviewer serve` uses, and any command with `INTERVIEWER_SANDBOX=bwrap`): Debian's
  bubblewrap puts the child in new mount, PID, network, IPC, UTS and cgroup namespaces. It sees a read-only /usr, the
  Python environment (read-only), the runner, and a small size-limited tmpfs as its working directory, and
  nothing else: no /etc, no home, no other session's folder, no process of the server (its own /proc), no
  network (its own empty namespace; a service under test accepts on a socket the parent opened and passed in).
  Its environment is cleared. `prlimit` sets hard limits on CPU time, address space, file size and the number
  of processes before bubblewrap starts, so nothing inside can raise them. Run as root, the server drops each
  child to a fresh unprivileged user id with no capability (`setpriv`): no file here is its own and no other
  process shares its id or its process limit. Run as another user, the child is that user inside a new user
  namespace with no capability.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

Mode = Literal["process", "bwrap"]
INSIDE = "/box"
"""The child's working directory inside bubblewrap (a tmpfs)."""
RUNNER_INSIDE = "/sandbox/runner.py"
DISK_MB = 64
"""Size of the child's tmpfs: all it can write, together."""
PROCESSES = 32
"""Processes (and threads) the child's user may have at once."""
UID_RANGE = (200_000, 260_000)
"""Unprivileged user ids a root server gives its children (none of them has a file or a process here)."""

_mode: list[Mode | None] = [None]


def use(mode: Mode | None) -> None:
    """Choose the isolation for every child this process starts from now on (`serve` chooses bwrap); None goes
    back to the settings'."""
    _mode[0] = mode


def current() -> Mode:
    """The chosen isolation; until something chooses, the settings' (`INTERVIEWER_SANDBOX=bwrap` turns it on in
    every entry point: the CLI, the LangGraph server's graph, a test)."""
    chosen = _mode[0]
    if chosen is not None:
        return chosen
    from interviewer.config import get_settings

    return "bwrap" if get_settings().sandbox == "bwrap" else "process"


def unavailable() -> str | None:
    """Why bubblewrap cannot isolate a child here, in one line; None when it can."""
    for tool, package in (("bwrap", "bubblewrap"), ("prlimit", "util-linux"), ("setpriv", "util-linux")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: apt-get install {package})"
    with tempfile.NamedTemporaryFile("w", suffix=".py") as probe_file:
        probe_file.write("pass\n")
        probe_file.flush()
        os.chmod(probe_file.name, 0o644)
        probe = _bwrap(Path(probe_file.name), {"LANG": "C.UTF-8"}, Limits(5, 512, 1))
        done = subprocess.run(probe.argv, capture_output=True, text=True, timeout=30, cwd=probe.cwd, env=probe.env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        return f"bubblewrap cannot isolate a process here: {last}"
    return None


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    memory_mb: int
    file_mb: int
    processes: int = PROCESSES


@dataclass
class Launch:
    """How to start one child: the command line, its working directory and environment."""

    argv: list[str]
    cwd: str
    env: dict[str, str]
    signal_offset: int = 0
    """bubblewrap exits with 128 + the signal that killed the child: add this back to read it."""

    def returncode(self, code: int) -> int:
        return -(code - self.signal_offset) if self.signal_offset and code > self.signal_offset else code


def launch(runner: Path, workdir: str, env: dict[str, str], limits: Limits) -> Launch:
    """The child running `runner` with the current isolation; `workdir` is a fresh host directory."""
    if current() == "process":
        return Launch([sys.executable, "-I", str(runner)], workdir, {**env, "HOME": workdir, "TMPDIR": workdir})
    return _bwrap(runner, env, limits)


def _bwrap(runner: Path, env: dict[str, str], limits: Limits) -> Launch:
    """prlimit, then bubblewrap, then (for a root server) setpriv down to a fresh unprivileged user id."""
    rlimits = [f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}", f"--as={limits.memory_mb << 20}",
               f"--fsize={limits.file_mb << 20}", f"--nproc={_processes(limits.processes)}", "--core=0"]
    inside = {**env, "HOME": INSIDE, "TMPDIR": INSIDE}
    variables = [part for key, value in inside.items() for part in ("--setenv", key, value)]
    python = [sys.executable, "-I", RUNNER_INSIDE]
    if os.geteuid() == 0:
        # Root sets up the mounts without a user namespace, keeps only the right to change user, and setpriv
        # gives that up for good: the child is an ordinary user with no capability and no way back.
        uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
        keep = [part for cap in ("SETUID", "SETGID", "SETPCAP") for part in ("--cap-add", f"CAP_{cap}")]
        namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                      "--cap-drop", "ALL", *keep]
        python = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--bounding-set=-all",
                  "--inh-caps=-all", "--no-new-privs", "--", *python]
    else:
        namespaces = ["--unshare-all", "--cap-drop", "ALL"]
    # --as-pid-1: no reaper process between bubblewrap and the child, so the child's CPU time reaches the parent
    # through wait4 (and the whole namespace dies with it).
    argv = ["prlimit", *rlimits, "--", "bwrap", *namespaces, "--as-pid-1", "--die-with-parent", "--new-session",
            *_mounts(runner), "--chdir", INSIDE, "--clearenv", *variables, "--", *python]
    return Launch(argv, "/", {}, signal_offset=128)


def _mounts(runner: Path) -> list[str]:
    """The file system the child sees: read-only but for its tmpfs."""
    binds = [("/usr", "/usr")]
    links = []
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            links += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            binds.append((str(path), str(path)))
    if Path("/etc/ld.so.cache").exists():
        binds.append(("/etc/ld.so.cache", "/etc/ld.so.cache"))
    prefixes = dict.fromkeys((sys.base_prefix, sys.prefix))
    binds += [(prefix, prefix) for prefix in prefixes if not prefix.startswith("/usr")]
    binds.append((str(runner), RUNNER_INSIDE))
    parents = dict.fromkeys(str(parent) for _, target in binds for parent in reversed(PurePosixPath(target).parents)
                            if str(parent) != "/")
    # bubblewrap makes missing parent folders private to root: an unprivileged child could not walk through them
    folders = [part for parent in parents for part in ("--perms", "0755", "--dir", parent)]
    mounts = [*links, *folders, *[part for source, target in binds for part in ("--ro-bind", source, target)]]
    return [*mounts, "--proc", "/proc", "--dev", "/dev", "--size", str(1 << 20), "--tmpfs", "/dev/shm",
            "--perms", "0777", "--size", str(DISK_MB << 20), "--tmpfs", INSIDE, "--remount-ro", "/dev",
            "--remount-ro", "/"]


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
