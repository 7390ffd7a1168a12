"""The meeting pack: what the weekly or monthly sales & marketing meeting looks at, in one value.

:func:`weekly_pack` and :func:`monthly_pack` gather, for one ISO week or one calendar month:

* **results** against the goals — the month to date as of the period's end (a week reviews the
  month its last moment falls in; a month reviews itself): revenue and Goals 1-3, lead value by
  type, follow-up compliance, close rate and sales cycle, each with its target, met or missed,
  and the agreement version the month is measured under (:attr:`MonthScore.version`);
* **what moved** since the pack before: a month's figures against the previous month's (as
  :func:`revpact.domain.scoreboard.trend.trend` compares them); a week's own figures against
  the previous week's — the store's facts are kept by month, and the month to date changes
  only by what the week added, so a week is compared by what happened in it (:class:`MovesPart`);
* the **follow-up** of the leads notified in the period, and the deadlines that fell in it and
  were missed, by owner;
* **lead-quality feedback**: the items of topic ``lead_quality`` raised in the period, and every
  lead-quality item still open or overdue;
* the **close** of the month the results are for: closed (by whom, when, under which agreement
  version, the facts' hash), awaiting close or in progress, and its pending restatement — the
  figures data recorded after its close would change, and the rows that did
  (:mod:`revpact.services.month_states`);
* **escalation**: the open action items and the SWAT report weeks due and not filed;
* the **agenda**: the meeting's items from the agreement; for a week, the next weekly meeting's
  (:func:`revpact.services.meetings.next_agenda`), for a month the monthly meeting that reviews it.

Everything is as of the period's last moment, or ``now`` while the period is still running —
except the month's close, which is read as of ``now`` (when the pack is made): a month closed
since shows as closed, and a monthly pack shows a closed month's results as its close froze
them, with the restatement that data recorded later would make.
:func:`pack_to_json` is the JSON twin (exact Decimal strings, ISO 8601 times); the documents
(:mod:`revpact.render.pack`) are rendered from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Cadence, FeedbackTopic
from revpact.domain.clock.calendar import to_us
from revpact.domain.meetings import attendees_of, local_day, next_occurrence, select_meetings
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.year import (
    CompanyGoalsStatus,
    LeadTypeValue,
    MonthScore,
    MonthVersion,
    month_to_json,
)
from revpact.errors import NotFoundError, RevpactError
from revpact.services.accountability import ActionItem, WeekReport, escalation_status
from revpact.services.agreement_versions import versions
from revpact.services.feedback import FeedbackState, FeedbackView, feedback_to_json, list_feedback
from revpact.services.meetings import (
    OwnerBreaches,
    WeekFollowUp,
    next_agenda,
    period_follow_up,
)
from revpact.services.month_states import (
    CloseState,
    MonthStatus,
    close_block,
    month_states,
    restatement_to_json,
)
from revpact.services.scoreboard import year_scoreboard
from revpact.store.deals import DealRepository

__all__ = [
    "GOALS",
    "AgendaPart",
    "ClosePart",
    "EscalationPart",
    "FeedbackPart",
    "FollowUpPart",
    "GoalResult",
    "MeetingPack",
    "Move",
    "MovesPart",
    "OwnerBreaches",
    "Period",
    "ResultsPart",
    "default_month",
    "default_week",
    "monthly_pack",
    "pack_to_json",
    "parse_pack_month",
    "parse_pack_week",
    "weekly_pack",
]

_US = timedelta(microseconds=1)
_US_PER_DAY = 86_400_000_000

GOALS: tuple[tuple[str, str], ...] = (
    ("revenue", "money"),
    ("lead_value", "money"),
    ("follow_up", "ratio"),
    ("close_rate", "ratio"),
    ("sales_cycle", "days"),
)
"""The goals a pack reviews, in order: key and unit (money, ratio or days)."""


# --- the value ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The week or month a pack is for; ``end`` is exclusive (the next period's first moment)."""

    kind: str  # weekly or monthly
    label: str  # 2020-W52 or 2020-12
    first_day: date
    last_day: date
    start: datetime
    end: datetime
    as_of: datetime  # the last moment of the period, or now while it runs
    complete: bool


