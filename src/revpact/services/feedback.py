"""Feedback between the teams: raise it, answer it, and see what is open, overdue or late.

An item is due ``communication.feedback.within`` after the event it is about (``event_at``;
by default the moment it is raised), on the ``clock`` of the agreement version in force at the
event (:func:`revpact.domain.feedback.due_of`). The event's time, the due time, the clock and
that version's hash are stored with the item, so a later amendment never moves a deadline
already set. Items and answers are append-only records: an item is answered once, and nothing
is edited. Every raise and answer is written to the audit trail in the same transaction
(``feedback.raise``, ``feedback.answer``): who, through what (``via``), the time claimed and
the time recorded (``now``; default the system clock).

Read as of a moment ``T``, only items raised by ``T`` exist, and only answers given by ``T``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from revpact.domain.agreement.model import Agreement
from revpact.domain.clock.calendar import from_us, to_us
from revpact.domain.feedback import (
    FeedbackState,
    check_answer,
    check_event,
    check_text,
    due_of,
    parse_topic,
    state_of,
    teams,
)
from revpact.errors import NotFoundError, RefusedError
from revpact.services.agreement_versions import governing_timeline
from revpact.services.claimed import check_claimed
from revpact.services.clock import recorded_at_us
from revpact.store.audit import record_write
from revpact.store.feedback import AnswerRow, FeedbackRepository, FeedbackRow

__all__ = [
    "FeedbackState",
    "FeedbackView",
    "add_feedback",
    "answer_feedback",
    "get_feedback",
    "list_feedback",
    "recipient_of",
]


@dataclass(frozen=True)
class FeedbackView:
    """A feedback item as of a moment. ``version`` is the hash of the agreement version in
    force when it was raised (None: no version was in force; the file governed). ``answer``,
    ``answered_by`` and ``answered_at`` are None until it is answered (as of that moment)."""

    id: int
    from_team: str
    to_team: str
    topic: str
    text: str
    raised_by: str | None
    raised_at: datetime
    event_at: datetime  # what the item is about happened then; due counts from it
    due_at: datetime
    clock: str
    version: str | None
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None
    state: FeedbackState


def _view(item: FeedbackRow, answer: AnswerRow | None, as_of_us: int) -> FeedbackView:
    given = answer if answer is not None and answer.answered_us <= as_of_us else None
    return FeedbackView(
        id=item.feedback_id,
        from_team=item.from_team,
        to_team=item.to_team,
        topic=item.topic,
        text=item.text,
        raised_by=item.raised_by,
        raised_at=from_us(item.raised_us),
        event_at=from_us(item.event_at_us),
        due_at=from_us(item.due_us),
        clock=item.clock,
        version=item.version_hash,
        answer=None if given is None else given.text,
        answered_by=None if given is None else given.answered_by,
        answered_at=None if given is None else from_us(given.answered_us),
        state=state_of(
            due_us=item.due_us,
            answered_us=None if given is None else given.answered_us,
            as_of_us=as_of_us,
        ),
    )


def list_feedback(
    engine: Engine, *, as_of: datetime, states: Collection[FeedbackState] | None = None
) -> list[FeedbackView]:
    """Items raised by ``as_of``, oldest first, in ``states`` (default: all); an answer
    given after ``as_of`` counts as not yet given."""
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        rows = FeedbackRepository(conn).raised_by_time(as_of_us)
    views = [_view(item, answer, as_of_us) for item, answer in rows]
    if states is None:
        return views
    wanted = {FeedbackState(s) for s in states}
    return [v for v in views if v.state in wanted]


def get_feedback(engine: Engine, feedback_id: int, *, as_of: datetime) -> FeedbackView:
    """One item as of ``as_of`` (NotFoundError when there is none, or it was raised later)."""
    as_of_us = to_us(as_of)
    with engine.connect() as conn:
        repo = FeedbackRepository(conn)
        item = repo.get(feedback_id)
        answer = None if item is None else repo.answer_of(feedback_id)
    if item is None:
        raise NotFoundError(f"no feedback {feedback_id}")
    if item.raised_us > as_of_us:
        raise NotFoundError(
            f"feedback {feedback_id} was raised at {from_us(item.raised_us).isoformat()}, "
            f"after {as_of.isoformat()}"
        )
    return _view(item, answer, as_of_us)


def recipient_of(engine: Engine, feedback_id: int) -> str:
    """The team item ``feedback_id`` was raised for: the team that answers it."""
    with engine.connect() as conn:
        item = FeedbackRepository(conn).get(feedback_id)
    if item is None:
        raise NotFoundError(f"no feedback {feedback_id}")
    return item.to_team


def _by(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return check_text(value, "by")


def add_feedback(
    engine: Engine,
    file_agreement: Agreement,
    *,
    from_team: str,
    to_team: str,
    topic: str,
    text: str,
    by: str | None,
    at: datetime,
    event_at: datetime | None = None,
    via: str = "cli",
    now: datetime | None = None,
) -> FeedbackView:
    """Raise a feedback item at ``at`` about an event at ``event_at`` (default ``at``): due
    ``within`` after the event, under the agreement version in force at the event
    (``file_agreement`` while no version is in force). Refused when the event is after ``at``,
    and when either is more than a year outside ``file_agreement``'s period."""
    source, target = teams(from_team, to_team)
    subject = parse_topic(topic)
    body = check_text(text, "text")
    who = _by(by)
    check_claimed(file_agreement, at, "at")
    if event_at is not None:
        check_claimed(file_agreement, event_at, "event_at")
    raised_us = to_us(at)
    event = at if event_at is None else event_at
    event_us = to_us(event)
    check_event(event_us=event_us, raised_us=raised_us)
    in_force = governing_timeline(engine, file_agreement).at(event)
    due = due_of(in_force.agreement, event_us)
    with engine.begin() as conn:
        feedback_id = FeedbackRepository(conn).add(
            from_team=source.value,
            to_team=target.value,
            topic=subject.value,
            text=body,
            raised_by=who,
            raised_us=raised_us,
            due_us=due.due_us,
            clock=due.clock.value,
            version_hash=in_force.hash,
            event_us=event_us,
        )
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=who,
            via=via,
            action="feedback.raise",
            subject=f"feedback:{feedback_id}",
            claimed_us=raised_us,
            detail={
                "from_team": source.value,
                "to_team": target.value,
                "topic": subject.value,
                "event_at": from_us(event_us).isoformat(),
                "due_at": from_us(due.due_us).isoformat(),
                "version": in_force.hash,
            },
        )
    item = FeedbackRow(
        feedback_id,
        source.value,
        target.value,
        subject.value,
        body,
        who,
        raised_us,
        due.due_us,
        due.clock.value,
        in_force.hash,
        event_us,
    )
    return _view(item, None, raised_us)


