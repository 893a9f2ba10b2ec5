"""The sandbox's child program: it runs the candidate's code and reports what happened, never whether it passed.

The parent (`interviewer.sandbox`) starts it as `python -I <this file>` in a fresh temporary directory and
sends one JSON payload on stdin. Standard library only, and nothing from the `interviewer` package, so the
child loads in a few milliseconds and the candidate's code finds nothing of ours to patch that would matter:
the expected results never enter this process, and the parent compares the raw results it receives.

Before the candidate's code runs, the child caps its CPU time, address space and file sizes, replaces the
socket API with one that refuses network sockets (local socket pairs, which asyncio needs, stay), refuses
imports of network client modules, and installs an audit hook that refuses new processes, connections and
writes outside the temporary directory.

Two modes:
- `functions`: load the code, run the question's harness (helpers the test calls use), evaluate each test's
  call and report its value (serialised with type tags, `encode`) or its exception, one line per test as soon
  as it is known, so a run killed by a limit still reports the tests that finished first.
- `service`: take the listening loopback socket the parent opened (its descriptor is in the payload), load the
  code, and serve its WSGI `app` on it, one request at a time; an exception the app raises is reported with its
  line. The parent sends the HTTP requests and judges the responses.

Every report is one line: the payload's nonce, then a JSON object.
"""

from __future__ import annotations

import builtins
import gc
import json
import math
import numbers
import os
import resource
import signal
import sys
from collections.abc import Callable
from typing import Any

NETWORK_OFF = "network access is disabled in the sandbox"
BLOCKED_MODULES = {
    "urllib.request", "http.client", "http.server", "ftplib", "smtplib", "poplib", "imaplib", "nntplib",
    "telnetlib", "socketserver", "xmlrpc.client", "xmlrpc.server", "webbrowser", "wsgiref.simple_server",
}
BLOCKED_ROOTS = {"requests", "urllib3", "httpx", "aiohttp", "websocket", "websockets", "paramiko", "boto3",
                 "botocore", "grpc"}
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
MAX_DEPTH = 40
MAX_ITEMS = 200_000
"""A result deeper or larger than this is reported as too large rather than serialised."""


class Channel:
    """The line-per-record channel back to the parent, on a duplicate of the original stdout."""

    def __init__(self, nonce: str) -> None:
        self.nonce = nonce
        self.out_fd = os.dup(1)
        self.err_fd = os.dup(2)

    def emit(self, record: dict[str, Any]) -> None:
        data = (self.nonce + json.dumps(record) + "\n").encode("utf-8")
        while data:
            data = data[os.write(self.out_fd, data):]


# --- what the candidate's code may do -------------------------------------------------------------------------


