"""Run a candidate's ML coding answer against a question's hidden tests, in a separate, limited process.

`run_code_tests` starts `python -I -c <runner>` in a fresh temporary directory and sends it the code and the
tests as JSON on stdin. Before the candidate's code runs, the child caps its own CPU time (RLIMIT_CPU), address
space (RLIMIT_AS) and file sizes, replaces the socket API with functions that raise, refuses imports of network
client modules, and installs an audit hook that refuses new processes, sockets and writes outside the temporary
directory. Every test is evaluated and compared on its own; its result goes back to the parent as one JSON line
as soon as it is known, so a run killed by a limit still reports the tests that finished before it.

`extract_code` pulls the code out of a pasted answer (fenced blocks or bare lines).
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import textwrap
from typing import Any, Literal

from interviewer.types import CodeSpec, Strict

TestStatus = Literal["passed", "failed", "error", "too slow"]
TestKind = Literal["basic", "edge", "performance"]

WALL_FACTOR = 2.0
"""The parent kills the child after `time_limit * WALL_FACTOR + WALL_SLACK` seconds of wall-clock time (catches
code that sleeps or blocks rather than burning CPU)."""
WALL_SLACK = 2.0
FILE_LIMIT_MB = 16
"""Largest file the candidate's code may write (inside the temporary directory)."""


class CodeTestResult(Strict):
    name: str
    kind: TestKind
    status: TestStatus
    detail: str = ""
    """Why it did not pass: got and expected values, the exception, or the limit that was hit."""


class CodeReport(Strict):
    results: list[CodeTestResult]
    passed: int
    total: int

    @classmethod
    def from_results(cls, results: list[CodeTestResult]) -> CodeReport:
        return cls(results=results, passed=sum(r.status == "passed" for r in results), total=len(results))

    @property
    def all_passed(self) -> bool:
        return self.passed == self.total

    def summary(self) -> str:
        """One line, e.g. "5/8 tests passed; failed: empty input (edge); too slow: large input (performance)"."""
        parts = [f"{self.passed}/{self.total} tests passed"]
        for status in ("failed", "error", "too slow"):
            named = [f"{r.name} ({r.kind})" for r in self.results if r.status == status]
            if named:
                parts.append(f"{status}: {', '.join(named)}")
        return "; ".join(parts)


# --- the child process ---------------------------------------------------------------------------------------

