"""The scheduler loop: runs scan + deliver off the event loop, survives errors, stops cleanly."""

from __future__ import annotations

import asyncio
import csv
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from revpact import services
from revpact.alerts import OutgoingAlert
from revpact.ingest.agreement_file import company_a_template, load_agreement
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS
from revpact.server.alert_loop import AlertLoop
from revpact.server.settings import AlertSettings, Settings
from revpact.server.state import ServerState
from revpact.store.alerts import AlertRepository

NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 3, 9, 11, 30, tzinfo=NY)


class Collect:
    def __init__(self) -> None:
        self.sent: list[OutgoingAlert] = []
        self.threads: set[str] = set()

    def send(self, alert: OutgoingAlert) -> None:
        self.threads.add(threading.current_thread().name)
        self.sent.append(alert)


def settings(**alerts: object) -> Settings:
    return Settings(alerts=AlertSettings(interval_seconds=0.02, **alerts))  # type: ignore[arg-type]


def state_for(engine: Engine, path: Path, config: Settings, clock: list[datetime]) -> ServerState:
    return ServerState(
        engine=engine,
        agreement_path=path,
        settings=config,
        clock=SimpleNamespace(now=lambda: clock[0]),
    )


def write_agreement(path: Path) -> Path:
    path.write_text(company_a_template("en"), encoding="utf-8")
    return path


def add_lead(engine: Engine, agreement_path: Path, tmp_path: Path, lead_id: str) -> None:
    source = tmp_path / f"{lead_id}.csv"
    with source.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(CANONICAL_COLUMNS)
        notified = "2020-03-09T10:00:00-04:00"
        writer.writerow([lead_id, "content", "late", "true", notified, notified, "", "ana"])
    services.import_leads(engine, load_agreement(agreement_path), source, now=NOW)


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)


@pytest.mark.parametrize(
    "config",
    [settings(enabled=False, slack_webhook_url="http://127.0.0.1:9/x"), settings()],
    ids=["disabled", "no-channel"],
)
def test_nothing_runs_when_off_or_unconfigured(
    engine: Engine, tmp_path: Path, config: Settings
) -> None:
    state = state_for(engine, write_agreement(tmp_path / "a.yaml"), config, [NOW])

    async def main() -> bool:
        loop = AlertLoop(state)
        await loop.start()
        running = loop.running
        await loop.stop()
        return running

    assert asyncio.run(main()) is False


def test_the_loop_delivers_in_a_worker_thread_and_stops(engine: Engine, tmp_path: Path) -> None:
    path = write_agreement(tmp_path / "a.yaml")
    clock = [datetime(2020, 3, 9, 10, 0, tzinfo=NY)]
    state = state_for(engine, path, settings(), clock)
    sender = Collect()

    async def main() -> None:
        loop = AlertLoop(state, senders={"slack": sender})
        await loop.start()
        assert loop.running
        await until(lambda: state_has_watermark(engine))
        add_lead(engine, path, tmp_path, "L1")
        clock[0] = NOW
        await until(lambda: len(sender.sent) == 1)
        await asyncio.sleep(0.1)  # several more runs: nothing is sent again
        await loop.stop()
        assert not loop.running
        await loop.stop()  # stopping twice is fine

    asyncio.run(main())
    assert [(a.lead_id, a.kind) for a in sender.sent] == [("L1", "breach")]
    assert "MainThread" not in sender.threads


def test_a_failing_run_is_logged_and_the_loop_goes_on(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "missing.yaml"  # no agreement yet: every run fails
    clock = [datetime(2020, 3, 9, 10, 0, tzinfo=NY)]
    state = state_for(engine, path, settings(), clock)
    sender = Collect()

    async def main() -> None:
        loop = AlertLoop(state, senders={"email": sender})
        await loop.start()
        await until(lambda: len(caplog.records) >= 2)
        assert loop.running
        write_agreement(path)
        await until(lambda: state_has_watermark(engine))
        add_lead(engine, path, tmp_path, "L1")
        clock[0] = NOW
        await until(lambda: len(sender.sent) == 1)
        await loop.stop()

    with caplog.at_level(logging.ERROR, logger="revpact.server.alert_loop"):
        asyncio.run(main())
    assert "the alert scheduler's run failed" in caplog.records[0].getMessage()
    assert caplog.records[0].exc_info is not None


def state_has_watermark(engine: Engine) -> bool:
    with engine.connect() as conn:
        return AlertRepository(conn).watermark() is not None
