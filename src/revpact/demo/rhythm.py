"""The demo's rhythm of 2020: feedback between the teams, the meetings held, one dispute.

Everything is recorded through the services the ``revpact feedback``, ``meetings`` and
``dispute`` commands use, dated in 2020 (the store's versions decide what governed each
moment). The data are fixed, so every run tells the same story: feedback mostly answered on
time (three late — one of them about a Friday afternoon, raised on the Monday after; one
overdue and one still open on the last afternoon), the leadership meeting held for its 30
minutes every Monday but five (three not held, one cut to 20 minutes, one without marketing's
leaders), the teams' hour-long monthly meeting every first Tuesday, and a dispute over webinar
leads decided by the whole panel, heard again in November and refined by the panel's
superseding decision; the escalation actions of the spring done on their due days, but one.
Every write is on the audit trail as made ``via`` ``demo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement
from revpact.services import accountability, disputes, feedback, meetings
from revpact.services import agreement_versions as av

__all__ = [
    "MISSED_WEEKS",
    "NO_MARKETING_WEEKS",
    "SHORT_WEEKS",
    "STILL_OPEN",
    "DemoRhythm",
    "record_demo_rhythm",
]

VIA = "demo"
MISSED_WEEKS = frozenset({14, 33, 51})
"""ISO weeks of 2020 in which the leadership meeting did not happen."""
SHORT_WEEKS = {23: 20}
"""ISO weeks in which the leadership meeting was cut short: week -> minutes it lasted."""
NO_MARKETING_WEEKS = frozenset({38})
"""ISO weeks in which only sales' leaders came to the leadership meeting."""

_EVENTS = {"2020-06-08 09:45": "2020-06-05 16:10"}
"""Feedback raised after the event it is about: raised -> when the event happened."""

# (raised, from, topic, text, hours until answered or None, answer)
_FEEDBACK: tuple[tuple[str, str, str, str, float | None, str], ...] = (
    ("2020-01-13 10:15", "sales", "lead_quality",
     "Content leads from the January e-book are mostly students; can the form ask for company "
     "size?", 5, "Added a required company-size field from tomorrow's campaign."),
    ("2020-02-03 14:00", "marketing", "follow_up",
     "Referral leads waited three business hours on average last week.", 20,
     "Referrals now go to the on-duty rep's phone as well."),
    ("2020-03-16 09:30", "sales", "sales_tools",
     "The new proposal template has no pricing table.", 30,
     "Pricing table added to the template in the CRM."),
    ("2020-04-20 11:00", "marketing", "process",
     "March conversion by stage: 41% of demos reach a proposal, down from 48%.", 4,
     "Demo script reviewed with the team; we will report next week."),
    ("2020-05-11 15:20", "sales", "lead_quality",
     "Webinar attendees ask for demos but are not marked sales-ready.", 23,
     "A demo request on a webinar form now sets the lead sales-ready."),
    ("2020-06-08 09:45", "marketing", "follow_up",
     "Seven internet leads breached on Friday afternoon.", 2,
     "Friday afternoon cover added to the rota."),
    ("2020-07-06 13:00", "sales", "sales_tools",
     "The case-study library in the CRM is out of date.", 26,
     "Three new case studies published; the old ones archived."),
    ("2020-08-17 10:30", "marketing", "process",
     "Proposal-to-close conversion rose to 39% in July; thank you.", 6,
     "Thanks; the new pricing table helps."),
    ("2020-09-14 16:10", "sales", "lead_quality",
     "Referral leads from partners now include budget: very useful.", 3,
     "Partners will keep sending it."),
    ("2020-10-05 11:40", "marketing", "follow_up",
     "Compliance was 100% in September; please keep the Friday cover.", 8,
     "It stays."),
    ("2020-11-09 09:20", "sales", "lead_quality",
     "Black Friday content leads: many are existing customers.", 1,
     "Existing customers are now filtered out before hand-over."),
    ("2020-12-29 10:00", "sales", "lead_quality",
     "One in five December internet leads has no phone number.", None, ""),
    ("2020-12-31 11:30", "marketing", "follow_up",
     "Three internet leads from this morning are still waiting.", None, ""),
)  # fmt: skip

