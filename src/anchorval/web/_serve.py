"""Run the web app with uvicorn on a socket bound here (so a busy port is one clear line)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

__all__ = ["LOCAL_HOSTS", "NO_AUTH_WARNING", "bind", "serve"]

#: Hosts that only this machine can reach; any other needs ``--host`` and gets a warning.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Printed when the app listens beyond loopback.
NO_AUTH_WARNING = (
    "warning: listening on {host}, reachable from other machines; the app has no authentication "
    "and anyone who can reach it can read and upload cases"
)


def bind(host: str, port: int) -> socket.socket:
    """Bind a listening TCP socket.

    Parameters
    ----------
    host : str
        Address (``'127.0.0.1'``, ``'::1'``, ``'0.0.0.0'``).
    port : int
        Port; 0 picks a free one.

    Returns
    -------
    socket.socket
        Bound and listening.

    Raises
    ------
    OSError
        If the address is in use or cannot be bound.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    cases_dir: str | Path | None = None,
    db: str | Path | None = None,
    echo: Callable[[str], None] | None = None,
) -> None:
    """Serve the web app until interrupted, printing its URL first.

    Parameters
    ----------
    host : str
        Address to listen on; default loopback only.
    port : int
        Port (0 = a free one; the printed URL names it).
    cases_dir : str or Path, optional
        Folder of the user's case files.
    db : str or Path, optional
        History store for the History page.
    echo : callable
        Where the URL and warnings go (default: stdout, flushed).

    Raises
    ------
    OSError
        If the port cannot be bound.
    """
    import uvicorn

    from ._app import create_app

    if echo is None:

        def echo(text: str) -> None:
            print(text, flush=True)

    sock = bind(host, port)
    # on loopback, answer only to loopback names (a web page cannot rebind its own name to us)
    hosts = ["127.0.0.1", "localhost", "::1", "[::1]"] if host in LOCAL_HOSTS else None
    app = create_app(cases_dir, db, allowed_hosts=hosts)
    real_port = sock.getsockname()[1]
    if host not in LOCAL_HOSTS:
        echo(NO_AUTH_WARNING.format(host=host))
    shown = f"[{host}]" if ":" in host else host
    echo(f"anchorval web app: http://{shown}:{real_port}/  (Ctrl+C to stop)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
