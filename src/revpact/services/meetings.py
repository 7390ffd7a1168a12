"""The meeting rhythm: the schedule, records of meetings held, the next agenda, compliance.

The rules are the domain's (:mod:`revpact.domain.meetings`); this module picks the version of
the agreement that governs each question (:func:`governing_timeline`), reads and appends the
records, and gathers the data an agenda shows from the other services.

* The schedule, the agenda and the compliance count follow the version in force at ``as_of``;
  a record is checked against — and bound to (``version_hash``) — the version in force when the
  meeting was held. While no version is in force, the agreement file governs everything.
* Records are append-only. A correction is a new record that names the record it supersedes;
  the superseded one stays on record but no longer counts. A record says how long the meeting
  lasted and who attended; it counts as held only when both meet the agreement in force when
  it was held (:func:`revpact.domain.meetings.why_not_held`), and compliance says why one did
  not. Every record is also a row of the audit trail (``meeting.record``).
* Read as of ``T``, only meetings held by ``T`` (and corrections of them held by ``T``) count.
* Lead, scoreboard and escalation figures come from the same services as ``revpact status``,
  under the agreement file, so an agenda shows what the scoreboard shows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.model import Agreement, Cadence, Meeting, Signatory
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.clock.sla import STATUS_CODES, LeadStatus
from revpact.domain.meetings import (
    NOTES_PARTS,
    Compliance,
    MonthTargets,
    Occurrence,
    attendees_of,
    check_minutes,
    compliance,
    is_scheduled,
    local_day,
    month_targets,
    next_occurrence,
    occurrences,
    parse_notes,
    select_meetings,
    the_meeting,
    unit_bounds,
    why_not_held,
)
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.year import MonthScore
from revpact.domain.versions import AgreementTimeline, InForce
from revpact.errors import InputError, NotFoundError, RefusedError
from revpact.services.accountability import ActionItem, list_actions, sync_escalation
from revpact.services.agreement_versions import governing_timeline
from revpact.services.claimed import check_claimed
from revpact.services.feedback import FeedbackState, FeedbackView, list_feedback
from revpact.services.follow_up import list_leads
from revpact.services.meetings_ics import meetings_calendar, rrule_text
from revpact.services.scoreboard import year_scoreboard
from revpact.store.audit import record_write
from revpact.store.meetings import MeetingRepository, MeetingRow

__all__ = [
    "Agenda",
    "ComplianceReport",
    "GoalLine",
    "MeetingRecord",
    "MonthlyReview",
    "OwnerBreaches",
    "PlanSlot",
    "Schedule",
    "ScheduledMeeting",
    "Scorecard",
    "WeekFollowUp",
    "WeeklyReview",
    "agenda_to_json",
    "compliance_report",
    "compliance_to_json",
    "list_records",
    "next_agenda",
    "period_follow_up",
    "record_meeting",
    "record_to_json",
    "schedule",
    "schedule_ics",
    "schedule_to_json",
]

_US = timedelta(microseconds=1)


def _in_force(engine: Engine, file_agreement: Agreement) -> AgreementTimeline:
    return governing_timeline(engine, file_agreement)


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{what} {moment.isoformat()} has no UTC offset; give one")
    return moment


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local date (aware, UTC)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


# --- the schedule -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledMeeting:
    """A meeting of the rhythm with its rule, who is invited and its next occurrences (skipped
    ones included, ``closed``)."""

    meeting: Meeting
    rrule: str | None  # None: the agreement gives no weekday or time
    attendees: tuple[Signatory, ...]
    upcoming: tuple[Occurrence, ...]


@dataclass(frozen=True)
class Schedule:
    as_of: datetime
    timezone: str
    version: str  # the label of the version in force at as_of
    period: tuple[date, date]
    meetings: tuple[ScheduledMeeting, ...]

    def upcoming(self, count: int | None = None) -> list[tuple[ScheduledMeeting, Occurrence]]:
        """Every meeting's upcoming occurrences, in time order (the first ``count``)."""
        merged = sorted(
            ((m, o) for m in self.meetings for o in m.upcoming),
            key=lambda pair: (pair[1].start, pair[0].meeting.id),
        )
        return merged[:count]


