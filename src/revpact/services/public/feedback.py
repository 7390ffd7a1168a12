"""The public shape of feedback between the teams: one item, and the list as of a moment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

from pydantic import Field

from revpact.domain.agreement.model import FeedbackTopic, Side
from revpact.domain.feedback import FeedbackState
from revpact.services.feedback import FeedbackView
from revpact.services.public.common import Moment, Public

__all__ = ["FeedbackListPublic", "FeedbackPublic"]


class FeedbackPublic(Public):
    """A feedback item as of a moment: due, answered or not, and where it stands."""

    id: int
    from_team: Side
    to_team: Side
    topic: FeedbackTopic
    text: str
    raised_by: str | None
    raised_at: Moment
    event_at: Moment = Field(description="When what it is about happened; due counts from it.")
    due_at: Moment
    clock: str = Field(description="wall or business: how the window was counted.")
    version: str | None = Field(
        description="The hash of the agreement version in force when it was raised (null: "
        "none was; the agreement file governed)."
    )
    answer: str | None
    answered_by: str | None
    answered_at: Moment | None
    state: FeedbackState

    @classmethod
    def of(cls, view: FeedbackView) -> Self:
        return cls(
            id=view.id,
            from_team=Side(view.from_team),
            to_team=Side(view.to_team),
            topic=FeedbackTopic(view.topic),
            text=view.text,
            raised_by=view.raised_by,
            raised_at=view.raised_at,
            event_at=view.event_at,
            due_at=view.due_at,
            clock=view.clock,
            version=view.version,
            answer=view.answer,
            answered_by=view.answered_by,
            answered_at=view.answered_at,
            state=view.state,
        )


class FeedbackListPublic(Public):
    """The items raised by ``as_of``, oldest first."""

    as_of: Moment
    feedback: tuple[FeedbackPublic, ...]

    @classmethod
    def of(cls, as_of: datetime, views: Iterable[FeedbackView]) -> Self:
        return cls(as_of=as_of, feedback=tuple(FeedbackPublic.of(v) for v in views))
