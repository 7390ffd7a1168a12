"""The JSON twins of the schedule, the records, the compliance report and the agenda: exact
Decimal strings, ISO 8601 times.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from revpact.domain.agreement.model import Meeting, Signatory
from revpact.domain.meetings import MonthTargets, Occurrence
from revpact.services.accountability import ActionItem
from revpact.services.feedback import FeedbackView
from revpact.services.meetings.agenda import Agenda, MonthlyReview, WeeklyReview
from revpact.services.meetings.compliance import ComplianceReport
from revpact.services.meetings.figures import Scorecard
from revpact.services.meetings.records import MeetingRecord
from revpact.services.meetings.timetable import Schedule

__all__ = [
    "agenda_to_json",
    "compliance_to_json",
    "record_to_json",
    "schedule_to_json",
]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _person(person: Signatory) -> dict[str, object]:
    return {"name": person.name, "email": person.email, "team": person.team.value}


def _meeting_json(meeting: Meeting) -> dict[str, object]:
    return {
        "id": meeting.id,
        "name": meeting.name,
        "cadence": meeting.cadence.value,
        "duration_seconds": meeting.duration,
        "attendees": meeting.attendees.value,
        "weekday": None if meeting.weekday is None else meeting.weekday.value,
        "time": None if meeting.time is None else meeting.time.strftime("%H:%M"),
        "week_of_month": meeting.week_of_month,
        "agenda": list(meeting.agenda),
    }


def _occurrence_json(o: Occurrence) -> dict[str, object]:
    return {
        "meeting_id": o.meeting_id,
        "date": o.day.isoformat(),
        "start": o.start.isoformat(),
        "end": o.end.isoformat(),
        "skipped": o.closed,
    }


def schedule_to_json(found: Schedule) -> dict[str, object]:
    return {
        "as_of": found.as_of.isoformat(),
        "timezone": found.timezone,
        "version": found.version,
        "period": {"start": found.period[0].isoformat(), "end": found.period[1].isoformat()},
        "meetings": [
            {
                **_meeting_json(m.meeting),
                "rrule": m.rrule,
                "invited": [_person(p) for p in m.attendees],
                "upcoming": [_occurrence_json(o) for o in m.upcoming],
            }
            for m in found.meetings
        ],
    }


def record_to_json(record: MeetingRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "meeting_id": record.meeting_id,
        "cadence": record.cadence.value,
        "held_at": record.held_at.isoformat(),
        "attendees": list(record.attendees),
        "minutes": dict(record.minutes),
        "recorded_at": record.recorded_at.isoformat(),
        "recorded_by": record.recorded_by,
        "version_hash": record.version_hash,
        "supersedes": record.supersedes,
        "superseded_by": record.superseded_by,
        "duration_seconds": record.duration,
    }


def compliance_to_json(report: ComplianceReport) -> dict[str, object]:
    return {
        "as_of": report.as_of.isoformat(),
        "timezone": report.timezone,
        "version": report.version,
        "meetings": [
            {
                "meeting_id": c.meeting_id,
                "name": c.name,
                "cadence": c.cadence.value,
                "since": c.since.isoformat(),
                "until": c.until.isoformat(),
                "due": c.due,
                "held": len(c.held),
                "missed": list(c.missed),
                "excused": list(c.excused),
                "pending": list(c.pending),
                "rate": _s(c.rate),
                "units": [
                    {
                        "unit": u.unit,
                        "first_day": u.first_day.isoformat(),
                        "last_day": u.last_day.isoformat(),
                        "scheduled": None if u.scheduled is None else u.scheduled.isoformat(),
                        "state": u.state.value,
                        "held_on": [d.isoformat() for d in u.held_on],
                        "not_counted": list(u.not_counted),
                    }
                    for u in c.units
                ],
            }
            for c in report.meetings
        ],
    }


def _scorecard_json(card: Scorecard | None) -> dict[str, object] | None:
    if card is None:
        return None
    return {
        "month": f"{card.month:%Y-%m}",
        "as_of": card.as_of.isoformat(),
        "complete": card.complete,
        "goals": [
            {
                "key": g.key,
                "label": g.label,
                "team": g.team,
                "unit": g.unit,
                "actual": _s(g.actual),
                "target": _s(g.target),
                "met": g.met,
            }
            for g in card.goals
        ],
    }


def _feedback_json(item: FeedbackView) -> dict[str, object]:
    return {
        "id": item.id,
        "from_team": item.from_team,
        "to_team": item.to_team,
        "topic": item.topic,
        "text": item.text,
        "raised_by": item.raised_by,
        "raised_at": item.raised_at.isoformat(),
        "event_at": item.event_at.isoformat(),
        "due_at": item.due_at.isoformat(),
        "state": item.state.value,
    }


def _action_json(action: ActionItem) -> dict[str, object]:
    return {
        "month": f"{action.month:%Y-%m}",
        "level": action.level,
        "seq": action.seq,
        "text": action.text,
        "owner": action.owner.value,
        "due": action.due.isoformat(),
    }


def _weekly_json(review: WeeklyReview) -> dict[str, object]:
    follow = review.follow_up
    return {
        "week": review.week,
        "first_day": review.first_day.isoformat(),
        "last_day": review.last_day.isoformat(),
        "complete": review.complete,
        "scorecard": _scorecard_json(review.scorecard),
        "follow_up": {
            "notified": follow.notified,
            "counts": {s.value: n for s, n in follow.counts.items()},
            "compliance": _s(follow.compliance),
            "target": _s(follow.target),
            "breaches": [
                {"owner": b.owner, "count": len(b.lead_ids), "lead_ids": list(b.lead_ids)}
                for b in follow.breaches
            ],
        },
    }


def _targets_json(targets: MonthTargets | None) -> dict[str, object] | None:
    if targets is None:
        return None
    return {
        "month": f"{targets.month:%Y-%m}",
        "revenue": _s(targets.revenue),
        "lead_value": _s(targets.lead_value),
        "follow_up_compliance": _s(targets.follow_up_compliance),
        "close_rate": _s(targets.close_rate),
        "sales_cycle_days": _s(targets.sales_cycle_days),
    }


def _monthly_json(review: MonthlyReview) -> dict[str, object]:
    return {
        "month": f"{review.month:%Y-%m}",
        "scorecard": _scorecard_json(review.scorecard),
        "coming": _targets_json(review.coming),
        "plans": [
            {
                "team": p.team,
                "heading": p.heading,
                "previous": p.previous,
                "previous_held_at": _iso(p.previous_held_at),
            }
            for p in review.plans
        ],
    }


def agenda_to_json(agenda: Agenda) -> dict[str, object]:
    return {
        "as_of": agenda.as_of.isoformat(),
        "meeting": _meeting_json(agenda.meeting),
        "version": agenda.version,
        "timezone": agenda.timezone,
        "starts_at": agenda.starts_at.isoformat(),
        "ends_at": agenda.ends_at.isoformat(),
        "attendees": [_person(p) for p in agenda.attendees],
        "items": list(agenda.items),
        "notes_headings": list(agenda.notes_headings),
        "weekly": None if agenda.weekly is None else _weekly_json(agenda.weekly),
        "monthly": None if agenda.monthly is None else _monthly_json(agenda.monthly),
        "feedback": None
        if agenda.feedback is None
        else [_feedback_json(f) for f in agenda.feedback],
        "escalation_actions": None
        if agenda.actions is None
        else [_action_json(a) for a in agenda.actions],
    }
