"""SQLite under load: writers wait their turn, a busy database is 503 (never 500), and a lead
import and a server receiving webhooks coexist without losing or doubling anything.

The server runs on loopback (uvicorn in a thread); the import runs in another thread on an
engine of its own (its own connections, as another process would have).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from revpact.cli import app
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.ingest.webhooks.signatures import sign_revpact
from revpact.server.loopback import running
from revpact.server.settings import AlertSettings, Settings, WebhookSettings
from revpact.server.state import ServerState
from revpact.services.importing import import_leads
from revpact.store import open_store, sqlite
from revpact.store.sqlite import WriteWait

SECRET = "whsec_sqlite_load"
HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner"
QUICK = WriteWait(busy_ms=50, attempts=4, backoff_s=0.01)


@pytest.fixture
def agreement_file(tmp_path: Path) -> Path:
    path = tmp_path / "revpact.yaml"
    path.write_text(company_a_template("en"), encoding="utf-8")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'revpact.db'}"


def _serve(engine: Engine, agreement_file: Path) -> Any:
    settings = Settings(
        webhooks=WebhookSettings(secrets=(SECRET,)), alerts=AlertSettings(enabled=False)
    )
    return running(ServerState(engine=engine, agreement_path=agreement_file, settings=settings))


def _event(event_id: str, lead_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.notified",
        "occurred_at": "2020-03-02T10:00:00-05:00",
        "lead": {"lead_id": lead_id, "lead_type": "content", "requested_follow_up": True},
    }


def _post(client: httpx.Client, events: list[dict[str, Any]]) -> httpx.Response:
    body = json.dumps(events).encode()
    return client.post(
        "/webhooks/events",
        content=body,
        headers={"Revpact-Signature": sign_revpact(body, SECRET, int(time.time()))},
    )


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _wait_for(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the senders stalled"
        time.sleep(0.01)


def test_a_webhook_meeting_a_held_lock_gets_503_with_retry_after(
    db_url: str, agreement_file: Path
) -> None:
    engine = open_store(db_url, wait=QUICK)
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    with _serve(engine, agreement_file) as url, httpx.Client(base_url=url, timeout=30) as client:
        other.execute("BEGIN IMMEDIATE")
        answer = _post(client, [_event("held-1", "H1")])
        other.execute("ROLLBACK")
        print(f"attack: webhook while another writer holds the lock -> {answer.status_code}")
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) > 0
        assert "busy" in answer.json()["detail"]
        assert _count(engine, "SELECT COUNT(*) FROM events") == 0
        again = _post(client, [_event("held-1", "H1")])
        print(f"attack: the same webhook retried once the lock is free -> {again.status_code}")
        assert again.status_code == 200
    other.close()
    assert _count(engine, "SELECT COUNT(*) FROM events") == 1
    engine.dispose()


def test_an_import_meeting_a_held_lock_says_so_without_a_traceback(
    db_url: str,
    agreement_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_store(db_url).dispose()
    leads = tmp_path / "leads.csv"
    leads.write_text(
        f"{HEADER}\nL1,content,,true,2020-03-02T08:00:00Z,2020-03-02T09:00:00Z,,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sqlite, "DEFAULT_WAIT", QUICK)
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    result = CliRunner().invoke(
        app, ["import", "leads", str(leads), "--db", db_url, "-a", str(agreement_file)]
    )
    other.execute("ROLLBACK")
    other.close()
    print(f"attack: import while another writer holds the lock -> exit {result.exit_code}")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the database is busy" in result.output
    assert "Traceback" not in result.output


def test_an_import_and_200_events_a_second_coexist(
    db_url: str, agreement_file: Path, tmp_path: Path
) -> None:
    engine = open_store(db_url)
    n_leads = 40_000
    leads = tmp_path / "leads.csv"
    rows = (
        f"I{i},content,,true,2020-03-02T08:00:00Z,2020-03-02T09:00:00Z,,ana" for i in range(n_leads)
    )
    leads.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    sent: list[str] = []
    statuses: list[int] = []
    answered_at: list[float] = []
    done = threading.Event()

    def sender(name: str, url: str) -> None:
        # 5 events every 50 ms from each of two senders: 200 events a second
        with httpx.Client(base_url=url, timeout=30) as client:
            batch = 0
            while not done.is_set():
                started = time.monotonic()
                events = [_event(f"{name}-{batch}-{k}", f"W{name}{batch}x{k}") for k in range(5)]
                answer = _post(client, events)
                statuses.append(answer.status_code)
                answered_at.append(time.monotonic())
                if answer.status_code == 200:
                    assert answer.json()["received"] == 5
                    sent.extend(e["id"] for e in events)
                batch += 1
                time.sleep(max(0.0, 0.05 - (time.monotonic() - started)))

    importer = open_store(db_url)
    agreement = parse_agreement(agreement_file.read_text(encoding="utf-8"))
    with _serve(engine, agreement_file) as url:
        threads = [threading.Thread(target=sender, args=(n, url)) for n in "ab"]
        for thread in threads:
            thread.start()
        _wait_for(lambda: len(statuses) >= 10)
        started = time.monotonic()
        report = import_leads(importer, agreement, leads)
        ended = time.monotonic()
        after = len(statuses)
        _wait_for(lambda: len(statuses) >= after + 10)
        done.set()
        for thread in threads:
            thread.join(30)
    importer.dispose()
    during = sum(started <= at <= ended for at in answered_at)
    print(
        f"attack: import of {n_leads} leads ({ended - started:.1f} s) while {len(sent)} "
        f"events arrived in {len(statuses)} posts ({during} answered during the import) -> "
        f"statuses {sorted(set(statuses))}"
    )
    assert report.inserted == n_leads
    assert set(statuses) == {200}
    assert _count(engine, "SELECT COUNT(*) FROM events") == len(sent) == len(set(sent))
    assert _count(engine, "SELECT COUNT(*) FROM leads WHERE lead_id LIKE 'I%'") == n_leads
    assert _count(engine, "SELECT COUNT(*) FROM leads WHERE lead_id LIKE 'W%'") == len(sent)
    engine.dispose()