def schedule(
    engine: Engine,
    file_agreement: Agreement,
    *,
    as_of: datetime,
    kind: str | None = None,
    count: int = 10,
) -> Schedule:
    """The meetings ``kind`` names (every meeting: None), each with its next ``count``
    occurrences after ``as_of`` within the agreement's period."""
    in_force = _in_force(engine, file_agreement).at(as_of)
    agreement = in_force.agreement
    period = agreement.period
    first = max(period.start, local_day(as_of, agreement.calendar.timezone))
    found = []
    for meeting in select_meetings(agreement.meetings, kind):
        series = occurrences(meeting, agreement.calendar, first, period.end)
        upcoming = tuple(o for o in series if o.start > as_of)[: max(count, 0)]
        found.append(
            ScheduledMeeting(
                meeting, rrule_text(agreement, meeting), attendees_of(agreement, meeting), upcoming
            )
        )
    return Schedule(
        as_of,
        agreement.calendar.timezone,
        in_force.label,
        (period.start, period.end),
        tuple(found),
    )


def schedule_ics(
    engine: Engine,
    file_agreement: Agreement,
    *,
    as_of: datetime,
    now: datetime,
    kind: str | None = None,
) -> bytes:
    """The iCalendar file of the meetings ``kind`` names, under the version in force at
    ``as_of``; ``now`` is its DTSTAMP. Refused when none of them is scheduled."""
    agreement = _in_force(engine, file_agreement).at(as_of).agreement
    chosen = select_meetings(agreement.meetings, kind)
    if not any(is_scheduled(m) for m in chosen):
        names = ", ".join(m.id for m in chosen) or "none"
        raise NotFoundError(
            f"no meeting to put in a calendar ({names}): give a meeting weekday: and time: "
            "in the agreement"
        )
    return meetings_calendar(agreement, chosen, stamp=now)


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting held, as recorded. ``superseded_by`` names the record that corrects it."""

    id: int
    meeting_id: str
    cadence: Cadence
    held_at: datetime
    attendees: tuple[str, ...]
    minutes: Mapping[str, str]
    recorded_at: datetime
    recorded_by: str | None
    version_hash: str | None
    supersedes: int | None
    superseded_by: int | None
    duration: int | None = None  # seconds it lasted; None: not recorded (older records)
    not_counted: tuple[str, ...] = ()  # why it does not count as held (empty: it counts)

    @property
    def current(self) -> bool:
        return self.superseded_by is None


def _record(row: MeetingRow, superseded_by: int | None) -> MeetingRecord:
    attendees = json.loads(row.attendees)
    minutes = json.loads(row.minutes)
    return MeetingRecord(
        id=row.record_id,
        meeting_id=row.meeting_id,
        cadence=Cadence(row.cadence),
        held_at=from_us(row.held_us),
        attendees=tuple(str(a) for a in attendees),
        minutes={str(k): str(v) for k, v in minutes.items()},
        recorded_at=from_us(row.recorded_us),
        recorded_by=row.recorded_by,
        version_hash=row.version_hash,
        supersedes=row.supersedes,
        superseded_by=superseded_by,
        duration=row.duration_s,
    )


def _records(rows: Sequence[MeetingRow]) -> list[MeetingRecord]:
    corrected = {row.supersedes: row.record_id for row in rows if row.supersedes is not None}
    return [_record(row, corrected.get(row.record_id)) for row in rows]


def _signatory(agreement: Agreement, email: str) -> Signatory | None:
    wanted = email.strip().casefold()
    return next((p for p in agreement.signatories if p.email.casefold() == wanted), None)


def _attendees(agreement: Agreement, emails: Sequence[str], label: str) -> tuple[str, ...]:
    given = [e.strip() for e in emails if e.strip()]
    if not given:
        raise InputError("list who attended (the signatories' e-mails)")
    unknown = [e for e in given if _signatory(agreement, e) is None]
    if unknown:
        raise InputError(
            f"not signatories of the agreement ({label}); attendees are named by their "
            "e-mail in signatories",
            [f"{e} is not the e-mail of a signatory" for e in unknown],
        )
    found: list[str] = []
    for email in given:
        person = _signatory(agreement, email)
        assert person is not None
        if person.email not in found:
            found.append(person.email)
    return tuple(found)


def _read_notes(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the notes {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; save the notes as UTF-8 markdown") from None


def record_meeting(
    engine: Engine,
    file_agreement: Agreement,
    *,
    kind: str,
    held_at: datetime,
    attendees: Sequence[str],
    duration: int,
    now: datetime,
    notes: Path | None = None,
    minutes: Mapping[str, str] | None = None,
    by: str | None = None,
    supersedes: int | None = None,
    via: str = "cli",
) -> MeetingRecord:
    """Record that the meeting ``kind`` names (a cadence or a meeting id) was held at
    ``held_at`` for ``duration`` seconds, with its notes — a markdown file (``notes``) or the
    parts (``minutes``).

    Checked against the version in force at ``held_at``: the meeting must be one of its
    meetings, the attendees (and ``by``) its signatories. Refused when ``held_at`` is after
    ``now`` or more than a year outside ``file_agreement``'s period, and when ``supersedes``
    names a record of another meeting or one already corrected. A meeting shorter than agreed,
    or without the roles it needs, is recorded as it happened; the record says why it does not
    count (``not_counted``).
    """
    _aware(held_at, "held at")
    if isinstance(duration, bool) or not 60 <= duration <= 24 * 3600:
        raise InputError(
            f"a meeting lasts 1 minute to 24 hours; {duration} seconds is not a meeting's length"
        )
    if held_at > now:
        raise RefusedError(
            f"a meeting is recorded once it has been held; {held_at.isoformat()} is in the future"
        )
    check_claimed(file_agreement, held_at, "held_at")
    in_force: InForce = _in_force(engine, file_agreement).at(held_at)
    agreement = in_force.agreement
    meeting = the_meeting(agreement.meetings, kind)
    if (notes is None) == (minutes is None):
        raise InputError("give the meeting's notes: a markdown file or its parts")
    if notes is not None:
        parts = parse_notes(
            _read_notes(notes), meeting.cadence, source=str(notes), language=agreement.language
        )
    else:
        assert minutes is not None
        parts = check_minutes(minutes, meeting.cadence)
    who = _attendees(agreement, attendees, in_force.label)
    recorder = None
    if by is not None and by.strip():
        person = _signatory(agreement, by)
        if person is None:
            raise InputError(f"{by.strip()} is not the e-mail of a signatory ({in_force.label})")
        recorder = person.email
    with engine.begin() as conn:
        repo = MeetingRepository(conn)
        if supersedes is not None:
            _check_correction(repo, supersedes, meeting)
        try:
            row = repo.add(
                meeting_id=meeting.id,
                cadence=meeting.cadence.value,
                held_us=to_us(held_at),
                attendees=json.dumps(list(who)),
                minutes=json.dumps(parts, ensure_ascii=False),
                recorded_us=to_us(now),
                recorded_by=recorder,
                version_hash=in_force.hash,
                supersedes=supersedes,
                duration_s=duration,
            )
        except IntegrityError:
            raise RefusedError(
                f"record {supersedes} was corrected at the same moment; see `revpact meetings "
                "list` and correct the newest record"
            ) from None
        reasons = why_not_held(meeting, agreement.signatories, attendees=who, duration=duration)
        record_write(
            conn,
            recorded_us=to_us(now),
            actor=recorder,
            via=via,
            action="meeting.record",
            subject=f"meeting:{row.record_id}",
            claimed_us=to_us(held_at),
            detail={
                "meeting": meeting.id,
                "duration_seconds": duration,
                "attendees": list(who),
                "supersedes": supersedes,
                "not_counted": list(reasons),
            },
        )
    return replace(_record(row, None), not_counted=reasons)


def _check_correction(repo: MeetingRepository, record_id: int, meeting: Meeting) -> None:
    old = repo.get(record_id)
    if old is None:
        raise NotFoundError(f"no meeting record {record_id} to correct")
    if old.meeting_id != meeting.id:
        raise RefusedError(
            f"record {record_id} is of {old.meeting_id}, not {meeting.id}; a correction "
            "records the same meeting"
        )
    newer = repo.superseded_by(record_id)
    if newer is not None:
        raise RefusedError(
            f"record {record_id} was already corrected by record {newer}; correct that one"
        )


def list_records(
    engine: Engine,
    *,
    kind: str | None = None,
    current_only: bool = False,
    as_of: datetime | None = None,
) -> list[MeetingRecord]:
    """Every record (of the meetings ``kind`` names: a cadence or an id), by the time held;
    ``current_only`` leaves out the superseded ones. With ``as_of``: only the meetings held by
    then, superseded only by corrections of meetings held by then."""
    with engine.connect() as conn:
        rows = MeetingRepository(conn).all()
    if as_of is not None:
        limit = to_us(as_of)
        rows = [r for r in rows if r.held_us <= limit]
    found = _records(rows)
    if kind is not None:
        wanted = kind.strip()
        if wanted in {c.value for c in Cadence}:
            found = [r for r in found if r.cadence.value == wanted]
        else:
            found = [r for r in found if r.meeting_id == wanted]
    if current_only:
        found = [r for r in found if r.current]
    return found


# --- compliance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceReport:
    as_of: datetime
    timezone: str
    version: str
    meetings: tuple[Compliance, ...]

    @property
    def missed(self) -> int:
        return sum(len(c.missed) for c in self.meetings)


def compliance_report(
    engine: Engine,
    file_agreement: Agreement,
    *,
    as_of: datetime,
    kind: str | None = None,
    from_first_record: bool = False,
) -> ComplianceReport:
    """For each meeting, every week (month) it was due from the period's start — or, with
    ``from_first_record``, from the week (month) of its first record — up to ``as_of``: held,
    missed, excused (a closed day) or pending (not over yet)."""
    timeline = _in_force(engine, file_agreement)
    in_force = timeline.at(as_of)
    agreement = in_force.agreement
    zone = agreement.calendar.timezone
    today = local_day(as_of, zone)
    held: dict[str, list[date]] = {}
    not_held: dict[str, list[tuple[date, tuple[str, ...]]]] = {}
    for record in list_records(engine, current_only=True, as_of=as_of):
        day = local_day(record.held_at, zone)
        reasons = _why_not(timeline, record)
        if reasons:
            not_held.setdefault(record.meeting_id, []).append((day, reasons))
        else:
            held.setdefault(record.meeting_id, []).append(day)
    period = agreement.period
    found = []
    for meeting in select_meetings(agreement.meetings, kind):
        days = held.get(meeting.id, [])
        short = not_held.get(meeting.id, [])
        since = period.start
        recorded = days + [d for d, _ in short]
        if from_first_record and recorded:
            since = max(since, unit_bounds(meeting.cadence, min(recorded))[0])
        found.append(
            compliance(
                meeting,
                agreement.calendar,
                since=since,
                until=period.end,
                today=today,
                held_days=days,
                applies=_applies(timeline, meeting, ZoneInfo(zone)),
                not_held=short,
            )
        )
    return ComplianceReport(as_of, zone, in_force.label, tuple(found))


def _why_not(timeline: AgreementTimeline, record: MeetingRecord) -> tuple[str, ...]:
    """Why ``record`` does not count, under the version in force when it was held."""
    then = timeline.at(record.held_at).agreement
    meeting = next((m for m in then.meetings if m.id == record.meeting_id), None)
    if meeting is None:
        return ()
    return why_not_held(
        meeting, then.signatories, attendees=record.attendees, duration=record.duration
    )


def _applies(timeline: AgreementTimeline, meeting: Meeting, zone: ZoneInfo) -> _InForceOn | None:
    if len(timeline.spans) < 2:
        return None
    return _InForceOn(timeline, meeting, zone)


@dataclass(frozen=True)
class _InForceOn:
    """Whether the meeting was part of the version in force on a day (at its time)."""

    timeline: AgreementTimeline
    meeting: Meeting
    zone: ZoneInfo

    def __call__(self, day: date) -> bool:
        moment = datetime.combine(day, self.meeting.time or time(12), tzinfo=self.zone)
        return any(m.id == self.meeting.id for m in self.timeline.at(moment).agreement.meetings)


# --- the agenda ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalLine:
    """One goal of a month: what was reached against the target (``met`` None: no data)."""

    key: str
    label: str
    team: str  # company, marketing or sales
    unit: str  # money, ratio or days
    actual: Decimal | None
    target: Decimal
    met: bool | None


@dataclass(frozen=True)
class Scorecard:
    """A month's goals as of ``as_of`` (``complete``: the month was over by then)."""

    month: date
    as_of: datetime
    complete: bool
    goals: tuple[GoalLine, ...]


