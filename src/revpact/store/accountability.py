"""The accountability repository: escalation action items, SWAT weekly reports, reward splits
(append-only: a change of a month's split is a new numbered split; the database refuses edits).

Like the other repositories, every method works on a :class:`~sqlalchemy.Connection` inside the
caller's transaction, and values cross this boundary as plain strings and integers: months as
``YYYY-MM``, weeks as ``YYYY-Www``, dates as ISO text, instants as epoch µs and amounts as
ten-thousandths (``amount_e4``). The service turns them into dates, datetimes and Decimals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, tuple_, update

from revpact.store.tables import escalation_actions, reward_splits, swat_report_filings

__all__ = [
    "AccountabilityRepository",
    "ActionRow",
    "ReportRow",
    "SplitRow",
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
class SplitRow:
    """One recorded split of a month's pool: ``number`` 1 is the first, later ones correct it."""

    split_id: int
    month: str
    number: int
    shares: Mapping[str, int]  # recipient -> amount_e4
    allocated_us: int
    recorded_us: int
    allocated_by: str | None
    reason: str | None


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

    def put_report(self, row: ReportRow, body: str, *, recorded_us: int) -> bool:
        """Add a filing of the week's report (earlier filings are kept); True when the week had
        been filed before."""
        t = swat_report_filings
        earlier = self._conn.execute(
            select(func.count()).select_from(t).where(t.c.week == row.week)
        ).scalar_one()
        self._conn.execute(
            insert(t).values(
                week=row.week,
                filed_us=row.filed_us,
                recorded_us=recorded_us,
                file_name=row.file_name,
                sha256=row.sha256,
                body=body,
                filed_by=row.filed_by,
            )
        )
        return int(earlier) > 0

    def reports(self, *, as_of_us: int | None = None) -> dict[str, ReportRow]:
        """Each week's report (without its body) as of ``as_of_us``: its latest filing dated by
        then (every filing when None), by week."""
        t = swat_report_filings
        query = select(t.c.week, t.c.filed_us, t.c.file_name, t.c.sha256, t.c.filed_by).order_by(
            t.c.filed_us, t.c.filing_id
        )
        if as_of_us is not None:
            query = query.where(t.c.filed_us <= as_of_us)
        return {row[0]: ReportRow(*row) for row in self._conn.execute(query)}

    # ------------------------------------------------------------------ reward splits

    def add_split(
        self,
        *,
        month: str,
        number: int,
        shares: Mapping[str, int],
        allocated_us: int,
        recorded_us: int,
        allocated_by: str | None,
        reason: str | None,
    ) -> int:
        """Append a split; the unique (month, number) index refuses a second split with the
        same number (``IntegrityError``), so two people correcting at once cannot fork it."""
        result = self._conn.execute(
            insert(reward_splits).values(
                month=month,
                number=number,
                shares=json.dumps(dict(shares), sort_keys=True),
                allocated_us=allocated_us,
                recorded_us=recorded_us,
                allocated_by=allocated_by,
                reason=reason,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def splits(self, month: str | None = None) -> list[SplitRow]:
        """Every recorded split (or one month's), by month and number."""
        t = reward_splits
        query = select(
            t.c.split_id,
            t.c.month,
            t.c.number,
            t.c.shares,
            t.c.allocated_us,
            t.c.recorded_us,
            t.c.allocated_by,
            t.c.reason,
        ).order_by(t.c.month, t.c.number)
        if month is not None:
            query = query.where(t.c.month == month)
        return [
            SplitRow(
                split_id=int(row.split_id),
                month=str(row.month),
                number=int(row.number),
                shares={str(k): int(v) for k, v in json.loads(row.shares).items()},
                allocated_us=int(row.allocated_us),
                recorded_us=int(row.recorded_us),
                allocated_by=row.allocated_by,
                reason=row.reason,
            )
            for row in self._conn.execute(query)
        ]
