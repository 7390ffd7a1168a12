"""The server applies what large webhook requests left queued: when it starts, then on a
timer (a request accepted by a server that died is applied by the next one)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.webhooks.events import parse_events
from revpact.server.app import create_app
from revpact.server.intake_loop import IntakeLoop
from revpact.server.settings import AlertSettings, Settings
from revpact.server.state import ServerState
from revpact.services.events.staged import stage_request

NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 3, 9, 11, 30, tzinfo=NY)


def _state(engine: Engine, tmp_path: Path) -> ServerState:
    path = tmp_path / "revpact.yaml"
    path.write_text(company_a_template("en"), encoding="utf-8")
    return ServerState(
        engine=engine,
        agreement_path=path,
        settings=Settings(alerts=AlertSettings(enabled=False)),
        clock=SimpleNamespace(now=lambda: NOW),
    )


def _queue(engine: Engine, n: int, received: datetime) -> None:
    """A request accepted at ``received`` whose receiver stopped before applying it."""
    agreement = parse_agreement(company_a_template("en"))
    body = [
        {
            "id": f"q{i}",
            "type": "lead.notified",
            "occurred_at": "2020-03-09T10:00:00-04:00",
            "lead": {"lead_id": f"Q{i}", "lead_type": "content", "requested_follow_up": True},
        }
        for i in range(n)
    ]
    stage_request(
        engine,
        "revpact",
        "webhook:revpact",
        parse_events(json.dumps(body).encode(), agreement),
        received,
    )


def _leads(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM leads")).scalar_one())


def test_a_pass_applies_queued_requests_older_than_their_receivers_turn(
    engine: Engine, tmp_path: Path
) -> None:
    loop = IntakeLoop(_state(engine, tmp_path))
    _queue(engine, 4, NOW - timedelta(seconds=5))  # its receiver may still be at it
    assert loop.run_once() == 0 and _leads(engine) == 0
    _queue(engine, 3, NOW - timedelta(minutes=5))
    assert loop.run_once() == 3 and _leads(engine) == 3


def test_the_server_applies_them_when_it_starts(engine: Engine, tmp_path: Path) -> None:
    _queue(engine, 6, NOW - timedelta(minutes=5))
    with TestClient(create_app(_state(engine, tmp_path))):
        deadline = time.monotonic() + 30  # a hang guard: the first pass runs at start
        while _leads(engine) < 6:
            assert time.monotonic() < deadline, "the queued events were not applied"
            time.sleep(0.05)
    assert _leads(engine) == 6
