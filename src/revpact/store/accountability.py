"""The accountability repository: escalation action items, SWAT weekly reports, reward splits.

Like the other repositories, every method works on a :class:`~sqlalchemy.Connection` inside the
caller's transaction, and values cross this boundary as plain strings and integers: months as
``YYYY-MM``, weeks as ``YYYY-Www``, dates as ISO text, instants as epoch µs and amounts as
ten-thousandths (``amount_e4``). The service turns them into dates, datetimes and Decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, tuple_, update

from revpact.store.tables import escalation_actions, reward_allocations, swat_reports

__all__ = [
    "AccountabilityRepository",
    "ActionRow",
    "AllocationRow",
    "ReportRow",
]


@dataclass(frozen=True)
class ActionRow:
    month: str
    level: int
    seq: int
    text: str
    owner: str
    due: str
    done_us: int | None


@dataclass(frozen=True)
class ReportRow:
    week: str
    filed_us: int
    file_name: str
    sha256: str
    filed_by: str | None


@dataclass(frozen=True)
class AllocationRow:
    month: str
    recipient: str
    amount_e4: int
    allocated_us: int


class AccountabilityRepository:
    """Action items, reports and reward splits in the database reached through ``conn``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ------------------------------------------------------------------ action items

    def add_missing_actions(self, rows: Sequence[ActionRow]) -> list[ActionRow]:
        """Insert the rows whose (month, level, seq) is not stored yet; return those inserted.

        A stored row is never changed, so recording the same actions again is a no-op.
        """
        if not rows:
            return []
        t = escalation_actions
        keys = [(r.month, r.level, r.seq) for r in rows]
        stored = {
            (m, lv, s)
            for m, lv, s in self._conn.execute(
                select(t.c.month, t.c.level, t.c.seq).where(
                    tuple_(t.c.month, t.c.level, t.c.seq).in_(keys)
                )
            )
        }
        new = [r for r in rows if (r.month, r.level, r.seq) not in stored]
        if new:
            self._conn.execute(
                insert(t),
                [
                    {
                        "month": r.month,
                        "level": r.level,
                        "seq": r.seq,
                        "text": r.text,
                        "owner": r.owner,
                        "due": r.due,
                        "done_us": r.done_us,
                    }
                    for r in new
                ],
            )
        return new

    def actions(self, *, open_only: bool = False) -> list[ActionRow]:
        """Every recorded action item (or only those not done), by month, level and seq."""
        t = escalation_actions
        query = select(t.c.month, t.c.level, t.c.seq, t.c.text, t.c.owner, t.c.due, t.c.done_us)
        if open_only:
            query = query.where(t.c.done_us.is_(None))
        rows = self._conn.execute(query.order_by(t.c.month, t.c.level, t.c.seq))
        return [ActionRow(*row) for row in rows]

    def mark_done(self, month: str, level: int, seq: int, done_us: int) -> ActionRow | None:
        """Set ``done_us`` of an action item not yet done; the item (None if there is none)."""
        t = escalation_actions
        key = (t.c.month == month) & (t.c.level == level) & (t.c.seq == seq)
        self._conn.execute(update(t).where(key & t.c.done_us.is_(None)).values(done_us=done_us))
        row = self._conn.execute(
            select(t.c.month, t.c.level, t.c.seq, t.c.text, t.c.owner, t.c.due, t.c.done_us).where(
                key
            )
        ).first()
        return None if row is None else ActionRow(*row)

    # ------------------------------------------------------------------ SWAT reports

    def put_report(self, row: ReportRow, body: str) -> bool:
        """Store the week's report, replacing one filed before; True when it replaced one."""
        t = swat_reports
        replaced = self._conn.execute(delete(t).where(t.c.week == row.week)).rowcount > 0
        self._conn.execute(
            insert(t).values(
                week=row.week,
                filed_us=row.filed_us,
                file_name=row.file_name,
                sha256=row.sha256,
                body=body,
                filed_by=row.filed_by,
            )
        )
        return replaced

    def reports(self) -> dict[str, ReportRow]:
        """Every filed report (without its body), by week."""
        t = swat_reports
        rows = self._conn.execute(
            select(t.c.week, t.c.filed_us, t.c.file_name, t.c.sha256, t.c.filed_by)
        )
        return {row[0]: ReportRow(*row) for row in rows}

    def report_body(self, week: str) -> str | None:
        t = swat_reports
        body = self._conn.execute(select(t.c.body).where(t.c.week == week)).scalar()
        return None if body is None else str(body)

    # ------------------------------------------------------------------ reward splits

    def replace_allocation(self, month: str, rows: Iterable[AllocationRow]) -> None:
        """Make ``rows`` the month's split, dropping any split recorded before."""
        t = reward_allocations
        self._conn.execute(delete(t).where(t.c.month == month))
        values = [
            {
                "month": r.month,
                "recipient": r.recipient,
                "amount_e4": r.amount_e4,
                "allocated_us": r.allocated_us,
            }
            for r in rows
        ]
        if values:
            self._conn.execute(insert(t), values)

    def allocations(self) -> dict[str, list[AllocationRow]]:
        """Every recorded split, by month; recipients in name order."""
        t = reward_allocations
        found: dict[str, list[AllocationRow]] = {}
        rows = self._conn.execute(
            select(t.c.month, t.c.recipient, t.c.amount_e4, t.c.allocated_us).order_by(
                t.c.month, t.c.recipient
            )
        )
        for row in rows:
            found.setdefault(row[0], []).append(AllocationRow(*row))
        return found