_RUNNER = r'''
import builtins, gc, json, math, numbers, os, reprlib, resource, signal, sys

def main():
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    nonce, entry, tests = payload["nonce"], payload["entry"], payload["tests"]
    workdir = os.path.realpath(os.getcwd())
    sys.dont_write_bytecode = True
    out_fd = os.dup(1)
    err_fd[0] = os.dup(2)
    devnull = os.open(os.devnull, os.O_RDWR)

    def emit(record):
        data = (nonce + json.dumps(record) + "\n").encode("utf-8")
        while data:
            data = data[os.write(out_fd, data):]

    # Expected values first, before any candidate code can touch builtins.
    expected = []
    for test in tests:
        try:
            expected.append((True, eval(test["expect"], {"__builtins__": builtins, "math": math,
                                                          "inf": math.inf, "nan": math.nan})))
        except Exception as exc:
            expected.append((False, "bad test expectation: " + one_line(exc)))

    cpu = max(1, math.ceil(payload["time_limit"]))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = payload["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    file_limit = payload["file_limit_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    quiet_in, quiet_out = open(os.devnull), open(os.devnull, "w")
    block_network()
    install_audit_hook(workdir)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdin, sys.stdout, sys.stderr = quiet_in, quiet_out, quiet_out

    try:
        compiled = compile(payload["code"], "<candidate>", "exec")
    except SyntaxError as exc:
        where = " at line %s" % exc.lineno if exc.lineno else ""
        text = (exc.text or "").strip()
        emit({"setup_error": "SyntaxError: %s%s%s" % (exc.msg, where, ": " + text[:80] if text else "")})
        return
    namespace = {"__name__": "__candidate__", "__builtins__": builtins}
    try:
        exec(compiled, namespace)
    except BaseException as exc:
        emit({"setup_error": "the code failed to load: " + describe(exc, payload["memory_mb"])})
        return
    if not callable(namespace.get(entry)):
        emit({"setup_error": "no function named %s" % entry})
        return
    emit({"loaded": True})

    for index, test in enumerate(tests):
        ok, want = expected[index]
        if not ok:
            emit({"index": index, "status": "error", "detail": want})
            continue
        try:
            got = eval(test["call"], namespace)
            got = plain(got)
            mismatch = compare(got, want, test.get("tolerance"), "")
            if mismatch is None:
                record = {"index": index, "status": "passed", "detail": ""}
            else:
                detail = "got %s, expected %s" % (short(got), short(want))
                if mismatch[0]:
                    detail += " (first difference at %s: %s vs %s)" % (mismatch[0], short(mismatch[1]),
                                                                        short(mismatch[2]))
                record = {"index": index, "status": "failed", "detail": detail[:400]}
            got = None
        except BaseException as exc:
            record = {"index": index, "status": "error", "detail": describe(exc, payload["memory_mb"])}
            exc = None
        gc.collect()
        emit(record)
    emit({"done": True})


def one_line(exc):
    text = str(exc).strip().splitlines()
    return type(exc).__name__ + (": " + text[0][:200] if text else "")


def describe(exc, memory_mb):
    if isinstance(exc, MemoryError):
        return "MemoryError: over the %d MB memory limit" % memory_mb
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<candidate>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return one_line(exc) + (" (line %d)" % line if line else "")


_repr = reprlib.Repr()
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 6
_repr.maxlevel = 3
_repr.maxstring = _repr.maxother = 60


def short(value):
    try:
        text = _repr.repr(value)
    except Exception:
        text = "<%s>" % type(value).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def plain(value):
    """NumPy arrays and scalars to Python lists and numbers; tuples to lists; recursively."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, (list, tuple, dict, str, bytes)):
        value = tolist()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    return value


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def compare(got, want, tolerance, path):
    """None if equal, else (path, got, expected) of the first difference."""
    if is_number(want):
        if not is_number(got):
            return (path, got, want)
        if isinstance(want, int) and isinstance(got, int) and tolerance is None:
            return None if got == want else (path, got, want)
        g, w = float(got), float(want)
        if math.isnan(w) or math.isnan(g):
            return None if math.isnan(w) and math.isnan(g) else (path, got, want)
        if math.isinf(w) or math.isinf(g) or tolerance is None:
            return None if g == w else (path, got, want)
        return None if abs(g - w) <= tolerance else (path, got, want)
    if isinstance(want, (list, tuple)):
        if not isinstance(got, list):
            return (path, got, want)
        if len(got) != len(want):
            return ("the length of " + (path or "the result"), len(got), len(want))
        for index, (g, w) in enumerate(zip(got, want)):
            found = compare(g, w, tolerance, "%s[%d]" % (path, index))
            if found is not None:
                return found
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return (path, got, want)
        if set(got) != set(want):
            return ("the keys of " + (path or "the result"), sorted(map(repr, got)), sorted(map(repr, want)))
        for key in want:
            found = compare(got[key], want[key], tolerance, "%s[%r]" % (path, key))
            if found is not None:
                return found
        return None
    if isinstance(want, bool):
        return None if isinstance(got, (bool, int)) and got == want else (path, got, want)
    if want is None:
        return None if got is None else (path, got, want)
    return None if type(got) is type(want) and got == want else (path, got, want)


NETWORK_OFF = "network access is disabled in the sandbox"
BLOCKED_MODULES = {
    "urllib.request", "http.client", "http.server", "ftplib", "smtplib", "poplib", "imaplib", "nntplib",
    "telnetlib", "socketserver", "xmlrpc.client", "xmlrpc.server", "webbrowser",
}
BLOCKED_ROOTS = {"requests", "urllib3", "httpx", "aiohttp", "websocket", "websockets", "paramiko", "boto3",
                 "botocore", "grpc"}


def block_network():
    import socket
    import _socket

    def refuse(*args, **kwargs):
        raise PermissionError(NETWORK_OFF)

    class BlockedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            raise PermissionError(NETWORK_OFF)

    socket.socket = socket.SocketType = BlockedSocket
    _socket.socket = _socket.SocketType = BlockedSocket
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr", "getnameinfo", "getfqdn", "socketpair", "fromfd"):
        if hasattr(socket, name):
            setattr(socket, name, refuse)
        if hasattr(_socket, name):
            setattr(_socket, name, refuse)

    class NetworkImportBlocker:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if fullname in BLOCKED_MODULES or fullname.split(".")[0] in BLOCKED_ROOTS:
                raise ImportError("cannot import %s: %s" % (fullname, NETWORK_OFF))
            return None

    for name in list(sys.modules):
        if name in BLOCKED_MODULES or name.split(".")[0] in BLOCKED_ROOTS:
            del sys.modules[name]
    sys.meta_path.insert(0, NetworkImportBlocker())


PROCESS_EVENTS = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                  "subprocess.Popen", "os.kill", "os.killpg", "pty.spawn", "os.startfile"}
PATH_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
               "os.symlink", "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.lchmod",
               "os.setxattr", "os.removexattr", "shutil.rmtree", "shutil.move", "shutil.copyfile"}
NATIVE_BLOCKED = {"socket", "connect", "bind", "listen", "accept", "sendto", "sendmsg", "getaddrinfo",
                  "gethostbyname", "fork", "vfork", "execve", "execv", "execvp", "system", "popen",
                  "posix_spawn", "syscall", "kill", "open", "open64", "openat", "creat", "fopen", "unlink",
                  "rename", "rmdir", "truncate"}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def install_audit_hook(workdir):
    busy = [False]
    realpath, fspath, prefix = os.path.realpath, os.fspath, workdir + os.sep

    def inside(path):
        if isinstance(path, int):
            return True
        try:
            resolved = realpath(fspath(path))
        except Exception:
            return False
        if isinstance(resolved, bytes):
            resolved = resolved.decode("utf-8", "surrogateescape")
        return resolved == workdir or resolved.startswith(prefix)

    def hook(event, args):
        if busy[0]:
            return
        if event.startswith("socket."):
            raise PermissionError(NETWORK_OFF)
        if event in PROCESS_EVENTS:
            raise PermissionError("%s is not allowed in the sandbox" % event)
        if event == "ctypes.dlsym" and len(args) > 1 and str(args[1]) in NATIVE_BLOCKED:
            raise PermissionError("native %s is not allowed in the sandbox" % args[1])
        if event == "open":
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            if flags & WRITE_FLAGS or any(c in mode for c in "wax+"):
                busy[0] = True
                try:
                    allowed = inside(args[0])
                finally:
                    busy[0] = False
                if not allowed:
                    raise PermissionError("writing outside the sandbox directory is not allowed")
        elif event in PATH_EVENTS:
            busy[0] = True
            try:
                allowed = all(inside(a) for a in args if isinstance(a, (str, bytes, os.PathLike)))
            finally:
                busy[0] = False
            if not allowed:
                raise PermissionError("%s outside the sandbox directory is not allowed" % event)

    sys.addaudithook(hook)


err_fd = [2]
try:
    main()
except BaseException as exc:
    os.write(err_fd[0], ("sandbox runner failed: %s\n" % one_line(exc)).encode("utf-8", "replace"))
    os._exit(70)
os._exit(0)  # without waiting for threads the candidate may have left running
'''


