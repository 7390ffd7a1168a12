"""The public shape of the audit trail: one recorded write, its two times and its delay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from revpact.domain.clock.calendar import to_us
from revpact.services.audit import AuditEntry, audit_trail
from revpact.services.public.audit import AuditEntryPublic
from revpact.store.audit import record_write

T0 = datetime(2020, 9, 1, 9, tzinfo=UTC)


def test_an_entry_every_key_in_order() -> None:
    entry = AuditEntry(
        number=7,
        recorded_at=T0 + timedelta(hours=2, microseconds=5),
        actor="rep2@company-a.example",
        via="api",
        action="lead.touch",
        subject="lead:L2",
        claimed_at=T0,
        late=True,
        detail={"counted_before": 123, "nested": {"a": [1, None]}},
    )
    shown = AuditEntryPublic.of(entry).model_dump(mode="json")
    expected = {
        "number": 7,
        "recorded_at": "2020-09-01T11:00:00.000005+00:00",
        "actor": "rep2@company-a.example",
        "via": "api",
        "action": "lead.touch",
        "subject": "lead:L2",
        "claimed_at": "2020-09-01T09:00:00+00:00",
        "delay_seconds": 7200,
        "late": True,
        "detail": {"counted_before": 123, "nested": {"a": [1, None]}},
    }
    assert shown == expected and list(shown) == list(expected)


def test_a_stored_entry_that_claims_no_time(engine: Engine) -> None:
    with engine.begin() as conn:
        record_write(
            conn,
            recorded_us=to_us(T0),
            actor=None,
            via="cli",
            action="token.revoke",
            subject="token:1",
        )
    (entry,) = audit_trail(engine)
    assert AuditEntryPublic.of(entry).model_dump(mode="json") == {
        "number": 1,
        "recorded_at": "2020-09-01T09:00:00+00:00",
        "actor": None,
        "via": "cli",
        "action": "token.revoke",
        "subject": "token:1",
        "claimed_at": None,
        "delay_seconds": None,
        "late": False,
        "detail": {},
    }
