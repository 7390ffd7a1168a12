"""Disputes: open one, name each side's representative, record the presentations, decide.

The rules are the domain's (:mod:`revpact.domain.disputes`); this module reads the records,
asks the rules, and appends. Every record is append-only: a decision is never edited, a later
one supersedes it. Who decides is fixed from the agreement version in force when the dispute
is opened (``conflict_resolution.members``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement import Agreement
from revpact.domain.calendar import from_us, to_us
from revpact.domain.disputes import (
    Decision,
    Dispute,
    NotADeciderError,
    Presentation,
    Representative,
    Terms,
    check_decision,
    check_email,
    check_presentation,
    check_representative,
    deciders_for,
    terms_of,
)
from revpact.domain.feedback import check_text, parse_side
from revpact.errors import NotFoundError, RefusedError
from revpact.services.agreement_versions import governing_timeline
from revpact.store.disputes import (
    DecisionRow,
    DisputeRepository,
    DisputeRow,
    PresentationRow,
    RepresentativeRow,
)

__all__ = [
    "Dispute",
    "NotADeciderError",
    "decide",
    "dispute_to_json",
    "get_dispute",
    "list_disputes",
    "name_representative",
    "open_dispute",
    "record_presentation",
]


def _assemble(
    row: DisputeRow,
    representatives: list[RepresentativeRow],
    presentations: list[PresentationRow],
    decisions: list[DecisionRow],
) -> Dispute:
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
            Decision(d.decision_id, d.number, d.decision, d.decided_by, d.decided_us, d.supersedes)
            for d in decisions
        ),
    )


def _load(conn: Connection, dispute_id: int) -> Dispute:
    repo = DisputeRepository(conn)
    row = repo.get(dispute_id)
    if row is None:
        raise NotFoundError(f"no dispute {dispute_id}")
    return _assemble(
        row,
        repo.representatives(dispute_id),
        repo.presentations(dispute_id),
        repo.decisions(dispute_id),
    )


def get_dispute(engine: Engine, dispute_id: int) -> Dispute:
    """One dispute with its hearing and its chain of decisions."""
    with engine.connect() as conn:
        return _load(conn, dispute_id)


def list_disputes(engine: Engine) -> list[Dispute]:
    """Every dispute, oldest first."""
    with engine.connect() as conn:
        repo = DisputeRepository(conn)
        rows = repo.all()
        reps, talks, decided = repo.representatives(), repo.presentations(), repo.decisions()
    return [
        _assemble(
            row,
            [r for r in reps if r.dispute_id == row.dispute_id],
            [p for p in talks if p.dispute_id == row.dispute_id],
            [d for d in decided if d.dispute_id == row.dispute_id],
        )
        for row in rows
    ]


def open_dispute(
    engine: Engine, file_agreement: Agreement, *, topic: str, raised_by: str, at: datetime
) -> Dispute:
    """Take a conflict to the panel (or the sole arbiter) at ``at``, under the terms of the
    agreement version in force then."""
    subject = check_text(topic, "topic")
    who = check_email(raised_by, "raised_by")
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
        return _load(conn, dispute_id)


def name_representative(
    engine: Engine,
    file_agreement: Agreement,
    dispute_id: int,
    *,
    team: str,
    member: str,
    at: datetime,
) -> Dispute:
    """``member`` represents ``team`` in the dispute (each team names one, once)."""
    side = parse_side(team, "team")
    who = check_email(member, "member")
    roster = governing_timeline(engine, file_agreement).at(at).agreement.signatories
    at_us = to_us(at)
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
        check_representative(dispute, side, who, at_us, roster)
        person = next((p for p in roster if p.email.casefold() == who.casefold()), None)
        row = RepresentativeRow(dispute_id, side.value, person.email if person else who, at_us)
        try:
            DisputeRepository(conn).add_representative(row)
        except IntegrityError:
            raise RefusedError(
                f"{side} named its representative in dispute {dispute_id} at the same moment"
            ) from None
        return _load(conn, dispute_id)


def record_presentation(
    engine: Engine, dispute_id: int, *, team: str, minutes: int, at: datetime
) -> Dispute:
    """``team``'s representative presented for ``minutes``. An overrun of the time-box is
    recorded and flagged (:meth:`Presentation.over_by`), not refused."""
    side = parse_side(team, "team")
    at_us = to_us(at)
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
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
        return _load(conn, dispute_id)


def decide(
    engine: Engine,
    file_agreement: Agreement,
    dispute_id: int,
    *,
    decision: str,
    by: str | None,
    supersedes: int | None,
    at: datetime,
) -> Dispute:
    """Record a binding decision by ``by``, one of the dispute's deciders (else
    :class:`NotADeciderError`). A later decision names the current one in ``supersedes``."""
    text = check_text(decision, "decision")
    at_us = to_us(at)
    with engine.connect() as conn:
        before = _load(conn, dispute_id)
    members_now: tuple[str, ...] = ()
    if not before.terms.deciders:
        agreement = governing_timeline(engine, file_agreement).at(at).agreement
        members_now = agreement.conflict_resolution.members
    with engine.begin() as conn:
        dispute = _load(conn, dispute_id)
        deciders = deciders_for(dispute, members_now)
        number = check_decision(
            dispute, deciders=deciders, by=by, supersedes=supersedes, at_us=at_us
        )
        assert by is not None  # check_decision refuses a decision by nobody
        decider = next(d for d in deciders if d.casefold() == by.strip().casefold())
        try:
            DisputeRepository(conn).add_decision(
                dispute_id=dispute_id,
                number=number,
                decision=text,
                decided_by=decider,
                decided_us=at_us,
                supersedes=supersedes,
            )
        except IntegrityError:
            raise RefusedError(
                f"another decision of dispute {dispute_id} was recorded at the same moment; "
                f"read it with `revpact dispute show {dispute_id}` and supersede it if needed"
            ) from None
        return _load(conn, dispute_id)


def _iso(us: int | None) -> str | None:
    return None if us is None else from_us(us).isoformat()


def dispute_to_json(dispute: Dispute) -> dict[str, Any]:
    """A dispute as JSON (times ISO 8601 in UTC), the same for the CLI and the API."""
    box = dispute.terms.presentation_seconds
    current = dispute.current
    return {
        "id": dispute.id,
        "topic": dispute.topic,
        "raised_by": dispute.raised_by,
        "opened_at": _iso(dispute.opened_us),
        "stage": dispute.stage.value,
        "mode": dispute.terms.mode,
        "deciders": list(dispute.terms.deciders),
        "presentation_seconds": box,
        "binding": dispute.terms.binding,
        "version": dispute.version_hash,
        "representatives": [
            {"team": r.team.value, "member": r.member, "named_at": _iso(r.named_us)}
            for r in dispute.representatives
        ],
        "presentations": [
            {
                "id": p.id,
                "team": p.team.value,
                "presenter": p.presenter,
                "seconds": p.seconds,
                "recorded_at": _iso(p.recorded_us),
                "over_by_seconds": p.over_by(box),
            }
            for p in dispute.presentations
        ],
        "decisions": [
            {
                "id": d.id,
                "number": d.number,
                "decision": d.text,
                "decided_by": d.decided_by,
                "decided_at": _iso(d.decided_us),
                "supersedes": d.supersedes,
                "superseded_by": _superseded_by(dispute, d.id),
                "current": current is not None and d.id == current.id,
            }
            for d in dispute.decisions
        ],
        "current_decision": None if current is None else current.id,
    }


def _superseded_by(dispute: Dispute, decision_id: int) -> int | None:
    later = dispute.superseded_by(decision_id)
    return None if later is None else later.id
