"""Receiving webhook events: stored once, applied in their time, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.ingest.webhooks.events import Event, parse_events
from revpact.ingest.webhooks.hubspot import parse_hubspot_events
from revpact.ingest.webhooks.hubspot_mapping import DEFAULT_MAPPING
from revpact.services import import_leads
from revpact.services.events import EventStatus, ReceiveReport, apply_pending, list_events, receive

NOW = datetime(2020, 3, 2, 16, 0, tzinfo=UTC)
HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"


def at(clock: str) -> str:
    return f"2020-03-02T{clock}:00-05:00"


def us(clock: str) -> int:
    return to_us(datetime.fromisoformat(at(clock)))


def events(agreement: Agreement, *items: dict[str, Any]) -> tuple[Event, ...]:
    return parse_events(json.dumps(list(items)).encode(), agreement)


def notified(event_id: str, clock: str, lead_id: str = "L1", **lead: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.notified",
        "occurred_at": at(clock),
        "lead": {"lead_id": lead_id, "lead_type": "content", "requested_follow_up": True}
        | {"stage": "late", "owner": "ana"}
        | lead,
    }


def touched(
    event_id: str, clock: str, lead_id: str = "L1", automated: bool = False
) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.touched",
        "occurred_at": at(clock),
        "lead_id": lead_id,
        "channel": "call",
        "automated": automated,
    }


def updated(event_id: str, clock: str, lead_id: str = "L1", **changes: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "lead.updated",
        "occurred_at": at(clock),
        "lead_id": lead_id,
    } | changes


def send(engine: Engine, agreement: Agreement, *items: dict[str, Any]) -> ReceiveReport:
    return receive(engine, agreement, "revpact", events(agreement, *items), NOW)


def lead(engine: Engine, lead_id: str = "L1") -> dict[str, Any]:
    with engine.connect() as conn:
        row = (
            conn.execute(text("SELECT * FROM leads WHERE lead_id = :id"), {"id": lead_id})
            .mappings()
            .first()
        )
    assert row is not None, f"no lead {lead_id}"
    return dict(row)


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_notified_creates_the_lead_with_the_deadline_the_csv_import_computes(
    engine: Engine, agreement: Agreement
) -> None:
    report = send(engine, agreement, notified("e1", "10:00", created_at=at("09:55")))
    assert report == ReceiveReport(received=1, duplicates=0, applied=1, pending=0, ignored=0)
    csv = HEADER + f"L2,content,late,true,{at('09:55')},{at('10:00')},,ana\n"
    services.import_leads(engine, agreement, io.BytesIO(csv.encode()))
    hooked, imported = lead(engine, "L1"), lead(engine, "L2")
    for column in (
        "lead_type",
        "stage",
        "owner",
        "created_us",
        "notified_us",
        "due_us",
        "sla_fingerprint",
    ):
        assert hooked[column] == imported[column], column
    assert bool(hooked["applies"]) and hooked["due_us"] == us("11:00")


def test_a_duplicate_is_acknowledged_and_changes_nothing(
    engine: Engine, agreement: Agreement
) -> None:
    send(engine, agreement, notified("e1", "10:00"))
    send(engine, agreement, touched("t1", "10:30"))
    before = lead(engine)
    report = send(engine, agreement, notified("e1", "10:00"), touched("t1", "10:30"))
    assert report == ReceiveReport(received=2, duplicates=2, applied=0, pending=0, ignored=0)
    assert lead(engine) == before
    assert count(engine, "SELECT COUNT(*) FROM events") == 2


def test_a_touch_before_its_lead_waits_and_applies_when_the_lead_arrives(
    engine: Engine, agreement: Agreement
) -> None:
    report = send(engine, agreement, touched("t1", "10:20"), updated("u1", "10:10", owner="bob"))
    assert report == ReceiveReport(received=2, duplicates=0, applied=0, pending=2, ignored=0)
    assert [e.source_key for e in list_events(engine, status=EventStatus.PENDING)] == ["u1", "t1"]
    report = send(engine, agreement, notified("e1", "10:00"))
    assert report.applied == 1
    row = lead(engine)
    assert row["first_touch_us"] == us("10:20") and row["owner"] == "bob"
    assert list_events(engine, status=EventStatus.PENDING) == []


def test_a_touch_and_its_lead_in_one_batch_in_any_order(
    engine: Engine, agreement: Agreement
) -> None:
    report = send(engine, agreement, touched("t1", "10:20"), notified("e1", "10:00"))
    assert report == ReceiveReport(received=2, duplicates=0, applied=2, pending=0, ignored=0)
    assert lead(engine)["first_touch_us"] == us("10:20")


def test_apply_pending_after_a_csv_import(engine: Engine, agreement: Agreement) -> None:
    send(
        engine,
        agreement,
        touched("t1", "10:20", lead_id="C1"),
        touched("t2", "10:40", lead_id="C9"),
    )
    csv = HEADER + f"C1,content,late,true,{at('09:55')},{at('10:00')},,ana\n"
    report = services.import_leads(engine, agreement, io.BytesIO(csv.encode()))
    assert report.pending_applied == 1  # the import applies what waited for its leads
    assert lead(engine, "C1")["first_touch_us"] == us("10:20")
    assert [e.source_key for e in list_events(engine, status=EventStatus.PENDING)] == ["t2"]
    assert apply_pending(engine, agreement, NOW) == 0


def test_automated_touches_never_stop_the_clock(engine: Engine, agreement: Agreement) -> None:
    send(engine, agreement, notified("e1", "10:00"))
    report = send(engine, agreement, touched("bot", "10:01", automated=True))
    assert report == ReceiveReport(received=1, duplicates=0, applied=0, pending=0, ignored=1)
    assert lead(engine)["first_touch_us"] is None
    (row,) = list_events(engine, status=EventStatus.IGNORED)
    assert row.outcome == "automated"


def test_the_earliest_human_touch_wins(engine: Engine, agreement: Agreement) -> None:
    send(engine, agreement, notified("e1", "10:00"))
    send(engine, agreement, touched("t1", "11:00"))
    send(engine, agreement, touched("t2", "10:30"))
    send(engine, agreement, touched("t3", "11:30"))
    assert lead(engine)["first_touch_us"] == us("10:30")


def test_an_older_event_never_moves_a_lead_backwards(engine: Engine, agreement: Agreement) -> None:
    send(engine, agreement, notified("e1", "10:00"))
    send(engine, agreement, updated("u2", "12:00", stage="early"))
    send(engine, agreement, updated("u1", "11:00", stage="late", owner="bob"))
    row = lead(engine)
    assert row["stage"] == "early" and row["owner"] == "bob"
    # a second notification, later or earlier, never restarts the clock later
    send(engine, agreement, notified("e2", "10:45", stage="late"))
    row = lead(engine)
    assert row["notified_us"] == us("10:00") and row["stage"] == "early"


def test_updates_decide_applies_and_due_again(engine: Engine, agreement: Agreement) -> None:
    send(engine, agreement, notified("e1", "10:00"))
    send(engine, agreement, updated("u1", "10:05", lead_type="webinar"))
    row = lead(engine)
    assert not row["applies"] and row["due_us"] is None
    send(engine, agreement, updated("u2", "10:06", lead_type="referral"))
    row = lead(engine)
    assert row["applies"] and row["due_us"] == us("11:00")


def test_deals_are_created_and_changed_field_by_field(engine: Engine, agreement: Agreement) -> None:
    deal = {"id": "d1", "type": "deal.updated", "occurred_at": at("10:00")}
    send(engine, agreement, deal | {"deal": {"deal_id": "D1", "lead_id": "L1", "amount": "100"}})
    send(
        engine,
        agreement,
        deal
        | {"id": "d2", "occurred_at": at("12:00"), "deal": {"deal_id": "D1", "outcome": "won"}},
    )
    send(
        engine,
        agreement,
        deal
        | {
            "id": "d3",
            "occurred_at": at("11:00"),
            "deal": {"deal_id": "D1", "amount": "90", "outcome": "open"},
        },
    )
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM deals WHERE deal_id = 'D1'")).mappings().one()
    assert row["outcome"] == "won" and row["closed_us"] == us("12:00")
    assert (
        row["amount_e4"] == 900_000 and row["lead_id"] == "L1" and row["created_us"] == us("10:00")
    )


def test_hubspot_events_through_the_same_service(engine: Engine, agreement: Agreement) -> None:
    ms = us("10:00") // 1000
    batch = [
        {
            "eventId": 1,
            "subscriptionId": 7,
            "subscriptionType": "contact.propertyChange",
            "objectId": 5,
            "occurredAt": ms + 60_000,
            "propertyName": "notes_last_contacted",
            "propertyValue": str(ms + 60_000),
        },
        {
            "eventId": 1,
            "subscriptionId": 8,
            "subscriptionType": "contact.propertyChange",
            "objectId": 5,
            "occurredAt": ms,
            "propertyName": "lifecyclestage",
            "propertyValue": "marketingqualifiedlead",
        },
        {"eventId": 2, "subscriptionType": "contact.creation", "objectId": 5, "occurredAt": ms},
    ]
    parsed = parse_hubspot_events(json.dumps(batch).encode(), DEFAULT_MAPPING, agreement)
    report = receive(engine, agreement, "hubspot", parsed, NOW)
    assert report == ReceiveReport(received=3, duplicates=0, applied=2, pending=0, ignored=1)
    row = lead(engine, "5")
    assert row["stage"] == "marketingqualifiedlead" and row["lead_type"] == "content"
    assert row["notified_us"] == us("10:00") and row["first_touch_us"] == us("10:01")
    again = receive(engine, agreement, "hubspot", parsed, NOW)
    assert again.duplicates == 3


def test_concurrent_duplicate_deliveries_are_safe(engine: Engine, agreement: Agreement) -> None:
    batch = events(
        agreement, notified("e1", "10:00"), *(touched(f"t{i}", "10:30") for i in range(20))
    )
    reports: list[ReceiveReport] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(6)

    def deliver() -> None:
        try:
            gate.wait()
            reports.append(receive(engine, agreement, "revpact", batch, NOW))
        except BaseException as exc:  # pragma: no cover - the failure is the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert count(engine, "SELECT COUNT(*) FROM events") == 21
    assert sum(r.applied for r in reports) == 21 and sum(r.duplicates for r in reports) == 5 * 21
    assert lead(engine)["first_touch_us"] == us("10:30")


@pytest.mark.parametrize("status", list(EventStatus))
def test_the_audit_filters_by_status(
    engine: Engine, agreement: Agreement, status: EventStatus
) -> None:
    send(
        engine,
        agreement,
        notified("e1", "10:00"),
        touched("bot", "10:01", automated=True),
        touched("t", "10:02", lead_id="nobody"),
    )
    (row,) = list_events(engine, status=status)
    assert {"applied": "e1", "ignored": "bot", "pending": "t"}[status.value] == row.source_key


def test_a_lead_import_keeps_the_earlier_webhook_touch_and_applies_waiting_ones(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    """The CRM's export may not know yet about a touch a webhook already reported: importing
    the lead must neither lose that touch nor leave a waiting touch unapplied."""
    touches = [
        {
            "id": f"t-{lead}",
            "type": "lead.touched",
            "occurred_at": "2020-03-02T10:20:00-05:00",
            "lead_id": lead,
            "channel": "call",
            "automated": False,
        }
        for lead in ("K1", "K2")
    ]
    notified = {
        "id": "n-K1",
        "type": "lead.notified",
        "occurred_at": "2020-03-02T10:00:00-05:00",
        "lead": {"lead_id": "K1", "lead_type": "content", "stage": "late",
                 "requested_follow_up": True},
    }  # fmt: skip
    body = json.dumps([notified, *touches]).encode()
    report = receive(engine, agreement, "revpact", parse_events(body, agreement), NOW)
    assert (report.applied, report.pending) == (2, 1)
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"
        "K1,content,late,true,2020-03-02T10:00:00-05:00,2020-03-02T10:00:00-05:00,,ana\n"
        "K2,content,late,true,2020-03-02T10:00:00-05:00,2020-03-02T10:00:00-05:00,"
        "2020-03-02T11:30:00-05:00,ana\n",
        encoding="utf-8",
    )
    imported = import_leads(engine, agreement, csv_file, now=NOW)
    assert imported.pending_applied == 1
    with engine.connect() as conn:
        touched = dict(conn.execute(text("SELECT lead_id, first_touch_us FROM leads")).all())
    ten_twenty = to_us(datetime.fromisoformat("2020-03-02T10:20:00-05:00"))
    assert touched == {"K1": ten_twenty, "K2": ten_twenty}