_GOALS: tuple[tuple[str, str, str, str], ...] = (
    ("revenue", "Revenue against the trajectory", "company", "money"),
    ("lead_value", "Lead value", "marketing", "money"),
    ("follow_up", "Follow-up compliance", "sales", "ratio"),
    ("close_rate", "Close rate", "sales", "ratio"),
    ("sales_cycle", "Sales cycle (days)", "sales", "days"),
)
"""The goals a meeting reviews: key, label, the team that owns it, and its unit."""


def _figures(score: MonthScore, key: str) -> tuple[Decimal | None, Decimal, bool | None]:
    if key == "revenue":
        return score.revenue.actual, score.revenue.target, score.revenue.met
    if key == "lead_value":
        return score.lead_value.actual, score.lead_value.target, score.lead_value.met
    if key == "follow_up":
        return score.follow_up.compliance, score.follow_up.target, score.follow_up.met_goal
    if key == "close_rate":
        return score.close_rate.actual, score.close_rate.target, score.close_rate.met
    return score.sales_cycle.actual, score.sales_cycle.target, score.sales_cycle.met


def _month_of(moment: datetime, zone: ZoneInfo) -> date:
    return local_day(moment, zone.key).replace(day=1)


def _scorecard(
    engine: Engine, agreement: Agreement, month: date, as_of: datetime
) -> Scorecard | None:
    """The goals of ``month`` (its first day) as of ``as_of``, capped at the month's end; None
    outside the period, or when the month had not begun by ``as_of``."""
    period = agreement.period
    if not period.start.replace(day=1) <= month <= period.end:
        return None
    zone = ZoneInfo(agreement.calendar.timezone)
    end = _start_of(month_end(month) + timedelta(days=1), zone)
    at = min(as_of, end - _US)
    if local_day(at, zone.key) < max(period.start, month):
        return None
    board = year_scoreboard(engine, agreement, as_of=at)
    score = next((s for s in board.months if s.month == month), None)
    if score is None:
        return None
    goals = tuple(
        GoalLine(key, label, team, unit, *_figures(score, key)) for key, label, team, unit in _GOALS
    )
    return Scorecard(month, at, as_of >= end, goals)


