"""The public shape of a meeting pack: each part, in order, as ``revpact report --format json``
writes it and the documents read it (exact Decimal strings, ISO 8601 times; null moves, agenda
and restatement; a month closed under a version, and one never closed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.accountability import Owner
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import to_us
from revpact.domain.clock.sla import LeadStatus
from revpact.domain.feedback import FeedbackState
from revpact.domain.scoreboard.teams import LeadTypeValue
from revpact.domain.scoreboard.year import MonthScore, MonthVersion
from revpact.services.accountability import ActionItem, WeekReport
from revpact.services.feedback import FeedbackView
from revpact.services.meetings import OwnerBreaches, WeekFollowUp
from revpact.services.month_close import MonthClose
from revpact.services.month_facts_json import FigureChange
from revpact.services.month_states import CloseState, MonthStatus, Restatement
from revpact.services.public.packs import PackPublic
from revpact.services.public.scoreboard import MonthScoreboard
from revpact.services.report import (
    AgendaPart,
    ClosePart,
    EscalationPart,
    FeedbackPart,
    GoalResult,
    MeetingPack,
    Move,
    MovesPart,
    Period,
    ResultsPart,
)
from revpact.services.scoreboard import year_scoreboard
from revpact.store.month_closes import CloseAction, RecordedRow

NY = ZoneInfo("America/New_York")
FIRST = datetime(2020, 3, 16, tzinfo=NY)
END = datetime(2020, 3, 23, tzinfo=NY)
LAST = datetime(2020, 3, 22, 23, 59, 59, 999999, tzinfo=NY)
REFERRAL = LeadTypeValue("referral", 4, Decimal("2500.00"), Decimal("10000.00"))
REFERRAL_JSON = {
    "lead_type": "referral",
    "count": 4,
    "unit_value": "2500.00",
    "value": "10000.00",
}
ITEM = FeedbackView(
    9,
    "sales",
    "marketing",
    "lead_quality",
    "Students",
    "ana@company-a.example",
    datetime(2020, 3, 17, 14, tzinfo=UTC),
    datetime(2020, 3, 17, 13, tzinfo=UTC),
    datetime(2020, 3, 18, 13, tzinfo=UTC),
    "wall",
    "c3" * 32,
    None,
    None,
    None,
    FeedbackState.OVERDUE,
)
ITEM_JSON = {
    "id": 9,
    "from_team": "sales",
    "to_team": "marketing",
    "topic": "lead_quality",
    "text": "Students",
    "raised_by": "ana@company-a.example",
    "raised_at": "2020-03-17T14:00:00+00:00",
    "event_at": "2020-03-17T13:00:00+00:00",
    "due_at": "2020-03-18T13:00:00+00:00",
    "clock": "wall",
    "version": "c3" * 32,
    "answer": None,
    "answered_by": None,
    "answered_at": None,
    "state": "overdue",
}


def march(engine: Engine, agreement: Agreement) -> MonthScore:
    board = year_scoreboard(engine, agreement, as_of=LAST, require_close=False)
    return next(m for m in board.months if m.month == date(2020, 3, 1))


def pack(
    score: MonthScore, status: MonthStatus, number: int | None, **parts: object
) -> MeetingPack:
    results = ResultsPart(
        month=date(2020, 3, 1),
        as_of=LAST,
        complete=False,
        version=MonthVersion(2, "b2" * 32),
        goals=(
            GoalResult("revenue", "money", None, Decimal("1250000.00"), None),
            GoalResult("close_rate", "ratio", Decimal("0.25"), Decimal("0.3"), False),
        ),
        company_goals=score.goals,
        lead_value_by_type=(REFERRAL,),
        score=score,
        revenue_by_month=(
            (date(2020, 1, 1), Decimal("900000.00"), Decimal("1000000.00")),
            (date(2020, 2, 1), None, Decimal("1100000.00")),
        ),
    )
    values: dict[str, object] = {
        "kind": "weekly",
        "company": "Company A",
        "title": "Weekly pack",
        "language": "en",
        "currency": "USD",
        "timezone": "America/New_York",
        "lead_types": (("referral", "Referral"), ("webinar", "Webinar")),
        "period": Period(
            "weekly", "2020-W12", date(2020, 3, 16), date(2020, 3, 22), FIRST, END, LAST, True
        ),
        "results": results,
        "close": ClosePart(status, number),
        "moves": None,
        "follow_up": WeekFollowUp(
            2, {LeadStatus.MET: 1, LeadStatus.OPEN: 1}, None, Decimal("0.95"), ()
        ),
        "feedback": FeedbackPart((), ()),
        "escalation": EscalationPart(0, None, 0, (), ()),
        "agenda": None,
        **parts,
    }
    return MeetingPack(**values)  # type: ignore[arg-type]


def test_a_week_of_a_month_in_progress(engine: Engine, agreement: Agreement) -> None:
    score = march(engine, agreement)
    running = MonthStatus(date(2020, 3, 1), CloseState.IN_PROGRESS, None, None)
    shown = PackPublic.of(pack(score, running, None)).model_dump(mode="json")
    goals = score.goals
    assert shown == {
        "kind": "weekly",
        "company": "Company A",
        "title": "Weekly pack",
        "language": "en",
        "currency": "USD",
        "timezone": "America/New_York",
        "lead_types": {"referral": "Referral", "webinar": "Webinar"},
        "period": {
            "label": "2020-W12",
            "first_day": "2020-03-16",
            "last_day": "2020-03-22",
            "start": "2020-03-16T00:00:00-04:00",
            "end": "2020-03-23T00:00:00-04:00",
            "as_of": "2020-03-22T23:59:59.999999-04:00",
            "complete": True,
        },
        "results": {
            "month": "2020-03",
            "as_of": "2020-03-22T23:59:59.999999-04:00",
            "complete": False,
            "agreement_version": {"number": 2, "hash": "b2" * 32},
            "goals": [
                {
                    "key": "revenue",
                    "unit": "money",
                    "actual": None,
                    "target": "1250000.00",
                    "met": None,
                },
                {
                    "key": "close_rate",
                    "unit": "ratio",
                    "actual": "0.25",
                    "target": "0.3",
                    "met": False,
                },
            ],
            "company_goals": {
                "goal1": goals.goal1.met,
                "goal2": goals.goal2.met,
                "goal3": goals.goal3.met,
                "shortfall": str(goals.shortfall),
                "surplus": str(goals.surplus),
            },
            "lead_value_by_type": [REFERRAL_JSON],
            "revenue_by_month": [
                {"month": "2020-01", "actual": "900000.00", "target": "1000000.00"},
                {"month": "2020-02", "actual": None, "target": "1100000.00"},
            ],
            "month_score": {
                **MonthScoreboard.of(score).model_dump(mode="json"),
                "close": {
                    "state": "in_progress",
                    "by": None,
                    "at": None,
                    "version": None,
                    "facts_hash": None,
                    "restatements": [],
                },
            },
            "closed_under": None,
            "restatement": None,
        },
        "moves": None,
        "follow_up": {
            "notified": 2,
            "counts": {"met": 1, "open": 1},
            "compliance": None,
            "target": "0.95",
            "breaches": [],
        },
        "feedback": {"raised": [], "open": []},
        "escalation": {
            "level": 0,
            "since": None,
            "months_missed": 0,
            "actions": [],
            "swat_reports_due": [],
        },
        "agenda": None,
    }
    assert list(shown["results"]["month_score"])[-1] == "close"


def test_a_closed_month_with_its_restatement_moves_and_agenda(
    engine: Engine, agreement: Agreement
) -> None:
    score = march(engine, agreement)
    closed = MonthClose(
        date(2020, 3, 1),
        CloseAction.CLOSE,
        datetime(2020, 4, 1, 5, tzinfo=UTC),
        "david.okafor@company-a.example",
        "b2" * 32,
        "f0" * 32,
        None,
        None,
    )
    restated = Restatement(
        date(2020, 3, 1),
        closed,
        (FigureChange("revenue", "900000.00", "950000.00"),),
        (RecordedRow("deals", "D-17", to_us(datetime(2020, 4, 2, 12, tzinfo=UTC))),),
    )
    status = MonthStatus(date(2020, 3, 1), CloseState.CLOSED, closed, restated)
    moves = MovesPart(
        "week",
        "2020-W11",
        datetime(2020, 3, 15, 23, 59, 59, 999999, tzinfo=NY),
        (
            Move("close_rate", "ratio", Decimal("0.2"), Decimal("0.25"), Decimal("0.05"), True),
            Move("revenue", "money", None, Decimal("5000.00"), None, None),
        ),
        (),
        (REFERRAL,),
    )
    escalation = EscalationPart(
        1,
        date(2020, 2, 1),
        1,
        (ActionItem(date(2020, 2, 1), 1, 1, "Joint review", Owner.BOTH, date(2020, 3, 15), None),),
        (WeekReport("2020-W12", True, False, None),),
    )
    agenda = AgendaPart(
        "weekly_leadership",
        "Weekly meeting",
        None,
        None,
        ("emily.carter@company-a.example",),
        ("Review",),
        None,
    )
    shown = PackPublic.of(
        pack(
            score,
            status,
            None,
            moves=moves,
            follow_up=WeekFollowUp(
                1, {}, Decimal("1"), Decimal("0.95"), (OwnerBreaches("ana", ("L-3",)),)
            ),
            feedback=FeedbackPart((ITEM,), (ITEM,)),
            escalation=escalation,
            agenda=agenda,
        )
    ).model_dump(mode="json")
    results = shown["results"]
    assert results["month_score"]["close"] == {
        "state": "closed",
        "by": "david.okafor@company-a.example",
        "at": "2020-04-01T05:00:00+00:00",
        "version": "b2" * 32,
        "facts_hash": "f0" * 32,
        "restatements": [{"figure": "revenue", "old": "900000.00", "new": "950000.00"}],
    }
    assert results["closed_under"] == {"number": None, "hash": "b2" * 32}
    assert results["restatement"] == {
        "month": "2020-03",
        "closed_by": "david.okafor@company-a.example",
        "closed_at": "2020-04-01T05:00:00+00:00",
        "facts_hash": "f0" * 32,
        "changes": [{"figure": "revenue", "old": "900000.00", "new": "950000.00"}],
        "rows": [{"table": "deals", "key": "D-17", "recorded_at": "2020-04-02T12:00:00+00:00"}],
    }
    assert shown["moves"] == {
        "basis": "week",
        "previous_label": "2020-W11",
        "previous_as_of": "2020-03-15T23:59:59.999999-04:00",
        "items": [
            {
                "key": "close_rate",
                "unit": "ratio",
                "previous": "0.2",
                "current": "0.25",
                "change": "0.05",
                "better": True,
            },
            {
                "key": "revenue",
                "unit": "money",
                "previous": None,
                "current": "5000.00",
                "change": None,
                "better": None,
            },
        ],
        "previous_by_type": [],
        "current_by_type": [REFERRAL_JSON],
    }
    assert shown["follow_up"] == {
        "notified": 1,
        "counts": {},
        "compliance": "1",
        "target": "0.95",
        "breaches": [{"owner": "ana", "count": 1, "lead_ids": ["L-3"]}],
    }
    assert shown["feedback"] == {"raised": [ITEM_JSON], "open": [ITEM_JSON]}
    assert shown["escalation"] == {
        "level": 1,
        "since": "2020-02",
        "months_missed": 1,
        "actions": [
            {
                "month": "2020-02",
                "level": 1,
                "seq": 1,
                "text": "Joint review",
                "owner": "both",
                "due": "2020-03-15",
            }
        ],
        "swat_reports_due": ["2020-W12"],
    }
    assert shown["agenda"] == {
        "meeting_id": "weekly_leadership",
        "name": "Weekly meeting",
        "starts_at": None,
        "ends_at": None,
        "attendees": ["emily.carter@company-a.example"],
        "items": ["Review"],
        "version": None,
    }
    numbered = PackPublic.of(pack(score, status, 2)).model_dump(mode="json")
    assert numbered["results"]["closed_under"] == {"number": 2, "hash": "b2" * 32}