@dataclass(frozen=True)
class GoalResult:
    """One goal of the month: ``met`` None when there is nothing to measure yet."""

    key: str
    unit: str
    actual: Decimal | None
    target: Decimal
    met: bool | None


@dataclass(frozen=True)
class ResultsPart:
    """The month's results as of the pack's moment (the month to date while it runs)."""

    month: date
    as_of: datetime
    complete: bool  # the month was over by then
    version: MonthVersion | None
    goals: tuple[GoalResult, ...]
    company_goals: CompanyGoalsStatus
    lead_value_by_type: tuple[LeadTypeValue, ...]
    score: MonthScore
    revenue_by_month: tuple[tuple[date, Decimal | None, Decimal], ...]  # the year: actual, target


@dataclass(frozen=True)
class Move:
    """A figure then and now; ``better`` None when either is unknown or nothing changed."""

    key: str
    unit: str
    previous: Decimal | None
    current: Decimal | None
    change: Decimal | None
    better: bool | None


@dataclass(frozen=True)
class MovesPart:
    """This period's figures against the period before's.

    ``basis`` ``month``: the month's scoreboard figures against the previous month's.
    ``week``: what each week did on its own, as of its end — the amount of the deals won in
    it (revenue is recognised by month), the value of the leads created in it, the follow-up
    compliance of the leads notified in it, the close rate of the proposals decided in it and
    the mean cycle of the deals won in it.
    """

    basis: str  # week or month
    previous_label: str
    previous_as_of: datetime
    items: tuple[Move, ...]
    previous_by_type: tuple[LeadTypeValue, ...]
    current_by_type: tuple[LeadTypeValue, ...]


@dataclass(frozen=True)
class ClosePart:
    """Where the results' month stands in its close as of the pack's moment, with its pending
    restatement; ``version_number`` is the number of the agreement version it was closed under
    (None: not closed, or closed under the unpublished agreement file)."""

    status: MonthStatus
    version_number: int | None


FollowUpPart = WeekFollowUp
"""The leads notified in the period by status, and the deadlines missed in it by owner."""


@dataclass(frozen=True)
class FeedbackPart:
    """Lead-quality feedback: raised in the period, and every item still open or overdue."""

    raised: tuple[FeedbackView, ...]
    waiting: tuple[FeedbackView, ...]


@dataclass(frozen=True)
class EscalationPart:
    """The escalation ladder after the last finished month, its open actions and the SWAT
    report weeks due and not filed."""

    level: int
    since: date | None
    months_missed: int
    actions: tuple[ActionItem, ...]
    reports_due: tuple[WeekReport, ...]


@dataclass(frozen=True)
class AgendaPart:
    """The meeting the pack is for; ``starts_at`` None when none is scheduled after it."""

    meeting_id: str
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    attendees: tuple[str, ...]
    items: tuple[str, ...]
    version: str | None


@dataclass(frozen=True)
class MeetingPack:
    kind: str
    company: str
    title: str
    language: str
    currency: str
    timezone: str
    lead_types: tuple[tuple[str, str], ...]  # each lead type and how the agreement names it
    period: Period
    results: ResultsPart
    close: ClosePart
    moves: MovesPart | None  # None when the period is the agreement's first
    follow_up: FollowUpPart
    feedback: FeedbackPart
    escalation: EscalationPart
    agenda: AgendaPart | None  # None when the agreement has no such meeting


# --- periods ------------------------------------------------------------------------------------

_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_pack_week(value: str) -> date:
    """``--week``: an ISO week ``YYYY-Www``, as its Monday."""
    found = _WEEK.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError
        return date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise RevpactError(f'--week "{value}" is not an ISO week; write e.g. 2020-W27') from None


