"""Audit rows appended together: the rows :func:`record_write` appends one by one, in order."""

from __future__ import annotations

from sqlalchemy import Engine

from revpact.store.audit import AuditWrite, audit_rows, record_write, record_writes


def test_record_writes_appends_the_rows_of_record_write_in_order(engine: Engine) -> None:
    writes = [
        AuditWrite(recorded_us=20, actor="a", via="webhook", action="webhook.event", subject="s"),
        AuditWrite(
            recorded_us=10,
            actor=None,
            via="webhook",
            action="lead.touch",
            subject="lead:L1",
            claimed_us=5,
            late=True,
            detail={"awaiting_approval": True},
        ),
    ]
    with engine.begin() as conn:
        record_writes(conn, writes)
        record_writes(conn, [])
        for write in writes:
            record_write(
                conn,
                recorded_us=write.recorded_us,
                actor=write.actor,
                via=write.via,
                action=write.action,
                subject=write.subject,
                claimed_us=write.claimed_us,
                late=write.late,
                detail=write.detail,
            )
        rows = audit_rows(conn)
    together = [(r.recorded_us, r.actor, r.action, r.claimed_us, r.late, r.detail) for r in rows]
    assert together[:2] == together[2:]
    assert together[:2] == [
        (20, "a", "webhook.event", None, False, {}),
        (10, None, "lead.touch", 5, True, {"awaiting_approval": True}),
    ]
    assert [r.audit_id for r in rows] == sorted(r.audit_id for r in rows)
