"""Run the web app with uvicorn on a socket opened here (so port 0 works and a taken port is one clear line)."""

from __future__ import annotations

import ipaddress
import socket

import click

from interviewer.config import Settings
from interviewer.errors import UserError
from interviewer.llm.base import Model


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(128)
    return sock


def run_server(settings: Settings, host: str, port: int, model: Model | None) -> None:
    import uvicorn

    from interviewer.web.app import create_app

    sock = listening_socket(host, port)
    app = create_app(settings, model=model)
    bound = sock.getsockname()[1]
    where = f"[{host}]" if ":" in host else host
    if not is_loopback(host):
        click.echo(f"interviewer: listening on {host}, beyond this machine, with no authentication: put a reverse "
                   "proxy with TLS and login in front of it (README, Team mode)", err=True)
    click.echo(f"interviewer: serving on http://{where}:{bound} (Ctrl-C stops)", err=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5))
    server.run(sockets=[sock])
