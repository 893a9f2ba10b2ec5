"""Throw-away team engines on free loopback ports, for tests, benchmarks and trying team mode on one machine:
a PostgreSQL cluster (Debian's `postgresql` package) and a Chroma server (`chroma run` from this environment).

PostgreSQL refuses to run as root: run as root, the cluster is created and started as the `postgres` user
(`runuser`), in a temporary folder that user owns. Each is stopped, and its folder removed, on leaving the
context. A missing binary raises `EngineMissing` with one line saying what to install.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class EngineMissing(Exception):
    """An engine's program is not installed here."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise EngineMissing("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return Path(found[-1]).parent


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster; yields its URL (database `postgres`, trust authentication on loopback)."""
    binaries = postgres_bin()
    as_root = os.geteuid() == 0
    if as_root and shutil.which("runuser") is None:
        raise EngineMissing("runuser is not installed (Debian: apt-get install util-linux)")
    folder = tempfile.mkdtemp(prefix="interviewer-pg-")
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    data, port = os.path.join(folder, "data"), free_port()
    ctl = [*prefix, str(binaries / "pg_ctl"), "-D", data]
    try:
        subprocess.run([*prefix, str(binaries / "initdb"), "-D", data, "--auth=trust", "-U", "postgres",
                        "--no-sync"], check=True, capture_output=True)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run([*ctl, "-o", options, "-l", os.path.join(folder, "log"), "-w", "start"], check=True,
                       capture_output=True)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def chroma_program() -> str:
    program = Path(sys.executable).with_name("chroma")
    if not program.exists():
        raise EngineMissing(f"{program} is missing (pip install chromadb)")
    return str(program)


@contextmanager
def chroma_server(timeout: float = 60.0) -> Iterator[str]:
    """A fresh `chroma run` server; yields its URL once it answers its heartbeat."""
    program = chroma_program()
    folder, port = tempfile.mkdtemp(prefix="interviewer-chroma-"), free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([program, "run", "--path", folder, "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "RUST_LOG": "warn"})
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start on port {port}") from None
                time.sleep(0.2)
        yield url
    finally:
        _stop(process, 10)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def served(env: dict[str, str], timeout: float = 120.0, log_path: Path | None = None) -> Iterator[str]:
    """`interviewer serve --port 0` in a child process with `env`; yields its URL once it listens (its messages
    go to a file, `log_path` if given, so nothing it logs can fill a pipe and stall it)."""
    with open(log_path, "w+") if log_path else tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen([sys.executable, "-m", "interviewer", "serve", "--port", "0"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                log.seek(0)
                text = log.read()
                if "serving on http://" in text:
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"interviewer serve did not start: {text.strip()}")
                time.sleep(0.1)
            yield text.split("serving on ")[1].split()[0]
        finally:
            _stop(process, 30)


def _stop(process: subprocess.Popen[Any], grace: float) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
