"""Meetings held, in the database: appended, never changed (the table's triggers refuse it).

Values cross this boundary as plain strings and integers: instants as epoch µs (UTC), the
attendees as a JSON list and the minutes as a JSON object, both as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from revpact.store.tables import meetings_held

__all__ = ["MeetingRepository", "MeetingRow"]


@dataclass(frozen=True)
class MeetingRow:
    record_id: int
    meeting_id: str
    cadence: str
    held_us: int
    attendees: str  # JSON list of e-mails
    minutes: str  # JSON object: part key -> text
    recorded_us: int
    recorded_by: str | None
    version_hash: str | None
    supersedes: int | None
    duration_s: int | None = None  # how long it lasted; None: not recorded (older records)


_COLUMNS = (
    meetings_held.c.record_id,
    meetings_held.c.meeting_id,
    meetings_held.c.cadence,
    meetings_held.c.held_us,
    meetings_held.c.attendees,
    meetings_held.c.minutes,
    meetings_held.c.recorded_us,
    meetings_held.c.recorded_by,
    meetings_held.c.version_hash,
    meetings_held.c.supersedes,
    meetings_held.c.duration_s,
)


class MeetingRepository:
    """Meetings held, reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self,
        *,
        meeting_id: str,
        cadence: str,
        held_us: int,
        attendees: str,
        minutes: str,
        recorded_us: int,
        recorded_by: str | None,
        version_hash: str | None,
        supersedes: int | None,
        duration_s: int | None,
    ) -> MeetingRow:
        result = self._conn.execute(
            insert(meetings_held).values(
                meeting_id=meeting_id,
                cadence=cadence,
                held_us=held_us,
                attendees=attendees,
                minutes=minutes,
                recorded_us=recorded_us,
                recorded_by=recorded_by,
                version_hash=version_hash,
                supersedes=supersedes,
                duration_s=duration_s,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return MeetingRow(
            int(key[0]),
            meeting_id,
            cadence,
            held_us,
            attendees,
            minutes,
            recorded_us,
            recorded_by,
            version_hash,
            supersedes,
            duration_s,
        )

    def get(self, record_id: int) -> MeetingRow | None:
        row = self._conn.execute(
            select(*_COLUMNS).where(meetings_held.c.record_id == record_id)
        ).one_or_none()
        return None if row is None else MeetingRow(*tuple(row))

    def all(self, *, meeting_id: str | None = None) -> list[MeetingRow]:
        """Every record (or one meeting's), by the time held, then in the order recorded."""
        query = select(*_COLUMNS)
        if meeting_id is not None:
            query = query.where(meetings_held.c.meeting_id == meeting_id)
        query = query.order_by(meetings_held.c.held_us, meetings_held.c.record_id)
        return [MeetingRow(*tuple(row)) for row in self._conn.execute(query).all()]

    def superseded_by(self, record_id: int) -> int | None:
        """The record that corrects ``record_id`` (None: it stands)."""
        found = self._conn.execute(
            select(meetings_held.c.record_id)
            .where(meetings_held.c.supersedes == record_id)
            .order_by(meetings_held.c.record_id)
            .limit(1)
        ).scalar_one_or_none()
        return None if found is None else int(found)
