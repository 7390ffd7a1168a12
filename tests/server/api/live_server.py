"""Running a real revpact server on loopback for tests: uvicorn in a thread, httpx to talk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from revpact.server.loopback import running
from revpact.server.state import ServerState

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
    context = running(state)
    url = context.__enter__()
    return url, lambda: context.__exit__(None, None, None)
