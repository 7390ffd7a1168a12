"""What follows from the scoreboard: escalation action items, SWAT weekly reports, reward splits.

Only **months that are over** as of ``as_of`` (their last day is before ``as_of``'s local date)
count here: a month in progress has neither missed nor earned anything yet.

* :func:`sync_escalation` records the actions of every finished month whose escalation state
  ``entered`` a level, keyed by (month, level, seq). It only ever adds: a re-run changes
  nothing, a done mark is kept, and an action already issued stays on record even if a late
  import later turns its month into a met one.
* SWAT reports are due for the ``swat_report_weeks`` of every finished month whose level reports
  weekly (the following month's ISO weeks). A week is *due* once it has begun. Filing a week
  again **replaces** its report (the newer file wins; the repository says it replaced one).
* A month's reward pool is split once; recording another split replaces it atomically.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement import Agreement
from revpact.domain.agreement_accountability import Owner, RewardCondition
from revpact.domain.calendar import from_us, to_us
from revpact.domain.scoreboard import MonthScore, YearScoreboard, validate_split
from revpact.domain.scoreboard_facts import month_end
from revpact.errors import RevpactError
from revpact.services.scoreboard import year_scoreboard
from revpact.store.accountability import (
    AccountabilityRepository,
    ActionRow,
    AllocationRow,
    ReportRow,
)
from revpact.store.revision import bump_revision

__all__ = [
    "ActionItem",
    "EscalationStatus",
    "FiledReport",
    "MonthReward",
    "RewardStatus",
    "WeekReport",
    "allocate_reward",
    "complete_action",
    "escalation_status",
    "escalation_to_json",
    "file_swat_report",
    "list_actions",
    "parse_month",
    "parse_week",
    "reward_status",
    "reward_status_to_json",
    "swat_status",
    "sync_escalation",
]

_E4 = 4


@dataclass(frozen=True)
class ActionItem:
    """A recorded action of an escalation level: ``month`` the level was entered in."""

    month: date
    level: int
    seq: int
    text: str
    owner: Owner
    due: date
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class WeekReport:
    """An ISO week for which the SWAT team owes a weekly report."""

    week: str  # YYYY-Www
    due: bool  # the week has begun as of as_of
    filed: bool
    filed_at: datetime | None


@dataclass(frozen=True)
class FiledReport:
    week: str
    file_name: str
    sha256: str
    filed_at: datetime
    replaced: bool  # a report for this week had been filed before


@dataclass(frozen=True)
class EscalationStatus:
    """The ladder after the last finished month, with every action item and report week."""

    level: int
    since: date | None
    months_missed: int
    actions: tuple[ActionItem, ...]
    weeks: tuple[WeekReport, ...]


@dataclass(frozen=True)
class MonthReward:
    month: date
    pool: Decimal
    split: dict[str, Decimal] | None  # None: not yet split
    allocated_at: datetime | None


@dataclass(frozen=True)
class RewardStatus:
    months: tuple[MonthReward, ...]  # the finished months that earned the pool
    annual_text: str | None
    annual_earned: bool | None  # None until the period's last month is scored


# --- parsing ------------------------------------------------------------------------------------

_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_month(value: str) -> date:
    """``YYYY-MM`` as the month's first day."""
    try:
        return date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        raise RevpactError(f'"{value}" is not a month; write e.g. 2020-09') from None


def parse_week(value: str) -> str:
    """``YYYY-Www`` (an ISO week), normalised."""
    found = _WEEK.fullmatch(value.strip())
    try:
        if found is None:
            raise ValueError
        date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise RevpactError(f'"{value}" is not an ISO week; write e.g. 2020-W27') from None
    return f"{found[1]}-W{found[2]}"


# --- escalation ---------------------------------------------------------------------------------


def _finished(board: YearScoreboard, agreement: Agreement, as_of: datetime) -> list[MonthScore]:
    local = as_of.astimezone(ZoneInfo(agreement.calendar.timezone)).date()
    return [score for score in board.months if month_end(score.month) < local]


def _item(row: ActionRow) -> ActionItem:
    return ActionItem(
        month=parse_month(row.month),
        level=row.level,
        seq=row.seq,
        text=row.text,
        owner=Owner(row.owner),
        due=date.fromisoformat(row.due),
        done_at=None if row.done_us is None else from_us(row.done_us),
    )


def _record(engine: Engine, months: list[MonthScore]) -> list[ActionItem]:
    rows = [
        ActionRow(
            f"{score.month:%Y-%m}",
            score.escalation.level,
            seq,
            action.text,
            action.owner.value,
            action.due.isoformat(),
            None,
        )
        for score in months
        if score.escalation.entered
        for seq, action in enumerate(score.escalation.actions, start=1)
    ]
    with engine.begin() as conn:
        added = AccountabilityRepository(conn).add_missing_actions(rows)
        if added:
            bump_revision(conn)
        return [_item(row) for row in added]


