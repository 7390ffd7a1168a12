"""What follows from the scoreboard: escalation action items, SWAT weekly reports, reward splits.

Only **months that are over** as of ``as_of`` (their last day is before ``as_of``'s local date)
count here: a month in progress has neither missed nor earned anything yet.

* :func:`sync_escalation` records the actions of every finished month whose escalation state
  ``entered`` a level, keyed by (month, level, seq). It only ever adds: a re-run changes
  nothing, a done mark is kept, and an action already issued stays on record even if a late
  import later turns its month into a met one.
* SWAT reports are due for the ``swat_report_weeks`` of every finished month whose level reports
  weekly (the following month's ISO weeks). A week is *due* once it has begun. Filing a week
  again **replaces** its report (the newer file wins; the repository says it replaced one; the
  audit trail keeps the SHA-256 of every file filed).
* A month's reward pool is split at the team leaders' discretion (the article): the split is
  recorded by a team leader — a signatory with ``leader: true`` in the version in force when
  it is made — and, once recorded, changed only by a **correction**: a new numbered split with
  who, when and why, the earlier split kept on record (:func:`correct_reward`).

Read as of ``T``: an action's done mark, a SWAT report and a split count only when they were
made by ``T``, and only months over by ``T`` have actions. Every write is also a row of the
audit trail, in the same transaction (``escalation.action_done``, ``swat.report``,
``reward.allocate``, ``reward.correct``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.accountability import Owner, RewardCondition
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.year import MonthScore, YearScoreboard, validate_split
from revpact.errors import RefusedError, RevpactError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.claimed import check_claimed
from revpact.services.scoreboard import year_scoreboard
from revpact.store.accountability import (
    AccountabilityRepository,
    ActionRow,
    ReportRow,
    SplitRow,
)
from revpact.store.audit import record_write
from revpact.store.month_closes import CloseAction, MonthCloseRepository
from revpact.store.revision import bump_revision

__all__ = [
    "ActionItem",
    "EscalationStatus",
    "FiledReport",
    "MonthReward",
    "RewardStatus",
    "SplitRecord",
    "WeekReport",
    "allocate_reward",
    "complete_action",
    "correct_reward",
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
class SplitRecord:
    """One recorded split of a month's pool: ``number`` 1 is the leaders' split, later numbers
    correct it (``reason`` says why)."""

    number: int
    split: dict[str, Decimal]
    allocated_at: datetime
    recorded_at: datetime
    allocated_by: str | None  # None: recorded before revpact asked who
    reason: str | None


@dataclass(frozen=True)
class MonthReward:
    month: date
    pool: Decimal
    split: dict[str, Decimal] | None  # None: not yet split
    allocated_at: datetime | None
    allocated_by: str | None = None
    history: tuple[SplitRecord, ...] = ()  # every split made by as_of, oldest first


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


def list_actions(
    engine: Engine,
    *,
    open_only: bool = False,
    as_of: datetime | None = None,
    timezone: str = "UTC",
) -> list[ActionItem]:
    """Every recorded action item (or only those not done), by month, level and seq.

    With ``as_of``: only the actions of months over and closed by then (``as_of``'s local date
    in ``timezone``; a month's actions are issued when it is closed), and a done mark only when
    it was made by then."""
    with engine.connect() as conn:
        items = [_item(row) for row in AccountabilityRepository(conn).actions()]
        closes = [] if as_of is None else MonthCloseRepository(conn).rows()
    if as_of is not None:
        today = as_of.astimezone(ZoneInfo(timezone)).date()
        limit = to_us(as_of)
        closed = {
            row.month for row in closes if row.action is CloseAction.CLOSE and row.at_us <= limit
        }
        items = [
            _as_of(item, as_of)
            for item in items
            if month_end(item.month) < today and f"{item.month:%Y-%m}" in closed
        ]
    return [item for item in items if not (open_only and item.done)]


def _as_of(item: ActionItem, as_of: datetime) -> ActionItem:
    if item.done_at is None or item.done_at <= as_of:
        return item
    return ActionItem(item.month, item.level, item.seq, item.text, item.owner, item.due, None)


def _recorded_us(now: datetime | None) -> int:
    """When revpact records a write: ``now`` as given, else the system clock."""
    return to_us(now if now is not None else datetime.now(UTC))


def complete_action(
    engine: Engine,
    month: str,
    level: int,
    seq: int,
    *,
    at: datetime,
    by: str | None = None,
    via: str = "cli",
    now: datetime | None = None,
    agreement: Agreement | None = None,
) -> ActionItem:
    """Mark an action item done at ``at`` (an item already done keeps its first mark).
    Refused when ``at`` is more than a year outside ``agreement``'s period (the faces pass the
    agreement file)."""
    key = f"{parse_month(month):%Y-%m}"
    at_us = to_us(at)
    with engine.begin() as conn:
        repo = AccountabilityRepository(conn)
        before = next(
            (r for r in repo.actions() if (r.month, r.level, r.seq) == (key, level, seq)), None
        )
        if before is not None and agreement is not None:
            check_claimed(agreement, at, "at")
        row = repo.mark_done(key, level, seq, at_us)
        if row is not None and before is not None and before.done_us is None:
            bump_revision(conn)
            record_write(
                conn,
                recorded_us=_recorded_us(now),
                actor=by.strip() if by and by.strip() else None,
                via=via,
                action="escalation.action_done",
                subject=f"action:{key}/{level}/{seq}",
                claimed_us=at_us,
                detail={"text": row.text, "owner": row.owner, "due": row.due},
            )
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


def _weeks(
    engine: Engine, months: list[MonthScore], today: date, as_of: datetime
) -> list[WeekReport]:
    with engine.connect() as conn:
        filed = AccountabilityRepository(conn).reports(as_of_us=to_us(as_of))
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
    return _weeks(engine, _finished(board, agreement, as_of), _today(agreement, as_of), as_of)


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
        actions=tuple(list_actions(engine, as_of=as_of, timezone=agreement.calendar.timezone)),
        weeks=tuple(_weeks(engine, months, _today(agreement, as_of), as_of)),
    )


def file_swat_report(
    engine: Engine,
    agreement: Agreement,
    *,
    week: str,
    path: Path,
    as_of: datetime,
    filed_by: str | None = None,
    via: str = "cli",
    now: datetime | None = None,
) -> FiledReport:
    """Store ``path`` (markdown) as the SWAT report of ``week``, filed at ``as_of``.

    Refused for a week no report is scheduled for, a week not begun, a file that cannot be
    read as UTF-8 text or is empty, and an ``as_of`` more than a year outside the agreement's
    period. Filing a week again adds a filing that supersedes the earlier one from its moment
    on; every filing is kept.
    """
    wanted = parse_week(week)
    check_claimed(agreement, as_of, "as_of")
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
        replaced = AccountabilityRepository(conn).put_report(
            row, body, recorded_us=_recorded_us(now)
        )
        bump_revision(conn)
        record_write(
            conn,
            recorded_us=_recorded_us(now),
            actor=filed_by,
            via=via,
            action="swat.report",
            subject=f"swat:{wanted}",
            claimed_us=row.filed_us,
            detail={"file_name": path.name, "sha256": digest, "replaced": replaced},
        )
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


def _leader(engine: Engine, agreement: Agreement, by: str, at: datetime) -> str:
    """``by`` as the roster spells it: a team leader (``leader: true``) of the version in force
    at ``at``; else refused, naming the leaders."""
    roster = governing_timeline(engine, agreement).at(at).agreement.signatories
    wanted = by.strip().casefold()
    leaders = [p for p in roster if p.leader]
    person = next((p for p in leaders if p.email.casefold() == wanted), None)
    if person is None:
        known = ", ".join(p.email for p in leaders) or "none (mark them leader: true)"
        listed = any(p.email.casefold() == wanted for p in roster)
        what = "is a signatory but not a team leader" if listed else "is not a signatory"
        raise RefusedError(
            f'"{by.strip()}" {what}; the team leaders split the reward pool (the agreement\'s '
            f"signatories with leader: true): {known}"
        )
    return person.email


def _split_of(row: SplitRow) -> SplitRecord:
    return SplitRecord(
        number=row.number,
        split={who: _money(amount) for who, amount in sorted(row.shares.items())},
        allocated_at=from_us(row.allocated_us),
        recorded_at=from_us(row.recorded_us),
        allocated_by=row.allocated_by,
        reason=row.reason,
    )


def _checked_split(
    engine: Engine, agreement: Agreement, month: str, shares: Mapping[str, Decimal], as_of: datetime
) -> tuple[date, Decimal, dict[str, Decimal]]:
    """The month, its pool and the split: the month is over, earned the pool, and the shares
    name recipients and add up to the pool."""
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
    return first, pool, split


def _record_split(
    engine: Engine,
    first: date,
    split: dict[str, Decimal],
    *,
    as_of: datetime,
    by: str,
    reason: str | None,
    via: str,
    now: datetime | None,
) -> SplitRecord:
    key = f"{first:%Y-%m}"
    at_us = to_us(as_of)
    shares = {who: _e4(who, amount) for who, amount in split.items()}
    with engine.begin() as conn:
        repo = AccountabilityRepository(conn)
        earlier = repo.splits(key)
        last = earlier[-1] if earlier else None
        if reason is None and last is not None:
            raise RefusedError(
                f"{key}'s pool was already split on {from_us(last.allocated_us):%Y-%m-%d}"
                + (f" by {last.allocated_by}" if last.allocated_by else "")
                + "; a recorded split is changed only by a correction: `revpact rewards "
                f"correct --month {key} --share NAME=AMOUNT ... --by EMAIL --reason TEXT`"
            )
        if reason is not None and last is None:
            raise RefusedError(
                f"{key}'s pool has not been split yet, so there is nothing to correct; record "
                f"the split with `revpact rewards allocate --month {key}`"
            )
        if last is not None and at_us < last.allocated_us:
            raise RefusedError(
                f"a correction of {key} cannot be dated {as_of.isoformat()}, before the split "
                f"it corrects ({from_us(last.allocated_us).isoformat()})"
            )
        number = 1 if last is None else last.number + 1
        recorded_us = _recorded_us(now)
        try:
            repo.add_split(
                month=key,
                number=number,
                shares=shares,
                allocated_us=at_us,
                recorded_us=recorded_us,
                allocated_by=by,
                reason=reason,
            )
        except IntegrityError:
            raise RefusedError(
                f"another split of {key} was recorded at the same moment; see `revpact "
                "rewards status` and correct the newest split"
            ) from None
        bump_revision(conn)
        record_write(
            conn,
            recorded_us=recorded_us,
            actor=by,
            via=via,
            action="reward.allocate" if reason is None else "reward.correct",
            subject=f"reward:{key}",
            claimed_us=at_us,
            detail={
                "number": number,
                "shares": {who: str(amount) for who, amount in split.items()},
                **({} if last is None else {"corrects": last.number, "reason": reason}),
            },
        )
    return SplitRecord(number, split, from_us(at_us), from_us(recorded_us), by, reason)


def allocate_reward(
    engine: Engine,
    agreement: Agreement,
    *,
    month: str,
    shares: Mapping[str, Decimal],
    as_of: datetime,
    by: str,
    via: str = "cli",
    now: datetime | None = None,
) -> MonthReward:
    """Record how the team leaders split ``month``'s pool, made at ``as_of`` by ``by`` (a team
    leader). Refused when the month already has a split: change it with
    :func:`correct_reward`."""
    check_claimed(agreement, as_of, "as_of")
    first, pool, split = _checked_split(engine, agreement, month, shares, as_of)
    who = _leader(engine, agreement, by, as_of)
    made = _record_split(engine, first, split, as_of=as_of, by=who, reason=None, via=via, now=now)
    return MonthReward(first, pool, split, made.allocated_at, who, (made,))


def correct_reward(
    engine: Engine,
    agreement: Agreement,
    *,
    month: str,
    shares: Mapping[str, Decimal],
    as_of: datetime,
    by: str,
    reason: str,
    via: str = "cli",
    now: datetime | None = None,
) -> MonthReward:
    """Correct ``month``'s recorded split: a new numbered split by ``by`` (a team leader) with
    ``reason``; the earlier splits stay on record."""
    why = reason.strip()
    if not why:
        raise RevpactError("a correction says why; give --reason (e.g. a recipient was missed)")
    check_claimed(agreement, as_of, "as_of")
    first, pool, split = _checked_split(engine, agreement, month, shares, as_of)
    who = _leader(engine, agreement, by, as_of)
    _record_split(engine, first, split, as_of=as_of, by=who, reason=why, via=via, now=now)
    status = reward_status(engine, agreement, as_of=as_of)
    found = next(m for m in status.months if m.month == first)
    return MonthReward(first, pool, split, found.allocated_at, who, found.history)


def reward_status(engine: Engine, agreement: Agreement, *, as_of: datetime) -> RewardStatus:
    """The finished months that earned the pool with their split as of ``as_of`` (the newest
    split made by then; every split made by then in ``history``), and the annual reward."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    limit = to_us(as_of)
    with engine.connect() as conn:
        recorded: dict[str, list[SplitRow]] = {}
        for row in AccountabilityRepository(conn).splits():
            if row.allocated_us <= limit:
                recorded.setdefault(row.month, []).append(row)
    months = []
    for score in _finished(board, agreement, as_of):
        if not score.reward.earned or score.reward.pool is None:
            continue
        history = tuple(_split_of(r) for r in recorded.get(f"{score.month:%Y-%m}", []))
        current = history[-1] if history else None
        months.append(
            MonthReward(
                month=score.month,
                pool=score.reward.pool,
                split=None if current is None else current.split,
                allocated_at=None if current is None else current.allocated_at,
                allocated_by=None if current is None else current.allocated_by,
                history=history,
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


def _split_json(split: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in split.items()}


def reward_status_to_json(status: RewardStatus) -> dict[str, object]:
    return {
        "months": [
            {
                "month": f"{m.month:%Y-%m}",
                "pool": str(m.pool),
                "split": None if m.split is None else _split_json(m.split),
                "allocated_at": _when(m.allocated_at),
                "allocated_by": m.allocated_by,
                "splits": [
                    {
                        "number": h.number,
                        "split": _split_json(h.split),
                        "allocated_at": _when(h.allocated_at),
                        "recorded_at": _when(h.recorded_at),
                        "allocated_by": h.allocated_by,
                        "reason": h.reason,
                    }
                    for h in m.history
                ],
            }
            for m in status.months
        ],
        "annual_reward": {"text": status.annual_text, "earned": status.annual_earned},
    }
