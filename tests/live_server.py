"""Run an ASGI app on a real uvicorn server for the duration of a test.

A real socket catches what in-process test clients hide: header
normalisation, status lines, and errors that would only be re-raised.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

__all__ = ["live_server"]


@contextmanager
def live_server(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = 10.0,
    shutdown_timeout: float = 10.0,
) -> Iterator[str]:
    """Serve ``app`` in a background thread and yield its base URL.

    The socket is bound here (port 0) and handed to uvicorn, so there is no
    race between picking a free port and binding it. The server is always
    asked to stop and its thread joined, even when the test body fails.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # leave the test process's logging setup alone
        access_log=False,
        loop="asyncio",
        lifespan="auto",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"live-server-{port}",
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn server exited during startup")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn server not started in {startup_timeout}s")
            time.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(shutdown_timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(shutdown_timeout)
        sock.close()
        if thread.is_alive():
            raise RuntimeError("uvicorn server thread did not stop")