_WEEKLY_MINUTES = (
    {
        "what_worked": "Referral leads were followed up within the hour.",
        "what_did_not_work": "Content leads from the e-book were of low quality.",
        "improvements": "Marketing adds a company-size question to the e-book form.",
    },
    {
        "what_worked": "The new proposal template shortened the proposal stage.",
        "what_did_not_work": "Friday afternoon leads waited until Monday morning.",
        "improvements": "Sales adds a Friday afternoon cover to the rota.",
    },
    {
        "what_worked": "The webinar brought 60 demo requests.",
        "what_did_not_work": "Two internet leads had no owner for a day.",
        "improvements": "Unowned leads go to the on-duty rep after 15 minutes.",
    },
)

_MONTHLY_MINUTES = {
    "marketing_plan": "Next month: a webinar series on pricing, a referral drive with partners "
    "and a refreshed e-book.",
    "sales_plan": "Next month: the Friday cover continues; we need two new case studies from "
    "marketing.",
    "kpis": "Last month's revenue, lead value, follow-up compliance, close rate and sales cycle "
    "reviewed against the scoreboard.",
}


@dataclass(frozen=True)
class DemoRhythm:
    feedback: int
    weekly_held: int
    monthly_held: int
    dispute_id: int


def _local(text: str, zone: ZoneInfo) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def _leaders(agreement: Agreement) -> list[str]:
    return [p.email for p in agreement.signatories if p.leader]


def _governing(engine: Engine, agreement: Agreement, moment: datetime) -> Agreement:
    return av.governing_timeline(engine, agreement).at(moment).agreement


def _days(first: date, last: date, weekday: int) -> list[date]:
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    found = []
    while day <= last:
        found.append(day)
        day += timedelta(days=7)
    return found


def _record_feedback(engine: Engine, agreement: Agreement, zone: ZoneInfo) -> int:
    for raised, side, topic, text, hours, answer in _FEEDBACK:
        at = _local(raised, zone)
        other = "marketing" if side == "sales" else "sales"
        item = feedback.add_feedback(
            engine,
            agreement,
            from_team=side,
            to_team=other,
            topic=topic,
            text=text,
            by=_leaders(agreement)[0 if side == "marketing" else 2],
            at=at,
            event_at=_local(_EVENTS[raised], zone) if raised in _EVENTS else None,
            via=VIA,
            now=at,
        )
        if hours is not None:
            feedback.answer_feedback(
                engine,
                item.id,
                text=answer,
                by=_leaders(agreement)[2 if side == "marketing" else 0],
                at=at + timedelta(hours=hours),
                via=VIA,
                now=at + timedelta(hours=hours),
            )
    return len(_FEEDBACK)


def _record_meetings(
    engine: Engine, agreement: Agreement, zone: ZoneInfo, until: datetime, now: datetime
) -> tuple[int, int]:
    calendar = agreement.business_calendar()
    first, last = agreement.period.start, until.astimezone(zone).date()
    weekly = monthly = 0
    for index, day in enumerate(_days(first, last, 0)):  # Mondays, 09:30
        held = datetime.combine(day, time(9, 30), zone)
        week = day.isocalendar().week
        if week in MISSED_WEEKS or not calendar.is_business_time(held):
            continue
        governing = _governing(engine, agreement, held)
        leaders = _leaders(governing)
        if week in NO_MARKETING_WEEKS:
            leaders = [p.email for p in governing.signatories if p.leader and p.team == "sales"]
        meetings.record_meeting(
            engine,
            agreement,
            kind="weekly",
            held_at=held,
            attendees=leaders,
            duration=SHORT_WEEKS.get(week, 30) * 60,
            minutes=_WEEKLY_MINUTES[index % len(_WEEKLY_MINUTES)],
            by=leaders[0 if week in NO_MARKETING_WEEKS else 1],
            now=max(now, held),
            via=VIA,
        )
        weekly += 1
    for day in _days(first, last, 1):  # the first Tuesday of each month, 10:00
        if day.day > 7:
            continue
        held = datetime.combine(day, time(10), zone)
        governing = _governing(engine, agreement, held)
        meetings.record_meeting(
            engine,
            agreement,
            kind="monthly",
            held_at=held,
            attendees=[p.email for p in governing.signatories],
            duration=60 * 60,
            minutes=_MONTHLY_MINUTES,
            by=_leaders(governing)[0],
            now=max(now, held),
            via=VIA,
        )
        monthly += 1
    return weekly, monthly