@dataclass(frozen=True)
class OwnerBreaches:
    """The follow-up deadlines one owner missed in the week (``owner`` None: nobody's lead)."""

    owner: str | None
    lead_ids: tuple[str, ...]


@dataclass(frozen=True)
class WeekFollowUp:
    """The follow-up promise in one week: the leads notified in it by status, and every
    deadline that fell in it and was missed, by owner."""

    notified: int
    counts: Mapping[LeadStatus, int]
    compliance: Decimal | None  # met / (met + breached) of the week's leads
    target: Decimal
    breaches: tuple[OwnerBreaches, ...]


def period_follow_up(
    engine: Engine, agreement: Agreement, first: datetime, end: datetime, as_of: datetime
) -> WeekFollowUp:
    """The leads notified in ``[first, end)`` by status as of ``as_of``, and the deadlines
    that fell in it and were missed, by owner (most first). The weekly agenda and the
    meeting packs both show it."""
    views = list_leads(engine, agreement, as_of=as_of)
    counts: Counter[LeadStatus] = Counter()
    by_owner: dict[str | None, list[str]] = {}
    for view in views:
        notified = view.notified_at
        if notified is not None and first <= notified < end:
            counts[view.status] += 1
        due = view.due_at
        if view.status is LeadStatus.BREACHED and due is not None and first <= due < end:
            by_owner.setdefault(view.owner, []).append(view.lead_id)
    decided = counts[LeadStatus.MET] + counts[LeadStatus.BREACHED]
    breaches = sorted(
        (OwnerBreaches(owner, tuple(ids)) for owner, ids in by_owner.items()),
        key=lambda b: (-len(b.lead_ids), b.owner is None, b.owner or ""),
    )
    return WeekFollowUp(
        notified=sum(counts.values()),
        counts={s: counts[s] for s in STATUS_CODES},
        compliance=Decimal(counts[LeadStatus.MET]) / decided if decided else None,
        target=agreement.sales.follow_up.compliance_target,
        breaches=tuple(breaches),
    )


