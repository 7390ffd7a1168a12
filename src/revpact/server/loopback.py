"""Running the server in a background thread on a free loopback port: for the demo, the
benchmarks and the tests, which all talk to a real server over HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from revpact.server.app import create_app
from revpact.server.state import ServerState

__all__ = ["running"]


@contextmanager
def running(state: ServerState, *, start_timeout: float = 20.0) -> Iterator[str]:
    """Serve ``state`` until the block ends; yields the base URL (``http://127.0.0.1:PORT``).

    The lifespan runs as in ``revpact serve``: the alert scheduler starts with the server and
    stops with it.
    """
    server = uvicorn.Server(
        uvicorn.Config(create_app(state), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="revpact-loopback", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the loopback server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=start_timeout)
        if thread.is_alive():
            raise RuntimeError("the loopback server did not stop")
