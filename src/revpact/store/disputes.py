"""Disputes, their representatives, presentations, rehearings and decisions in the database
(append-only tables: rows are inserted, never updated or deleted)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from revpact.store.tables import (
    dispute_decisions,
    dispute_hearings,
    dispute_presentations,
    dispute_representatives,
    disputes,
)

__all__ = [
    "DecisionRow",
    "DisputeRepository",
    "DisputeRow",
    "HearingRow",
    "PresentationRow",
    "RepresentativeRow",
]


@dataclass(frozen=True)
class DisputeRow:
    dispute_id: int
    topic: str
    raised_by: str
    opened_us: int
    mode: str
    deciders: tuple[str, ...]
    presentation_s: int
    binding: bool
    version_hash: str | None


@dataclass(frozen=True)
class RepresentativeRow:
    dispute_id: int
    team: str
    member: str
    named_us: int


@dataclass(frozen=True)
class PresentationRow:
    presentation_id: int
    dispute_id: int
    team: str
    presenter: str
    seconds: int
    recorded_us: int


@dataclass(frozen=True)
class DecisionRow:
    decision_id: int
    dispute_id: int
    number: int
    decision: str
    decided_by: str
    decided_us: int
    supersedes: int | None
    deciders: tuple[str, ...] | None  # None: recorded before revpact kept who made it
    hearing_id: int | None


@dataclass(frozen=True)
class HearingRow:
    hearing_id: int
    dispute_id: int
    held_us: int
    attendees: tuple[str, ...]
    reason: str
    recorded_by: str | None
    recorded_us: int


_DISPUTE = (
    disputes.c.dispute_id,
    disputes.c.topic,
    disputes.c.raised_by,
    disputes.c.opened_us,
    disputes.c.mode,
    disputes.c.deciders,
    disputes.c.presentation_s,
    disputes.c.binding,
    disputes.c.version_hash,
)
_REPRESENTATIVE = (
    dispute_representatives.c.dispute_id,
    dispute_representatives.c.team,
    dispute_representatives.c.member,
    dispute_representatives.c.named_us,
)
_PRESENTATION = (
    dispute_presentations.c.presentation_id,
    dispute_presentations.c.dispute_id,
    dispute_presentations.c.team,
    dispute_presentations.c.presenter,
    dispute_presentations.c.seconds,
    dispute_presentations.c.recorded_us,
)
_DECISION = (
    dispute_decisions.c.decision_id,
    dispute_decisions.c.dispute_id,
    dispute_decisions.c.number,
    dispute_decisions.c.decision,
    dispute_decisions.c.decided_by,
    dispute_decisions.c.decided_us,
    dispute_decisions.c.supersedes,
    dispute_decisions.c.deciders,
    dispute_decisions.c.hearing_id,
)
_HEARING = (
    dispute_hearings.c.hearing_id,
    dispute_hearings.c.dispute_id,
    dispute_hearings.c.held_us,
    dispute_hearings.c.attendees,
    dispute_hearings.c.reason,
    dispute_hearings.c.recorded_by,
    dispute_hearings.c.recorded_us,
)


def _decision(row: Any) -> DecisionRow:
    deciders = None if row.deciders is None else tuple(str(d) for d in json.loads(row.deciders))
    return DecisionRow(
        decision_id=row.decision_id,
        dispute_id=row.dispute_id,
        number=row.number,
        decision=row.decision,
        decided_by=row.decided_by,
        decided_us=row.decided_us,
        supersedes=row.supersedes,
        deciders=deciders,
        hearing_id=row.hearing_id,
    )


def _dispute(row: Any) -> DisputeRow:
    """A ``disputes`` row (selected with :data:`_DISPUTE`) as a :class:`DisputeRow`."""
    return DisputeRow(
        dispute_id=row.dispute_id,
        topic=row.topic,
        raised_by=row.raised_by,
        opened_us=row.opened_us,
        mode=row.mode,
        deciders=tuple(str(d) for d in json.loads(row.deciders)),
        presentation_s=row.presentation_s,
        binding=bool(row.binding),
        version_hash=row.version_hash,
    )


class DisputeRepository:
    """Disputes reached through ``conn`` (within the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # --- disputes -------------------------------------------------------------------------

    def add(
        self,
        *,
        topic: str,
        raised_by: str,
        opened_us: int,
        mode: str,
        deciders: tuple[str, ...],
        presentation_s: int,
        binding: bool,
        version_hash: str | None,
    ) -> int:
        result = self._conn.execute(
            insert(disputes).values(
                topic=topic,
                raised_by=raised_by,
                opened_us=opened_us,
                mode=mode,
                deciders=json.dumps(list(deciders)),
                presentation_s=presentation_s,
                binding=binding,
                version_hash=version_hash,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def get(self, dispute_id: int) -> DisputeRow | None:
        row = self._conn.execute(
            select(*_DISPUTE).where(disputes.c.dispute_id == dispute_id)
        ).one_or_none()
        return None if row is None else _dispute(row)

    def all(self) -> list[DisputeRow]:
        rows = self._conn.execute(
            select(*_DISPUTE).order_by(disputes.c.opened_us, disputes.c.dispute_id)
        )
        return [_dispute(row) for row in rows]

    # --- the hearing ----------------------------------------------------------------------

    def representatives(self, dispute_id: int | None = None) -> list[RepresentativeRow]:
        """Representatives of one dispute (None: of every dispute), in the order named."""
        query = select(*_REPRESENTATIVE).order_by(
            dispute_representatives.c.named_us, dispute_representatives.c.team
        )
        if dispute_id is not None:
            query = query.where(dispute_representatives.c.dispute_id == dispute_id)
        return [RepresentativeRow(*row) for row in self._conn.execute(query)]

    def add_representative(self, row: RepresentativeRow) -> None:
        """Insert; the primary key refuses a team's second one (``IntegrityError``)."""
        self._conn.execute(
            insert(dispute_representatives).values(
                dispute_id=row.dispute_id, team=row.team, member=row.member, named_us=row.named_us
            )
        )

    def presentations(self, dispute_id: int | None = None) -> list[PresentationRow]:
        query = select(*_PRESENTATION).order_by(dispute_presentations.c.presentation_id)
        if dispute_id is not None:
            query = query.where(dispute_presentations.c.dispute_id == dispute_id)
        return [PresentationRow(*row) for row in self._conn.execute(query)]

    def add_presentation(
        self, *, dispute_id: int, team: str, presenter: str, seconds: int, recorded_us: int
    ) -> int:
        """Insert; the unique index refuses a team's second one (``IntegrityError``)."""
        result = self._conn.execute(
            insert(dispute_presentations).values(
                dispute_id=dispute_id,
                team=team,
                presenter=presenter,
                seconds=seconds,
                recorded_us=recorded_us,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    # --- decisions ------------------------------------------------------------------------

    def decisions(self, dispute_id: int | None = None) -> list[DecisionRow]:
        """Decisions of one dispute (None: of every dispute), in the order of the chain."""
        query = select(*_DECISION).order_by(
            dispute_decisions.c.dispute_id, dispute_decisions.c.number
        )
        if dispute_id is not None:
            query = query.where(dispute_decisions.c.dispute_id == dispute_id)
        return [_decision(row) for row in self._conn.execute(query)]

    def add_decision(
        self,
        *,
        dispute_id: int,
        number: int,
        decision: str,
        decided_by: str,
        decided_us: int,
        supersedes: int | None,
        deciders: tuple[str, ...] = (),
        hearing_id: int | None = None,
    ) -> int:
        """Insert; the unique (dispute, number) index refuses a second decision with the same
        place in the chain (``IntegrityError``), so two deciders racing cannot fork it."""
        result = self._conn.execute(
            insert(dispute_decisions).values(
                dispute_id=dispute_id,
                number=number,
                decision=decision,
                decided_by=decided_by,
                decided_us=decided_us,
                supersedes=supersedes,
                deciders=json.dumps(list(deciders)) if deciders else None,
                hearing_id=hearing_id,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    # --- rehearings -----------------------------------------------------------------------

    def hearings(self, dispute_id: int | None = None) -> list[HearingRow]:
        """Rehearings of one dispute (None: of every dispute), in the order held."""
        query = select(*_HEARING).order_by(
            dispute_hearings.c.held_us, dispute_hearings.c.hearing_id
        )
        if dispute_id is not None:
            query = query.where(dispute_hearings.c.dispute_id == dispute_id)
        return [
            HearingRow(
                hearing_id=row.hearing_id,
                dispute_id=row.dispute_id,
                held_us=row.held_us,
                attendees=tuple(str(a) for a in json.loads(row.attendees)),
                reason=row.reason,
                recorded_by=row.recorded_by,
                recorded_us=row.recorded_us,
            )
            for row in self._conn.execute(query)
        ]

    def add_hearing(
        self,
        *,
        dispute_id: int,
        held_us: int,
        attendees: tuple[str, ...],
        reason: str,
        recorded_by: str | None,
        recorded_us: int,
    ) -> int:
        result = self._conn.execute(
            insert(dispute_hearings).values(
                dispute_id=dispute_id,
                held_us=held_us,
                attendees=json.dumps(list(attendees)),
                reason=reason,
                recorded_by=recorded_by,
                recorded_us=recorded_us,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])
