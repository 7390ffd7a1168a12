"""The alert scheduler inside the server: every ``interval_seconds``, scan and deliver.

Each run reads the agreement (picking up edits) and the state's clock, then calls
:func:`revpact.services.alerts.scan` and :func:`~revpact.services.alerts.deliver` in a worker
thread, so requests are never blocked by the database or a slow receiver. A run that fails is
logged and the next one comes at the usual time; only :meth:`AlertLoop.stop` ends the loop.
Nothing runs when ``[alerts] enabled`` is false or no channel is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Final

from revpact.alerts.base import Sender
from revpact.alerts.retry import DEFAULT_RETRY, RetryPolicy
from revpact.server.alert_senders import senders_from_settings
from revpact.server.state import ServerState
from revpact.services.alerts import DeliveryReport, deliver, scan

__all__ = ["AlertLoop"]

logger = logging.getLogger(__name__)

_BATCH: Final = 50  # alerts delivered per deliver() call; a run calls it until none are left
_MAX_BATCHES: Final = 100
_STOP_GRACE_SECONDS: Final = 15.0  # how long stop() lets a running pass finish


class AlertLoop:
    """Runs scan + deliver over ``state`` from :meth:`start` until :meth:`stop`.

    ``senders`` replaces the senders the settings ask for (by channel), e.g. in tests.
    """

    def __init__(
        self,
        state: ServerState,
        *,
        senders: Mapping[str, Sender] | None = None,
        policy: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self._state = state
        self._senders = senders
        self._policy = policy
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self._task is not None:
            return
        settings = self._state.settings.alerts
        if not settings.enabled:
            logger.info("alerts are turned off (REVPACT_ALERTS / [alerts] enabled)")
            return
        senders: dict[str, Sender] = dict(
            senders_from_settings(self._state.settings) if self._senders is None else self._senders
        )
        if not senders:
            logger.info("no alert channel is configured: no Slack webhook URL, no e-mail")
            return
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(
            self._run(senders, settings.interval_seconds), name="revpact-alerts"
        )

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=_STOP_GRACE_SECONDS)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, senders: Mapping[str, Sender], interval: float) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(self.run_once, senders)
            except Exception:
                logger.exception("the alert scheduler's run failed; next try in %s s", interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=interval)

    def run_once(self, senders: Mapping[str, Sender]) -> DeliveryReport:
        """One pass: record new alerts, then deliver every due one (blocking)."""
        state = self._state
        recorded = scan(state.engine, state.agreement(), list(senders), state.now())
        if recorded:
            logger.info("%d new alert(s) recorded", recorded)
        total = DeliveryReport()
        for _ in range(_MAX_BATCHES):
            report = deliver(state.engine, senders, state.now(), policy=self._policy, limit=_BATCH)
            total = DeliveryReport(
                total.looked_at + report.looked_at,
                total.sent + report.sent,
                total.retrying + report.retrying,
                total.failed + report.failed,
                total.skipped + report.skipped,
                total.errors + report.errors,
            )
            if report.looked_at < _BATCH:
                break
        if total.looked_at:
            logger.info(
                "alerts: %d sent, %d to retry, %d given up, %d dropped",
                total.sent,
                total.retrying,
                total.failed,
                total.skipped,
            )
        return total
