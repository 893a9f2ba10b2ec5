"""The OS sandbox (bubblewrap) under the sandbox's child: code that tries to escape fails even with every Python
guard of the runner out of the way, and the sandbox still judges code as it does without it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from interviewer.catalog import Catalog
from interviewer.sandbox import isolation, run_code_tests

from . import test_sandbox, test_sandbox_service

SECRET = "INTERVIEWER_TEST_SERVER_SECRET"


@pytest.fixture
def bwrap() -> Iterator[None]:
    missing = [tool for tool in ("bwrap", "prlimit", "setpriv") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: apt-get install bubblewrap util-linux)")
    assert isolation.unavailable() is None
    isolation.use("bwrap")
    yield
    isolation.use(None)


def test_the_setting_chooses_bubblewrap_in_every_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """`INTERVIEWER_SANDBOX=bwrap` holds wherever code runs (the LangGraph server's graph has no CLI callback)."""
    from interviewer.config import get_settings

    isolation.use(None)
    for setting in ("bwrap", "process"):
        monkeypatch.setenv("INTERVIEWER_SANDBOX", setting)
        get_settings.cache_clear()
        assert isolation.current() == setting
    isolation.use("bwrap")
    assert isolation.current() == "bwrap"
    isolation.use(None)
    get_settings.cache_clear()


def escape(tmp_path: Path, body: str, limits: isolation.Limits | None = None) -> dict[str, Any]:
    """Run `body` (which fills the dict `found`) as the whole program inside bubblewrap: no runner, no audit hook,
    no limit but the layer's own."""
    program = tmp_path / "attack.py"
    program.write_text("import json, os, socket, sys\nfound = {}\n" + textwrap.dedent(body)
                       + "\nprint(json.dumps(found))\n")
    program.chmod(0o644)
    launch = isolation.launch(program, str(tmp_path), {"LANG": "C.UTF-8"}, limits or isolation.Limits(10, 512, 16))
    done = subprocess.run(launch.argv, cwd=launch.cwd, env=launch.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_files_outside_are_out_of_sight(bwrap: None, tmp_path: Path, isolated_home: Path) -> None:
    config = isolated_home / "config.toml"
    config.write_text('model = "openai/gpt-4o-mini"\n')
    other_session = Path(os.environ.get("TMPDIR", "/tmp")) / "interviewer-sandbox-other"
    other_session.mkdir(exist_ok=True)
    (other_session / "solution.py").write_text("secret = 1\n")
    try:
        found = escape(tmp_path, f"""
            for path in ["/etc/passwd", "/etc/shadow", {str(config)!r}, {str(other_session / "solution.py")!r},
                         "/root/.bash_history", "/proc/1/root/etc/passwd"]:
                try:
                    found[path] = open(path).read()[:20]
                except OSError as error:
                    found[path] = type(error).__name__
            found["root"] = sorted(os.listdir("/"))
            try:
                found["project"] = open({str(Path(__file__).resolve())!r}).read()[:20]
            except OSError as error:
                found["project"] = type(error).__name__
            found["uid"] = os.getuid()
            try:
                open("/usr/escape.txt", "w")
                found["write"] = "written"
            except OSError as error:
                found["write"] = type(error).__name__
        """)
    finally:
        shutil.rmtree(other_session)
    for path in ("/etc/passwd", "/etc/shadow", str(config), str(other_session / "solution.py"),
                 "/root/.bash_history", "/proc/1/root/etc/passwd"):
        assert found[path] in {"FileNotFoundError", "PermissionError"}, (path, found[path])
    # The interpreter's own folders are bound read-only (a clone's venv may live anywhere, /check/.venv on CI);
    # nothing else of the machine shows at the top.
    interpreter_roots = {PurePosixPath(prefix).parts[1] for prefix in (sys.prefix, sys.base_prefix)}
    assert set(found["root"]) <= {"usr", "bin", "lib", "lib64", "sbin", "etc", "proc", "dev", "box", "sandbox",
                                  "root", *interpreter_roots}
    assert found["project"] == "FileNotFoundError"
    assert "tmp" not in found["root"]
    assert found["uid"] != 0 and found["uid"] != os.getuid()
    assert found["write"] in {"OSError", "PermissionError"}


def test_no_network_not_even_the_servers_loopback(bwrap: None, tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        found = escape(tmp_path, f"""
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2)
                found["loopback"] = "connected"
            except OSError as error:
                found["loopback"] = type(error).__name__
            found["interfaces"] = [name for _, name in socket.if_nameindex()]
        """)
    assert found["loopback"] == "ConnectionRefusedError"  # its own, empty loopback
    assert found["interfaces"] == ["lo"]


def test_the_servers_environment_is_out_of_reach(bwrap: None, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET, "s3cr3t-database-password")
    found = escape(tmp_path, f"""
        found["env"] = sorted(os.environ)
        leaks = []
        for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
            try:
                if b"s3cr3t" in open(f"/proc/{{pid}}/environ", "rb").read():
                    leaks.append(pid)
            except OSError:
                pass
        found["leaks"] = leaks
        found["server"] = os.path.exists("/proc/{os.getpid()}/environ")
        found["pids"] = len([p for p in os.listdir("/proc") if p.isdigit()])
    """)
    assert SECRET not in found["env"] and found["leaks"] == []
    assert not found["server"] and found["pids"] <= 3  # only the sandbox's own processes are visible


def test_a_fork_bomb_stops_at_the_process_limit(bwrap: None, tmp_path: Path) -> None:
    found = escape(tmp_path, """
        import time
        children = 0
        try:
            while children < 500:
                if os.fork() == 0:
                    time.sleep(3)
                    os._exit(0)
                children += 1
            found["error"] = None
        except OSError as error:
            found["error"] = type(error).__name__
        found["children"] = children
    """, isolation.Limits(10, 512, 16, processes=16))
    assert found["error"] == "BlockingIOError" and found["children"] < 16


def test_the_disk_fills_up_at_the_sandboxes_own_size(bwrap: None, tmp_path: Path) -> None:
    found = escape(tmp_path, """
        written = 0
        try:
            for n in range(1000):
                with open(f"/box/fill-{n}", "wb") as handle:
                    for _ in range(8):
                        handle.write(b"x" * (1 << 20))
                        written += 1 << 20
        except OSError as error:
            found["error"] = type(error).__name__ + " " + str(error.errno)
        found["written_mb"] = written >> 20
        try:
            open("/dev/shm/fill", "wb").write(b"x" * (4 << 20))
            found["shm"] = "written"
        except OSError as error:
            found["shm"] = type(error).__name__
    """)
    assert found["error"] == "OSError 28"  # no space left on device
    assert found["written_mb"] <= isolation.DISK_MB
    assert found["shm"] in {"OSError", "PermissionError"}


def test_a_file_larger_than_the_limit_is_cut(bwrap: None, tmp_path: Path) -> None:
    found = escape(tmp_path, """
        import signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        try:
            open("/box/big", "wb").write(b"x" * (3 << 20))
            found["error"] = None
        except OSError as error:
            found["error"] = error.errno
    """, isolation.Limits(10, 512, 2))
    assert found["error"] == 27  # file too large


def test_candidate_code_reading_a_file_outside_fails_through_the_whole_sandbox(bwrap: None) -> None:
    spec = test_sandbox._toy_spec()
    code = "def double(x):\n    return open('/etc/passwd').read()[:4]\n"
    report = run_code_tests(code, spec)
    assert {r.status for r in report.results} == {"error"}
    assert report.results[0].detail.startswith("FileNotFoundError")


SAME_UNDER_BWRAP: list[Callable[..., None]] = [
    test_sandbox.test_the_expected_values_never_reach_the_child,
    test_sandbox.test_asyncio_and_threads_work_but_local_sockets_cannot_connect,
    test_sandbox.test_cpu_time_is_measured_per_child,
    test_sandbox.test_an_infinite_loop_ends_too_slow,
    test_sandbox.test_code_that_sleeps_hits_the_wall_clock_limit,
    test_sandbox.test_an_infinite_loop_at_import_time_is_too_slow,
    test_sandbox.test_new_processes_are_refused,
    test_sandbox.test_exiting_is_reported,
    test_sandbox_service.test_a_working_service_passes_and_a_broken_one_names_the_failing_request,
    test_sandbox_service.test_the_service_has_no_network_besides_its_port,
    test_sandbox_service.test_a_request_that_never_returns_is_too_slow,
    test_sandbox_service.test_a_service_that_exits_is_reported,
]


@pytest.mark.parametrize("check", SAME_UNDER_BWRAP, ids=lambda check: check.__name__)
def test_the_sandbox_judges_the_same_under_bubblewrap(bwrap: None, check: Callable[..., None],
                                                      catalog: Catalog) -> None:
    if "catalog" in check.__code__.co_varnames[:check.__code__.co_argcount]:
        check(catalog)
    else:
        check()


@pytest.mark.parametrize("body", ["    return bytearray(50 * 1024 ** 3)\n",
                                  "    hoard = []\n    while True:\n        hoard.append(bytearray(10 * 1024 ** 2))\n"])
def test_a_memory_hog_is_stopped_under_bubblewrap(bwrap: None, body: str) -> None:
    test_sandbox.test_a_memory_hog_is_stopped_without_harming_the_parent(body)


@pytest.mark.parametrize("question_id", ["code-attention", "code-kmeans"])
def test_numpy_solutions_pass_under_bubblewrap(bwrap: None, catalog: Catalog, question_id: str) -> None:
    test_sandbox.test_the_reference_passes_every_test(catalog, question_id)


def _sandboxed_programs() -> set[int]:
    """Processes running the sandbox's child program (its path inside bubblewrap)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if state != "Z" and isolation.RUNNER_INSIDE.encode() in command:
                found.add(int(entry.name))
    return found


def test_a_child_stopped_at_the_wall_clock_limit_leaves_nothing_running(bwrap: None) -> None:
    """Stopping bubblewrap used to leave the candidate's sleeping program behind, orphaned, for ever: it sits in
    a session of its own, and the change to the sandbox's user cleared its parent-death signal."""
    before = _sandboxed_programs()
    test_sandbox.test_code_that_sleeps_hits_the_wall_clock_limit()
    deadline = time.monotonic() + 5
    while (left := _sandboxed_programs() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left
