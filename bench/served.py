"""A copy of the scoreboard benchmark's database served over loopback, for the benchmarks that
measure the server (``api.py``, ``dashboard.py``, ``webhooks.py``): its clock fixed at
:data:`AS_OF`, alerts off, webhooks signed with :data:`SECRET`, and a viewer token; and the
signed webhook events those benchmarks send."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from revpact.services.clock import FixedClock
from scoreboard import DB, build

AS_OF = datetime(2020, 12, 31, 16, 0, tzinfo=timezone(timedelta(hours=-5)))
SECRET = "whsec_bench"


@contextmanager
def served_copy(name: str) -> Iterator[tuple[str, str]]:
    """(base URL, viewer token) of a server over a fresh copy of the 1,000,000-lead database
    (built on first use); the copy is deleted afterwards, so what a benchmark writes stays out
    of the shared database."""
    from revpact.domain.roles import Role
    from revpact.ingest.agreement_file import company_a_template
    from revpact.server.loopback import running
    from revpact.server.settings import AlertSettings, Settings, WebhookSettings
    from revpact.server.state import ServerState
    from revpact.services.tokens import create_token
    from revpact.store import open_store

    build(DB)
    work = Path(tempfile.mkdtemp(prefix=f"revpact-bench-{name}-"))
    try:
        db = work / f"{name}.db"
        shutil.copyfile(DB, db)
        agreement = work / "revpact.yaml"
        agreement.write_text(company_a_template("en"), encoding="utf-8")
        engine = open_store(f"sqlite:///{db}")
        token = create_token(engine, name="bench", role=Role.VIEWER, now=AS_OF).token
        state = ServerState(
            engine=engine,
            agreement_path=agreement,
            settings=Settings(
                webhooks=WebhookSettings(secrets=(SECRET,)), alerts=AlertSettings(enabled=False)
            ),
            clock=FixedClock(AS_OF),
        )
        try:
            with running(state) as url:
                yield url, token
        finally:
            engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def lead_events(count: int, prefix: str, *, step_ms: int) -> list[dict[str, Any]]:
    """``count`` events: a ``lead.notified`` of a new lead, then a human ``lead.touched`` of it
    two minutes later, the pairs ``step_ms`` apart from twelve minutes before the server's
    clock: sent as they happen, as the marketing platform and the CRM do (an event recorded more
    than the agreement's ``late_entry_after`` after the moment it claims would be a late
    entry)."""
    start = AS_OF.astimezone(UTC) - timedelta(minutes=12)
    events: list[dict[str, Any]] = []
    for i in range(count // 2):
        lead_id = f"W{prefix}{i:06d}"
        at = start + timedelta(milliseconds=step_ms * i)
        events.append(
            {
                "id": f"evt_{prefix}_n{i}",
                "type": "lead.notified",
                "occurred_at": at.isoformat(),
                "lead": {
                    "lead_id": lead_id,
                    "lead_type": "content",
                    "stage": "late",
                    "requested_follow_up": True,
                    "owner": f"rep{i % 40:02d}",
                },
            }
        )
        events.append(
            {
                "id": f"evt_{prefix}_t{i}",
                "type": "lead.touched",
                "occurred_at": (at + timedelta(minutes=2)).isoformat(),
                "lead_id": lead_id,
                "channel": "call",
                "automated": False,
            }
        )
    return events


def signed(batch: list[dict[str, Any]]) -> tuple[bytes, str]:
    """The body of one request (an event alone, or a list) and its signature at the server's
    clock."""
    from revpact.ingest.webhooks.signatures import sign_revpact

    body = json.dumps(batch if len(batch) > 1 else batch[0]).encode()
    return body, sign_revpact(body, SECRET, int(AS_OF.timestamp()))


def deliver(
    client: httpx.Client, requests: list[tuple[bytes, str]], url: str = ""
) -> tuple[float, dict[str, int]]:
    """Post each signed body to ``url`` (none: the client's base URL); the seconds it took
    and the reports' counts summed. A request not answered 200 stops the benchmark."""
    totals: dict[str, int] = {}
    t0 = time.perf_counter()
    for body, signature in requests:
        response = client.post(
            url + "/webhooks/events",
            content=body,
            headers={"Revpact-Signature": signature, "Content-Type": "application/json"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"{url or client.base_url}: {response.status_code} {response.text}")
        for key, value in response.json().items():
            totals[key] = totals.get(key, 0) + int(value)
    return time.perf_counter() - t0, totals
