"""Escalation: the action items of every finished month that entered a level (recorded, listed,
marked done) and the SWAT team's weekly reports (scheduled, filed)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from revpact.domain.agreement.accountability import Owner
from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.scoreboard.facts import month_end
from revpact.domain.scoreboard.year import MonthScore
from revpact.errors import RevpactError
from revpact.services.accountability.model import (
    ActionItem,
    EscalationStatus,
    FiledReport,
    WeekReport,
    parse_month,
    parse_week,
)
from revpact.services.accountability.timing import finished_months
from revpact.services.claimed import check_claimed
from revpact.services.clock import recorded_at_us
from revpact.services.scoreboard import year_scoreboard
from revpact.store.accountability import AccountabilityRepository, ActionRow, ReportRow
from revpact.store.audit import record_write
from revpact.store.month_closes import CloseAction, MonthCloseRepository
from revpact.store.revision import bump_revision

__all__ = [
    "complete_action",
    "escalation_status",
    "file_swat_report",
    "list_actions",
    "swat_status",
    "sync_escalation",
]


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
    return _record(engine, finished_months(board, agreement, as_of))


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
                recorded_us=recorded_at_us(now),
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
    return _weeks(engine, finished_months(board, agreement, as_of), _today(agreement, as_of), as_of)


def escalation_status(engine: Engine, agreement: Agreement, *, as_of: datetime) -> EscalationStatus:
    """Record what is due (:func:`sync_escalation`), then the whole picture in one value."""
    board = year_scoreboard(engine, agreement, as_of=as_of)
    months = finished_months(board, agreement, as_of)
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
            row, body, recorded_us=recorded_at_us(now)
        )
        bump_revision(conn)
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=filed_by,
            via=via,
            action="swat.report",
            subject=f"swat:{wanted}",
            claimed_us=row.filed_us,
            detail={"file_name": path.name, "sha256": digest, "replaced": replaced},
        )
    return FiledReport(wanted, path.name, digest, from_us(row.filed_us), replaced)