@dataclass(frozen=True)
class WeeklyReview:
    """What the weekly meeting reviews: the ISO week before it."""

    week: str
    first_day: date
    last_day: date
    complete: bool  # the week was over at as_of
    scorecard: Scorecard | None  # month to date, as of the week's end (or as_of)
    follow_up: WeekFollowUp


@dataclass(frozen=True)
class PlanSlot:
    """A team's 30-day plan, to be written at the meeting; ``previous`` is the plan the team
    gave at the meeting before (to review)."""

    team: str
    heading: str
    previous: str | None
    previous_held_at: datetime | None


@dataclass(frozen=True)
class MonthlyReview:
    """What the monthly meeting reviews: last month's KPIs and goals of both teams, and what
    the coming month is expected to bring."""

    month: date  # last month
    scorecard: Scorecard | None
    coming: MonthTargets | None  # the targets of the meeting's month
    plans: tuple[PlanSlot, ...]


@dataclass(frozen=True)
class Agenda:
    """The next meeting: when, who, its agenda items, and the data each item needs."""

    as_of: datetime
    meeting: Meeting
    version: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    attendees: tuple[Signatory, ...]
    items: tuple[str, ...]
    notes_headings: tuple[str, ...]
    weekly: WeeklyReview | None
    monthly: MonthlyReview | None
    feedback: tuple[FeedbackView, ...] | None  # None: feedback is discussed at another meeting
    actions: tuple[ActionItem, ...] | None  # open escalation actions (weekly meetings)


