"""The live part of the demo: the server on loopback, a signed webhook starting a lead's clock,
the sales floor's queue, an at-risk alert to a Slack-compatible receiver, and the touch that
stops the clock — all on the demo's store, with the server's clock set to the demo's moment.

Nothing leaves the machine: the alert receiver is a small HTTP server started here.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from revpact.domain.roles import Role
from revpact.ingest.webhooks.signatures import sign_revpact
from revpact.server.settings import AlertSettings, Settings, WebhookSettings
from revpact.server.state import ServerState
from revpact.services.tokens import create_token

__all__ = ["LATE_LEAD_ID", "LEAD_ID", "LiveDemo", "run_live_demo"]

LEAD_ID = "LIVE-0001"
LATE_LEAD_ID = "LIVE-0002"
"""A lead notified in the morning whose touch a rep enters in the afternoon, claiming a time
within its deadline: a late entry, awaiting a leader's approval."""
LIVE_OWNER = "live.demo@company-a.example"


@dataclass
class LiveDemo:
    """What the live demo saw, for the caller to print."""

    webhook: dict[str, Any] = field(default_factory=dict)
    queue: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    touched: dict[str, Any] = field(default_factory=dict)
    clock: list[datetime] = field(default_factory=list)
    late_touch: dict[str, Any] = field(default_factory=dict)  # the late lead after the entry


@dataclass
class _Clock:
    """The server's clock during the demo: it reads ``at``, which the demo moves on."""

    at: datetime

    def now(self) -> datetime:
        return self.at


def run_live_demo(engine: Engine, agreement_path: Path, as_of: datetime) -> LiveDemo:
    """Drive the live server through one lead's life, starting 10 minutes before ``as_of``."""
    seen = LiveDemo()
    clock = _Clock(as_of)
    secret = "whsec_" + secrets.token_hex(16)
    with _receiver() as (hook_url, received):
        state = ServerState(
            engine=engine,
            agreement_path=agreement_path,
            settings=Settings(
                webhooks=WebhookSettings(secrets=(secret,)),
                alerts=AlertSettings(slack_webhook_url=hook_url, interval_seconds=0.1),
            ),
            clock=clock,
        )
        token = create_token(engine, name="demo board", role=Role.VIEWER, now=as_of).token
        rep = create_token(
            engine, name="demo rep", role=Role.SALES, member=LIVE_OWNER, now=as_of
        ).token
        from revpact.server.loopback import running  # the web stack, only when it runs

        with running(state) as url, httpx.Client(base_url=url, timeout=30) as client:
            morning = as_of - timedelta(hours=6)  # 10:00 on the demo's last day
            clock.at = morning
            _post_event(
                client, secret, clock, _notified("evt_demo_late_notified", LATE_LEAD_ID, morning)
            )
            notified = as_of - timedelta(minutes=10)
            clock.at = as_of
            seen.webhook = _post_event(
                client, secret, clock, _notified("evt_demo_notified", LEAD_ID, notified)
            )
            headers = {"Authorization": f"Bearer {token}"}
            queue = client.get("/leads/queue", headers=headers).raise_for_status().json()
            seen.queue = queue["leads"]
            clock.at = notified + timedelta(minutes=50)  # 10 minutes of business time left
            seen.clock.append(clock.at)
            _wait_for(lambda: any(LEAD_ID in text for text in received))
            seen.alerts = [text for text in received if LEAD_ID in text]
            touched_at = clock.at + timedelta(minutes=5)
            clock.at = touched_at
            _post_event(
                client,
                secret,
                clock,
                {
                    "id": "evt_demo_touched",
                    "type": "lead.touched",
                    "occurred_at": touched_at.isoformat(),
                    "lead_id": LEAD_ID,
                    "channel": "call",
                    "automated": False,
                },
            )
            seen.touched = client.get(f"/leads/{LEAD_ID}", headers=headers).json()
            # The rep enters the morning lead's call now, saying it was at 10:30 (in time).
            response = client.post(
                f"/leads/{LATE_LEAD_ID}/touches",
                json={"at": (morning + timedelta(minutes=30)).isoformat(), "channel": "call"},
                headers={"Authorization": f"Bearer {rep}"},
            )
            seen.late_touch = response.raise_for_status().json()["lead"]
    return seen


def _notified(event_id: str, lead_id: str, at: datetime) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.notified",
        "occurred_at": at.isoformat(),
        "lead": {
            "lead_id": lead_id,
            "lead_type": "internet_sales_ready",
            "stage": "late",
            "requested_follow_up": True,
            "owner": LIVE_OWNER,
        },
    }


def _post_event(
    client: httpx.Client, secret: str, clock: _Clock, event: dict[str, Any]
) -> dict[str, Any]:
    body = json.dumps(event).encode()
    signature = sign_revpact(body, secret, int(clock.at.timestamp()))
    response = client.post(
        "/webhooks/events",
        content=body,
        headers={"Revpact-Signature": signature, "Content-Type": "application/json"},
    )
    result: dict[str, Any] = response.raise_for_status().json()
    return result


def _wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


@contextmanager
def _receiver() -> Iterator[tuple[str, list[str]]]:
    """A Slack-compatible incoming webhook on loopback that keeps each message's text."""
    received: list[str] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                received.append(str(json.loads(self.rfile.read(length))["text"]))
            except (ValueError, KeyError, TypeError):
                self.send_response(400)
            else:
                self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", received
    finally:
        httpd.shutdown()
        httpd.server_close()
