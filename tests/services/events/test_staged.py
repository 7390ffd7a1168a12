"""Large requests: staged in chunks, accepted whole, applied in chunks.

The properties, on generated requests and on SQLite and PostgreSQL: a request whose staging
fails stores nothing at all; a request that was accepted ends up exactly as if it had been
received in one transaction — also when applying it stopped half-way and the rest was applied
later by :func:`resume_intake`."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from test_applier import NOW, requests  # the generated requests of the bulk-apply property

from revpact.domain.agreement.model import Agreement
from revpact.errors import BusyError
from revpact.ingest.webhooks.events import Event, parse_events
from revpact.services.events import ReceiveReport, receive, staged
from revpact.services.events.staged import receive_large, resume_intake, stage_request
from revpact.store.intake import IntakeRepository

CHUNK = 3


def _events(agreement: Agreement, prefix: str, items: list[Any]) -> list[Event]:
    body = []
    for index, item in enumerate(items):
        renamed = json.loads(
            json.dumps(item).replace('"L', f'"{prefix}L').replace('"D', f'"{prefix}D')
        )
        body.append({"id": f"{prefix}e{index}"} | renamed)
    return parse_events(json.dumps(body).encode(), agreement)


def _state(engine: Engine, prefix: str) -> dict[str, Any]:
    """What a reader sees of one example's leads, events, deals and audit rows (ids left out:
    they follow the order rows were inserted in)."""
    like = {"p": f"{prefix}%"}
    with engine.connect() as conn:
        leads = [
            {k: v for k, v in row.items() if k != "id"}
            for row in conn.execute(
                text("SELECT * FROM leads WHERE lead_id LIKE :p ORDER BY lead_id"), like
            ).mappings()
        ]
        events = [
            {k: v for k, v in row.items() if k != "event_id"}
            for row in conn.execute(
                text("SELECT * FROM events WHERE source_key LIKE :p ORDER BY source, source_key"),
                like,
            ).mappings()
        ]
        deals = conn.execute(
            text("SELECT * FROM deals WHERE deal_id LIKE :p ORDER BY deal_id"), like
        ).mappings()
        audit = sorted(
            json.dumps({k: v for k, v in row.items() if k != "audit_id"}, sort_keys=True)
            for row in conn.execute(
                text(
                    "SELECT * FROM audit_log WHERE subject LIKE :lead "
                    "OR (action = 'webhook.event' AND detail LIKE :marker)"
                ),
                {"lead": f"lead:{prefix}%", "marker": '%"received": %'},
            ).mappings()
        )
    return {"leads": leads, "events": events, "deals": [dict(d) for d in deals], "audit": audit}


def _intake_rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            int(conn.execute(text("SELECT COUNT(*) FROM intake_requests")).scalar_one()),
            int(conn.execute(text("SELECT COUNT(*) FROM staged_events")).scalar_one()),
        )


def _busy_on(call: int, real: Any) -> Any:
    calls: list[int] = []

    def busy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == call:
            raise BusyError("the database is busy with another writer")
        return real(*args, **kwargs)

    return busy


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=requests,
    failure=st.sampled_from(["none", "staging", "applying"]),
    at_chunk=st.integers(min_value=1, max_value=4),
)
def test_a_large_request_ends_as_one_transaction_would_leave_it(
    engine: Engine,
    reference: Engine,
    agreement: Agreement,
    monkeypatch: pytest.MonkeyPatch,
    batches: list[tuple[str, list[Any], str]],
    failure: str,
    at_chunk: int,
) -> None:
    prefix = uuid.uuid4().hex[:8]
    items = [item for _, batch, _ in batches for item in batch]
    events = _events(agreement, prefix, items)
    one = receive(reference, agreement, "revpact", events, NOW)
    before = _state(engine, prefix)
    with monkeypatch.context() as patch:
        if failure == "staging":
            patch.setattr(IntakeRepository, "stage", _busy_on(at_chunk, IntakeRepository.stage))
        elif failure == "applying":
            patch.setattr(staged, "receive_in", _busy_on(at_chunk, staged.receive_in))
        try:
            report = receive_large(
                engine, agreement, "revpact", events, NOW, chunk=CHUNK, stage=CHUNK
            )
        except BusyError:
            # Staging failed: nothing of the request was stored, nothing stays staged.
            assert failure == "staging" and at_chunk <= -(-len(events) // CHUNK)
            assert _state(engine, prefix) == before
            assert _intake_rows(engine) == (0, 0)
            report = receive_large(
                engine, agreement, "revpact", events, NOW, chunk=CHUNK, stage=CHUNK
            )
    if report.queued:
        assert failure == "applying"
        assert report.received == (
            report.duplicates + report.applied + report.pending + report.ignored + report.queued
        )
        resume_intake(engine, agreement, NOW, resume_after_s=0)
    else:
        assert report == one
    assert _intake_rows(engine) == (0, 0)
    assert _state(engine, prefix) == _state(reference, prefix)


def test_the_property_sees_its_failures(
    engine: Engine, agreement: Agreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The injected failures do happen (else the property would only compare the happy
    path): a failed staging stores nothing; a failed chunk leaves the rest queued."""
    items = [
        {
            "type": "lead.notified",
            "occurred_at": NOW.isoformat(),
            "lead": {"lead_id": f"L{i}", "lead_type": "content", "requested_follow_up": True},
        }
        for i in range(10)
    ]
    events = _events(agreement, "x", items)
    with monkeypatch.context() as patch:
        patch.setattr(IntakeRepository, "stage", _busy_on(2, IntakeRepository.stage))
        with pytest.raises(BusyError):
            receive_large(engine, agreement, "revpact", events, NOW, chunk=CHUNK, stage=CHUNK)
    assert _state(engine, "x")["events"] == [] and _intake_rows(engine) == (0, 0)
    with monkeypatch.context() as patch:
        patch.setattr(staged, "receive_in", _busy_on(2, staged.receive_in))
        report = receive_large(engine, agreement, "revpact", events, NOW, chunk=CHUNK, stage=CHUNK)
    assert report == ReceiveReport(
        received=10, duplicates=0, applied=3, pending=0, ignored=0, queued=7
    )
    assert len(_state(engine, "x")["events"]) == 3
    assert _intake_rows(engine) == (1, 10)  # the request keeps its events until the last
    with engine.connect() as conn:
        waiting = conn.execute(
            text("SELECT COUNT(*) FROM staged_events WHERE done = :no"), {"no": False}
        ).scalar_one()
    assert waiting == 7
    # Too recent for the resumer (its receiver may still be at it) ...
    assert resume_intake(engine, agreement, NOW + timedelta(seconds=5)) == 0
    # ... then applied, and the request's one audit row counts all of it.
    assert resume_intake(engine, agreement, NOW + timedelta(seconds=60)) == 7
    assert len(_state(engine, "x")["events"]) == 10 and _intake_rows(engine) == (0, 0)
    with engine.connect() as conn:
        details = [
            json.loads(detail)
            for detail in conn.execute(
                text("SELECT detail FROM audit_log WHERE action = 'webhook.event'")
            ).scalars()
        ]
    assert details == [
        {
            "received": 10,
            "duplicates": 0,
            "applied": 10,
            "pending": 0,
            "ignored": 0,
            "late_entries": 0,
        }
    ]


