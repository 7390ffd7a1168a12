"""Alerts end to end: the real server, a real HTTP receiver and a real SMTP server.

The tests start a Slack-compatible receiver (``http.server`` on loopback, able to fail the first
requests with HTTP 500) and an SMTP server (aiosmtpd), run revpact's server with uvicorn over
a store and a clock they move by hand, and watch what arrives. The server's scheduler looks
every 0.1 s, so each wait below is a poll with a deadline.

Company A's calendar: Monday 9 March 2020 is EDT; a lead notified at 10:00 is due at 11:00
and at risk from 10:45.
"""

from __future__ import annotations

import csv
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from revpact import services
from revpact.ingest.agreement_file import company_a_template, load_agreement
from revpact.ingest.leads.canonical import CANONICAL_COLUMNS
from revpact.server.loopback import running
from revpact.server.settings import AlertSettings, Settings, SmtpSettings
from revpact.server.state import ServerState
from revpact.store import open_store
from revpact.store.alerts import AlertRepository, AlertRow

NY = ZoneInfo("America/New_York")


# ---------------------------------------------------------------------------- receivers


@dataclass
class _AlertsHttpReceiver:
    """A Slack-compatible incoming webhook: records every POST; the first ``fail_first``
    requests get HTTP 500."""

    url: str = ""
    fail_first: int = 0
    requests: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[str]:
        with self.lock:
            return [body["text"] for status, body in self.requests if status == 200]


@pytest.fixture
def _alerts_http() -> Iterator[_AlertsHttpReceiver]:
    receiver = _AlertsHttpReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with receiver.lock:
                status = 500 if receiver.fail_first > 0 else 200
                receiver.fail_first -= status == 500
                receiver.requests.append((status, body))
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"try later")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/services/T0/B0/secret"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class _AlertsSmtpHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in list(self.messages)]


@dataclass
class _AlertsSmtp:
    port: int
    handler: _AlertsSmtpHandler


@pytest.fixture
def _alerts_smtp() -> Iterator[_AlertsSmtp]:
    handler = _AlertsSmtpHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield _AlertsSmtp(port, handler)
    finally:
        controller.stop()


# ---------------------------------------------------------------------------- the server


