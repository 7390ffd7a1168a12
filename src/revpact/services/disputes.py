"""Disputes: open one, name each side's representative, record the presentations, decide;
hear it again and decide again.

The rules are the domain's (:mod:`revpact.domain.disputes`); this module reads the records,
asks the rules, and appends. Every record is append-only: a decision is never edited; after a
recorded new hearing, a decision of the whole panel supersedes it. Who decides is fixed from
the agreement version in force when the dispute is opened (``conflict_resolution.members``).

Every write is a row of the audit trail in the same transaction (``dispute.open``,
``dispute.represent``, ``dispute.present``, ``dispute.hearing``, ``dispute.decide``). Read as
of ``T`` (:func:`get_dispute`, :func:`list_disputes`), a dispute shows only what had happened
by ``T``: opened, named, presented, reheard and decided by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.disputes import (
    Decision,
    Dispute,
    Hearing,
    NotADeciderError,
    Presentation,
    Representative,
    Terms,
    check_decision,
    check_email,
    check_hearing,
    check_presentation,
    check_representative,
    deciders_for,
    terms_of,
)
from revpact.domain.feedback import check_text, parse_side
from revpact.errors import NotFoundError, RefusedError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.claimed import check_claimed
from revpact.services.clock import recorded_at_us
from revpact.store.audit import record_write
from revpact.store.disputes import (
    DecisionRow,
    DisputeRepository,
    DisputeRow,
    HearingRow,
    PresentationRow,
    RepresentativeRow,
)

__all__ = [
    "Dispute",
    "NotADeciderError",
    "decide",
    "get_dispute",
    "list_disputes",
    "name_representative",
    "open_dispute",
    "record_presentation",
    "rehear",
]

_NEVER = 2**63 - 1


def _assemble(
    row: DisputeRow,
    representatives: list[RepresentativeRow],
    presentations: list[PresentationRow],
    decisions: list[DecisionRow],
    hearings: list[HearingRow],
    as_of_us: int = _NEVER,
) -> Dispute:
    """The dispute as it stood at ``as_of_us``: only what was named, presented, reheard and
    decided by then."""
    representatives = [r for r in representatives if r.named_us <= as_of_us]
    presentations = [p for p in presentations if p.recorded_us <= as_of_us]
    decisions = [d for d in decisions if d.decided_us <= as_of_us]
    hearings = [h for h in hearings if h.held_us <= as_of_us]
    return Dispute(
        id=row.dispute_id,
        topic=row.topic,
        raised_by=row.raised_by,
        opened_us=row.opened_us,
        terms=Terms(row.mode, row.deciders, row.presentation_s, row.binding),
        version_hash=row.version_hash,
        representatives=tuple(
            Representative(parse_side(r.team, "team"), r.member, r.named_us)
            for r in representatives
        ),
        presentations=tuple(
            Presentation(
                p.presentation_id,
                parse_side(p.team, "team"),
                p.presenter,
                p.seconds,
                p.recorded_us,
            )
            for p in presentations
        ),
        decisions=tuple(
            Decision(
                d.decision_id,
                d.number,
                d.decision,
                d.decided_by,
                d.decided_us,
                d.supersedes,
                d.deciders or (),
                d.hearing_id,
            )
            for d in decisions
        ),
        hearings=tuple(
            Hearing(h.hearing_id, h.held_us, h.attendees, h.reason, h.recorded_by) for h in hearings
        ),
    )


def _load(conn: Connection, dispute_id: int, as_of_us: int = _NEVER) -> Dispute:
    repo = DisputeRepository(conn)
    row = repo.get(dispute_id)
    if row is None:
        raise NotFoundError(f"no dispute {dispute_id}")
    if row.opened_us > as_of_us:
        raise NotFoundError(
            f"dispute {dispute_id} was opened at {from_us(row.opened_us).isoformat()}, after "
            f"{from_us(as_of_us).isoformat()}"
        )
    return _assemble(
        row,
        repo.representatives(dispute_id),
        repo.presentations(dispute_id),
        repo.decisions(dispute_id),
        repo.hearings(dispute_id),
        as_of_us,
    )


def _limit(as_of: datetime | None) -> int:
    return _NEVER if as_of is None else to_us(as_of)


def get_dispute(engine: Engine, dispute_id: int, *, as_of: datetime | None = None) -> Dispute:
    """One dispute with its hearings and its chain of decisions, as of ``as_of`` (default:
    everything recorded). NotFoundError when it was opened after ``as_of``."""
    with engine.connect() as conn:
        return _load(conn, dispute_id, _limit(as_of))


def list_disputes(engine: Engine, *, as_of: datetime | None = None) -> list[Dispute]:
    """Every dispute opened by ``as_of`` (default: every one), oldest first, as of then."""
    limit = _limit(as_of)
    with engine.connect() as conn:
        repo = DisputeRepository(conn)
        rows = [r for r in repo.all() if r.opened_us <= limit]
        reps, talks = repo.representatives(), repo.presentations()
        decided, heard = repo.decisions(), repo.hearings()
    return [
        _assemble(
            row,
            [r for r in reps if r.dispute_id == row.dispute_id],
            [p for p in talks if p.dispute_id == row.dispute_id],
            [d for d in decided if d.dispute_id == row.dispute_id],
            [h for h in heard if h.dispute_id == row.dispute_id],
            limit,
        )
        for row in rows
    ]


def open_dispute(
    engine: Engine,
    file_agreement: Agreement,
    *,
    topic: str,
    raised_by: str,
    at: datetime,
    via: str = "cli",
    now: datetime | None = None,
) -> Dispute:
    """Take a conflict to the panel (or the sole arbiter) at ``at``, under the terms of the
    agreement version in force then."""
    subject = check_text(topic, "topic")
    who = check_email(raised_by, "raised_by")
    check_claimed(file_agreement, at, "at")
    in_force = governing_timeline(engine, file_agreement).at(at)
    terms = terms_of(in_force.agreement.conflict_resolution)
    with engine.begin() as conn:
        dispute_id = DisputeRepository(conn).add(
            topic=subject,
            raised_by=who,
            opened_us=to_us(at),
            mode=terms.mode,
            deciders=terms.deciders,
            presentation_s=terms.presentation_seconds,
            binding=terms.binding,
            version_hash=in_force.hash,
        )
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=who,
            via=via,
            action="dispute.open",
            subject=f"dispute:{dispute_id}",
            claimed_us=to_us(at),
            detail={"mode": terms.mode, "deciders": list(terms.deciders)},
        )
        return _load(conn, dispute_id)


def name_representative(
    engine: Engine,
    file_agreement: Agreement,
    dispute_id: int,
    *,
    team: str,
    member: str,
    at: datetime,
    via: str = "cli",
    now: datetime | None = None,
) -> Dispute:
    """``member`` represents ``team`` in the dispute (each team names one, once)."""
    side = parse_side(team, "team")
    who = check_email(member, "member")
    roster = governing_timeline(engine, file_agreement).at(at).agreement.signatories
    at_us = to_us(at)
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
        check_claimed(file_agreement, at, "at")
        check_representative(dispute, side, who, at_us, roster)
        person = next((p for p in roster if p.email.casefold() == who.casefold()), None)
        row = RepresentativeRow(dispute_id, side.value, person.email if person else who, at_us)
        try:
            DisputeRepository(conn).add_representative(row)
        except IntegrityError:
            raise RefusedError(
                f"{side} named its representative in dispute {dispute_id} at the same moment"
            ) from None
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=None,
            via=via,
            action="dispute.represent",
            subject=f"dispute:{dispute_id}",
            claimed_us=at_us,
            detail={"team": side.value, "member": row.member},
        )
        return _load(conn, dispute_id)


def record_presentation(
    engine: Engine,
    dispute_id: int,
    *,
    team: str,
    minutes: int,
    at: datetime,
    via: str = "cli",
    now: datetime | None = None,
    agreement: Agreement | None = None,
) -> Dispute:
    """``team``'s representative presented for ``minutes``. An overrun of the time-box is
    recorded and flagged (:meth:`Presentation.over_by`), not refused. Refused when ``at`` is
    more than a year outside ``agreement``'s period (the faces pass the agreement file)."""
    side = parse_side(team, "team")
    at_us = to_us(at)
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
        if agreement is not None:
            check_claimed(agreement, at, "at")
        presenter = check_presentation(dispute, side, minutes, at_us)
        try:
            DisputeRepository(conn).add_presentation(
                dispute_id=dispute_id,
                team=side.value,
                presenter=presenter,
                seconds=minutes * 60,
                recorded_us=at_us,
            )
        except IntegrityError:
            raise RefusedError(
                f"{side}'s presentation in dispute {dispute_id} was recorded at the same moment"
            ) from None
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=None,
            via=via,
            action="dispute.present",
            subject=f"dispute:{dispute_id}",
            claimed_us=at_us,
            detail={"team": side.value, "presenter": presenter, "seconds": minutes * 60},
        )
        return _load(conn, dispute_id)