def test_a_request_never_accepted_counts_for_nothing_and_is_removed(
    engine: Engine, agreement: Agreement
) -> None:
    events = _events(
        agreement,
        "y",
        [
            {
                "type": "lead.notified",
                "occurred_at": NOW.isoformat(),
                "lead": {"lead_id": "L1", "lead_type": "content", "requested_follow_up": True},
            }
        ],
    )
    with engine.begin() as conn:  # a stager that died before accepting
        IntakeRepository(conn).open(
            "dead", source="revpact", actor="webhook:revpact", received_us=0, events=1
        )
    stage_request(engine, "revpact", "webhook:revpact", events, NOW)  # and a live one
    with engine.begin() as conn:
        IntakeRepository(conn).drop(
            next(iter(IntakeRepository(conn).accepted(received_by_us=2**62)))
        )  # an accepted request is durable: dropping it does nothing
    assert _intake_rows(engine) == (2, 1)
    assert resume_intake(engine, agreement, NOW, resume_after_s=0) == 1
    assert _intake_rows(engine) == (0, 0)  # the dead one removed, the live one applied
    assert len(_state(engine, "y")["leads"]) == 1


def test_two_resumers_apply_each_event_once(engine: Engine, agreement: Agreement) -> None:
    items = [
        {
            "type": "lead.notified",
            "occurred_at": NOW.isoformat(),
            "lead": {"lead_id": f"L{i}", "lead_type": "content", "requested_follow_up": True},
        }
        for i in range(40)
    ]
    stage_request(engine, "revpact", "webhook:revpact", _events(agreement, "z", items), NOW)
    done: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: done.append(resume_intake(engine, agreement, NOW, resume_after_s=0))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(done) == 40
    assert len(_state(engine, "z")["events"]) == 40 and _intake_rows(engine) == (0, 0)
