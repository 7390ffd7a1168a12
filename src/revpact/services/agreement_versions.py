"""Publishing, signing and the state of the agreement's versions (the living document).

The rules are the domain's (:mod:`revpact.domain.versions`); this module reads and appends the
records. The log of publications and signatures only moves forward in time: a record dated
(``at``) before the newest one already stored is refused, so what was in force at any moment
the log already covers can never change after the fact.

Who acts: a signature is given by a signatory of the version's roster (the CLI has no login, so
``--as`` must name one; over the API, the token's member signs). Every publication and
signature is also a row of the audit trail (``agreement.publish``, ``agreement.sign``): who,
through what (``via``: ``cli``, ``token:<id>``, ``demo``), when claimed (``at``) and when
recorded (``now``).
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.model import Agreement, Signatory
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.versions import (
    AgreementTimeline,
    Change,
    SignatureRecord,
    VersionRecord,
    VersionState,
    canonical_json,
    diff,
    required_signatories,
    timeline_of,
    version_hash,
    version_states,
)
from revpact.errors import NotFoundError, RefusedError, StoreError
from revpact.ingest.agreement_file import parse_agreement
from revpact.store.audit import record_write
from revpact.store.month_closes import CloseAction, MonthCloseRepository
from revpact.store.revision import bump_revision, write_marks
from revpact.store.versions import SignatureRow, VersionRepository, VersionRow

__all__ = [
    "AgreementStatus",
    "Governing",
    "Published",
    "Signed",
    "changes_between",
    "governing_in",
    "governing_timeline",
    "publish",
    "resolve_version",
    "sign",
    "signatures_of",
    "sla_fingerprint",
    "status",
    "versions",
]


@functools.lru_cache(maxsize=64)
def _parsed(source: str, expected_hash: str) -> Agreement:
    agreement = parse_agreement(source, "published version")
    if version_hash(agreement) != expected_hash:
        raise StoreError(
            f"the stored version {expected_hash[:12]} no longer hashes to its id; "
            "the store was changed outside revpact"
        )
    return agreement


def _record(row: VersionRow) -> VersionRecord:
    return VersionRecord(
        number=row.number,
        hash=row.hash,
        published_us=row.published_us,
        agreement=_parsed(row.source, row.hash),
        published_by=row.published_by,
    )


def _signature(row: SignatureRow) -> SignatureRecord:
    return SignatureRecord(row.version_hash, row.email, row.name, row.signed_us, row.via)


def _load(engine: Engine) -> tuple[list[VersionRecord], list[SignatureRecord]]:
    with engine.connect() as conn:
        repo = VersionRepository(conn)
        return [_record(r) for r in repo.all()], [_signature(s) for s in repo.signatures()]


def versions(engine: Engine) -> list[VersionRecord]:
    """Every published version, oldest first."""
    return _load(engine)[0]


def governing_timeline(engine: Engine, fallback: Agreement) -> AgreementTimeline:
    """Which agreement governed each instant: the versions in force, or — while no version
    has come into force — ``fallback`` (the agreement file) for everything."""
    with engine.connect() as conn:
        return governing_in(conn, fallback, write_marks(conn).versions_log).timeline


@dataclass(frozen=True)
class Governing:
    """A store's governing timeline and its fingerprint (what every stored deadline is under
    once they are current)."""

    timeline: AgreementTimeline
    fingerprint: str


_CACHED: Final = 8  # log positions and agreement files remembered per store
_governing: weakref.WeakKeyDictionary[Engine, dict[tuple[object, ...], Governing]] = (
    weakref.WeakKeyDictionary()
)
_governing_lock = threading.Lock()


def governing_in(
    conn: Connection, fallback: Agreement, versions_log: tuple[object, ...]
) -> Governing:
    """:func:`governing_timeline` through ``conn``, whose store's log of versions and
    signatures stands at ``versions_log`` (:func:`~revpact.store.revision.write_marks`, read
    in ``conn``'s transaction). The log only grows, so its position names its content: the
    timeline is read and built once per position (and agreement file), not on every write."""
    key = (versions_log, id(fallback))
    with _governing_lock:
        known = _governing.setdefault(conn.engine, {})
        found = known.get(key)
    if found is not None:
        return found
    repo = VersionRepository(conn)
    records = [_record(r) for r in repo.all()]
    sigs = [_signature(s) for s in repo.signatures()]
    timeline = (timeline_of(records, sigs) if records else None) or AgreementTimeline.unpublished(
        fallback
    )
    governing = Governing(timeline, timeline.fingerprint())
    with _governing_lock:
        if len(known) >= _CACHED:
            known.clear()
        known[key] = governing
    return governing


_fingerprints: dict[int, tuple[Agreement, str]] = {}


def sla_fingerprint(agreement: Agreement) -> str:
    """``agreement.sla_fingerprint()``, computed once per agreement object (an agreement is
    immutable; the server holds one until its file changes)."""
    found = _fingerprints.get(id(agreement))
    if found is not None and found[0] is agreement:
        return found[1]
    fingerprint = agreement.sla_fingerprint()
    if len(_fingerprints) >= _CACHED:
        _fingerprints.clear()
    _fingerprints[id(agreement)] = (agreement, fingerprint)
    return fingerprint


_NUMBER = re.compile(r"v?(\d+)", re.IGNORECASE)
_HASH = re.compile(r"[0-9a-f]{4,64}")


def resolve_version(found: list[VersionRecord], ref: str) -> VersionRecord:
    """The version ``ref`` names: ``v2`` or ``2``, ``latest``, or a hash (or its first 4+
    characters)."""
    text = ref.strip()
    if not found:
        raise NotFoundError("no version has been published yet; run `revpact agreement publish`")
    if text.lower() == "latest":
        return found[-1]
    number = _NUMBER.fullmatch(text)
    if number:
        for version in found:
            if version.number == int(number[1]):
                return version
    if _HASH.fullmatch(text.lower()):
        matches = [v for v in found if v.hash.startswith(text.lower())]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFoundError(f'"{ref}" starts the hash of several versions; give more of it')
    known = ", ".join(v.label for v in found)
    raise NotFoundError(f'no version "{ref}"; published: {known}')


def changes_between(
    engine: Engine, old: str, new: str
) -> tuple[VersionRecord, VersionRecord, list[Change]]:
    """The two versions named and what changed from the first to the second."""
    found = versions(engine)
    before, after = resolve_version(found, old), resolve_version(found, new)
    return before, after, diff(before.agreement, after.agreement)


def _check_moment(
    conn: Connection, repo: VersionRepository, at: datetime, now: datetime, what: str, *, zone: str
) -> int:
    at_us = to_us(at)
    if at_us > to_us(now):
        raise RefusedError(f"{what} cannot be dated in the future ({at.isoformat()})")
    latest = repo.latest_us()
    if latest is not None and at_us < latest:
        raise RefusedError(
            f"{what} cannot be dated {at.isoformat()}, before the newest record of the "
            f"agreement's log ({from_us(latest).isoformat()}); the log only moves forward"
        )
    _refuse_rewriting_closed_months(conn, at_us, zone, what, at)
    return at_us


def _refuse_rewriting_closed_months(
    conn: Connection, at_us: int, zone: str, what: str, at: datetime
) -> None:
    """A version that came into force at ``at`` would govern every month starting after it: so
    neither its publication nor a signature may be dated before the start of a closed month
    (an amendment never changes a closed month; reopening it first is how one would)."""
    closed = sorted(
        key
        for key, row in MonthCloseRepository(conn).latest().items()
        if row.action is CloseAction.CLOSE
    )
    tz = ZoneInfo(zone)
    for key in closed:
        year, month = map(int, key.split("-"))
        if to_us(datetime(year, month, 1, tzinfo=tz)) >= at_us:
            raise RefusedError(
                f"{what} dated {at.isoformat()} would bring a version into force before "
                f"{key} began, and {key} is closed: an amendment never changes a closed month. "
                f"Date it later, or reopen {key} first (revpact month reopen {key} --by EMAIL "
                "--reason TEXT) and close it again afterwards"
            )


@dataclass(frozen=True)
class Published:
    version: VersionRecord
    created: bool  # False: this content was already the latest version
    previous: VersionRecord | None
    changes: list[Change]


def publish(
    engine: Engine,
    agreement: Agreement,
    source: str,
    *,
    at: datetime,
    now: datetime,
    by: str | None = None,
    via: str = "cli",
) -> Published:
    """Store ``agreement`` (validated, with the YAML ``source`` it came from) as a new version.

    Publishing the content of the latest version again changes nothing; the content of an
    older version is refused (it keeps its number and signatures; amend it instead).
    """
    digest = version_hash(agreement)
    with engine.begin() as conn:
        repo = VersionRepository(conn)
        rows = repo.all()
        previous = _record(rows[-1]) if rows else None
        existing = next((r for r in rows if r.hash == digest), None)
        if existing is not None:
            if previous is not None and existing.hash == previous.hash:
                return Published(previous, False, previous, [])
            raise RefusedError(
                f"this content is v{existing.number} ({digest[:12]}), which v{rows[-1].number} "
                "replaced; a version is published once — to return to it, publish it with a "
                "change that says so (e.g. in its title)"
            )
        at_us = _check_moment(
            conn, repo, at, now, "a publication", zone=agreement.calendar.timezone
        )
        row = VersionRow(
            hash=digest,
            number=(rows[-1].number + 1) if rows else 1,
            canonical=canonical_json(agreement),
            source=source,
            published_us=at_us,
            published_by=by,
        )
        try:
            repo.add(row)
        except IntegrityError:
            raise RefusedError(
                "another version was published at the same moment; look again with "
                "`revpact agreement status`"
            ) from None
        bump_revision(conn)
        record_write(
            conn,
            recorded_us=to_us(now),
            actor=by,
            via=via,
            action="agreement.publish",
            subject=f"version:{row.number}",
            claimed_us=at_us,
            detail={"hash": digest, "number": row.number},
        )
    version = _record(row)
    changes = diff(previous.agreement, agreement) if previous else []
    return Published(version, True, previous, changes)


@dataclass(frozen=True)
class Signed:
    version: VersionRecord
    signatory: Signatory
    signed_us: int
    in_force: bool  # the version is now fully signed


def _signatory(agreement: Agreement, email: str) -> Signatory | None:
    wanted = email.strip().casefold()
    return next((p for p in agreement.signatories if p.email.casefold() == wanted), None)


def sign(
    engine: Engine,
    email: str,
    *,
    version: str | None,
    at: datetime,
    now: datetime,
    via: str,
) -> Signed:
    """Record ``email``'s signature of the latest version (``version``, when given, must name
    it). Refused for an old version, someone not on its roster, or a second signature."""
    with engine.begin() as conn:
        repo = VersionRepository(conn)
        found = [_record(r) for r in repo.all()]
        if not found:
            raise RefusedError("no version has been published yet; nothing to sign")
        latest = found[-1]
        target = latest if version is None else resolve_version(found, version)
        if target.hash != latest.hash:
            raise RefusedError(
                f"{target.label} is not the latest version: {latest.label} replaced it on "
                f"{from_us(latest.published_us):%Y-%m-%d}; read its changes with `revpact "
                f"agreement diff v{target.number} v{latest.number}` and sign that"
            )
        person = _signatory(target.agreement, email)
        if person is None:
            raise RefusedError(
                f"{email} is not a signatory of {target.label}; the roster is the agreement's "
                "signatories"
            )
        sigs = [_signature(s) for s in repo.signatures()]
        mine = next(
            (
                s
                for s in sigs
                if s.version_hash == target.hash and s.email.casefold() == person.email.casefold()
            ),
            None,
        )
        if mine is not None:
            raise RefusedError(
                f"{person.name} <{person.email}> already signed {target.label} on "
                f"{from_us(mine.signed_us).isoformat()}; a signature is given once"
            )
        at_us = _check_moment(
            conn, repo, at, now, "a signature", zone=target.agreement.calendar.timezone
        )
        row = SignatureRow(target.hash, person.email, person.name, at_us, via)
        try:
            repo.sign(row)
        except IntegrityError:
            raise RefusedError(f"{person.email} already signed {target.label}") from None
        bump_revision(conn)
        record_write(
            conn,
            recorded_us=to_us(now),
            actor=person.email,
            via=via,
            action="agreement.sign",
            subject=f"version:{target.number}",
            claimed_us=at_us,
            detail={"hash": target.hash, "name": person.name},
        )
        sigs.append(_signature(row))
    state = next(s for s in version_states(found, sigs) if s.version.hash == target.hash)
    return Signed(target, person, at_us, state.in_force_from_us is not None)


@dataclass(frozen=True)
class SignerState:
    signatory: Signatory
    required: bool
    signed_us: int | None
    via: str | None


@dataclass(frozen=True)
class AgreementStatus:
    versions: list[VersionState]
    in_force: VersionRecord | None  # at ``now``
    latest: VersionRecord | None
    signers: list[SignerState]  # the latest version's roster
    changes_since_in_force: list[Change]  # what signers of the latest version are agreeing to

    @property
    def pending(self) -> bool:
        """The latest version is not (yet) the one in force."""
        return self.latest is not None and (
            self.in_force is None or self.in_force.hash != self.latest.hash
        )


def status(engine: Engine, *, now: datetime) -> AgreementStatus:
    """Which version is in force at ``now``, and who has and has not signed the latest."""
    found, sigs = _load(engine)
    states = version_states(found, sigs)
    now_us = to_us(now)
    in_force = None
    for state in states:
        start, until = state.in_force_from_us, state.in_force_until_us
        if start is not None and start <= now_us and (until is None or now_us < until):
            in_force = state.version
    latest = found[-1] if found else None
    signers: list[SignerState] = []
    changes: list[Change] = []
    if latest is not None:
        required = {p.email.casefold() for p in required_signatories(latest.agreement)}
        signed = {s.email.casefold(): s for s in sigs if s.version_hash == latest.hash}
        for person in latest.agreement.signatories:
            mine = signed.get(person.email.casefold())
            signers.append(
                SignerState(
                    person,
                    person.email.casefold() in required,
                    None if mine is None else mine.signed_us,
                    None if mine is None else mine.via,
                )
            )
        base = in_force if in_force is not None else (found[-2] if len(found) > 1 else None)
        if base is not None and base.hash != latest.hash:
            changes = diff(base.agreement, latest.agreement)
    return AgreementStatus(states, in_force, latest, signers, changes)


def signatures_of(engine: Engine, version: VersionRecord) -> list[SignatureRecord]:
    """The signatures given to ``version``, in the order they were given."""
    return [s for s in _load(engine)[1] if s.version_hash == version.hash]
