"""``revpact serve --workers 2`` on one PostgreSQL, attacked by concurrent duplicate senders.

The real command runs in a process of its own (uvicorn's supervisor and two workers). Several
threads post the same signed events at once, as singles and as batches, so both workers take
copies of every event; each event must be stored once and acknowledged as new once, and each
breach alert must reach the receiver once although both workers' schedulers look every 0.2 s.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from revpact.domain.clock.calendar import to_us
from revpact.ingest.agreement_file import company_a_template
from revpact.ingest.webhooks.signatures import sign_revpact
from revpact.store import open_store
from revpact.store.alerts import AlertRepository

POSTGRES_ENV = "REVPACT_TEST_POSTGRES_URL"
SECRET = "whsec_workers"
NY = ZoneInfo("America/New_York")
LEADS = 8
SENDERS = 4

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"{POSTGRES_ENV} is not set"),
]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL, dropped afterwards."""
    server = make_url(os.environ[POSTGRES_ENV])
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


class Receiver:
    """A Slack-compatible incoming webhook on loopback that records every alert text."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        lock = threading.Lock()
        texts = self.texts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    texts.append(body["text"])
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T0/B0/x"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    try:
        yield found
    finally:
        found.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def workers_of(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``pid`` started (not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def notified(lead: int) -> dict[str, Any]:
    at = "2020-03-09T10:00:00-04:00"  # due 11:00 that day: long breached, never touched
    return {
        "id": f"evt-{lead}",
        "type": "lead.notified",
        "occurred_at": at,
        "lead": {
            "lead_id": f"W{lead}",
            "lead_type": "referral",
            "requested_follow_up": True,
            "stage": "late",
            "owner": "ana@example.com",
        },
    }


def deliveries() -> list[list[dict[str, Any]]]:
    """What one sender posts: every event alone, plus all of them in one batch, shuffled."""
    events = [notified(n) for n in range(LEADS)]
    bodies = [[event] for event in events] + [events]
    random.shuffle(bodies)
    return bodies


def post(url: str, events: list[dict[str, Any]]) -> dict[str, int]:
    body = json.dumps(events).encode()
    headers = {
        "Revpact-Signature": sign_revpact(body, SECRET, int(time.time())),
        "Content-Type": "application/json",
    }
    response = httpx.post(f"{url}/webhooks/events", content=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    result: dict[str, int] = response.json()
    return result


def test_two_workers_store_each_event_once_and_alert_once(
    postgres_url: str, receiver: Receiver, tmp_path: Path
) -> None:
    agreement = tmp_path / "revpact.yaml"
    agreement.write_text(company_a_template("en"), encoding="utf-8")
    settings = tmp_path / "revpact.toml"
    settings.write_text(
        f'[webhooks]\nsecrets = ["{SECRET}"]\n'
        f'[alerts]\nslack_webhook_url = "{receiver.url}"\ninterval_seconds = 0.2\n',
        encoding="utf-8",
    )
    engine = open_store(postgres_url)
    with engine.begin() as conn:  # the scheduler first ran before the leads came
        AlertRepository(conn).ensure_watermark(to_us(datetime(2020, 3, 1, tzinfo=NY)))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVPACT_")}
    cli = Path(sys.executable).with_name("revpact")
    command = [str(cli), "serve", "--workers", "2", "--port", str(port)]
    command += ["--db", postgres_url, "--agreement", str(agreement), "--settings", str(settings)]
    server = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60  # a loaded machine imports slowly
        while len(workers_of(server.pid)) < 2 or not _healthy(url):
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "revpact serve --workers 2 did not come up"
            time.sleep(0.1)
        print(f"workers: {len(workers_of(server.pid))} worker processes under {server.pid}")

        jobs = [bodies for _ in range(SENDERS) for bodies in deliveries()]
        print(f"attack: {len(jobs)} signed posts of {LEADS} events, {SENDERS} senders at once")
        with ThreadPoolExecutor(SENDERS) as pool:
            answers = list(pool.map(lambda events: post(url, events), jobs))
        new = sum(a["received"] - a["duplicates"] for a in answers)
        assert new == LEADS, answers
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT source_key, COUNT(*) FROM events GROUP BY source_key")
            ).all()
        assert len(stored) == LEADS and all(count == 1 for _, count in stored)
        print(f"stored: {len(stored)} events, each once; {new} acknowledged as new")

        deadline = time.monotonic() + 10
        while len(receiver.texts) < LEADS:
            assert time.monotonic() < deadline, f"alerts: {receiver.texts}"
            time.sleep(0.05)
        time.sleep(0.6)  # both schedulers look three more times: nothing more may come
        leads = Counter(t.split(",")[0] for t in receiver.texts)
        assert leads == {f"Breached: lead W{n} (referral)": 1 for n in range(LEADS)}
        with engine.connect() as conn:
            rows = AlertRepository(conn).all()
        assert len(rows) == LEADS and all(r.sent_us is not None and r.attempts == 1 for r in rows)
        print(f"alerts: {len(receiver.texts)} breach alerts received, one per lead")
    finally:
        server.terminate()
        server.wait(timeout=20)
        engine.dispose()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