def sync_escalation(engine: Engine, agreement: Agreement, *, as_of: datetime) -> list[ActionItem]:
    """Record the actions of every finished month that entered a level; returns those added
    now (none on a re-run)."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    return _record(engine, _finished(board, agreement, as_of))


def list_actions(engine: Engine, *, open_only: bool = False) -> list[ActionItem]:
    """Every recorded action item (or only those not done), by month, level and seq."""
    with engine.connect() as conn:
        return [_item(row) for row in AccountabilityRepository(conn).actions(open_only=open_only)]


def complete_action(
    engine: Engine, month: str, level: int, seq: int, *, at: datetime
) -> ActionItem:
    """Mark an action item done at ``at`` (an item already done keeps its first mark)."""
    key = f"{parse_month(month):%Y-%m}"
    with engine.begin() as conn:
        row = AccountabilityRepository(conn).mark_done(key, level, seq, to_us(at))
        if row is not None:
            bump_revision(conn)
    if row is None:
        raise RevpactError(
            f"no action {seq} of level {level} was issued in {key}; "
            "see `revpact escalation status` for the recorded ones"
        )
    return _item(row)


def _schedule(months: list[MonthScore]) -> list[str]:
    weeks = {
        week
        for score in months
        if score.escalation.swat_reports_weekly
        for week in score.escalation.swat_report_weeks
    }
    return [str(week) for week in sorted(weeks)]


def _weeks(engine: Engine, months: list[MonthScore], today: date) -> list[WeekReport]:
    with engine.connect() as conn:
        filed = AccountabilityRepository(conn).reports()
    out = []
    for week in _schedule(months):
        report = filed.get(week)
        out.append(
            WeekReport(
                week=week,
                due=_monday(week) <= today,
                filed=report is not None,
                filed_at=None if report is None else from_us(report.filed_us),
            )
        )
    return out


def _monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def _today(agreement: Agreement, as_of: datetime) -> date:
    return as_of.astimezone(ZoneInfo(agreement.calendar.timezone)).date()


def swat_status(engine: Engine, agreement: Agreement, *, as_of: datetime) -> list[WeekReport]:
    """Every ISO week a SWAT report is scheduled for, whether it is due yet, and filed."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    return _weeks(engine, _finished(board, agreement, as_of), _today(agreement, as_of))


