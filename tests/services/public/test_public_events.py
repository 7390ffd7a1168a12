"""The public shape of received events: a request's counts (never its late entries), a stored
event with its status, and the answer to a team's write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from revpact.domain.clock.sla import LeadStatus
from revpact.services.events import EventStatus, LateEntry, Outcome, ReceiveReport
from revpact.services.follow_up import LeadView
from revpact.services.public.events import (
    EventPublic,
    EventsPublic,
    LeadRecordedPublic,
    ReceiveReportPublic,
)
from revpact.store.events import EventRow

LATE = LateEntry(
    kind="touch",
    lead_id="L1",
    claimed_us=1_583_162_400_000_000,
    recorded_us=1_583_175_600_000_000,
    awaiting_approval=True,
    actor="kevin.tran@company-a.example",
)
REPORT = ReceiveReport(
    received=7, duplicates=1, applied=4, pending=1, ignored=1, late_entries=(LATE,)
)
COUNTS = {"received": 7, "duplicates": 1, "applied": 4, "pending": 1, "ignored": 1, "queued": 0}
WRITE_COUNTS = {name: n for name, n in COUNTS.items() if name != "queued"}  # a write: not queued


def test_the_report_is_the_counts_only() -> None:
    shown = ReceiveReportPublic.of(REPORT).model_dump(mode="json")
    assert shown == COUNTS
    assert list(shown) == list(COUNTS)


def _row(applied_us: int | None, outcome: str | None) -> EventRow:
    return EventRow(
        event_id=12,
        source="hubspot",
        source_key="evt-9",
        type="lead.touched",
        lead_id="L1",
        deal_id=None,
        occurred_us=1_583_162_400_000_000,
        received_us=1_583_162_401_000_000,
        payload='{"lead_id": "L1", "channel": "call", "n": 1.5, "tags": ["a"]}',
        applied_us=applied_us,
        outcome=outcome,
    )


@pytest.mark.parametrize(
    ("applied_us", "outcome", "status"),
    [
        (None, Outcome.PENDING.value, "pending"),
        (1_583_162_402_000_000, Outcome.APPLIED.value, "applied"),
        (1_583_162_402_000_000, Outcome.UNCHANGED.value, "applied"),
        (1_583_162_402_000_000, Outcome.AUTOMATED.value, "ignored"),
        (1_583_162_402_000_000, Outcome.IGNORED.value, "ignored"),
    ],
)
def test_a_stored_event_with_its_status(applied_us: int | None, outcome: str, status: str) -> None:
    shown = EventPublic.of(_row(applied_us, outcome)).model_dump(mode="json")
    expected = {
        "event_id": 12,
        "source": "hubspot",
        "source_key": "evt-9",
        "type": "lead.touched",
        "lead_id": "L1",
        "deal_id": None,
        "occurred_us": 1_583_162_400_000_000,
        "received_us": 1_583_162_401_000_000,
        "applied_us": applied_us,
        "status": status,
        "outcome": outcome,
        "payload": {"lead_id": "L1", "channel": "call", "n": 1.5, "tags": ["a"]},
    }
    assert shown == expected
    assert list(shown) == list(expected)


def test_the_event_log() -> None:
    shown = EventsPublic.of([_row(None, None)]).model_dump(mode="json")
    assert shown["events"][0]["status"] == EventStatus.PENDING.value
    assert shown["events"][0]["outcome"] is None
    assert EventsPublic.of([]).model_dump(mode="json") == {"events": []}


def test_the_answer_to_a_write() -> None:
    view = LeadView(
        lead_id="L1",
        lead_type="content",
        stage="late",
        owner="kevin.tran@company-a.example",
        created_at=datetime(2020, 3, 2, 15, tzinfo=UTC),
        notified_at=datetime(2020, 3, 2, 15, tzinfo=UTC),
        first_touch_at=datetime(2020, 3, 2, 19, tzinfo=UTC),
        due_at=datetime(2020, 3, 2, 16, tzinfo=UTC),
        status=LeadStatus.BREACHED,
        response_business_seconds=14_400,
        business_seconds_left=None,
    )
    warning = "the first touch is before the lead's notification"
    shown = LeadRecordedPublic.of(REPORT, [warning], view).model_dump(mode="json")
    assert shown == {
        **WRITE_COUNTS,
        "late_entries": [
            {
                "kind": "touch",
                "claimed_us": 1_583_162_400_000_000,
                "recorded_us": 1_583_175_600_000_000,
                "awaiting_approval": True,
            }
        ],
        "warnings": [warning],
        "lead": {
            "lead_id": "L1",
            "lead_type": "content",
            "stage": "late",
            "owner": "kevin.tran@company-a.example",
            "status": "breached",
            "created_at": "2020-03-02T15:00:00+00:00",
            "notified_at": "2020-03-02T15:00:00+00:00",
            "first_touch_at": "2020-03-02T19:00:00+00:00",
            "due_at": "2020-03-02T16:00:00+00:00",
            "response_business_seconds": 14_400,
            "business_seconds_left": None,
            "agreement_version": None,
            "late_entry": None,
        },
    }
    assert list(shown)[:8] == [*WRITE_COUNTS, "late_entries", "warnings", "lead"]
    no_late = ReceiveReport(1, 0, 1, 0, 0)
    assert LeadRecordedPublic.of(no_late, [], view).model_dump(mode="json")["late_entries"] == []
