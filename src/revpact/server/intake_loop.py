"""Applying what large webhook requests left, inside the server.

A large request is accepted whole and then applied in chunks
(:mod:`revpact.services.events.staged`); should its receiver stop before the last chunk (the
database stayed busy, the process died), the request's remaining events wait, stored. This
loop applies them: once when the server starts, then every :data:`INTERVAL_S` seconds, in a
worker thread so requests are never blocked. A pass that fails is logged and the next one
comes at the usual time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from revpact.server.state import ServerState
from revpact.services.webhook_intake import resume_intake

__all__ = ["INTERVAL_S", "IntakeLoop"]

logger = logging.getLogger(__name__)

INTERVAL_S: Final = 10.0


class IntakeLoop:
    """Runs :func:`~revpact.services.webhook_intake.resume_intake` over ``state`` from
    :meth:`start` until :meth:`stop`."""

    def __init__(self, state: ServerState, interval: float = INTERVAL_S) -> None:
        self._state = state
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        if self._task is None:
            self._stopping = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="revpact-intake")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:
                logger.exception("applying queued webhook events failed; next try soon")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)

    def run_once(self) -> int:
        """One pass (blocking): how many queued events were applied."""
        state = self._state
        applied = resume_intake(state.engine, state.agreement(), state.now())
        if applied:
            logger.info("%d queued webhook event(s) applied", applied)
        return applied