def escalation_status(engine: Engine, agreement: Agreement, *, as_of: datetime) -> EscalationStatus:
    """Record what is due (:func:`sync_escalation`), then the whole picture in one value."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    months = _finished(board, agreement, as_of)
    _record(engine, months)
    last = months[-1].escalation if months else None
    return EscalationStatus(
        level=last.level if last else 0,
        since=last.since if last else None,
        months_missed=last.months_missed if last else 0,
        actions=tuple(list_actions(engine)),
        weeks=tuple(_weeks(engine, months, _today(agreement, as_of))),
    )


def file_swat_report(
    engine: Engine,
    agreement: Agreement,
    *,
    week: str,
    path: Path,
    as_of: datetime,
    filed_by: str | None = None,
) -> FiledReport:
    """Store ``path`` (markdown) as the SWAT report of ``week``, filed at ``as_of``.

    Refused for a week no report is scheduled for, a week not begun, and a file that cannot be
    read as UTF-8 text or is empty. Filing a week again replaces its report.
    """
    wanted = parse_week(week)
    weeks = swat_status(engine, agreement, as_of=as_of)
    found = next((w for w in weeks if w.week == wanted), None)
    if found is None:
        listed = ", ".join(w.week for w in weeks) or "none"
        raise RevpactError(
            f"no SWAT report is due for {wanted} as of {as_of:%Y-%m-%d}; weeks due: {listed}"
        )
    if not found.due:
        raise RevpactError(
            f"{wanted} begins on {_monday(wanted)}; file its report once the week has begun"
        )
    try:
        data = path.read_bytes()
        body = data.decode("utf-8")
    except OSError as exc:
        raise RevpactError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RevpactError(f"{path} is not UTF-8 text; save the report as UTF-8 markdown") from None
    if not body.strip():
        raise RevpactError(f"{path} is empty; write the week's report in it")
    digest = hashlib.sha256(data).hexdigest()
    row = ReportRow(wanted, to_us(as_of), path.name, digest, filed_by)
    with engine.begin() as conn:
        replaced = AccountabilityRepository(conn).put_report(row, body)
        bump_revision(conn)
    return FiledReport(wanted, path.name, digest, from_us(row.filed_us), replaced)


# --- rewards ------------------------------------------------------------------------------------


def _why_not(agreement: Agreement, score: MonthScore) -> list[str]:
    monthly = agreement.rewards.monthly
    requires = monthly.requires if monthly else ()
    reasons: list[str] = []
    if RewardCondition.COMPANY_REVENUE_GOAL in requires and not score.revenue.met:
        reasons.append(f"revenue {score.revenue.actual} below the target {score.revenue.target}")
    if RewardCondition.MONTHLY_TEAM_GOALS in requires:
        goals: tuple[tuple[str, bool | None], ...] = (
            ("lead value", score.lead_value.met),
            ("follow-up compliance", score.follow_up.met_goal),
            ("close rate", score.close_rate.met),
            ("sales cycle", score.sales_cycle.met),
        )
        for name, met in goals:
            if met is None:
                reasons.append(f"{name}: no data")
            elif not met:
                reasons.append(f"{name} missed")
    return reasons or ["an annual condition is not met"]


def _pool(agreement: Agreement) -> Decimal:
    if agreement.rewards.monthly is None:
        raise RevpactError("the agreement has no monthly reward (rewards.monthly)")
    return agreement.rewards.monthly.pool


def _e4(who: str, amount: Decimal) -> int:
    scaled = amount.scaleb(_E4)
    if scaled != scaled.to_integral_value():
        raise RevpactError(f"the share of {who!r} is {amount}; use at most {_E4} decimal places")
    return int(scaled)


def _money(amount_e4: int) -> Decimal:
    amount = Decimal(amount_e4).scaleb(-_E4)
    whole = amount.quantize(Decimal(1))
    return whole if whole == amount else amount.normalize()


def allocate_reward(
    engine: Engine,
    agreement: Agreement,
    *,
    month: str,
    shares: Mapping[str, Decimal],
    as_of: datetime,
) -> MonthReward:
    """Record how the leaders split ``month``'s pool; replaces a split recorded before."""
    pool = _pool(agreement)
    first = parse_month(month)
    board = year_scoreboard(engine, agreement, as_of=as_of)
    score = next((s for s in _finished(board, agreement, as_of) if s.month == first), None)
    if score is None:
        raise RevpactError(
            f"{first:%Y-%m} is not a finished month of the agreement's period as of "
            f"{as_of:%Y-%m-%d}; a month's pool is split once the month is over"
        )
    if not score.reward.earned:
        raise RevpactError(
            f"{first:%Y-%m} did not earn the monthly pool: " + "; ".join(_why_not(agreement, score))
        )
    names = [who.strip() for who in shares]
    if any(not name for name in names):
        raise RevpactError("a share has no recipient; write NAME=AMOUNT")
    try:
        split = validate_split(dict(zip(names, shares.values(), strict=True)), pool)
    except ValueError as exc:
        raise RevpactError(f"{first:%Y-%m}: {exc}") from None
    at = to_us(as_of)
    rows = [
        AllocationRow(f"{first:%Y-%m}", who, _e4(who, amount), at) for who, amount in split.items()
    ]
    with engine.begin() as conn:
        AccountabilityRepository(conn).replace_allocation(f"{first:%Y-%m}", rows)
        bump_revision(conn)
    return MonthReward(first, pool, split, from_us(at))


def reward_status(engine: Engine, agreement: Agreement, *, as_of: datetime) -> RewardStatus:
    """The finished months that earned the pool with their split, and the annual reward."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    with engine.connect() as conn:
        recorded = AccountabilityRepository(conn).allocations()
    months = []
    for score in _finished(board, agreement, as_of):
        if not score.reward.earned or score.reward.pool is None:
            continue
        rows = recorded.get(f"{score.month:%Y-%m}")
        months.append(
            MonthReward(
                month=score.month,
                pool=score.reward.pool,
                split={r.recipient: _money(r.amount_e4) for r in rows} if rows else None,
                allocated_at=from_us(rows[0].allocated_us) if rows else None,
            )
        )
    annual = board.annual_reward
    return RewardStatus(tuple(months), annual.text, annual.earned)


# --- JSON twins ---------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def escalation_to_json(status: EscalationStatus) -> dict[str, object]:
    return {
        "level": status.level,
        "since": f"{status.since:%Y-%m}" if status.since else None,
        "months_missed": status.months_missed,
        "actions": [
            {
                "month": f"{a.month:%Y-%m}",
                "level": a.level,
                "seq": a.seq,
                "text": a.text,
                "owner": a.owner.value,
                "due": a.due.isoformat(),
                "done": a.done,
                "done_at": _when(a.done_at),
            }
            for a in status.actions
        ],
        "swat_reports": [
            {"week": w.week, "due": w.due, "filed": w.filed, "filed_at": _when(w.filed_at)}
            for w in status.weeks
        ],
    }


def reward_status_to_json(status: RewardStatus) -> dict[str, object]:
    return {
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "pool": str(m.pool),
                "split": None if m.split is None else {k: str(v) for k, v in m.split.items()},
                "allocated_at": _when(m.allocated_at),
            }
            for m in status.months
        ],
        "annual_reward": {"text": status.annual_text, "earned": status.annual_earned},
    }