def rehear(
    engine: Engine,
    dispute_id: int,
    *,
    attendees: Sequence[str],
    reason: str,
    at: datetime,
    by: str | None = None,
    via: str = "cli",
    now: datetime | None = None,
    agreement: Agreement | None = None,
) -> Dispute:
    """Record a new hearing of a decided dispute held at ``at``: who attended and why it is
    heard again. Only after one may the panel supersede its decision. Refused when ``at`` is
    more than a year outside ``agreement``'s period (the faces pass the agreement file)."""
    why = check_text(reason, "reason")
    people = [check_email(a, "attendee") for a in attendees if a.strip()]
    recorder = None if by is None or not by.strip() else check_email(by, "by")
    at_us = to_us(at)
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
        if agreement is not None:
            check_claimed(agreement, at, "at")
        present = check_hearing(dispute, attendees=people, reason=why, at_us=at_us)
        recorded_us = recorded_at_us(now)
        hearing_id = DisputeRepository(conn).add_hearing(
            dispute_id=dispute_id,
            held_us=at_us,
            attendees=present,
            reason=why,
            recorded_by=recorder,
            recorded_us=recorded_us,
        )
        record_write(
            conn,
            recorded_us=recorded_us,
            actor=recorder,
            via=via,
            action="dispute.hearing",
            subject=f"dispute:{dispute_id}",
            claimed_us=at_us,
            detail={"hearing": hearing_id, "attendees": list(present), "reason": why},
        )
        return _load(conn, dispute_id)