class _AlertsClock:
    """The server's clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


@dataclass
class _AlertsSetup:
    database_url: str
    agreement_path: Path
    settings: Settings
    clock: _AlertsClock
    tmp_path: Path

    def start(self) -> Callable[[], None]:
        """A new server process, as far as alerts go: its own engine, state and loop."""
        engine = open_store(self.database_url)
        state = ServerState(
            engine=engine,
            agreement_path=self.agreement_path,
            settings=self.settings,
            clock=SimpleNamespace(now=self.clock),
        )
        context = running(state)
        context.__enter__()

        def stop() -> None:
            context.__exit__(None, None, None)  # raises if the server does not stop
            engine.dispose()

        return stop

    def add_lead(self, lead_id: str, notified: datetime, owner: str = "ana@example.com") -> None:
        source = self.tmp_path / f"{lead_id}.csv"
        with source.open("w", newline="", encoding="utf-8") as fp:
            writer = csv.writer(fp)
            writer.writerow(CANONICAL_COLUMNS)
            at = notified.isoformat()
            writer.writerow([lead_id, "referral", "late", "true", at, at, "", owner])
        engine = open_store(self.database_url)
        try:
            agreement = load_agreement(self.agreement_path)
            services.import_leads(engine, agreement, source, now=self.clock())
        finally:
            engine.dispose()

    def alerts(self) -> list[AlertRow]:
        engine = open_store(self.database_url)
        try:
            with engine.connect() as conn:
                return AlertRepository(conn).all()
        finally:
            engine.dispose()

    def watermark(self) -> int | None:
        engine = open_store(self.database_url)
        try:
            with engine.connect() as conn:
                return AlertRepository(conn).watermark()
        finally:
            engine.dispose()


@pytest.fixture
def _alerts_setup(
    database_url: str,
    tmp_path: Path,
    _alerts_http: _AlertsHttpReceiver,
    _alerts_smtp: _AlertsSmtp,
) -> _AlertsSetup:
    agreement_path = tmp_path / "revpact.yaml"
    agreement_path.write_text(company_a_template("en"), encoding="utf-8")
    settings = Settings(
        alerts=AlertSettings(
            slack_webhook_url=_alerts_http.url,
            email_to=("sales-floor@example.com",),
            email_from="revpact@example.com",
            interval_seconds=0.1,
        ),
        smtp=SmtpSettings(host="127.0.0.1", port=_alerts_smtp.port),
    )
    clock = _AlertsClock(datetime(2020, 3, 9, 10, 30, tzinfo=NY))
    return _AlertsSetup(database_url, agreement_path, settings, clock, tmp_path)


def _alerts_wait(check: Callable[[], bool], what: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _alerts_settle() -> None:
    """Let the scheduler run a few more times (it looks every 0.1 s): nothing more may come."""
    time.sleep(0.3)


# ---------------------------------------------------------------------------- tests


def test_at_risk_and_breach_arrive_once_each_also_across_restarts(
    _alerts_setup: _AlertsSetup, _alerts_http: _AlertsHttpReceiver, _alerts_smtp: _AlertsSmtp
) -> None:
    setup, slack, mail = _alerts_setup, _alerts_http, _alerts_smtp.handler
    setup.add_lead("L1", datetime(2020, 3, 9, 10, 0, tzinfo=NY))
    stop = setup.start()
    try:
        _alerts_wait(lambda: setup.watermark() is not None, "the first scan")
        _alerts_settle()
        assert slack.requests == [] and mail.messages == []  # 10:30: open, 30 minutes left

        setup.clock.set(datetime(2020, 3, 9, 10, 46, tzinfo=NY))
        _alerts_wait(lambda: len(slack.accepted()) == 1 and len(mail.messages) == 1, "at risk")
        [text] = slack.accepted()
        assert text == (
            "At risk: lead L1 (referral), owner ana@example.com, 14m of business time left\n"
            "Follow up by Mon 9 Mar 2020 11:00 EDT (America/New_York)."
        )
        assert mail.subjects() == [
            "[revpact] At risk: lead L1 (referral), owner ana@example.com, 14m of business time "
            "left"
        ]
        assert mail.recipients == [["sales-floor@example.com"]]
        assert mail.messages[0]["From"] == "revpact@example.com"
        assert mail.messages[0].get_content().replace("\r\n", "\n") == text + "\n"

        setup.clock.set(datetime(2020, 3, 9, 11, 1, tzinfo=NY))
        _alerts_wait(lambda: len(slack.accepted()) == 2 and len(mail.messages) == 2, "breach")
        assert slack.accepted()[1].startswith(
            "Breached: lead L1 (referral), owner ana@example.com, 1m of business time overdue\n"
        )
        assert mail.subjects()[1].startswith("[revpact] Breached: lead L1 (referral)")
        _alerts_settle()
        assert len(slack.requests) == 2 and len(mail.messages) == 2
    finally:
        stop()

    # A new server on the same store and clock repeats nothing, and alerts on what is new.
    setup.add_lead("L2", datetime(2020, 3, 9, 10, 40, tzinfo=NY))  # due 11:40, at risk 11:25
    stop = setup.start()
    try:
        setup.clock.set(datetime(2020, 3, 9, 11, 26, tzinfo=NY))
        _alerts_wait(lambda: len(slack.accepted()) == 3 and len(mail.messages) == 3, "L2 at risk")
        _alerts_settle()
        assert [t.split(",")[0] for t in slack.accepted()] == [
            "At risk: lead L1 (referral)",
            "Breached: lead L1 (referral)",
            "At risk: lead L2 (referral)",
        ]
        assert len(mail.messages) == 3
    finally:
        stop()

    # L2 breaches while no server runs: the next one delivers that breach, once.
    setup.clock.set(datetime(2020, 3, 9, 11, 50, tzinfo=NY))
    stop = setup.start()
    try:
        _alerts_wait(lambda: len(slack.accepted()) == 4 and len(mail.messages) == 4, "L2 breach")
        _alerts_settle()
    finally:
        stop()
    assert slack.accepted()[3].startswith(
        "Breached: lead L2 (referral), owner ana@example.com, 10m of business time overdue\n"
    )
    assert mail.subjects()[3].startswith("[revpact] Breached: lead L2 (referral)")
    assert len(slack.requests) == 4 and len(mail.messages) == 4
    rows = setup.alerts()
    assert [(r.key.lead_id, r.key.kind, r.key.channel) for r in rows] == [
        ("L1", "at_risk", "email"),
        ("L1", "at_risk", "slack"),
        ("L1", "breach", "email"),
        ("L1", "breach", "slack"),
        ("L2", "at_risk", "email"),
        ("L2", "at_risk", "slack"),
        ("L2", "breach", "email"),
        ("L2", "breach", "slack"),
    ]
    assert all(r.sent_us is not None and r.attempts == 1 for r in rows)


def test_a_breach_while_the_server_was_down_comes_alone_after_the_restart(
    _alerts_setup: _AlertsSetup, _alerts_http: _AlertsHttpReceiver, _alerts_smtp: _AlertsSmtp
) -> None:
    setup, slack, mail = _alerts_setup, _alerts_http, _alerts_smtp.handler
    setup.add_lead("L1", datetime(2020, 3, 9, 10, 0, tzinfo=NY), owner="")
    stop = setup.start()
    try:
        _alerts_wait(lambda: setup.watermark() is not None, "the first scan")
    finally:
        stop()
    # Down from 10:30 to 11:20: L1 went at risk at 10:45 and breached at 11:00 meanwhile.
    setup.clock.set(datetime(2020, 3, 9, 11, 20, tzinfo=NY))
    stop = setup.start()
    try:
        _alerts_wait(lambda: len(slack.accepted()) == 1 and len(mail.messages) == 1, "breach")
        _alerts_settle()
    finally:
        stop()
    assert slack.accepted() == [
        "Breached: lead L1 (referral), no owner, 20m of business time overdue\n"
        "It was due Mon 9 Mar 2020 11:00 EDT (America/New_York); follow up now."
    ]
    assert len(mail.messages) == 1 and len(slack.requests) == 1


def test_a_failing_receiver_gets_exactly_one_delivery_after_retries(
    _alerts_setup: _AlertsSetup, _alerts_http: _AlertsHttpReceiver, _alerts_smtp: _AlertsSmtp
) -> None:
    setup, slack, mail = _alerts_setup, _alerts_http, _alerts_smtp.handler
    slack.fail_first = 2
    setup.add_lead("L1", datetime(2020, 3, 9, 10, 0, tzinfo=NY))
    stop = setup.start()
    try:
        _alerts_wait(lambda: setup.watermark() is not None, "the first scan")
        setup.clock.set(datetime(2020, 3, 9, 11, 1, tzinfo=NY))
        _alerts_wait(lambda: len(slack.requests) == 1 and len(mail.messages) == 1, "attempt 1")
        _alerts_settle()
        assert len(slack.requests) == 1  # the next attempt waits 30 s on the server's clock
        [row] = [r for r in setup.alerts() if r.key.channel == "slack"]
        assert (row.attempts, row.sent_us) == (1, None)
        assert row.last_error == "the Slack webhook answered HTTP 500: try later"

        setup.clock.advance(30)
        _alerts_wait(lambda: len(slack.requests) == 2, "attempt 2")
        _alerts_settle()
        assert len(slack.requests) == 2  # then 60 s
        setup.clock.advance(60)
        _alerts_wait(lambda: len(slack.requests) == 3, "attempt 3")
        _alerts_settle()
    finally:
        stop()
    assert [status for status, _ in slack.requests] == [500, 500, 200]
    assert len(slack.accepted()) == 1 and slack.accepted()[0].startswith("Breached: lead L1")
    assert len(mail.messages) == 1
    [row] = [r for r in setup.alerts() if r.key.channel == "slack"]
    assert row.attempts == 3 and row.sent_us is not None and row.last_error is None
