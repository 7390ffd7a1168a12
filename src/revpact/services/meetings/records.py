"""Records of meetings held: recording one (checked against the version in force when it was
held, and written to the audit trail) and reading them back.

Records are append-only. A correction is a new record that names the record it supersedes;
the superseded one stays on record but no longer counts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.model import Agreement, Cadence, Meeting, Signatory
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.meetings import check_minutes, parse_notes, the_meeting, why_not_held
from revpact.domain.versions import InForce
from revpact.errors import InputError, NotFoundError, RefusedError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.claimed import check_claimed
from revpact.store.audit import record_write
from revpact.store.meetings import MeetingRepository, MeetingRow

__all__ = [
    "MeetingRecord",
    "list_records",
    "record_meeting",
]


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{what} {moment.isoformat()} has no UTC offset; give one")
    return moment


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
    in_force: InForce = governing_timeline(engine, file_agreement).at(held_at)
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
