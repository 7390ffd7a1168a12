"""Running a real revpact server on loopback for tests: uvicorn in a thread, httpx to talk."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import uvicorn

from revpact.api.app import create_app
from revpact.api.state import ServerState

WEBHOOK_SECRET = "whsec_test_current"
HUBSPOT_SECRET = "hubspot-client-secret-for-tests"


@dataclass
class LiveServer:
    url: str
    state: ServerState

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def start_server(state: ServerState) -> tuple[str, Callable[[], None]]:
    """Start a server over ``state`` on a free loopback port; returns its URL and a stopper."""
    config = uvicorn.Config(
        create_app(state), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=20)

    return f"http://127.0.0.1:{port}", stop