def decide(
    engine: Engine,
    file_agreement: Agreement,
    dispute_id: int,
    *,
    decision: str,
    by: Sequence[str],
    supersedes: int | None,
    at: datetime,
    via: str = "cli",
    now: datetime | None = None,
) -> Dispute:
    """Record a binding decision made by the deciders ``by`` — all of the dispute's deciders
    (else refused; someone who is not a decider: :class:`NotADeciderError`). The first of
    ``by`` is recorded as who entered it. A later decision follows a new hearing
    (:func:`rehear`) and names the current one in ``supersedes``."""
    text = check_text(decision, "decision")
    at_us = to_us(at)
    with engine.connect() as conn:
        before = _load(conn, dispute_id)
    check_claimed(file_agreement, at, "at")
    members_now: tuple[str, ...] = ()
    if not before.terms.deciders:
        agreement = governing_timeline(engine, file_agreement).at(at).agreement
        members_now = agreement.conflict_resolution.members
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
        deciders = deciders_for(dispute, members_now)
        number, made_by, hearing_id = check_decision(
            dispute, deciders=deciders, by=by, supersedes=supersedes, at_us=at_us
        )
        first = next(b for b in by if b.strip()).strip().casefold()
        recorder = next(d for d in made_by if d.casefold() == first)
        try:
            decision_id = DisputeRepository(conn).add_decision(
                dispute_id=dispute_id,
                number=number,
                decision=text,
                decided_by=recorder,
                decided_us=at_us,
                supersedes=supersedes,
                deciders=made_by,
                hearing_id=hearing_id,
            )
        except IntegrityError:
            raise RefusedError(
                f"another decision of dispute {dispute_id} was recorded at the same moment; "
                f"read it with `revpact dispute show {dispute_id}`"
            ) from None
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=recorder,
            via=via,
            action="dispute.decide",
            subject=f"dispute:{dispute_id}",
            claimed_us=at_us,
            detail={
                "decision": decision_id,
                "number": number,
                "deciders": list(made_by),
                "supersedes": supersedes,
                "hearing": hearing_id,
            },
        )
        return _load(conn, dispute_id)