def confine(payload: dict[str, Any], workdir: str, trusted: list[bool]) -> None:
    """Limits, no network, no processes, no writes outside `workdir`; stdin, stdout and stderr go nowhere.
    While `trusted[0]` is set (the service accepting a connection), socket events are allowed."""
    cpu = max(1, math.ceil(payload["time_limit"]))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = payload["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    file_limit = payload["file_limit_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    quiet = open(os.devnull), open(os.devnull, "w")
    devnull = os.open(os.devnull, os.O_RDWR)
    block_network()
    install_audit_hook(workdir, trusted)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    sys.stdin, sys.stdout, sys.stderr = quiet[0], quiet[1], quiet[1]


def block_network() -> None:
    import _socket
    import socket

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(NETWORK_OFF)

    real = socket.socket

    class LocalOnlySocket(real):  # type: ignore[misc, valid-type]
        """Only local socket pairs (AF_UNIX, which asyncio's event loop needs); no network families."""

        def __init__(self, family: int = -1, type: int = -1, proto: int = -1, fileno: int | None = None) -> None:
            if family != socket.AF_UNIX:
                raise PermissionError(NETWORK_OFF)
            super().__init__(family, type, proto, fileno)

    # `_socket.socket` stays: `socket.socket` builds on it, and the audit hook refuses network sockets made
    # from it directly.
    socket.socket = socket.SocketType = LocalOnlySocket  # type: ignore[misc, assignment]
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr", "getnameinfo", "getfqdn", "fromfd"):
        for module in (socket, _socket):
            if hasattr(module, name):
                setattr(module, name, refuse)

    class NetworkImportBlocker:
        @staticmethod
        def find_spec(fullname: str, path: Any = None, target: Any = None) -> None:
            if fullname in BLOCKED_MODULES or fullname.split(".")[0] in BLOCKED_ROOTS:
                raise ImportError(f"cannot import {fullname}: {NETWORK_OFF}")
            return None

    for name in list(sys.modules):
        if name in BLOCKED_MODULES or name.split(".")[0] in BLOCKED_ROOTS:
            del sys.modules[name]
    sys.meta_path.insert(0, NetworkImportBlocker())


def install_audit_hook(workdir: str, trusted: list[bool]) -> None:
    busy = [False]
    realpath, fspath, prefix = os.path.realpath, os.fspath, workdir + os.sep
    import socket

    unix = socket.AF_UNIX

    def inside(path: Any) -> bool:
        if isinstance(path, int):
            return True
        try:
            resolved = realpath(fspath(path))
        except Exception:
            return False
        if isinstance(resolved, bytes):
            resolved = resolved.decode("utf-8", "surrogateescape")
        return bool(resolved == workdir or resolved.startswith(prefix))

    def checked(test: Callable[[], bool]) -> bool:
        busy[0] = True
        try:
            return test()
        finally:
            busy[0] = False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if busy[0] or trusted[0]:
            return
        if event.startswith("socket."):
            if event == "socket.__new__" and len(args) > 1 and args[1] == unix:
                return  # a local socket pair: no network
            raise PermissionError(NETWORK_OFF)
        if event in PROCESS_EVENTS:
            raise PermissionError(f"{event} is not allowed in the sandbox")
        if event == "ctypes.dlsym" and len(args) > 1 and str(args[1]) in NATIVE_BLOCKED:
            raise PermissionError(f"native {args[1]} is not allowed in the sandbox")
        if event == "open":
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            if (flags & WRITE_FLAGS or any(c in mode for c in "wax+")) and not checked(lambda: inside(args[0])):
                raise PermissionError("writing outside the sandbox directory is not allowed")
        elif event in PATH_EVENTS:
            paths = [a for a in args if isinstance(a, str | bytes | os.PathLike)]
            if not checked(lambda: all(inside(a) for a in paths)):
                raise PermissionError(f"{event} outside the sandbox directory is not allowed")

    sys.addaudithook(hook)


# --- loading the code and describing failures ---------------------------------------------------------------


def load(code: str, entry: str, memory_mb: int, starter: str = "") -> tuple[dict[str, Any] | None, str]:
    """The candidate's namespace, or None and why it could not be loaded. The code the question handed over
    (`starter`) runs first, so a pasted fix of one function runs with the rest of the module, and every
    definition the candidate pasted replaces the starter's."""
    try:
        compiled = [compile(starter, "<starter>", "exec"), compile(code, "<candidate>", "exec")]
    except SyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        text = (exc.text or "").strip()
        return None, f"SyntaxError: {exc.msg}{where}{': ' + text[:80] if text else ''}"
    namespace: dict[str, Any] = {"__name__": "__candidate__", "__builtins__": builtins}
    try:
        for part in compiled:
            exec(part, namespace)
    except BaseException as exc:
        return None, "the code failed to load: " + describe(exc, memory_mb)
    if entry not in namespace:
        return None, f"no function or class named {entry}"
    if not callable(namespace[entry]):
        return None, f"{entry} is not callable"
    return namespace, ""


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return type(exc).__name__ + (": " + text[0][:200] if text else "")


def describe(exc: BaseException, memory_mb: int) -> str:
    """The exception in one line, with the candidate's line where it was raised."""
    if isinstance(exc, MemoryError):
        return f"MemoryError: over the {memory_mb} MB memory limit"
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name == "<candidate>":
            where = f" (line {tb.tb_lineno})"
        elif name == "<starter>":
            where = f" (line {tb.tb_lineno} of the code handed over)"
        tb = tb.tb_next
    return one_line(exc) + where


# --- serialising a result --------------------------------------------------------------------------------------


class TooLarge(Exception):
    pass


def encode(value: Any) -> Any:
    """A value as JSON the parent can rebuild: None, booleans, numbers, strings and lists as themselves (tuples
    and array-likes become lists); every JSON object is a tag: {"$dict": [[key, value], ...]}, {"$set": [...]},
    {"$bytes": hex}, or {"$object": repr, "$type": name} for anything else."""
    count = [0]

    def walk(item: Any, depth: int) -> Any:
        count[0] += 1
        if count[0] > MAX_ITEMS or depth > MAX_DEPTH:
            raise TooLarge
        if item is None or isinstance(item, bool):
            return item
        if isinstance(item, numbers.Integral):
            return int(item)
        if isinstance(item, numbers.Real):
            return float(item)
        if isinstance(item, str):
            return str.__str__(item)
        if isinstance(item, bytes | bytearray):
            return {"$bytes": bytes(item).hex()}
        tolist = getattr(item, "tolist", None)
        if callable(tolist) and not isinstance(item, list | tuple | dict | set | frozenset):
            return walk(tolist(), depth + 1)
        if isinstance(item, list | tuple):
            return [walk(part, depth + 1) for part in item]
        if isinstance(item, dict):
            return {"$dict": [[walk(k, depth + 1), walk(v, depth + 1)] for k, v in item.items()]}
        if isinstance(item, set | frozenset):
            return {"$set": [walk(part, depth + 1) for part in item]}
        try:
            text = repr(item)
        except Exception:
            text = f"<{type(item).__name__}>"
        return {"$object": text[:200], "$type": type(item).__name__}

    return walk(value, 0)


# --- the two modes ---------------------------------------------------------------------------------------------


def run_functions(payload: dict[str, Any], channel: Channel) -> None:
    memory_mb = payload["memory_mb"]
    namespace, problem = load(payload["code"], payload["entry"], memory_mb, payload.get("starter", ""))
    if namespace is None:
        channel.emit({"setup_error": problem})
        return
    if payload.get("harness"):
        exec(compile(payload["harness"], "<harness>", "exec"), namespace)
    channel.emit({"loaded": True})
    for index, call in enumerate(payload["calls"]):
        record: dict[str, Any]
        try:
            value = eval(call, namespace)
            try:
                record = {"index": index, "value": encode(value)}
            except TooLarge:
                record = {"index": index, "error": "the result is too large or too deeply nested to compare"}
            value = None
        except BaseException as exc:
            record = {"index": index, "error": describe(exc, memory_mb)}
        gc.collect()
        channel.emit(record)
    channel.emit({"done": True})


def run_service(payload: dict[str, Any], channel: Channel, workdir: str, trusted: list[bool]) -> None:
    import socket
    from wsgiref.simple_server import ServerHandler, WSGIRequestHandler

    listener = socket.socket(fileno=payload["listen_fd"])  # opened by the parent, listening on its loopback
    port = listener.getsockname()[1]
    real_socket = socket.socket
    confine(payload, workdir, trusted)
    memory_mb = payload["memory_mb"]
    namespace, problem = load(payload["code"], payload["entry"], memory_mb, payload.get("starter", ""))
    if namespace is None:
        channel.emit({"setup_error": problem})
        return
    app = namespace[payload["entry"]]

    class ReportingHandler(ServerHandler):
        def log_exception(self, exc_info: Any) -> None:
            channel.emit({"exception": describe(exc_info[1], memory_mb)})

    class RequestHandler(WSGIRequestHandler):
        def handle(self) -> None:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.parse_request():
                return
            handler = ReportingHandler(self.rfile, self.wfile,  # type: ignore[arg-type]
                                       sys.stderr, self.get_environ(), multithread=False)
            handler.request_handler = self  # type: ignore[attr-defined]  # wsgiref logs the request through it
            handler.run(app)

        def address_string(self) -> str:
            return str(self.client_address[0])

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server:
        base_environ = {"SERVER_NAME": "127.0.0.1", "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PORT": str(port),
                        "REMOTE_HOST": "", "CONTENT_LENGTH": "", "SCRIPT_NAME": ""}

    channel.emit({"listening": port})
    while True:
        trusted[0] = True
        try:
            fd, address = listener._accept()  # type: ignore[attr-defined]
            connection = real_socket(listener.family, listener.type, listener.proto, fileno=fd)
        finally:
            trusted[0] = False
        connection.settimeout(10)
        try:
            RequestHandler(connection, address, Server())  # type: ignore[arg-type]  # wsgiref reads only base_environ
        except Exception as exc:  # a broken connection must not stop the service
            channel.emit({"exception": "the server could not answer: " + one_line(exc)})
        finally:
            connection.close()


def main() -> None:
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    channel = Channel(payload["nonce"])
    workdir = os.path.realpath(os.getcwd())
    sys.dont_write_bytecode = True
    trusted = [False]
    try:
        if payload["mode"] == "service":
            run_service(payload, channel, workdir, trusted)
        else:
            confine(payload, workdir, trusted)
            run_functions(payload, channel)
    except BaseException as exc:
        os.write(channel.err_fd, f"sandbox runner failed: {one_line(exc)}\n".encode("utf-8", "replace"))
        os._exit(70)
    os._exit(0)  # without waiting for threads the candidate may have left running


if __name__ == "__main__":
    main()