def _record_dispute(engine: Engine, agreement: Agreement, zone: ZoneInfo) -> int:
    opened = _local("2020-10-05 10:00", zone)
    dispute = disputes.open_dispute(
        engine,
        agreement,
        topic="Should a webinar lead that asks for a demo count as sales-ready?",
        raised_by="michael.brennan@company-a.example",
        at=opened,
        via=VIA,
        now=opened,
    )
    panel = _governing(engine, agreement, opened).conflict_resolution.members
    steps: Sequence[tuple[str, str, int]] = (
        ("marketing", "priya.raman@company-a.example", 14),
        ("sales", "sarah.whitfield@company-a.example", 16),
    )
    for team, member, _ in steps:
        named = opened + timedelta(hours=2)
        disputes.name_representative(
            engine, agreement, dispute.id, team=team, member=member, at=named, via=VIA, now=named
        )
    hearing = _local("2020-10-08 14:00", zone)
    for offset, (team, _, minutes) in enumerate(steps):
        presented = hearing + timedelta(minutes=20 * offset + minutes)
        disputes.record_presentation(
            engine, dispute.id, team=team, minutes=minutes, at=presented, via=VIA, now=presented
        )
    decided = hearing + timedelta(hours=1)
    first = disputes.decide(
        engine,
        agreement,
        dispute.id,
        decision="A webinar lead that requests a demo is handed over as internet_sales_ready; "
        "the others stay webinar leads, outside the one-hour follow-up.",
        by=["margaret.lowell@company-a.example", *panel],
        supersedes=None,
        at=decided,
        via=VIA,
        now=decided,
    )
    reheard = _local("2020-11-02 10:00", zone)
    disputes.rehear(
        engine,
        dispute.id,
        attendees=[*panel, "priya.raman@company-a.example", "sarah.whitfield@company-a.example"],
        reason="Sales found that half of October's demo requests came from personal e-mail "
        "addresses and were not buyers.",
        at=reheard,
        by="emily.carter@company-a.example",
        via=VIA,
        now=reheard,
    )
    again = _local("2020-11-02 11:00", zone)
    disputes.decide(
        engine,
        agreement,
        dispute.id,
        decision="As decided on October 8, and only when the request comes from a company "
        "e-mail address.",
        by=["emily.carter@company-a.example", *panel],
        supersedes=first.decisions[-1].id,
        at=again,
        via=VIA,
        now=again,
    )
    return dispute.id


STILL_OPEN = ("2020-03", 90, 3)
"""The escalation action the demo leaves open: the executive team's broad review."""


def _close_actions(engine: Engine, agreement: Agreement, zone: ZoneInfo, until: datetime) -> int:
    """The escalation actions of the year, recorded as they fell due and done on their due
    day, all but :data:`STILL_OPEN`."""
    accountability.sync_escalation(engine, agreement, as_of=until)
    done = 0
    for action in accountability.list_actions(engine, open_only=True):
        if (f"{action.month:%Y-%m}", action.level, action.seq) == STILL_OPEN:
            continue
        done_at = datetime.combine(action.due, time(15), zone)
        accountability.complete_action(
            engine,
            f"{action.month:%Y-%m}",
            action.level,
            action.seq,
            at=done_at,
            by=_leaders(_governing(engine, agreement, done_at))[0],
            via=VIA,
            now=done_at,
        )
        done += 1
    return done


def record_demo_rhythm(
    engine: Engine, agreement: Agreement, *, until: datetime, now: datetime
) -> DemoRhythm:
    """Record Company A's feedback, meetings and dispute of 2020 up to ``until``."""
    zone = ZoneInfo(agreement.calendar.timezone)
    count = _record_feedback(engine, agreement, zone)
    weekly, monthly = _record_meetings(engine, agreement, zone, until, now)
    dispute_id = _record_dispute(engine, agreement, zone)
    _close_actions(engine, agreement, zone, until)
    return DemoRhythm(count, weekly, monthly, dispute_id)
