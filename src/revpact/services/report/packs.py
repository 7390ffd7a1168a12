"""Building the weekly and monthly packs: results, what moved, follow-up, feedback, the close,
escalation and the agenda, each as of the period's last moment (or ``now``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.model import Agreement, Cadence, FeedbackTopic
from revpact.domain.clock.calendar import to_us
from revpact.domain.meetings import attendees_of, local_day, next_occurrence, select_meetings
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.goals import MONTHLY_GOALS, Goal
from revpact.domain.scoreboard.year import LeadTypeValue, MonthScore
from revpact.errors import NotFoundError, RevpactError
from revpact.services.accountability import escalation_status
from revpact.services.agreement_versions import versions
from revpact.services.feedback import FeedbackState, list_feedback
from revpact.services.meetings import next_agenda, period_follow_up
from revpact.services.month_states import CloseState, month_states
from revpact.services.report.model import (
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
from revpact.services.report.periods import (
    default_month,
    default_week,
    midnight,
    month_period,
    week_period,
)
from revpact.services.scoreboard import year_scoreboard
from revpact.store.deals import DealRepository

__all__ = [
    "monthly_pack",
    "weekly_pack",
]

_US = timedelta(microseconds=1)
_US_PER_DAY = 86_400_000_000


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
    over = as_of >= midnight(month_end(score.month) + timedelta(days=1), zone) - _US
    return ResultsPart(
        month=score.month,
        as_of=as_of,
        complete=over,
        version=score.version,
        goals=tuple(GoalResult(g.key, g.unit.value, *g.figures(score)) for g in MONTHLY_GOALS),
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


def _move(goal: Goal, before: Decimal | None, now: Decimal | None) -> Move:
    delta = None if before is None or now is None else now - before
    better = None if delta is None else goal.better(delta)
    return Move(goal.key, goal.unit.value, before, now, delta, better)


def _month_moves(
    previous: MonthScore, current: MonthScore, label: str, as_of: datetime
) -> MovesPart:
    """The month against the month before, as :func:`trend` sees it."""
    items = tuple(_move(g, g.figures(previous)[0], g.figures(current)[0]) for g in MONTHLY_GOALS)
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
    items = tuple(_move(g, before.figure(g.key), now.figure(g.key)) for g in MONTHLY_GOALS)
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
    period = week_period(agreement, monday, now)
    before = week_period(agreement, monday - timedelta(days=7), now, check=False)
    return _pack(engine, agreement, period, before, now)


def monthly_pack(
    engine: Engine, agreement: Agreement, *, month: date | None = None, now: datetime
) -> MeetingPack:
    """The pack of ``month`` (default: the last complete one before ``now``), as of its last
    moment or ``now``; what moved is against the previous month as it ended."""
    first = (default_month(agreement, now) if month is None else month).replace(day=1)
    period = month_period(agreement, first, now)
    before = (first - timedelta(days=1)).replace(day=1)
    return _pack(engine, agreement, period, month_period(agreement, before, now, check=False), now)
