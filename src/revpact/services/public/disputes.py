"""The public shape of a dispute: its terms, representatives, presentations, the chain of
decisions and the new hearings, every moment in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from pydantic import Field

from revpact.domain.agreement.model import Side
from revpact.domain.clock.calendar import from_us
from revpact.domain.disputes import (
    Decision,
    Dispute,
    DisputeStage,
    Hearing,
    Presentation,
    Representative,
)
from revpact.services.public.common import Moment, Public

__all__ = [
    "DecisionPublic",
    "DisputeListPublic",
    "DisputePublic",
    "HearingPublic",
    "PresentationPublic",
    "RepresentativePublic",
]


class RepresentativePublic(Public):
    team: Side
    member: str
    named_at: Moment

    @classmethod
    def of(cls, named: Representative) -> Self:
        return cls(team=named.team, member=named.member, named_at=from_us(named.named_us))


class PresentationPublic(Public):
    id: int
    team: Side
    presenter: str
    seconds: int
    recorded_at: Moment
    over_by_seconds: int = Field(description="How far past the time-box (0: within it).")

    @classmethod
    def of(cls, given: Presentation, time_box_seconds: int) -> Self:
        return cls(
            id=given.id,
            team=given.team,
            presenter=given.presenter,
            seconds=given.seconds,
            recorded_at=from_us(given.recorded_us),
            over_by_seconds=given.over_by(time_box_seconds),
        )


class DecisionPublic(Public):
    id: int
    number: int
    decision: str
    decided_by: str = Field(description="Who entered it.")
    deciders: tuple[str, ...] = Field(description="Everyone who made it.")
    decided_at: Moment
    hearing: int | None = Field(description="The new hearing it followed (null: the first).")
    supersedes: int | None
    superseded_by: int | None
    current: bool

    @classmethod
    def of(cls, decision: Decision, dispute: Dispute) -> Self:
        later = dispute.superseded_by(decision.id)
        current = dispute.current
        return cls(
            id=decision.id,
            number=decision.number,
            decision=decision.text,
            decided_by=decision.decided_by,
            deciders=decision.made_by,
            decided_at=from_us(decision.decided_us),
            hearing=decision.hearing_id,
            supersedes=decision.supersedes,
            superseded_by=None if later is None else later.id,
            current=current is not None and decision.id == current.id,
        )


class HearingPublic(Public):
    id: int
    held_at: Moment
    attendees: tuple[str, ...]
    reason: str
    recorded_by: str | None

    @classmethod
    def of(cls, hearing: Hearing) -> Self:
        return cls(
            id=hearing.id,
            held_at=from_us(hearing.held_us),
            attendees=hearing.attendees,
            reason=hearing.reason,
            recorded_by=hearing.recorded_by,
        )


class DisputePublic(Public):
    """A dispute as recorded (as of a moment), the same for the CLI, the API and the page."""

    id: int
    topic: str
    raised_by: str
    opened_at: Moment
    stage: DisputeStage
    mode: str
    deciders: tuple[str, ...] = Field(description="Who may decide: fixed when it was opened.")
    presentation_seconds: int
    binding: bool
    version: str | None
    representatives: tuple[RepresentativePublic, ...]
    presentations: tuple[PresentationPublic, ...]
    decisions: tuple[DecisionPublic, ...] = Field(description="The chain, oldest first.")
    current_decision: int | None
    hearings: tuple[HearingPublic, ...] = Field(description="New hearings, oldest first.")

    @classmethod
    def of(cls, dispute: Dispute) -> Self:
        terms, current = dispute.terms, dispute.current
        return cls(
            id=dispute.id,
            topic=dispute.topic,
            raised_by=dispute.raised_by,
            opened_at=from_us(dispute.opened_us),
            stage=dispute.stage,
            mode=terms.mode,
            deciders=terms.deciders,
            presentation_seconds=terms.presentation_seconds,
            binding=terms.binding,
            version=dispute.version_hash,
            representatives=tuple(RepresentativePublic.of(r) for r in dispute.representatives),
            presentations=tuple(
                PresentationPublic.of(p, terms.presentation_seconds) for p in dispute.presentations
            ),
            decisions=tuple(DecisionPublic.of(d, dispute) for d in dispute.decisions),
            current_decision=None if current is None else current.id,
            hearings=tuple(HearingPublic.of(h) for h in dispute.hearings),
        )


class DisputeListPublic(Public):
    """Every dispute, oldest first."""

    disputes: tuple[DisputePublic, ...]

    @classmethod
    def of(cls, disputes: Iterable[Dispute]) -> Self:
        return cls(disputes=tuple(DisputePublic.of(d) for d in disputes))
