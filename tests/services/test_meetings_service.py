"""Meetings held, compliance and the next agenda, on SQLite and (when configured) PostgreSQL.

Company A's calendar is America/New_York; clocks go forward on Sunday 8 March 2020, so the
week of 2 March is EST (UTC-5) and Monday 9 March EDT (UTC-4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from revpact import services
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import LeadStatus
from revpact.domain.meetings import UnitState
from revpact.domain.scoreboard.facts import cents
from revpact.errors import InputError, NotFoundError, RefusedError
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services import agreement_versions as av
from revpact.services import meetings
from revpact.services.feedback import FeedbackState, add_feedback, answer_feedback
from revpact.services.public.meetings import AgendaPublic, ComplianceReportPublic, SchedulePublic
from revpact.services.scoreboard import elapsed_share
from revpact.store.audit import audit_rows

CloseMonths = Callable[..., object]  # the close_months fixture (tests/conftest.py)

NY = ZoneInfo("America/New_York")
NOW = datetime(2021, 2, 1, tzinfo=UTC)
LEADERS = [
    "emily.carter@company-a.example",
    "michael.brennan@company-a.example",
]
WEEKLY_NOTES = """\
# Weekly leadership meeting

## What worked
Referral leads were followed up within the hour.

## What did not work
Two content leads waited over the weekend.

## Improvements for next week
Cover Friday afternoons.
"""
MONTHLY_NOTES = """\
## Marketing 30-day plan
Two webinars in April.

## Sales 30-day plan
A new call script.