# --- the parent ----------------------------------------------------------------------------------------------


def run_code_tests(code: str, spec: CodeSpec) -> CodeReport:
    """Run `code` against every test of `spec` in a separate, limited process; one result per test."""
    nonce = secrets.token_hex(8)
    payload = json.dumps({
        "nonce": nonce,
        "code": code,
        "entry": spec.entry,
        "tests": [test.model_dump() for test in spec.tests],
        "time_limit": spec.time_limit,
        "memory_mb": spec.memory_mb,
        "file_limit_mb": FILE_LIMIT_MB,
    })
    cpu_limit = max(1, math.ceil(spec.time_limit))
    wall_limit = spec.time_limit * WALL_FACTOR + WALL_SLACK
    with tempfile.TemporaryDirectory(prefix="interviewer-sandbox-") as workdir:
        env = {"PATH": os.defpath, "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "NUMEXPR_NUM_THREADS": "1"}
        before = _children_cpu()
        process = subprocess.Popen([sys.executable, "-I", "-c", _RUNNER], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir, env=env,
                                   start_new_session=True)
        timed_out = False
        try:
            out, err = process.communicate(payload.encode("utf-8"), timeout=wall_limit)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
            out, err = process.communicate()
        finally:
            if process.poll() is None:  # pragma: no cover - only on an unexpected exception above
                _kill_group(process)
                process.wait()
        cpu_used = _children_cpu() - before
    records = _records(out, nonce)
    slow = timed_out or process.returncode == -signal.SIGXCPU or (
        process.returncode == -signal.SIGKILL and cpu_used >= cpu_limit - 0.05)
    return _report(spec, records, slow=slow, returncode=process.returncode, cpu_limit=cpu_limit,
                   wall=timed_out, stderr=err.decode("utf-8", "replace"))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def _records(out: bytes, nonce: str) -> list[dict[str, Any]]:
    records = []
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith(nonce):
            try:
                record = json.loads(line[len(nonce):])
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def _report(spec: CodeSpec, records: list[dict[str, Any]], *, slow: bool, returncode: int, cpu_limit: int,
            wall: bool, stderr: str) -> CodeReport:
    setup_error = next((str(r["setup_error"]) for r in records if "setup_error" in r), None)
    loaded = any(r.get("loaded") for r in records)
    by_index = {int(r["index"]): r for r in records if "index" in r}
    results: list[CodeTestResult] = []
    first_missing: int | None = None
    for index, test in enumerate(spec.tests):
        status: TestStatus
        if setup_error is not None:
            status, detail = "error", setup_error
        elif index in by_index:
            status, detail = by_index[index]["status"], str(by_index[index]["detail"])
        else:
            running = first_missing is None
            if running:
                first_missing = index
            status, detail = _unfinished(spec, running, loaded, slow, returncode, cpu_limit, wall, stderr)
        results.append(CodeTestResult(name=test.name, kind=test.kind, status=status, detail=detail))
    return CodeReport.from_results(results)


def _unfinished(spec: CodeSpec, running: bool, loaded: bool, slow: bool, returncode: int, cpu_limit: int,
                wall: bool, stderr: str) -> tuple[TestStatus, str]:
    """Status and detail of a test with no result: the one running when the process ended, or one not reached."""
    if slow:
        limit = (f"the {spec.time_limit * WALL_FACTOR + WALL_SLACK:g} s wall-clock limit" if wall
                 else f"the {cpu_limit} s CPU time limit")
        if not running:
            return "too slow", f"not run: {limit} was used up before this test"
        where = "while running this test" if loaded else "while loading the code"
        return "too slow", f"exceeded {limit} {where}"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        cause = f"killed by {name}, most likely over the {spec.memory_mb} MB memory limit"
    elif returncode == 0:
        cause = "the process stopped without reporting a result"
    else:
        last = stderr.strip().splitlines()[-1:] or [""]
        cause = f"the process exited with code {returncode}" + (f" ({last[0][:160]})" if last[0] else "")
    if running:
        return "error", cause
    return "error", f"not run: the process ended during an earlier test ({cause})"


# --- pulling code out of an answer ---------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)[^\n]*\n(?P<body>.*?)"
                    r"(?:^[ \t]*(?P=fence)[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_PYTHON_LANGS = {"", "python", "py", "python3", "py3", "ipython", "python-repl"}
_START = re.compile(
    r"(?:async[ \t]+)?def[ \t]+\w+[ \t]*\("
    r"|class[ \t]+\w+[ \t]*[(:]"
    r"|import[ \t]+[\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*[ \t]*(?:#.*)?$"
    r"|from[ \t]+[\w.]+[ \t]+import[ \t]+\S"
    r"|@[\w.]+"
)
_CODE_AT_BASE = re.compile(
    r"#|(?:if|elif|for|while|with|return|raise|assert|del|global|try|except|finally|else|pass)\b"
    r"|[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*(?:=(?!=)|[-+*/%@|&^]=|:[ \t]*[\w\[\"'])"
    r"|[A-Za-z_][\w.]*\("
    r"|[)\]}]"
)


def extract_code(answer_text: str, entry: str) -> str | None:
    """The code in a pasted answer: the fenced Python block that defines `entry` (with any fenced blocks of
    helper definitions), or else the bare lines from `def`/`import`/`class` on. None without `def <entry>`."""
    defines_entry = re.compile(rf"^[ \t]*(?:async[ \t]+)?def[ \t]+{re.escape(entry)}[ \t]*\(", re.MULTILINE)
    if not defines_entry.search(answer_text):
        return None
    blocks = [textwrap.dedent(m.group("body")).strip("\n") for m in _FENCE.finditer(answer_text)
              if m.group("lang").lower() in _PYTHON_LANGS]
    with_entry = [i for i, block in enumerate(blocks) if defines_entry.search(block)]
    if with_entry:
        return _assemble(blocks, with_entry[-1])
    regions = _bare_regions(answer_text, defines_entry)
    with_entry = [i for i, region in enumerate(regions) if defines_entry.search(region)]
    if not with_entry:
        return None
    return _assemble(regions, with_entry[-1])


def _assemble(pieces: list[str], main: int) -> str:
    """The main piece plus the other pieces that parse and only define things the main piece does not."""
    own = _defined_names(pieces[main]) or set()
    kept = []
    for i, piece in enumerate(pieces):
        if i == main:
            kept.append(piece)
            continue
        names = _defined_names(piece, definitions_only=True)
        if names is not None and not names & own:
            kept.append(piece)
    return "\n\n\n".join(kept) + "\n"


def _defined_names(code: str, definitions_only: bool = False) -> set[str] | None:
    """Top-level names `code` defines; None if it does not parse (or, with definitions_only, if it runs
    anything besides imports, definitions and assignments)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif definitions_only:
            return None
    return names if names or not definitions_only else None


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _bare_regions(text: str, defines_entry: re.Pattern[str]) -> list[str]:
    """Runs of code-looking lines: each starts at a def/class/import/decorator line and goes on through
    blank lines, deeper-indented lines and code-looking lines at the same indentation; dedented and trimmed
    to the longest prefix that parses and still defines the entry if the run does (a run that never parses
    is kept whole, so the sandbox reports its syntax error)."""
    lines = text.splitlines()
    regions: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _START.match(line.strip()) or not line.strip():
            i += 1
            continue
        base = _indent(line)
        end = i + 1
        while end < len(lines):
            current = lines[end]
            stripped = current.strip()
            if stripped and (_indent(current) < base or (_indent(current) == base
                                                          and not _START.match(stripped)
                                                          and not _CODE_AT_BASE.match(stripped))):
                break
            end += 1
        chunk = [current.expandtabs(4)[base:] if current.strip() else "" for current in lines[i:end]]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        regions.extend(_parsing_pieces(chunk, defines_entry))
        i = end
    return regions


def _parsing_pieces(chunk: list[str], defines_entry: re.Pattern[str]) -> list[str]:
    """Split a run at a syntax error in an unindented line (usually a line of prose that looked like code)
    and keep the parts that parse; a syntax error elsewhere falls back to the longest parsing prefix."""
    whole = "\n".join(chunk)
    try:
        ast.parse(whole)
    except SyntaxError as error:
        line = error.lineno or 0
        if not 1 <= line <= len(chunk) or chunk[line - 1][:1] in ("", " ") or defines_entry.search(chunk[line - 1]):
            return [_longest_parsing_prefix(chunk, defines_entry)]
        before, after = chunk[: line - 1], chunk[line:]
        while after and not (after[0][:1] not in ("", " ") and _START.match(after[0])):
            after = after[1:]
        while before and not before[-1].strip():
            before = before[:-1]
        return (_parsing_pieces(before, defines_entry) if before else []) + (
            _parsing_pieces(after, defines_entry) if after else [])
    return [whole]


def _longest_parsing_prefix(chunk: list[str], defines_entry: re.Pattern[str]) -> str:
    whole = "\n".join(chunk)
    needs_entry = defines_entry.search(whole) is not None
    for stop in range(len(chunk), 0, -1):
        if not chunk[stop - 1].strip():
            continue
        candidate = "\n".join(chunk[:stop])
        if needs_entry and not defines_entry.search(candidate):
            break
        try:
            ast.parse(candidate)
        except SyntaxError:
            continue
        return candidate
    return whole
