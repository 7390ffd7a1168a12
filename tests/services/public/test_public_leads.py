"""The public shape of the follow-up SLA: a lead (with and without a late entry), the leads as
of a moment, the summary per owner and per week — every key, in order, as the CLI, the API and
the pages send it (moments ISO 8601 with their offset, statuses as their values)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.sla import LeadStatus
from revpact.ingest.webhooks.events import parse_events
from revpact.services.events import receive
from revpact.services.follow_up import FollowUpSummary, LeadView, OwnerSummary
from revpact.services.follow_up_weeks import WeekFollowUp
from revpact.services.late_entries import LateEntryView
from revpact.services.public.leads import (
    FollowUpSummaryPublic,
    LeadApprovedPublic,
    LeadPublic,
    LeadsAsOf,
    WeekFollowUpPublic,
)

NY = ZoneInfo("America/New_York")
MET = LeadView(
    lead_id="A3",
    lead_type="internet_sales_ready",
    stage="late",
    owner="ana",
    created_at=datetime(2020, 3, 2, 21, 29, tzinfo=UTC),
    notified_at=datetime(2020, 3, 2, 21, 30, tzinfo=UTC),
    first_touch_at=datetime(2020, 3, 3, 14, 15, tzinfo=UTC),
    due_at=datetime(2020, 3, 3, 14, 30, tzinfo=UTC),
    status=LeadStatus.MET,
    response_business_seconds=2700,
    business_seconds_left=None,
)
MET_JSON = {
    "lead_id": "A3",
    "lead_type": "internet_sales_ready",
    "stage": "late",
    "owner": "ana",
    "status": "met",
    "created_at": "2020-03-02T21:29:00+00:00",
    "notified_at": "2020-03-02T21:30:00+00:00",
    "first_touch_at": "2020-03-03T14:15:00+00:00",
    "due_at": "2020-03-03T14:30:00+00:00",
    "response_business_seconds": 2700,
    "business_seconds_left": None,
    "agreement_version": None,
    "late_entry": None,
}
WAITING = LeadView(
    lead_id="B7",
    lead_type="content",
    stage="early",
    owner=None,
    created_at=datetime(2020, 3, 9, 13, 0, 0, 250_000, tzinfo=UTC),
    notified_at=None,
    first_touch_at=None,
    due_at=None,
    status=LeadStatus.OPEN,
    response_business_seconds=None,
    business_seconds_left=1234,
    agreement_version=2,
    late_entry=LateEntryView(
        lead_id="B7",
        notification_recorded_at=datetime(2020, 3, 9, 15, tzinfo=UTC),
        notified_by="webhook:hubspot",
        touch_claimed_at=None,
        touch_recorded_at=None,
        touch_by=None,
        awaiting_approval=False,
        approved_at=None,
        approved_by=None,
    ),
)
WAITING_JSON = {
    "lead_id": "B7",
    "lead_type": "content",
    "stage": "early",
    "owner": None,
    "status": "open",
    "created_at": "2020-03-09T13:00:00.250000+00:00",
    "notified_at": None,
    "first_touch_at": None,
    "due_at": None,
    "response_business_seconds": None,
    "business_seconds_left": 1234,
    "agreement_version": 2,
    "late_entry": {
        "notification_recorded_at": "2020-03-09T15:00:00+00:00",
        "notified_by": "webhook:hubspot",
        "touch_claimed_at": None,
        "touch_recorded_at": None,
        "touch_by": None,
        "awaiting_approval": False,
        "approved_at": None,
        "approved_by": None,
    },
}


def test_a_lead_every_key_in_order() -> None:
    for view, expected in ((MET, MET_JSON), (WAITING, WAITING_JSON)):
        shown = LeadPublic.of(view).model_dump(mode="json")
        assert shown == expected
        assert list(shown) == list(expected)
        assert list(shown["late_entry"] or {}) == list(expected["late_entry"] or {})  # type: ignore[call-overload]


def test_the_leads_as_of_a_moment_and_an_approval() -> None:
    as_of = datetime(2020, 3, 9, 9, 30, tzinfo=NY)
    listed = LeadsAsOf.of(as_of, [MET, WAITING]).model_dump(mode="json")
    assert listed == {"as_of": "2020-03-09T09:30:00-04:00", "leads": [MET_JSON, WAITING_JSON]}
    approved = LeadApprovedPublic.of("ceo@company-a.example", MET).model_dump(mode="json")
    assert approved == {"approved_by": "ceo@company-a.example", "lead": MET_JSON}


OWNERS = (
    OwnerSummary(
        owner="ana",
        leads=4,
        counts={LeadStatus.MET: 2, LeadStatus.BREACHED: 1, LeadStatus.EXCLUDED: 1},
        compliance=2 / 3,
        median_response_seconds=2700,
        p90_response_seconds=5400,
    ),
    OwnerSummary(
        owner=None,
        leads=1,
        counts={LeadStatus.OPEN: 1},
        compliance=None,
        median_response_seconds=None,
        p90_response_seconds=None,
    ),
)


def test_the_summary_counts_every_status_and_writes_the_target_as_a_float() -> None:
    summary = FollowUpSummary(
        as_of=datetime(2020, 3, 9, 9, 30, tzinfo=NY),
        leads=5,
        counts={LeadStatus.OPEN: 1, LeadStatus.MET: 2, LeadStatus.BREACHED: 1},
        compliance=2 / 3,
        compliance_target=Decimal("0.95"),
        median_response_seconds=2700,
        p90_response_seconds=5400,
        owners=OWNERS,
    )
    shown = FollowUpSummaryPublic.of(summary).model_dump(mode="json")
    assert shown == {
        "as_of": "2020-03-09T09:30:00-04:00",
        "leads": 5,
        "counts": {"excluded": 0, "met": 2, "breached": 1, "at_risk": 0, "open": 1},
        "compliance": 2 / 3,
        "compliance_target": 0.95,
        "median_response_business_seconds": 2700,
        "p90_response_business_seconds": 5400,
        "owners": [
            {
                "owner": "ana",
                "leads": 4,
                "counts": {"excluded": 1, "met": 2, "breached": 1, "at_risk": 0, "open": 0},
                "compliance": 2 / 3,
                "median_response_business_seconds": 2700,
                "p90_response_business_seconds": 5400,
            },
            {
                "owner": None,
                "leads": 1,
                "counts": {"excluded": 0, "met": 0, "breached": 0, "at_risk": 0, "open": 1},
                "compliance": None,
                "median_response_business_seconds": None,
                "p90_response_business_seconds": None,
            },
        ],
    }
    assert list(shown["counts"]) == ["excluded", "met", "breached", "at_risk", "open"]
    assert isinstance(shown["compliance_target"], float)
    assert json.dumps(shown["owners"][0]).startswith('{"owner": "ana", "leads": 4, "counts"')


def test_a_week() -> None:
    week = WeekFollowUp(
        week="2020-W11",
        monday=date(2020, 3, 9),
        leads=3,
        counts={s: 0 for s in LeadStatus} | {LeadStatus.MET: 2, LeadStatus.AT_RISK: 1},
        compliance=1.0,
        median_response_seconds=60,
        p90_response_seconds=None,
    )
    shown = WeekFollowUpPublic.of(week).model_dump(mode="json")
    assert shown == {
        "week": "2020-W11",
        "monday": "2020-03-09",
        "leads": 3,
        "counts": {"excluded": 0, "met": 2, "breached": 0, "at_risk": 1, "open": 0},
        "compliance": 1.0,
        "median_response_business_seconds": 60,
        "p90_response_business_seconds": None,
    }
    assert list(shown) == [
        "week", "monday", "leads", "counts", "compliance",
        "median_response_business_seconds", "p90_response_business_seconds",
    ]  # fmt: skip


def _send(engine: Engine, agreement: Agreement, now: datetime, item: dict[str, Any]) -> None:
    receive(engine, agreement, "revpact", parse_events(json.dumps([item]).encode(), agreement), now)


def test_a_stored_lead_with_a_touch_awaiting_approval(engine: Engine, agreement: Agreement) -> None:
    """Read back through the service: a touch claimed at 10:20 received at 14:00."""
    est = ZoneInfo("America/New_York")
    notified = datetime(2020, 3, 2, 10, tzinfo=est)
    lead = {"lead_id": "L1", "lead_type": "content", "requested_follow_up": True, "stage": "late"}
    _send(engine, agreement, notified, {
        "id": "n-L1", "type": "lead.notified", "occurred_at": notified.isoformat(),
        "lead": lead | {"owner": "kevin.tran@company-a.example"},
    })  # fmt: skip
    _send(engine, agreement, datetime(2020, 3, 2, 14, tzinfo=est), {
        "id": "t1", "type": "lead.touched", "lead_id": "L1", "channel": "call",
        "automated": False, "occurred_at": datetime(2020, 3, 2, 10, 20, tzinfo=est).isoformat(),
    })  # fmt: skip
    view = services.find_lead(engine, agreement, "L1", as_of=datetime(2020, 3, 2, 15, tzinfo=est))
    shown = LeadPublic.of(view).model_dump(mode="json")
    assert shown["status"] == "breached"
    assert shown["first_touch_at"] == "2020-03-02T19:00:00+00:00"
    assert shown["late_entry"] == {
        "notification_recorded_at": None,
        "notified_by": None,
        "touch_claimed_at": "2020-03-02T15:20:00+00:00",
        "touch_recorded_at": "2020-03-02T19:00:00+00:00",
        "touch_by": "webhook:revpact",
        "awaiting_approval": True,
        "approved_at": None,
        "approved_by": None,
    }