## KPIs
Lead value 80% of target.
"""


def notes(tmp_path: Path, body: str, name: str = "notes.md") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def hold(
    engine: Engine,
    agreement: Agreement,
    tmp_path: Path,
    held_at: datetime,
    *,
    kind: str = "weekly",
    body: str = WEEKLY_NOTES,
    duration: int = 3600,
    **extra: object,
) -> meetings.MeetingRecord:
    return meetings.record_meeting(
        engine,
        agreement,
        kind=kind,
        held_at=held_at,
        attendees=LEADERS,
        duration=duration,
        notes=notes(tmp_path, body),
        now=NOW,
        **extra,  # type: ignore[arg-type]
    )


# --- records ------------------------------------------------------------------------------------


def test_record_a_weekly_meeting_from_its_notes(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    held_at = datetime(2020, 3, 9, 9, 30, tzinfo=NY)
    saved = meetings.record_meeting(
        engine,
        agreement,
        kind="weekly",
        held_at=held_at,
        duration=3600,
        attendees=[" Emily.Carter@company-a.example", "michael.brennan@company-a.example", ""],
        notes=notes(tmp_path, WEEKLY_NOTES),
        by="priya.raman@company-a.example",
        now=NOW,
    )
    assert saved.meeting_id == "weekly_leadership" and saved.cadence.value == "weekly"
    assert saved.held_at == held_at
    assert saved.attendees == tuple(LEADERS)  # as the agreement spells them
    assert saved.minutes == {
        "what_worked": "Referral leads were followed up within the hour.",
        "what_did_not_work": "Two content leads waited over the weekend.",
        "improvements": "Cover Friday afternoons.",
    }
    assert (saved.recorded_at, saved.recorded_by) == (NOW, "priya.raman@company-a.example")
    assert saved.version_hash is None  # no version in force: the file governs
    assert meetings.list_records(engine) == [saved]
    assert meetings.list_records(engine, kind="monthly") == []
    assert meetings.list_records(engine, kind="weekly_leadership") == [saved]
    with engine.connect() as conn:
        row = conn.execute(text("SELECT attendees, minutes, held_us FROM meetings_held")).one()
    assert json.loads(row[0]) == LEADERS
    assert json.loads(row[1])["improvements"] == "Cover Friday afternoons."
    assert row[2] == int(held_at.timestamp()) * 1_000_000


def test_a_missing_part_names_the_file_and_the_heading(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    path = notes(tmp_path, WEEKLY_NOTES.replace("## What did not work\n", ""), "2020-03-09.md")
    with pytest.raises(InputError) as caught:
        meetings.record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=datetime(2020, 3, 9, 9, 30, tzinfo=NY),
            duration=3600,
            attendees=LEADERS,
            notes=path,
            now=NOW,
        )
    message = str(caught.value)
    assert str(path) in message
    assert '"## What did not work"' in message
    with pytest.raises(InputError, match=r'no heading "## Marketing 30-day plan"'):
        hold(engine, agreement, tmp_path, datetime(2020, 3, 3, 10, tzinfo=NY), kind="monthly")
    assert meetings.list_records(engine) == []


def test_attendees_and_recorder_must_be_signatories(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    at = datetime(2020, 3, 9, 9, 30, tzinfo=NY)
    with pytest.raises(InputError, match=r"stranger@example\.com is not the e-mail of a signatory"):
        meetings.record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=at,
            duration=3600,
            attendees=[LEADERS[0], "stranger@example.com"],
            notes=notes(tmp_path, WEEKLY_NOTES),
            now=NOW,
        )
    with pytest.raises(InputError, match="list who attended"):
        meetings.record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=at,
            duration=3600,
            attendees=[" "],
            notes=notes(tmp_path, WEEKLY_NOTES),
            now=NOW,
        )
    with pytest.raises(InputError, match=r"boss@example\.com is not the e-mail of a signatory"):
        hold(engine, agreement, tmp_path, at, by="boss@example.com")
    assert meetings.list_records(engine) == []


def test_what_cannot_be_recorded(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    with pytest.raises(RefusedError, match="in the future"):
        hold(engine, agreement, tmp_path, NOW + timedelta(minutes=1))
    with pytest.raises(NotFoundError, match='no meeting "daily"'):
        hold(engine, agreement, tmp_path, datetime(2020, 3, 9, tzinfo=NY), kind="daily")
    with pytest.raises(InputError, match="cannot read the notes"):
        meetings.record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=datetime(2020, 3, 9, tzinfo=NY),
            duration=3600,
            attendees=LEADERS,
            notes=tmp_path / "missing.md",
            now=NOW,
        )
    bad = tmp_path / "latin1.md"
    bad.write_bytes("## What worked\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="is not UTF-8"):
        meetings.record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=datetime(2020, 3, 9, tzinfo=NY),
            duration=3600,
            attendees=LEADERS,
            notes=bad,
            now=NOW,
        )


def test_minutes_as_parts(engine: Engine, agreement: Agreement) -> None:
    saved = meetings.record_meeting(
        engine,
        agreement,
        kind="monthly_teams",
        held_at=datetime(2020, 3, 3, 10, tzinfo=NY),
        duration=3600,
        attendees=[p.email for p in agreement.signatories],
        minutes={"marketing_plan": "Webinars", "sales_plan": "Scripts", "kpis": "Green"},
        now=NOW,
    )
    assert saved.cadence.value == "monthly" and len(saved.attendees) == 11
    with pytest.raises(InputError, match='no "kpis"'):
        meetings.record_meeting(
            engine,
            agreement,
            kind="monthly",
            held_at=datetime(2020, 3, 3, 10, tzinfo=NY),
            duration=3600,
            attendees=LEADERS,
            minutes={"marketing_plan": "Webinars", "sales_plan": "Scripts"},
            now=NOW,
        )


@pytest.mark.parametrize(
    "statement", ["UPDATE meetings_held SET cadence = 'x'", "DELETE FROM meetings_held"]
)
def test_the_database_refuses_to_change_a_record(
    engine: Engine, agreement: Agreement, tmp_path: Path, statement: str
) -> None:
    hold(engine, agreement, tmp_path, datetime(2020, 3, 9, 9, 30, tzinfo=NY))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert len(meetings.list_records(engine)) == 1


def test_a_correction_is_a_new_record(engine: Engine, agreement: Agreement, tmp_path: Path) -> None:
    wrong = hold(engine, agreement, tmp_path, datetime(2020, 3, 2, 9, 30, tzinfo=NY))
    right = hold(
        engine, agreement, tmp_path, datetime(2020, 3, 9, 9, 30, tzinfo=NY), supersedes=wrong.id
    )
    assert right.supersedes == wrong.id
    everything = meetings.list_records(engine)
    assert [(r.id, r.superseded_by) for r in everything] == [(wrong.id, right.id), (right.id, None)]
    assert meetings.list_records(engine, current_only=True) == [right]
    with pytest.raises(RefusedError, match=f"already corrected by record {right.id}"):
        hold(engine, agreement, tmp_path, datetime(2020, 3, 9, tzinfo=NY), supersedes=wrong.id)
    with pytest.raises(NotFoundError, match="no meeting record 999"):
        hold(engine, agreement, tmp_path, datetime(2020, 3, 9, tzinfo=NY), supersedes=999)
    with pytest.raises(RefusedError, match="a correction records the same meeting"):
        hold(
            engine,
            agreement,
            tmp_path,
            datetime(2020, 3, 3, 10, tzinfo=NY),
            kind="monthly",
            body=MONTHLY_NOTES,
            supersedes=right.id,
        )
    report = meetings.compliance_report(engine, agreement, as_of=datetime(2020, 3, 16, tzinfo=NY))
    weekly = report.meetings[0]
    assert "2020-W11" in weekly.held and "2020-W10" in weekly.missed


# --- versions -----------------------------------------------------------------------------------

EN = company_a_template("en")
WITHOUT_MONTHLY = re.sub(r"  - id: monthly_teams\n.*?\n\n", "\n", EN, flags=re.DOTALL)


def publish_in_force(engine: Engine, source: str, at: datetime) -> str:
    published = av.publish(engine, parse_agreement(source), source, at=at, now=NOW)
    for index, person in enumerate(published.version.agreement.signatories):
        av.sign(
            engine, person.email, version=None, at=at + timedelta(minutes=index), now=NOW, via="cli"
        )
    return published.version.hash


def test_records_and_compliance_follow_the_version_in_force(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    assert "monthly_teams" not in WITHOUT_MONTHLY
    v1 = publish_in_force(engine, WITHOUT_MONTHLY, datetime(2020, 1, 1, 12, tzinfo=UTC))
    v2 = publish_in_force(engine, EN, datetime(2020, 6, 1, 12, tzinfo=UTC))
    march = hold(engine, agreement, tmp_path, datetime(2020, 3, 9, 9, 30, tzinfo=NY))
    assert march.version_hash == v1
    with pytest.raises(NotFoundError, match="no monthly meeting"):
        hold(
            engine,
            agreement,
            tmp_path,
            datetime(2020, 3, 3, 10, tzinfo=NY),
            kind="monthly",
            body=MONTHLY_NOTES,
        )
    july = hold(
        engine,
        agreement,
        tmp_path,
        datetime(2020, 7, 7, 10, tzinfo=NY),
        kind="monthly",
        body=MONTHLY_NOTES,
    )
    assert july.version_hash == v2
    report = meetings.compliance_report(engine, agreement, as_of=datetime(2020, 8, 15, tzinfo=NY))
    assert report.version.startswith("v2 ")
    monthly = next(c for c in report.meetings if c.meeting_id == "monthly_teams")
    # The monthly meeting is due only since the version that has it came into force.
    assert [(u.unit, u.state) for u in monthly.units] == [
        ("2020-06", UnitState.MISSED),
        ("2020-07", UnitState.HELD),
        ("2020-08", UnitState.PENDING),
    ]


# --- compliance ---------------------------------------------------------------------------------


def test_compliance_counts_weeks_and_months_around_the_year_end(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    for held_at in (
        datetime(2020, 12, 14, 9, 30, tzinfo=NY),  # 2020-W51
        datetime(2021, 1, 2, 11, 0, tzinfo=NY),  # Saturday: still 2020-W53
    ):
        hold(engine, agreement, tmp_path, held_at)
    hold(
        engine,
        agreement,
        tmp_path,
        datetime(2020, 12, 31, 16, tzinfo=NY),
        kind="monthly",
        body=MONTHLY_NOTES,
    )
    report = meetings.compliance_report(
        engine, agreement, as_of=datetime(2021, 1, 4, 12, tzinfo=NY)
    )
    weekly, monthly = report.meetings
    assert weekly.since == date(2020, 1, 1) and weekly.until == date(2020, 12, 31)
    assert weekly.held == ("2020-W51", "2020-W53")
    assert "2020-W52" in weekly.missed and "2020-W01" not in weekly.missed
    assert weekly.excused == ("2020-W04", "2020-W08", "2020-W22", "2020-W37")
    assert len(weekly.missed) == 52 - 4 - 2 and not weekly.pending
    assert monthly.held == ("2020-12",) and len(monthly.missed) == 11
    assert report.missed == len(weekly.missed) + 11
    shown = ComplianceReportPublic.of(report).model_dump(mode="json")
    assert json.loads(json.dumps(shown)) == shown
    assert shown["meetings"][0]["rate"] == str(Decimal(2) / 48)  # type: ignore[index]


def test_compliance_from_the_first_record(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    hold(engine, agreement, tmp_path, datetime(2020, 3, 11, 9, 30, tzinfo=NY))  # a Wednesday
    as_of = datetime(2020, 3, 30, 12, tzinfo=NY)
    report = meetings.compliance_report(
        engine, agreement, as_of=as_of, kind="weekly", from_first_record=True
    )
    (weekly,) = report.meetings
    assert weekly.since == date(2020, 3, 9)
    assert [(u.unit, u.state.value) for u in weekly.units] == [
        ("2020-W11", "held"),
        ("2020-W12", "missed"),
        ("2020-W13", "missed"),
        ("2020-W14", "pending"),
    ]
    never = meetings.compliance_report(
        engine, agreement, as_of=as_of, kind="monthly", from_first_record=True
    )
    assert never.meetings[0].missed == ("2020-01", "2020-02")
    assert never.meetings[0].pending == ("2020-03",)


def test_a_meeting_counts_only_when_held_as_agreed(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    short = hold(engine, agreement, tmp_path, datetime(2020, 3, 2, 9, 30, tzinfo=NY), duration=1200)
    assert short.duration == 1200 and short.not_counted == ("too short: 20 of 30 min",)
    meetings.record_meeting(
        engine,
        agreement,
        kind="weekly",
        held_at=datetime(2020, 3, 9, 9, 30, tzinfo=NY),
        attendees=["michael.brennan@company-a.example", "lucas.moreno@company-a.example"],
        duration=1800,
        minutes={"what_worked": "a", "what_did_not_work": "b", "improvements": "c"},
        now=NOW,
    )
    hold(engine, agreement, tmp_path, datetime(2020, 3, 16, 9, 30, tzinfo=NY), duration=1800)
    report = meetings.compliance_report(
        engine, agreement, as_of=datetime(2020, 3, 23, 8, tzinfo=NY), kind="weekly"
    )
    units = {u.unit: u for u in report.meetings[0].units}
    assert [units[w].state.value for w in ("2020-W10", "2020-W11", "2020-W12")] == [
        "missed",
        "missed",
        "held",
    ]
    assert units["2020-W10"].not_counted == ("2020-03-02: too short: 20 of 30 min",)
    assert units["2020-W11"].not_counted == ("2020-03-09: missing role: marketing leader",)
    shown = ComplianceReportPublic.of(report).model_dump(mode="json")["meetings"]
    assert isinstance(shown, list)
    by_unit = {u["unit"]: u for u in shown[0]["units"]}
    assert by_unit["2020-W10"]["not_counted"] == ["2020-03-02: too short: 20 of 30 min"]
    # A correction recording the real length makes the week count.
    hold(
        engine,
        agreement,
        tmp_path,
        datetime(2020, 3, 2, 9, 30, tzinfo=NY),
        duration=1800,
        supersedes=short.id,
    )
    again = meetings.compliance_report(
        engine, agreement, as_of=datetime(2020, 3, 23, 8, tzinfo=NY), kind="weekly"
    )
    assert "2020-W10" in again.meetings[0].held
    with pytest.raises(InputError, match="1 minute to 24 hours"):
        hold(engine, agreement, tmp_path, datetime(2020, 3, 23, 9, 30, tzinfo=NY), duration=0)


def test_compliance_as_of_a_moment_sees_only_meetings_held_by_then(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    hold(engine, agreement, tmp_path, datetime(2020, 3, 9, 9, 30, tzinfo=NY), duration=1800)
    before = datetime(2020, 3, 9, 9, 0, tzinfo=NY)
    report = meetings.compliance_report(engine, agreement, as_of=before, kind="weekly")
    assert "2020-W11" not in report.meetings[0].held
    assert "2020-W11" in report.meetings[0].pending
    assert meetings.list_records(engine, as_of=before) == []
    assert len(meetings.list_records(engine, as_of=NOW)) == 1
    with engine.connect() as conn:
        (row,) = audit_rows(conn, action_prefix="meeting.")
    assert (row.action, row.via, row.subject) == ("meeting.record", "cli", "meeting:1")
    assert row.claimed_us == to_us(datetime(2020, 3, 9, 9, 30, tzinfo=NY))
    assert row.recorded_us == to_us(NOW) and row.detail["duration_seconds"] == 1800


# --- schedule -----------------------------------------------------------------------------------


def test_schedule_lists_upcoming_occurrences(engine: Engine, agreement: Agreement) -> None:
    found = meetings.schedule(engine, agreement, as_of=datetime(2020, 1, 15, tzinfo=NY), count=3)
    assert found.version == "unpublished file" and found.timezone == "America/New_York"
    weekly, monthly = found.meetings
    assert weekly.rrule == "FREQ=WEEKLY;UNTIL=20210101T045959Z;BYDAY=MO"
    assert [(o.day, o.closed) for o in weekly.upcoming] == [
        (date(2020, 1, 20), True),
        (date(2020, 1, 27), False),
        (date(2020, 2, 3), False),
    ]
    assert [o.day for _, o in found.upcoming(4)] == [
        date(2020, 1, 20),
        date(2020, 1, 27),
        date(2020, 2, 3),
        date(2020, 2, 4),
    ]
    assert len(monthly.attendees) == 11
    late = meetings.schedule(engine, agreement, as_of=datetime(2021, 1, 1, tzinfo=NY))
    assert all(not m.upcoming for m in late.meetings)
    shown = json.loads(json.dumps(SchedulePublic.of(found).model_dump(mode="json")))
    assert shown["meetings"][0]["upcoming"][0]["skipped"]


def test_the_calendar_file_follows_the_kind(engine: Engine, agreement: Agreement) -> None:
    data = meetings.schedule_ics(
        engine, agreement, as_of=datetime(2020, 1, 1, tzinfo=NY), now=NOW, kind="monthly"
    )
    assert data.count(b"BEGIN:VEVENT") == 1 and b"UID:monthly_teams-" in data
    with pytest.raises(NotFoundError):
        meetings.schedule_ics(engine, agreement, as_of=NOW, now=NOW, kind="daily")


# --- the agenda ---------------------------------------------------------------------------------

HEADER = "lead_id,lead_type,stage,requested_follow_up,created_at,notified_at,first_touch_at,owner"
WEEK_10 = f"""{HEADER}
B1,content,late,true,2020-03-02T09:55:00-05:00,2020-03-02T10:00:00-05:00,2020-03-02T11:30:00-05:00,ana
B2,referral,late,true,2020-03-03T09:55:00-05:00,2020-03-03T10:00:00-05:00,,ana
B3,content,late,true,2020-03-04T09:55:00-05:00,2020-03-04T10:00:00-05:00,2020-03-04T10:20:00-05:00,ben
B4,content,late,true,2020-03-05T13:55:00-05:00,2020-03-05T14:00:00-05:00,,ben
B5,content,late,true,2020-02-27T09:55:00-05:00,2020-02-27T10:00:00-05:00,,carl
B6,content,late,true,2020-03-06T16:25:00-05:00,2020-03-06T16:30:00-05:00,,dana
B7,content,late,true,2020-03-04T08:55:00-05:00,2020-03-04T09:00:00-05:00,,
"""
"""Week 10 (2-8 March): ana misses B1 (touched after 90 minutes) and B2 (never touched), ben
meets B3 and misses B4, nobody owns B7 (missed); B5 was missed the week before (carl), and B6,
handed over late on Friday, is due on Monday 9 March at 09:30 — after the week."""


@pytest.fixture
def week_10(engine: Engine, agreement: Agreement, tmp_path: Path) -> Engine:
    path = tmp_path / "leads.csv"
    path.write_text(WEEK_10, encoding="utf-8")
    services.import_leads(engine, agreement, path)
    return engine


def test_weekly_agenda_reviews_the_week_before(
    week_10: Engine, agreement: Agreement, tmp_path: Path, close_months: CloseMonths
) -> None:
    engine = week_10
    close_months(engine, agreement, "2020-02")  # January and February: missed, and closed
    overdue = add_feedback(
        engine,
        agreement,
        from_team="sales",
        to_team="marketing",
        topic="lead_quality",
        text="Content leads from the February webinar are not sales-ready.",
        by="michael.brennan@company-a.example",
        at=datetime(2020, 3, 5, 10, tzinfo=NY),
    )
    still_open = add_feedback(
        engine,
        agreement,
        from_team="marketing",
        to_team="sales",
        topic="follow_up",
        text="Four leads missed the one-hour follow-up this week.",
        by="emily.carter@company-a.example",
        at=datetime(2020, 3, 8, 18, tzinfo=NY),
    )
    answered = add_feedback(
        engine,
        agreement,
        from_team="marketing",
        to_team="sales",
        topic="process",
        text="Please log the stage of every call.",
        by="emily.carter@company-a.example",
        at=datetime(2020, 3, 4, 10, tzinfo=NY),
    )
    answer_feedback(
        engine, answered.id, text="Done.", by=None, at=datetime(2020, 3, 4, 15, tzinfo=NY)
    )
    services.sync_escalation(engine, agreement, as_of=datetime(2020, 2, 20, tzinfo=NY))
    services.complete_action(engine, "2020-01", 30, 1, at=datetime(2020, 2, 20, tzinfo=NY))

    as_of = datetime(2020, 3, 9, 8, 0, tzinfo=NY)  # Monday morning, before the meeting
    found = meetings.next_agenda(engine, agreement, kind="weekly", as_of=as_of)
    assert found.meeting.id == "weekly_leadership"
    assert found.starts_at == datetime(2020, 3, 9, 9, 30, tzinfo=NY)
    assert found.ends_at == datetime(2020, 3, 9, 10, 0, tzinfo=NY)
    assert found.items == agreement.meeting("weekly_leadership").agenda
    assert [p.name for p in found.attendees][:2] == ["Emily Carter", "Priya Raman"]
    assert found.notes_headings == (
        "What worked",
        "What did not work",
        "Improvements for next week",
    )
    assert found.monthly is None

    review = found.weekly
    assert review is not None
    assert (review.week, review.first_day, review.last_day) == (
        "2020-W10",
        date(2020, 3, 2),
        date(2020, 3, 8),
    )
    assert review.complete
    follow = review.follow_up
    assert [(b.owner, b.lead_ids) for b in follow.breaches] == [
        ("ana", ("B1", "B2")),
        ("ben", ("B4",)),
        (None, ("B7",)),
    ]
    assert follow.notified == 6
    assert (follow.counts[LeadStatus.MET], follow.counts[LeadStatus.BREACHED]) == (1, 4)
    assert follow.counts[LeadStatus.OPEN] == 1  # B6, due on Monday morning
    assert follow.compliance == Decimal(1) / 5
    card = review.scorecard
    assert card is not None and card.month == date(2020, 3, 1)
    assert not card.complete  # March to date
    assert card.as_of == datetime(2020, 3, 9, tzinfo=NY) - timedelta(microseconds=1)
    goals = {g.key: g for g in card.goals}
    assert goals["lead_value"].actual == Decimal(10000)  # 5 content leads and a referral
    # March runs: its target is pro-rated by the share elapsed, and nothing is missed yet.
    share = elapsed_share(agreement, date(2020, 3, 1), card.as_of)
    assert share is not None and 0 < share < Decimal(8) / 30
    assert goals["lead_value"].target == cents(Decimal(550000) * share)
    assert goals["lead_value"].met is None
    assert goals["follow_up"].actual == Decimal(1) / 5

    assert found.feedback is not None
    assert [(f.id, f.state) for f in found.feedback] == [
        (overdue.id, FeedbackState.OVERDUE),
        (still_open.id, FeedbackState.OPEN),
    ]
    assert found.actions is not None and found.actions
    assert all(a.done_at is None for a in found.actions)
    assert (date(2020, 1, 1), 30, 1) not in {(a.month, a.level, a.seq) for a in found.actions}
    assert {(a.month, a.level) for a in found.actions} == {
        (date(2020, 1, 1), 30),
        (date(2020, 2, 1), 60),
    }

    shown = AgendaPublic.of(found).model_dump(mode="json")
    assert json.loads(json.dumps(shown)) == shown
    weekly_json = shown["weekly"]
    assert isinstance(weekly_json, dict)
    assert weekly_json["follow_up"]["breaches"][0] == {
        "owner": "ana",
        "count": 2,
        "lead_ids": ["B1", "B2"],
    }


def test_weekly_agenda_before_the_week_is_over(week_10: Engine, agreement: Agreement) -> None:
    as_of = datetime(2020, 3, 4, 12, tzinfo=NY)  # Wednesday of week 10
    found = meetings.next_agenda(week_10, agreement, kind="weekly", as_of=as_of)
    assert found.starts_at.date() == date(2020, 3, 9)
    review = found.weekly
    assert review is not None and not review.complete
    assert review.scorecard is not None and review.scorecard.as_of == as_of
    # As of Wednesday noon only ana's two deadlines and B7's had passed.
    assert [(b.owner, b.lead_ids) for b in review.follow_up.breaches] == [
        ("ana", ("B1", "B2")),
        (None, ("B7",)),
    ]


def test_monthly_agenda_reviews_last_month_and_expects_the_coming_one(
    engine: Engine, agreement: Agreement, tmp_path: Path
) -> None:
    hold(
        engine,
        agreement,
        tmp_path,
        datetime(2020, 3, 3, 10, tzinfo=NY),
        kind="monthly",
        body=MONTHLY_NOTES,
    )
    found = meetings.next_agenda(
        engine, agreement, kind="monthly", as_of=datetime(2020, 4, 2, tzinfo=NY)
    )
    assert found.starts_at == datetime(2020, 4, 7, 10, tzinfo=NY)
    assert found.weekly is None and found.feedback is None and found.actions is None
    review = found.monthly
    assert review is not None and review.month == date(2020, 3, 1)
    assert review.scorecard is not None and review.scorecard.complete
    assert {g.team for g in review.scorecard.goals} == {"company", "marketing", "sales"}
    assert review.coming is not None and review.coming.month == date(2020, 4, 1)
    assert review.coming.revenue == Decimal("1111000.00")
    assert [(p.team, p.heading, p.previous) for p in review.plans] == [
        ("marketing", "Marketing 30-day plan", "Two webinars in April."),
        ("sales", "Sales 30-day plan", "A new call script."),
    ]
    assert review.plans[0].previous_held_at == datetime(2020, 3, 3, 10, tzinfo=NY)
    january = meetings.next_agenda(
        engine, agreement, kind="monthly", as_of=datetime(2020, 1, 1, tzinfo=NY)
    )
    assert january.monthly is not None and january.monthly.scorecard is None  # December 2019
    assert january.monthly.plans[0].previous is None


def test_no_agenda_after_the_period(engine: Engine, agreement: Agreement) -> None:
    with pytest.raises(NotFoundError, match="period ends on 2020-12-31"):
        meetings.next_agenda(
            engine, agreement, kind="weekly", as_of=datetime(2020, 12, 28, 10, tzinfo=NY)
        )
