"""The alert scheduler's loop inside the server (filled in by the alerts work)."""

from __future__ import annotations

from revpact.api.state import ServerState

__all__ = ["AlertLoop"]


class AlertLoop:
    def __init__(self, state: ServerState) -> None:
        self._state = state

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
