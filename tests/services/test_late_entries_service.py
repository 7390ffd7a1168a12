"""Late entries through the services: held for approval, approved, audited, settled again when
due times move; refused times and touches before the notification in imports."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import LeadStatus
from revpact.errors import InputError, RefusedError
from revpact.ingest.webhooks.events import EventsError, parse_events
from revpact.services.deadlines import recompute_deadlines
from revpact.services.events import receive
from revpact.services.late_entries import approve_touch, check_approver, late_entries
from revpact.store.audit import audit_rows

HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner\n"
OWNER = "kevin.tran@company-a.example"
CEO = "margaret.lowell@company-a.example"


def at(clock: str, day: int = 2) -> datetime:
    return datetime.fromisoformat(f"2020-03-0{day}T{clock}:00-05:00")


def send(engine: Engine, agreement: Agreement, now: datetime, *items: dict[str, Any]) -> Any:
    events = parse_events(json.dumps(list(items)).encode(), agreement)
    return receive(engine, agreement, "revpact", events, now)


def notified(clock: str, lead_id: str = "L1") -> dict[str, Any]:
    return {
        "id": f"n-{lead_id}",
        "type": "lead.notified",
        "occurred_at": at(clock).isoformat(),
        "lead": {"lead_id": lead_id, "lead_type": "content", "requested_follow_up": True}
        | {"stage": "late", "owner": OWNER},
    }


def touched(clock: str, lead_id: str = "L1", key: str = "t1") -> dict[str, Any]:
    return {
        "id": key,
        "type": "lead.touched",
        "occurred_at": at(clock).isoformat(),
        "lead_id": lead_id,
        "channel": "call",
        "automated": False,
    }


def status(engine: Engine, agreement: Agreement, as_of: datetime, lead_id: str = "L1") -> Any:
    return services.find_lead(engine, agreement, lead_id, as_of=as_of)


@pytest.fixture
def held(engine: Engine, agreement: Agreement) -> Engine:
    """L1 notified at 10:00 (due 11:00); a touch claimed at 10:20 is received at 14:00."""
    send(engine, agreement, at("10:00"), notified("10:00"))
    report = send(engine, agreement, at("14:00"), touched("10:20"))
    assert [(e.kind, e.awaiting_approval) for e in report.late_entries] == [("touch", True)]
    return engine


def test_a_late_touch_that_would_meet_the_due_time_counts_when_recorded(
    held: Engine, agreement: Agreement
) -> None:
    view = status(held, agreement, at("15:00"))
    assert view.status is LeadStatus.BREACHED
    assert view.first_touch_at == at("14:00")  # counted when it was recorded
    assert view.late_entry is not None and view.late_entry.awaiting_approval
    assert view.late_entry.touch_claimed_at == at("10:20")
    assert view.late_entry.touch_by == "webhook:revpact"
    shown = services.LeadPublic.of(view).model_dump(mode="json")["late_entry"]
    assert isinstance(shown, dict) and shown["awaiting_approval"] is True
    summary = services.follow_up_summary(held, agreement, as_of=at("15:00"))
    assert summary.counts[LeadStatus.BREACHED] == 1 and summary.counts[LeadStatus.MET] == 0
    with held.connect() as conn:
        trail = audit_rows(conn)
    assert [(r.action, r.late) for r in trail] == [
        ("webhook.event", False),
        ("webhook.event", False),
        ("lead.touch", True),
    ]
    assert trail[-1].claimed_us == to_us(at("10:20")) and trail[-1].recorded_us == to_us(
        at("14:00")
    )
    assert trail[-1].detail["awaiting_approval"] is True
    assert trail[1].detail["late_entries"] == 1


def test_an_approved_late_touch_counts_as_claimed_and_is_audited(
    held: Engine, agreement: Agreement
) -> None:
    approve_touch(held, "L1", by=CEO, via="cli", now=at("16:00"))
    view = status(held, agreement, at("17:00"))
    assert view.status is LeadStatus.MET and view.first_touch_at == at("10:20")
    assert view.late_entry is not None and view.late_entry.approved_by == CEO
    assert not view.late_entry.awaiting_approval
    with held.connect() as conn:
        approval = audit_rows(conn, action_prefix="lead.touch.approve")
    assert [(r.actor, r.via, r.subject) for r in approval] == [(CEO, "cli", "lead:L1")]
    with pytest.raises(RefusedError, match="awaits approval"):
        approve_touch(held, "L1", by=CEO, via="cli", now=at("16:30"))
    # a re-delivery of the same touch changes nothing, the approval stands
    send(held, agreement, at("17:00"), touched("10:20", key="t1-again"))
    assert status(held, agreement, at("17:30")).status is LeadStatus.MET


def test_nobody_approves_a_touch_on_their_own_lead(held: Engine) -> None:
    with pytest.raises(RefusedError, match="owns"):
        approve_touch(held, "L1", by=OWNER, via="api", now=at("16:00"))


def test_a_timely_touch_and_a_late_one_that_changes_nothing_are_not_held(
    engine: Engine, agreement: Agreement
) -> None:
    send(engine, agreement, at("10:00"), notified("10:00"), notified("10:00", "L2"))
    timely = send(engine, agreement, at("10:30"), touched("10:20"))
    assert timely.late_entries == ()
    assert status(engine, agreement, at("12:00")).status is LeadStatus.MET
    # claimed after the due time: breached either way; late, shown, not held
    late = send(engine, agreement, at("16:00"), touched("11:30", "L2", key="t2"))
    assert [(e.kind, e.awaiting_approval) for e in late.late_entries] == [("touch", False)]
    view = status(engine, agreement, at("17:00"), "L2")
    assert view.status is LeadStatus.BREACHED and view.first_touch_at == at("11:30")
    assert view.late_entry is not None and not view.late_entry.awaiting_approval


def test_a_late_touch_never_unmeets_a_met_lead(engine: Engine, agreement: Agreement) -> None:
    send(engine, agreement, at("10:00"), notified("10:00"))
    send(engine, agreement, at("10:35"), touched("10:30"))
    send(engine, agreement, at("15:00"), touched("10:05", key="t-earlier"))
    view = status(engine, agreement, at("16:00"))
    assert view.status is LeadStatus.MET and view.first_touch_at == at("10:30")
    assert late_entries(engine, agreement)["L1"].awaiting_approval  # the earlier claim waits
    approve_touch(engine, "L1", by=CEO, via="cli", now=at("16:00"))
    assert status(engine, agreement, at("16:30")).first_touch_at == at("10:05")


def test_a_pending_touch_is_judged_again_when_due_times_move(
    held: Engine, agreement: Agreement
) -> None:
    follow_up = agreement.sales.follow_up.model_copy(update={"within": 5 * 3600})
    longer = agreement.model_copy(
        update={"sales": agreement.sales.model_copy(update={"follow_up": follow_up})}
    )
    recompute_deadlines(held, longer)  # due 15:00: the touch recorded at 14:00 was in time
    view = status(held, longer, at("16:00"))
    assert view.status is LeadStatus.MET and view.first_touch_at == at("10:20")
    recompute_deadlines(held, agreement)  # back to 11:00: held again
    view = status(held, agreement, at("16:00"))
    assert view.status is LeadStatus.BREACHED and view.first_touch_at == at("14:00")


def test_a_late_notification_is_shown(engine: Engine, agreement: Agreement) -> None:
    report = send(engine, agreement, at("13:00"), notified("10:00"))
    assert [e.kind for e in report.late_entries] == ["notification"]
    entry = late_entries(engine, agreement)["L1"]
    assert entry.notification_recorded_at == at("13:00")
    assert entry.notified_by == "webhook:revpact"


def test_approvers_are_leaders_or_executives(agreement: Agreement) -> None:
    assert check_approver(agreement, CEO.upper()) == CEO
    assert check_approver(agreement, "michael.brennan@company-a.example")  # VP of Sales, leads
    with pytest.raises(RefusedError, match="may not approve"):
        check_approver(agreement, OWNER)
    with pytest.raises(RefusedError, match="not a signatory"):
        check_approver(agreement, "someone@else.example")


# ---------------------------------------------------------------------------- imports


def csv_file(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(row + "\n" for row in rows)).encode())


LEAD = "A1,content,late,true,2020-03-02T09:55:00-05:00,2020-03-02T10:00:00-05:00,{touch},ana"


def lead_row(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM leads WHERE lead_id = 'A1'")).mappings().one()
    return dict(row)


def test_an_import_records_who_and_when(engine: Engine, agreement: Agreement) -> None:
    services.import_leads(
        engine, agreement, csv_file(LEAD.format(touch="")), now=at("09:00", 9), by="ops@a.example"
    )
    stored = lead_row(engine)
    assert (stored["recorded_us"], stored["recorded_by"]) == (
        to_us(at("09:00", 9)),
        "ops@a.example",
    )
    assert stored["touch_recorded_us"] is None and stored["notified_recorded_us"] is None
    with engine.connect() as conn:
        [row] = audit_rows(conn)
    assert (row.action, row.actor, row.via) == ("import.leads", "ops@a.example", "cli")
    assert row.detail["inserted"] == 1


def test_a_reimport_that_adds_a_touch_late_holds_it(engine: Engine, agreement: Agreement) -> None:
    services.import_leads(engine, agreement, csv_file(LEAD.format(touch="")), now=at("10:05"))
    report = services.import_leads(
        engine,
        agreement,
        csv_file(LEAD.format(touch="2020-03-02T10:30:00-05:00")),
        now=at("12:00"),
        by="ops@a.example",
    )
    assert report.updated == 1 and report.late_touches == 1
    view = status(engine, agreement, at("13:00"), "A1")
    assert view.status is LeadStatus.BREACHED and view.first_touch_at == at("12:00")
    # the same file again keeps the hold (the claim did not change)
    again = services.import_leads(
        engine, agreement, csv_file(LEAD.format(touch="2020-03-02T10:30:00-05:00")), now=at("13:00")
    )
    assert again.unchanged == 1 and again.late_touches == 0
    assert status(engine, agreement, at("14:00"), "A1").status is LeadStatus.BREACHED
    with engine.connect() as conn:
        trail = [(r.action, r.late, r.actor) for r in audit_rows(conn)]
    assert ("lead.touch", True, "ops@a.example") in trail
    approve_touch(engine, "A1", by=CEO, via="cli", now=at("15:00"))
    assert status(engine, agreement, at("16:00"), "A1").status is LeadStatus.MET


def test_a_touch_before_the_notification_is_accepted_and_reported(
    engine: Engine, agreement: Agreement
) -> None:
    report = services.import_leads(
        engine, agreement, csv_file(LEAD.format(touch="2020-03-02T09:58:00-05:00"))
    )
    assert report.inserted == 1 and report.touched_before_notified == 1
    assert "A1" in report.touched_before_notified_shown[0]
    assert "before its notification" in report.touched_before_notified_shown[0]


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (LEAD.format(touch="0514-03-02T10:30:00-05:00"), "first_touch_at", "0514-03-02"),
        (
            LEAD.replace("2020-03-02T09:55", "1999-03-02T09:55").format(touch=""),
            "created_at",
            "1999",
        ),
        (
            LEAD.replace("2020-03-02T10:00", "2031-03-02T10:00").format(touch=""),
            "notified_at",
            "2031",
        ),
    ],
)
def test_a_time_far_outside_the_period_is_refused_naming_row_column_and_value(
    engine: Engine, agreement: Agreement, row: str, column: str, value: str
) -> None:
    with pytest.raises(InputError) as refused:
        services.import_leads(engine, agreement, csv_file(row), rejects_path=None)
    [problem] = refused.value.problems
    assert f"row 2, column {column}" in problem and value in problem
    assert "more than a year outside the agreement's period" in problem
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM leads")).scalar_one() == 0


def test_a_deal_time_far_outside_the_period_is_refused(
    engine: Engine, agreement: Agreement
) -> None:
    deals = io.BytesIO(
        b"deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner\n"
        b"D1,,2020-03-02T10:00:00Z,,0202-03-09T10:00:00Z,won,100,ana\n"
    )
    with pytest.raises(InputError) as refused:
        services.import_deals(engine, agreement, deals)
    assert "row 2, column closed_at" in refused.value.problems[0]
    assert "0202-03-09" in refused.value.problems[0]


def test_deal_and_revenue_imports_say_who_and_when(engine: Engine, agreement: Agreement) -> None:
    deals = b"deal_id,lead_id,created_at,proposal_at,closed_at,outcome,amount,owner\n"
    row = b"D1,,2020-03-02T10:00:00Z,,2020-03-09T10:00:00Z,won,100,ana\n"
    services.import_deals(
        engine, agreement, io.BytesIO(deals + row), by="cfo@a.example", now=at("09:00", 9)
    )
    services.import_deals(engine, agreement, io.BytesIO(deals + row), by="other@a.example")
    services.import_revenue(
        engine,
        agreement,
        io.BytesIO(b"month,amount\n2020-03,500\n"),
        by="cfo@a.example",
        now=at("09:00", 9),
    )
    with engine.connect() as conn:
        deal = conn.execute(text("SELECT recorded_us, recorded_by FROM deals")).one()
        revenue = conn.execute(text("SELECT recorded_us, recorded_by FROM revenue")).one()
        actions = [(r.action, r.actor) for r in audit_rows(conn)]
    # the unchanged re-import did not restamp the deal
    assert tuple(deal) == (to_us(at("09:00", 9)), "cfo@a.example")
    assert tuple(revenue) == (to_us(at("09:00", 9)), "cfo@a.example")
    assert actions == [
        ("import.deals", "cfo@a.example"),
        ("import.deals", "other@a.example"),
        ("import.revenue", "cfo@a.example"),
    ]


def test_a_webhook_time_far_outside_the_period_is_refused(agreement: Agreement) -> None:
    bad = touched("10:20") | {"occurred_at": "0514-03-02T10:20:00-05:00"}
    with pytest.raises(EventsError) as refused:
        parse_events(json.dumps(bad).encode(), agreement)
    [problem] = refused.value.problems
    assert problem.startswith("event.occurred_at: ") and "0514-03-02" in problem