def answer_feedback(
    engine: Engine,
    feedback_id: int,
    *,
    text: str,
    by: str | None,
    at: datetime,
    via: str = "cli",
    now: datetime | None = None,
    agreement: Agreement | None = None,
) -> FeedbackView:
    """Answer item ``feedback_id`` at ``at``. Refused when it was already answered or ``at``
    is before it was raised, or more than a year outside ``agreement``'s period (the faces
    pass the agreement file)."""
    body = check_text(text, "text")
    who = _by(by)
    answered_us = to_us(at)
    with engine.begin() as conn:
        repo = FeedbackRepository(conn)
        item = repo.get(feedback_id)
        if item is None:
            raise NotFoundError(f"no feedback {feedback_id}")
        if agreement is not None:
            check_claimed(agreement, at, "at")
        previous = repo.answer_of(feedback_id)
        check_answer(
            feedback_id=feedback_id,
            raised_us=item.raised_us,
            answered_us=answered_us,
            previous_answer_us=None if previous is None else previous.answered_us,
            previous_by=None if previous is None else previous.answered_by,
        )
        answer = AnswerRow(feedback_id, body, who, answered_us)
        try:
            repo.add_answer(answer)
        except IntegrityError:
            raise RefusedError(
                f"feedback {feedback_id} was answered at the same moment by someone else; "
                f"see `revpact feedback show {feedback_id}`"
            ) from None
        record_write(
            conn,
            recorded_us=recorded_at_us(now),
            actor=who,
            via=via,
            action="feedback.answer",
            subject=f"feedback:{feedback_id}",
            claimed_us=answered_us,
            detail={"due_at": from_us(item.due_us).isoformat()},
        )
    return _view(item, answer, answered_us)