def parse_pack_month(value: str) -> date:
    """``--month``: ``YYYY-MM``, as its first day."""
    found = _MONTH.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError
        return date(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise RevpactError(f'--month "{value}" is not a month; write e.g. 2020-06') from None


def default_week(agreement: Agreement, now: datetime) -> date:
    """The Monday of the last complete ISO week before ``now`` (in the calendar's zone)."""
    today = local_day(now, agreement.calendar.timezone)
    return today - timedelta(days=today.weekday() + 7)


def default_month(agreement: Agreement, now: datetime) -> date:
    """The first day of the last complete month before ``now``."""
    today = local_day(now, agreement.calendar.timezone)
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _period(
    agreement: Agreement,
    kind: str,
    label: str,
    first: date,
    last: date,
    now: datetime,
    *,
    check: bool = True,
) -> Period:
    zone = ZoneInfo(agreement.calendar.timezone)
    start, end = _midnight(first, zone), _midnight(last + timedelta(days=1), zone)
    span = agreement.period
    if check and (last < span.start or first > span.end):
        raise RevpactError(
            f"{label} is outside the agreement's period ({span.start} to {span.end})"
        )
    if check and now < start:
        raise RevpactError(f"{label} has not begun as of {now.isoformat()}")
    return Period(kind, label, first, last, start, end, min(now, end - _US), now >= end)


def _week(agreement: Agreement, monday: date, now: datetime, *, check: bool = True) -> Period:
    iso = monday.isocalendar()
    label = f"{iso.year}-W{iso.week:02d}"
    last = monday + timedelta(days=6)
    return _period(agreement, "weekly", label, monday, last, now, check=check)


def _month(agreement: Agreement, first: date, now: datetime, *, check: bool = True) -> Period:
    label = f"{first:%Y-%m}"
    return _period(agreement, "monthly", label, first, month_end(first), now, check=check)


# --- building -----------------------------------------------------------------------------------


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


def _month_score(
    engine: Engine, agreement: Agreement, as_of: datetime
) -> tuple[MonthScore, tuple[MonthScore, ...]]:
    """The score of the month ``as_of`` falls in (the period's last month after it ends), and
    the year's months up to it."""
    day = min(local_day(as_of, agreement.calendar.timezone), agreement.period.end)
    board = year_scoreboard(engine, agreement, as_of=as_of)
    months = tuple(s for s in board.months if s.month <= day)
    if not months:
        raise RevpactError(f"no month of the agreement's period has begun as of {as_of}")
    return months[-1], months


def _results(
    agreement: Agreement, score: MonthScore, year: tuple[MonthScore, ...], as_of: datetime
) -> ResultsPart:
    zone = ZoneInfo(agreement.calendar.timezone)
    over = as_of >= _midnight(month_end(score.month) + timedelta(days=1), zone) - _US
    return ResultsPart(
        month=score.month,
        as_of=as_of,
        complete=over,
        version=score.version,
        goals=tuple(GoalResult(key, unit, *_figures(score, key)) for key, unit in GOALS),
        company_goals=score.goals,
        lead_value_by_type=score.lead_value.by_type,
        score=score,
        revenue_by_month=tuple((s.month, s.revenue.actual, s.revenue.target) for s in year),
    )


def _close(engine: Engine, agreement: Agreement, month: date, now: datetime) -> ClosePart:
    """The close state of ``month`` as of ``now`` and the version number it was closed under."""
    status = next(
        s for s in month_states(engine, agreement, as_of_us=to_us(now)) if s.month == month
    )
    closed = status.last if status.state is CloseState.CLOSED else None
    wanted = None if closed is None else closed.version_hash
    number = None
    if wanted is not None:
        number = next((v.number for v in versions(engine) if v.hash == wanted), None)
    return ClosePart(status, number)


def _move(key: str, unit: str, before: Decimal | None, now: Decimal | None) -> Move:
    delta = None if before is None or now is None else now - before
    better = None if delta is None or delta == 0 else (delta < 0) == (key == "sales_cycle")
    return Move(key, unit, before, now, delta, better)


def _month_moves(
    previous: MonthScore, current: MonthScore, label: str, as_of: datetime
) -> MovesPart:
    """The month against the month before, as :func:`trend` sees it."""
    items = tuple(
        _move(key, unit, _figures(previous, key)[0], _figures(current, key)[0])
        for key, unit in GOALS
    )
    return MovesPart(
        basis="month",
        previous_label=label,
        previous_as_of=as_of,
        items=items,
        previous_by_type=previous.lead_value.by_type,
        current_by_type=current.lead_value.by_type,
    )


@dataclass(frozen=True)
class _Activity:
    """What happened in one week: the figures a week has of its own."""

    won_amount: Decimal
    by_type: tuple[LeadTypeValue, ...]
    compliance: Decimal | None
    close_rate: Decimal | None
    cycle_days: Decimal | None

    def figure(self, key: str) -> Decimal | None:
        return {
            "revenue": self.won_amount,
            "lead_value": sum((t.value for t in self.by_type), Decimal(0)),
            "follow_up": self.compliance,
            "close_rate": self.close_rate,
            "sales_cycle": self.cycle_days,
        }[key]


def _week_activity(
    engine: Engine, agreement: Agreement, weeks: list[tuple[datetime, datetime, datetime]]
) -> list[_Activity]:
    """Each week ``[start, end)`` as of its moment: the amount of the deals won in it, the
    value of the leads created in it, the follow-up compliance of the leads notified in it,
    the close rate of its decided proposals and the mean cycle of its won deals.

    Only what had happened by the week's moment counts, as on a store cut there: deals created
    and closed by then (a proposal only if submitted by then), leads that exist by then."""
    cuts = [([(to_us(start), to_us(end))], to_us(as_of)) for start, end, as_of in weeks]
    with engine.connect() as conn:
        repo = DealRepository(conn)
        totals = [repo.deal_totals(week, as_of_us=cut)[0] for week, cut in cuts]
        leads = [repo.leads_by_type(week, as_of_us=cut)[0] for week, cut in cuts]
    found = []
    for (start, end, as_of), total, counts in zip(weeks, totals, leads, strict=True):
        values = agreement.marketing.lead_values
        by_type = tuple(
            LeadTypeValue(kind, counts.get(kind, 0), unit, unit * counts.get(kind, 0))
            for kind, unit in values.items()
        )
        decided = total.proposals_won + total.proposals_lost
        follow = period_follow_up(engine, agreement, start, end, as_of)
        found.append(
            _Activity(
                won_amount=Decimal(total.won_amount_e4) / 10_000,
                by_type=by_type,
                compliance=follow.compliance,
                close_rate=Decimal(total.proposals_won) / decided if decided else None,
                cycle_days=(
                    Decimal(total.cycle_us) / _US_PER_DAY / total.won if total.won else None
                ),
            )
        )
    return found


def _week_moves(
    engine: Engine, agreement: Agreement, period: Period, previous: Period
) -> MovesPart:
    """The week's own figures against the week before's."""
    before, now = _week_activity(
        engine,
        agreement,
        [(p.start, p.end, p.as_of) for p in (previous, period)],
    )
    items = tuple(_move(key, unit, before.figure(key), now.figure(key)) for key, unit in GOALS)
    return MovesPart(
        basis="week",
        previous_label=previous.label,
        previous_as_of=previous.as_of,
        items=items,
        previous_by_type=before.by_type,
        current_by_type=now.by_type,
    )


def _feedback(engine: Engine, period: Period) -> FeedbackPart:
    items = [
        v
        for v in list_feedback(engine, as_of=period.as_of)
        if v.topic == FeedbackTopic.LEAD_QUALITY.value
    ]
    return FeedbackPart(
        raised=tuple(v for v in items if period.start <= v.raised_at < period.end),
        waiting=tuple(v for v in items if v.state in (FeedbackState.OPEN, FeedbackState.OVERDUE)),
    )


def _escalation(engine: Engine, agreement: Agreement, as_of: datetime) -> EscalationPart:
    today = local_day(as_of, agreement.calendar.timezone)
    status = escalation_status(engine, agreement, as_of=as_of)
    actions = tuple(
        a
        for a in status.actions
        if month_end(a.month) < today and (a.done_at is None or a.done_at > as_of)
    )
    owed = tuple(w for w in status.weeks if w.due and (w.filed_at is None or w.filed_at > as_of))
    return EscalationPart(status.level, status.since, status.months_missed, actions, owed)


def _agenda(
    engine: Engine, agreement: Agreement, cadence: Cadence, as_of: datetime
) -> AgendaPart | None:
    """The next meeting of ``cadence`` after ``as_of``: through :func:`next_agenda` for the
    weekly meeting; the agreement's items (and the next date, if any) for the monthly one."""
    try:
        meeting = select_meetings(agreement.meetings, cadence.value)[0]
    except NotFoundError:
        return None
    people = tuple(p.name for p in attendees_of(agreement, meeting))
    if cadence is Cadence.WEEKLY:
        try:
            agenda = next_agenda(engine, agreement, kind=meeting.id, as_of=as_of)
        except NotFoundError:
            pass
        else:
            return AgendaPart(
                meeting_id=agenda.meeting.id,
                name=agenda.meeting.name,
                starts_at=agenda.starts_at,
                ends_at=agenda.ends_at,
                attendees=tuple(p.name for p in agenda.attendees),
                items=agenda.items,
                version=agenda.version,
            )
    span = agreement.period
    occurrence = next_occurrence(meeting, agreement.calendar, span.start, span.end, after=as_of)
    return AgendaPart(
        meeting_id=meeting.id,
        name=meeting.name,
        starts_at=None if occurrence is None else occurrence.start,
        ends_at=None if occurrence is None else occurrence.end,
        attendees=people,
        items=meeting.agenda,
        version=None,
    )


def _pack(
    engine: Engine, agreement: Agreement, period: Period, previous: Period | None, now: datetime
) -> MeetingPack:
    score, year = _month_score(engine, agreement, period.as_of)
    close = _close(engine, agreement, score.month, now)
    if period.kind == "monthly" and close.status.state is CloseState.CLOSED:
        # the month as its close froze it (and as the record scores it from then on)
        board = year_scoreboard(engine, agreement, as_of=now)
        year = tuple(s for s in board.months if s.month <= score.month)
        score = year[-1]
    moves = None
    if previous is not None and previous.last_day >= agreement.period.start:
        if period.kind == "weekly":
            moves = _week_moves(engine, agreement, period, previous)
        else:
            before, _ = _month_score(engine, agreement, previous.as_of)
            moves = _month_moves(before, score, previous.label, previous.as_of)
    cadence = Cadence.WEEKLY if period.kind == "weekly" else Cadence.MONTHLY
    marketing = agreement.marketing
    return MeetingPack(
        kind=period.kind,
        company=agreement.company,
        title=agreement.title,
        language=agreement.language,
        currency=agreement.currency,
        timezone=agreement.calendar.timezone,
        lead_types=tuple((k, marketing.label(k)) for k in marketing.lead_values),
        period=period,
        results=_results(agreement, score, year, period.as_of),
        close=close,
        moves=moves,
        follow_up=period_follow_up(engine, agreement, period.start, period.end, period.as_of),
        feedback=_feedback(engine, period),
        escalation=_escalation(engine, agreement, period.as_of),
        agenda=_agenda(engine, agreement, cadence, period.as_of),
    )


def weekly_pack(
    engine: Engine, agreement: Agreement, *, week: date | None = None, now: datetime
) -> MeetingPack:
    """The pack of the ISO week starting on Monday ``week`` (default: the last complete one
    before ``now``), as of its last moment or ``now``, whichever comes first."""
    monday = default_week(agreement, now) if week is None else week
    monday -= timedelta(days=monday.weekday())
    period = _week(agreement, monday, now)
    before = _week(agreement, monday - timedelta(days=7), now, check=False)
    return _pack(engine, agreement, period, before, now)


def monthly_pack(
    engine: Engine, agreement: Agreement, *, month: date | None = None, now: datetime
) -> MeetingPack:
    """The pack of ``month`` (default: the last complete one before ``now``), as of its last
    moment or ``now``; what moved is against the previous month as it ended."""
    first = (default_month(agreement, now) if month is None else month).replace(day=1)
    period = _month(agreement, first, now)
    before = (first - timedelta(days=1)).replace(day=1)
    return _pack(engine, agreement, period, _month(agreement, before, now, check=False), now)


# --- the JSON twin ------------------------------------------------------------------------------


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _by_type(items: tuple[LeadTypeValue, ...]) -> list[dict[str, Any]]:
    return [
        {
            "lead_type": i.lead_type,
            "count": i.count,
            "unit_value": _s(i.unit_value),
            "value": _s(i.value),
        }
        for i in items
    ]


def pack_to_json(pack: MeetingPack) -> dict[str, Any]:
    """The pack as JSON-ready data: money and ratios as exact Decimal strings, times ISO 8601."""
    period, results = pack.period, pack.results
    status = pack.close.status
    closed = close_block(status)
    goals = results.company_goals
    moves = pack.moves
    agenda = pack.agenda
    escalation = pack.escalation
    return {
        "kind": pack.kind,
        "company": pack.company,
        "title": pack.title,
        "language": pack.language,
        "currency": pack.currency,
        "timezone": pack.timezone,
        "lead_types": dict(pack.lead_types),
        "period": {
            "label": period.label,
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
            "complete": period.complete,
        },
        "results": {
            "month": f"{results.month:%Y-%m}",
            "as_of": results.as_of.isoformat(),
            "complete": results.complete,
            "agreement_version": None
            if results.version is None
            else {"number": results.version.number, "hash": results.version.hash},
            "goals": [
                {
                    "key": g.key,
                    "unit": g.unit,
                    "actual": _s(g.actual),
                    "target": _s(g.target),
                    "met": g.met,
                }
                for g in results.goals
            ],
            "company_goals": {
                "goal1": goals.goal1.met,
                "goal2": goals.goal2.met,
                "goal3": goals.goal3.met,
                "shortfall": _s(goals.shortfall),
                "surplus": _s(goals.surplus),
            },
            "lead_value_by_type": _by_type(results.lead_value_by_type),
            "revenue_by_month": [
                {"month": f"{m:%Y-%m}", "actual": _s(a), "target": _s(t)}
                for m, a, t in results.revenue_by_month
            ],
            "month_score": {**month_to_json(results.score), "close": closed},
            "closed_under": None
            if closed["version"] is None
            else {"number": pack.close.version_number, "hash": closed["version"]},
            "restatement": None
            if status.restatement is None
            else restatement_to_json(status.restatement),
        },
        "moves": None
        if moves is None
        else {
            "basis": moves.basis,
            "previous_label": moves.previous_label,
            "previous_as_of": moves.previous_as_of.isoformat(),
            "items": [
                {
                    "key": m.key,
                    "unit": m.unit,
                    "previous": _s(m.previous),
                    "current": _s(m.current),
                    "change": _s(m.change),
                    "better": m.better,
                }
                for m in moves.items
            ],
            "previous_by_type": _by_type(moves.previous_by_type),
            "current_by_type": _by_type(moves.current_by_type),
        },
        "follow_up": {
            "notified": pack.follow_up.notified,
            "counts": {s.value: n for s, n in pack.follow_up.counts.items()},
            "compliance": _s(pack.follow_up.compliance),
            "target": _s(pack.follow_up.target),
            "breaches": [
                {"owner": b.owner, "count": len(b.lead_ids), "lead_ids": list(b.lead_ids)}
                for b in pack.follow_up.breaches
            ],
        },
        "feedback": {
            "raised": [feedback_to_json(f) for f in pack.feedback.raised],
            "open": [feedback_to_json(f) for f in pack.feedback.waiting],
        },
        "escalation": {
            "level": escalation.level,
            "since": None if escalation.since is None else f"{escalation.since:%Y-%m}",
            "months_missed": escalation.months_missed,
            "actions": [
                {
                    "month": f"{a.month:%Y-%m}",
                    "level": a.level,
                    "seq": a.seq,
                    "text": a.text,
                    "owner": a.owner.value,
                    "due": a.due.isoformat(),
                }
                for a in escalation.actions
            ],
            "swat_reports_due": [w.week for w in escalation.reports_due],
        },
        "agenda": None
        if agenda is None
        else {
            "meeting_id": agenda.meeting_id,
            "name": agenda.name,
            "starts_at": _iso(agenda.starts_at),
            "ends_at": _iso(agenda.ends_at),
            "attendees": list(agenda.attendees),
            "items": list(agenda.items),
            "version": agenda.version,
        },
    }
