"""The public shapes of the meeting rhythm: the schedule, a record, the compliance report and
the agenda, field by field and in order (exact Decimal strings, ISO 8601 times, null where a
meeting is unscheduled, a review does not apply or nothing was due)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from revpact.domain.agreement.accountability import Owner
from revpact.domain.agreement.model import Audience, Cadence, Meeting
from revpact.domain.clock.sla import LeadStatus
from revpact.domain.feedback import FeedbackState
from revpact.domain.meetings import MonthTargets, Occurrence
from revpact.domain.meetings.frequency import Compliance, UnitState, UnitStatus
from revpact.ingest.agreement_file import company_a_template, parse_agreement
from revpact.services.accountability import ActionItem
from revpact.services.feedback import FeedbackView
from revpact.services.meetings import (
    Agenda,
    ComplianceReport,
    GoalLine,
    MeetingRecord,
    MonthlyReview,
    OwnerBreaches,
    PlanSlot,
    Schedule,
    ScheduledMeeting,
    Scorecard,
    WeekFollowUp,
    WeeklyReview,
)
from revpact.services.public.meetings import (
    AgendaPublic,
    ComplianceReportPublic,
    MeetingRecordsPublic,
    MeetingsPublic,
    RecordedMeetingPublic,
    SchedulePublic,
)

NY = ZoneInfo("America/New_York")
SPEC = parse_agreement(company_a_template("en"))
WEEKLY = SPEC.meetings[0]
CMO = SPEC.signatories[2]
ADHOC = Meeting(
    id="adhoc", name="Ad hoc review", cadence=Cadence.MONTHLY, duration=900, attendees=Audience.ALL
)
AS_OF = datetime(2020, 3, 6, 12, tzinfo=NY)

WEEKLY_JSON = {
    "id": "weekly_leadership",
    "name": "Weekly sales & marketing leadership meeting",
    "cadence": "weekly",
    "duration_seconds": 1800,
    "attendees": "leadership",
    "weekday": "mon",
    "time": "09:30",
    "week_of_month": None,
    "agenda": list(WEEKLY.agenda),
}
ADHOC_JSON = {
    "id": "adhoc",
    "name": "Ad hoc review",
    "cadence": "monthly",
    "duration_seconds": 900,
    "attendees": "all",
    "weekday": None,
    "time": None,
    "week_of_month": None,
    "agenda": [],
}
CMO_JSON = {"name": "Emily Carter", "email": "emily.carter@company-a.example", "team": "marketing"}

SCHEDULE = Schedule(
    as_of=AS_OF,
    timezone="America/New_York",
    version="v1 (a1a1a1a1a1a1)",
    period=(date(2020, 1, 1), date(2020, 12, 31)),
    meetings=(
        ScheduledMeeting(
            WEEKLY,
            "FREQ=WEEKLY;BYDAY=MO",
            (CMO,),
            (
                Occurrence(
                    "weekly_leadership",
                    date(2020, 3, 9),
                    datetime(2020, 3, 9, 9, 30, tzinfo=NY),
                    datetime(2020, 3, 9, 10, tzinfo=NY),
                    False,
                ),
            ),
        ),
        ScheduledMeeting(ADHOC, None, (), ()),
    ),
)
SCHEDULE_JSON = {
    "as_of": "2020-03-06T12:00:00-05:00",
    "timezone": "America/New_York",
    "version": "v1 (a1a1a1a1a1a1)",
    "period": {"start": "2020-01-01", "end": "2020-12-31"},
    "meetings": [
        {
            **WEEKLY_JSON,
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
            "invited": [CMO_JSON],
            "upcoming": [
                {
                    "meeting_id": "weekly_leadership",
                    "date": "2020-03-09",
                    "start": "2020-03-09T09:30:00-04:00",
                    "end": "2020-03-09T10:00:00-04:00",
                    "skipped": False,
                }
            ],
        },
        {**ADHOC_JSON, "rrule": None, "invited": [], "upcoming": []},
    ],
}

WEEKLY_UNITS = (
    UnitStatus(
        "2020-W09",
        date(2020, 2, 24),
        date(2020, 3, 1),
        date(2020, 2, 24),
        UnitState.HELD,
        (date(2020, 2, 24),),
    ),
    UnitStatus(
        "2020-W10",
        date(2020, 3, 2),
        date(2020, 3, 8),
        date(2020, 3, 2),
        UnitState.MISSED,
        (),
        ("2020-03-02: too short: 20 of 30 min",),
    ),
    UnitStatus("2020-W11", date(2020, 3, 9), date(2020, 3, 15), None, UnitState.PENDING, ()),
)
REPORT = ComplianceReport(
    as_of=AS_OF,
    timezone="America/New_York",
    version="v1 (a1a1a1a1a1a1)",
    meetings=(
        Compliance(
            "weekly_leadership",
            WEEKLY.name,
            Cadence.WEEKLY,
            date(2020, 2, 24),
            date(2020, 3, 15),
            WEEKLY_UNITS,
        ),
        Compliance(
            "adhoc",
            "Ad hoc review",
            Cadence.MONTHLY,
            date(2020, 3, 1),
            date(2020, 3, 31),
            (
                UnitStatus(
                    "2020-03", date(2020, 3, 1), date(2020, 3, 31), None, UnitState.EXCUSED, ()
                ),
            ),
        ),
    ),
)
COMPLIANCE_JSON = [
    {
        "meeting_id": "weekly_leadership",
        "name": WEEKLY.name,
        "cadence": "weekly",
        "since": "2020-02-24",
        "until": "2020-03-15",
        "due": 2,
        "held": 1,
        "missed": ["2020-W10"],
        "excused": [],
        "pending": ["2020-W11"],
        "rate": "0.5",
        "units": [
            {
                "unit": "2020-W09",
                "first_day": "2020-02-24",
                "last_day": "2020-03-01",
                "scheduled": "2020-02-24",
                "state": "held",
                "held_on": ["2020-02-24"],
                "not_counted": [],
            },
            {
                "unit": "2020-W10",
                "first_day": "2020-03-02",
                "last_day": "2020-03-08",
                "scheduled": "2020-03-02",
                "state": "missed",
                "held_on": [],
                "not_counted": ["2020-03-02: too short: 20 of 30 min"],
            },
            {
                "unit": "2020-W11",
                "first_day": "2020-03-09",
                "last_day": "2020-03-15",
                "scheduled": None,
                "state": "pending",
                "held_on": [],
                "not_counted": [],
            },
        ],
    },
    {
        "meeting_id": "adhoc",
        "name": "Ad hoc review",
        "cadence": "monthly",
        "since": "2020-03-01",
        "until": "2020-03-31",
        "due": 0,
        "held": 0,
        "missed": [],
        "excused": ["2020-03"],
        "pending": [],
        "rate": None,
        "units": [
            {
                "unit": "2020-03",
                "first_day": "2020-03-01",
                "last_day": "2020-03-31",
                "scheduled": None,
                "state": "excused",
                "held_on": [],
                "not_counted": [],
            }
        ],
    },
]


def test_the_schedule_and_with_compliance() -> None:
    shown = SchedulePublic.of(SCHEDULE).model_dump(mode="json")
    assert shown == SCHEDULE_JSON
    assert list(shown["meetings"][0]) == [*WEEKLY_JSON, "rrule", "invited", "upcoming"]
    both = MeetingsPublic.of(SCHEDULE, REPORT).model_dump(mode="json")
    assert both == {**SCHEDULE_JSON, "compliance": COMPLIANCE_JSON}
    assert list(both) == [*SCHEDULE_JSON, "compliance"]


def test_the_compliance_report() -> None:
    assert ComplianceReportPublic.of(REPORT).model_dump(mode="json") == {
        "as_of": "2020-03-06T12:00:00-05:00",
        "timezone": "America/New_York",
        "version": "v1 (a1a1a1a1a1a1)",
        "meetings": COMPLIANCE_JSON,
    }


def test_records_old_and_new() -> None:
    new = MeetingRecord(
        id=5,
        meeting_id="weekly_leadership",
        cadence=Cadence.WEEKLY,
        held_at=datetime(2020, 3, 2, 9, 30, tzinfo=NY),
        attendees=("emily.carter@company-a.example",),
        minutes={"what_worked": "Webinars", "improvements": "Call faster"},
        recorded_at=datetime(2020, 3, 2, 15, tzinfo=UTC),
        recorded_by="emily.carter@company-a.example",
        version_hash="a1" * 32,
        supersedes=4,
        superseded_by=None,
        duration=1200,
        not_counted=("too short: 20 of 30 min",),
    )
    old = MeetingRecord(
        2,
        "adhoc",
        Cadence.MONTHLY,
        datetime(2020, 2, 3, 10, tzinfo=UTC),
        (),
        {},
        datetime(2020, 2, 3, 11, tzinfo=UTC),
        None,
        None,
        None,
        3,
    )
    new_json = {
        "id": 5,
        "meeting_id": "weekly_leadership",
        "cadence": "weekly",
        "held_at": "2020-03-02T09:30:00-05:00",
        "attendees": ["emily.carter@company-a.example"],
        "minutes": {"what_worked": "Webinars", "improvements": "Call faster"},
        "recorded_at": "2020-03-02T15:00:00+00:00",
        "recorded_by": "emily.carter@company-a.example",
        "version_hash": "a1" * 32,
        "supersedes": 4,
        "superseded_by": None,
        "duration_seconds": 1200,
    }
    old_json = {
        "id": 2,
        "meeting_id": "adhoc",
        "cadence": "monthly",
        "held_at": "2020-02-03T10:00:00+00:00",
        "attendees": [],
        "minutes": {},
        "recorded_at": "2020-02-03T11:00:00+00:00",
        "recorded_by": None,
        "version_hash": None,
        "supersedes": None,
        "superseded_by": 3,
        "duration_seconds": None,
    }
    assert MeetingRecordsPublic.of([new, old]).model_dump(mode="json") == {
        "records": [new_json, old_json]
    }
    saved = RecordedMeetingPublic.of(new).model_dump(mode="json")
    assert saved == {**new_json, "not_counted": ["too short: 20 of 30 min"]}
    assert list(saved) == [*new_json, "not_counted"]


SCORECARD = Scorecard(
    date(2020, 2, 1),
    datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=NY),
    True,
    (
        GoalLine(
            "revenue",
            "Revenue against the trajectory",
            "company",
            "money",
            None,
            Decimal("1250000.00"),
            None,
        ),
        GoalLine(
            "close_rate", "Close rate", "sales", "ratio", Decimal("0.35"), Decimal("0.3"), True
        ),
    ),
)
SCORECARD_JSON = {
    "month": "2020-02",
    "as_of": "2020-02-29T23:59:59.999999-05:00",
    "complete": True,
    "goals": [
        {
            "key": "revenue",
            "label": "Revenue against the trajectory",
            "team": "company",
            "unit": "money",
            "actual": None,
            "target": "1250000.00",
            "met": None,
        },
        {
            "key": "close_rate",
            "label": "Close rate",
            "team": "sales",
            "unit": "ratio",
            "actual": "0.35",
            "target": "0.3",
            "met": True,
        },
    ],
}


def test_a_weekly_agenda() -> None:
    feedback = FeedbackView(
        7,
        "sales",
        "marketing",
        "lead_quality",
        "Students again",
        None,
        datetime(2020, 3, 3, 14, tzinfo=UTC),
        datetime(2020, 3, 3, 13, tzinfo=UTC),
        datetime(2020, 3, 4, 13, tzinfo=UTC),
        "wall",
        None,
        None,
        None,
        None,
        FeedbackState.OPEN,
    )
    agenda = Agenda(
        as_of=AS_OF,
        meeting=WEEKLY,
        version="v1 (a1a1a1a1a1a1)",
        timezone="America/New_York",
        starts_at=datetime(2020, 3, 9, 9, 30, tzinfo=NY),
        ends_at=datetime(2020, 3, 9, 10, tzinfo=NY),
        attendees=(CMO,),
        items=WEEKLY.agenda,
        notes_headings=("what_worked",),
        weekly=WeeklyReview(
            "2020-W10",
            date(2020, 3, 2),
            date(2020, 3, 8),
            False,
            None,
            WeekFollowUp(
                3,
                {LeadStatus.MET: 2, LeadStatus.BREACHED: 1},
                Decimal("0.6666666666666666666666666667"),
                Decimal("0.95"),
                (OwnerBreaches("ana", ("L-1",)), OwnerBreaches(None, ("L-7", "L-9"))),
            ),
        ),
        monthly=None,
        feedback=(feedback,),
        actions=(
            ActionItem(date(2020, 2, 1), 1, 2, "Joint review", Owner.BOTH, date(2020, 3, 15), None),
        ),
    )
    shown = AgendaPublic.of(agenda).model_dump(mode="json")
    assert shown == {
        "as_of": "2020-03-06T12:00:00-05:00",
        "meeting": WEEKLY_JSON,
        "version": "v1 (a1a1a1a1a1a1)",
        "timezone": "America/New_York",
        "starts_at": "2020-03-09T09:30:00-04:00",
        "ends_at": "2020-03-09T10:00:00-04:00",
        "attendees": [CMO_JSON],
        "items": list(WEEKLY.agenda),
        "notes_headings": ["what_worked"],
        "weekly": {
            "week": "2020-W10",
            "first_day": "2020-03-02",
            "last_day": "2020-03-08",
            "complete": False,
            "scorecard": None,
            "follow_up": {
                "notified": 3,
                "counts": {"met": 2, "breached": 1},
                "compliance": "0.6666666666666666666666666667",
                "target": "0.95",
                "breaches": [
                    {"owner": "ana", "count": 1, "lead_ids": ["L-1"]},
                    {"owner": None, "count": 2, "lead_ids": ["L-7", "L-9"]},
                ],
            },
        },
        "monthly": None,
        "feedback": [
            {
                "id": 7,
                "from_team": "sales",
                "to_team": "marketing",
                "topic": "lead_quality",
                "text": "Students again",
                "raised_by": None,
                "raised_at": "2020-03-03T14:00:00+00:00",
                "event_at": "2020-03-03T13:00:00+00:00",
                "due_at": "2020-03-04T13:00:00+00:00",
                "state": "open",
            }
        ],
        "escalation_actions": [
            {
                "month": "2020-02",
                "level": 1,
                "seq": 2,
                "text": "Joint review",
                "owner": "both",
                "due": "2020-03-15",
            }
        ],
    }


def test_a_monthly_agenda() -> None:
    monthly = SPEC.meetings[1]
    agenda = Agenda(
        as_of=AS_OF,
        meeting=monthly,
        version="unpublished file",
        timezone="America/New_York",
        starts_at=datetime(2020, 4, 7, 10, tzinfo=NY),
        ends_at=datetime(2020, 4, 7, 11, tzinfo=NY),
        attendees=(),
        items=(),
        notes_headings=(),
        weekly=None,
        monthly=MonthlyReview(
            date(2020, 2, 1),
            SCORECARD,
            MonthTargets(
                date(2020, 3, 1),
                Decimal("1250000.00"),
                Decimal("400000"),
                Decimal("0.95"),
                Decimal("0.3"),
                Decimal("45"),
            ),
            (
                PlanSlot(
                    "marketing",
                    "marketing_plan",
                    "More webinars",
                    datetime(2020, 3, 3, 15, tzinfo=UTC),
                ),
                PlanSlot("sales", "sales_plan", None, None),
            ),
        ),
        feedback=None,
        actions=None,
    )
    shown = AgendaPublic.of(agenda).model_dump(mode="json")
    assert shown["monthly"] == {
        "month": "2020-02",
        "scorecard": SCORECARD_JSON,
        "coming": {
            "month": "2020-03",
            "revenue": "1250000.00",
            "lead_value": "400000",
            "follow_up_compliance": "0.95",
            "close_rate": "0.3",
            "sales_cycle_days": "45",
        },
        "plans": [
            {
                "team": "marketing",
                "heading": "marketing_plan",
                "previous": "More webinars",
                "previous_held_at": "2020-03-03T15:00:00+00:00",
            },
            {"team": "sales", "heading": "sales_plan", "previous": None, "previous_held_at": None},
        ],
    }
    assert shown["meeting"]["week_of_month"] == 1 and shown["meeting"]["time"] == "10:00"
    assert (shown["weekly"], shown["feedback"], shown["escalation_actions"]) == (None, None, None)
    empty = MonthlyReview(date(2020, 12, 1), None, None, ())
    bare = AgendaPublic.of(
        Agenda(AS_OF, monthly, "v2", "UTC", AS_OF, AS_OF, (), (), (), None, empty, None, None)
    ).model_dump(mode="json")
    assert bare["monthly"] == {"month": "2020-12", "scorecard": None, "coming": None, "plans": []}