def _feedback_here(agreement: Agreement, meeting: Meeting) -> bool:
    """Feedback is discussed at the meeting ``discussed_at`` names, else at the weekly ones."""
    named = agreement.communication.feedback.discussed_at
    return meeting.id == named if named is not None else meeting.cadence is Cadence.WEEKLY


def _open_actions(engine: Engine, agreement: Agreement, as_of: datetime) -> tuple[ActionItem, ...]:
    today = local_day(as_of, agreement.calendar.timezone)
    if today >= agreement.period.start:
        sync_escalation(engine, agreement, as_of=as_of)
    return tuple(
        a
        for a in list_actions(engine)
        if month_end(a.month) < today and (a.done_at is None or a.done_at > as_of)
    )


def _previous_plans(
    engine: Engine, agreement: Agreement, meeting: Meeting, before: datetime, as_of: datetime
) -> tuple[PlanSlot, ...]:
    records = list_records(engine, kind=meeting.id, current_only=True, as_of=as_of)
    held = [r for r in records if r.held_at < before]
    last = held[-1] if held else None
    parts = [p for p in NOTES_PARTS[Cadence.MONTHLY] if p.key.endswith("_plan")]
    return tuple(
        PlanSlot(
            team=part.key.removesuffix("_plan"),
            heading=part.heading_pl if agreement.language == "pl" else part.heading,
            previous=None if last is None else last.minutes.get(part.key),
            previous_held_at=None if last is None else last.held_at,
        )
        for part in parts
    )


def next_agenda(engine: Engine, file_agreement: Agreement, *, kind: str, as_of: datetime) -> Agenda:
    """The agenda of the next meeting ``kind`` names after ``as_of``.

    Weekly: the results of the ISO week before the meeting against the goals (month to date),
    the follow-up deadlines missed in that week by owner, and the open escalation actions.
    Monthly: last month's KPIs and goals of both teams, the coming month's targets and the
    two 30-day plans. Open and overdue feedback goes to the meeting where it is discussed.
    """
    in_force = _in_force(engine, file_agreement).at(as_of)
    agreement = in_force.agreement
    meeting = the_meeting(agreement.meetings, kind)
    period = agreement.period
    occurrence = next_occurrence(meeting, agreement.calendar, period.start, period.end, after=as_of)
    if occurrence is None:
        why = (
            "it has no weekday: and time: in the agreement"
            if meeting.weekday is None or meeting.time is None
            else f"the agreement's period ends on {period.end}"
        )
        raise NotFoundError(f"no {meeting.id} meeting after {as_of.isoformat()}: {why}")
    zone = ZoneInfo(agreement.calendar.timezone)
    weekly = monthly = None
    if meeting.cadence is Cadence.WEEKLY:
        first_day, last_day = unit_bounds(Cadence.WEEKLY, occurrence.day - timedelta(days=7))
        start, end = _start_of(first_day, zone), _start_of(last_day + timedelta(days=1), zone)
        at = min(as_of, end - _US)
        iso = first_day.isocalendar()
        weekly = WeeklyReview(
            week=f"{iso.year}-W{iso.week:02d}",
            first_day=first_day,
            last_day=last_day,
            complete=as_of >= end,
            scorecard=_scorecard(engine, file_agreement, _month_of(at, zone), at),
            follow_up=period_follow_up(engine, file_agreement, start, end, at),
        )
    else:
        last_month = (occurrence.day.replace(day=1) - timedelta(days=1)).replace(day=1)
        monthly = MonthlyReview(
            month=last_month,
            scorecard=_scorecard(engine, file_agreement, last_month, as_of),
            coming=month_targets(agreement, occurrence.day),
            plans=_previous_plans(engine, agreement, meeting, occurrence.start, as_of),
        )
    feedback = None
    if _feedback_here(agreement, meeting):
        states = {FeedbackState.OPEN, FeedbackState.OVERDUE}
        feedback = tuple(list_feedback(engine, as_of=as_of, states=states))
    actions = (
        _open_actions(engine, file_agreement, as_of) if meeting.cadence is Cadence.WEEKLY else None
    )
    language = agreement.language
    return Agenda(
        as_of=as_of,
        meeting=meeting,
        version=in_force.label,
        timezone=agreement.calendar.timezone,
        starts_at=occurrence.start,
        ends_at=occurrence.end,
        attendees=attendees_of(agreement, meeting),
        items=meeting.agenda,
        notes_headings=tuple(
            p.heading_pl if language == "pl" else p.heading for p in NOTES_PARTS[meeting.cadence]
        ),
        weekly=weekly,
        monthly=monthly,
        feedback=feedback,
        actions=actions,
    )


# --- JSON twins ---------------------------------------------------------------------------------


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
